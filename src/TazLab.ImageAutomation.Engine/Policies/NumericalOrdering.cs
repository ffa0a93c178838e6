using TazLab.ImageAutomation.Engine.Diagnostics;

namespace TazLab.ImageAutomation.Engine.Policies;

/// <summary>
/// Flux's numerical policy: every value must parse as a Go float64 or the whole selection fails.
/// Flux walks the values in its database order (descending bytes) and lets each one replace the candidate
/// unless it is strictly worse, so among equal numbers (<c>1</c>, <c>01</c>, <c>1.0</c>) the byte-wise smallest
/// wins. NaN compares false both ways: it replaces the candidate and is replaced by the next value, so only
/// the values after the last NaN in that order count. We compute the same result without sorting.
/// </summary>
internal sealed class NumericalOrdering(PolicyOrder order) : IVersionOrdering
{
    public (string? Latest, int Eligible) Latest(IReadOnlyCollection<string> values)
    {
        var numbers = new (string Text, double Number)[values.Count];
        var count = 0;
        string? lastNaN = null;
        foreach (var value in values)
        {
            if (!GoFloat.TryParse(value, out var number))
            {
                throw InvalidValue(value);
            }

            numbers[count++] = (value, number);
            if (double.IsNaN(number) && (lastNaN is null || string.CompareOrdinal(value, lastNaN) < 0))
            {
                lastNaN = value;
            }
        }

        (string Text, double Number)? best = null;
        foreach (var candidate in numbers.AsSpan(0, count))
        {
            if (lastNaN is not null && string.CompareOrdinal(candidate.Text, lastNaN) >= 0)
            {
                continue;
            }

            if (best is not { } current || IsBetter(candidate, current))
            {
                best = candidate;
            }
        }

        return (best?.Text ?? lastNaN, count);
    }

    private bool IsBetter((string Text, double Number) candidate, (string Text, double Number) current)
    {
        var c = candidate.Number.CompareTo(current.Number);
        return (order == PolicyOrder.Asc ? c > 0 : c < 0) || (c == 0 && string.CompareOrdinal(candidate.Text, current.Text) < 0);
    }

    internal static AutomationException InvalidValue(string value, string? tag = null) =>
        new(ErrorKind.InvalidData, "NumericalPolicyInvalidValue",
            tag is null || tag == value
                ? $"failed to parse invalid numeric value {TextScrubber.Quote(value)}: a numerical policy needs every tag to be a number"
                : $"failed to parse invalid numeric value {TextScrubber.Quote(value)} extracted from the tag {TextScrubber.Quote(tag)}: a numerical policy needs every extracted value to be a number",
            tag ?? value,
            "Filter the tags with a pattern (and extract) that keeps only numeric tags or their numeric part, e.g. pattern '^build-(?P<n>[0-9]+)$' with extract '$n'.")
        { Settings = [Setting.TagFilter] };
}
