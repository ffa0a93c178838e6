using System.Runtime.InteropServices;

namespace TazLab.ImageAutomation.Engine.Policies;

/// <summary>
/// Flux's <c>filterTags</c>: keep the tags the pattern matches anywhere, and map each to the value
/// <c>extract</c> expands to (the tag itself when extract is empty). The value is what the policy orders; the
/// original tag is what is selected.
/// </summary>
internal sealed class TagFilter(GoRegex regex, string extract)
{
    private readonly ExpandTemplate? template = extract.Length == 0 ? null : regex.ParseTemplate(extract);

    /// <summary>value → original tag. When several tags give the same value Flux keeps the last it reads, in
    /// descending byte order: the byte-wise smallest tag.</summary>
    public Dictionary<string, string> Apply(IReadOnlyCollection<string> tags)
    {
        var result = new Dictionary<string, string>(tags.Count, StringComparer.Ordinal);
        foreach (var tag in tags)
        {
            var match = regex.Match(tag);
            if (!match.Success)
            {
                continue;
            }

            var value = template is null ? tag : template.Expand(match);
            ref var kept = ref CollectionsMarshal.GetValueRefOrAddDefault(result, value, out var exists);
            if (!exists || string.CompareOrdinal(tag, kept) < 0)
            {
                kept = tag;
            }
        }

        return result;
    }
}
