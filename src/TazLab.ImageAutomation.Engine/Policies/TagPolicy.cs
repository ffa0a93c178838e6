using TazLab.ImageAutomation.Engine.Diagnostics;

namespace TazLab.ImageAutomation.Engine.Policies;

/// <summary>
/// A validated ImagePolicy (<c>spec.policy</c> plus <c>spec.filterTags</c>): build it once, then select from any
/// number of tag lists. Construction fails with an <see cref="AutomationException"/> naming the bad pattern.
/// </summary>
public sealed class TagPolicy
{
    private readonly IVersionOrdering ordering;
    private readonly TagFilter? filter;

    public TagPolicy(PolicyKind kind, PolicyOrder order = PolicyOrder.Asc, string? pattern = null, string? extract = null)
    {
        Kind = kind;
        Order = order;
        ordering = kind switch
        {
            PolicyKind.Numerical => new NumericalOrdering(order),
            PolicyKind.Alphabetical => new AlphabeticalOrdering(order),
            _ => throw new AutomationException(ErrorKind.InvalidArgument, "PolicyNotSupported",
                $"Policy kind '{kind}' is not supported yet.", kind),
        };
        filter = string.IsNullOrEmpty(pattern) && string.IsNullOrEmpty(extract) ? null : new TagFilter(pattern ?? "", extract ?? "");
    }

    public PolicyKind Kind { get; }
    public PolicyOrder Order { get; }

    /// <summary>Selects the latest tag, or a result with a null tag when nothing is a candidate.</summary>
    public TagSelection Select(IReadOnlyCollection<string> tags)
    {
        if (filter is null)
        {
            return new TagSelection(tags.Count == 0 ? null : ordering.Latest(tags), tags.Count, tags.Count);
        }

        var byValue = filter.Apply(tags);
        var latest = byValue.Count == 0 ? null : ordering.Latest(byValue.Keys);
        return new TagSelection(latest is null ? null : byValue[latest], tags.Count, byValue.Count);
    }
}

/// <param name="Tag">The original tag selected, or null when no tag was a candidate.</param>
/// <param name="CandidateCount">How many tags were offered.</param>
/// <param name="MatchedCount">How many distinct values were left after the pattern.</param>
public sealed record TagSelection(string? Tag, int CandidateCount, int MatchedCount);

/// <summary>Picks the latest of a set of (extracted) values.</summary>
internal interface IVersionOrdering
{
    string Latest(IEnumerable<string> values);
}
