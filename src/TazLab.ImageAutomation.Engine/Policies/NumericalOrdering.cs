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
    public (TagValue? Latest, int Eligible) Latest(IEnumerable<TagValue> values)
    {
        // One pass keeps the best of all values and the byte-wise smallest NaN, parsing each value from its slice.
        // Only when a NaN turned up does a second pass (parsing again) pick the best of the values below it: no
        // array of a million parsed values.
        var best = Best(values, null, out var lastNaN, out var eligible);
        if (lastNaN is not null)
        {
            best = Best(values, lastNaN, out _, out _);
        }

        return (best?.Value ?? lastNaN, eligible);
    }

    /// <summary>The best value byte-wise below <paramref name="bound"/> (all values when null); throws on a value that is not a number.</summary>
    private (TagValue Value, double Number)? Best(IEnumerable<TagValue> values, TagValue? bound, out TagValue? lastNaN, out int count)
    {
        (TagValue Value, double Number)? best = null;
        lastNaN = null;
        count = 0;
        foreach (var value in values)
        {
            count++;
            if (!GoFloat.TryParse(value.Span, out var number))
            {
                throw InvalidValue(value.ToString());
            }

            if (double.IsNaN(number))
            {
                if (lastNaN is not { } nan || value.CompareTo(nan) < 0)
                {
                    lastNaN = value;
                }

                continue;
            }

            if ((bound is not { } limit || value.CompareTo(limit) < 0) && (best is not { } current || IsBetter((value, number), current)))
            {
                best = (value, number);
            }
        }

        return best;
    }

    private bool IsBetter((TagValue Value, double Number) candidate, (TagValue Value, double Number) current)
    {
        var c = candidate.Number.CompareTo(current.Number);
        return (order == PolicyOrder.Asc ? c > 0 : c < 0) || (c == 0 && candidate.Value.CompareTo(current.Value) < 0);
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
