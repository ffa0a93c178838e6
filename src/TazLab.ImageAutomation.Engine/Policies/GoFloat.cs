using System.Globalization;
using System.Numerics;

namespace TazLab.ImageAutomation.Engine.Policies;

/// <summary>
/// Go's <c>strconv.ParseFloat(s, 64)</c>, which Flux's numerical policy applies to every tag: an optional sign,
/// decimal digits with an optional <c>.</c> and <c>e</c> exponent, or <c>0x</c> hex digits that must have a
/// <c>p</c> exponent; <c>_</c> only between digits (Go literal syntax); <c>inf</c>, <c>infinity</c> (signed) and
/// <c>nan</c> in any case. No whitespace. A value beyond the float64 range is an error; one too small is 0.
/// </summary>
internal static class GoFloat
{
    public static bool TryParse(ReadOnlySpan<char> s, out double value)
    {
        value = 0;
        if (TrySpecial(s, out value))
        {
            return true;
        }

        var i = 0;
        var negative = false;
        if (i < s.Length && s[i] is '+' or '-')
        {
            negative = s[i] == '-';
            i++;
        }

        var hex = i + 2 < s.Length && s[i] == '0' && s[i + 1] is 'x' or 'X';
        if (hex)
        {
            i += 2;
        }

        // Mantissa: digits with at most one '.'; underscores are checked as a whole below.
        var mantissaStart = i;
        var sawDigits = false;
        var sawDot = false;
        for (; i < s.Length; i++)
        {
            var c = s[i];
            if (c == '.')
            {
                if (sawDot) break;
                sawDot = true;
            }
            else if (char.IsAsciiDigit(c) || (hex && char.IsAsciiHexDigit(c)))
            {
                sawDigits = true;
            }
            else if (c != '_')
            {
                break;
            }
        }

        var mantissaEnd = i;
        if (!sawDigits)
        {
            return false;
        }

        // Exponent: 'e' for decimal, 'p' (a power of two, required) for hex.
        BigInteger exponent = 0;
        if (i < s.Length && char.ToLowerInvariant(s[i]) == (hex ? 'p' : 'e'))
        {
            i++;
            var exponentNegative = false;
            if (i < s.Length && s[i] is '+' or '-')
            {
                exponentNegative = s[i] == '-';
                i++;
            }

            if (i >= s.Length || !char.IsAsciiDigit(s[i]))
            {
                return false;
            }

            for (; i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '_'); i++)
            {
                if (s[i] != '_') exponent = exponent * 10 + (s[i] - '0');
            }

            if (exponentNegative) exponent = -exponent;
        }
        else if (hex)
        {
            return false;
        }

        var hasUnderscores = s.Contains('_');
        if (i != s.Length || (hasUnderscores && !UnderscoresOk(s)))
        {
            return false;
        }

        if (!hex && !hasUnderscores && BigInteger.Abs(exponent) < 100_000)
        {
            // The common case: .NET parses Go's decimal grammar with the same correct rounding.
            value = double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture);
            return !double.IsInfinity(value);
        }

        var mantissa = s[mantissaStart..mantissaEnd].ToString().Replace("_", "");
        var dot = mantissa.IndexOf('.');
        var fractionDigits = dot < 0 ? 0 : mantissa.Length - dot - 1;
        mantissa = mantissa.Replace(".", "");
        value = hex ? FromHex(mantissa, exponent - 4 * fractionDigits) : FromDecimal(mantissa, exponent - fractionDigits);
        if (negative) value = -value;
        return !double.IsInfinity(value);
    }

    private static bool TrySpecial(ReadOnlySpan<char> s, out double value)
    {
        value = 0;
        var body = s;
        var sign = 1;
        if (body.Length > 0 && body[0] is '+' or '-')
        {
            sign = body[0] == '-' ? -1 : 1;
            body = body[1..];
        }
        else if (body.Equals("nan", StringComparison.OrdinalIgnoreCase))
        {
            value = double.NaN;
            return true;
        }

        if (body.Equals("inf", StringComparison.OrdinalIgnoreCase) || body.Equals("infinity", StringComparison.OrdinalIgnoreCase))
        {
            value = sign * double.PositiveInfinity;
            return true;
        }

        return false;
    }

    /// <summary>Go's rule: an underscore must sit between two digits, or between the <c>0x</c> prefix and a digit.</summary>
    private static bool UnderscoresOk(ReadOnlySpan<char> s)
    {
        var body = s;
        if (body.Length > 0 && body[0] is '+' or '-')
        {
            body = body[1..];
        }

        var hex = false;
        var previous = '^'; // '^' start, '0' digit or prefix, '_' underscore, '!' anything else
        var i = 0;
        if (body.Length >= 2 && body[0] == '0' && char.ToLowerInvariant(body[1]) is 'b' or 'o' or 'x')
        {
            hex = char.ToLowerInvariant(body[1]) == 'x';
            previous = '0';
            i = 2;
        }

        for (; i < body.Length; i++)
        {
            var c = body[i];
            if (char.IsAsciiDigit(c) || (hex && char.IsAsciiHexDigit(c)))
            {
                previous = '0';
            }
            else if (c == '_')
            {
                if (previous != '0') return false;
                previous = '_';
            }
            else
            {
                if (previous == '_') return false;
                previous = '!';
            }
        }

        return previous != '_';
    }

    private static double FromDecimal(string digits, BigInteger exponent)
    {
        var significant = digits.TrimStart('0');
        if (significant.Length == 0)
        {
            return 0;
        }

        // Exponents this far out are infinity or zero whatever the digits; .NET then rounds the rest correctly.
        var scale = exponent + significant.Length;
        if (scale > 400) return double.PositiveInfinity;
        if (scale < -400) return 0;
        return double.Parse($"0.{significant}e{scale}", NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    /// <summary>mantissa × 2^exponent, rounded to nearest even like Go (subnormals included).</summary>
    private static double FromHex(string hexDigits, BigInteger exponent)
    {
        var mantissa = BigInteger.Parse("0" + hexDigits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
        if (mantissa.IsZero)
        {
            return 0;
        }

        var bits = (long)mantissa.GetBitLength();
        var topExponent = exponent + bits - 1; // the value is in [2^topExponent, 2^(topExponent+1))
        if (topExponent > 1100) return double.PositiveInfinity;
        if (topExponent < -1100) return 0;

        // Keep 53 significant bits, fewer for a subnormal result (below 2^-1022).
        var precision = (long)BigInteger.Min(53, 53 - (-1022 - topExponent));
        var shift = bits - precision;
        if (shift > 0)
        {
            var kept = mantissa >> (int)shift;
            var remainder = mantissa - (kept << (int)shift);
            var half = BigInteger.One << (int)(shift - 1);
            if (remainder > half || (remainder == half && !kept.IsEven))
            {
                kept += 1;
            }

            mantissa = kept;
            exponent += shift;
        }

        return Math.ScaleB((double)mantissa, (int)exponent);
    }
}
