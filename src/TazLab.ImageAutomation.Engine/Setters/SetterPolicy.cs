using System.Text.RegularExpressions;
using TazLab.ImageAutomation.Engine.Diagnostics;
using TazLab.ImageAutomation.Engine.Policies;
using TazLab.ImageAutomation.Engine.Registry;

namespace TazLab.ImageAutomation.Engine.Setters;

/// <summary>
/// The latest image of one ImagePolicy, as setter markers see it (Flux's <c>status.latestRef</c>).
/// </summary>
/// <param name="Key"><c>namespace:name</c>, what a marker's <c>$imagepolicy</c> value starts with.</param>
/// <param name="Image">The image name setters write (ImageRepository <c>spec.image</c>, verbatim).</param>
public sealed partial record SetterPolicy(string Key, string Image, string Tag, string? Digest)
{
    /// <summary>The namespace of a policy named without one, as in Flux's default install.</summary>
    public const string DefaultNamespace = "flux-system";

    /// <summary>The policy that selected <see cref="Tag"/>, when known: markers are then never moved to a tag it orders lower.</summary>
    public TagPolicy? SelectedBy { get; init; }

    /// <summary>True when writing this policy's value over <paramref name="current"/> (a marker with <paramref name="suffix"/>)
    /// would move the marker to a tag <see cref="SelectedBy"/> orders lower than the one it holds.</summary>
    public bool IsDowngradeOf(string suffix, string current)
    {
        var currentTag = suffix switch
        {
            "tag" => current,
            "" => TagOf(current),
            _ => null,
        };
        return SelectedBy is not null && currentTag is { Length: > 0 } && SelectedBy.IsDowngrade(currentTag, Tag);
    }

    /// <summary>The tag of <c>name:tag[@digest]</c>, or null when the reference has none.</summary>
    private static string? TagOf(string reference)
    {
        var at = reference.IndexOf('@');
        var withoutDigest = at < 0 ? reference : reference[..at];
        var colon = withoutDigest.LastIndexOf(':');
        return colon > withoutDigest.LastIndexOf('/') ? withoutDigest[(colon + 1)..] : null;
    }

    /// <summary><c>name:tag</c>, or <c>name:tag@digest</c> when a digest was reflected.</summary>
    public string Reference => string.IsNullOrEmpty(Digest) ? $"{Image}:{Tag}" : $"{Image}:{Tag}@{Digest}";

    /// <summary>The value a marker writes, or null when the marker's suffix is not one Flux defines.</summary>
    public string? ValueFor(string suffix) => suffix switch
    {
        "" => Reference,
        "tag" => Tag,
        "name" => Image,
        "digest" => Digest ?? "",
        _ => null,
    };

    /// <summary>A validated policy from a selection whose policy is <c>name</c> or <c>namespace:name</c>.</summary>
    /// <exception cref="AutomationException">A value would not make a valid image reference.</exception>
    public static SetterPolicy FromSelection(string policy, string image, string tag, string? digest, string defaultNamespace = DefaultNamespace)
    {
        var key = policy.Contains(':') ? policy : $"{defaultNamespace}:{policy}";
        var result = new SetterPolicy(key, image, tag, string.IsNullOrEmpty(digest) ? null : digest);
        result.Validate();
        return result;
    }

    /// <summary>
    /// Flux refuses to run when a latest reference does not parse as an image reference; so do we, before any file is
    /// touched. This also keeps anything that is not an image name, tag or digest out of the files.
    /// </summary>
    /// <exception cref="AutomationException">The key, image, tag or digest is not valid.</exception>
    public void Validate()
    {
        if (!KeyPattern().IsMatch(Key ?? ""))
        {
            throw Invalid("SetterPolicyKeyInvalid", $"policy {TextScrubber.Quote(Key)} is not 'namespace:name'",
                "Name the policy as 'name' or 'namespace:name' (lower-case letters, digits, '-' and '.'), e.g. 'flux-system:hugo-blog'.");
        }

        ImageReference.Parse(Image);
        if (!ReferenceGrammar.IsTag(Tag))
        {
            throw Invalid("SetterPolicyTagInvalid", $"tag {TextScrubber.Quote(Tag)} of policy '{Key}' is not a valid image tag",
                "A tag is 1 to 128 letters, digits, '_', '.' and '-', not starting with '.' or '-'.");
        }

        if (Digest is not null && !ReferenceGrammar.IsDigest(Digest))
        {
            throw Invalid("SetterPolicyDigestInvalid", $"digest {TextScrubber.Quote(Digest)} of policy '{Key}' is not a valid image digest",
                "Give the digest as 'sha256:' followed by 64 lower-case hex digits, or leave it empty.");
        }
    }

    /// <summary>Indexes policies by key; the same key twice is fine only with the same values.</summary>
    /// <exception cref="AutomationException">One policy was given two different images.</exception>
    public static Dictionary<string, SetterPolicy> Index(IEnumerable<SetterPolicy> policies)
    {
        var index = new Dictionary<string, SetterPolicy>(StringComparer.Ordinal);
        foreach (var policy in policies)
        {
            if (index.TryGetValue(policy.Key, out var existing) && existing != policy)
            {
                throw policy.Invalid("SetterPolicyConflict",
                    $"policy '{policy.Key}' was given twice with different images: '{existing.Reference}' and '{policy.Reference}'",
                    "Pass one selection per policy.");
            }

            index[policy.Key] = policy;
        }

        return index;
    }

    private AutomationException Invalid(string errorId, string message, string hint) =>
        new(ErrorKind.InvalidArgument, errorId, message, Key, hint);

    // Kubernetes object names: DNS-1123 labels/subdomains.
    [GeneratedRegex(@"\A[a-z0-9](?:[-a-z0-9.]*[a-z0-9])?:[a-z0-9](?:[-a-z0-9.]*[a-z0-9])?\z")]
    private static partial Regex KeyPattern();
}
