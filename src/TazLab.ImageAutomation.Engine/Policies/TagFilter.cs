namespace TazLab.ImageAutomation.Engine.Policies;

/// <summary>
/// Flux's <c>filterTags</c>: keep the tags the pattern matches anywhere, and map each to the value
/// <c>extract</c> expands to (the tag itself when extract is empty). The value is what the policy orders; the
/// original tag is what is selected.
/// </summary>
internal sealed class TagFilter(GoRegex regex, string extract)
{
    private readonly ExpandTemplate? template = extract.Length == 0 ? null : regex.ParseTemplate(extract);
    private Func<string, string?>? expander;

    /// <summary>value → original tag. When several tags give the same value Flux keeps the last it reads, in
    /// descending byte order: the byte-wise smallest tag.</summary>
    public Dictionary<string, string> Apply(IReadOnlyCollection<string> tags)
    {
        var result = new Dictionary<string, string>(tags.Count, StringComparer.Ordinal);
        var expand = Expander();
        foreach (var tag in tags)
        {
            // Neither IsMatch nor the expander allocates a Match per tag: lists run to a million tags.
            var value = expand(tag);
            if (value is null)
            {
                continue;
            }

            // A new value costs one lookup, as CollectionsMarshal's ref would (which .NET Framework lacks); values
            // that repeat are few.
            if (!result.TryAdd(value, tag) && string.CompareOrdinal(tag, result[value]) < 0)
            {
                result[value] = tag;
            }
        }

        return result;
    }

    /// <summary>tag → value, or null when the tag does not match. Built on first use: the expander compiles a
    /// second regex.</summary>
    private Func<string, string?> Expander()
    {
        if (template is null)
        {
            return tag => regex.IsMatch(tag) ? tag : null;
        }

        return expander ??= regex.CreateExpander(template) ?? (tag => regex.Match(tag) is { Success: true } match ? template.Expand(match) : null);
    }
}
