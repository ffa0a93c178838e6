namespace TazLab.ImageAutomation.Engine.Policies;

/// <summary>Flux's alphabetical policy: ordinal byte order; Asc picks the greatest string, Desc the smallest.</summary>
internal sealed class AlphabeticalOrdering(PolicyOrder order) : IVersionOrdering
{
    public string Latest(IEnumerable<string> values)
    {
        string? best = null;
        foreach (var value in values)
        {
            if (best is null)
            {
                best = value;
                continue;
            }

            var c = string.CompareOrdinal(value, best);
            if (order == PolicyOrder.Asc ? c > 0 : c < 0)
            {
                best = value;
            }
        }

        return best ?? throw new InvalidOperationException("no values");
    }
}
