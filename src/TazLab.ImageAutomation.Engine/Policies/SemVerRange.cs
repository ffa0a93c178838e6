using System.Text.RegularExpressions;
using TazLab.ImageAutomation.Engine.Diagnostics;

namespace TazLab.ImageAutomation.Engine.Policies;

/// <summary>
/// A Masterminds/semver v3 constraint (Flux's <c>spec.policy.semver.range</c>): <c>||</c> separates groups,
/// commas or whitespace AND the comparisons inside a group, <c>A - B</c> is rewritten to <c>&gt;= A, &lt;= B</c>,
/// and <c>x</c>, <c>X</c>, <c>*</c> or a missing part make a comparison "dirty" (a wildcard range).
/// A prerelease version only satisfies a group in which some comparison names a prerelease.
/// </summary>
internal sealed class SemVerRange
{
    // The grammar of Masterminds' cvRegex, validConstraintRegex and findConstraintRegex, with Go's ASCII \s
    // and end-of-text $ spelled out for .NET. The operator order matters: it is the order the alternation tries.
    private const string Space = @"[\t\n\f\r ]";
    private const string Operator = @"=||!=|>|<|>=|=>|<=|=<|~|~>|\^";
    private const string Identifiers = @"[0-9A-Za-z\-]+(?:\.[0-9A-Za-z\-]+)*";
    private const string Version =
        @"v?([0-9|xX*]+)(\.[0-9|xX*]+)?(\.[0-9|xX*]+)?(-" + Identifiers + @")?(?:\+" + Identifiers + ")?";
    private const string VersionNoGroups =
        @"v?[0-9|xX*]+(?:\.[0-9|xX*]+)?(?:\.[0-9|xX*]+)?(?:-" + Identifiers + @")?(?:\+" + Identifiers + ")?";

    // Ranges are short; the limit only guards against a pathological one backtracking for long.
    private static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(1);

    private static readonly Regex HyphenRange = new(
        $"{Space}*({VersionNoGroups}){Space}+-{Space}+({VersionNoGroups}){Space}*", RegexOptions.CultureInvariant, MatchTimeout);

    private static readonly Regex ValidGroup = new(
        $@"^{Space}*(?:{Operator}){Space}*{VersionNoGroups}{Space}*(?:(?:{Space}+|,{Space}*)(?:{Operator}){Space}*{VersionNoGroups}{Space}*)*\z",
        RegexOptions.CultureInvariant, MatchTimeout);

    private static readonly Regex OneComparison = new(
        $"(?:{Operator}){Space}*{VersionNoGroups}", RegexOptions.CultureInvariant, MatchTimeout);

    private static readonly Regex ComparisonParts = new(
        $@"^{Space}*({Operator}){Space}*({Version}){Space}*\z", RegexOptions.CultureInvariant, MatchTimeout);

    private readonly Group[] groups;

    private SemVerRange(Group[] groups) => this.groups = groups;

    /// <summary>Parses a range, or throws an <see cref="AutomationException"/> naming it.</summary>
    public static SemVerRange Parse(string range)
    {
        try
        {
            return ParseGroups(range);
        }
        catch (RegexMatchTimeoutException)
        {
            throw Invalid(range, "it is too complex to parse");
        }
    }

    private static SemVerRange ParseGroups(string range)
    {
        var groups = new List<Group>();
        foreach (var text in RewriteHyphenRanges(range).Split("||"))
        {
            if (!ValidGroup.IsMatch(text))
            {
                throw Invalid(range, $"improper constraint: {text}");
            }

            var comparisons = OneComparison.Matches(text).Select(m => ParseComparison(range, m.Value)).ToArray();
            groups.Add(new Group(comparisons, comparisons.Any(c => c.Version.Prerelease.Length > 0)));
        }

        return new SemVerRange(groups.ToArray());
    }

    public bool IsSatisfiedBy(SemanticVersion version)
    {
        foreach (var group in groups)
        {
            if ((version.Prerelease.Length == 0 || group.AllowsPrerelease) && group.Comparisons.All(c => c.IsSatisfiedBy(version)))
            {
                return true;
            }
        }

        return false;
    }

    private static string RewriteHyphenRanges(string range)
    {
        // Masterminds replaces the first occurrence of each matched text in turn; keep that exact behaviour.
        var result = range;
        foreach (Match match in HyphenRange.Matches(range))
        {
            var at = result.IndexOf(match.Value, StringComparison.Ordinal);
            result = result[..at] + $">= {match.Groups[1].Value}, <= {match.Groups[2].Value} " + result[(at + match.Length)..];
        }

        return result;
    }

    private static Comparison ParseComparison(string range, string text)
    {
        var m = ComparisonParts.Match(text);
        if (!m.Success)
        {
            throw Invalid(range, $"improper constraint: {text}");
        }

        var (major, minor, patch, prerelease) = (m.Groups[3].Value, m.Groups[4].Value, m.Groups[5].Value, m.Groups[6].Value);
        var wildcard = Wildcard.None;
        var version = m.Groups[2].Value;
        if (IsWildcard(major))
        {
            (wildcard, version) = (Wildcard.Major, "0.0.0" + prerelease);
        }
        else if (IsWildcard(minor.TrimStart('.')))
        {
            (wildcard, version) = (Wildcard.Minor, $"{major}.0.0{prerelease}");
        }
        else if (IsWildcard(patch.TrimStart('.')))
        {
            (wildcard, version) = (Wildcard.Patch, $"{major}{minor}.0{prerelease}");
        }

        var parsed = SemanticVersion.Parse(version)
            ?? throw Invalid(range, $"'{text.Trim()}' is not a valid version comparison");
        return new Comparison(m.Groups[1].Value, parsed, wildcard);
    }

    private static bool IsWildcard(string part) => part is "" or "x" or "X" or "*";

    private static AutomationException Invalid(string range, string detail) =>
        new(ErrorKind.InvalidArgument, "InvalidSemVerRange", $"invalid semver range {TextScrubber.Quote(range)}: {TextScrubber.Shorten(TextScrubber.Neutralise(detail), TextScrubber.MaxQuotedLength * 2)}", range,
            "Write the range in Masterminds/semver syntax, e.g. '>=1.0.0 <2.0.0', '^1.2', '~1.2.3', '1.x' or '>=1.0.0-0' to include prereleases.");

    private sealed record Group(Comparison[] Comparisons, bool AllowsPrerelease);

    /// <summary>Which part of the comparison version was a wildcard or missing (Masterminds' "dirty" flags;
    /// Major means the whole version was a wildcard).</summary>
    private enum Wildcard
    {
        None,
        Patch,
        Minor,
        Major,
    }

    private sealed record Comparison(string Operator, SemanticVersion Version, Wildcard Wildcard)
    {
        private bool Dirty => Wildcard != Wildcard.None;
        private bool MinorDirty => Wildcard == Wildcard.Minor;
        private bool PatchDirty => Wildcard == Wildcard.Patch;

        public bool IsSatisfiedBy(SemanticVersion v) => Operator switch
        {
            "" or "=" => Dirty ? Tilde(v) : v.CompareTo(Version) == 0,
            "!=" => NotEqual(v),
            ">" => GreaterThan(v),
            "<" => v.CompareTo(Version) < 0,
            ">=" or "=>" => v.CompareTo(Version) >= 0,
            "<=" or "=<" => LessOrEqual(v),
            "~" or "~>" => Tilde(v),
            "^" => Caret(v),
            _ => throw new InvalidOperationException($"operator '{Operator}' is not in the grammar"),
        };

        private bool NotEqual(SemanticVersion v)
        {
            if (Dirty)
            {
                if (Version.Major != v.Major) return true;
                if (Version.Minor != v.Minor && !MinorDirty) return true;
                if (MinorDirty) return false;
                if (Version.Patch != v.Patch && !PatchDirty) return true;
                if (PatchDirty)
                {
                    return (v.Prerelease.Length > 0 || Version.Prerelease.Length > 0)
                        && SemanticVersion.ComparePrerelease(v.Prerelease, Version.Prerelease) != 0;
                }
            }

            return v.CompareTo(Version) != 0;
        }

        private bool GreaterThan(SemanticVersion v)
        {
            if (!Dirty) return v.CompareTo(Version) > 0;
            if (v.Major != Version.Major) return v.Major > Version.Major;
            if (MinorDirty) return false; // >11 needs 12 or more
            if (PatchDirty) return v.Minor > Version.Minor; // >11.1 needs 11.2 or more
            return v.CompareTo(Version) > 0;
        }

        private bool LessOrEqual(SemanticVersion v)
        {
            if (!Dirty) return v.CompareTo(Version) <= 0;
            if (v.Major > Version.Major) return false;
            return !(v.Major == Version.Major && v.Minor > Version.Minor && !MinorDirty);
        }

        // ~1.2.3 → >=1.2.3 <1.3.0; ~1 and ~1.x → >=1.0.0 <2.0.0; ~0.0.0 and ~* → anything.
        private bool Tilde(SemanticVersion v)
        {
            if (v.CompareTo(Version) < 0) return false;
            if (Version.Major == 0 && Version.Minor == 0 && Version.Patch == 0 && !MinorDirty && !PatchDirty) return true;
            if (v.Major != Version.Major) return false;
            return v.Minor == Version.Minor || MinorDirty;
        }

        // ^1.2.3 → <2.0.0; ^0.2.3 → <0.3.0; ^0.0.3 → =0.0.3; ^0.0 → <0.1.0; ^0 → <1.0.0.
        private bool Caret(SemanticVersion v)
        {
            if (v.CompareTo(Version) < 0) return false;
            if (Version.Major > 0 || MinorDirty) return v.Major == Version.Major;
            if (v.Major > 0) return false;
            if (Version.Minor > 0 || PatchDirty) return v.Minor == Version.Minor;
            if (v.Minor > 0) return false;
            return v.Patch == Version.Patch;
        }
    }
}
