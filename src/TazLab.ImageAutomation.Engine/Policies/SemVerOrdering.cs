namespace TazLab.ImageAutomation.Engine.Policies;

/// <summary>
/// Flux's semver policy: values that are not versions (Flux's <c>ParseVersion</c>) or are outside the range are
/// skipped; the highest precedence wins. Among equal versions (<c>1.0.0</c>, <c>v1.0.0</c>, <c>1.0.0+b</c>) Flux keeps
/// the first it reads, and it reads tags in descending byte order, so the byte-wise greatest wins.
/// </summary>
internal sealed class SemVerOrdering(SemVerRange range) : IVersionOrdering
{
    public (int Latest, int Eligible) Latest(IReadOnlyList<TagValue> values)
    {
        SemanticVersion? best = null;
        var bestIndex = -1;
        var eligible = 0;
        for (var i = 0; i < values.Count; i++)
        {
            // An extracted value's string lives only through this step; the best is kept as its index.
            var version = SemanticVersion.ParseTag(values[i].ToString());
            if (version is null || !range.IsSatisfiedBy(version))
            {
                continue;
            }

            eligible++;
            var c = best is null ? 1 : version.CompareTo(best);
            if (c > 0 || (c == 0 && string.CompareOrdinal(version.Original, best!.Original) > 0))
            {
                best = version;
                bestIndex = i;
            }
        }

        return (bestIndex, eligible);
    }
}
