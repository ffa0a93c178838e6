namespace TazLab.ImageAutomation.Engine.Setters;

/// <summary>
/// The latest image of one ImagePolicy, as setter markers see it (Flux's <c>status.latestRef</c>).
/// </summary>
/// <param name="Key"><c>namespace:name</c>, what a marker's <c>$imagepolicy</c> value starts with.</param>
/// <param name="Image">The image name setters write (ImageRepository <c>spec.image</c>, verbatim).</param>
public sealed record SetterPolicy(string Key, string Image, string Tag, string? Digest)
{
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
}
