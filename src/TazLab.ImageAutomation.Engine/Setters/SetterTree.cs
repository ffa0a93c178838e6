using System.Runtime.ExceptionServices;
using System.Text;
using TazLab.ImageAutomation.Engine.Diagnostics;

namespace TazLab.ImageAutomation.Engine.Setters;

/// <summary>A file whose bytes contain the marker token. <see cref="Path"/> is where the walk found it (perhaps a link),
/// <see cref="ReadPath"/> the file its bytes were read from (the link's resolved target).</summary>
internal sealed record ScreenedFile(string Path, string RelativePath, byte[] Bytes, string ReadPath);

/// <summary>
/// What the walk does with each marked file, on the thread that screened it (the consumer's or the look-ahead's):
/// <see cref="Apply"/> gives what the walk yields for the file, or throws an <see cref="AutomationException"/>, a problem
/// reported at the file's place in the walk. A result screened ahead is held until the consumer takes it; the
/// look-ahead's memory bound counts <see cref="HeldPerByte"/> bytes of it for each byte of the file.
/// </summary>
internal sealed record MarkedFileWork<T>(Func<ScreenedFile, T> Apply, int HeldPerByte)
    where T : class;

/// <summary>
/// Walks a tree the way Flux's ScreeningLocalReader does — files named <c>*.yaml</c>, <c>*.yml</c> (case-sensitive) or
/// <c>Kustomization</c>, hidden directories included, directory links not followed — and yields only the files whose
/// bytes contain <c>"$imagepolicy"</c>. Unlike Flux it never reads through a link that leads outside the tree, skips
/// files above a size limit with a warning, reads each file once, and skips <c>.git</c>.
/// </summary>
internal static partial class SetterTree
{
    private static readonly byte[] ScreeningToken = Encoding.UTF8.GetBytes("\"$imagepolicy\"");

    /// <summary>Each reading thread's buffer to start with; it grows for larger files, and back to this size after one above <see cref="KeptBufferSize"/>.</summary>
    private const int BufferSize = 64 * 1024, KeptBufferSize = 1024 * 1024;

    /// <summary>Tests switch between the two ways of screening; null chooses by the number of processors.</summary>
    private static readonly AsyncLocal<bool?> ScreeningAheadSetting = new();

    /// <summary>Reads a candidate into a buffer: <see cref="CandidateReader.Read"/>, or one of its two ways in tests.</summary>
    internal delegate ReadStatus CandidateRead(string path, bool listedRegular, ref byte[] buffer, int limit, out int read);

    /// <summary>What screening one file gave: its bytes when marked, and then the walk's work on them
    /// (<see cref="Result"/>); or a warning or problem to report.</summary>
    private readonly record struct Screening(ReadStatus Status, byte[]? Content, string? Warning, AutomationException? Problem, string? Note = null)
    {
        public object? Result { get; init; }
    }

    /// <summary>One entry of the walk, in walk order: a candidate file (perhaps screened already), or a directory that could not be listed.</summary>
    private sealed class Visit(string path, AutomationException? directoryProblem = null)
    {
        public string Path { get; } = path;

        public AutomationException? DirectoryProblem { get; } = directoryProblem;

        /// <summary>A temporary file of an interrupted write: reported, never read.</summary>
        public bool IsLeftover { get; init; }

        /// <summary>The listing reported a regular file (see <see cref="CandidateReader.Read"/>).</summary>
        public bool IsListedRegular { get; init; }

        public Screening Screening { get; set; }

        /// <summary>Whether <see cref="Screening"/> is set. Screening ahead may leave a file to the consumer (see <see cref="LookAhead"/>).</summary>
        public bool IsScreened { get; set; }

        /// <summary>An unexpected exception screening this file: it ends the walk here, as it would reading one file at a time.</summary>
        public ExceptionDispatchInfo? Failure { get; set; }
    }

    /// <summary>Screens files one at a time (false) or ahead on a second thread (true) until disposed; for tests.</summary>
    internal static IDisposable UseScreeningAhead(bool ahead)
    {
        var previous = ScreeningAheadSetting.Value;
        ScreeningAheadSetting.Value = ahead;
        return new Restore(() => ScreeningAheadSetting.Value = previous);
    }

    private sealed class Restore(Action restore) : IDisposable
    {
        public void Dispose() => restore();
    }

    /// <param name="root">An existing directory, absolute.</param>
    /// <param name="problems">Receives directories and files that could not be read, and the problems of <paramref name="work"/>; the walk goes on.</param>
    /// <param name="work">Run on each marked file; the walk yields its results.</param>
    /// <param name="leftovers">Receives the temporary files of interrupted writes (<see cref="AtomicFile.IsTemporaryName"/>).</param>
    /// <param name="progress">Told of each file visited, as a bar named <paramref name="activity"/>.</param>
    /// <remarks>
    /// With two processors or more, files are read ahead of the consumer on a second thread as well as on the
    /// consumer's own (<see cref="LookAhead"/>): the walk is mostly system calls, and the kernel does them on both
    /// processors, and <paramref name="work"/> on both. Everything reported (results, problems, warnings, progress,
    /// leftovers) is reported on the consumer's thread in walk order, as reading one file at a time reports it.
    /// </remarks>
    public static IEnumerable<T> ScreenedFiles<T>(
        string root, long maxFileSize, IEngineLog log, List<AutomationException> problems, MarkedFileWork<T> work, CandidateRead? read = null,
        List<string>? leftovers = null, IProgress<ProgressReport>? progress = null, string activity = "")
        where T : class
    {
        // The walk's files in a run of one directory are read relative to it, unless a test reads them its own way.
        using var opener = read is null && CandidateReader.LinuxReadSupported ? new RelativeOpener() : null;
        read ??= CandidateReader.Read;
        var walkRead = opener is null ? read : CandidateReader.LinuxReadFrom(opener);
        string? realRoot = null;
        var linkedTargets = new HashSet<string>(StringComparer.Ordinal);
        var buffer = new byte[BufferSize];
        var visited = 0;
        var ahead = ScreeningAheadSetting.Value ?? Environment.ProcessorCount > 1;
        using var listOpener = new RelativeOpener();
        var visits = ahead ? LookAhead.Visits(root, maxFileSize, read, opener is not null, work.Apply, work.HeldPerByte) : Walk(root, listOpener);
        foreach (var visit in visits)
        {
            visit.Failure?.Throw();
            if (visit.DirectoryProblem is not null)
            {
                problems.Add(visit.DirectoryProblem);
                continue;
            }

            var file = visit.Path;
            progress?.Report(new ProgressReport(activity, visited++, null, "files read") { Current = file });
            if (visit.IsLeftover)
            {
                leftovers?.Add(file);
                continue;
            }

            var readPath = file;
            var screening = visit.IsScreened ? visit.Screening : Worked(Screen(file, file, visit.IsListedRegular, root, maxFileSize, walkRead, ref buffer), file, file, root, work.Apply);
            if (screening.Status == ReadStatus.Link)
            {
                realRoot ??= RealPath(root);
                readPath = LinkTarget(file, root, realRoot, linkedTargets, log);
                screening = readPath is not null ? Worked(Screen(file, readPath, false, root, maxFileSize, read, ref buffer), file, readPath, root, work.Apply) : default;
            }

            if (screening.Warning is not null)
            {
                log.Warning(screening.Warning);
            }

            if (screening.Note is not null)
            {
                log.Verbose(screening.Note);
            }

            if (screening.Problem is not null)
            {
                problems.Add(screening.Problem);
            }

            if (screening.Result is not null)
            {
                yield return (T)screening.Result;
            }
        }
    }

    private static string Relative(string root, string path) => Path.GetRelativePath(root, path).Replace('\\', '/');

    /// <summary>The file to read for a link: its target, when that is a file inside the tree that the walk does not reach on its own.</summary>
    private static string? LinkTarget(string link, string root, string realRoot, HashSet<string> linkedTargets, IEngineLog log)
    {
        string target;
        try
        {
            target = RealPath(link);
        }
        catch (IOException e)
        {
            log.Verbose($"{Relative(root, link)}: a link that does not resolve ({e.Message}); skipped.");
            return null;
        }

        if (!target.StartsWith(realRoot + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            log.Verbose($"{Relative(root, link)}: a link to '{target}', outside the tree; not followed.");
            return null;
        }

        if (!File.Exists(target))
        {
            log.Verbose($"{Relative(root, link)}: a link to '{target}', which is not a file; skipped.");
            return null;
        }

        // A target with a candidate name is read when the walk reaches it; any target is read once.
        return IsCandidateName(Path.GetFileName(target)) || !linkedTargets.Add(target) ? null : target;
    }

    public static bool IsCandidateName(ReadOnlySpan<char> name) =>
        name.EndsWith(".yaml", StringComparison.Ordinal) || name.EndsWith(".yml", StringComparison.Ordinal) || name.SequenceEqual("Kustomization");

    /// <summary>Reads <paramref name="readPath"/> (the file, or a link's target) and keeps its bytes only when they carry the token.</summary>
    private static Screening Screen(string path, string readPath, bool listedRegular, string root, long maxFileSize, CandidateRead read, ref byte[] buffer)
    {
        ReadStatus status;
        int length;
        try
        {
            // One byte over the limit tells a file above it from one exactly at it.
            status = read(readPath, listedRegular, ref buffer, (int)maxFileSize + 1, out length);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new Screening(ReadStatus.Nothing, null, null, new AutomationException(ErrorKind.PermissionDenied, "SetterFileUnreadable",
                $"'{path}' could not be read ({e.Message}); it was skipped.", path, "Check that the file is readable by the current user.", e));
        }

        if (status == ReadStatus.NotRegularFile)
        {
            return new Screening(status, null, null, null, $"{Relative(root, path)}: not a regular file (a FIFO, socket or device); skipped.");
        }

        if (status != ReadStatus.Read)
        {
            return new Screening(status, null, null, null);
        }

        var bytes = buffer.AsSpan(0, length);
        var content = length > maxFileSize || bytes.IndexOf(ScreeningToken) < 0 ? null
            : buffer.Length > KeptBufferSize && length == buffer.Length ? buffer // the file filled it exactly (the reader sizes it so): its bytes, not a copy
            : bytes.ToArray();
        if (buffer.Length > KeptBufferSize)
        {
            buffer = new byte[BufferSize]; // a large file's buffer is not kept for the rest of the walk
        }

        return length > maxFileSize
            ? new Screening(status, null, $"{Relative(root, path)}: above the {maxFileSize}-byte file size limit; skipped.", null)
            : new Screening(status, content, null, null);
    }

    /// <summary>The walk's work on a file screened, when it is marked: its result, or the problem it reported.</summary>
    private static Screening Worked(Screening screening, string path, string readPath, string root, Func<ScreenedFile, object> work)
    {
        if (screening.Content is null)
        {
            return screening;
        }

        try
        {
            return screening with { Result = work(new ScreenedFile(path, Relative(root, path), screening.Content, readPath)) };
        }
        catch (AutomationException e)
        {
            return screening with { Problem = e };
        }
    }

    /// <summary>Candidate files (and links with candidate names) in lexical order, depth first, as Go's filepath.Walk visits them.</summary>
    /// <remarks>Files are not stat'ed here: a stat per file would cost as much as reading it. Nor are directories: the entry type comes with the listing.</remarks>
    /// <param name="opener">Where directories are opened from (see <see cref="RelativeOpener"/>).</param>
    private static IEnumerable<Visit> Walk(string directory, RelativeOpener opener)
    {
        List<(string Path, bool IsDirectory, bool IsRegularFile)> entries;
        Exception? unlisted = null;
        try
        {
            entries = DirectoryLister.Entries(directory, opener);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            entries = [];
            unlisted = e;
        }

        if (unlisted is not null)
        {
            yield return new Visit(directory, new AutomationException(ErrorKind.PermissionDenied, "SetterDirectoryUnreadable",
                $"Directory '{directory}' could not be listed ({unlisted.Message}); it was skipped.", directory,
                "Check that the directory is readable by the current user.", unlisted));
            yield break;
        }

        entries.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        foreach (var (path, isDirectory, isRegularFile) in entries)
        {
            if (!isDirectory)
            {
                yield return new Visit(path) { IsLeftover = AtomicFile.IsTemporaryName(Path.GetFileName(path.AsSpan())), IsListedRegular = isRegularFile };
                continue;
            }

            foreach (var visit in Walk(path, opener))
            {
                yield return visit;
            }
        }
    }

    /// <summary>The path with every link resolved, like POSIX realpath (a missing final target is allowed).</summary>
    internal static string RealPath(string path)
    {
        const int MaxLinks = 40;
        var pending = new Stack<string>(Enumerable.Reverse(Path.GetFullPath(path).Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries)));
        var current = Path.GetPathRoot(Path.GetFullPath(path))!;
        var links = 0;
        while (pending.TryPop(out var part))
        {
            if (part is "." or "..")
            {
                current = part == ".." ? Path.GetDirectoryName(current) ?? current : current;
                continue;
            }

            var next = Path.Combine(current, part);
            if (new FileInfo(next).LinkTarget is not { } target)
            {
                current = next;
                continue;
            }

            if (++links > MaxLinks)
            {
                throw new IOException($"Too many levels of symbolic links resolving '{path}'.");
            }

            // Resolve the target's own components in turn, so a link inside it is not skipped by a textual "..".
            foreach (var targetPart in Enumerable.Reverse(target.Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries)))
            {
                pending.Push(targetPart);
            }

            if (Path.IsPathRooted(target))
            {
                current = Path.GetPathRoot(target)!;
            }
        }

        return current;
    }
}
