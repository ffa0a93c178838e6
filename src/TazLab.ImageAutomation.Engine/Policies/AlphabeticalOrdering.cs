namespace TazLab.ImageAutomation.Engine.Policies;

/// <summary>Flux's alphabetical policy: ordinal byte order; Asc picks the greatest string, Desc the smallest.</summary>
internal sealed class AlphabeticalOrdering(PolicyOrder order) : IVersionOrdering
{
    public (TagValue? Latest, int Eligible) Latest(IEnumerable<TagValue> values)
    {
        TagValue? best = null;
        var eligible = 0;
        foreach (var value in values)
        {
            eligible++;
            if (best is not { } current || (order == PolicyOrder.Asc ? value.CompareTo(current) > 0 : value.CompareTo(current) < 0))
            {
                best = value;
            }
        }

        return (best, eligible);
    }
}
