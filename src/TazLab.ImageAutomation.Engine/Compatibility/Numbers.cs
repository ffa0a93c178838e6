using System.Globalization;

namespace System;

/// <summary>.NET Core's span and provider overloads of number parsing, and <c>Math.ScaleB</c>.</summary>
internal static class NumberPolyfill
{
    extension(int)
    {
        public static bool TryParse(string? s, IFormatProvider? provider, out int result) =>
            int.TryParse(s, NumberStyles.Integer, provider, out result);

        public static bool TryParse(ReadOnlySpan<char> s, NumberStyles style, IFormatProvider? provider, out int result) =>
            int.TryParse(s.ToString(), style, provider, out result);

        public static int Parse(ReadOnlySpan<char> s, IFormatProvider? provider) => int.Parse(s.ToString(), provider);
    }

    extension(double)
    {
        public static double Parse(ReadOnlySpan<char> s, NumberStyles style, IFormatProvider? provider) => double.Parse(s.ToString(), style, provider);
    }

    extension(ulong)
    {
        public static bool TryParse(ReadOnlySpan<char> s, NumberStyles style, IFormatProvider? provider, out ulong result) =>
            ulong.TryParse(s.ToString(), style, provider, out result);
    }

    extension(BitConverter)
    {
        public static ushort ToUInt16(ReadOnlySpan<byte> value) => BitConverter.ToUInt16(value.Slice(0, sizeof(ushort)).ToArray(), 0);

        public static uint ToUInt32(ReadOnlySpan<byte> value) => BitConverter.ToUInt32(value.Slice(0, sizeof(uint)).ToArray(), 0);

        public static long ToInt64(ReadOnlySpan<byte> value) => BitConverter.ToInt64(value.Slice(0, sizeof(long)).ToArray(), 0);
    }

    extension(Math)
    {
        /// <summary>x·2ⁿ, correctly rounded: musl's scalbn, as .NET Core's own implementation.</summary>
        public static double ScaleB(double x, int n)
        {
            const double TwoTo1023 = 8.98846567431158e307;        // 0x1p1023
            const double TwoToMinus969 = 2.0041683600089728e-292; // 0x1p-1022 * 0x1p53
            var y = x;
            if (n > 1023)
            {
                y *= TwoTo1023;
                n -= 1023;
                if (n > 1023)
                {
                    y *= TwoTo1023;
                    n = Math.Min(n - 1023, 1023);
                }
            }
            else if (n < -1022)
            {
                y *= TwoToMinus969;
                n += 1022 - 53;
                if (n < -1022)
                {
                    y *= TwoToMinus969;
                    n = Math.Max(n + 1022 - 53, -1022);
                }
            }

            return y * BitConverter.Int64BitsToDouble((long)(0x3ff + n) << 52);
        }
    }

    extension(TimeSpan)
    {
        public static TimeSpan operator *(TimeSpan timeSpan, double factor) => TimeSpan.FromTicks((long)Math.Round(timeSpan.Ticks * factor));
    }
}
