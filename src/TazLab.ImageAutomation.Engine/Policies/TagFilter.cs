using System.Text;
using System.Text.RegularExpressions;
using TazLab.ImageAutomation.Engine.Diagnostics;

namespace TazLab.ImageAutomation.Engine.Policies;

/// <summary>
/// Flux's <c>filterTags</c>: keep tags the pattern matches anywhere, and map each to the value <c>extract</c>
/// expands to (Go's <c>Regexp.Expand</c>); the value is what the policy orders, the original tag is what is selected.
/// </summary>
internal sealed class TagFilter
{
    private readonly Regex regex;
    private readonly string extract;

    public TagFilter(string pattern, string extract)
    {
        regex = GoRegex.Compile(pattern);
        this.extract = extract;
    }

    /// <summary>value → original tag. Tags are visited in descending byte order, as Flux stores them, so on a
    /// value collision the byte-wise smallest original tag wins, as in Flux.</summary>
    public Dictionary<string, string> Apply(IEnumerable<string> tags)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var tag in tags.OrderByDescending(t => t, StringComparer.Ordinal))
        {
            var match = regex.Match(tag);
            if (match.Success)
            {
                result[extract.Length == 0 ? tag : Expand(extract, match)] = tag;
            }
        }

        return result;
    }

    /// <summary>Go's <c>Regexp.Expand</c>: <c>$name</c>, <c>${name}</c>, <c>$1</c>, <c>$$</c>; the longest
    /// identifier wins; unknown groups expand to nothing; a malformed <c>$</c> is kept literally.</summary>
    internal string Expand(string template, Match match)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < template.Length; i++)
        {
            var ch = template[i];
            if (ch != '$' || i + 1 >= template.Length)
            {
                sb.Append(ch);
                continue;
            }

            if (template[i + 1] == '$')
            {
                sb.Append('$');
                i++;
                continue;
            }

            string? name = null;
            var end = i;
            if (template[i + 1] == '{')
            {
                var close = template.IndexOf('}', i + 2);
                if (close > i + 2 && template[(i + 2)..close].All(IsNameChar))
                {
                    name = template[(i + 2)..close];
                    end = close;
                }
            }
            else
            {
                var j = i + 1;
                while (j < template.Length && IsNameChar(template[j])) j++;
                if (j > i + 1)
                {
                    name = template[(i + 1)..j];
                    end = j - 1;
                }
            }

            if (name is null)
            {
                sb.Append(ch);
                continue;
            }

            sb.Append(GroupValue(match, name));
            i = end;
        }

        return sb.ToString();
    }

    private string GroupValue(Match match, string name)
    {
        if (name.All(char.IsAsciiDigit))
        {
            // Go reads an all-digit name as a group number, leading zeros included.
            return int.TryParse(name, out var number) && number < match.Groups.Count ? match.Groups[number].Value : "";
        }

        var group = match.Groups[name];
        return group.Success && regex.GroupNumberFromName(name) >= 0 ? group.Value : "";
    }

    private static bool IsNameChar(char c) => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_';
}

/// <summary>Go RE2 patterns run on .NET's engine.</summary>
internal static class GoRegex
{
    private static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(1);

    public static Regex Compile(string pattern)
    {
        try
        {
            // (?P<name>...) is Go's spelling of a named group; .NET only knows (?<name>...).
            return new Regex(pattern.Replace("(?P<", "(?<", StringComparison.Ordinal), RegexOptions.CultureInvariant, MatchTimeout);
        }
        catch (ArgumentException e)
        {
            throw new AutomationException(ErrorKind.InvalidArgument, "InvalidTagPattern",
                $"invalid regular expression pattern '{pattern}': {e.Message}", pattern,
                "Write the pattern in Go RE2 syntax, e.g. '^blog-(?P<value>[0-9]+)-.*$'.", e);
        }
    }
}
