namespace TazLab.ImageAutomation.Engine.Policies;

/// <summary>Flux's alphabetical policy: ordinal byte order; Asc picks the greatest string, Desc the smallest.</summary>
internal sealed class AlphabeticalOrdering(PolicyOrder order) : IVersionOrdering
{
    public (string? Latest, int Eligible) Latest(IReadOnlyCollection<string> values)
    {
        string? best = null;
        foreach (var value in values)
        {
            if (best is null || (order == PolicyOrder.Asc ? string.CompareOrdinal(value, best) > 0 : string.CompareOrdinal(value, best) < 0))
            {
                best = value;
            }
        }

        return (best, values.Count);
    }
}
