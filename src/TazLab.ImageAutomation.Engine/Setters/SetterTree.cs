using System.Text;
using TazLab.ImageAutomation.Engine.Diagnostics;

namespace TazLab.ImageAutomation.Engine.Setters;

/// <summary>A file whose bytes contain the marker token. <see cref="Path"/> is where the walk found it (perhaps a link).</summary>
internal sealed record ScreenedFile(string Path, string RelativePath, byte[] Bytes);

/// <summary>
/// Walks a tree the way Flux's ScreeningLocalReader does — files named <c>*.yaml</c>, <c>*.yml</c> (case-sensitive) or
/// <c>Kustomization</c>, hidden directories included, directory links not followed — and yields only the files whose
/// bytes contain <c>"$imagepolicy"</c>. Unlike Flux it never reads through a link that leads outside the tree, skips
/// files above a size limit with a warning, reads each file once, and skips <c>.git</c>.
/// </summary>
internal static class SetterTree
{
    private static readonly byte[] ScreeningToken = Encoding.UTF8.GetBytes("\"$imagepolicy\"");

    private static readonly EnumerationOptions EveryEntry = new() { AttributesToSkip = 0, IgnoreInaccessible = false };

    /// <param name="root">An existing directory, absolute.</param>
    /// <param name="problems">Receives directories and files that could not be read; the walk goes on.</param>
    public static IEnumerable<ScreenedFile> ScreenedFiles(string root, long maxFileSize, IEngineLog log, List<AutomationException> problems)
    {
        var realRoot = RealPath(root);
        var linkedTargets = new HashSet<string>(StringComparer.Ordinal);
        var buffer = new byte[64 * 1024];
        foreach (var entry in Walk(root, problems))
        {
            var relative = Path.GetRelativePath(root, entry.FullName).Replace('\\', '/');
            byte[]? content = null;
            try
            {
                if (ContentPath(entry, relative, realRoot, linkedTargets, log) is { } contentPath)
                {
                    content = ReadIfMarked(contentPath, relative, maxFileSize, ref buffer, log);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                problems.Add(new AutomationException(ErrorKind.PermissionDenied, "SetterFileUnreadable",
                    $"'{entry.FullName}' could not be read ({e.Message}); it was skipped.", entry.FullName,
                    "Check that the file is readable by the current user.", e));
            }

            if (content is not null)
            {
                yield return new ScreenedFile(entry.FullName, relative, content);
            }
        }
    }

    /// <summary>The file to read for a walk entry: itself, or a link's target when that is a file inside the tree that the walk does not reach on its own.</summary>
    private static string? ContentPath(FileSystemInfo entry, string relative, string realRoot, HashSet<string> linkedTargets, IEngineLog log)
    {
        if (entry.LinkTarget is null)
        {
            return entry.FullName;
        }

        var target = RealPath(entry.FullName);
        if (!target.StartsWith(realRoot + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            log.Verbose($"{relative}: a link to '{target}', outside the tree; not followed.");
            return null;
        }

        if (!File.Exists(target))
        {
            log.Verbose($"{relative}: a link to '{target}', which is not a file; skipped.");
            return null;
        }

        // A target with a candidate name is read when the walk reaches it; any target is read once.
        return IsCandidateName(Path.GetFileName(target)) || !linkedTargets.Add(target) ? null : target;
    }

    public static bool IsCandidateName(string name) =>
        name.EndsWith(".yaml", StringComparison.Ordinal) || name.EndsWith(".yml", StringComparison.Ordinal) || name == "Kustomization";

    /// <summary>Reads the file into the shared buffer and copies it out only when it carries the token.</summary>
    private static byte[]? ReadIfMarked(string path, string relative, long maxFileSize, ref byte[] buffer, IEngineLog log)
    {
        // An empty file holds no marker, and FIFOs and devices, which report size 0, would block or never end.
        var size = new FileInfo(path).Length;
        if (size == 0)
        {
            return null;
        }

        if (size > maxFileSize)
        {
            log.Warning($"{relative}: {size} bytes, above the {maxFileSize}-byte limit (-MaxFileSize); skipped.");
            return null;
        }

        using var handle = File.OpenHandle(path);
        var length = (int)Math.Min(RandomAccess.GetLength(handle), maxFileSize);
        if (length > buffer.Length)
        {
            buffer = new byte[Math.Max(length, buffer.Length * 2)];
        }

        var read = 0;
        for (int n; read < length && (n = RandomAccess.Read(handle, buffer.AsSpan(read, length - read), read)) > 0;)
        {
            read += n;
        }

        var bytes = buffer.AsSpan(0, read);
        return bytes.IndexOf(ScreeningToken) >= 0 ? bytes.ToArray() : null;
    }

    /// <summary>Candidate files in lexical order, depth first, as Go's filepath.Walk visits them.</summary>
    private static IEnumerable<FileSystemInfo> Walk(string directory, List<AutomationException> problems)
    {
        FileSystemInfo[] entries;
        try
        {
            entries = new DirectoryInfo(directory).GetFileSystemInfos("*", EveryEntry);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problems.Add(new AutomationException(ErrorKind.PermissionDenied, "SetterDirectoryUnreadable",
                $"Directory '{directory}' could not be listed ({e.Message}); it was skipped.", directory,
                "Check that the directory is readable by the current user.", e));
            yield break;
        }

        Array.Sort(entries, (a, b) => string.CompareOrdinal(a.Name, b.Name));
        foreach (var entry in entries)
        {
            if (entry is DirectoryInfo subdirectory)
            {
                if (subdirectory.LinkTarget is null && subdirectory.Name != ".git")
                {
                    foreach (var file in Walk(subdirectory.FullName, problems))
                    {
                        yield return file;
                    }
                }
            }
            else if (IsCandidateName(entry.Name))
            {
                yield return entry;
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
