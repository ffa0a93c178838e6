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
    /// Whether a plain scalar with this text reads back as the same string. Flux (go-yaml) quotes values that
    /// YAML 1.1 would resolve to an int, float, bool or null; we also quote anything a plain scalar cannot hold.
    /// </summary>
    internal static bool ReadsAsString(string value) =>
        value.Length > 0
        && !NonStringScalar().IsMatch(value)
        && !UnsafePlainStart().IsMatch(value)
        && !value.Contains(": ", StringComparison.Ordinal)
        && !value.Contains(" #", StringComparison.Ordinal)
        && !value.EndsWith(':')
        && value.Trim() == value
        && !value.Any(char.IsControl);

    // YAML 1.1 core resolvers for null, bool, int (incl. 0x, 0o-style 0777, base 60) and float (incl. .inf/.nan).
    [GeneratedRegex(@"^(?:~|null|Null|NULL|y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF"
        + @"|[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+"
        + @"|[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*(?:[eE][-+]?[0-9]+)?|[-+]?[0-9][0-9_]*(?:\.[0-9_]*)?[eE][-+]?[0-9]+|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$")]
    private static partial Regex NonStringScalar();

    [GeneratedRegex(@"^(?:[-?:,\[\]{}#&*!|>'""%@`]|- |\? |: )")]
    private static partial Regex UnsafePlainStart();
}
