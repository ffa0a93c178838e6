using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.RegularExpressions;
using YamlDotNet.Core;

namespace TazLab.ImageAutomation.Engine.Setters;

/// <summary>Writes a new string value in the place of an old scalar, in the old scalar's style.</summary>
internal static partial class ScalarText
{
    /// <param name="inFlow">The scalar is inside a flow collection (<c>{...}</c> or <c>[...]</c>), where a plain scalar cannot hold <c>,[]{}</c>.</param>
    /// <returns>The YAML text for <paramref name="value"/>, or null when the style cannot be rewritten in place.</returns>
    public static string? Render(string value, ScalarStyle oldStyle, bool inFlow) => oldStyle switch
    {
        ScalarStyle.SingleQuoted => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'",
        ScalarStyle.DoubleQuoted => DoubleQuoted(value),
        ScalarStyle.Plain or ScalarStyle.Any =>
            ReadsAsString(value) && !(inFlow && value.AsSpan().IndexOfAny(",[]{}") >= 0) ? value : DoubleQuoted(value),
        _ => null,
    };

    private static string DoubleQuoted(string value)
    {
        var sb = new StringBuilder("\"");
        foreach (var c in value)
        {
            sb.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\t' => "\\t",
                _ when char.IsControl(c) => $"\\u{(int)c:X4}",
                _ => c.ToString(),
            });
        }

        return sb.Append('"').ToString();
    }

    /// <summary>
    /// Whether Flux writes this value plain over a plain scalar (and so do we): kyaml's <c>FormatNonStringStyle</c>
    /// quotes what go-yaml v2 reads as a non-string, go-yaml v3's encoder quotes what it resolves as a timestamp, and its
    /// emitter quotes what a plain scalar cannot hold (flux-image-automation.md 2.3).
    /// </summary>
    internal static bool ReadsAsString(string value) =>
        value.Length > 0 && !IsYaml11NonString(value) && !IsTimestamp(value) && PlainAllowed(value);

    /// <summary>go-yaml v2's resolver: bools, nulls, infinities and NaN by name; Go integers and YAML-style floats, digits separated by '_' allowed.</summary>
    private static bool IsYaml11NonString(string value)
    {
        if (Yaml11Keywords.Contains(value))
        {
            return true;
        }

        switch (value[0])
        {
            case '.':
                return YamlFloat().IsMatch(value) && IsFiniteDouble(value);
            case '+' or '-' or (>= '0' and <= '9'):
                var plain = value.Replace("_", "", StringComparison.Ordinal);
                return IsGoInteger(plain)
                    || (YamlFloat().IsMatch(plain) && IsFiniteDouble(plain))
                    || (plain.StartsWith("0b", StringComparison.Ordinal) && IsGoInteger(plain[2..], radix: 2))
                    || (plain.StartsWith("-0b", StringComparison.Ordinal) && IsGoInteger(plain[3..], radix: 2));
            default:
                return false;
        }
    }

    private static readonly HashSet<string> Yaml11Keywords = new(StringComparer.Ordinal)
    {
        "y", "Y", "yes", "Yes", "YES", "on", "On", "ON", "true", "True", "TRUE",
        "n", "N", "no", "No", "NO", "off", "Off", "OFF", "false", "False", "FALSE",
        "~", "null", "Null", "NULL", ".nan", ".NaN", ".NAN",
        ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF",
    };

    // Go's strconv.ParseFloat on this syntax fails only on overflow.
    private static bool IsFiniteDouble(string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number);

    /// <summary>
    /// Go's <c>strconv.ParseInt(s, 0, 64)</c>, or <c>ParseUint</c> without a sign: an optional sign, then <c>0x</c>/<c>0o</c>/<c>0b</c>
    /// (either case) or a leading <c>0</c> for octal, or decimal; the value must fit 64 bits.
    /// </summary>
    private static bool IsGoInteger(string text, int radix = 0)
    {
        var negative = text.StartsWith('-');
        var signed = negative || text.StartsWith('+');
        var digits = signed ? text[1..] : text;
        if (radix != 0 && signed || digits.Length == 0)
        {
            return false;
        }

        if (radix == 0)
        {
            radix = 10;
            if (digits[0] == '0')
            {
                (radix, digits) = digits.Length >= 3 && char.ToLowerInvariant(digits[1]) is 'x' or 'o' or 'b'
                    ? (char.ToLowerInvariant(digits[1]) switch { 'x' => 16, 'o' => 8, _ => 2 }, digits[2..])
                    : (8, digits[1..]);
            }
        }

        BigInteger magnitude = 0;
        foreach (var c in digits)
        {
            var digit = c switch { >= '0' and <= '9' => c - '0', >= 'a' and <= 'z' => c - 'a' + 10, >= 'A' and <= 'Z' => c - 'A' + 10, _ => 99 };
            if (digit >= radix)
            {
                return false;
            }

            magnitude = magnitude * radix + digit;
        }

        return negative ? magnitude <= BigInteger.Pow(2, 63) : magnitude <= (signed ? long.MaxValue : ulong.MaxValue);
    }

    /// <summary>
    /// go-yaml v3's <c>parseTimestamp</c>: four digits and '-', then one of Go's layouts <c>2006-1-2</c>,
    /// <c>2006-1-2T15:4:5.999999999Z07:00</c> (also with 't') or <c>2006-1-2 15:4:5.999999999</c>, with Go's range checks.
    /// </summary>
    internal static bool IsTimestamp(string value)
    {
        var match = Timestamp().Match(value);
        if (!match.Success)
        {
            return false;
        }

        int Number(string group) => match.Groups[group].Success ? int.Parse(match.Groups[group].ValueSpan, CultureInfo.InvariantCulture) : 0;
        var (year, month, day) = (Number("year"), Number("month"), Number("day"));
        var leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
        int[] daysIn = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
        return month is >= 1 and <= 12 && day >= 1 && day <= daysIn[month - 1]
            && Number("hour") < 24 && Number("minute") < 60 && Number("second") < 60
            && Number("zoneHour") <= 24 && Number("zoneMinute") <= 60;
    }

    /// <summary>go-yaml v3's emitter (<c>yaml_emitter_analyze_scalar</c>): what a plain scalar in block context cannot hold.</summary>
    private static bool PlainAllowed(string value) =>
        !IndicatorStart().IsMatch(value)
        && !value.StartsWith("---", StringComparison.Ordinal)
        && !value.StartsWith("...", StringComparison.Ordinal)
        && !value.Contains(": ", StringComparison.Ordinal)
        && !value.EndsWith(':')
        && !value.Contains(" #", StringComparison.Ordinal)
        && value.Trim() == value
        && !value.Any(char.IsControl);

    [GeneratedRegex(@"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")]
    private static partial Regex YamlFloat();

    [GeneratedRegex(@"^(?<year>[0-9]{4})-(?<month>[0-9]{1,2})-(?<day>[0-9]{1,2})"
        + @"(?:(?:[Tt](?<hour>[0-9]{1,2}):(?<minute>[0-9]{1,2}):(?<second>[0-9]{1,2})(?:[.,][0-9]{1,9})?(?:Z|[-+](?<zoneHour>[0-9]{2}):(?<zoneMinute>[0-9]{2})))"
        + @"|(?: (?<hour>[0-9]{1,2}):(?<minute>[0-9]{1,2}):(?<second>[0-9]{1,2})(?:[.,][0-9]{1,9})?))?$")]
    private static partial Regex Timestamp();

    // An indicator first: always, or ('-', '?', ':') when a blank or the end follows.
    [GeneratedRegex(@"^(?:[#,\[\]{}&*!|>'""%@`]|[-?:](?: |$))")]
    private static partial Regex IndicatorStart();
}
