using System.IO.Enumeration;
using System.Runtime.InteropServices;

namespace TazLab.ImageAutomation.Engine.Setters;

/// <summary>
/// Lists one directory for the setter walk: the subdirectories to enter (not links to directories, not <c>.git</c>) and
/// the entries with a candidate or temporary name that are not directories (files, links, FIFOs: screening tells them
/// apart when it opens them). The walk visits every directory of a tree, so this costs no system call per entry: on
/// 64-bit Linux it reads the entry type that readdir returns (<see cref="LinuxEntries"/>); elsewhere .NET's enumerator
/// reads the attributes, a stat per directory (<see cref="ManagedEntries"/>), because it gives no other way to tell a
/// link from a directory and it follows links when it recurses.
/// </summary>
internal static class DirectoryLister
{
    private const byte DtUnknown = 0, DtDir = 4;

    // struct dirent on 64-bit glibc and musl: d_ino (8), d_off (8), d_reclen (2), d_type (1), d_name.
    private const int TypeOffset = 18, NameOffset = 19;

    private static readonly bool LinuxListSupported = OperatingSystem.IsLinux() && Environment.Is64BitProcess;

    /// <summary>The entries of <paramref name="directory"/> (full paths) that the walk enters or screens, in no particular order.</summary>
    /// <exception cref="IOException">The directory could not be listed.</exception>
    public static List<(string Path, bool IsDirectory)> Entries(string directory) =>
        LinuxListSupported ? LinuxEntries(directory) : ManagedEntries(directory);

    internal static List<(string Path, bool IsDirectory)> LinuxEntries(string directory)
    {
        var entries = new List<(string, bool)>();
        var dir = OpenDir(directory);
        if (dir == 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw errno == 13 ? new UnauthorizedAccessException(Marshal.GetPInvokeErrorMessage(errno)) : new IOException(Marshal.GetPInvokeErrorMessage(errno));
        }

        try
        {
            while (true)
            {
                Marshal.SetLastSystemError(0); // readdir reports an error only through errno
                var entry = ReadDir(dir);
                if (entry == 0)
                {
                    var errno = Marshal.GetLastPInvokeError();
                    return errno == 0 ? entries : throw new IOException(Marshal.GetPInvokeErrorMessage(errno));
                }

                var name = Marshal.PtrToStringUTF8(entry + NameOffset)!;
                if (name is "." or "..")
                {
                    continue;
                }

                var type = Marshal.ReadByte(entry + TypeOffset);
                var path = Path.Join(directory, name);
                var isDirectory = type == DtDir || (type == DtUnknown && IsRealDirectory(path));
                // A link (DT_LNK) is never entered; with a candidate name it is screened, which resolves it.
                if (isDirectory ? name != ".git" : IsScreened(name))
                {
                    entries.Add((path, isDirectory));
                }
            }
        }
        finally
        {
            CloseDir(dir);
        }
    }

    /// <summary>A file system that reports no entry types (DT_UNKNOWN): asked per entry, a link not followed.</summary>
    private static bool IsRealDirectory(string path)
    {
        return new FileInfo(path).LinkTarget is null && Directory.Exists(path);
    }

    internal static List<(string Path, bool IsDirectory)> ManagedEntries(string directory) =>
        new FileSystemEnumerable<(string, bool)>(directory, (ref FileSystemEntry e) => (e.ToFullPath(), e.IsDirectory),
            new EnumerationOptions { AttributesToSkip = 0, IgnoreInaccessible = false })
        {
            ShouldIncludePredicate = (ref FileSystemEntry e) => e.IsDirectory
                ? (e.Attributes & FileAttributes.ReparsePoint) == 0 && !e.FileName.SequenceEqual(".git")
                : IsScreened(e.FileName),
        }.ToList();

    private static bool IsScreened(ReadOnlySpan<char> name) => SetterTree.IsCandidateName(name) || AtomicFile.IsTemporaryName(name);

    [DllImport("libc", EntryPoint = "opendir", SetLastError = true)]
    private static extern nint OpenDir([MarshalAs(UnmanagedType.LPUTF8Str)] string path);

    [DllImport("libc", EntryPoint = "readdir", SetLastError = true)]
    private static extern nint ReadDir(nint dir);

    [DllImport("libc", EntryPoint = "closedir")]
    private static extern int CloseDir(nint dir);
}
