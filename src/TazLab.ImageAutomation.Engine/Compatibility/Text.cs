using System.Text;

namespace System;

/// <summary>.NET Core's string, StringBuilder and Encoding overloads (in System, where every file sees them).</summary>
internal static class TextPolyfill
{
    extension(StringBuilder builder)
    {
        public StringBuilder AppendJoin<T>(string separator, IEnumerable<T> values) => builder.Append(string.Join(separator, values));
    }

    extension(string)
    {
        public static string Concat(ReadOnlySpan<char> first, string? second, ReadOnlySpan<char> third) =>
            string.Concat(first.ToString(), second, third.ToString());

        /// <summary>The hash the same characters have as a string (a copy on .NET Framework, where strings hash only whole).</summary>
        public static int GetHashCode(ReadOnlySpan<char> value) => value.ToString().GetHashCode();
    }

    extension(Encoding encoding)
    {
        public string GetString(ReadOnlySpan<byte> bytes) => encoding.GetString(bytes.ToArray());

        public int GetByteCount(ReadOnlySpan<char> chars) => encoding.GetByteCount(chars.ToArray());
    }

    extension(StringBuilder builder)
    {
        public StringBuilder Append(ReadOnlySpan<char> value) => builder.Append(value.ToString());
    }

    extension(string text)
    {
        public string[] Split(string separator, StringSplitOptions options = StringSplitOptions.None) => text.Split([separator], options);

        public bool Contains(char value) => text.IndexOf(value) >= 0;

        public bool StartsWith(char value) => text.Length > 0 && text[0] == value;

        public bool EndsWith(char value) => text.Length > 0 && text[text.Length - 1] == value;

        public string[] Split(char separator, StringSplitOptions options) => text.Split([separator], options);

        public string[] Split(char separator, int count, StringSplitOptions options = StringSplitOptions.None) => text.Split([separator], count, options);

        public string Replace(string oldValue, string? newValue, StringComparison comparison)
        {
            var result = new StringBuilder();
            var start = 0;
            for (var at = text.IndexOf(oldValue, comparison); at >= 0; at = text.IndexOf(oldValue, start, comparison))
            {
                result.Append(text, start, at - start).Append(newValue);
                start = at + oldValue.Length;
            }

            return result.Append(text, start, text.Length - start).ToString();
        }
    }
}
