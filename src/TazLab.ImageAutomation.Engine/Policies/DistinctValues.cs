namespace TazLab.ImageAutomation.Engine.Policies;

/// <summary>
/// Drops repeated values in linear time and cache-friendly passes: a hash table over a million values misses the
/// cache on nearly every insert (a <c>Dictionary</c> costs 3× per value at 1M what it costs at 100k), so the values'
/// hashes are radix-sorted instead, and only values whose hashes are equal are compared.
/// </summary>
internal static class DistinctValues
{
    /// <summary>Keeps the first of each value (in place, order kept), giving it the byte-wise smallest of their tags.</summary>
    public static void Keep(List<TagValue> values, List<string> tags)
    {
        // hash in the high half, index in the low half: sorting by the high half stably keeps each run of equal
        // hashes in input order, so a run's first equal value is the value's first occurrence.
        var keys = new ulong[values.Count];
        for (var i = 0; i < keys.Length; i++)
        {
            keys[i] = ((ulong)(uint)values[i].GetHashCode() << 32) | (uint)i;
        }

        SortByHash(keys);
        var run = new List<int>();
        for (var start = 0; start < keys.Length;)
        {
            var end = start + 1;
            while (end < keys.Length && keys[end] >> 32 == keys[start] >> 32)
            {
                end++;
            }

            if (end - start > 1)
            {
                DropRepeats(keys.AsSpan(start, end - start), values, tags, run);
            }

            start = end;
        }

        var kept = 0;
        for (var i = 0; i < values.Count; i++)
        {
            if (!values[i].IsNone)
            {
                values[kept] = values[i];
                tags[kept++] = tags[i];
            }
        }

        values.RemoveRange(kept, values.Count - kept);
        tags.RemoveRange(kept, tags.Count - kept);
    }

    /// <summary>Within one run of equal hashes (a few entries: repeats, or a rare collision), marks each repeat as
    /// no value, after passing a smaller tag to the first occurrence.</summary>
    private static void DropRepeats(ReadOnlySpan<ulong> sameHash, List<TagValue> values, List<string> tags, List<int> firsts)
    {
        firsts.Clear();
        foreach (var key in sameHash)
        {
            var index = (int)(uint)key;
            var first = firsts.Count - 1;
            while (first >= 0 && !values[firsts[first]].Equals(values[index]))
            {
                first--;
            }

            if (first < 0)
            {
                firsts.Add(index);
            }
            else
            {
                if (string.CompareOrdinal(tags[index], tags[firsts[first]]) < 0)
                {
                    tags[firsts[first]] = tags[index];
                }

                values[index] = default;
            }
        }
    }

    /// <summary>Stable LSD radix sort on the high 32 bits, a byte per pass: linear, each pass a sequential read.</summary>
    private static void SortByHash(ulong[] keys)
    {
        var from = keys;
        var to = new ulong[keys.Length];
        var offsets = new int[256];
        for (var shift = 32; shift < 64; shift += 8)
        {
            Array.Clear(offsets);
            foreach (var key in from)
            {
                offsets[(int)(key >> shift) & 0xFF]++;
            }

            var sum = 0;
            for (var b = 0; b < offsets.Length; b++)
            {
                (offsets[b], sum) = (sum, sum + offsets[b]);
            }

            foreach (var key in from)
            {
                to[offsets[(int)(key >> shift) & 0xFF]++] = key;
            }

            (from, to) = (to, from);
        }

        // Four passes: the sorted keys are back in the caller's array.
    }
}
