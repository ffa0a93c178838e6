namespace System;

/// <summary>.NET 8's span searches.</summary>
internal static class SpanPolyfill
{
    extension(ReadOnlySpan<char> span)
    {
        public bool Contains(char value) => span.IndexOf(value) >= 0;

        public int IndexOfAnyExcept(char value)
        {
            for (var i = 0; i < span.Length; i++)
            {
                if (span[i] != value)
                {
                    return i;
                }
            }

            return -1;
        }

        public int IndexOfAnyExcept(ReadOnlySpan<char> values)
        {
            for (var i = 0; i < span.Length; i++)
            {
                if (values.IndexOf(span[i]) < 0)
                {
                    return i;
                }
            }

            return -1;
        }

        public int IndexOfAnyExceptInRange(char lowInclusive, char highInclusive)
        {
            for (var i = 0; i < span.Length; i++)
            {
                if ((uint)(span[i] - lowInclusive) > (uint)(highInclusive - lowInclusive))
                {
                    return i;
                }
            }

            return -1;
        }

        public bool ContainsAnyExcept(string values)
        {
            foreach (var c in span)
            {
                if (values.IndexOf(c) < 0)
                {
                    return true;
                }
            }

            return false;
        }
    }

    extension<T>(ReadOnlySpan<T> span)
        where T : IEquatable<T>
    {
        public int Count(T value)
        {
            var count = 0;
            foreach (var item in span)
            {
                if (item.Equals(value))
                {
                    count++;
                }
            }

            return count;
        }
    }
}
