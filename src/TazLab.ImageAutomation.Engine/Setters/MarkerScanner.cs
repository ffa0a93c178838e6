using System.Text.Json;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using Anchor = YamlDotNet.Core.Tokens.Anchor;
using BlockEnd = YamlDotNet.Core.Tokens.BlockEnd;
using BlockEntry = YamlDotNet.Core.Tokens.BlockEntry;
using BlockMappingStart = YamlDotNet.Core.Tokens.BlockMappingStart;
using BlockSequenceStart = YamlDotNet.Core.Tokens.BlockSequenceStart;
using CommentToken = YamlDotNet.Core.Tokens.Comment;
using ScalarEvent = YamlDotNet.Core.Events.Scalar;
using ScalarToken = YamlDotNet.Core.Tokens.Scalar;
using FlowEntry = YamlDotNet.Core.Tokens.FlowEntry;
using Tag = YamlDotNet.Core.Tokens.Tag;
using Token = YamlDotNet.Core.Tokens.Token;
using Value = YamlDotNet.Core.Tokens.Value;

namespace TazLab.ImageAutomation.Engine.Setters;

/// <summary>
/// A scalar carrying a setter marker. <see cref="Start"/>..<see cref="End"/> are the character offsets of the scalar's
/// own text (quotes included; anchor and tag excluded), so replacing exactly that range changes nothing else.
/// </summary>
internal sealed record MarkedScalar(
    int Start, int End, int Line, int Column, ScalarStyle Style, bool InFlow, string Value, string Setter, int Document);

/// <summary>
/// Finds scalars that carry a <c># {"$imagepolicy": "..."}</c> comment, as Flux does: only scalar mapping values and
/// scalar sequence items, at any depth, in every document; the scalar's line comment decides, and only when it has none,
/// its head comment, with go-yaml v3's placement of comments (docs/setters.md "Where a marker may be").
/// </summary>
/// <remarks>
/// One scan of the text, read two ways: YamlDotNet's parser, fed the tokens without comments, says which scalars are
/// values and which document they are in; the tokens themselves, comments included, give every scalar's exact character
/// range and the comments around it. The two meet on the scalar's end offset.
/// </remarks>
internal static class MarkerScanner
{
    private const string MarkerKey = "$imagepolicy";

    public sealed record ScanResult(IReadOnlyList<MarkedScalar> Markers, IReadOnlyList<ObjectIdentity> Documents);

    /// <summary>
    /// The markers of <paramref name="text"/>, parsing only the documents whose text holds the marker key
    /// (<see cref="YamlDocumentSplitter"/>): a document without it has no marker, and no alias or comment reaches across
    /// documents. <see cref="ScanResult.Documents"/> then holds the parsed documents only, the ones markers refer to.
    /// </summary>
    /// <exception cref="YamlException">A document that holds the marker key is not valid YAML (others are not read).</exception>
    public static ScanResult Scan(string text)
    {
        var parts = YamlDocumentSplitter.Split(text);
        if (parts.Count == 1)
        {
            return SimpleDocumentScanner.TryScan(text) ?? ScanWhole(text);
        }

        var markers = new List<MarkedScalar>();
        var documents = new List<ObjectIdentity>();
        foreach (var part in parts)
        {
            if (text.AsSpan(part.Start, part.Length).IndexOf(MarkerKey, StringComparison.Ordinal) < 0)
            {
                continue;
            }

            var scan = ScanPart(text.Substring(part.Start, part.Length), part);
            markers.AddRange(scan.Markers.Select(m =>
                m with { Start = m.Start + part.Start, End = m.End + part.Start, Line = m.Line + part.LineOffset, Document = m.Document + documents.Count }));
            documents.AddRange(scan.Documents);
        }

        return new ScanResult(markers, documents);
    }

    /// <summary>Scans one part; a parse error names the file's line and offset, not the part's.</summary>
    private static ScanResult ScanPart(string partText, YamlDocumentSplitter.Part part)
    {
        Mark InFile(Mark mark) => new(mark.Index + part.Start, mark.Line + part.LineOffset, mark.Column);
        try
        {
            return SimpleDocumentScanner.TryScan(partText) ?? ScanWhole(partText);
        }
        catch (YamlTooDeepException e)
        {
            throw new YamlTooDeepException(InFile(e.Start), InFile(e.End), e.Message);
        }
        catch (YamlException e)
        {
            throw new YamlException(InFile(e.Start), InFile(e.End), e.Message, e.InnerException);
        }
    }

    /// <summary>Parses the whole of <paramref name="text"/>, every document.</summary>
    /// <exception cref="YamlException">The text is not valid YAML.</exception>
    internal static ScanResult ScanWhole(string text)
    {
        var scanner = new TokenRecorder(new Scanner(new StringReader(text), skipComments: false));
        Dictionary<int, ValueSite> values;
        List<ObjectIdentity> documents;
        try
        {
            (values, documents) = FindValueScalars(new Parser(YamlDepthLimit.Wrap(scanner)));
        }
        catch (YamlException e) when (e is not YamlTooDeepException && TabIndentation(text, e.Start, scanner.CurrentPosition, e.Message) is { } tab)
        {
            throw new YamlException(tab, tab, "A tab is used as indentation here; YAML indents with spaces only.", e);
        }
        catch (Exception e) when (e is not YamlException)
        {
            // On some invalid input YamlDotNet throws other exceptions (an InvalidOperationException from an unclosed flow sequence, for one).
            throw new YamlException(scanner.CurrentPosition, scanner.CurrentPosition, "The YAML parser could not read it.", e);
        }

        var markers = new List<MarkedScalar>();
        foreach (var (token, comment) in CommentedScalars(text, scanner.Tokens))
        {
            if (values.TryGetValue((int)token.End.Index, out var site) && ParseMarker(comment) is { } setter)
            {
                markers.Add(new MarkedScalar((int)token.Start.Index, (int)token.End.Index, (int)token.Start.Line,
                    (int)token.Start.Column, token.Style, site.InFlow, token.Value, setter, site.Document));
            }
        }

        return new ScanResult(markers, documents);
    }

    /// <summary>
    /// Where the tab is that a tab error is about: YamlDotNet reports it at the start of the collection the tab is in,
    /// often lines above (issue 14). The first tab in the indentation of a line from there to where the scanner stopped.
    /// </summary>
    private static Mark? TabIndentation(string text, Mark start, Mark stopped, string message)
    {
        if (!message.Contains("tab", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var lineStart = (int)Math.Max(0, start.Index - (start.Column - 1));
        for (var line = start.Line; line <= stopped.Line && lineStart < text.Length; line++)
        {
            var end = text.IndexOf('\n', lineStart);
            end = end < 0 ? text.Length : end;
            var indentation = text.AsSpan(lineStart, end - lineStart);
            indentation = indentation[..(indentation.IndexOfAnyExcept(" \t") is var content and >= 0 ? content : indentation.Length)];
            if (indentation.IndexOf('\t') is var tab and >= 0)
            {
                return new Mark(lineStart + tab, line, tab + 1);
            }

            lineStart = end + 1;
        }

        return null;
    }

    private readonly record struct ValueSite(int Document, bool InFlow);

    /// <summary>
    /// Hands the parser every token but comments (it rejects valid YAML such as <c>image: &amp;a x # note</c> when it sees
    /// them) and keeps all tokens, comments included, in order: one scan of the text serves both passes.
    /// </summary>
    private sealed class TokenRecorder(Scanner scanner) : IScanner
    {
        public List<Token> Tokens { get; } = [];

        public Mark CurrentPosition => scanner.CurrentPosition;

        public Token? Current => scanner.Current;

        public bool MoveNext()
        {
            if (Current is not null)
            {
                ConsumeCurrent();
            }

            return MoveNextWithoutConsuming();
        }

        public bool MoveNextWithoutConsuming()
        {
            while (scanner.MoveNextWithoutConsuming())
            {
                if (scanner.Current is not CommentToken comment)
                {
                    return true;
                }

                Tokens.Add(comment);
                scanner.ConsumeCurrent();
            }

            return false;
        }

        public void ConsumeCurrent()
        {
            Tokens.Add(scanner.Current!);
            scanner.ConsumeCurrent();
        }
    }

    /// <summary>Every non-empty scalar that is a mapping value or a sequence item, by end offset; and each document's object identity.</summary>
    private static (Dictionary<int, ValueSite> Values, List<ObjectIdentity> Documents) FindValueScalars(Parser parser)
    {
        var values = new Dictionary<int, ValueSite>();
        var documents = new List<ObjectIdentity>();
        var identity = new IdentityTracker();
        var containers = new Stack<Container>();
        while (parser.MoveNext())
        {
            switch (parser.Current)
            {
                case DocumentStart:
                    identity = new IdentityTracker();
                    containers.Clear();
                    break;
                case DocumentEnd:
                    documents.Add(identity.Identity);
                    break;
                case ScalarEvent scalar:
                    var isValue = containers.Count > 0 && containers.Peek().NextIsValue();
                    identity.Observe(containers, scalar, isValue);
                    if (isValue && scalar.End.Index > scalar.Start.Index)
                    {
                        values[(int)scalar.End.Index] = new ValueSite(documents.Count, containers.Peek().IsFlow);
                    }

                    break;
                case MappingStart mapping:
                    NoteChild(containers);
                    containers.Push(new Container(isMapping: true, mapping.Style == MappingStyle.Flow || InFlow(containers)));
                    break;
                case SequenceStart sequence:
                    NoteChild(containers);
                    containers.Push(new Container(isMapping: false, sequence.Style == SequenceStyle.Flow || InFlow(containers)));
                    break;
                case MappingEnd or SequenceEnd:
                    containers.Pop();
                    break;
                case AnchorAlias:
                    NoteChild(containers);
                    break;
            }
        }

        return (values, documents);
    }

    private static bool InFlow(Stack<Container> containers) => containers.Count > 0 && containers.Peek().IsFlow;

    private static void NoteChild(Stack<Container> containers)
    {
        if (containers.Count > 0)
        {
            containers.Peek().NextIsValue();
        }
    }

    /// <summary>
    /// Each scalar token with the comment Flux would read as its marker: its line comment (the comment right after it
    /// on its last line, or on a block scalar's header line) if it has one, otherwise its head comment.
    /// </summary>
    private static IEnumerable<(ScalarToken Scalar, string Comment)> CommentedScalars(string text, List<Token> tokens)
    {
        for (var i = 0; i < tokens.Count; i++)
        {
            if (tokens[i] is ScalarToken scalar && (LineComment(text, tokens, i) ?? HeadComment(text, tokens, i)) is { } comment)
            {
                yield return (scalar, string.Join("\n", comment.Select(c => Raw(text, c))));
            }
        }
    }

    /// <summary>
    /// go-yaml's line comment: the comment after the scalar on its last line (on a block scalar, on its header line);
    /// in a flow collection also the comment after the comma that follows it.
    /// </summary>
    private static CommentToken[]? LineComment(string text, List<Token> tokens, int scalarIndex)
    {
        var scalar = (ScalarToken)tokens[scalarIndex];
        var (index, line) = scalar.Style is ScalarStyle.Literal or ScalarStyle.Folded
            ? (scalarIndex - 1, scalar.Start.Line)
            : (scalarIndex + 1, scalar.End.Line);
        if (index < tokens.Count && tokens[index] is FlowEntry && tokens[index].Start.Line == line)
        {
            index++;
        }

        return index >= 0 && index < tokens.Count && tokens[index] is CommentToken comment && !OwnLine(text, comment) && comment.Start.Line == line
            ? [comment]
            : null;
    }

    /// <summary>
    /// go-yaml's head comment: the comment lines between the previous token and the node (for a sequence item, its
    /// dash), blank lines allowed, plus a comment on a dash line whose value is on a later line. go-yaml splits off the
    /// first block of those lines as the previous node's foot comment when it starts right below that node and a blank
    /// line follows it, except after a <c>key:</c> (flux-image-automation.md 2.3, go-yaml v3 <c>yaml_parser_scan_comments</c>).
    /// </summary>
    private static CommentToken[]? HeadComment(string text, List<Token> tokens, int scalarIndex)
    {
        var start = scalarIndex;
        while (start > 0 && tokens[start - 1] is Anchor or Tag && tokens[start - 1].Start.Line == tokens[scalarIndex].Start.Line)
        {
            start--;
        }

        var i = start - 1;
        if (i >= 0 && tokens[i] is BlockEntry && tokens[i].Start.Line == tokens[start].Start.Line)
        {
            start = i--;
        }

        var above = i;
        while (above >= 0 && IsZeroWidth(tokens[above]))
        {
            above--;
        }

        if (above < 0 || tokens[above] is not (CommentToken or BlockEntry))
        {
            return null; // the common case, kept free of allocations
        }

        var head = new List<CommentToken>();
        i = OwnLineCommentsAbove(text, tokens, i, head);
        var dashComment = i >= 1 && tokens[i] is CommentToken inline && tokens[i - 1] is BlockEntry ? inline : null;
        var dash = dashComment is not null ? i - 1 : i >= 0 && tokens[i] is BlockEntry ? i : -1;
        DropFoot(tokens, i, head, start);
        if (dash >= 0)
        {
            // A value below its dash: a dash has no line comment of its own, so the comment on the dash line and the
            // comment lines above the dash head the value too.
            var aboveDash = new List<CommentToken>();
            i = OwnLineCommentsAbove(text, tokens, dash - 1, aboveDash);
            DropFoot(tokens, i, aboveDash, dash);
            head.InsertRange(0, dashComment is null ? aboveDash : [.. aboveDash, dashComment]);
        }

        return head.Count == 0 ? null : [.. head];
    }

    /// <summary>Adds the own-line comments ending at <paramref name="i"/> (going up, over indentation tokens) to <paramref name="into"/>, in text order; returns the index of the token above them.</summary>
    private static int OwnLineCommentsAbove(string text, List<Token> tokens, int i, List<CommentToken> into)
    {
        var found = into.Count;
        for (; i >= 0; i--)
        {
            if (tokens[i] is CommentToken comment && OwnLine(text, comment))
            {
                into.Add(comment);
            }
            else if (!IsZeroWidth(tokens[i]))
            {
                break;
            }
        }

        into.Reverse(found, into.Count - found);
        return i;
    }

    /// <summary>
    /// go-yaml makes the first block of <paramref name="comments"/> the previous node's foot comment when it starts on
    /// the line right below that node (not below a <c>key:</c>) and a blank line follows it.
    /// </summary>
    private static void DropFoot(List<Token> tokens, int previousIndex, List<CommentToken> comments, int nodeIndex)
    {
        var previousAt = comments.Count == 0 ? -1 : PreviousIndex(tokens, previousIndex);
        if (previousAt < 0)
        {
            return;
        }

        var node = tokens[nodeIndex].Start;

        // A node that closes a deeper block (the scanner ends it) takes no comment that starts at another column:
        // go-yaml makes such comments a foot of the deeper content.
        if (comments[0].Start.Column != node.Column && HasBlockEnd(tokens, previousAt, nodeIndex))
        {
            comments.Clear();
            return;
        }

        var previous = tokens[previousAt];
        if (previous is Value || comments[0].Start.Line != previous.End.Line + 1)
        {
            return;
        }

        var blockEnd = 1;
        while (blockEnd < comments.Count && comments[blockEnd].Start.Line == comments[blockEnd - 1].Start.Line + 1)
        {
            blockEnd++;
        }

        var nextLine = blockEnd < comments.Count ? comments[blockEnd].Start.Line : node.Line;
        if (nextLine > comments[blockEnd - 1].Start.Line + 1)
        {
            comments.RemoveRange(0, blockEnd);
        }
    }

    /// <summary>The index of the content token at or before <paramref name="i"/> that comments follow: a line comment and a flow comma count as part of the token they follow.</summary>
    private static int PreviousIndex(List<Token> tokens, int i)
    {
        while (i >= 0 && (tokens[i] is CommentToken or FlowEntry || IsZeroWidth(tokens[i])))
        {
            i--;
        }

        return i;
    }

    /// <summary>Whether only blanks precede the comment on its line (YamlDotNet's IsInline is not reliable inside flow collections).</summary>
    private static bool OwnLine(string text, CommentToken comment)
    {
        var at = (int)comment.Start.Index;
        var lineStart = text.LastIndexOf('\n', Math.Max(0, at - 1)) + 1;
        return at == 0 || text.AsSpan(lineStart, at - lineStart).IsWhiteSpace();
    }

    private static bool HasBlockEnd(List<Token> tokens, int from, int to)
    {
        for (var i = from; i < to; i++)
        {
            if (tokens[i] is BlockEnd)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Tokens the scanner adds for indentation, with no text of their own.</summary>
    private static bool IsZeroWidth(Token token) => token is BlockSequenceStart or BlockMappingStart or BlockEnd;

    private static string Raw(string text, CommentToken comment) =>
        text.Substring((int)comment.Start.Index, (int)(comment.End.Index - comment.Start.Index));

    /// <summary>
    /// Flux (kyaml fieldmeta): strip every leading <c>#</c>; the rest must be one JSON object whose values are strings,
    /// with a non-empty <c>$imagepolicy</c>. Anything else is an ordinary comment.
    /// </summary>
    internal static string? ParseMarker(string comment)
    {
        var json = comment.TrimStart('#');
        if (!json.Contains(MarkerKey, StringComparison.Ordinal))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            string? setter = null;
            foreach (var property in document.RootElement.EnumerateObject())
            {
                // Go decodes into map[string]string: a non-string value fails the whole comment, null leaves the key unset.
                if (property.Value.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
                {
                    return null;
                }

                if (property.Name == MarkerKey && property.Value.ValueKind == JsonValueKind.String)
                {
                    setter = property.Value.GetString();
                }
            }

            return string.IsNullOrEmpty(setter) ? null : setter;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>A mapping alternates key, value; a sequence holds only values.</summary>
    private sealed class Container(bool isMapping, bool isFlow)
    {
        private int children;

        public bool IsMapping { get; } = isMapping;

        public bool IsFlow { get; } = isFlow;

        public string? CurrentKey { get; set; }

        /// <summary>Counts one child and says whether it is a value (not a mapping key).</summary>
        public bool NextIsValue() => !IsMapping || children++ % 2 == 1;
    }

    /// <summary>Reads apiVersion, kind, metadata.name and metadata.namespace of the document's root mapping.</summary>
    private sealed class IdentityTracker
    {
        private string apiVersion = "", kind = "", name = "", ns = "";

        public ObjectIdentity Identity => new(apiVersion, kind, name, ns);

        public void Observe(Stack<Container> containers, ScalarEvent scalar, bool isValue)
        {
            var top = containers.Count > 0 ? containers.Peek() : null;
            if (top is null || !top.IsMapping)
            {
                return;
            }

            if (!isValue)
            {
                top.CurrentKey = scalar.Value;
                return;
            }

            var value = IsNull(scalar) ? "" : scalar.Value;
            if (containers.Count == 1)
            {
                if (top.CurrentKey == "apiVersion") apiVersion = value;
                else if (top.CurrentKey == "kind") kind = value;
            }
            else if (containers.Count == 2 && containers.ElementAt(1).CurrentKey == "metadata")
            {
                if (top.CurrentKey == "name") name = value;
                else if (top.CurrentKey == "namespace") ns = value;
            }
        }

        /// <summary>A YAML null (kyaml's GetMeta skips it): tagged <c>!!null</c>, or a plain <c>~</c>/<c>null</c>/<c>Null</c>/<c>NULL</c>.</summary>
        private static bool IsNull(ScalarEvent scalar) => scalar.Tag.IsEmpty
            ? scalar.Style == ScalarStyle.Plain && scalar.Value is "~" or "null" or "Null" or "NULL"
            : scalar.Tag.Value == "tag:yaml.org,2002:null";
    }
}
