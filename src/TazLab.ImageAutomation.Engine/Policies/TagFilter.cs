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

    /// <summary>The distinct values in the order their first tag comes, each with the tag that stands for it: when
    /// several tags give the same value Flux keeps the last it reads, in descending byte order, so the byte-wise
    /// smallest tag.</summary>
    public (List<TagValue> Values, List<string> Tags) Apply(IReadOnlyCollection<string> tags)
    {
        var values = new List<TagValue>(tags.Count);
        var sources = new List<string>(tags.Count);
        var expand = Expander();
        foreach (var tag in tags)
        {
            // Neither IsMatch nor the expander allocates a Match per tag: lists run to a million tags.
            if (expand(tag) is { } expanded)
            {
                values.Add(InTag(tag, expanded));
                sources.Add(tag);
            }
        }

        DistinctValues.Keep(values, sources);
        return (values, sources);
    }

    /// <summary>The expansion as a slice of its tag wherever the tag contains it (an extract of one group always
    /// does; any occurrence is the same value), so the expanded string dies young; otherwise the expansion itself.</summary>
    private static TagValue InTag(string tag, string expanded)
    {
        if (ReferenceEquals(tag, expanded))
        {
            return new TagValue(tag);
        }

        var start = tag.AsSpan().IndexOf(expanded.AsSpan());
        return start < 0 ? new TagValue(expanded) : new TagValue(tag, start, expanded.Length);
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
