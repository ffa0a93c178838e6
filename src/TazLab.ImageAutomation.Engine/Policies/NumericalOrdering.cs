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
    public (int Latest, int Eligible) Latest(IReadOnlyList<TagValue> values)
    {
        // One pass keeps the best of all values and the byte-wise smallest NaN, parsing each value from its slice.
        // Only when a NaN turned up does a second pass (parsing again) pick the best of the values below it: no
        // array of a million parsed values.
        var best = Best(values, -1, out var lastNaN);
        if (lastNaN >= 0)
        {
            best = Best(values, lastNaN, out _);
        }

        return (best >= 0 ? best : lastNaN, values.Count);
    }

    /// <summary>The index of the best value byte-wise below the value at <paramref name="bound"/> (all values when
    /// -1), or -1; throws on a value that is not a number.</summary>
    private int Best(IReadOnlyList<TagValue> values, int bound, out int lastNaN)
    {
        var best = -1;
        var bestNumber = 0.0;
        lastNaN = -1;
        for (var i = 0; i < values.Count; i++)
        {
            var value = values[i];
            if (!GoFloat.TryParse(value.Span, out var number))
            {
                throw InvalidValue(value.ToString());
            }

            if (double.IsNaN(number))
            {
                if (lastNaN < 0 || value.CompareTo(values[lastNaN]) < 0)
                {
                    lastNaN = i;
                }

                continue;
            }

            if ((bound < 0 || value.CompareTo(values[bound]) < 0) && (best < 0 || IsBetter(value, number, values[best], bestNumber)))
            {
                best = i;
                bestNumber = number;
            }
        }

        return best;
    }

    private bool IsBetter(TagValue candidate, double candidateNumber, TagValue current, double currentNumber)
    {
        var c = candidateNumber.CompareTo(currentNumber);
        return (order == PolicyOrder.Asc ? c > 0 : c < 0) || (c == 0 && candidate.CompareTo(current) < 0);
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
