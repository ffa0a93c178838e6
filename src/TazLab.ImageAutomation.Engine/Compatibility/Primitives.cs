using System.Numerics;

namespace System;

/// <summary>.NET Core's checks on chars and doubles, <c>Random.Shared</c> and <c>BigInteger.GetBitLength</c>.</summary>
internal static class PrimitivePolyfill
{
    [ThreadStatic]
    private static Random? random;

    extension(char)
    {
        public static bool IsAsciiDigit(char c) => c is >= '0' and <= '9';

        public static bool IsAsciiHexDigit(char c) => c is >= '0' and <= '9' or >= 'a' and <= 'f' or >= 'A' and <= 'F';

        public static bool IsAsciiLetterOrDigit(char c) => c is >= '0' and <= '9' or >= 'a' and <= 'z' or >= 'A' and <= 'Z';
    }

    extension(double)
    {
        public static bool IsFinite(double d) => !double.IsNaN(d) && !double.IsInfinity(d);

        public static bool IsNegative(double d) => BitConverter.DoubleToInt64Bits(d) < 0;
    }

    extension(Random)
    {
        /// <summary>One instance per thread: .NET Framework's <see cref="Random"/> is not thread-safe.</summary>
        public static Random Shared => random ??= new Random(Guid.NewGuid().GetHashCode());
    }

    extension(BigInteger value)
    {
        /// <summary>Bits of the shortest two's complement form without the sign bit (.NET 5).</summary>
        public long GetBitLength()
        {
            var magnitude = value.Sign < 0 ? -(value + 1) : value;
            long bits = 0;
            while (!magnitude.IsZero)
            {
                magnitude >>= 1;
                bits++;
            }

            return bits;
        }
    }
}
