namespace TazLab.ImageAutomation.Engine.Policies;

/// <summary>
/// Flux's semver policy: values that are not versions (Flux's <c>ParseVersion</c>) or are outside the range are
/// skipped; the highest precedence wins. Among equal versions (<c>1.0.0</c>, <c>v1.0.0</c>, <c>1.0.0+b</c>) Flux keeps
/// the first it reads, and it reads tags in descending byte order, so the byte-wise greatest wins.
/// </summary>
internal sealed class SemVerOrdering(SemVerRange range) : IVersionOrdering
{
    public (TagValue? Latest, int Eligible) Latest(IEnumerable<TagValue> values)
    {
        (SemanticVersion Version, TagValue Value)? best = null;
        var eligible = 0;
        foreach (var value in values)
        {
            // An extracted value's string lives only through this step; the best keeps its slice.
            var version = SemanticVersion.ParseTag(value.ToString());
            if (version is null || !range.IsSatisfiedBy(version))
            {
                continue;
            }

            eligible++;
            var c = best is { } current ? version.CompareTo(current.Version) : 1;
            if (c > 0 || (c == 0 && value.CompareTo(best!.Value.Value) > 0))
            {
                best = (version, value);
            }
        }

        return (best?.Value, eligible);
    }
}
