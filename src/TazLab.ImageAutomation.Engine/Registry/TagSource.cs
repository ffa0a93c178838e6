using TazLab.ImageAutomation.Engine.Diagnostics;

namespace TazLab.ImageAutomation.Engine.Registry;

/// <summary>One image to list, with what its ImageRepository says about listing it.</summary>
/// <param name="Image">An image repository (<c>tazzo/tazlab-blog</c>, <c>ghcr.io/org/app</c>) or <c>ocidir://&lt;directory&gt;</c>.</param>
public sealed record TagListing(string Image)
{
    /// <summary>Flux's <c>exclusionList</c>; null or empty means its default (cosign signatures).</summary>
    public IReadOnlyList<string>? ExclusionList { get; init; }

    /// <summary>Flux's <c>insecure</c>: plain HTTP is allowed to this image's registry.</summary>
    public bool Insecure { get; init; }

    /// <summary>For <c>ocidir://</c> images: the layout directory, already resolved (default: the path after the scheme).</summary>
    public string? LayoutPath { get; init; }
}

/// <summary>
/// Where tags come from, whichever it is: a registry (through <see cref="RegistryClient"/>), an OCI layout named
/// <c>ocidir://&lt;directory&gt;</c>, or a registry mirrored by a directory of layouts (a mirror given as
/// <c>ocidir://&lt;directory&gt;</c> holds one layout per repository, e.g. <c>&lt;directory&gt;/tazzo/tazlab-blog</c>).
/// Safe to use from several threads at once.
/// </summary>
public sealed class TagSource
{
    private readonly RegistryClient client;
    private readonly Lazy<RegistryClient> insecureClient;
    private readonly Dictionary<string, string> layoutMirrors = new(StringComparer.OrdinalIgnoreCase);

    /// <exception cref="AutomationException">A mirror URL or CA file is invalid.</exception>
    public TagSource(RegistryOptions? options = null)
    {
        options ??= new RegistryOptions();
        var registryMirrors = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (registry, mirror) in options.Mirrors ?? new Dictionary<string, string>())
        {
            if (OciLayoutSource.IsLayoutReference(mirror))
            {
                layoutMirrors[RegistryMirrors.Normalise(registry)] = Path.GetFullPath(mirror[OciLayoutSource.Scheme.Length..]);
            }
            else
            {
                registryMirrors[registry] = mirror;
            }
        }

        var registryOptions = options with { Mirrors = registryMirrors };
        client = new RegistryClient(registryOptions);
        insecureClient = new Lazy<RegistryClient>(() => new RegistryClient(registryOptions with { AllowInsecureHttp = true }));
    }

    /// <summary>The listing's tags minus the excluded ones, each once, in ordinal order.</summary>
    /// <exception cref="AutomationException">The exclusion list, the image name or the listing failed.</exception>
    public async Task<IReadOnlyList<ListedTag>> ListTagsAsync(TagListing listing, IEngineLog? log, CancellationToken cancellationToken)
    {
        var exclusion = listing.ExclusionList is { Count: > 0 } list ? new TagExclusion(list) : TagExclusion.Default;
        if (OciLayoutSource.IsLayoutReference(listing.Image))
        {
            return OciLayoutSource.ListTags(listing.Image, LayoutPathOf(listing), exclusion);
        }

        var image = ImageReference.Parse(listing.Image);
        if (LayoutMirrorFor(image) is { } layout)
        {
            (log ?? NullEngineLog.Instance).Verbose($"Listing '{listing.Image}' from the OCI layout '{layout}' (mirror of {image.Registry}).");
            return FromLayoutMirror(image, layout, exclusion);
        }

        return await ClientFor(listing.Insecure).ListTagsAsync(image, exclusion, log, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The digest of the manifest <paramref name="tag"/> points at (a registry HEAD, or the layout's index entry).</summary>
    /// <exception cref="AutomationException">The tag is not valid or not there, or the registry failed.</exception>
    public async Task<string> GetDigestAsync(string image, string tag, bool insecure, IEngineLog? log, CancellationToken cancellationToken)
    {
        IReadOnlyList<ListedTag>? layoutTags = null;
        if (OciLayoutSource.IsLayoutReference(image))
        {
            layoutTags = OciLayoutSource.ListTags(image, LayoutPathOf(new TagListing(image)), TagExclusion.Default);
        }
        else if (LayoutMirrorFor(ImageReference.Parse(image)) is { } layout)
        {
            layoutTags = FromLayoutMirror(ImageReference.Parse(image), layout, TagExclusion.Default);
        }

        if (layoutTags is null)
        {
            return await ClientFor(insecure).GetDigestAsync(ImageReference.Parse(image), tag, log, cancellationToken).ConfigureAwait(false);
        }

        return layoutTags.FirstOrDefault(t => t.Tag == tag && t.Digest is not null)?.Digest
            ?? throw new AutomationException(ErrorKind.ObjectNotFound, "OciLayoutTagNotFound",
                $"The OCI layout for '{image}' has no manifest tagged '{tag}'.", image, "Check the tag against the layout's index.json.");
    }

    private RegistryClient ClientFor(bool insecure) => insecure ? insecureClient.Value : client;

    private static string LayoutPathOf(TagListing listing) =>
        listing.LayoutPath ?? Path.GetFullPath(listing.Image[OciLayoutSource.Scheme.Length..]);

    private string? LayoutMirrorFor(ImageReference image) =>
        layoutMirrors.TryGetValue(RegistryMirrors.Normalise(image.Registry), out var root)
            ? Path.Combine(root, image.Repository.Replace('/', Path.DirectorySeparatorChar))
            : null;

    /// <summary>A mirror layout's tags, named as the image asked for (so setters write it), without other images it may hold.</summary>
    private static List<ListedTag> FromLayoutMirror(ImageReference image, string layout, TagExclusion exclusion) =>
        OciLayoutSource.ListTags(OciLayoutSource.Scheme + layout, layout, exclusion)
            .Where(t => t.Registry == "ocidir" || t.CanonicalImage == image.Canonical)
            .Select(t => new ListedTag(image.Original, image.Canonical, image.Registry, image.Repository, t.Tag, t.Digest))
            .DistinctBy(t => t.Tag)
            .OrderBy(t => t.Tag, StringComparer.Ordinal)
            .ToList();
}
