using System.Globalization;
using System.Text;

namespace TazLab.ImageAutomation.Engine.Templates;

/// <summary>Turns template text into a <see cref="ListNode"/> tree, following Go's text/template grammar.</summary>
internal sealed class TemplateParser
{
    private enum TokenKind { Dot, Field, Variable, Identifier, Literal, Pipe, LeftParen, RightParen, Comma, Declare, Assign }

    private sealed record Token(TokenKind Kind, int Position, string Text, IReadOnlyList<string> Fields, object? Value, bool Attached);

    /// <summary>A stretch of template text, or the tokens of one <c>{{ }}</c> action.</summary>
    private sealed record Segment(int Position, string? Text, IReadOnlyList<Token>? Tokens);

    private static readonly HashSet<string> Keywords = ["if", "else", "end", "range", "with", "break", "continue", "define", "template", "block"];

    private readonly string text;
    private readonly Func<string, bool> isFunction;
    private readonly List<Segment> segments = [];
    private int next;
    private int rangeDepth;

    private TemplateParser(string text, Func<string, bool> isFunction)
    {
        this.text = text;
        this.isFunction = isFunction;
    }

    /// <exception cref="TemplateException">The text is not a valid template.</exception>
    public static ListNode Parse(string text, Func<string, bool> isFunction)
    {
        var parser = new TemplateParser(text, isFunction);
        parser.Split();
        var list = parser.ParseList(out var terminator);
        if (terminator is not null)
        {
            throw new TemplateException(terminator.Position, $"unexpected {{{{{terminator.Text}}}}}");
        }

        return list;
    }

    // ---- lexing ---------------------------------------------------------------------------------------------

    private static bool IsSpace(char c) => c is ' ' or '\t' or '\r' or '\n';

    private void Split()
    {
        var position = 0;
        var trimNextText = false;
        while (position <= text.Length)
        {
            var open = text.IndexOf("{{", position, StringComparison.Ordinal);
            var chunk = text[position..(open < 0 ? text.Length : open)];
            var trimLeft = open >= 0 && open + 3 < text.Length && text[open + 2] == '-' && IsSpace(text[open + 3]);
            if (trimNextText)
            {
                chunk = chunk.TrimStart(' ', '\t', '\r', '\n');
            }

            if (trimLeft)
            {
                chunk = chunk.TrimEnd(' ', '\t', '\r', '\n');
            }

            if (chunk.Length > 0)
            {
                segments.Add(new Segment(position, chunk, null));
            }

            if (open < 0)
            {
                return;
            }

            var inner = open + (trimLeft ? 4 : 2);
            position = LexAction(open, inner, out trimNextText);
        }
    }

    /// <returns>The position just after the closing <c>}}</c>.</returns>
    private int LexAction(int open, int position, out bool trimRight)
    {
        var afterSpace = position;
        while (afterSpace < text.Length && IsSpace(text[afterSpace])) afterSpace++;
        if (string.CompareOrdinal(text, afterSpace, "/*", 0, 2) == 0)
        {
            var close = text.IndexOf("*/", afterSpace + 2, StringComparison.Ordinal);
            if (close < 0)
            {
                throw new TemplateException(open, "unclosed comment");
            }

            var end = close + 2;
            return CloseDelimiter(end, out trimRight) ?? throw new TemplateException(open, "comment ends before closing delimiter");
        }

        var tokens = new List<Token>();
        while (true)
        {
            var start = position;
            while (position < text.Length && IsSpace(text[position])) position++;
            if (position >= text.Length)
            {
                throw new TemplateException(open, "unclosed action");
            }

            var closesHere = string.CompareOrdinal(text, position, "}}", 0, 2) == 0
                || (position > start && string.CompareOrdinal(text, position, "-}}", 0, 3) == 0);
            if (closesHere && CloseDelimiter(position, out trimRight) is { } after)
            {
                segments.Add(new Segment(open, null, tokens));
                return after;
            }

            tokens.Add(LexToken(ref position, attached: position == start));
        }
    }

    /// <summary>Matches <c>}}</c> or <c>-}}</c> (the latter trims the following text) at <paramref name="position"/>.</summary>
    private int? CloseDelimiter(int position, out bool trimRight)
    {
        while (position < text.Length && IsSpace(text[position])) position++;
        trimRight = string.CompareOrdinal(text, position, "-}}", 0, 3) == 0 && position > 0 && IsSpace(text[position - 1]);
        if (trimRight)
        {
            return position + 3;
        }

        return string.CompareOrdinal(text, position, "}}", 0, 2) == 0 ? position + 2 : null;
    }

    private Token LexToken(ref int position, bool attached)
    {
        var start = position;
        var c = text[position];
        switch (c)
        {
            case '|': return Simple(TokenKind.Pipe, ref position, 1, attached);
            case '(': return Simple(TokenKind.LeftParen, ref position, 1, attached);
            case ')': return Simple(TokenKind.RightParen, ref position, 1, attached);
            case ',': return Simple(TokenKind.Comma, ref position, 1, attached);
            case '=': return Simple(TokenKind.Assign, ref position, 1, attached);
            case ':' when Peek(position + 1) == '=': return Simple(TokenKind.Declare, ref position, 2, attached);
            case '"': return new Token(TokenKind.Literal, start, "string", [], LexQuoted(ref position, '"'), attached);
            case '`':
                var close = text.IndexOf('`', position + 1);
                if (close < 0) throw new TemplateException(start, "unterminated raw quoted string");
                position = close + 1;
                return new Token(TokenKind.Literal, start, "string", [], text[(start + 1)..close], attached);
            case '\'':
                var rune = LexQuoted(ref position, '\'');
                if (rune.EnumerateRunes().Count() != 1) throw new TemplateException(start, "malformed character constant");
                return new Token(TokenKind.Literal, start, "char", [], (long)rune.EnumerateRunes().First().Value, attached);
            case '$':
                position++;
                var name = "$" + LexIdentifier(ref position);
                return new Token(TokenKind.Variable, start, name, LexFieldChain(ref position), null, attached);
            case '.' when !char.IsAsciiDigit(Peek(position + 1)):
                var fields = LexFieldChain(ref position);
                if (fields.Count == 0)
                {
                    return Simple(TokenKind.Dot, ref position, 1, attached);
                }

                return new Token(TokenKind.Field, start, text[start..position], fields, null, attached);
        }

        if (char.IsAsciiDigit(c) || c is '.' or '-' or '+')
        {
            return LexNumber(ref position, attached);
        }

        if (char.IsLetter(c) || c == '_')
        {
            var word = LexIdentifier(ref position);
            return word switch
            {
                "true" => new Token(TokenKind.Literal, start, word, [], true, attached),
                "false" => new Token(TokenKind.Literal, start, word, [], false, attached),
                "nil" => new Token(TokenKind.Literal, start, word, [], null, attached),
                _ => new Token(TokenKind.Identifier, start, word, [], null, attached),
            };
        }

        throw new TemplateException(start, $"unexpected \"{c}\" in command");
    }

    private Token Simple(TokenKind kind, ref int position, int length, bool attached)
    {
        var token = new Token(kind, position, text.Substring(position, length), [], null, attached);
        position += length;
        return token;
    }

    private char Peek(int position) => position < text.Length ? text[position] : '\0';

    private string LexIdentifier(ref int position)
    {
        var start = position;
        while (position < text.Length && (char.IsLetterOrDigit(text[position]) || text[position] == '_')) position++;
        return text[start..position];
    }

    private List<string> LexFieldChain(ref int position)
    {
        var fields = new List<string>();
        while (Peek(position) == '.' && (char.IsLetter(Peek(position + 1)) || Peek(position + 1) == '_'))
        {
            position++;
            fields.Add(LexIdentifier(ref position));
        }

        return fields;
    }

    private Token LexNumber(ref int position, bool attached)
    {
        var start = position;
        if (text[position] is '-' or '+') position++;
        while (position < text.Length && (char.IsLetterOrDigit(text[position]) || text[position] is '.' or '_'
            || (text[position] is '-' or '+' && text[position - 1] is 'e' or 'E' or 'p' or 'P'))) position++;
        var literal = text[start..position];
        var digits = literal.Replace("_", "");
        object? value = GoInteger(digits);
        if (value is null && double.TryParse(digits, NumberStyles.Float, CultureInfo.InvariantCulture, out var real))
        {
            value = real;
        }

        return value is null
            ? throw new TemplateException(start, $"bad number syntax: \"{literal}\"")
            : new Token(TokenKind.Literal, start, literal, [], value, attached);
    }

    /// <summary>Go's <c>strconv.ParseInt(s, 0, 64)</c>: a sign, then <c>0x</c>, <c>0o</c>, <c>0b</c> (either case) or a leading <c>0</c> (octal), or decimal.</summary>
    private static long? GoInteger(string digits)
    {
        var negative = digits.StartsWith('-');
        var unsigned = digits.TrimStart('-', '+');
        var (radix, rest) = unsigned.Length >= 3 && unsigned[0] == '0' && char.ToLowerInvariant(unsigned[1]) is 'x' or 'o' or 'b'
            ? (char.ToLowerInvariant(unsigned[1]) switch { 'x' => 16, 'o' => 8, _ => 2 }, unsigned[2..])
            : unsigned.Length > 1 && unsigned[0] == '0' ? (8, unsigned[1..]) : (10, unsigned);
        if (rest.Length == 0)
        {
            return null;
        }

        long magnitude = 0;
        foreach (var c in rest)
        {
            var digit = c switch { >= '0' and <= '9' => c - '0', >= 'a' and <= 'f' => c - 'a' + 10, >= 'A' and <= 'F' => c - 'A' + 10, _ => 99 };
            if (digit >= radix || magnitude > (long.MaxValue - digit) / radix)
            {
                return null;
            }

            magnitude = magnitude * radix + digit;
        }

        return negative ? -magnitude : magnitude;
    }

    private string LexQuoted(ref int position, char quote)
    {
        var start = position++;
        var result = new StringBuilder();
        while (true)
        {
            if (position >= text.Length || text[position] == '\n')
            {
                throw new TemplateException(start, "unterminated quoted string");
            }

            var c = text[position++];
            if (c == quote)
            {
                return result.ToString();
            }

            if (c != '\\')
            {
                result.Append(c);
                continue;
            }

            var escape = Peek(position++);
            switch (escape)
            {
                case 'n': result.Append('\n'); break;
                case 't': result.Append('\t'); break;
                case 'r': result.Append('\r'); break;
                case 'a': result.Append('\a'); break;
                case 'b': result.Append('\b'); break;
                case 'f': result.Append('\f'); break;
                case 'v': result.Append('\v'); break;
                case '\\' or '"' or '\'': result.Append(escape); break;
                case 'x': result.Append(HexEscape(ref position, 2, start)); break;
                case 'u': result.Append(HexEscape(ref position, 4, start)); break;
                case 'U': result.Append(HexEscape(ref position, 8, start)); break;
                default: throw new TemplateException(start, $"unknown escape sequence: \\{escape}");
            }
        }
    }

    private string HexEscape(ref int position, int length, int start)
    {
        if (position + length > text.Length
            || !int.TryParse(text.AsSpan(position, length), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code))
        {
            throw new TemplateException(start, "invalid escape sequence in quoted string");
        }

        position += length;
        return char.ConvertFromUtf32(code);
    }

    // ---- parsing --------------------------------------------------------------------------------------------

    /// <summary>A keyword action that ends a list: <c>{{end}}</c> or <c>{{else ...}}</c>.</summary>
    private sealed record Terminator(int Position, string Text, IReadOnlyList<Token> Rest);

    private ListNode ParseList(out Terminator? terminator)
    {
        var nodes = new List<Node>();
        var start = next < segments.Count ? segments[next].Position : text.Length;
        while (next < segments.Count)
        {
            var segment = segments[next++];
            if (segment.Text is not null)
            {
                nodes.Add(new TextNode(segment.Position, segment.Text));
                continue;
            }

            var tokens = segment.Tokens!;
            if (tokens.Count == 0)
            {
                throw new TemplateException(segment.Position, "missing value for command");
            }

            var keyword = tokens[0].Kind == TokenKind.Identifier && Keywords.Contains(tokens[0].Text) ? tokens[0].Text : null;
            switch (keyword)
            {
                case "end" or "else":
                    terminator = new Terminator(tokens[0].Position, keyword, tokens.Skip(1).ToList());
                    return new ListNode(start, nodes);
                case "if":
                    nodes.Add(ParseBranch(BranchKind.If, tokens));
                    break;
                case "with":
                    nodes.Add(ParseBranch(BranchKind.With, tokens));
                    break;
                case "range":
                    nodes.Add(ParseBranch(BranchKind.Range, tokens));
                    break;
                case "break" or "continue":
                    if (rangeDepth == 0)
                    {
                        throw new TemplateException(tokens[0].Position, $"{{{{{keyword}}}}} outside {{{{range}}}}");
                    }

                    ExpectEnd(tokens, 1, keyword);
                    nodes.Add(keyword == "break" ? new BreakNode(tokens[0].Position) : new ContinueNode(tokens[0].Position));
                    break;
                case not null:
                    throw new TemplateException(tokens[0].Position, $"{{{{{keyword}}}}} is not supported in commit message templates");
                default:
                    var cursor = new Cursor(tokens, segment.Position);
                    var pipeline = ParsePipeline(cursor, allowTwoVariables: false);
                    cursor.ExpectEnd("command");
                    nodes.Add(new ActionNode(segment.Position, pipeline));
                    break;
            }
        }

        terminator = null;
        return new ListNode(start, nodes);
    }

    private static void ExpectEnd(IReadOnlyList<Token> tokens, int from, string keyword)
    {
        if (tokens.Count > from)
        {
            throw new TemplateException(tokens[from].Position, $"unexpected \"{tokens[from].Text}\" in {keyword}");
        }
    }

    private BranchNode ParseBranch(BranchKind kind, IReadOnlyList<Token> tokens)
    {
        var keyword = tokens[0];
        var cursor = new Cursor(tokens.Skip(1).ToList(), keyword.Position);
        if (cursor.AtEnd)
        {
            throw new TemplateException(keyword.Position, $"missing value for {keyword.Text}");
        }

        var pipeline = ParsePipeline(cursor, allowTwoVariables: kind == BranchKind.Range);
        cursor.ExpectEnd(keyword.Text);
        if (kind == BranchKind.Range) rangeDepth++;
        var body = ParseList(out var terminator);
        if (kind == BranchKind.Range) rangeDepth--;
        ListNode? elseList = null;
        if (terminator is null)
        {
            throw new TemplateException(text.Length, "unexpected EOF");
        }

        if (terminator.Text == "else")
        {
            var rest = terminator.Rest;
            if (rest.Count > 0 && rest[0].Kind == TokenKind.Identifier && rest[0].Text is "if" or "with")
            {
                // {{else if ...}} / {{else with ...}}: a nested branch that shares our {{end}}.
                var nested = ParseBranch(rest[0].Text == "if" ? BranchKind.If : BranchKind.With, rest);
                elseList = new ListNode(terminator.Position, [nested]);
            }
            else
            {
                ExpectEnd(rest, 0, "else");
                elseList = ParseList(out var elseTerminator);
                if (elseTerminator?.Text != "end")
                {
                    throw elseTerminator is null
                        ? new TemplateException(text.Length, "unexpected EOF")
                        : new TemplateException(elseTerminator.Position, "expected end; found {{else}}");
                }
            }
        }
        else
        {
            ExpectEnd(terminator.Rest, 0, "end");
        }

        return new BranchNode(keyword.Position, kind, pipeline, body, elseList);
    }

    private sealed class Cursor(IReadOnlyList<Token> tokens, int position)
    {
        private int index;

        public bool AtEnd => index >= tokens.Count;

        public Token? Peek(int ahead = 0) => index + ahead < tokens.Count ? tokens[index + ahead] : null;

        public Token Take() => tokens[index++];

        public int Position => Peek()?.Position ?? (tokens.Count > 0 ? tokens[^1].Position : position);

        public void ExpectEnd(string context)
        {
            if (Peek() is { } extra)
            {
                throw new TemplateException(extra.Position, $"unexpected \"{extra.Text}\" in {context}");
            }
        }
    }

    private PipelineNode ParsePipeline(Cursor cursor, bool allowTwoVariables)
    {
        var start = cursor.Position;
        var variables = new List<string>();
        var isAssignment = false;
        if (cursor.Peek() is { Kind: TokenKind.Variable, Fields.Count: 0 } first)
        {
            if (cursor.Peek(1)?.Kind is TokenKind.Declare or TokenKind.Assign)
            {
                variables.Add(first.Text);
                isAssignment = cursor.Peek(1)!.Kind == TokenKind.Assign;
                cursor.Take();
                cursor.Take();
            }
            else if (allowTwoVariables && cursor.Peek(1)?.Kind == TokenKind.Comma
                && cursor.Peek(2) is { Kind: TokenKind.Variable, Fields.Count: 0 } second
                && cursor.Peek(3)?.Kind is TokenKind.Declare or TokenKind.Assign)
            {
                variables.Add(first.Text);
                variables.Add(second.Text);
                isAssignment = cursor.Peek(3)!.Kind == TokenKind.Assign;
                for (var i = 0; i < 4; i++) cursor.Take();
            }
        }

        var commands = new List<CommandNode>();
        while (true)
        {
            commands.Add(ParseCommand(cursor));
            if (cursor.Peek()?.Kind != TokenKind.Pipe)
            {
                break;
            }

            cursor.Take();
        }

        return new PipelineNode(start, variables, isAssignment, commands);
    }

    private CommandNode ParseCommand(Cursor cursor)
    {
        var start = cursor.Position;
        var arguments = new List<Node>();
        while (cursor.Peek() is { } token && token.Kind is not (TokenKind.Pipe or TokenKind.RightParen))
        {
            arguments.Add(ParseOperand(cursor));
        }

        if (arguments.Count == 0)
        {
            throw new TemplateException(start, "missing value for command");
        }

        return new CommandNode(start, arguments);
    }

    private Node ParseOperand(Cursor cursor)
    {
        var token = cursor.Take();
        switch (token.Kind)
        {
            case TokenKind.Dot:
                return new DotNode(token.Position);
            case TokenKind.Field:
                return new FieldNode(token.Position, token.Fields);
            case TokenKind.Variable:
                return new VariableNode(token.Position, token.Text, token.Fields);
            case TokenKind.Literal:
                return new LiteralNode(token.Position, token.Value);
            case TokenKind.Identifier when !Keywords.Contains(token.Text):
                return isFunction(token.Text)
                    ? new FunctionNode(token.Position, token.Text)
                    : throw new TemplateException(token.Position, $"function \"{token.Text}\" not defined");
            case TokenKind.LeftParen:
                var pipeline = ParsePipeline(cursor, allowTwoVariables: false);
                if (cursor.AtEnd || cursor.Take().Kind != TokenKind.RightParen)
                {
                    throw new TemplateException(token.Position, "unclosed left paren");
                }

                var fields = cursor.Peek() is { Kind: TokenKind.Field, Attached: true } chained ? cursor.Take().Fields : [];
                return new ChainNode(token.Position, pipeline, fields);
            default:
                throw new TemplateException(token.Position, $"unexpected \"{token.Text}\" in operand");
        }
    }
}
