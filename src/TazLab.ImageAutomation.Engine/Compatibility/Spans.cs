namespace System;

/// <summary>.NET 8's span searches.</summary>
internal static class SpanPolyfill
{
    extension(ReadOnlySpan<char> span)
    {
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
