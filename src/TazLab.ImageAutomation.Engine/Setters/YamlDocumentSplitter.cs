namespace TazLab.ImageAutomation.Engine.Setters;

/// <summary>
/// Cuts a YAML stream into parts that each hold whole documents, without parsing it, so a scan can parse only the parts
/// that hold a marker. A part starts at a line that begins with <c>---</c> followed by a blank, a line break or the end:
/// the scanner takes that line as a document start wherever it appears (it ends a block scalar and is an error inside
/// a quoted scalar or a flow collection), so no valid document spans it.
/// </summary>
/// <remarks>
/// Every cut is at a line start, so columns inside a part are the file's columns; <see cref="Part.LineOffset"/> and
/// <see cref="Part.Start"/> give back the file's lines and offsets. Where a cut is not certain the parts are left
/// together, which only costs parse time:
/// <list type="bullet">
/// <item>before a <c>---</c> whose part holds a line starting with <c>%</c> (a directive belongs to the document after it);</item>
/// <item>after a line that may open a block scalar at the root of a document (<c>--- |</c>, a line that is only
/// <c>&amp;a !tag &gt;</c>): YamlDotNet lets such a scalar hold lines at column 0, <c>---</c> lines included;</item>
/// <item>in a text holding a line break YamlDotNet counts beyond CR and LF (NEL, LS, PS), whose lines would not be counted the same.</item>
/// </list>
/// A <c>...</c> end marker is not a cut: YamlDotNet wants a <c>---</c> after it, where the cut is.
/// </remarks>
internal static class YamlDocumentSplitter
{
    /// <summary>The characters <see cref="Start"/>..<see cref="Start"/>+<see cref="Length"/>; <see cref="LineOffset"/> line breaks precede it.</summary>
    public readonly record struct Part(int Start, int Length, int LineOffset);

    public static List<Part> Split(string text)
    {
        var parts = new List<Part>();
        int partStart = 0, partLine = 0, line = 0;
        var sawDirective = false;
        var breaksCountedAlike = text.AsSpan().IndexOfAny('\u0085', '\u2028', '\u2029') < 0;
        for (var at = 0; at < text.Length && breaksCountedAlike; line++)
        {
            var next = NextLineStart(text, at);
            var isStart = IsDocumentStart(text, at);
            if (isStart && !sawDirective && at > partStart)
            {
                parts.Add(new Part(partStart, at - partStart, partLine));
                (partStart, partLine) = (at, line);
            }

            if (MayOpenRootBlockScalar(text.AsSpan(at, next - at), isStart))
            {
                break;
            }

            sawDirective = !isStart && (sawDirective || text[at] == '%');
            at = next;
        }

        parts.Add(new Part(partStart, text.Length - partStart, partLine));
        return parts;
    }

    /// <summary><c>---</c> at <paramref name="at"/>, followed by a space, a tab, a line break or the end.</summary>
    private static bool IsDocumentStart(string text, int at) =>
        text.AsSpan(at).StartsWith("---", StringComparison.Ordinal) && (at + 3 == text.Length || text[at + 3] is ' ' or '\t' or '\r' or '\n');

    /// <summary>
    /// Whether the line may hold the header of a block scalar that is a document's root: after an optional <c>---</c>,
    /// only blanks, tags and anchors before a <c>|</c> or <c>&gt;</c>. A line of block scalar text may look like that
    /// too; then the cuts after it are given up, which costs only time.
    /// </summary>
    private static bool MayOpenRootBlockScalar(ReadOnlySpan<char> line, bool isDocumentStart)
    {
        var rest = isDocumentStart ? line[3..] : line;
        while (true)
        {
            rest = rest.TrimStart(" \t");
            if (rest.IsEmpty || rest[0] is not ('!' or '&'))
            {
                return !rest.IsEmpty && rest[0] is '|' or '>';
            }

            var end = rest.IndexOfAny(" \t");
            rest = end < 0 ? [] : rest[end..];
        }
    }

    /// <summary>The offset after the line break that ends the line at <paramref name="at"/> (LF, CRLF or a lone CR), or the end.</summary>
    private static int NextLineStart(string text, int at)
    {
        var end = text.AsSpan(at).IndexOfAny('\r', '\n');
        if (end < 0)
        {
            return text.Length;
        }

        end += at;
        return text[end] == '\r' && end + 1 < text.Length && text[end + 1] == '\n' ? end + 2 : end + 1;
    }
}
