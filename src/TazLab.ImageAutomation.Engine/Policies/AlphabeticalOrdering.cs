namespace TazLab.ImageAutomation.Engine.Policies;

/// <summary>Flux's alphabetical policy: ordinal byte order; Asc picks the greatest string, Desc the smallest.</summary>
internal sealed class AlphabeticalOrdering(PolicyOrder order) : IVersionOrdering
{
    public (int Latest, int Eligible) Latest(IReadOnlyList<TagValue> values)
    {
        var best = -1;
        for (var i = 0; i < values.Count; i++)
        {
            if (best < 0 || (order == PolicyOrder.Asc ? values[i].CompareTo(values[best]) > 0 : values[i].CompareTo(values[best]) < 0))
            {
                best = i;
            }
        }

        return (best, values.Count);
    }
}
