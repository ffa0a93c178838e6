using System.Collections;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace TazLab.ImageAutomation.Engine.Templates;

/// <summary>A template function: how many arguments it takes (<see cref="MaxArgs"/> -1 = any number) and what it does.</summary>
internal sealed record TemplateFunction(int MinArgs, int MaxArgs, Func<object?[], object?> Invoke);

/// <summary>
/// Go's builtin template functions and the Sprig v3 functions Flux users write in commit messages (where both define
/// a name, Sprig's wins, as in Flux's function map: <c>slice</c>).
/// Functions throw <see cref="ArgumentException"/> for bad arguments; the executor adds the template position.
/// </summary>
internal static class TemplateFunctions
{
    private const int Any = -1;

    private static readonly Dictionary<string, TemplateFunction> Functions = new(StringComparer.Ordinal)
    {
        // Go builtins. 'and' and 'or' are evaluated lazily by the executor; these are their eager forms.
        ["and"] = new(1, Any, args => args.FirstOrDefault(a => !GoValues.IsTrue(a), args[^1])),
        ["or"] = new(1, Any, args => args.FirstOrDefault(GoValues.IsTrue, args[^1])),
        ["not"] = new(1, 1, args => !GoValues.IsTrue(args[0])),
        ["len"] = new(1, 1, args => Length(args[0])),
        ["index"] = new(1, Any, args => Index(args[0], args[1..])),
        ["print"] = new(0, Any, args => Print(args)),
        ["println"] = new(0, Any, args => string.Join(" ", args.Select(GoFormat.Sprint)) + "\n"),
        ["html"] = new(0, Any, args => HtmlEscape(EvalArgs(args))),
        ["js"] = new(0, Any, args => JsEscape(EvalArgs(args))),
        ["urlquery"] = new(0, Any, args => QueryEscape(EvalArgs(args))),
        ["call"] = new(1, Any, args => throw new ArgumentException(args[0] is null ? "call of nil" : $"non-function of type {GoTypes.NameOf(args[0])}")),
        ["printf"] = new(1, Any, args => GoFormat.Sprintf(Text(args[0]), args[1..])),
        ["eq"] = new(2, Any, args => args[1..].Any(other => Equal(args[0], other))),
        ["ne"] = new(2, 2, args => !Equal(args[0], args[1])),
        ["lt"] = new(2, 2, args => GoValues.CompareBasic(args[0], args[1], orderOnly: true) < 0),
        ["le"] = new(2, 2, args => GoValues.CompareBasic(args[0], args[1], orderOnly: true) <= 0),
        ["gt"] = new(2, 2, args => GoValues.CompareBasic(args[0], args[1], orderOnly: true) > 0),
        ["ge"] = new(2, 2, args => GoValues.CompareBasic(args[0], args[1], orderOnly: true) >= 0),

        // Sprig (argument order as Sprig's: the piped value comes last).
        ["lower"] = new(1, 1, args => Text(args[0]).ToLowerInvariant()),
        ["upper"] = new(1, 1, args => Text(args[0]).ToUpperInvariant()),
        ["title"] = new(1, 1, args => Title(Text(args[0]))),
        ["trim"] = new(1, 1, args => Text(args[0]).Trim()),
        ["trimPrefix"] = new(2, 2, args => TrimPrefix(Text(args[0]), Text(args[1]))),
        ["trimSuffix"] = new(2, 2, args => TrimSuffix(Text(args[0]), Text(args[1]))),
        ["trunc"] = new(2, 2, args => Truncate(Integer(args[0]), Text(args[1]))),
        ["replace"] = new(3, 3, args => Replace(Text(args[2]), Text(args[0]), Text(args[1]))),
        ["slice"] = new(1, Any, args => Slice(args[0], args[1..])),
        ["contains"] = new(2, 2, args => Text(args[1]).Contains(Text(args[0]), StringComparison.Ordinal)),
        ["hasPrefix"] = new(2, 2, args => Text(args[1]).StartsWith(Text(args[0]), StringComparison.Ordinal)),
        ["hasSuffix"] = new(2, 2, args => Text(args[1]).EndsWith(Text(args[0]), StringComparison.Ordinal)),
        ["join"] = new(2, 2, args => string.Join(Text(args[0]), Strings(args[1]))),
        ["sha256sum"] = new(1, 1, args => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(Text(args[0])))).ToLowerInvariant()),
        ["toString"] = new(1, 1, args => SprigString(args[0])),
        ["default"] = new(1, 2, args => args.Length < 2 || IsEmpty(args[1]) ? args[0] : args[1]),
        ["quote"] = new(0, Any, args => string.Join(" ", args.Where(a => a is not null).Select(a => GoFormat.Quote(SprigString(a))))),
        ["squote"] = new(0, Any, args => string.Join(" ", args.Where(a => a is not null).Select(a => "'" + SprigString(a) + "'"))),
    };

    public static bool IsDefined(string name) => Functions.ContainsKey(name);

    public static TemplateFunction Get(string name) => Functions[name];

    /// <summary>A string parameter: Go refuses other types rather than converting them.</summary>
    private static string Text(object? value) => value switch
    {
        string s => s,
        NoValue => throw new ArgumentException("invalid value; expected string"),
        _ => throw new ArgumentException($"wrong type for value; expected string; got {GoTypes.NameOf(value)}"),
    };

    private static long Integer(object? value) =>
        GoValues.AsInteger(value) ?? throw new ArgumentException($"wrong type for value; expected int; got {GoTypes.NameOf(value)}");

    /// <summary>Sprig's <c>strval</c>: strings as they are, anything else as <c>%v</c> prints it.</summary>
    private static string SprigString(object? value) => value is NoValue ? "<no value>" : GoFormat.Sprint(value);

    private static IEnumerable<string> Strings(object? value) => value switch
    {
        string s => [s],
        IEnumerable list => list.Cast<object?>().Where(v => v is not null).Select(SprigString),
        null => [],
        _ => [SprigString(value)],
    };

    /// <summary>Sprig's <c>empty</c>: nil, false, 0, "" and empty collections.</summary>
    private static bool IsEmpty(object? value) => !GoValues.IsTrue(value);

    private static string Print(object?[] args)
    {
        // fmt.Sprint: a space between operands when neither side is a string.
        var result = new StringBuilder();
        for (var i = 0; i < args.Length; i++)
        {
            if (i > 0 && args[i] is not string && args[i - 1] is not string)
            {
                result.Append(' ');
            }

            result.Append(GoFormat.Sprint(args[i]));
        }

        return result.ToString();
    }

    /// <summary>Go's <c>strings.Title</c> (Sprig's <c>title</c>): a letter after a separator becomes title case.</summary>
    private static string Title(string value)
    {
        var result = new StringBuilder(value.Length);
        var previous = new Rune(' ');
        foreach (var rune in value.EnumerateRunes())
        {
            result.Append((IsSeparator(previous) ? Rune.ToUpperInvariant(rune) : rune).ToString());
            previous = rune;
        }

        return result.ToString();
    }

    /// <summary>Go's <c>strings.isSeparator</c>: ASCII letters, digits and '_' are not; other ASCII is; beyond ASCII, only spaces are.</summary>
    private static bool IsSeparator(Rune rune) => rune.IsAscii
        ? !(Rune.IsLetterOrDigit(rune) || rune.Value == '_')
        : !Rune.IsLetterOrDigit(rune) && Rune.IsWhiteSpace(rune);

    /// <summary>Go's <c>strings.Replace(s, old, new, -1)</c>: an empty old string matches before every character and at the end.</summary>
    private static string Replace(string value, string old, string replacement)
    {
        if (old.Length > 0)
        {
            return value.Replace(old, replacement, StringComparison.Ordinal);
        }

        var result = new StringBuilder(replacement);
        foreach (var rune in value.EnumerateRunes())
        {
            result.Append(rune.ToString()).Append(replacement);
        }

        return result.ToString();
    }

    /// <summary>Sprig's <c>slice</c> (it replaces Go's builtin in Flux's function map): lists only, <c>list[start:end]</c>.</summary>
    private static object? Slice(object? list, object?[] indexes)
    {
        if (list is string or null or NoValue || list is not IList items)
        {
            throw new ArgumentException($"list should be type of slice or array but {GoKind(list)}");
        }

        if (items.Count == 0)
        {
            return null;
        }

        var start = indexes.Length > 0 ? ToInt(indexes[0]) : 0;
        var end = indexes.Length > 1 ? ToInt(indexes[1]) : items.Count;
        if (start < 0 || end < start || end > items.Count)
        {
            throw new ArgumentException("reflect.Value.Slice: slice index out of bounds");
        }

        var slice = (IList)Activator.CreateInstance(items.GetType())!;
        for (var i = start; i < end; i++)
        {
            slice.Add(items[i]);
        }

        return slice;
    }

    private static string GoKind(object? value) => value switch
    {
        string => "string",
        bool => "bool",
        double => "float64",
        IDictionary => "map",
        IGoStruct => "struct",
        _ when GoValues.IsInteger(value) => "int",
        _ => "invalid",
    };

    /// <summary>Sprig's <c>toInt</c> (cast.ToInt): numbers, and strings that parse as one; anything else is 0.</summary>
    private static int ToInt(object? value) => value switch
    {
        _ when GoValues.AsInteger(value) is { } integer => (int)integer,
        double d => (int)d,
        string s when int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) => parsed,
        _ => 0,
    };

    /// <summary>text/template's <c>evalArgs</c>: one string argument as it is, anything else as <c>fmt.Sprint</c> prints it.</summary>
    private static string EvalArgs(object?[] args) => args is [string s] ? s : Print(args);

    /// <summary>Go's <c>template.HTMLEscapeString</c>.</summary>
    private static string HtmlEscape(string value)
    {
        var result = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            result.Append(c switch
            {
                '"' => "&#34;",
                '\'' => "&#39;",
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '\0' => "\uFFFD",
                _ => c.ToString(),
            });
        }

        return result.ToString();
    }

    /// <summary>Go's <c>template.JSEscapeString</c>.</summary>
    private static string JsEscape(string value)
    {
        var result = new StringBuilder(value.Length);
        foreach (var rune in value.EnumerateRunes())
        {
            result.Append(rune.Value switch
            {
                '\\' => "\\\\",
                '\'' => "\\'",
                '"' => "\\\"",
                '<' => "\\u003C",
                '>' => "\\u003E",
                '&' => "\\u0026",
                '=' => "\\u003D",
                < ' ' => $"\\u{rune.Value:X4}",
                < 0x80 => rune.ToString(),
                _ when GoFormat.IsPrint(rune) => rune.ToString(),
                _ => $"\\u{rune.Value:X4}",
            });
        }

        return result.ToString();
    }

    /// <summary>Go's <c>url.QueryEscape</c>: letters, digits and <c>-_.~</c> stay, a space is <c>+</c>, every other byte is <c>%XX</c>.</summary>
    private static string QueryEscape(string value)
    {
        var result = new StringBuilder(value.Length);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            result.Append(b switch
            {
                (byte)' ' => "+",
                _ when char.IsAsciiLetterOrDigit((char)b) || b is (byte)'-' or (byte)'_' or (byte)'.' or (byte)'~' => ((char)b).ToString(),
                _ => $"%{b:X2}",
            });
        }

        return result.ToString();
    }

    private static string TrimPrefix(string prefix, string value) =>
        value.StartsWith(prefix, StringComparison.Ordinal) ? value[prefix.Length..] : value;

    private static string TrimSuffix(string suffix, string value) =>
        value.EndsWith(suffix, StringComparison.Ordinal) ? value[..^suffix.Length] : value;

    private static string Truncate(long length, string value) => length switch
    {
        >= 0 when value.Length > length => value[..(int)length],
        < 0 when value.Length + length > 0 => value[(int)(value.Length + length)..],
        _ => value,
    };

    private static long Length(object? value) => value switch
    {
        string s => Encoding.UTF8.GetByteCount(s),
        ICollection collection => collection.Count,
        _ => throw new ArgumentException($"len of type {GoTypes.NameOf(value)}"),
    };

    private static bool Equal(object? a, object? b)
    {
        if (a is null or NoValue || b is null or NoValue)
        {
            return (a is null or NoValue) && (b is null or NoValue);
        }

        if (GoValues.IsBasic(a) && GoValues.IsBasic(b))
        {
            return GoValues.CompareBasic(a, b, orderOnly: false) == 0;
        }

        return a.GetType() == b.GetType() ? a.Equals(b) : throw new ArgumentException("incompatible types for comparison");
    }

    private static object? Index(object? item, object?[] keys)
    {
        foreach (var key in keys)
        {
            switch (item)
            {
                case IDictionary map:
                    var valueType = map.GetType().GetInterfaces().Concat([map.GetType()])
                        .FirstOrDefault(t => t.IsGenericType && t.GetGenericTypeDefinition() == typeof(IDictionary<,>))?.GetGenericArguments();
                    if (valueType is not null && key is not null && !valueType[0].IsInstanceOfType(key))
                    {
                        throw new ArgumentException($"value has type {GoTypes.NameOf(key)}; should be {valueType[0].Name}");
                    }

                    // A missing key yields the map's zero value ("" for map[string]string).
                    item = key is not null && map.Contains(key) ? map[key] : valueType?[1] == typeof(string) ? "" : null;
                    break;
                case IList list:
                    var position = GoValues.AsInteger(key) ?? throw new ArgumentException($"cannot index slice/array with type {GoTypes.NameOf(key)}");
                    if (position < 0 || position >= list.Count)
                    {
                        throw new ArgumentException($"index out of range: {position}");
                    }

                    item = list[(int)position];
                    break;
                case null or NoValue:
                    throw new ArgumentException("index of untyped nil");
                default:
                    throw new ArgumentException($"can't index item of type {GoTypes.NameOf(item)}");
            }
        }

        return item;
    }
}
