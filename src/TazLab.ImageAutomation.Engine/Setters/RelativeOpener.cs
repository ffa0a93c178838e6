namespace TazLab.ImageAutomation.Engine.Setters;

/// <summary>
/// Where to open a path from, for a thread opening the walk's paths in walk order (Linux): a descriptor of the deepest
/// directory the path shares with the one opened before it, and the rest of the path. Consecutive paths share their
/// directory (files of one folder) or most of it (one app per folder), so the kernel resolves the shared part once
/// per run instead of once per open, as grep's fts does opening each entry relative to its directory. The directories
/// above the deepest stay open too (a few, <see cref="MaxHeld"/>), so that moving on to the next folder opens only it.
/// Holds its descriptors between opens too, until <see cref="Dispose"/>.
/// </summary>
internal sealed class RelativeOpener : IDisposable
{
    /// <summary>AT_FDCWD: the path is opened as it is.</summary>
    public const int AsGiven = -100;

    private const int OPath = 0x200000;

    /// <summary>Bounds the descriptors held however deep the tree is; a deeper one is opened from the shallowest held.</summary>
    private const int MaxHeld = 16;

    /// <summary>Directories open, each below the one before it.</summary>
    private readonly List<(string Directory, int Fd)> held = [];

    private string? previous;

    /// <summary>The descriptor to open <paramref name="path"/> (absolute) relative to, or <see cref="AsGiven"/>.</summary>
    public int From(string path, out string relative)
    {
        var shared = previous is null ? 0 : SharedDirectoryLength(previous, path);
        previous = path;
        while (held.Count > 0 && !Within(path, held[^1].Directory))
        {
            CloseDeepest();
        }

        // Down into the directory shared with the path before, from the deepest held when it is below that.
        if (shared > 0 && shared < path.Length && (held.Count == 0 || shared > held[^1].Directory.Length))
        {
            var next = path.Substring(0, shared);
            var opened = held.Count > 0
                ? LibC.OpenAt(held[^1].Fd, next.Substring(held[^1].Directory.Length + 1), OPath | LibC.OCloExec)
                : LibC.OpenAt(AsGiven, next, OPath | LibC.OCloExec);
            if (opened >= 0)
            {
                held.Add((next, opened));
                if (held.Count > MaxHeld)
                {
                    LibC.Close(held[0].Fd);
                    held.RemoveAt(0);
                }
            }
        }

        if (held.Count == 0)
        {
            relative = path;
            return AsGiven;
        }

        relative = path.Substring(held[^1].Directory.Length + 1);
        return held[^1].Fd;
    }

    public void Dispose()
    {
        while (held.Count > 0)
        {
            CloseDeepest();
        }
    }

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

    private void CloseDeepest()
    {
        LibC.Close(held[^1].Fd);
        held.RemoveAt(held.Count - 1);
    }
}
