using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace System.IO;

/// <summary>
/// .NET 6's link queries, for Windows (the .NET Framework build runs only there): a symbolic link or junction is a
/// reparse point whose data holds its target, read as .NET Core reads it (FSCTL_GET_REPARSE_POINT); the final target
/// is the path Windows resolves the handle to (GetFinalPathNameByHandle).
/// </summary>
internal static class LinkPolyfill
{
    private const uint FileFlagBackupSemantics = 0x02000000, FileFlagOpenReparsePoint = 0x00200000;
    private const uint FsctlGetReparsePoint = 0x000900A8;
    private const uint ReparseTagSymlink = 0xA000000C, ReparseTagMountPoint = 0xA0000003;
    private const int MaximumReparseDataSize = 16 * 1024;

    [DllImport("kernel32.dll", EntryPoint = "CreateFileW", CharSet = CharSet.Unicode, SetLastError = true)]
    private static extern SafeFileHandle CreateFile(string name, uint access, FileShare share, IntPtr security, FileMode mode, uint flags, IntPtr template);

    [DllImport("kernel32.dll", SetLastError = true)]
    private static extern bool DeviceIoControl(SafeFileHandle device, uint code, IntPtr input, int inputSize, byte[] output, int outputSize, out int returned, IntPtr overlapped);

    [DllImport("kernel32.dll", EntryPoint = "GetFinalPathNameByHandleW", CharSet = CharSet.Unicode, SetLastError = true)]
    private static extern int GetFinalPathNameByHandle(SafeFileHandle file, StringBuilder path, int size, int flags);

    extension(FileSystemInfo info)
    {
        /// <summary>The link's own target text (relative as stored), or null when the entry is not a link.</summary>
        public string? LinkTarget => IsLink(info.FullName) ? ReadLinkTarget(info.FullName) : null;

        /// <summary>Only <paramref name="returnFinalTarget"/> true is supported: the engine asks for nothing else.</summary>
        public FileSystemInfo? ResolveLinkTarget(bool returnFinalTarget)
        {
            if (!returnFinalTarget)
            {
                throw new NotSupportedException("Only the final target of a link is resolved on .NET Framework.");
            }

            if (!IsLink(info.FullName))
            {
                return null;
            }

            using var handle = Open(info.FullName, FileFlagBackupSemantics);
            var path = new StringBuilder(32 * 1024);
            var length = GetFinalPathNameByHandle(handle, path, path.Capacity, 0);
            if (length <= 0 || length >= path.Capacity)
            {
                throw new IOException($"Cannot resolve the link '{info.FullName}'.", Marshal.GetHRForLastWin32Error());
            }

            var final = StripDevicePrefix(path.ToString());
            return info is DirectoryInfo ? new DirectoryInfo(final) : new FileInfo(final);
        }
    }

    private static bool IsLink(string path)
    {
        var info = new FileInfo(path);
        return info.Exists || Directory.Exists(path) ? (info.Attributes & FileAttributes.ReparsePoint) != 0 && ReadLinkTarget(path) is not null : false;
    }

    private static SafeFileHandle Open(string path, uint flags)
    {
        var handle = CreateFile(path, 0, FileShare.ReadWrite | FileShare.Delete, IntPtr.Zero, FileMode.Open, flags, IntPtr.Zero);
        return handle.IsInvalid ? throw new IOException($"Cannot open '{path}'.", Marshal.GetHRForLastWin32Error()) : handle;
    }

    // REPARSE_DATA_BUFFER: tag (4), data length (2), reserved (2), substitute name offset and length, print name offset
    // and length (2 each), then for a symbolic link its flags (4); names are UTF-16 offsets into the path buffer.
    private static string? ReadLinkTarget(string path)
    {
        using var handle = Open(path, FileFlagBackupSemantics | FileFlagOpenReparsePoint);
        var buffer = new byte[MaximumReparseDataSize];
        if (!DeviceIoControl(handle, FsctlGetReparsePoint, IntPtr.Zero, 0, buffer, buffer.Length, out _, IntPtr.Zero))
        {
            return null; // not a reparse point after all
        }

        var tag = BitConverter.ToUInt32(buffer, 0);
        var pathBuffer = tag switch { ReparseTagSymlink => 20, ReparseTagMountPoint => 16, _ => -1 };
        if (pathBuffer < 0)
        {
            return null; // another kind of reparse point (OneDrive placeholder, dedup...): not a link
        }

        string Name(int offsetAt) =>
            Encoding.Unicode.GetString(buffer, pathBuffer + BitConverter.ToUInt16(buffer, offsetAt), BitConverter.ToUInt16(buffer, offsetAt + 2));

        var print = Name(12);
        return print.Length > 0 ? print : StripDevicePrefix(Name(8));
    }

    private static string StripDevicePrefix(string path) =>
        path.StartsWith(@"\\?\UNC\", StringComparison.Ordinal) ? @"\\" + path.Substring(8)
        : path.StartsWith(@"\\?\", StringComparison.Ordinal) || path.StartsWith(@"\??\", StringComparison.Ordinal) ? path.Substring(4)
        : path;
}
