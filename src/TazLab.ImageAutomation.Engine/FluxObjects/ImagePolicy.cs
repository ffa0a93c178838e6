using TazLab.ImageAutomation.Engine.Policies;

namespace TazLab.ImageAutomation.Engine.FluxObjects;

/// <summary>
/// Flux's ImagePolicy: how the latest tag of an ImageRepository is chosen. Binds by property name to Select-ImagePolicyTag
/// (Policy, PolicyKind, Range, Order, Pattern, Extract, DigestReflection, and Image/Insecure of its repository).
/// </summary>
public sealed record ImagePolicy : FluxObject
{
    public override string Kind => "ImagePolicy";

    /// <summary><c>namespace:name</c>, what setter markers name.</summary>
    public string Policy => $"{Namespace}:{Name}";

    /// <summary><c>spec.imageRepositoryRef</c> (namespace defaulted to the policy's).</summary>
    public required ObjectReference ImageRepositoryRef { get; init; }

    /// <summary>Which of <c>spec.policy.semver</c>, <c>alphabetical</c> or <c>numerical</c> is set (in Flux's precedence).</summary>
    public required PolicyKind PolicyKind { get; init; }

    /// <summary><c>spec.policy.semver.range</c>; empty for the other kinds.</summary>
    public string Range { get; init; } = "";

    /// <summary><c>spec.policy.alphabetical.order</c> or <c>numerical.order</c> (Asc when absent).</summary>
    public PolicyOrder Order { get; init; } = PolicyOrder.Asc;

    /// <summary><c>spec.filterTags.pattern</c>.</summary>
    public string Pattern { get; init; } = "";

    /// <summary><c>spec.filterTags.extract</c>.</summary>
    public string Extract { get; init; } = "";

    /// <summary><c>spec.digestReflectionPolicy</c> (Never when absent).</summary>
    public DigestReflectionPolicy DigestReflection { get; init; } = DigestReflectionPolicy.Never;

    /// <summary>The referenced ImageRepository's <c>spec.image</c>.</summary>
    public string Image { get; init; } = "";

    /// <summary>The referenced ImageRepository's <c>spec.insecure</c> (used for digest lookups).</summary>
    public bool Insecure { get; init; }

    /// <summary>The validated policy, built once.</summary>
    public TagPolicy ToTagPolicy() => new(PolicyKind, Order, Pattern, Extract, PolicyKind == PolicyKind.SemVer ? Range : null);
}
