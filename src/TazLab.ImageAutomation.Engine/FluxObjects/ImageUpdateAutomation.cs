namespace TazLab.ImageAutomation.Engine.FluxObjects;

/// <summary>Flux's ImageUpdateAutomation: which policies' values are written where, and how they are committed and pushed.</summary>
public sealed record ImageUpdateAutomation : FluxObject
{
    public override string Kind => "ImageUpdateAutomation";

    /// <summary><c>spec.sourceRef</c>: the GitRepository (always kind GitRepository).</summary>
    public required ObjectReference SourceRef { get; init; }

    /// <summary><c>spec.git.checkout.ref</c>, when given.</summary>
    public GitCheckoutRef? Checkout { get; init; }

    /// <summary><c>spec.git.commit.author.email</c> (required).</summary>
    public required string AuthorEmail { get; init; }

    /// <summary><c>spec.git.commit.author.name</c>.</summary>
    public string AuthorName { get; init; } = "";

    /// <summary><c>spec.git.commit.signingKey.secretRef.name</c>; empty when commits are not signed.</summary>
    public string SigningKeySecretRef { get; init; } = "";

    /// <summary><c>spec.git.commit.signingKey.type</c>: gpg (default) or ssh.</summary>
    public string SigningKeyType { get; init; } = "gpg";

    /// <summary><c>spec.git.commit.messageTemplate</c>; empty means Flux's default message.</summary>
    public string MessageTemplate { get; init; } = "";

    /// <summary><c>spec.git.commit.messageTemplateValues</c>, the template's <c>.Values</c>.</summary>
    public IReadOnlyDictionary<string, string> MessageTemplateValues { get; init; } = new Dictionary<string, string>();

    /// <summary><c>spec.git.push.branch</c>; empty means the checkout branch.</summary>
    public string PushBranch { get; init; } = "";

    /// <summary><c>spec.git.push.refspec</c>: pushed in addition to the branch.</summary>
    public string PushRefspec { get; init; } = "";

    /// <summary><c>spec.git.push.options</c> (git push-options).</summary>
    public IReadOnlyDictionary<string, string> PushOptions { get; init; } = new Dictionary<string, string>();

    /// <summary><c>spec.policySelector</c>; null selects every policy in the automation's namespace.</summary>
    public LabelSelector? PolicySelector { get; init; }

    /// <summary><c>spec.update.path</c>, relative to the repository root; empty means the root.</summary>
    public string UpdatePath { get; init; } = "";

    /// <summary><c>spec.update.strategy</c>: only Setters exists.</summary>
    public string UpdateStrategy { get; init; } = "Setters";

    /// <summary>The branch commits go to: the push branch, else the checkout branch (null when neither is given).</summary>
    public string? EffectivePushBranch => PushBranch.Length > 0 ? PushBranch : Checkout?.Branch is { Length: > 0 } branch ? branch : null;
}

/// <summary>Flux's GitRepositoryRef: one of branch, tag, semver, name or commit.</summary>
public sealed record GitCheckoutRef(string Branch, string Tag, string SemVer, string Name, string Commit);

/// <summary>A Kubernetes label selector (matchLabels and matchExpressions).</summary>
public sealed record LabelSelector(IReadOnlyDictionary<string, string> MatchLabels, IReadOnlyList<LabelRequirement> MatchExpressions)
{
    public bool Matches(IReadOnlyDictionary<string, string> labels) =>
        MatchLabels.All(l => labels.TryGetValue(l.Key, out var value) && value == l.Value)
        && MatchExpressions.All(e => e.Matches(labels));
}

/// <summary>One matchExpressions entry: In, NotIn, Exists or DoesNotExist.</summary>
public sealed record LabelRequirement(string Key, string Operator, IReadOnlyList<string> Values)
{
    public static readonly IReadOnlyList<string> Operators = ["In", "NotIn", "Exists", "DoesNotExist"];

    public bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        var has = labels.TryGetValue(Key, out var value);
        return Operator switch
        {
            "In" => has && Values.Contains(value!),
            "NotIn" => !has || !Values.Contains(value!),
            "Exists" => has,
            _ => !has,
        };
    }
}
