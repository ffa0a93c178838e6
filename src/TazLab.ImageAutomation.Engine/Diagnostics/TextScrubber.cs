using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace TazLab.ImageAutomation.Engine.Diagnostics;

/// <summary>
/// Makes text from a server (registry and token-service errors, git server and hook messages) or from the user safe
/// to show: secrets removed, control characters made visible, long values shortened. Used wherever such text enters
/// a message, warning or verbose line; the one scrubber for registry and git.
/// </summary>
public static partial class TextScrubber
{
    /// <summary>What a removed secret or credential value is replaced with.</summary>
    public const string Mask = "***";

    /// <summary>Server text longer than this is shortened (its start and end kept).</summary>
    public const int MaxServerTextLength = 1000;

    /// <summary>A value quoted in a message longer than this is shortened (its start and end kept).</summary>
    public const int MaxQuotedLength = 100;

    /// <summary>
    /// <paramref name="text"/> from a server, with every one of <paramref name="secrets"/> removed (as sent, URL-encoded
    /// and base64-encoded), every <c>Basic</c>/<c>Bearer</c> credential and <c>password=</c>/<c>token:</c> value masked,
    /// control characters escaped (so no ANSI sequence, CR or LF reaches a terminal) and the result shortened.
    /// </summary>
    /// <param name="secrets">Passwords, tokens and header values known to the caller; null and empty ones are ignored.</param>
    public static string Scrub(string? text, params string?[] secrets) => Scrub(text, (IEnumerable<string?>)secrets);

    /// <inheritdoc cref="Scrub(string?, string?[])"/>
    public static string Scrub(string? text, IEnumerable<string?> secrets)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        var result = text;
        foreach (var secret in Variants(secrets).OrderByDescending(s => s.Length))
        {
            result = result.Replace(secret, Mask, StringComparison.Ordinal);
        }

        result = AuthorizationValue().Replace(result, "$1 " + Mask);
        result = NamedSecret().Replace(result, "$1$2" + Mask);
        return Shorten(Neutralise(result), MaxServerTextLength);
    }

    /// <summary>
    /// <paramref name="value"/> in single quotes for a message, control characters escaped, and when longer than
    /// <paramref name="max"/> its start and end with the length between: <c>'1aaa…aaa' (1048577 characters)</c>.
    /// </summary>
    public static string Quote(string? value, int max = MaxQuotedLength)
    {
        var safe = Neutralise(value ?? "");
        return safe.Length <= max ? $"'{safe}'" : $"'{Shorten(safe, max)}' ({(value ?? "").Length} characters)";
    }

    /// <summary>Control and format characters (C0, DEL, C1, ESC of ANSI sequences, CR, LF, bidi overrides) as <c>\n</c>, <c>\u001B</c>…</summary>
    public static string Neutralise(string text)
    {
        if (!text.Any(IsUnsafe))
        {
            return text;
        }

        var builder = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            if (!IsUnsafe(c))
            {
                builder.Append(c);
                continue;
            }

            builder.Append(c switch
            {
                '\n' => @"\n",
                '\r' => @"\r",
                '\t' => @"\t",
                _ => $@"\u{(int)c:X4}",
            });
        }

        return builder.ToString();
    }

    /// <summary>Keeps the start and the end of a text longer than <paramref name="max"/>, with an ellipsis between.</summary>
    public static string Shorten(string text, int max)
    {
        if (text.Length <= max)
        {
            return text;
        }

        var head = (max * 2 / 3) - 1;
        var tail = max - head - 1;
        if (char.IsHighSurrogate(text[head - 1]))
        {
            head--;
        }

        if (char.IsLowSurrogate(text[^tail]))
        {
            tail--;
        }

        return string.Concat(text.AsSpan(0, head), "…", text.AsSpan(text.Length - tail));
    }

    private static bool IsUnsafe(char c) => CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.Control or UnicodeCategory.Format
        or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator;

    private static IEnumerable<string> Variants(IEnumerable<string?> secrets)
    {
        foreach (var secret in secrets)
        {
            if (string.IsNullOrEmpty(secret))
            {
                continue;
            }

            yield return secret;
            yield return Uri.EscapeDataString(secret);
            yield return Convert.ToBase64String(Encoding.UTF8.GetBytes(secret));
        }
    }

    // Authorization header values: scheme as headers spell it (so prose such as "basic auth" is left alone), then the
    // credential (base64, a JWT, an opaque token).
    [GeneratedRegex(@"\b(Basic|Bearer)\s+[A-Za-z0-9+/=._~-]+", RegexOptions.CultureInvariant)]
    private static partial Regex AuthorizationValue();

    // "password=…", "token": "…", "refresh_token=…" in query strings, forms and JSON echoed back.
    [GeneratedRegex(@"\b((?:password|passwd|secret|(?:access_|refresh_|identity_?)?token))(""?\s*[:=]\s*""?)[^\s""&,;]+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex NamedSecret();
}
