using System.Runtime.InteropServices;

namespace TazLab.ImageAutomation.Engine.Setters;

/// <summary>How reading a candidate file went.</summary>
internal enum ReadStatus
{
    /// <summary>The bytes read are the whole file (or the buffer is full: the file is larger than the limit).</summary>
    Read,

    /// <summary>The path is a link; it was not read.</summary>
    Link,

    /// <summary>Empty (or, where the type cannot be told, not a regular file): nothing to screen.</summary>
    Nothing,

    /// <summary>A FIFO, socket or device: never read, since a later read of it could block.</summary>
    NotRegularFile,
}

/// <summary>
/// Reads a candidate file into a buffer for screening without following a link and without blocking on a FIFO.
/// Screening reads every candidate of a tree, so the system calls per file decide the speed: on Linux an open, one read and
/// a close for a file the listing reported regular, where grep also stats it and reads its end (<see cref="LinuxRead"/>);
/// elsewhere .NET's file API with a stat first (<see cref="ManagedRead"/>).
/// </summary>
internal static class CandidateReader
{
    private const int ELOOP = 40, EINTR = 4, EAGAIN = 11;
    private const int ONonBlock = 0x800;

    // O_NOFOLLOW is one of the few open flags whose value differs between Linux architectures.
    private static readonly int ONoFollow = RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 or Architecture.X86 => 0x20000,
        Architecture.Arm64 or Architecture.Arm => 0x8000,
        _ => 0,
    };

    public static bool LinuxReadSupported { get; } = OperatingSystem.IsLinux() && ONoFollow != 0;

    /// <summary><see cref="Read(string, bool, ref byte[], int, out int)"/> of a path no listing vouches for: its type is stat'ed.</summary>
    public static ReadStatus Read(string path, ref byte[] buffer, int limit, out int read) => Read(path, false, ref buffer, limit, out read);

    /// <summary>Reads with <see cref="LinuxRead"/> where supported, else <see cref="ManagedRead"/>.</summary>
    /// <param name="listedRegular">The listing reported a regular file (its entry type), so no stat tells it from a FIFO.</param>
    /// <param name="limit">Reading stops after this many bytes; the buffer grows up to it.</param>
    public static ReadStatus Read(string path, bool listedRegular, ref byte[] buffer, int limit, out int read) =>
        LinuxReadSupported ? LinuxRead(path, listedRegular, ref buffer, limit, out read) : ManagedRead(path, listedRegular, ref buffer, limit, out read);

    /// <exception cref="IOException">The file could not be opened or read.</exception>
    internal static ReadStatus LinuxRead(string path, bool listedRegular, ref byte[] buffer, int limit, out int read) =>
        LinuxReadAt(RelativeOpener.AsGiven, path, listedRegular, ref buffer, limit, out read);

    /// <summary><see cref="LinuxRead"/> of <paramref name="path"/> relative to the open <paramref name="directory"/>.</summary>
    /// <remarks>
    /// A file listed regular is stat'ed only when it fills the buffer (to size it once): a read of a regular file returns
    /// fewer bytes than asked only at its end (POSIX), so the first short read is the end. Were it swapped for a FIFO since
    /// the listing, O_NONBLOCK still keeps the open and the read from waiting. Anything else (a FIFO, a link, or an entry
    /// type the file system does not report) is stat'ed.
    /// </remarks>
    /// <exception cref="IOException">The file could not be opened or read.</exception>
    private static ReadStatus LinuxReadAt(int directory, string path, bool listedRegular, ref byte[] buffer, int limit, out int read)
    {
        read = 0;
        var fd = LibC.OpenAt(directory, path, ONonBlock | LibC.OCloExec | ONoFollow);
        if (fd < 0)
        {
            var errno = Marshal.GetLastSystemError();
            return errno == ELOOP ? ReadStatus.Link : throw new IOException(Marshal.GetPInvokeErrorMessage(errno));
        }

        try
        {
            long size = 0;
            if (!listedRegular && !IsRegularFile(fd, out size))
            {
                return ReadStatus.NotRegularFile;
            }

            while (true)
            {
                // All the bytes the file had when it was opened: no read for the end of the file (a file growing
                // meanwhile is read as it was; the write's guard compares the whole file again).
                if (size > 0 && read == size)
                {
                    return ReadStatus.Read;
                }

                // A listed file that fills the buffer is a large one: its size, read once, grows the buffer to fit it.
                if (read == buffer.Length && size == 0 && listedRegular && !IsRegularFile(fd, out size))
                {
                    return ReadStatus.NotRegularFile;
                }

                if (read == buffer.Length && !Grow(ref buffer, limit, size))
                {
                    return ReadStatus.Read;
                }

                var asked = buffer.Length - read;
                var n = (int)LibC.Read(fd, ref buffer[read], asked);
                if (n > 0)
                {
                    read += n;
                    if (listedRegular && n < asked)
                    {
                        return ReadStatus.Read;
                    }

                    continue;
                }

                var errno = n < 0 ? Marshal.GetLastSystemError() : 0;
                if (errno == EINTR)
                {
                    continue;
                }

                // 0 is the end of the file; EAGAIN a FIFO or device with nothing to give.
                return n == 0 || errno == EAGAIN ? (read == 0 ? ReadStatus.Nothing : ReadStatus.Read) : throw new IOException(Marshal.GetPInvokeErrorMessage(errno));
            }
        }
        finally
        {
            LibC.Close(fd);
        }
    }

    /// <exception cref="IOException">The file could not be opened or read.</exception>
    /// <exception cref="UnauthorizedAccessException">The file may not be read.</exception>
    /// <param name="listedRegular">Not used: the managed listing does not tell a regular file from a FIFO.</param>
    internal static ReadStatus ManagedRead(string path, bool listedRegular, ref byte[] buffer, int limit, out int read)
    {
        read = 0;
        var info = new FileInfo(path);
        if (info.LinkTarget is not null)
        {
            return ReadStatus.Link;
        }

        // FIFOs and devices report size 0 (and opening a FIFO would block); an empty file holds no marker.
        if (info.Length == 0)
        {
            return ReadStatus.Nothing;
        }

        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        while (read < buffer.Length || Grow(ref buffer, limit, info.Length))
        {
            var n = RandomAccess.Read(handle, buffer.AsSpan(read), read);
            if (n == 0)
            {
                break;
            }

            read += n;
        }

        return ReadStatus.Read;
    }

    /// <summary>
    /// Whether the open file is a regular file, by <c>statx</c> on the descriptor (its layout, unlike <c>stat</c>'s, is
    /// the same on every architecture). Opening with O_NONBLOCK never waits, but a FIFO's content is not a manifest,
    /// and reading it again to write it would wait for its writer.
    /// </summary>
    /// <param name="size">The file's size (0 when unknown).</param>
    private static bool IsRegularFile(int fd, out long size)
    {
        const int AtEmptyPath = 0x1000, StatxType = 0x1, StatxSize = 0x200, MaskOffset = 0, ModeOffset = 28, SizeOffset = 40;
        const int TypeMask = 0xF000, Regular = 0x8000;
        size = 0;
        Span<byte> status = stackalloc byte[256];
        try
        {
            if (LibC.Statx(fd, "", AtEmptyPath, StatxType | StatxSize, ref status[0]) != 0)
            {
                return true; // an old kernel without statx: the read is non-blocking anyway
            }
        }
        catch (EntryPointNotFoundException)
        {
            return true;
        }

        if ((BitConverter.ToUInt32(status[MaskOffset..]) & StatxSize) != 0)
        {
            size = BitConverter.ToInt64(status[SizeOffset..]);
        }

        return (BitConverter.ToUInt16(status[ModeOffset..]) & TypeMask) == Regular;
    }

    /// <summary>Doubles the buffer, or makes it <paramref name="size"/> (the file's, 0 when unknown) when that is larger:
    /// a large file costs one array of its size, not a series of doublings and then a copy (see <see cref="SetterTree"/>'s Screen).</summary>
    private static bool Grow(ref byte[] buffer, int limit, long size)
    {
        if (buffer.Length >= limit)
        {
            return false;
        }

        Array.Resize(ref buffer, (int)Math.Min(Math.Max(Math.Max(buffer.Length * 2L, 4096), size), limit));
        return true;
    }

    /// <summary><see cref="LinuxRead"/> opening the file relative to the directory <paramref name="opener"/> holds.</summary>
    internal static SetterTree.CandidateRead LinuxReadFrom(RelativeOpener opener) => (string path, bool listedRegular, ref byte[] buffer, int limit, out int read) =>
        LinuxReadAt(opener.From(path, out var relative), relative, listedRegular, ref buffer, limit, out read);
}
