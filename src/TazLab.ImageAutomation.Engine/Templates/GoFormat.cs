using System.Collections;
using System.Globalization;
using System.Text;

namespace TazLab.ImageAutomation.Engine.Templates;

/// <summary>
/// Go's <c>fmt</c> over template data: <c>Sprint</c> (what <c>{{ }}</c> prints) and <c>Sprintf</c> with the verbs
/// v (with + and #), s, q, d, x, X, o, b, c, U, t, e, E, f, F, g, T and %, flags, width and precision. Composite values
/// print as Go prints them: structs <c>{a b}</c>, maps <c>map[k:v]</c> with sorted keys, slices <c>[a b]</c>, each part
/// with the same verb; a Stringer prints its String() (not for <c>%#v</c>).
/// </summary>
internal static class GoFormat
{
    /// <summary>A verb with its flags, width and precision.</summary>
    private readonly record struct Verb(char Letter, bool Minus = false, bool Plus = false, bool Sharp = false,
        bool Zero = false, bool Space = false, int? Width = null, int? Precision = null)
    {
        public bool PlusV => Letter == 'v' && Plus;

        public bool SharpV => Letter == 'v' && Sharp;
    }

    public static string Sprint(object? value) => Format(value, new Verb('v'));

    public static string Sprintf(string format, IReadOnlyList<object?> args)
    {
        var result = new StringBuilder();
        var next = 0;
        for (var i = 0; i < format.Length; i++)
        {
            if (format[i] != '%')
            {
                result.Append(format[i]);
                continue;
            }

            bool minus = false, plus = false, sharp = false, zero = false, space = false;
            for (i++; i < format.Length && format[i] is '-' or '+' or '#' or '0' or ' '; i++)
            {
                minus |= format[i] == '-';
                plus |= format[i] == '+';
                sharp |= format[i] == '#';
                zero |= format[i] == '0';
                space |= format[i] == ' ';
            }

            var width = ReadNumber(format, ref i);
            int? precision = null;
            if (i < format.Length && format[i] == '.')
            {
                i++;
                precision = ReadNumber(format, ref i) ?? 0;
            }

            if (i >= format.Length)
            {
                result.Append("%!(NOVERB)");
                break;
            }

            var letter = format[i];
            if (letter == '%')
            {
                result.Append('%');
                continue;
            }

            if (next >= args.Count)
            {
                result.Append("%!").Append(letter).Append("(MISSING)");
                continue;
            }

            result.Append(Format(args[next++], new Verb(letter, minus, plus, sharp, zero && !minus, space, width, precision)));
        }

        if (next < args.Count)
        {
            result.Append("%!(EXTRA ").AppendJoin(", ", args.Skip(next).Select(a => $"{GoTypes.NameOf(a)}={Sprint(a)}")).Append(')');
        }

        return result.ToString();
    }

    private static int? ReadNumber(string format, ref int i)
    {
        var start = i;
        while (i < format.Length && char.IsAsciiDigit(format[i])) i++;
        return i > start ? int.Parse(format.AsSpan(start, i - start), CultureInfo.InvariantCulture) : null;
    }

    private static string Format(object? value, Verb verb)
    {
        switch (value)
        {
            case null:
                return verb.Letter is 'v' or 'T' ? Pad("<nil>", verb) : $"%!{verb.Letter}(<nil>)";
            case NoValue:
                return Pad("<no value>", verb);
            case var _ when verb.Letter == 'T':
                return Pad(GoTypes.NameOf(value), verb);
            case bool b:
                return verb.Letter is 't' or 'v' ? Pad(b ? "true" : "false", verb) : Bad(value, verb);
            case string s:
                return FormatString(s, verb) ?? Bad(value, verb);
            case double or float:
                return FormatFloat(Convert.ToDouble(value, CultureInfo.InvariantCulture), verb) ?? Bad(value, verb);
            case var _ when GoValues.AsInteger(value) is { } integer:
                return FormatInteger(integer, verb) ?? Bad(value, verb);
            case IGoStringer stringer when !verb.SharpV && verb.Letter is 'v' or 's' or 'q' or 'x' or 'X':
                return FormatString(stringer.String(), verb)!;
            case IGoStruct structure:
                return FormatStruct(structure, verb);
            case IDictionary map:
                return FormatMap(map, verb);
            case IEnumerable list:
                var items = list.Cast<object?>().Select(item => Format(item, verb));
                return verb.SharpV ? $"{GoTypes.NameOf(value)}{{{string.Join(", ", items)}}}" : $"[{string.Join(" ", items)}]";
            default:
                return Pad(value.ToString() ?? "", verb);
        }
    }

    /// <summary>Go's badVerb: <c>%!d(string=text)</c>.</summary>
    private static string Bad(object value, Verb verb) => $"%!{verb.Letter}({GoTypes.NameOf(value)}={Sprint(value)})";

    private static string FormatStruct(IGoStruct structure, Verb verb)
    {
        var fields = structure.GoFields.Select(f => (verb.PlusV || verb.SharpV ? f.Name + ":" : "") + Format(f.Value, verb));
        return verb.SharpV ? $"{GoTypes.NameOf(structure)}{{{string.Join(", ", fields)}}}" : $"{{{string.Join(" ", fields)}}}";
    }

    private static string FormatMap(IDictionary map, Verb verb)
    {
        var entries = GoValues.SortedKeys(map).Select(k => Format(k, verb) + ":" + Format(map[k], verb));
        return verb.SharpV ? $"{GoTypes.NameOf(map)}{{{string.Join(", ", entries)}}}" : $"map[{string.Join(" ", entries)}]";
    }

    private static string? FormatString(string s, Verb verb) => verb.Letter switch
    {
        'v' when verb.Sharp => Pad(Quote(s), verb),
        'v' or 's' => Pad(verb.Precision is { } p ? Truncate(s, p) : s, verb),
        'q' => Pad(Quote(verb.Precision is { } p ? Truncate(s, p) : s), verb),
        'x' => Pad(Convert.ToHexString(Encoding.UTF8.GetBytes(s)).ToLowerInvariant(), verb),
        'X' => Pad(Convert.ToHexString(Encoding.UTF8.GetBytes(s)), verb),
        _ => null,
    };

    private static string Truncate(string s, int runes)
    {
        var result = new StringBuilder();
        foreach (var rune in s.EnumerateRunes().Take(runes))
        {
            result.Append(rune.ToString());
        }

        return result.ToString();
    }

    private static string? FormatInteger(long n, Verb verb)
    {
        var magnitude = n < 0 ? (ulong)(-(n + 1)) + 1 : (ulong)n;
        string? digits = verb.Letter switch
        {
            'v' or 'd' => magnitude.ToString(CultureInfo.InvariantCulture),
            'x' => magnitude.ToString("x", CultureInfo.InvariantCulture),
            'X' => magnitude.ToString("X", CultureInfo.InvariantCulture),
            'o' or 'O' => Convert.ToString((long)magnitude, 8),
            'b' => Convert.ToString((long)magnitude, 2),
            _ => null,
        };
        if (digits is null)
        {
            return verb.Letter switch
            {
                'c' => Pad(ToRune(n).ToString(), verb),
                'q' => Pad(QuoteRune(n), verb),
                'U' => Pad($"U+{n:X4}", verb),
                _ => null,
            };
        }

        if (verb.Precision is { } precision)
        {
            digits = digits.PadLeft(precision, '0');
        }

        var prefix = (verb.Sharp && !verb.SharpV ? verb.Letter switch { 'x' => "0x", 'X' => "0X", 'o' => "0", 'b' => "0b", _ => "" } : "")
            + (verb.Letter == 'O' ? "0o" : "");
        var sign = n < 0 ? "-" : verb.Plus && !verb.PlusV ? "+" : verb.Space ? " " : "";
        return PadNumber(sign, prefix + digits, verb);
    }

    /// <summary>Go's <c>%v</c>/<c>%g</c> (shortest digits: <c>1e+06</c>, <c>100000</c>), <c>%e</c> and <c>%f</c>.</summary>
    private static string? FormatFloat(double d, Verb verb)
    {
        if (verb.Letter is not ('v' or 'g' or 'G' or 'e' or 'E' or 'f' or 'F'))
        {
            return null;
        }

        var sign = double.IsNegative(d) ? "-" : verb.Plus && !verb.PlusV ? "+" : verb.Space ? " " : "";
        if (double.IsNaN(d))
        {
            return Pad("NaN", verb);
        }

        if (double.IsInfinity(d))
        {
            return Pad((sign.Length == 0 ? "+" : sign) + "Inf", verb);
        }

        var magnitude = Math.Abs(d);
        var text = verb.Letter switch
        {
            'f' or 'F' => magnitude.ToString("F" + (verb.Precision ?? 6), CultureInfo.InvariantCulture),
            'e' or 'E' => Exponent(magnitude.ToString("E" + (verb.Precision ?? 6), CultureInfo.InvariantCulture)),
            _ => Shortest(magnitude),
        };
        return PadNumber(sign, verb.Letter is 'E' or 'G' ? text.ToUpperInvariant() : text, verb);
    }

    /// <summary>Go's <c>strconv.FormatFloat(f, 'g', -1, 64)</c> of a non-negative finite number.</summary>
    private static string Shortest(double magnitude)
    {
        if (magnitude == 0)
        {
            return "0";
        }

        // .NET's "R" gives the shortest round-trip digits; take them apart into digits and decimal point position.
        var round = magnitude.ToString("R", CultureInfo.InvariantCulture);
        var e = round.IndexOf('E');
        var exponent = e < 0 ? 0 : int.Parse(round[(e + 1)..], CultureInfo.InvariantCulture);
        var mantissa = e < 0 ? round : round[..e];
        var point = mantissa.IndexOf('.');
        var digits = mantissa.Replace(".", "", StringComparison.Ordinal);
        var decimalPoint = (point < 0 ? mantissa.Length : point) + exponent;
        var leadingZeros = digits.Length - digits.TrimStart('0').Length;
        digits = digits.Trim('0');
        decimalPoint -= leadingZeros;

        // strconv's 'g' with the shortest digits uses the %e form when the exponent is below -4 or at least 6.
        var exp = decimalPoint - 1;
        if (exp < -4 || exp >= 6)
        {
            var tail = digits.Length > 1 ? "." + digits[1..] : "";
            return $"{digits[0]}{tail}e{(exp < 0 ? '-' : '+')}{Math.Abs(exp):00}";
        }

        if (decimalPoint <= 0)
        {
            return "0." + new string('0', -decimalPoint) + digits;
        }

        return decimalPoint >= digits.Length
            ? digits + new string('0', decimalPoint - digits.Length)
            : digits[..decimalPoint] + "." + digits[decimalPoint..];
    }

    /// <summary>.NET's <c>1.500000E+006</c> as Go's <c>1.500000e+06</c>.</summary>
    private static string Exponent(string dotnet)
    {
        var e = dotnet.IndexOf('E');
        var exponent = int.Parse(dotnet[(e + 1)..], CultureInfo.InvariantCulture);
        return $"{dotnet[..e]}e{(exponent < 0 ? '-' : '+')}{Math.Abs(exponent):00}";
    }

    private static string Pad(string text, Verb verb)
    {
        var length = text.EnumerateRunes().Count();
        if (verb.Width is not { } width || length >= width)
        {
            return text;
        }

        var padding = new string(verb.Zero && !verb.Minus ? '0' : ' ', width - length);
        return verb.Minus ? text + padding : padding + text;
    }

    /// <summary>Numbers pad with zeros between the sign and the digits.</summary>
    private static string PadNumber(string sign, string digits, Verb verb)
    {
        if (verb.Zero && !verb.Minus && verb.Width is { } width && sign.Length + digits.Length < width)
        {
            return sign + digits.PadLeft(width - sign.Length, '0');
        }

        return Pad(sign + digits, verb with { Zero = false });
    }

    /// <summary>Go's <c>strconv.Quote</c>: a double-quoted string with Go escape sequences.</summary>
    public static string Quote(string value)
    {
        var result = new StringBuilder("\"");
        foreach (var rune in value.EnumerateRunes())
        {
            result.Append(rune.Value == '"' ? "\\\"" : Escape(rune));
        }

        return result.Append('"').ToString();
    }

    private static string QuoteRune(long value)
    {
        var rune = ToRune(value);
        return "'" + (rune.Value == '\'' ? "\\'" : Escape(rune)) + "'";
    }

    private static Rune ToRune(long value) => value is >= 0 and <= 0x10FFFF && Rune.IsValid((int)value) ? new Rune((int)value) : Rune.ReplacementChar;

    private static string Escape(Rune rune) => rune.Value switch
    {
        '\\' => "\\\\",
        '\n' => "\\n",
        '\t' => "\\t",
        '\r' => "\\r",
        '\a' => "\\a",
        '\b' => "\\b",
        '\f' => "\\f",
        '\v' => "\\v",
        < 0x20 or 0x7F => $"\\x{rune.Value:x2}",
        _ when !IsPrint(rune) => rune.Value > 0xFFFF ? $"\\U{rune.Value:x8}" : $"\\u{rune.Value:x4}",
        _ => rune.ToString(),
    };

    /// <summary>Go's <c>unicode.IsPrint</c>: letters, marks, numbers, punctuation, symbols and the ASCII space.</summary>
    public static bool IsPrint(Rune rune) => rune.Value == ' ' || Rune.GetUnicodeCategory(rune) switch
    {
        UnicodeCategory.SpaceSeparator or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
            or UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate
            or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned => false,
        _ => true,
    };
}
