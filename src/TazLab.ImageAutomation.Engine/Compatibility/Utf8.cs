using System.Buffers;

namespace System.Text.Unicode;

/// <summary>.NET Core 3's strict UTF-8 decoding, through .NET Framework's throwing decoder.</summary>
internal static class Utf8
{
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static bool IsValid(ReadOnlySpan<byte> value)
    {
        try
        {
            Strict.GetCharCount(value.ToArray());
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }

    public static OperationStatus ToUtf16(ReadOnlySpan<byte> source, Span<char> destination, out int bytesRead, out int charsWritten,
        bool replaceInvalidSequences = true, bool isFinalBlock = true)
    {
        var bytes = source.ToArray();
        var valid = bytes.Length;
        var status = OperationStatus.Done;
        if (!replaceInvalidSequences)
        {
            try
            {
                Strict.GetCharCount(bytes);
            }
            catch (DecoderFallbackException e)
            {
                valid = Math.Max(0, e.Index);
                status = OperationStatus.InvalidData;
            }
        }

        var chars = (replaceInvalidSequences ? Encoding.UTF8 : Strict).GetChars(bytes, 0, valid);
        if (chars.Length > destination.Length)
        {
            (bytesRead, charsWritten) = (0, 0);
            return OperationStatus.DestinationTooSmall;
        }

        chars.CopyTo(destination);
        (bytesRead, charsWritten) = (valid, chars.Length);
        return status;
    }
}
