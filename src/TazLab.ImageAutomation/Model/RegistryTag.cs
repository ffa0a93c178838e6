using TazLab.ImageAutomation.Engine.Registry;

namespace TazLab.ImageAutomation;

/// <summary>One tag of one image, as Get-RegistryTag emits it. Property names match the parameters of Select-ImagePolicyTag.</summary>
public sealed class RegistryTag
{
    /// <summary>The image name as written (or as an OCI layout names it): what setters write.</summary>
    public string Image { get; init; } = "";

    /// <summary>registry/repository in canonical form (Flux's canonicalImageName).</summary>
    public string CanonicalImage { get; init; } = "";

    public string Registry { get; init; } = "";

    public string Repository { get; init; } = "";

    public string Tag { get; init; } = "";

    /// <summary>The manifest digest when the source reports one (OCI layouts do); empty otherwise.</summary>
    public string Digest { get; init; } = "";

    /// <summary><c>Image:Tag</c>.</summary>
    public string Reference => $"{Image}:{Tag}";

    /// <summary>How the tag was listed, so a digest lookup can reach the registry the same way (internal: never shown).</summary>
    internal ListingOrigin? Origin { get; init; }

    public override string ToString() => Reference;
}

/// <summary>
/// The tag source (with its credentials, CA and mirrors) and the plain-HTTP choice one Get-RegistryTag call listed
/// with. Carried by its output, not shown: PowerShell adapts public members only.
/// </summary>
internal sealed record ListingOrigin(TagSource Source, bool Insecure);
