namespace System.IO;

/// <summary>.NET 7's temporary directories and .NET Core's span overloads of <see cref="Path"/>.</summary>
internal static class FilePolyfill
{
    extension(Directory)
    {
        public static DirectoryInfo CreateTempSubdirectory(string? prefix = null) =>
            Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), (prefix ?? string.Empty) + Guid.NewGuid().ToString("N")));
    }

    extension(File)
    {
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
