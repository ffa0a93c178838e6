namespace TazLab.ImageAutomation;

/// <summary>
/// All tags of one image, as <c>Get-RegistryTag -AsList</c> emits them: one object per image, which
/// Select-ImagePolicyTag takes whole, so a pipeline of 10,000 tags binds one object instead of 10,000.
/// </summary>
public sealed class RegistryTagList
{
    /// <summary>The image name as written (or as an OCI layout names it): what setters write.</summary>
    public string Image { get; init; } = "";

    /// <summary>registry/repository in canonical form (Flux's canonicalImageName).</summary>
    public string CanonicalImage { get; init; } = "";

    public string Registry { get; init; } = "";

    public string Repository { get; init; } = "";

    /// <summary>The tags, in ordinal order; named like RegistryTag's Tag so <c>(...).Tag</c> reads the same either way.</summary>
    public string[] Tag { get; init; } = [];

    public int Count => Tag.Length;

    /// <summary>Tag → manifest digest, for the tags whose source reported one (OCI layouts do); empty otherwise.</summary>
    public IReadOnlyDictionary<string, string> Digests { get; init; } = new Dictionary<string, string>();

    internal ListingOrigin? Origin { get; init; }

    public override string ToString() => $"{Image} ({Count} tags)";
}
