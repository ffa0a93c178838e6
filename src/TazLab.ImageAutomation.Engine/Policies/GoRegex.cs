using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using TazLab.ImageAutomation.Engine.Diagnostics;

namespace TazLab.ImageAutomation.Engine.Policies;

/// <summary>
/// A Go RE2 pattern (Flux's <c>filterTags.pattern</c>) run by .NET's engine with Go's meaning: ASCII-only
/// <c>\d \w \s \b</c>, <c>$</c> at the end of text only, POSIX classes, <c>(?P&lt;name&gt;)</c> groups numbered
/// left to right as Go numbers them, and Go's <c>Regexp.Expand</c> for <c>extract</c>. Constructs RE2 does not
/// have (look-around, backreferences, atomic groups) are rejected, and every match has a time limit.
/// </summary>
internal sealed class GoRegex
{
    private static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(1);

    private readonly TieredRegex regex;
    private readonly string[] groupNames; // Go group index → name, "" when unnamed; [0] is the whole match
    private readonly int[] groupNumbers; // Go group index → .NET group number

    private GoRegex(string pattern, TieredRegex regex, string[] groupNames)
    {
        Pattern = pattern;
        this.regex = regex;
        this.groupNames = groupNames;
        groupNumbers = groupNames.Select((_, i) => i == 0 ? 0 : regex.Interpreted.GroupNumberFromName(Re2Translator.GroupName(i))).ToArray();
    }

    public string Pattern { get; }

    /// <summary>Compiles a Go pattern, or throws an <see cref="AutomationException"/> naming it.</summary>
    public static GoRegex Compile(string pattern)
    {
        try
        {
            var (translated, groupNames) = new Re2Translator(pattern).Translate();

            return new GoRegex(pattern, new TieredRegex(translated, RegexOptions.CultureInvariant, MatchTimeout), groupNames);
        }
        catch (ArgumentException e)
        {
            // Re2Translator reports RE2's own objections as ArgumentException too, so both read the same.
            throw new AutomationException(ErrorKind.InvalidArgument, "InvalidTagPattern",
                $"invalid regular expression pattern '{pattern}': {e.Message}", pattern,
                "Write the pattern in Go RE2 syntax (no look-around or backreferences), e.g. '^v(?P<version>[0-9]+\\.[0-9]+\\.[0-9]+)$'.", e);
        }
    }

    /// <summary>The leftmost match anywhere in the input, as Go's <c>FindStringSubmatchIndex</c>.</summary>
    public Match Match(string input)
    {
        try
        {
            return regex.Current.Match(input);
        }
        catch (RegexMatchTimeoutException e)
        {
            throw Timeout(input, e);
        }
    }

    /// <summary>Whether the pattern matches anywhere in the input, as Go's <c>MatchString</c>, without building a Match.</summary>
    public bool IsMatch(string input)
    {
        try
        {
            return regex.Current.IsMatch(input);
        }
        catch (RegexMatchTimeoutException e)
        {
            throw Timeout(input, e);
        }
    }

    /// <summary>
    /// For callers that expand many inputs: a function giving the template's expansion of the leftmost match, or
    /// null when the pattern does not match, without building a Match per input (one with its groups is ~400
    /// bytes). The pattern is widened to consume the whole input (a lazy prefix finds the same leftmost match), so
    /// <see cref="Regex.Replace(string, string, int)"/>, which reuses its match state, returns the expansion alone.
    /// Null when the template cannot be written as a .NET replacement over the widened pattern: a name given to
    /// several groups (Go copies the first that took part) or <c>$0</c>.
    /// </summary>
    public Func<string, string?>? CreateExpander(ExpandTemplate template)
    {
        if (template.ToReplacement(regex.Interpreted) is not { } replacement)
        {
            return null;
        }

        var widened = new TieredRegex(@"\A(?s:.*?)(?:" + regex.Interpreted + @")(?s:.*)\z", regex.Interpreted.Options, MatchTimeout);
        return input =>
        {
            string expanded;
            try
            {
                expanded = widened.Current.Replace(input, replacement, 1);
            }
            catch (RegexMatchTimeoutException e)
            {
                throw Timeout(input, e);
            }

            // Replace returns the input itself when nothing matched; an expansion equal to the input may come back
            // as the same reference too, so only then ask again.
            return !ReferenceEquals(expanded, input) || IsMatch(input) ? expanded : null;
        };
    }

    private AutomationException Timeout(string input, RegexMatchTimeoutException e) =>
        new(ErrorKind.OperationTimeout, "TagPatternTimeout",
            $"the pattern '{Pattern}' took longer than {MatchTimeout.TotalSeconds:0.#} s to match the tag '{input}'", Pattern,
            "Simplify the pattern: avoid nested repetition such as '(a+)+'.", e);

    /// <summary>
    /// Parses a Go <c>Regexp.Expand</c> template once, for many matches: <c>$name</c> or <c>${name}</c> where the
    /// name is the longest run of letters, digits and <c>_</c>; an all-digit name without a leading zero is a group
    /// number; <c>$$</c> is <c>$</c>; a group that is unknown or did not take part expands to nothing; a malformed
    /// <c>$</c> is kept as text.
    /// </summary>
    public ExpandTemplate ParseTemplate(string template)
    {
        var parts = new List<ExpandTemplate.Part>();
        var text = new StringBuilder();
        var rest = template.AsSpan();
        while (true)
        {
            var dollar = rest.IndexOf('$');
            if (dollar < 0)
            {
                text.Append(rest);
                break;
            }

            text.Append(rest[..dollar]);
            rest = rest[(dollar + 1)..];
            if (rest.Length > 0 && rest[0] == '$')
            {
                text.Append('$');
                rest = rest[1..];
            }
            else if (!TryReadReference(ref rest, out var name))
            {
                text.Append('$');
            }
            else if (FindGroups(name) is { Length: > 0 } groups)
            {
                if (text.Length > 0) parts.Add(new ExpandTemplate.Part(text.ToString(), []));
                text.Clear();
                parts.Add(new ExpandTemplate.Part(null, groups.Select(g => groupNumbers[g]).ToArray()));
            }
        }

        if (text.Length > 0 || parts.Count == 0) parts.Add(new ExpandTemplate.Part(text.ToString(), []));
        return new ExpandTemplate(parts.ToArray());
    }

    private static bool TryReadReference(ref ReadOnlySpan<char> rest, out string name)
    {
        name = "";
        var braced = rest.Length > 0 && rest[0] == '{';
        var text = braced ? rest[1..] : rest;
        var length = 0;
        while (length < text.Length)
        {
            var status = Rune.DecodeFromUtf16(text[length..], out var rune, out var consumed);
            if (status != System.Buffers.OperationStatus.Done || !(Rune.IsLetter(rune) || Rune.IsDigit(rune) || rune.Value == '_'))
            {
                break;
            }

            length += consumed;
        }

        if (length == 0 || (braced && (length >= text.Length || text[length] != '}')))
        {
            return false;
        }

        name = text[..length].ToString();
        rest = text[(length + (braced ? 1 : 0))..];
        return true;
    }

    /// <summary>The Go group indexes a reference names: one number, or every group of that name (RE2 allows a name twice), in order.</summary>
    private int[] FindGroups(string name)
    {
        if (name.Length <= 9 && name.All(char.IsAsciiDigit) && (name[0] != '0' || name.Length == 1))
        {
            var number = int.Parse(name, CultureInfo.InvariantCulture);
            return number < groupNames.Length ? [number] : [];
        }

        return Enumerable.Range(1, groupNames.Length - 1).Where(i => groupNames[i] == name).ToArray();
    }
}

/// <summary>
/// Rewrites a Go RE2 pattern as an equivalent .NET pattern. Every capturing group becomes a .NET named group
/// <c>gN</c> where N is Go's left-to-right group index, because .NET numbers named groups after unnamed ones.
/// </summary>
internal sealed class Re2Translator(string pattern)
{
    private const int MaxRepeat = 1000; // Go rejects larger counts in {n,m}

    private static readonly Dictionary<string, (int Lo, int Hi)[]> PosixClasses = new()
    {
        ["alnum"] = [('0', '9'), ('A', 'Z'), ('a', 'z')],
        ["alpha"] = [('A', 'Z'), ('a', 'z')],
        ["ascii"] = [(0, 0x7F)],
        ["blank"] = [('\t', '\t'), (' ', ' ')],
        ["cntrl"] = [(0, 0x1F), (0x7F, 0x7F)],
        ["digit"] = [('0', '9')],
        ["graph"] = [('!', '~')],
        ["lower"] = [('a', 'z')],
        ["print"] = [(' ', '~')],
        ["punct"] = [('!', '/'), (':', '@'), ('[', '`'), ('{', '~')],
        ["space"] = [('\t', '\r'), (' ', ' ')],
        ["upper"] = [('A', 'Z')],
        ["word"] = [('0', '9'), ('A', 'Z'), ('_', '_'), ('a', 'z')],
        ["xdigit"] = [('0', '9'), ('A', 'F'), ('a', 'f')],
    };

    // Go's Perl classes are ASCII-only; note \s excludes \v.
    private static readonly (int Lo, int Hi)[] Digit = [('0', '9')];
    private static readonly (int Lo, int Hi)[] Space = [('\t', '\n'), ('\f', '\r'), (' ', ' ')];
    private static readonly (int Lo, int Hi)[] Word = PosixClasses["word"];
    private const string WordClass = "[0-9A-Za-z_]";

    private readonly StringBuilder output = new();
    private readonly List<string> groupNames = [""];
    private readonly Stack<Flags> enclosingFlags = new();
    private Flags flags;
    private int pos;

    public static string GroupName(int goIndex) => "g" + goIndex.ToString(CultureInfo.InvariantCulture);

    public (string Pattern, string[] GroupNames) Translate()
    {
        while (pos < pattern.Length)
        {
            var c = pattern[pos++];
            switch (c)
            {
                case '\\':
                    TranslateEscape();
                    break;
                case '[':
                    TranslateClass();
                    break;
                case '(':
                    OpenGroup();
                    break;
                case ')':
                    if (enclosingFlags.Count == 0) throw Error("unexpected )");
                    flags = enclosingFlags.Pop();
                    output.Append(')');
                    break;
                case '^':
                    output.Append(flags.Multiline ? @"(?:\A|(?<=\n))" : @"\A");
                    break;
                case '$':
                    output.Append(flags.Multiline ? @"(?=\n|\z)" : @"\z");
                    break;
                case '{':
                    TranslateBrace();
                    break;
                case '*' or '+' or '?':
                    AppendQuantifier(c.ToString());
                    break;
                default:
                    output.Append(c);
                    break;
            }
        }

        if (enclosingFlags.Count > 0) throw Error("missing closing )");
        return (output.ToString(), groupNames.ToArray());
    }

    private void OpenGroup()
    {
        enclosingFlags.Push(flags);
        if (!Next('?'))
        {
            AddCapture("");
            return;
        }

        if (Next('P'))
        {
            if (Peek('=')) throw Error("backreferences are not supported in Go RE2 syntax");
            if (!Next('<')) throw Error("invalid named capture");
            ReadCaptureName();
            return;
        }

        if (Peek('<') && !PeekAt(1, '=') && !PeekAt(1, '!'))
        {
            pos++;
            ReadCaptureName();
            return;
        }

        if (Peek('=') || Peek('!') || Peek('<'))
        {
            throw Error("look-ahead and look-behind are not supported in Go RE2 syntax");
        }

        TranslateFlags();
    }

    private void ReadCaptureName()
    {
        var close = pattern.IndexOf('>', pos);
        if (close < 0) throw Error("invalid named capture");
        var name = pattern[pos..close];
        if (name.Length == 0 || !name.All(ch => char.IsAsciiLetterOrDigit(ch) || ch == '_'))
        {
            throw Error($"invalid named capture '{name}'");
        }

        pos = close + 1;
        AddCapture(name);
    }

    private void AddCapture(string name)
    {
        groupNames.Add(name);
        output.Append("(?<").Append(GroupName(groupNames.Count - 1)).Append('>');
    }

    /// <summary><c>(?flags)</c> or <c>(?flags:re)</c> with Go's flags i, m, s, U. We apply m (it changes how ^ and
    /// $ are written) and U (it swaps greedy and lazy quantifiers) ourselves, and hand i and s to .NET, which scopes
    /// them the same way Go does.</summary>
    private void TranslateFlags()
    {
        var dotnetFlags = new StringBuilder();
        var negated = false;
        var sawFlag = false;
        var newFlags = flags;
        while (pos < pattern.Length)
        {
            var c = pattern[pos++];
            switch (c)
            {
                case 'i' or 's':
                    dotnetFlags.Append(c);
                    sawFlag = true;
                    break;
                case 'm':
                    newFlags = newFlags with { Multiline = !negated };
                    sawFlag = true;
                    break;
                case 'U':
                    newFlags = newFlags with { Ungreedy = !negated };
                    sawFlag = true;
                    break;
                case '-':
                    if (negated) throw Error("invalid or unsupported Perl syntax: a second '-' in the flags of (?");
                    negated = true;
                    sawFlag = false;
                    dotnetFlags.Append('-');
                    break;
                case ':' or ')':
                    if (negated && !sawFlag) throw Error("missing flag after '-' in (?");
                    var inline = dotnetFlags.ToString().TrimEnd('-');
                    if (c == ':')
                    {
                        output.Append("(?").Append(inline).Append(':');
                    }
                    else
                    {
                        // (?flags) changes the enclosing group from here on; it opens no group itself.
                        enclosingFlags.Pop();
                        if (inline.Length > 0) output.Append("(?").Append(inline).Append(')');
                    }

                    flags = newFlags;
                    return;
                default:
                    throw Error("invalid or unsupported Perl syntax: (?" + c);
            }
        }

        throw Error("missing closing )");
    }

    /// <summary>A quantifier and its optional lazy <c>?</c>; under <c>(?U)</c> Go swaps the two meanings.</summary>
    private void AppendQuantifier(string quantifier)
    {
        var lazy = Next('?') != flags.Ungreedy;
        output.Append(quantifier);
        if (lazy) output.Append('?');
    }

    private void TranslateBrace()
    {
        var m = Regex.Match(pattern[pos..], @"^([0-9]+)(,([0-9]*))?\}", RegexOptions.CultureInvariant);
        if (!m.Success)
        {
            output.Append(@"\{"); // not a repeat: Go reads '{' as a literal
            return;
        }

        var min = int.TryParse(m.Groups[1].Value, CultureInfo.InvariantCulture, out var n) ? n : int.MaxValue;
        var max = !m.Groups[2].Success ? min
            : m.Groups[3].Length == 0 ? -1
            : int.TryParse(m.Groups[3].Value, CultureInfo.InvariantCulture, out var x) ? x : int.MaxValue;
        if (min > MaxRepeat || max > MaxRepeat || (max >= 0 && max < min))
        {
            throw Error($"invalid repeat count {{{m.Value}");
        }

        pos += m.Length;
        AppendQuantifier("{" + m.Value);
    }

    private void TranslateEscape()
    {
        if (pos >= pattern.Length) throw Error("trailing backslash at end of expression");
        var c = pattern[pos++];
        switch (c)
        {
            case 'd' or 'D' or 's' or 'S' or 'w' or 'W':
                var set = new CharSet();
                set.AddPerlClass(c);
                output.Append(set.Render(negated: false));
                break;
            case 'b':
                output.Append($"(?:(?<={WordClass})(?!{WordClass})|(?<!{WordClass})(?={WordClass}))");
                break;
            case 'B':
                output.Append($"(?:(?<={WordClass})(?={WordClass})|(?<!{WordClass})(?!{WordClass}))");
                break;
            case 'A':
                output.Append(@"\A");
                break;
            case 'z':
                output.Append(@"\z");
                break;
            case 'p' or 'P':
                output.Append(ReadUnicodeClass(c));
                break;
            case 'Q':
                var end = pattern.IndexOf(@"\E", pos, StringComparison.Ordinal);
                var literal = end < 0 ? pattern[pos..] : pattern[pos..end];
                foreach (var ch in literal) output.Append(CharSet.Escape(ch));
                pos = end < 0 ? pattern.Length : end + 2;
                break;
            default:
                pos--;
                var single = ReadEscapedChar();
                if (single > 0xFFFF)
                {
                    output.Append(CharSet.Escape(char.ConvertFromUtf32(single)[0])).Append(CharSet.Escape(char.ConvertFromUtf32(single)[1]));
                }
                else
                {
                    output.Append(CharSet.Escape((char)single));
                }

                break;
        }
    }

    /// <summary>An escape that stands for one character (pos is on the character after the backslash).</summary>
    private int ReadEscapedChar()
    {
        var c = pattern[pos++];
        switch (c)
        {
            case >= '1' and <= '7' when pos >= pattern.Length || pattern[pos] is < '0' or > '7':
            case '8' or '9':
                throw Error($"backreferences such as \\{c} are not supported in Go RE2 syntax");
            case >= '0' and <= '7':
                // Octal: the first digit plus up to two more.
                var value = c - '0';
                for (var i = 0; i < 2 && pos < pattern.Length && pattern[pos] is >= '0' and <= '7'; i++)
                {
                    value = value * 8 + (pattern[pos++] - '0');
                }

                return value;
            case 'x':
                return ReadHexEscape();
            case 'a': return '\a';
            case 'f': return '\f';
            case 't': return '\t';
            case 'n': return '\n';
            case 'r': return '\r';
            case 'v': return '\v';
            case 'k' or 'g':
                throw Error($"backreferences such as \\{c}<name> are not supported in Go RE2 syntax");
            default:
                if (c < 0x80 && !char.IsAsciiLetterOrDigit(c))
                {
                    return c; // escaped punctuation is itself
                }

                throw Error($"invalid escape sequence: \\{c}");
        }
    }

    private int ReadHexEscape()
    {
        string digits;
        if (Next('{'))
        {
            var close = pattern.IndexOf('}', pos);
            if (close < 0) throw Error("invalid escape sequence: \\x{");
            digits = pattern[pos..close];
            pos = close + 1;
        }
        else
        {
            if (pos + 2 > pattern.Length) throw Error("invalid escape sequence: \\x");
            digits = pattern.Substring(pos, 2);
            pos += 2;
        }

        if (digits.Length == 0 || !digits.All(char.IsAsciiHexDigit)
            || !int.TryParse(digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value) || value > 0x10FFFF)
        {
            throw Error($"invalid escape sequence: \\x{digits}");
        }

        return value;
    }

    private string ReadUnicodeClass(char p)
    {
        string name;
        if (Next('{'))
        {
            var close = pattern.IndexOf('}', pos);
            if (close < 0) throw Error($"invalid character class range: \\{p}{{");
            name = pattern[pos..close];
            pos = close + 1;
        }
        else
        {
            if (pos >= pattern.Length) throw Error($"invalid character class range: \\{p}");
            name = pattern[pos++].ToString();
        }

        if (name.StartsWith('^'))
        {
            (p, name) = (p == 'p' ? 'P' : 'p', name[1..]);
        }

        return $"\\{p}{{{name}}}";
    }

    private void TranslateClass()
    {
        var negated = Next('^');
        var set = new CharSet();
        var first = true;
        while (true)
        {
            if (pos >= pattern.Length) throw Error("missing closing ]");
            var c = pattern[pos];
            if (c == ']' && !first)
            {
                pos++;
                break;
            }

            first = false;
            if (c == '[' && PeekAt(1, ':'))
            {
                var close = pattern.IndexOf(":]", pos + 2, StringComparison.Ordinal);
                var name = close < 0 ? "" : pattern[(pos + 2)..close];
                var negatedName = name.StartsWith('^');
                if (close >= 0 && PosixClasses.TryGetValue(negatedName ? name[1..] : name, out var ranges))
                {
                    set.Add(ranges, negatedName);
                    pos = close + 2;
                    continue;
                }

                if (close >= 0) throw Error($"invalid character class range: [:{name}:]");
            }

            if (c == '\\' && pos + 1 < pattern.Length && pattern[pos + 1] is 'd' or 'D' or 's' or 'S' or 'w' or 'W')
            {
                set.AddPerlClass(pattern[pos + 1]);
                pos += 2;
                continue;
            }

            if (c == '\\' && pos + 1 < pattern.Length && pattern[pos + 1] is 'p' or 'P')
            {
                pos += 2;
                set.AddToken(ReadUnicodeClass(pattern[pos - 1]));
                continue;
            }

            var lo = ReadClassChar();
            var hi = lo;
            if (Peek('-') && pos + 1 < pattern.Length && pattern[pos + 1] != ']')
            {
                pos++;
                hi = ReadClassChar();
                if (hi < lo) throw Error($"invalid character class range: {char.ConvertFromUtf32(lo)}-{char.ConvertFromUtf32(hi)}");
            }

            set.Add([(lo, hi)], negated: false);
        }

        output.Append(set.Render(negated));
    }

    private int ReadClassChar()
    {
        if (pattern[pos] == '\\')
        {
            pos++;
            if (pos >= pattern.Length) throw Error("trailing backslash at end of expression");
            return ReadEscapedChar();
        }

        if (char.IsHighSurrogate(pattern[pos]) && pos + 1 < pattern.Length)
        {
            var codePoint = char.ConvertToUtf32(pattern[pos], pattern[pos + 1]);
            pos += 2;
            return codePoint;
        }

        return pattern[pos++];
    }

    private bool Next(char c)
    {
        if (!Peek(c)) return false;
        pos++;
        return true;
    }

    private bool Peek(char c) => PeekAt(0, c);

    private bool PeekAt(int offset, char c) => pos + offset < pattern.Length && pattern[pos + offset] == c;

    private static ArgumentException Error(string message) => new(message);

    /// <summary>The Go flags we translate ourselves, scoped like groups.</summary>
    private readonly record struct Flags(bool Multiline, bool Ungreedy);

    /// <summary>A character class as ranges of UTF-16 code units (plus any \p{...} tokens), rendered with every
    /// character escaped so nothing in it means something else to .NET (such as class subtraction).</summary>
    private sealed class CharSet
    {
        private readonly List<(int Lo, int Hi)> ranges = [];
        private readonly List<string> tokens = [];

        public void AddPerlClass(char c)
        {
            var ranges = char.ToLowerInvariant(c) switch { 'd' => Digit, 's' => Space, _ => Word };
            Add(ranges, negated: char.IsUpper(c));
        }

        public void Add((int Lo, int Hi)[] add, bool negated)
        {
            foreach (var range in negated ? Complement(add) : add)
            {
                if (range.Hi > 0xFFFF) throw Error("characters beyond U+FFFF are not supported in a character class");
                ranges.Add(range);
            }
        }

        public void AddToken(string token) => tokens.Add(token);

        public string Render(bool negated)
        {
            if (ranges.Count == 0 && tokens.Count == 0)
            {
                return negated ? @"[\s\S]" : "(?!)";
            }

            var sb = new StringBuilder("[");
            if (negated) sb.Append('^');
            foreach (var (lo, hi) in ranges)
            {
                sb.Append(Escape((char)lo));
                if (hi != lo) sb.Append('-').Append(Escape((char)hi));
            }

            foreach (var token in tokens) sb.Append(token);
            return sb.Append(']').ToString();
        }

        public static string Escape(char c) =>
            char.IsAsciiLetterOrDigit(c) ? c.ToString() : "\\u" + ((int)c).ToString("X4", CultureInfo.InvariantCulture);

        private static IEnumerable<(int Lo, int Hi)> Complement((int Lo, int Hi)[] sorted)
        {
            var next = 0;
            foreach (var (lo, hi) in sorted)
            {
                if (lo > next) yield return (next, lo - 1);
                next = hi + 1;
            }

            if (next <= 0xFFFF) yield return (next, 0xFFFF);
        }
    }
}

/// <summary>A parsed <c>extract</c> template: literal text and the .NET numbers of the groups it copies.</summary>
internal sealed class ExpandTemplate
{
    private readonly Part[] parts;

    internal ExpandTemplate(Part[] parts) => this.parts = parts;

    public string Expand(Match match)
    {
        if (parts.Length == 1)
        {
            return Value(parts[0], match);
        }

        var result = new StringBuilder();
        foreach (var part in parts)
        {
            result.Append(Value(part, match));
        }

        return result.ToString();
    }

    /// <summary>A reference copies the first of its groups that took part in the match (Go's <c>regexp.go</c> <c>expand</c>).</summary>
    private static string Value(Part part, Match match)
    {
        if (part.Text is not null)
        {
            return part.Text;
        }

        foreach (var number in part.Groups)
        {
            if (match.Groups[number] is { Success: true } group)
            {
                return group.Value;
            }
        }

        return "";
    }

    /// <summary>The template as a .NET replacement pattern over <paramref name="regex"/>'s groups, or null when a
    /// reference may copy one of several groups, or the whole match (which the widened pattern changes).</summary>
    public string? ToReplacement(Regex regex)
    {
        var replacement = new StringBuilder();
        foreach (var part in parts)
        {
            if (part.Text is not null)
            {
                replacement.Append(part.Text.Replace("$", "$$"));
            }
            else if (part.Groups is [var number] && number != 0)
            {
                replacement.Append("${").Append(regex.GroupNameFromNumber(number)).Append('}');
            }
            else
            {
                return null;
            }
        }

        return replacement.ToString();
    }

    /// <param name="Text">Literal text, or null for a group reference.</param>
    /// <param name="Groups">The .NET group numbers a reference may copy, in Go's order.</param>
    internal readonly record struct Part(string? Text, int[] Groups);
}
