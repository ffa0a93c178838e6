namespace TazLab.ImageAutomation.Engine.Policies;

/// <summary>
/// A value a policy orders, as a slice of a string: the tag itself, or the part of the tag that <c>extract</c>
/// copied. A million values kept for a selection then hold no string of their own, so nothing per tag survives
/// a gen0 collection. Equality, hash and order are ordinal over the slice's characters.
/// </summary>
internal readonly struct TagValue : IEquatable<TagValue>, IComparable<TagValue>
{
    private readonly string source;
    private readonly int start;
    private readonly int length;

    public TagValue(string tag) : this(tag, 0, tag.Length)
    {
    }

    public TagValue(string source, int start, int length)
    {
        this.source = source;
        this.start = start;
        this.length = length;
    }

    /// <summary>True for <c>default</c>: no value.</summary>
    public bool IsNone => source is null;

    public ReadOnlySpan<char> Span => source.AsSpan(start, length);

    /// <summary>The value as a string; the source itself (no copy) when the slice is all of it.</summary>
    public override string ToString() => start == 0 && length == source.Length ? source : source.Substring(start, length);

    public bool Equals(TagValue other) => Span.SequenceEqual(other.Span);

    public override bool Equals(object? obj) => obj is TagValue other && Equals(other);

    public override int GetHashCode() => string.GetHashCode(Span);

    /// <summary>Ordinal, as <see cref="string.CompareOrdinal(string, string)"/>.</summary>
    public int CompareTo(TagValue other) => Span.SequenceCompareTo(other.Span);
}

/// <summary>Tags ordered as themselves (no filter): each tag is its own value, with no copy of the list.</summary>
internal sealed class WholeTags(IReadOnlyList<string> tags) : IReadOnlyList<TagValue>
{
    public int Count => tags.Count;

    public TagValue this[int index] => new(tags[index]);

    public IEnumerator<TagValue> GetEnumerator() => tags.Select(tag => new TagValue(tag)).GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
