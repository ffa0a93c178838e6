using TazLab.ImageAutomation.Engine.Diagnostics;

namespace TazLab.ImageAutomation.Engine.Policies;

/// <summary>
/// A validated ImagePolicy (<c>spec.policy</c> plus <c>spec.filterTags</c>): build it once, then select from any
/// number of tag lists. Construction fails with an <see cref="AutomationException"/> naming the bad range or
/// pattern. Selection is deterministic where Flux's depends on map order (see docs/policies.md).
/// </summary>
public sealed class TagPolicy
{
    private readonly IVersionOrdering ordering;
    private readonly TagFilter? filter;

    /// <param name="kind">SemVer, Numerical or Alphabetical.</param>
    /// <param name="order">For Numerical and Alphabetical: Asc selects the greatest, Desc the smallest.</param>
    /// <param name="pattern">Go RE2 pattern a tag must match (anywhere) to be a candidate.</param>
    /// <param name="extract">Go <c>Regexp.Expand</c> template giving the value to order, e.g. <c>$version</c>.</param>
    /// <param name="semVerRange">For SemVer (required): a Masterminds/semver constraint such as <c>&gt;=1.0.0 &lt;2.0.0</c>.</param>
    public TagPolicy(PolicyKind kind, PolicyOrder order = PolicyOrder.Asc, string? pattern = null, string? extract = null,
        string? semVerRange = null)
    {
        Kind = kind;
        Order = order;
        Range = kind == PolicyKind.SemVer ? semVerRange : null;
        Pattern = pattern ?? "";
        Extract = extract ?? "";
        ordering = kind switch
        {
            PolicyKind.SemVer => new SemVerOrdering(SemVerRange.Parse(semVerRange ?? throw new AutomationException(
                ErrorKind.InvalidArgument, "SemVerRangeMissing", "a semver policy needs a range", kind,
                "Give a range such as '>=1.0.0' or '1.x'."))),
            PolicyKind.Numerical => new NumericalOrdering(order),
            PolicyKind.Alphabetical => new AlphabeticalOrdering(order),
            _ => throw new AutomationException(ErrorKind.InvalidArgument, "PolicyNotSupported",
                $"policy kind '{kind}' is not supported", kind, "Use SemVer, Numerical or Alphabetical."),
        };
        filter = string.IsNullOrEmpty(pattern) && string.IsNullOrEmpty(extract)
            ? null
            : new TagFilter(GoRegex.Compile(pattern ?? ""), extract ?? "");
    }

    public PolicyKind Kind { get; }
    public PolicyOrder Order { get; }
    /// <summary>The semver range, for SemVer policies.</summary>
    public string? Range { get; }
    public string Pattern { get; }
    public string Extract { get; }

    public override string ToString() => Describe(Kind, Order, Range, Pattern);

    /// <summary>
    /// True when this policy orders <paramref name="proposed"/> strictly below <paramref name="current"/>: moving a marker
    /// from current to proposed would be a downgrade (a registry that returned a partial list, a retagged image).
    /// False when either is not a candidate of the policy, or they rank equal.
    /// </summary>
    public bool IsDowngrade(string current, string proposed)
    {
        if (current == proposed)
        {
            return false;
        }

        try
        {
            return Select([current, proposed]).Tag == current && Select([proposed, current]).Tag == current;
        }
        catch (AutomationException)
        {
            return false; // a value the policy cannot order (a non-number for numerical) is no evidence of a downgrade
        }
    }

    /// <summary>How messages name a policy: <c>semver range '^1.0'</c>, <c>numerical order Asc with pattern '…'</c>.</summary>
    public static string Describe(PolicyKind kind, PolicyOrder order, string? semVerRange, string? pattern)
    {
        var choice = kind switch
        {
            PolicyKind.SemVer => $"semver range '{semVerRange}'",
            PolicyKind.Alphabetical => $"alphabetical order {order}",
            _ => $"numerical order {order}",
        };
        return string.IsNullOrEmpty(pattern) ? choice : $"{choice} with pattern '{pattern}'";
    }

    /// <summary>Flux's <c>order</c> field: empty means Asc; <c>asc</c>/<c>desc</c> in any case.</summary>
    public static PolicyOrder ParseOrder(string? order) => order?.ToUpperInvariant() switch
    {
        null or "" or "ASC" => PolicyOrder.Asc,
        "DESC" => PolicyOrder.Desc,
        _ => throw new AutomationException(ErrorKind.InvalidArgument, "InvalidPolicyOrder",
            $"invalid order argument provided: '{order}', must be one of: ASC, DESC", order, "Use Asc or Desc."),
    };

    /// <summary>Selects the latest tag, or a result with a null tag when no tag is a candidate. Throws an
    /// <see cref="AutomationException"/> when a numerical policy meets a value that is not a number.</summary>
    public TagSelection Select(IReadOnlyCollection<string> tags)
    {
        if (filter is null)
        {
            var list = tags as IReadOnlyList<string> ?? tags.ToArray();
            var (latest, eligible) = ordering.Latest(new WholeTags(list));
            return new TagSelection(latest < 0 ? null : list[latest], tags.Count, eligible);
        }

        var (values, sources) = filter.Apply(tags);
        try
        {
            var (latest, eligible) = ordering.Latest(values);
            return new TagSelection(latest < 0 ? null : sources[latest], tags.Count, eligible);
        }
        catch (AutomationException e) when (e.ErrorId == "NumericalPolicyInvalidValue" && e.Target is string value)
        {
            throw NumericalOrdering.InvalidValue(value, sources[values.FindIndex(v => v.Span.SequenceEqual(value))]);
        }
    }
}

/// <param name="Tag">The original tag selected, or null when no tag was a candidate.</param>
/// <param name="CandidateCount">How many tags were offered.</param>
/// <param name="MatchedCount">How many values were left to order: after the pattern (distinct extracted values)
/// and, for SemVer, only those that are versions inside the range.</param>
public sealed record TagSelection(string? Tag, int CandidateCount, int MatchedCount);

/// <summary>Picks the latest of a set of (extracted) values.</summary>
internal interface IVersionOrdering
{
    /// <summary>The index of the latest value (-1 when none is eligible) and how many values were eligible.</summary>
    (int Latest, int Eligible) Latest(IReadOnlyList<TagValue> values);
}
