using System.Text.Json;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using BlockEntry = YamlDotNet.Core.Tokens.BlockEntry;
using CommentToken = YamlDotNet.Core.Tokens.Comment;
using ScalarEvent = YamlDotNet.Core.Events.Scalar;
using ScalarToken = YamlDotNet.Core.Tokens.Scalar;
using Token = YamlDotNet.Core.Tokens.Token;

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
/// its head comment (the comment line directly above a scalar that starts its line, such as a sequence item).
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

    /// <exception cref="YamlException">The text is not valid YAML.</exception>
    public static ScanResult Scan(string text)
    {
        var scanner = new TokenRecorder(new Scanner(new StringReader(text), skipComments: false));
        Dictionary<int, ValueSite> values;
        List<ObjectIdentity> documents;
        try
        {
            (values, documents) = FindValueScalars(new Parser(YamlDepthLimit.Wrap(scanner)));
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
            if (tokens[i] is ScalarToken scalar && (LineComment(tokens, i) ?? HeadComment(tokens, i)) is { } comment)
            {
                yield return (scalar, string.Join("\n", comment.Select(c => Raw(text, c))));
            }
        }
    }

    private static CommentToken[]? LineComment(List<Token> tokens, int scalarIndex)
    {
        var scalar = (ScalarToken)tokens[scalarIndex];
        var (index, line) = scalar.Style is ScalarStyle.Literal or ScalarStyle.Folded
            ? (scalarIndex - 1, scalar.Start.Line)
            : (scalarIndex + 1, scalar.End.Line);
        return index >= 0 && index < tokens.Count && tokens[index] is CommentToken { IsInline: true } comment && comment.Start.Line == line
            ? [comment]
            : null;
    }

    /// <summary>
    /// The block of consecutive comment lines ending directly above the node (for a sequence item, above its dash),
    /// which go-yaml joins into the node's head comment.
    /// </summary>
    private static CommentToken[]? HeadComment(List<Token> tokens, int scalarIndex)
    {
        var follower = scalarIndex > 0 && tokens[scalarIndex - 1] is BlockEntry ? scalarIndex - 1 : scalarIndex;
        var first = follower;
        var line = tokens[follower].Start.Line;
        while (first > 0 && tokens[first - 1] is CommentToken { IsInline: false } comment && comment.Start.Line == line - 1)
        {
            first--;
            line--;
        }

        return first < follower ? tokens.GetRange(first, follower - first).Cast<CommentToken>().ToArray() : null;
    }

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

            if (containers.Count == 1)
            {
                if (top.CurrentKey == "apiVersion") apiVersion = scalar.Value;
                else if (top.CurrentKey == "kind") kind = scalar.Value;
            }
            else if (containers.Count == 2 && containers.ElementAt(1).CurrentKey == "metadata")
            {
                if (top.CurrentKey == "name") name = scalar.Value;
                else if (top.CurrentKey == "namespace") ns = scalar.Value;
            }
        }
    }
}
