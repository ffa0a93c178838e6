using System.Text.RegularExpressions;

namespace TazLab.ImageAutomation.Engine.Registry;

/// <summary>
/// The one definition of the tag, digest and image-name grammars (distribution/reference), checked over the whole
/// string: ordinal checks, or regexes anchored with <c>\A…\z</c> (.NET's <c>$</c> also matches before a final line
/// feed, which let <c>9.9.9\n</c> through). Used when tags are listed (registry and OCI layout) and when a value is
/// written into a file.
/// </summary>
public static partial class ReferenceGrammar
{
    public const int MaxTagLength = 128;

    /// <summary><c>[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}</c>.</summary>
    public static bool IsTag(string? tag)
    {
        if (tag is null || tag.Length is 0 or > MaxTagLength || !(char.IsAsciiLetterOrDigit(tag[0]) || tag[0] == '_'))
        {
            return false;
        }

        foreach (var c in tag.AsSpan(1))
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The two digest algorithms OCI registers: <c>sha256:</c> and 64, or <c>sha512:</c> and 128, lower-case hex digits.</summary>
    public static bool IsDigest(string? digest)
    {
        if (digest is null)
        {
            return false;
        }

        var length = digest.StartsWith("sha256:", StringComparison.Ordinal) ? 64
            : digest.StartsWith("sha512:", StringComparison.Ordinal) ? 128 : -1;
        return digest.Length == "sha256:".Length + length && !digest.AsSpan("sha256:".Length).ContainsAnyExcept("0123456789abcdef");
    }

    /// <summary>A repository path: lower-case components of <c>[a-z0-9]+</c> joined by <c>.</c>, <c>_</c>, <c>__</c> or dashes, separated by <c>/</c>.</summary>
    public static bool IsRepositoryPath(string path) => RepositoryPattern().IsMatch(path);

    /// <summary>A registry host: DNS name, IPv4 or bracketed IPv6 address, with an optional port.</summary>
    public static bool IsRegistryHost(string host) => HostPattern().IsMatch(host);

    /// <summary>An image name as setters write it (<c>ghcr.io/org/app</c>, <c>alpine</c>).</summary>
    public static bool IsImageName(string image)
    {
        try
        {
            ImageReference.Parse(image);
            return true;
        }
        catch (Diagnostics.AutomationException)
        {
            return false;
        }
    }

    /// <summary>
    /// Whether <paramref name="value"/> may be written by a setter marker with <paramref name="suffix"/>:
    /// <c>name:tag[@digest]</c> for a plain marker, a tag for <c>:tag</c>, an image name for <c>:name</c>,
    /// a digest or nothing for <c>:digest</c>.
    /// </summary>
    public static bool IsSetterValue(string suffix, string value) => suffix switch
    {
        "" => IsReference(value),
        "tag" => IsTag(value),
        "name" => IsImageName(value),
        "digest" => value.Length == 0 || IsDigest(value),
        _ => false,
    };

    /// <summary>The check at the point a value is written into a file, whatever validated it before.</summary>
    /// <exception cref="Diagnostics.AutomationException">The value is not what a marker with that suffix may hold.</exception>
    public static void EnsureSetterValue(string suffix, string value, string target)
    {
        if (!IsSetterValue(suffix, value))
        {
            throw new Diagnostics.AutomationException(Diagnostics.ErrorKind.InvalidData, "SetterValueInvalid",
                $"{Diagnostics.TextScrubber.Quote(value)} is not a valid {(suffix.Length == 0 ? "image reference" : $"image {suffix}")}; no file was written.",
                target, "Check the tag, image and digest of the selection.");
        }
    }

    /// <summary><c>name:tag</c> or <c>name:tag@digest</c>.</summary>
    public static bool IsReference(string value)
    {
        var at = value.IndexOf('@');
        var named = at < 0 ? value : value[..at];
        if (at >= 0 && !IsDigest(value[(at + 1)..]))
        {
            return false;
        }

        var colon = named.LastIndexOf(':');
        return colon > 0 && colon > named.LastIndexOf('/') && IsTag(named[(colon + 1)..]) && IsImageName(named[..colon]);
    }

    [GeneratedRegex(@"\A[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*)*\z", RegexOptions.CultureInvariant)]
    private static partial Regex RepositoryPattern();

    [GeneratedRegex(@"\A(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*|\[[a-fA-F0-9:]+\])(?::[0-9]+)?\z", RegexOptions.CultureInvariant)]
    private static partial Regex HostPattern();
}
