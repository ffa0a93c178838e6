using TazLab.ImageAutomation.Engine.Diagnostics;
using TazLab.ImageAutomation.Engine.Registry;

namespace TazLab.ImageAutomation.Engine.Policies;

/// <summary>Flux's ImagePolicy <c>digestReflectionPolicy</c>: when the selected tag's manifest digest is looked up.</summary>
public enum DigestReflectionPolicy
{
    /// <summary>No digest: setters write <c>image:tag</c>.</summary>
    Never,

    /// <summary>Use the digest the tag source already reported (OCI layouts do), else ask the registry.</summary>
    IfNotPresent,

    /// <summary>Always ask the registry (a HEAD of the tag's manifest).</summary>
    Always,
}

/// <summary>Flux's <c>updateImageRefs</c>, without its state: IfNotPresent means "not reported by the tag source".</summary>
public static class DigestReflection
{
    /// <summary>The selected tag's digest by <paramref name="policy"/>: empty for Never.</summary>
    /// <param name="reportedDigest">The digest the tag source reported with the tag, if any.</param>
    /// <exception cref="AutomationException">No image was given, or the lookup failed.</exception>
    public static async Task<string> DigestAsync(DigestReflectionPolicy policy, string image, string tag, string? reportedDigest,
        TagSource source, bool insecure, IEngineLog? log, CancellationToken cancellationToken)
    {
        if (policy == DigestReflectionPolicy.Never)
        {
            return "";
        }

        if (policy == DigestReflectionPolicy.IfNotPresent && !string.IsNullOrEmpty(reportedDigest))
        {
            return reportedDigest;
        }

        if (image.Length == 0)
        {
            throw new AutomationException(ErrorKind.InvalidArgument, "DigestReflectionNeedsImage",
                $"Cannot look up the digest of tag '{tag}': no image was given.", tag,
                "Give the image the tags belong to (RegistryTag objects carry it).");
        }

        return await source.GetDigestAsync(image, tag, insecure, log, cancellationToken).ConfigureAwait(false);
    }
}
