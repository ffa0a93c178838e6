namespace System.Collections.Generic;

/// <summary>.NET Core's collection conveniences.</summary>
internal static class CollectionPolyfill
{
    extension<TKey, TValue>(KeyValuePair<TKey, TValue> pair)
    {
        public void Deconstruct(out TKey key, out TValue value) => (key, value) = (pair.Key, pair.Value);
    }

    extension<TKey, TValue>(Dictionary<TKey, TValue> dictionary)
        where TKey : notnull
    {
        public bool TryAdd(TKey key, TValue value)
        {
            if (dictionary.ContainsKey(key))
            {
                return false;
            }

            dictionary.Add(key, value);
            return true;
        }

        public bool Remove(TKey key, out TValue value) => dictionary.TryGetValue(key, out value!) && dictionary.Remove(key);
    }

    extension<TKey, TValue>(IReadOnlyDictionary<TKey, TValue> dictionary)
    {
        public TValue? GetValueOrDefault(TKey key) => dictionary.TryGetValue(key, out var value) ? value : default;

        public TValue GetValueOrDefault(TKey key, TValue defaultValue) => dictionary.TryGetValue(key, out var value) ? value : defaultValue;
    }

    extension<T>(Stack<T> stack)
    {
        public bool TryPop(out T result)
        {
            if (stack.Count == 0)
            {
                result = default!;
                return false;
            }

            result = stack.Pop();
            return true;
        }
    }
}

internal static class SegmentPolyfill
{
    extension<T>(ArraySegment<T>)
    {
        public static ArraySegment<T> Empty => new([]);
    }
}

internal static class ArrayPolyfill
{
    extension(Array)
    {
        public static void Clear(Array array) => Array.Clear(array, 0, array.Length);
    }
}
