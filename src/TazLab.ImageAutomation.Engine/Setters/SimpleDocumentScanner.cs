using YamlDotNet.Core;

namespace TazLab.ImageAutomation.Engine.Setters;

/// <summary>
/// Finds the markers of a YAML text line by line, without a general parser, when the text keeps to the subset most
/// manifests are written in; otherwise says so (null) and <see cref="MarkerScanner.ScanWhole"/> decides. The subset:
/// one document (an optional first <c>---</c> line); printable characters, spaces for indentation, LF or CRLF; block
/// mappings with simple keys and block sequences, at consistent indentation; single-line plain, single- and
/// double-quoted (no escapes) scalars; one-line flow collections of such scalars, not nested; block scalars without an
/// indentation indicator; comments. A text in it is valid YAML, so nothing is lost by not parsing it.
/// </summary>
/// <remarks>
/// Only one marker placement is decided here: a line comment after a single-line scalar that is a mapping value or a
/// sequence item, which go-yaml gives that scalar and kyaml reads first. Any other occurrence of the marker key (in an
/// own-line comment, after a key or a dash with the value below, after a block scalar header or a flow collection, in a
/// key, a value or a block scalar) leaves the subset, so head and foot comments are always placed by the exact scanner.
/// The differential tests run both over the conformance vectors and a generated corpus and require the same result.
/// </remarks>
internal static class SimpleDocumentScanner
{
    private const string MarkerKey = "$imagepolicy";

    /// <summary>Deeper documents are left to the parser, which applies <see cref="YamlDepthLimit"/> (counting as its scanner does).</summary>
    private const int MaxDepth = YamlDepthLimit.MaxDepth / 2;

    /// <summary>Longer keys are left to the parser (YAML bounds an implicit key at 1024 characters).</summary>
    private const int MaxKeyLength = 1000;

    /// <returns>What <see cref="MarkerScanner.ScanWhole"/> returns for <paramref name="text"/>, or null when the text leaves the subset.</returns>
    public static MarkerScanner.ScanResult? TryScan(string text) =>
        HasCharacterOutsideSubset(text) ? null : new LineScan(text).Run();

    /// <summary>Tabs and other control characters, line breaks other than LF and CRLF, a BOM, surrogates: the parser's business.</summary>
    private static bool HasCharacterOutsideSubset(string text)
    {
        var span = text.AsSpan();
        for (var at = span.IndexOfAnyExceptInRange(' ', '~'); at >= 0; at = Next(span, at))
        {
            var c = span[at];
            var allowed = c == '\n'
                || (c == '\r' && at + 1 < span.Length && span[at + 1] == '\n')
                || (c >= '\u00A0' && !char.IsSurrogate(c) && c is not ('\u2028' or '\u2029' or '\uFEFF' or '\uFFFE' or '\uFFFF'));
            if (!allowed)
            {
                return true;
            }
        }

        return false;

        static int Next(ReadOnlySpan<char> span, int at)
        {
            var next = span[(at + 1)..].IndexOfAnyExceptInRange(' ', '~');
            return next < 0 ? -1 : at + 1 + next;
        }
    }

    private sealed class Frame(bool isMap, int indent)
    {
        public bool IsMap { get; } = isMap;

        public int Indent { get; } = indent;

        /// <summary>The key of the entry last read; kept only where the identity is read (<see cref="LineScan.Observe"/>), null deeper.</summary>
        public string? CurrentKey { get; set; }
    }

    /// <summary>A scalar on one line: its text range (quotes included), and where its value is (made a string only when read).</summary>
    private readonly record struct OneLineScalar(int Start, int End, ScalarStyle Style, int ValueStart, int ValueLength)
    {
        public string Value(string text) => Style == ScalarStyle.SingleQuoted
            ? text.Substring(ValueStart, ValueLength).Replace("''", "'", StringComparison.Ordinal)
            : text.Substring(ValueStart, ValueLength);
    }

    private sealed class LineScan(string text)
    {
        private readonly List<Frame> frames = [];
        private readonly List<MarkedScalar> markers = [];
        private string apiVersion = "", kind = "", name = "", ns = "";
        private int at, lineStart, lineEnd, next, line;
        private bool rootOpened;

        // After "key:" or "-" with nothing else on the line: the node is on a later line, or it is null.
        private bool pending;
        private int pendingIndent;
        private bool pendingInMap;

        public MarkerScanner.ScanResult? Run()
        {
            while (ReadLine())
            {
                if (!ScanLine())
                {
                    return null;
                }
            }

            if (!rootOpened)
            {
                return null;
            }

            if (pending)
            {
                ObserveNull();
            }

            return new MarkerScanner.ScanResult(markers, [new ObjectIdentity(apiVersion, kind, name, ns)]);
        }

        private bool ReadLine()
        {
            if (at >= text.Length)
            {
                return false;
            }

            lineStart = at;
            var end = text.IndexOf('\n', at);
            (lineEnd, next) = end < 0 ? (text.Length, text.Length) : (end > at && text[end - 1] == '\r' ? end - 1 : end, end + 1);
            at = next;
            line++;
            return true;
        }

        private ReadOnlySpan<char> Line => text.AsSpan(lineStart, lineEnd - lineStart);

        private bool ScanLine()
        {
            var lineText = Line;
            var indent = lineText.IndexOfAnyExcept(' ');
            if (indent < 0)
            {
                return true; // blank
            }

            var rest = lineText[indent..];
            if (indent == 0 && (rest.StartsWith("---") || rest.StartsWith("...")))
            {
                // Only a bare document start on the first line: the document's own start.
                return line == 1 && rest.StartsWith("---") && rest[3..].IsWhiteSpace();
            }

            if (rest[0] == '#')
            {
                return !rest.Contains(MarkerKey, StringComparison.Ordinal);
            }

            var isDash = IsDash(rest);
            if (pending)
            {
                pending = false;
                if (indent > pendingIndent || (indent == pendingIndent && pendingInMap && isDash))
                {
                    frames.Add(new Frame(!isDash, indent));
                }
                else
                {
                    ObserveNull();
                }
            }

            while (frames.Count > 0 && frames[^1].Indent > indent)
            {
                frames.RemoveAt(frames.Count - 1);
            }

            if (frames.Count == 0)
            {
                if (rootOpened)
                {
                    return false;
                }

                rootOpened = true;
                frames.Add(new Frame(!isDash, indent));
            }

            if (frames[^1].Indent != indent)
            {
                return false;
            }

            if (!frames[^1].IsMap && !isDash)
            {
                // The end of a sequence written at its key's indentation.
                frames.RemoveAt(frames.Count - 1);
                if (frames.Count == 0 || !frames[^1].IsMap || frames[^1].Indent != indent)
                {
                    return false;
                }
            }
            else if (frames[^1].IsMap && isDash)
            {
                return false;
            }

            if (frames.Count >= MaxDepth)
            {
                return false;
            }

            var column = lineStart + indent;
            return isDash ? ScanItem(column) : ScanEntry(column);
        }

        private static bool IsDash(ReadOnlySpan<char> rest) => rest[0] == '-' && (rest.Length == 1 || rest[1] == ' ');

        /// <summary>A sequence item at <paramref name="dash"/>: a scalar, a mapping's first entry, or a node below.</summary>
        private bool ScanItem(int dash)
        {
            var afterDash = text.AsSpan(dash + 1, lineEnd - dash - 1);
            var spaces = afterDash.IndexOfAnyExcept(' ');
            if (spaces < 0 || afterDash[spaces] == '#')
            {
                return spaces < 0 || !afterDash.Contains(MarkerKey, StringComparison.Ordinal) ? Pend(dash - lineStart, inMap: false) : false;
            }

            var item = dash + 1 + spaces;
            if (IsDash(text.AsSpan(item, lineEnd - item)))
            {
                return false;
            }

            if (KeyLength(item) > 0)
            {
                frames.Add(new Frame(isMap: true, item - lineStart));
                return ScanEntry(item);
            }

            return ScanValue(item, parent: frames[^1], key: null);
        }

        /// <summary>A <c>key: value</c> entry of the mapping on top, the key at <paramref name="keyStart"/>.</summary>
        private bool ScanEntry(int keyStart)
        {
            var keyLength = KeyLength(keyStart);
            if (keyLength <= 0)
            {
                return false;
            }

            var map = frames[^1];
            map.CurrentKey = frames.Count <= 2 ? text.Substring(keyStart, keyLength) : null;
            var afterColon = keyStart + keyLength + 1;
            var value = afterColon + text.AsSpan(afterColon, lineEnd - afterColon).IndexOfAnyExcept(' ');
            if (value < afterColon || text[value] == '#')
            {
                return value < afterColon || !text.AsSpan(value, lineEnd - value).Contains(MarkerKey, StringComparison.Ordinal)
                    ? Pend(map.Indent, inMap: true)
                    : false;
            }

            return ScanValue(value, map, map.CurrentKey);
        }

        private bool Pend(int indent, bool inMap)
        {
            (pending, pendingIndent, pendingInMap) = (true, indent, inMap);
            return true;
        }

        /// <summary>The length of a simple key at <paramref name="start"/> followed by <c>:</c> and a blank or the line's end; 0 if there is none.</summary>
        private int KeyLength(int start)
        {
            var c = text[start];
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '/'))
            {
                return 0;
            }

            var end = start;
            while (end < lineEnd && (char.IsAsciiLetterOrDigit(text[end]) || text[end] is '_' or '.' or '/' or '-'))
            {
                end++;
            }

            var colonEnds = end < lineEnd && text[end] == ':' && (end + 1 == lineEnd || text[end + 1] == ' ');
            return colonEnds && end - start <= MaxKeyLength ? end - start : 0;
        }

        /// <summary>The node starting at <paramref name="start"/> on this line, a value of <paramref name="key"/> in <paramref name="parent"/> (or an item when the key is null).</summary>
        private bool ScanValue(int start, Frame parent, string? key)
        {
            var atRoot = frames.Count == 1 && ReferenceEquals(parent, frames[0]);
            switch (text[start])
            {
                case '|' or '>':
                    return !(atRoot || IsMetadataEntry(parent)) && ScanBlockScalar(start, parent.Indent);
                case '{' or '[':
                    var end = FlowCollectionEnd(start);
                    return end > 0 && !atRoot && CommentAfter(end, out _) && !Line.Contains(MarkerKey, StringComparison.Ordinal);
            }

            if (OneLine(start) is not { } scalar || !CommentAfter(scalar.End, out var lineComment))
            {
                return false;
            }

            if (text.AsSpan(lineStart, scalar.End - lineStart).Contains(MarkerKey, StringComparison.Ordinal))
            {
                return false;
            }

            if (lineComment is not null && lineComment.Contains(MarkerKey, StringComparison.Ordinal) && MarkerScanner.ParseMarker(lineComment) is { } setter)
            {
                markers.Add(new MarkedScalar(scalar.Start, scalar.End, line, scalar.Start - lineStart + 1, scalar.Style, InFlow: false, scalar.Value(text), setter, Document: 0));
            }

            if (key is not null && ReadsIdentity(parent))
            {
                var value = scalar.Value(text);
                Observe(parent, key, scalar.Style == ScalarStyle.Plain && value is "~" or "null" or "Null" or "NULL" ? "" : value);
            }

            return true;
        }

        /// <summary>After a node ending at <paramref name="end"/>: blanks, then the line's end or a comment (returned).</summary>
        private bool CommentAfter(int end, out string? comment)
        {
            comment = null;
            var rest = text.AsSpan(end, lineEnd - end);
            var blanks = rest.IndexOfAnyExcept(' ');
            if (blanks < 0)
            {
                return true;
            }

            if (blanks == 0 || rest[blanks] != '#')
            {
                return false;
            }

            comment = rest[blanks..].ToString();
            return true;
        }

        /// <summary>A plain or quoted scalar that ends on this line, or null.</summary>
        private OneLineScalar? OneLine(int start)
        {
            var rest = text.AsSpan(start, lineEnd - start);
            switch (rest[0])
            {
                case '"':
                    var close = rest[1..].IndexOfAny('"', '\\');
                    return close < 0 || rest[1 + close] == '\\'
                        ? null
                        : new OneLineScalar(start, start + close + 2, ScalarStyle.DoubleQuoted, start + 1, close);
                case '\'':
                    for (var i = 1; i < rest.Length; i++)
                    {
                        if (rest[i] != '\'')
                        {
                            continue;
                        }

                        if (i + 1 < rest.Length && rest[i + 1] == '\'')
                        {
                            i++;
                            continue;
                        }

                        return new OneLineScalar(start, start + i + 1, ScalarStyle.SingleQuoted, start + 1, i - 1);
                    }

                    return null;
            }

            if (!IsPlainStart(rest) || rest.StartsWith("--") || rest.StartsWith("..."))
            {
                return null;
            }

            var length = rest.IndexOf(" #");
            var body = (length < 0 ? rest : rest[..length]).TrimEnd(' ');
            if (body.IndexOfAny("{}[]\"`#") >= 0 || body.Contains(": ", StringComparison.Ordinal) || body[^1] == ':')
            {
                return null;
            }

            return new OneLineScalar(start, start + body.Length, ScalarStyle.Plain, start, body.Length);
        }

        private static bool IsPlainStart(ReadOnlySpan<char> rest) =>
            char.IsAsciiLetterOrDigit(rest[0]) || rest[0] is '.' or '/' or '_' or '~' or '$' or '(' or '+' or '=' or '^'
            || (rest[0] == '-' && rest.Length > 1 && rest[1] != ' ');

        /// <summary>The end of a flow collection of one-line scalars (<c>{k: v, ...}</c> or <c>[a, ...]</c>) that closes on this line, or -1.</summary>
        private int FlowCollectionEnd(int start)
        {
            var isMap = text[start] == '{';
            var close = isMap ? '}' : ']';
            var at = SkipBlanks(start + 1);
            if (at < lineEnd && text[at] == close)
            {
                return at + 1;
            }

            while (true)
            {
                if (isMap)
                {
                    var keyEnd = FlowScalarEnd(at);
                    if (keyEnd < 0 || keyEnd + 1 >= lineEnd || text[keyEnd] != ':' || text[keyEnd + 1] != ' ')
                    {
                        return -1;
                    }

                    at = SkipBlanks(keyEnd + 1);
                }

                var end = FlowScalarEnd(at);
                if (end < 0)
                {
                    return -1;
                }

                at = SkipBlanks(end);
                if (at >= lineEnd)
                {
                    return -1;
                }

                if (text[at] == close)
                {
                    return at + 1;
                }

                if (text[at] != ',')
                {
                    return -1;
                }

                at = SkipBlanks(at + 1);
            }
        }

        private int SkipBlanks(int from)
        {
            while (from < lineEnd && text[from] == ' ')
            {
                from++;
            }

            return from;
        }

        /// <summary>The end of a scalar inside a flow collection: quoted without escapes, or plain of name characters.</summary>
        private int FlowScalarEnd(int start)
        {
            if (start >= lineEnd)
            {
                return -1;
            }

            if (text[start] is '"' or '\'')
            {
                var close = text.AsSpan(start + 1, lineEnd - start - 1).IndexOfAny(text[start], '\\');
                return close < 0 || text[start + 1 + close] != text[start] || (text[start] == '\'' && start + close + 2 < lineEnd && text[start + close + 2] == '\'')
                    ? -1
                    : start + close + 2;
            }

            if (!(char.IsAsciiLetterOrDigit(text[start]) || text[start] is '_' or '/'))
            {
                return -1;
            }

            var end = start;
            while (end < lineEnd && (char.IsAsciiLetterOrDigit(text[end]) || text[end] is '.' or '/' or '_' or '-' or '+'))
            {
                end++;
            }

            return end;
        }

        /// <summary>A block scalar whose header is at <paramref name="start"/>; its lines, indented deeper than <paramref name="parentIndent"/>, are consumed.</summary>
        private bool ScanBlockScalar(int start, int parentIndent)
        {
            var header = start + 1;
            if (header < lineEnd && text[header] is '-' or '+')
            {
                header++;
            }

            if (!CommentAfter(header, out var comment) || (comment?.Contains(MarkerKey, StringComparison.Ordinal) ?? false))
            {
                return false;
            }

            int contentIndent = -1, leadingBlank = 0;
            while (at < text.Length)
            {
                var end = text.IndexOf('\n', at);
                var contentEnd = end < 0 ? text.Length : (end > at && text[end - 1] == '\r' ? end - 1 : end);
                var content = text.AsSpan(at, contentEnd - at);
                var indent = content.IndexOfAnyExcept(' ');
                if (indent >= 0 && indent <= parentIndent)
                {
                    break;
                }

                if (indent < 0)
                {
                    leadingBlank = contentIndent < 0 ? Math.Max(leadingBlank, content.Length) : leadingBlank;
                }
                else if (contentIndent < 0 ? leadingBlank > indent : indent < contentIndent)
                {
                    return false;
                }
                else
                {
                    contentIndent = contentIndent < 0 ? indent : contentIndent;
                    if (content.Contains(MarkerKey, StringComparison.Ordinal))
                    {
                        return false;
                    }
                }

                at = end < 0 ? text.Length : end + 1;
                line++;
            }

            return contentIndent >= 0;
        }

        private bool IsMetadataEntry(Frame map) => frames.Count == 2 && ReferenceEquals(map, frames[1]) && frames[0].IsMap && frames[0].CurrentKey == "metadata";

        /// <summary>The pending node is null: an empty plain scalar for the key on top, as the parser reports it.</summary>
        private void ObserveNull()
        {
            if (pendingInMap && frames.Count > 0 && frames[^1].CurrentKey is { } key)
            {
                Observe(frames[^1], key, "");
            }
        }

        /// <summary>Whether <see cref="Observe"/> reads the entries of <paramref name="map"/>: the root mapping, or its metadata.</summary>
        private bool ReadsIdentity(Frame map) => (frames.Count == 1 && ReferenceEquals(map, frames[0])) || IsMetadataEntry(map);

        /// <summary>The object identity: apiVersion and kind of the root mapping, name and namespace of its metadata (as MarkerScanner's IdentityTracker).</summary>
        private void Observe(Frame map, string key, string value)
        {
            if (frames.Count == 1 && ReferenceEquals(map, frames[0]))
            {
                if (key == "apiVersion") apiVersion = value;
                else if (key == "kind") kind = value;
            }
            else if (IsMetadataEntry(map))
            {
                if (key == "name") name = value;
                else if (key == "namespace") ns = value;
            }
        }
    }
}
