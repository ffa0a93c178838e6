using System.Buffers;
using System.Globalization;

namespace System.Text;

/// <summary>
/// .NET Core 3's Unicode scalar value, with the members the engine uses. Classification goes through the UTF-16
/// string of the scalar, which .NET Framework's <see cref="char"/> and <see cref="CharUnicodeInfo"/> understand.
/// </summary>
internal readonly struct Rune : IEquatable<Rune>
{
    public Rune(char value)
        : this((int)value)
    {
    }

    public Rune(int value)
    {
        if (!IsValid(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value));
        }

        Value = value;
    }

    public static Rune ReplacementChar => new(0xFFFD);

    public int Value { get; }

    public bool IsAscii => Value < 0x80;

    public static bool IsValid(int value) => value is >= 0 and <= 0x10FFFF and not (>= 0xD800 and <= 0xDFFF);

    public static UnicodeCategory GetUnicodeCategory(Rune rune) => CharUnicodeInfo.GetUnicodeCategory(rune.ToString(), 0);

    public static bool IsLetter(Rune rune) => char.IsLetter(rune.ToString(), 0);

    public static bool IsDigit(Rune rune) => char.IsDigit(rune.ToString(), 0);

    public static bool IsLetterOrDigit(Rune rune) => char.IsLetterOrDigit(rune.ToString(), 0);

    public static bool IsWhiteSpace(Rune rune) => char.IsWhiteSpace(rune.ToString(), 0);

    public static Rune ToUpperInvariant(Rune rune)
    {
        var upper = rune.ToString().ToUpperInvariant();
        return new Rune(char.ConvertToUtf32(upper, 0));
    }

    public static OperationStatus DecodeFromUtf16(ReadOnlySpan<char> source, out Rune result, out int charsConsumed)
    {
        if (source.IsEmpty)
        {
            (result, charsConsumed) = (ReplacementChar, 0);
            return OperationStatus.NeedMoreData;
        }

        var first = source[0];
        if (!char.IsSurrogate(first))
        {
            (result, charsConsumed) = (new Rune(first), 1);
            return OperationStatus.Done;
        }

        if (char.IsHighSurrogate(first) && source.Length > 1 && char.IsLowSurrogate(source[1]))
        {
            (result, charsConsumed) = (new Rune(char.ConvertToUtf32(first, source[1])), 2);
            return OperationStatus.Done;
        }

        (result, charsConsumed) = (ReplacementChar, 1);
        return char.IsHighSurrogate(first) && source.Length == 1 ? OperationStatus.NeedMoreData : OperationStatus.InvalidData;
    }

    public bool Equals(Rune other) => Value == other.Value;

    public override bool Equals(object? obj) => obj is Rune other && Equals(other);

    public override int GetHashCode() => Value;

    public override string ToString() => char.ConvertFromUtf32(Value);

    public static bool operator ==(Rune left, Rune right) => left.Equals(right);

    public static bool operator !=(Rune left, Rune right) => !left.Equals(right);
}

internal static class RuneEnumerationPolyfill
{
    extension(string text)
    {
        /// <summary>The scalars of the string; an unpaired surrogate is U+FFFD, as on .NET Core.</summary>
        public IEnumerable<Rune> EnumerateRunes()
        {
            for (var i = 0; i < text.Length;)
            {
                Rune.DecodeFromUtf16(text.AsSpan(i), out var rune, out var consumed);
                yield return rune;
                i += consumed;
            }
        }
    }
}
