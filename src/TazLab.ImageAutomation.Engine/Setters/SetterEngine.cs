using System.Text;
using System.Text.Unicode;
using TazLab.ImageAutomation.Engine.Diagnostics;
using TazLab.ImageAutomation.Engine.Registry;
using YamlDotNet.Core;

namespace TazLab.ImageAutomation.Engine.Setters;

/// <summary>What one pass over a tree found: the files to rewrite, and the files that could not be read.</summary>
public sealed record SetterPlan(IReadOnlyList<FileUpdate> Updates, IReadOnlyList<AutomationException> Problems)
{
    /// <summary>Values left alone because their policy orders the new value below the current one (see <see cref="SetterEngine.AllowDowngrade"/>).</summary>
    public IReadOnlyList<SetterChange> RefusedDowngrades { get; init; } = [];

    /// <summary>Markers that already hold their policy's value (OldValue equals NewValue). A commit replays them too, so a
    /// value written by an earlier run whose push failed still reaches the branch when the run is repeated.</summary>
    public IReadOnlyList<SetterChange> AlreadyCurrent { get; init; } = [];

    /// <summary>Temporary files left by an interrupted update, to remove with <see cref="AtomicFile.RemoveLeftover"/>.</summary>
    public IReadOnlyList<string> Leftovers { get; init; } = [];

    /// <summary>The policies (<c>namespace:name</c>) that the markers found name, in order: to tell a user whose policy named none which ones exist.</summary>
    public IReadOnlyList<string> MarkedPolicies { get; init; } = [];
}

/// <summary>
/// Flux's Setters strategy, as a minimal text edit: walk a tree once, find every marked scalar, and compute each
/// changed file's new bytes with only the marked values replaced. Nothing is written here; see <see cref="AtomicFile"/>.
/// </summary>
/// <param name="maxFileSize">Candidate files larger than this many bytes are skipped with a warning.</param>
public sealed class SetterEngine(IEngineLog? log = null, long maxFileSize = SetterEngine.DefaultMaxFileSize)
{
    public const long DefaultMaxFileSize = 10 * 1024 * 1024;

    /// <summary>A file is read whole into memory: 1 GiB is far above any manifest.</summary>
    public const long MaxFileSizeLimit = 1024 * 1024 * 1024;

    private static readonly byte[] Utf8Bom = [0xEF, 0xBB, 0xBF];
    private readonly IEngineLog log = log ?? NullEngineLog.Instance;
    private readonly long maxFileSize = maxFileSize is >= 1 and <= MaxFileSizeLimit
        ? maxFileSize
        : throw new ArgumentOutOfRangeException(nameof(maxFileSize), maxFileSize, $"Give a size from 1 to {MaxFileSizeLimit} bytes.");

    /// <summary>Flux's behaviour: write the selected value even when the selecting policy orders it below the marker's
    /// current value. Off by default: such a marker is left alone with a warning (a deviation from Flux).</summary>
    public bool AllowDowngrade { get; init; }

    /// <summary>Where the walk reports each file it visits; null reports nothing.</summary>
    public IProgress<ProgressReport>? Progress { get; init; }

    /// <summary>Parsing is the walk's work on each marked file, so it runs on the threads that read (see <see cref="SetterTree.ScreenedFiles"/>).
    /// A parsed file holds its bytes (the write's guard compares them) and its text, two bytes a char and at most one char a byte.</summary>
    internal static readonly MarkedFileWork<ParsedFile> ParseMarked = new(Parse, HeldPerByte: 3);

    internal sealed record ParsedFile(ScreenedFile File, string Text, bool HasBom, MarkerScanner.ScanResult Scan);

    /// <param name="root">An existing directory.</param>
    /// <param name="policies">The latest images, keyed by <c>namespace:name</c>.</param>
    /// <exception cref="AutomationException">The root is not a directory, or a policy is not a valid image reference.</exception>
    public SetterPlan Plan(string root, IReadOnlyDictionary<string, SetterPolicy> policies)
    {
        foreach (var policy in policies.Values)
        {
            policy.Validate();
        }

        var updates = new List<FileUpdate>();
        var problems = new List<AutomationException>();
        var refused = new List<SetterChange>();
        var current = new List<SetterChange>();
        var leftovers = new List<string>();
        var marked = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var file in ParsedFiles(root, problems, leftovers))
        {
            if (PlanFile(file, policies, refused, current, marked) is { } update)
            {
                updates.Add(update);
            }
        }

        return new SetterPlan(updates, problems) { RefusedDowngrades = refused, AlreadyCurrent = current, Leftovers = leftovers, MarkedPolicies = [.. marked] };
    }

    /// <summary>Every marker under <paramref name="root"/>, whether or not any policy is known for it.</summary>
    /// <exception cref="AutomationException">The root is not a directory.</exception>
    public MarkerInventory FindMarkers(string root)
    {
        var markers = new List<SetterMarker>();
        var problems = new List<AutomationException>();
        foreach (var file in ParsedFiles(root, problems))
        {
            markers.AddRange(file.Scan.Markers.Select(m =>
                new SetterMarker(file.File.Path, file.File.RelativePath, m.Line, m.Column, m.Setter, m.Value, IdentityOf(file, m))));
        }

        return new MarkerInventory(markers, problems);
    }

    private IEnumerable<ParsedFile> ParsedFiles(string root, List<AutomationException> problems, List<string>? leftovers = null)
    {
        var fullRoot = Path.GetFullPath(root);
        if (!Directory.Exists(fullRoot))
        {
            throw new AutomationException(ErrorKind.ObjectNotFound, "SetterPathNotFound",
                $"'{root}' is not a directory.", root, "Give the update path as the directory holding the manifests.")
            { Settings = [Setting.UpdatePath] };
        }

        var activity = $"Looking for markers under '{fullRoot}'";
        using var finished = Progress.FinishedAtEnd(activity);
        foreach (var file in SetterTree.ScreenedFiles(fullRoot, maxFileSize, log, problems, ParseMarked, leftovers: leftovers, progress: Progress, activity: activity))
        {
            yield return file;
        }
    }

    /// <exception cref="AutomationException">The file is not UTF-8, not valid YAML, or nested too deep.</exception>
    private static ParsedFile Parse(ScreenedFile file)
    {
        var hasBom = file.Bytes.AsSpan().StartsWith(Utf8Bom);
        var text = DecodeUtf8(file, hasBom ? Utf8Bom.Length : 0);
        try
        {
            return new ParsedFile(file, text, hasBom, MarkerScanner.Scan(text));
        }
        catch (YamlTooDeepException e)
        {
            throw new AutomationException(ErrorKind.ParserError, "SetterFileTooDeep",
                $"'{file.Path}' nests collections more than {YamlDepthLimit.MaxDepth} levels deep at line {e.Start.Line}, column {e.Start.Column}; the file was skipped.",
                file.Path, "No manifest needs that depth: check what wrote the file; the other files were processed.", e);
        }
        catch (YamlException e)
        {
            throw new AutomationException(ErrorKind.ParserError, "SetterFileInvalidYaml",
                $"'{file.Path}' is not valid YAML at line {e.Start.Line}, column {e.Start.Column}: {e.Message} The file was skipped.",
                file.Path, "Fix the YAML at that line; the other files were processed.", e);
        }
    }

    /// <summary>The text, decoded straight into one string of its length: a large file then costs its bytes and its
    /// text, not also a pooled buffer of the next power of two that the pool may keep.</summary>
    private static string DecodeUtf8(ScreenedFile file, int offset)
    {
        var bytes = file.Bytes.AsSpan(offset);
        if (Utf8.IsValid(bytes))
        {
            return Encoding.UTF8.GetString(bytes);
        }

        var read = ValidPrefixLength(bytes);
        var line = bytes[..read].Count((byte)'\n') + 1;
        throw new AutomationException(ErrorKind.ParserError, "SetterFileNotUtf8",
            $"'{file.Path}' is not valid UTF-8 (line {line}, byte {offset + read}); the file was skipped.",
            file.Path, "Save the file as UTF-8; the other files were processed.");
    }

    /// <summary>The length of the valid UTF-8 before the first invalid sequence.</summary>
    private static int ValidPrefixLength(ReadOnlySpan<byte> bytes)
    {
        Utf8.ToUtf16(bytes, new char[bytes.Length], out var read, out _, replaceInvalidSequences: false);
        return read;
    }

    private FileUpdate? PlanFile(ParsedFile file, IReadOnlyDictionary<string, SetterPolicy> policies, List<SetterChange> refused, List<SetterChange> current,
        ISet<string> marked)
    {
        var relative = file.File.RelativePath;
        var edits = new List<(MarkedScalar Marker, string Text)>();
        var changes = new List<SetterChange>();
        foreach (var marker in file.Scan.Markers)
        {
            var (key, suffix) = SplitSetter(marker.Setter);
            marked.Add(key);
            if (!policies.TryGetValue(key, out var policy) || policy.ValueFor(suffix) is not { } value)
            {
                log.Verbose($"{relative}:{marker.Line}: no selection is for the marker {TextScrubber.Quote(marker.Setter)}, so it was left alone.");
                continue;
            }

            if (value == marker.Value)
            {
                log.Verbose($"{relative}:{marker.Line}: the marker {TextScrubber.Quote(marker.Setter)} already holds '{value}'; it is already current.");
                current.Add(new SetterChange(file.File.Path, relative, marker.Line, marker.Column, marker.Setter, marker.Value, value, IdentityOf(file, marker), policy));
                continue;
            }

            ReferenceGrammar.EnsureSetterValue(suffix, value, policy.Key);

            if (!AllowDowngrade && policy.IsDowngradeOf(suffix, marker.Value))
            {
                log.Warning($"{relative}:{marker.Line}: policy '{policy.Key}' ({policy.SelectedBy}) orders the proposed '{value}' below the current '{marker.Value}'; "
                    + "the marker was left alone. Allow downgrades to apply it.");
                refused.Add(new SetterChange(file.File.Path, relative, marker.Line, marker.Column, marker.Setter, marker.Value, value, IdentityOf(file, marker), policy));
                continue;
            }

            if (ScalarText.Render(value, marker.Style, marker.InFlow) is not { } rendered)
            {
                log.Warning($"{relative}:{marker.Line}: marker {TextScrubber.Quote(marker.Setter)} is on a block scalar, which cannot be rewritten in place; left alone.");
                continue;
            }

            log.Verbose($"{relative}:{marker.Line}: the marker {TextScrubber.Quote(marker.Setter)} changes from '{marker.Value}' to '{value}'.");
            edits.Add((marker, rendered));
            changes.Add(new SetterChange(file.File.Path, relative, marker.Line, marker.Column, marker.Setter,
                marker.Value, value, IdentityOf(file, marker), policy));
        }

        if (edits.Count == 0)
        {
            return null;
        }

        return new FileUpdate(file.File.Path, relative, Splice(file, edits), changes) { OriginalContent = file.File.Bytes, Target = file.File.ReadPath };
    }

    /// <summary>
    /// The file's bytes with each marked scalar's range replaced by its new text, in UTF-8: the bytes between the edits
    /// are copied from the file, which are the text's own encoding (valid UTF-8 decodes and encodes back unchanged), so
    /// the new content is the one array allocated, not a text copy and its encoding too.
    /// </summary>
    private static byte[] Splice(ParsedFile file, List<(MarkedScalar Marker, string Text)> edits)
    {
        var text = file.Text.AsSpan();
        var pieces = new (int ByteStart, int ByteEnd, byte[] Rendered)[edits.Count];
        int position = 0, bytePosition = file.HasBom ? Utf8Bom.Length : 0, length = file.File.Bytes.Length;
        for (var i = 0; i < edits.Count; i++)
        {
            var (marker, rendered) = edits[i];
            var start = bytePosition + Encoding.UTF8.GetByteCount(text[position..marker.Start]);
            bytePosition = start + Encoding.UTF8.GetByteCount(text[marker.Start..marker.End]);
            position = marker.End;
            pieces[i] = (start, bytePosition, Encoding.UTF8.GetBytes(rendered));
            length += pieces[i].Rendered.Length - (bytePosition - start);
        }

        var content = new byte[length];
        var source = file.File.Bytes.AsSpan();
        int copied = 0, written = 0;
        foreach (var (start, end, rendered) in pieces)
        {
            source[copied..start].CopyTo(content.AsSpan(written));
            written += start - copied;
            rendered.CopyTo(content.AsSpan(written));
            written += rendered.Length;
            copied = end;
        }

        source[copied..].CopyTo(content.AsSpan(written));
        return content;
    }

    private static ObjectIdentity IdentityOf(ParsedFile file, MarkedScalar marker) =>
        marker.Document < file.Scan.Documents.Count ? file.Scan.Documents[marker.Document] : ObjectIdentity.Empty;

    /// <summary><c>ns:policy</c> → (<c>ns:policy</c>, ""), <c>ns:policy:tag</c> → (<c>ns:policy</c>, "tag").</summary>
    internal static (string Key, string Suffix) SplitSetter(string setter)
    {
        var first = setter.IndexOf(':');
        var second = first < 0 ? -1 : setter.IndexOf(':', first + 1);
        return second < 0 ? (setter, "") : (setter[..second], setter[(second + 1)..]);
    }
}
