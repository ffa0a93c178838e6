using System.IO.Enumeration;
using System.Runtime.InteropServices;
using System.Text;

namespace TazLab.ImageAutomation.Engine.Setters;

/// <summary>
/// Lists one directory for the setter walk: the subdirectories to enter (not links to directories, not <c>.git</c>) and
/// the entries with a candidate or temporary name that are not directories (files, links, FIFOs: screening tells them
/// apart when it opens them). The walk visits every directory of a tree, so this costs no system call per entry: on
/// 64-bit Linux it reads the entry type that getdents64 returns (<see cref="LinuxEntries"/>); elsewhere .NET's enumerator
/// reads the attributes, a stat per directory (<see cref="ManagedEntries"/>), because it gives no other way to tell a
/// link from a directory and it follows links when it recurses.
/// </summary>
internal static class DirectoryLister
{
    private const byte DtUnknown = 0, DtDir = 4, DtReg = 8;
    private const int EINTR = 4, EACCES = 13;

    // struct linux_dirent64: d_ino (8), d_off (8), d_reclen (2), d_type (1), d_name (NUL-terminated).
    private const int LengthOffset = 16, TypeOffset = 18, NameOffset = 19;

    // O_DIRECTORY, like O_NOFOLLOW, differs between Linux architectures.
    private static readonly int ODirectory = RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 or Architecture.X86 => 0x10000,
        Architecture.Arm64 or Architecture.Arm => 0x4000,
        _ => 0,
    };

    private static bool linuxListSupported = OperatingSystem.IsLinux() && Environment.Is64BitProcess && ODirectory != 0;

    [ThreadStatic]
    private static byte[]? listing;

    /// <summary>
    /// The entries of <paramref name="directory"/> (full paths) that the walk enters or screens, in no particular order;
    /// IsRegularFile when the entry type says so (Linux only: elsewhere, and on file systems without entry types, false).
    /// </summary>
    /// <exception cref="IOException">The directory could not be listed.</exception>
    /// <param name="opener">Where to open the directory from on Linux; null opens its path as given.</param>
    public static List<(string Path, bool IsDirectory, bool IsRegularFile)> Entries(string directory, RelativeOpener? opener = null)
    {
        if (linuxListSupported)
        {
            try
            {
                return LinuxEntries(directory, opener);
            }
            catch (EntryPointNotFoundException)
            {
                linuxListSupported = false; // a C library without getdents64 (musl 1.2.4 dropped the name)
            }
        }

        return ManagedEntries(directory);
    }

    internal static List<(string Path, bool IsDirectory, bool IsRegularFile)> LinuxEntries(string directory, RelativeOpener? opener = null)
    {
        var entries = new List<(string, bool, bool)>();
        var relative = directory;
        var fd = LibC.OpenAt(opener?.From(directory, out relative) ?? RelativeOpener.AsGiven, relative, ODirectory | LibC.OCloExec);
        if (fd < 0)
        {
            throw ListingError(Marshal.GetLastSystemError());
        }

        try
        {
            // getdents64 itself, into a buffer this thread reuses: opendir would add a stat and an allocation per directory.
            var buffer = listing ??= new byte[32 * 1024];
            while (true)
            {
                var length = (int)LibC.GetDirectoryEntries(fd, ref buffer[0], buffer.Length);
                if (length <= 0)
                {
                    var errno = length < 0 ? Marshal.GetLastSystemError() : 0;
                    if (errno == EINTR)
                    {
                        continue;
                    }

                    return errno == 0 ? entries : throw ListingError(errno);
                }

                for (var offset = 0; offset < length; offset += BitConverter.ToUInt16(buffer, offset + LengthOffset))
                {
                    var nameLength = Array.IndexOf(buffer, (byte)0, offset + NameOffset) - (offset + NameOffset);
                    if (buffer[offset + NameOffset] == '.' && (nameLength == 1 || (nameLength == 2 && buffer[offset + NameOffset + 1] == '.')))
                    {
                        continue;
                    }

                    var name = Encoding.UTF8.GetString(buffer, offset + NameOffset, nameLength);
                    var type = buffer[offset + TypeOffset];
                    var path = Path.Join(directory, name);
                    var isDirectory = type == DtDir || (type == DtUnknown && IsRealDirectory(path));
                    // A link (DT_LNK) is never entered; with a candidate name it is screened, which resolves it.
                    if (isDirectory ? name != ".git" : IsScreened(name))
                    {
                        entries.Add((path, isDirectory, type == DtReg));
                    }
                }
            }
        }
        finally
        {
            LibC.Close(fd);
        }
    }

    private static Exception ListingError(int errno) =>
        errno == EACCES ? new UnauthorizedAccessException(Marshal.GetPInvokeErrorMessage(errno)) : new IOException(Marshal.GetPInvokeErrorMessage(errno));

    /// <summary>A file system that reports no entry types (DT_UNKNOWN): asked per entry, a link not followed.</summary>
    private static bool IsRealDirectory(string path)
    {
        return new FileInfo(path).LinkTarget is null && Directory.Exists(path);
    }

    internal static List<(string Path, bool IsDirectory, bool IsRegularFile)> ManagedEntries(string directory) =>
        new FileSystemEnumerable<(string, bool, bool)>(directory, (ref FileSystemEntry e) => (e.ToFullPath(), e.IsDirectory, false),
            new EnumerationOptions { AttributesToSkip = 0, IgnoreInaccessible = false })
        {
            ShouldIncludePredicate = (ref FileSystemEntry e) => e.IsDirectory
                ? (e.Attributes & FileAttributes.ReparsePoint) == 0 && !e.FileName.SequenceEqual(".git")
                : IsScreened(e.FileName),
        }.ToList();

    private static bool IsScreened(ReadOnlySpan<char> name) => SetterTree.IsCandidateName(name) || AtomicFile.IsTemporaryName(name);
}
