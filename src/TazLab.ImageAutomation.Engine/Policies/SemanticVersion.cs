using System.Globalization;

namespace TazLab.ImageAutomation.Engine.Policies;

/// <summary>
/// A version as Masterminds/semver v3 (the library Flux uses) reads it with its coercing <c>NewVersion</c>:
/// optional lowercase <c>v</c>, one to three numeric parts (missing ones are 0, leading zeros allowed),
/// then an optional <c>-prerelease</c> and <c>+metadata</c> made of dot-separated <c>[0-9A-Za-z-]</c> identifiers,
/// where a numeric prerelease identifier must not have a leading zero.
/// </summary>
internal sealed class SemanticVersion : IComparable<SemanticVersion>
{
    private SemanticVersion(ulong major, ulong minor, ulong patch, string prerelease, string metadata, string original)
    {
        Major = major;
        Minor = minor;
        Patch = patch;
        Prerelease = prerelease;
        Metadata = metadata;
        Original = original;
    }

    public ulong Major { get; }
    public ulong Minor { get; }
    public ulong Patch { get; }
    public string Prerelease { get; }
    public string Metadata { get; }

    /// <summary>The text that was parsed, with its <c>v</c> and build metadata: what Flux writes back.</summary>
    public string Original { get; }

    /// <summary>Flux's <c>version.ParseVersion</c>: the tag must split into exactly three parts on its first two
    /// dots (so <c>1.2</c> and <c>v1</c> are not versions, but <c>1.2-beta.5</c> is), then Masterminds parses it.</summary>
    public static SemanticVersion? ParseTag(string tag)
    {
        var firstDot = tag.IndexOf('.');
        return firstDot >= 0 && tag.IndexOf('.', firstDot + 1) >= 0 ? Parse(tag) : null;
    }

    /// <summary>Masterminds' coercing parser; null when the text is not a version.</summary>
    public static SemanticVersion? Parse(string text)
    {
        var rest = text.AsSpan();
        if (rest.Length > 0 && rest[0] == 'v')
        {
            rest = rest[1..];
        }

        // Metadata is split off first because '-' is valid inside it.
        var metadata = "";
        var plus = rest.IndexOf('+');
        if (plus >= 0)
        {
            if (!AreIdentifiers(rest[(plus + 1)..]))
            {
                return null;
            }

            metadata = rest[(plus + 1)..].ToString();
            rest = rest[..plus];
        }

        var prerelease = "";
        var dash = rest.IndexOf('-');
        if (dash >= 0)
        {
            var pre = rest[(dash + 1)..];
            if (!AreIdentifiers(pre) || HasLeadingZeroNumber(pre))
            {
                return null;
            }

            prerelease = pre.ToString();
            rest = rest[..dash];
        }

        Span<ulong> numbers = stackalloc ulong[3];
        for (var count = 0; ; count++)
        {
            var dot = rest.IndexOf('.');
            var part = dot >= 0 ? rest[..dot] : rest;
            if (count > 2 || !TryParseNumber(part, out numbers[count]))
            {
                return null;
            }

            if (dot < 0)
            {
                break;
            }

            rest = rest[(dot + 1)..];
        }

        return new SemanticVersion(numbers[0], numbers[1], numbers[2], prerelease, metadata, text);
    }

    /// <summary>Precedence: major, minor, patch numerically; a release outranks its prereleases; build metadata
    /// is ignored.</summary>
    public int CompareTo(SemanticVersion? other)
    {
        if (other is null) return 1;
        var c = Major.CompareTo(other.Major);
        if (c == 0) c = Minor.CompareTo(other.Minor);
        if (c == 0) c = Patch.CompareTo(other.Patch);
        if (c != 0) return c;
        if (Prerelease.Length == 0 || other.Prerelease.Length == 0)
        {
            return (Prerelease.Length == 0).CompareTo(other.Prerelease.Length == 0); // a release outranks its prereleases
        }

        return ComparePrerelease(Prerelease, other.Prerelease);
    }

    /// <summary>Dot-separated identifiers compared in turn: numbers numerically and below words, words by byte
    /// order (so <c>rc10</c> &lt; <c>rc9</c> but <c>rc.10</c> &gt; <c>rc.9</c>), a missing identifier lowest.</summary>
    internal static int ComparePrerelease(string a, string b)
    {
        var left = a.AsSpan();
        var right = b.AsSpan();
        while (!left.IsEmpty || !right.IsEmpty)
        {
            var c = CompareIdentifier(NextIdentifier(ref left), NextIdentifier(ref right));
            if (c != 0)
            {
                return c;
            }
        }

        return 0;
    }

    public override string ToString() => Original;

    private static int CompareIdentifier(ReadOnlySpan<char> a, ReadOnlySpan<char> b)
    {
        if (a.SequenceEqual(b)) return 0;
        if (a.IsEmpty) return -1;
        if (b.IsEmpty) return 1;

        // A run of digits too long for a uint64 counts as a word, as in Masterminds.
        var aIsNumber = TryParseNumber(a, out var aNumber);
        var bIsNumber = TryParseNumber(b, out var bNumber);
        return (aIsNumber, bIsNumber) switch
        {
            (true, true) => aNumber > bNumber ? 1 : -1,
            (true, false) => -1,
            (false, true) => 1,
            _ => a.SequenceCompareTo(b) > 0 ? 1 : -1,
        };
    }

    private static ReadOnlySpan<char> NextIdentifier(ref ReadOnlySpan<char> rest)
    {
        var dot = rest.IndexOf('.');
        var identifier = dot >= 0 ? rest[..dot] : rest;
        rest = dot >= 0 ? rest[(dot + 1)..] : ReadOnlySpan<char>.Empty;
        return identifier;
    }

    private static bool AreIdentifiers(ReadOnlySpan<char> text)
    {
        while (true)
        {
            var dot = text.IndexOf('.');
            var identifier = dot >= 0 ? text[..dot] : text;
            if (identifier.IsEmpty)
            {
                return false;
            }

            foreach (var ch in identifier)
            {
                if (!char.IsAsciiLetterOrDigit(ch) && ch != '-')
                {
                    return false;
                }
            }

            if (dot < 0)
            {
                return true;
            }

            text = text[(dot + 1)..];
        }
    }

    private static bool HasLeadingZeroNumber(ReadOnlySpan<char> prerelease)
    {
        while (!prerelease.IsEmpty)
        {
            var identifier = NextIdentifier(ref prerelease);
            if (identifier.Length > 1 && identifier[0] == '0' && IsAllDigits(identifier))
            {
                return true;
            }
        }

        return false;
    }

    private static bool TryParseNumber(ReadOnlySpan<char> text, out ulong value)
    {
        value = 0;
        return !text.IsEmpty && IsAllDigits(text) && ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    private static bool IsAllDigits(ReadOnlySpan<char> text)
    {
        foreach (var ch in text)
        {
            if (!char.IsAsciiDigit(ch))
            {
                return false;
            }
        }

        return true;
    }
}
