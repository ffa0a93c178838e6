namespace TazLab.ImageAutomation.Engine.Setters;

/// <summary>
/// Where to open a path from, for a thread opening the walk's paths in walk order (Linux): a descriptor of the deepest
/// directory the path shares with the one opened before it, and the rest of the path. Consecutive paths share their
/// directory (files of one folder) or most of it (one app per folder), so the kernel resolves the shared part once
/// per run instead of once per open, as grep's fts does opening each entry relative to its directory. Holds at most
/// one descriptor, between opens too, until <see cref="Dispose"/>.
/// </summary>
internal sealed class RelativeOpener : IDisposable
{
    /// <summary>AT_FDCWD: the path is opened as it is.</summary>
    public const int AsGiven = -100;

    private const int OPath = 0x200000;

    private string? directory;
    private string? previous;
    private int fd = -1;

    /// <summary>The descriptor to open <paramref name="path"/> (absolute) relative to, or <see cref="AsGiven"/>.</summary>
    public int From(string path, out string relative)
    {
        var shared = previous is null ? 0 : SharedDirectoryLength(previous, path);
        previous = path;
        var within = fd >= 0 && Within(path, directory!);
        if (shared > 0 && !(within && shared <= directory!.Length))
        {
            // Down into the directory shared with the path before (from the one held when it is below), or up out of it.
            var next = path.Substring(0, shared);
            var opened = fd >= 0 && Within(next, directory!) ? LibC.OpenAt(fd, next.Substring(directory!.Length + 1), OPath | LibC.OCloExec) : LibC.OpenAt(AsGiven, next, OPath | LibC.OCloExec);
            Close();
            (fd, directory, within) = (opened, next, opened >= 0);
        }
        else if (!within)
        {
            Close();
        }

        relative = within ? path.Substring(directory!.Length + 1) : path;
        return within ? fd : AsGiven;
    }

    public void Dispose() => Close();

    private static bool Within(string path, string directory) =>
        path.Length > directory.Length + 1 && path[directory.Length] == '/' && path.StartsWith(directory, StringComparison.Ordinal);

    /// <summary>The length of the longest directory both paths are in or below, or are (0 for none but the file system root).</summary>
    private static int SharedDirectoryLength(string a, string b)
    {
        var length = 0;
        var i = 0;
        for (; i < a.Length && i < b.Length && a[i] == b[i]; i++)
        {
            if (a[i] == '/')
            {
                length = i;
            }
        }

        // One is a directory the other is below.
        return (i == a.Length && i < b.Length && b[i] == '/') || (i == b.Length && i < a.Length && a[i] == '/') ? i : length;
    }

    private void Close()
    {
        if (fd >= 0)
        {
            LibC.Close(fd);
            fd = -1;
        }
    }
}
