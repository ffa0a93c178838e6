using TazLab.ImageAutomation.Engine.Policies;

namespace TazLab.ImageAutomation;

/// <summary>The tag a policy selected for one image (Flux's ImagePolicy <c>status.latestRef</c>).</summary>
public sealed class ImagePolicySelection
{
    /// <summary><c>namespace:name</c> of the policy, what setter markers name.</summary>
    public string Policy { get; init; } = "";

    public string Image { get; init; } = "";

    public string Tag { get; init; } = "";

    public string Digest { get; init; } = "";

    /// <summary><c>image:tag</c>, or <c>image:tag@digest</c> when a digest is known.</summary>
    public string Reference => Digest.Length == 0 ? $"{Image}:{Tag}" : $"{Image}:{Tag}@{Digest}";

    /// <summary>How many tags the policy was offered.</summary>
    public int CandidateCount { get; init; }

    /// <summary>How many candidates were left to order: distinct values after the pattern and, for semver, versions inside the range.</summary>
    public int MatchedCount { get; init; }

    /// <summary>The policy that selected the tag, so Update-ImageSetter can refuse to move a marker to a value it orders lower.</summary>
    public TagPolicy? SelectedBy { get; init; }

    public override string ToString() => Reference;
}
