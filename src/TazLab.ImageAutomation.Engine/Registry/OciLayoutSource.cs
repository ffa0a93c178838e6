using System.Text.Json;
using TazLab.ImageAutomation.Engine.Diagnostics;

namespace TazLab.ImageAutomation.Engine.Registry;

/// <summary>
/// Tags from an OCI image layout directory (<c>index.json</c>, annotation <c>org.opencontainers.image.ref.name</c>):
/// a registry on disk, for air-gapped sites, demos and tests that need no server.
/// </summary>
/// <remarks>
/// The annotation is either a plain tag (<c>1.2.3</c>) or a full reference (<c>tazzo/tazlab-blog:blog-45-a1b2c3d</c>).
/// A full reference names the image its tag belongs to, so setters write that name; a plain tag belongs to the layout itself.
/// </remarks>
public static class OciLayoutSource
{
    public const string Scheme = "ocidir://";
    private const string RefNameAnnotation = "org.opencontainers.image.ref.name";

    public static bool IsLayoutReference(string image) => image.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase);

    /// <summary>The layout's tags minus the excluded ones, each once, ordered by image then tag (ordinal), like a registry's.</summary>
    /// <param name="image">The user's <c>ocidir://path</c> string, kept for output.</param>
    /// <param name="layoutPath">The layout directory, already resolved to an absolute path.</param>
    /// <param name="exclusion">Tags to drop; null means Flux's default (cosign signatures).</param>
    public static IReadOnlyList<ListedTag> ListTags(string image, string layoutPath, TagExclusion? exclusion = null)
    {
        exclusion ??= TagExclusion.Default;
        var indexPath = Path.Combine(layoutPath, "index.json");
        if (!File.Exists(indexPath))
        {
            throw new AutomationException(ErrorKind.ObjectNotFound, "OciLayoutNotFound",
                $"'{layoutPath}' is not an OCI image layout: it has no index.json.", image,
                "Point ocidir:// at a directory made by 'skopeo copy ... oci:DIR:TAG' or 'crane push --format oci'.");
        }

        var tags = new List<ListedTag>();
        var seen = new HashSet<(string, string)>();
        try
        {
            using var json = JsonDocument.Parse(File.ReadAllBytes(indexPath));
            if (!json.RootElement.TryGetProperty("manifests", out var manifests) || manifests.ValueKind != JsonValueKind.Array)
            {
                return tags;
            }

            foreach (var manifest in manifests.EnumerateArray())
            {
                if (!manifest.TryGetProperty("annotations", out var annotations)
                    || !annotations.TryGetProperty(RefNameAnnotation, out var refName)
                    || refName.GetString() is not { Length: > 0 } name)
                {
                    continue;
                }

                var digest = manifest.TryGetProperty("digest", out var d) && ReferenceGrammar.IsDigest(d.GetString()) ? d.GetString() : null;
                var listed = ToListedTag(image, name, digest);
                if (ReferenceGrammar.IsTag(listed.Tag) && !exclusion.IsExcluded(listed.Tag) && seen.Add((listed.Image, listed.Tag)))
                {
                    tags.Add(listed);
                }
            }
        }
        catch (JsonException e)
        {
            throw new AutomationException(ErrorKind.ParserError, "OciLayoutInvalid",
                $"'{indexPath}' is not valid JSON: {e.Message}", image, null, e);
        }

        return tags.OrderBy(t => t.Image, StringComparer.Ordinal).ThenBy(t => t.Tag, StringComparer.Ordinal).ToList();
    }

    private static ListedTag ToListedTag(string layoutImage, string refName, string? digest)
    {
        var lastSlash = refName.LastIndexOf('/');
        var colon = refName.LastIndexOf(':');
        if (colon > lastSlash && colon > 0)
        {
            var name = refName[..colon];
            var reference = ImageReference.Parse(name);
            return new ListedTag(name, reference.Canonical, reference.Registry, reference.Repository, refName[(colon + 1)..], digest);
        }

        return new ListedTag(layoutImage, layoutImage, "ocidir", layoutImage[Scheme.Length..], refName, digest);
    }
}
