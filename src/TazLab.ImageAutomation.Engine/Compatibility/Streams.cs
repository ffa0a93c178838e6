using System.Runtime.InteropServices;

namespace System.IO;

/// <summary>
/// .NET Core's Memory-based stream, reader and writer overloads, and <c>await using</c> on a stream. Each goes
/// through the array behind the memory (every caller in the engine passes one) or a copy.
/// </summary>
internal static class StreamPolyfill
{
    extension(Stream stream)
    {
        public ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            MemoryMarshal.TryGetArray<byte>(buffer, out var segment)
                ? new(stream.ReadAsync(segment.Array!, segment.Offset, segment.Count, cancellationToken))
                : throw new NotSupportedException("Only array-backed memory can be read into on .NET Framework.");

        /// <summary>Fills <paramref name="buffer"/> or throws <see cref="EndOfStreamException"/>, as .NET 7 does.</summary>
        public async ValueTask ReadExactlyAsync(byte[] buffer, CancellationToken cancellationToken = default)
        {
            for (var read = 0; read < buffer.Length;)
            {
                var n = await stream.ReadAsync(buffer, read, buffer.Length - read, cancellationToken).ConfigureAwait(false);
                read += n > 0 ? n : throw new EndOfStreamException();
            }
        }

        public ValueTask DisposeAsync()
        {
            stream.Dispose();
            return default;
        }
    }

    extension(TextReader reader)
    {
        /// <summary>.NET Framework's reader cannot be cancelled mid-read; the token is checked before each read.</summary>
        public ValueTask<int> ReadAsync(Memory<char> buffer, CancellationToken cancellationToken = default)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return MemoryMarshal.TryGetArray<char>(buffer, out var segment)
                ? new(reader.ReadAsync(segment.Array!, segment.Offset, segment.Count))
                : throw new NotSupportedException("Only array-backed memory can be read into on .NET Framework.");
        }
    }

    extension(TextWriter writer)
    {
        public Task WriteAsync(ReadOnlyMemory<char> buffer, CancellationToken cancellationToken = default)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return writer.WriteAsync(buffer.ToString());
        }
    }
}
