using System.Runtime.InteropServices;

namespace TazLab.ImageAutomation.Engine.Setters;

/// <summary>
/// The libc calls of the setters' Linux fast paths (listing, opening and reading the walk's files). errno is read with
/// <see cref="Marshal.GetLastSystemError"/> right after a call, not through DllImport's SetLastError: compiled
/// ReadyToRun, a SetLastError stub reported a stale errno (ENOENT from the library's lazy binding) on a method's first call.
/// </summary>
internal static class LibC
{
    public const int OCloExec = 0x80000;

    [DllImport("libc", EntryPoint = "openat")]
    public static extern int OpenAt(int directory, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", EntryPoint = "read")]
    public static extern nint Read(int fd, ref byte buffer, nint count);

    [DllImport("libc", EntryPoint = "getdents64")]
    public static extern nint GetDirectoryEntries(int fd, ref byte buffer, nint count);

    [DllImport("libc", EntryPoint = "statx")]
    public static extern int Statx(int dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, ref byte status);

    [DllImport("libc", EntryPoint = "close")]
    public static extern int Close(int fd);
}
