using System.Text.Json;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace TazLab.ImageAutomation.Engine.Setters;

/// <summary>A scalar carrying a setter marker, with its exact position in the text.</summary>
internal sealed record MarkedScalar(int Start, int End, int Line, int Column, ScalarStyle Style, string Value, string Setter, int Document);

/// <summary>
/// Finds scalars that carry a <c># {"$imagepolicy": "..."}</c> line comment, using YamlDotNet's parser for exact
/// positions, so that only those characters are ever replaced and every other byte of the file stays as it was.
/// </summary>
internal static class MarkerScanner
{
    private const string MarkerKey = "$imagepolicy";

    public sealed record ScanResult(IReadOnlyList<MarkedScalar> Markers, IReadOnlyList<ObjectIdentity> Documents);

    /// <exception cref="YamlException">The text is not valid YAML.</exception>
    public static ScanResult Scan(string text)
    {
        var parser = new Parser(new Scanner(new StringReader(text), skipComments: false));
        var markers = new List<MarkedScalar>();
        var documents = new List<ObjectIdentity>();
        var identity = new IdentityTracker();
        var containers = new Stack<Container>();
        Scalar? lastValue = null;
        var document = -1;

        while (parser.MoveNext())
        {
            var current = parser.Current!;
            switch (current)
            {
                case DocumentStart:
                    document++;
                    identity = new IdentityTracker();
                    containers.Clear();
                    lastValue = null;
                    break;
                case DocumentEnd:
                    documents.Add(identity.Identity);
                    break;
                case Comment { IsInline: true } comment:
                    if (lastValue is not null && lastValue.End.Line == comment.Start.Line && ParseMarker(comment.Value) is { } setter)
                    {
                        markers.Add(new MarkedScalar((int)lastValue.Start.Index, (int)lastValue.End.Index,
                            (int)lastValue.Start.Line, (int)lastValue.Start.Column, lastValue.Style, lastValue.Value, setter, document));
                    }

                    lastValue = null;
                    break;
                case Comment:
                    break;
                case Scalar scalar:
                    var isValue = containers.Count > 0 && containers.Peek().NextIsValue();
                    identity.Observe(containers, scalar, isValue);
                    lastValue = isValue ? scalar : null;
                    break;
                case MappingStart:
                    NoteChild(containers);
                    containers.Push(new Container(isMapping: true));
                    lastValue = null;
                    break;
                case SequenceStart:
                    NoteChild(containers);
                    containers.Push(new Container(isMapping: false));
                    lastValue = null;
                    break;
                case MappingEnd or SequenceEnd:
                    containers.Pop();
                    lastValue = null;
                    break;
                case AnchorAlias:
                    NoteChild(containers);
                    lastValue = null;
                    break;
            }
        }

        return new ScanResult(markers, documents);
    }

    private static void NoteChild(Stack<Container> containers)
    {
        if (containers.Count > 0)
        {
            containers.Peek().NextIsValue();
        }
    }

    /// <summary>Flux (kyaml fieldmeta): strip leading '#', the rest must be a JSON object of strings with a non-empty $imagepolicy.</summary>
    internal static string? ParseMarker(string comment)
    {
        var json = comment.TrimStart('#').Trim();
        if (!json.StartsWith('{') || !json.Contains(MarkerKey, StringComparison.Ordinal))
        {
            return null;
        }

        try
        {
            var values = JsonSerializer.Deserialize<Dictionary<string, string>>(json);
            return values is not null && values.TryGetValue(MarkerKey, out var setter) && setter.Length > 0 ? setter : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>A mapping alternates key, value; a sequence holds only values.</summary>
    private sealed class Container(bool isMapping)
    {
        private int children;

        public bool IsMapping { get; } = isMapping;

        public string? CurrentKey { get; set; }

        /// <summary>Counts one child and says whether it is a value (not a mapping key).</summary>
        public bool NextIsValue() => !IsMapping || children++ % 2 == 1;
    }

    /// <summary>Reads apiVersion, kind, metadata.name and metadata.namespace of the document's root mapping.</summary>
    private sealed class IdentityTracker
    {
        private string apiVersion = "", kind = "", name = "", ns = "";

        public ObjectIdentity Identity => new(apiVersion, kind, name, ns);

        public void Observe(Stack<Container> containers, Scalar scalar, bool isValue)
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
