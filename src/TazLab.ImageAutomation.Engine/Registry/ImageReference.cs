using TazLab.ImageAutomation.Engine.Diagnostics;

namespace TazLab.ImageAutomation.Engine.Registry;

/// <summary>
/// An image repository name (no tag, no digest) parsed and normalised like go-containerregistry's
/// <c>name.ParseReference</c>, which is what Flux's ImageRepository uses.
/// </summary>
public sealed record ImageReference
{
    public const string DockerHubCanonicalHost = "index.docker.io";
    public const string DockerHubApiHost = "registry-1.docker.io";

    /// <summary>The name exactly as the user wrote it.</summary>
    public required string Original { get; init; }

    /// <summary>Registry host[:port] in canonical form (<c>index.docker.io</c> for Docker Hub).</summary>
    public required string Registry { get; init; }

    /// <summary>Repository path inside the registry (<c>library/alpine</c>).</summary>
    public required string Repository { get; init; }

    /// <summary><c>registry/repository</c>, Flux's <c>status.canonicalImageName</c>.</summary>
    public string Canonical => $"{Registry}/{Repository}";

    /// <summary>The host the registry API is served from (Docker Hub's API lives on another host).</summary>
    public string ApiHost => Registry == DockerHubCanonicalHost ? DockerHubApiHost : Registry;

    public static ImageReference Parse(string image)
    {
        if (string.IsNullOrWhiteSpace(image))
        {
            throw Invalid(image ?? "", "is empty", "Name an image repository such as 'tazzo/tazlab-blog' or 'ghcr.io/org/app'.");
        }

        var schemeEnd = image.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd >= 0)
        {
            throw Invalid(image, $"should not include URL scheme; remove '{image[..(schemeEnd + 3)]}'", null);
        }

        var at = image.IndexOf('@');
        if (at >= 0)
        {
            throw Invalid(image, $"should not include a digest; remove '{image[at..]}'", null);
        }

        string registry;
        string path;
        var slash = image.IndexOf('/');
        var first = slash < 0 ? image : image[..slash];
        if (slash > 0 && (first.Contains('.') || first.Contains(':') || first == "localhost"))
        {
            registry = first;
            path = image[(slash + 1)..];
        }
        else
        {
            registry = DockerHubCanonicalHost;
            path = image;
        }

        var colon = path.IndexOf(':');
        if (colon >= 0)
        {
            throw Invalid(image, $"should not include a tag; remove '{path[colon..]}'", null);
        }

        if (registry == "docker.io")
        {
            registry = DockerHubCanonicalHost;
        }

        if (path.Any(char.IsUpper) || registry.Any(char.IsUpper))
        {
            throw Invalid(image, "must be lower case", $"Use {TextScrubber.Quote(image.ToLowerInvariant())}: registries only accept lower-case repository names.");
        }

        if (!ReferenceGrammar.IsRegistryHost(registry))
        {
            throw Invalid(image, $"has an invalid registry host {TextScrubber.Quote(registry)}",
                "The registry is a host name or IP address with an optional port, such as 'ghcr.io' or 'localhost:5000'.");
        }

        if (!ReferenceGrammar.IsRepositoryPath(path))
        {
            throw Invalid(image, $"has an invalid repository path {TextScrubber.Quote(path)}",
                "Repository path components use lower-case letters, digits and the separators '.', '_', '__', '-' and '/'.");
        }

        if (registry == DockerHubCanonicalHost && !path.Contains('/'))
        {
            path = "library/" + path;
        }

        return new ImageReference { Original = image, Registry = registry, Repository = path };
    }

    private static AutomationException Invalid(string image, string problem, string? hint) =>
        new(ErrorKind.InvalidArgument, "InvalidImageName", $"image {TextScrubber.Quote(image)} {TextScrubber.Shorten(TextScrubber.Neutralise(problem), TextScrubber.MaxQuotedLength * 2)}", image,
            hint ?? "Give the image repository without scheme, tag or digest, for example 'ghcr.io/org/app'.");
}
