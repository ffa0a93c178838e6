using System.Globalization;
using TazLab.ImageAutomation.Engine.Diagnostics;

namespace TazLab.ImageAutomation.Engine.Policies;

/// <summary>
/// Flux's numerical policy: every value must parse as a float64 or the whole selection fails.
/// Ties are broken deterministically: the byte-wise smallest value wins (Flux's unfiltered behaviour).
/// </summary>
internal sealed class NumericalOrdering(PolicyOrder order) : IVersionOrdering
{
    public string Latest(IEnumerable<string> values)
    {
        string? best = null;
        var bestValue = 0d;
        foreach (var value in values)
        {
            var parsed = Parse(value);
            if (best is null)
            {
                (best, bestValue) = (value, parsed);
                continue;
            }

            var c = parsed.CompareTo(bestValue);
            if ((order == PolicyOrder.Asc ? c > 0 : c < 0) || (c == 0 && string.CompareOrdinal(value, best) < 0))
            {
                (best, bestValue) = (value, parsed);
            }
        }

        return best ?? throw new InvalidOperationException("no values");
    }

    private static double Parse(string value)
    {
        if (value.Length > 0 && !char.IsWhiteSpace(value[0]) && !char.IsWhiteSpace(value[^1])
            && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var result))
        {
            return result;
        }

        throw new AutomationException(ErrorKind.InvalidData, "NumericalPolicyInvalidValue",
            $"failed to parse invalid numeric value '{value}'", value,
            "A numerical policy needs every tag to be a number: use -Pattern and -Extract to pick the numeric part, e.g. -Pattern '^build-(?P<n>[0-9]+)$' -Extract '$n'.");
    }
}
