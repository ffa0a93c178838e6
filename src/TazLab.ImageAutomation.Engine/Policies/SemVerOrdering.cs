namespace TazLab.ImageAutomation.Engine.Policies;

/// <summary>
/// Flux's semver policy: values that are not versions (Flux's <c>ParseVersion</c>) or are outside the range are
/// skipped; the highest precedence wins. Among equal versions (<c>1.0.0</c>, <c>v1.0.0</c>, <c>1.0.0+b</c>) Flux keeps
/// the first it reads, and it reads tags in descending byte order, so the byte-wise greatest wins.
/// </summary>
internal sealed class SemVerOrdering(SemVerRange range) : IVersionOrdering
{
    public (string? Latest, int Eligible) Latest(IReadOnlyCollection<string> values)
    {
        SemanticVersion? best = null;
        var eligible = 0;
        foreach (var value in values)
        {
            var version = SemanticVersion.ParseTag(value);
            if (version is null || !range.IsSatisfiedBy(version))
            {
                continue;
            }

            eligible++;
            var c = best is null ? 1 : version.CompareTo(best);
            if (c > 0 || (c == 0 && string.CompareOrdinal(value, best!.Original) > 0))
            {
                best = version;
            }
        }

        return (best?.Original, eligible);
    }
}
