using System.Runtime.InteropServices;

namespace System.IO;

/// <summary>.NET 7's temporary directories, .NET Core's replacing move and span overloads of <see cref="Path"/>.</summary>
internal static class FilePolyfill
{
    private const int MoveFileReplaceExisting = 0x1;
    private const int MoveFileCopyAllowed = 0x2;

    [DllImport("kernel32.dll", EntryPoint = "MoveFileExW", CharSet = CharSet.Unicode, SetLastError = true)]
    private static extern bool MoveFileEx(string existingFileName, string newFileName, int flags);

    extension(Stream stream)
    {
        public void Write(ReadOnlySpan<byte> buffer) => stream.Write(buffer.ToArray(), 0, buffer.Length);
    }

    extension(Directory)
    {
        public static DirectoryInfo CreateTempSubdirectory(string? prefix = null) =>
            Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), (prefix ?? string.Empty) + Guid.NewGuid().ToString("N")));
    }

    extension(File)
    {
        /// <summary>A rename that replaces the target, as .NET Core does on Windows (MoveFileEx, REPLACE_EXISTING).</summary>
        public static void Move(string sourceFileName, string destFileName, bool overwrite)
        {
            if (!overwrite)
            {
                File.Move(sourceFileName, destFileName);
                return;
            }

            if (!MoveFileEx(Path.GetFullPath(sourceFileName), Path.GetFullPath(destFileName), MoveFileReplaceExisting | MoveFileCopyAllowed))
            {
                throw new IOException($"Cannot move '{sourceFileName}' to '{destFileName}'.", Marshal.GetHRForLastWin32Error());
            }
        }

        // The .NET Framework build runs on Windows only, where callers check OperatingSystem.IsWindows() first.
        public static UnixFileMode GetUnixFileMode(string path) => throw new PlatformNotSupportedException();

        public static void SetUnixFileMode(string path, UnixFileMode mode) => throw new PlatformNotSupportedException();

        public static FileStream Open(string path, FileStreamOptions options) =>
            new(path, options.Mode, options.Access, options.Share, options.BufferSize, options.Options);

        /// <summary>
        /// A handle for <see cref="RandomAccess"/>. The stream that opened it is kept alive with the handle, and reads go
        /// through it; disposing the handle closes the file.
        /// </summary>
        public static Microsoft.Win32.SafeHandles.SafeFileHandle OpenHandle(string path, FileMode mode, FileAccess access, FileShare share)
        {
            var stream = new FileStream(path, mode, access, share, bufferSize: 1, FileOptions.None);
            RandomAccess.Streams.Add(stream.SafeFileHandle, stream);
            return stream.SafeFileHandle;
        }
    }

    extension(Path)
    {
        public static ReadOnlySpan<char> GetFileName(ReadOnlySpan<char> path) => Path.GetFileName(path.ToString()).AsSpan();
    }
}

/// <summary>.NET 6's positional reads on a handle.</summary>
internal static class RandomAccess
{
    internal static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Microsoft.Win32.SafeHandles.SafeFileHandle, FileStream> Streams = new();

    /// <summary>Reads at <paramref name="fileOffset"/> through the handle's stream (one reader at a time).</summary>
    public static int Read(Microsoft.Win32.SafeHandles.SafeFileHandle handle, Span<byte> buffer, long fileOffset)
    {
        if (!Streams.TryGetValue(handle, out var stream))
        {
            throw new NotSupportedException("On .NET Framework, only handles from File.OpenHandle can be read positionally.");
        }

        stream.Position = fileOffset;
        var bytes = new byte[buffer.Length];
        var read = stream.Read(bytes, 0, bytes.Length);
        bytes.AsSpan(0, read).CopyTo(buffer);
        return read;
    }
}

/// <summary>.NET 6's options for opening a file (Unix bits ignored: the .NET Framework build runs only on Windows).</summary>
internal sealed class FileStreamOptions
{
    public FileMode Mode { get; set; } = FileMode.Open;

    public FileAccess Access { get; set; } = FileAccess.Read;

    public FileShare Share { get; set; } = FileShare.Read;

    public FileOptions Options { get; set; }

    public int BufferSize { get; set; } = 4096;

    public UnixFileMode? UnixCreateMode { get; set; }
}

/// <summary>.NET 7's Unix permission bits; never read or set on Windows.</summary>
[Flags]
internal enum UnixFileMode
{
    None = 0,
}
