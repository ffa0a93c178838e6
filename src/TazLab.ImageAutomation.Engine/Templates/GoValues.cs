using System.Collections;
using System.Globalization;
using System.Text;

namespace TazLab.ImageAutomation.Engine.Templates;

/// <summary>What Go's text/template yields for a missing map key: prints as <c>&lt;no value&gt;</c>.</summary>
internal sealed class NoValue
{
    public static readonly NoValue Instance = new();
    private NoValue() { }
    public override string ToString() => "<no value>";
}

/// <summary>Go's view of .NET values: how they print (<c>fmt</c>'s <c>%v</c>), when they are "true", and how they compare.</summary>
internal static class GoValues
{
    public static string Print(object? value) => value switch
    {
        null => "<nil>",
        string s => s,
        bool b => b ? "true" : "false",
        double d => PrintFloat(d),
        float f => PrintFloat(f),
        IFormattable number when IsInteger(number) => number.ToString(null, CultureInfo.InvariantCulture),
        IDictionary map => "map[" + string.Join(" ", SortedKeys(map).Select(k => Print(k) + ":" + Print(map[k]))) + "]",
        IEnumerable list => "[" + string.Join(" ", list.Cast<object?>().Select(Print)) + "]",
        _ => value.ToString() ?? "",
    };

    /// <summary>Shortest round-trip digits, with Go's exponent form (<c>1e+21</c>, not <c>1E+21</c>).</summary>
    private static string PrintFloat(double value)
    {
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        var exponentAt = text.IndexOf('E');
        if (exponentAt < 0)
        {
            return text;
        }

        var exponent = int.Parse(text[(exponentAt + 1)..], CultureInfo.InvariantCulture);
        return $"{text[..exponentAt]}e{(exponent < 0 ? '-' : '+')}{Math.Abs(exponent):00}";
    }

    public static bool IsInteger(object? value) => value is sbyte or byte or short or ushort or int or uint or long or ulong;

    public static long? AsInteger(object? value) => IsInteger(value) ? Convert.ToInt64(value, CultureInfo.InvariantCulture) : null;

    public static string TypeName(object? value) => value switch
    {
        null => "<nil>",
        NoValue => "<no value>",
        string => "string",
        bool => "bool",
        double => "float64",
        float => "float32",
        _ when IsInteger(value) => "int",
        IDictionary => "map",
        IEnumerable => "slice",
        _ => value.GetType().Name,
    };

    /// <summary>text/template's truth: false, 0, nil, and empty strings, slices and maps are false.</summary>
    public static bool IsTrue(object? value) => value switch
    {
        null or NoValue => false,
        bool b => b,
        string s => s.Length > 0,
        double d => d != 0,
        float f => f != 0,
        _ when IsInteger(value) => AsInteger(value) != 0,
        ICollection collection => collection.Count > 0,
        _ => true,
    };

    /// <summary>Map keys in the order text/template ranges over them (fmtsort): strings byte-wise, numbers numerically, others by <see cref="IComparable"/>.</summary>
    public static IEnumerable<object> SortedKeys(IDictionary map)
    {
        var keys = map.Keys.Cast<object>().ToList();
        keys.Sort(CompareKeys);
        return keys;
    }

    private static int CompareKeys(object a, object b) => (a, b) switch
    {
        (string x, string y) => string.CompareOrdinal(x, y),
        (IComparable x, _) when a.GetType() == b.GetType() => x.CompareTo(b),
        _ => 0,
    };

    /// <summary>Basic values (text/template's eq/lt/...): returns the comparison, or throws when the kinds differ.</summary>
    public static int CompareBasic(object? a, object? b, bool orderOnly)
    {
        switch (a, b)
        {
            case (string x, string y):
                return string.CompareOrdinal(x, y);
            case (bool x, bool y) when !orderOnly:
                return x == y ? 0 : 1;
            case (double or float, double or float):
                return Convert.ToDouble(a, CultureInfo.InvariantCulture).CompareTo(Convert.ToDouble(b, CultureInfo.InvariantCulture));
        }

        if (AsInteger(a) is { } i && AsInteger(b) is { } j)
        {
            return i.CompareTo(j);
        }

        throw new ArgumentException(IsBasic(a) && IsBasic(b) ? "incompatible types for comparison" : "invalid type for comparison");
    }

    public static bool IsBasic(object? value) => value is string or bool or double or float || IsInteger(value);

    /// <summary>Go's <c>strconv.Quote</c>: a double-quoted string with Go escape sequences.</summary>
    public static string Quote(string value)
    {
        var result = new StringBuilder("\"");
        foreach (var rune in value.EnumerateRunes())
        {
            result.Append(rune.Value switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\t' => "\\t",
                '\r' => "\\r",
                '\a' => "\\a",
                '\b' => "\\b",
                '\f' => "\\f",
                '\v' => "\\v",
                < 0x20 or 0x7F => $"\\x{rune.Value:x2}",
                _ when Rune.GetUnicodeCategory(rune) is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.OtherNotAssigned
                    => rune.Value > 0xFFFF ? $"\\U{rune.Value:x8}" : $"\\u{rune.Value:x4}",
                _ => rune.ToString(),
            });
        }

        return result.Append('"').ToString();
    }

    /// <summary>Go's <c>fmt.Sprintf</c> for the verbs templates use: %v %s %d %q %t %x %X %f %c %% with flags '-' and '0', width and precision.</summary>
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

            var leftAlign = false;
            var zeroPad = false;
            i++;
            for (; i < format.Length && format[i] is '-' or '0' or '+' or ' ' or '#'; i++)
            {
                leftAlign |= format[i] == '-';
                zeroPad |= format[i] == '0';
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

            var verb = format[i];
            if (verb == '%')
            {
                result.Append('%');
                continue;
            }

            if (next >= args.Count)
            {
                result.Append($"%!{verb}(MISSING)");
                continue;
            }

            var formatted = FormatVerb(verb, args[next++], precision);
            if (width is { } w && formatted.Length < w)
            {
                formatted = leftAlign ? formatted.PadRight(w) : formatted.PadLeft(w, zeroPad ? '0' : ' ');
            }

            result.Append(formatted);
        }

        if (next < args.Count)
        {
            result.Append("%!(EXTRA ").Append(string.Join(", ", args.Skip(next).Select(a => $"{TypeName(a)}={Print(a)}"))).Append(')');
        }

        return result.ToString();
    }

    private static int? ReadNumber(string format, ref int i)
    {
        var start = i;
        while (i < format.Length && char.IsAsciiDigit(format[i])) i++;
        return i > start ? int.Parse(format.AsSpan(start, i - start), CultureInfo.InvariantCulture) : null;
    }

    private static string FormatVerb(char verb, object? arg, int? precision)
    {
        var integer = AsInteger(arg);
        switch (verb)
        {
            case 'v':
                return Print(arg);
            case 's' when arg is not bool && !IsInteger(arg):
                var text = Print(arg);
                return precision is { } p && p < text.Length ? text[..p] : text;
            case 'd' when integer is not null:
                return integer.Value.ToString(CultureInfo.InvariantCulture);
            case 'q' when arg is string s:
                return Quote(s);
            case 'q' when integer is not null:
                return "'" + char.ConvertFromUtf32((int)integer.Value) + "'";
            case 't' when arg is bool b:
                return b ? "true" : "false";
            case 'x' or 'X' when arg is string s:
                var hex = Convert.ToHexString(Encoding.UTF8.GetBytes(s));
                return verb == 'x' ? hex.ToLowerInvariant() : hex;
            case 'x' or 'X' when integer is not null:
                return integer.Value.ToString(verb == 'x' ? "x" : "X", CultureInfo.InvariantCulture);
            case 'f' or 'F' when arg is double or float:
                return Convert.ToDouble(arg, CultureInfo.InvariantCulture).ToString("F" + (precision ?? 6), CultureInfo.InvariantCulture);
            case 'c' when integer is not null:
                return char.ConvertFromUtf32((int)integer.Value);
            default:
                return $"%!{verb}({TypeName(arg)}={Print(arg)})";
        }
    }
}
