using System.Collections;
using System.Security.Cryptography;
using System.Text;

namespace TazLab.ImageAutomation.Engine.Templates;

/// <summary>A template function: how many arguments it takes (<see cref="MaxArgs"/> -1 = any number) and what it does.</summary>
internal sealed record TemplateFunction(int MinArgs, int MaxArgs, Func<object?[], object?> Invoke);

/// <summary>
/// Go's builtin template functions and the Sprig v3 string functions Flux users write in commit messages.
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
        ["println"] = new(0, Any, args => string.Join(" ", args.Select(GoValues.Print)) + "\n"),
        ["printf"] = new(1, Any, args => GoValues.Sprintf(Text(args[0]), args[1..])),
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
        ["replace"] = new(3, 3, args => Text(args[0]).Length == 0 ? Text(args[2]) : Text(args[2]).Replace(Text(args[0]), Text(args[1]), StringComparison.Ordinal)),
        ["contains"] = new(2, 2, args => Text(args[1]).Contains(Text(args[0]), StringComparison.Ordinal)),
        ["hasPrefix"] = new(2, 2, args => Text(args[1]).StartsWith(Text(args[0]), StringComparison.Ordinal)),
        ["hasSuffix"] = new(2, 2, args => Text(args[1]).EndsWith(Text(args[0]), StringComparison.Ordinal)),
        ["join"] = new(2, 2, args => string.Join(Text(args[0]), Strings(args[1]))),
        ["sha256sum"] = new(1, 1, args => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(Text(args[0])))).ToLowerInvariant()),
        ["toString"] = new(1, 1, args => SprigString(args[0])),
        ["default"] = new(1, 2, args => args.Length < 2 || IsEmpty(args[1]) ? args[0] : args[1]),
        ["quote"] = new(0, Any, args => string.Join(" ", args.Where(a => a is not null).Select(a => GoValues.Quote(SprigString(a))))),
        ["squote"] = new(0, Any, args => string.Join(" ", args.Where(a => a is not null).Select(a => "'" + SprigString(a) + "'"))),
    };

    public static bool IsDefined(string name) => Functions.ContainsKey(name);

    public static TemplateFunction Get(string name) => Functions[name];

    /// <summary>A string parameter: Go refuses other types rather than converting them.</summary>
    private static string Text(object? value) => value switch
    {
        string s => s,
        NoValue => throw new ArgumentException("invalid value; expected string"),
        _ => throw new ArgumentException($"wrong type for value; expected string; got {GoValues.TypeName(value)}"),
    };

    private static long Integer(object? value) =>
        GoValues.AsInteger(value) ?? throw new ArgumentException($"wrong type for value; expected int; got {GoValues.TypeName(value)}");

    /// <summary>Sprig's <c>strval</c>: strings as they are, anything else as <c>%v</c> prints it.</summary>
    private static string SprigString(object? value) => value is NoValue ? "<no value>" : GoValues.Print(value);

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

            result.Append(GoValues.Print(args[i]));
        }

        return result.ToString();
    }

    private static string Title(string value)
    {
        // strings.Title: upper-case the first letter of every word; letters, digits, '_' and apostrophes continue a word.
        var result = new StringBuilder(value.Length);
        var previous = ' ';
        foreach (var c in value)
        {
            var separator = !(char.IsLetterOrDigit(previous) || previous is '_' or '\'');
            result.Append(separator ? char.ToUpperInvariant(c) : c);
            previous = c;
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
        _ => throw new ArgumentException($"len of type {GoValues.TypeName(value)}"),
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
                        throw new ArgumentException($"value has type {GoValues.TypeName(key)}; should be {valueType[0].Name}");
                    }

                    // A missing key yields the map's zero value ("" for map[string]string).
                    item = key is not null && map.Contains(key) ? map[key] : valueType?[1] == typeof(string) ? "" : null;
                    break;
                case IList list:
                    var position = GoValues.AsInteger(key) ?? throw new ArgumentException($"cannot index slice/array with type {GoValues.TypeName(key)}");
                    if (position < 0 || position >= list.Count)
                    {
                        throw new ArgumentException($"index out of range: {position}");
                    }

                    item = list[(int)position];
                    break;
                case null or NoValue:
                    throw new ArgumentException("index of untyped nil");
                default:
                    throw new ArgumentException($"can't index item of type {GoValues.TypeName(item)}");
            }
        }

        return item;
    }
}
