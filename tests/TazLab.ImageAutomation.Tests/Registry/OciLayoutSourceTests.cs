using TazLab.ImageAutomation.Engine.Diagnostics;
using TazLab.ImageAutomation.Engine.Registry;
using TazLab.ImageAutomation.Tests.Registry.Support;

namespace TazLab.ImageAutomation.Tests.Registry;

public sealed class OciLayoutSourceTests : IDisposable
{
    private const string DigestA = "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    private const string DigestB = "sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
    private readonly string layout = DockerRegistry.NewDirectory();

    public void Dispose() => Directory.Delete(layout, recursive: true);

    [Fact]
    public void ListsAnnotatedTagsSortedWithoutSignaturesOrRepeats()
    {
        WriteIndex(("2.0.0", DigestA), ("1.10.0", DigestB), ("sha256-abc.sig", DigestA), ("2.0.0", DigestA), (null, DigestB));

        var tags = OciLayoutSource.ListTags("ocidir://layout", layout);

        Assert.Equal(["1.10.0", "2.0.0"], tags.Select(t => t.Tag));
        Assert.All(tags, t => Assert.Equal(("ocidir://layout", "ocidir"), (t.Image, t.Registry)));
        Assert.Equal(DigestB, tags[0].Digest);
    }

    [Fact]
    public void AFullReferenceNamesTheImageTheTagBelongsTo()
    {
        WriteIndex(("tazzo/tazlab-wiki:wiki-12-e4f5a6b", DigestA), ("tazzo/tazlab-blog:blog-46-0f1e2d3", DigestB), ("localhost:5000/team/app:1.0", DigestA));

        var tags = OciLayoutSource.ListTags("ocidir://layout", layout);

        Assert.Equal(["localhost:5000/team/app", "tazzo/tazlab-blog", "tazzo/tazlab-wiki"], tags.Select(t => t.Image));
        Assert.Equal(("index.docker.io/tazzo/tazlab-blog", "blog-46-0f1e2d3"), (tags[1].CanonicalImage, tags[1].Tag));
        Assert.Equal(("localhost:5000", "team/app", "1.0"), (tags[0].Registry, tags[0].Repository, tags[0].Tag));
    }

    [Fact]
    public void AnnotationsThatAreNotValidTagsAndDigestsThatAreNotDigestsAreDropped()
    {
        WriteIndex(("1.0.0", DigestA), ("9.9.9\n", DigestA), ("tazzo/app:8.8.8\r\n", DigestA), ("2.0.0", DigestA + "\n"));

        var tags = OciLayoutSource.ListTags("ocidir://layout", layout);

        Assert.Equal(["1.0.0", "2.0.0"], tags.Select(t => t.Tag));
        Assert.Equal([DigestA, null], tags.Select(t => t.Digest));
    }

    [Fact]
    public void AGivenExclusionListReplacesTheDefault()
    {
        WriteIndex(("1.0", DigestA), ("dev-1", DigestA), ("x.sig", DigestA));

        var tags = OciLayoutSource.ListTags("ocidir://layout", layout, new TagExclusion(["^dev-"]));

        Assert.Equal(["1.0", "x.sig"], tags.Select(t => t.Tag));
    }

    [Fact]
    public void ADirectoryWithoutIndexIsObjectNotFound()
    {
        var error = Assert.Throws<AutomationException>(() => OciLayoutSource.ListTags("ocidir://layout", layout));

        Assert.Equal(ErrorKind.ObjectNotFound, error.Kind);
        Assert.Contains(layout, error.Message);
    }

    [Fact]
    public void AnIndexThatIsNotJsonIsAParserError()
    {
        File.WriteAllText(Path.Combine(layout, "index.json"), "{\"manifests\": [");

        Assert.Equal(ErrorKind.ParserError, Assert.Throws<AutomationException>(() => OciLayoutSource.ListTags("ocidir://layout", layout)).Kind);
    }

    private void WriteIndex(params (string? RefName, string Digest)[] manifests)
    {
        var entries = manifests.Select(m => new Dictionary<string, object>
        {
            ["mediaType"] = "application/vnd.oci.image.manifest.v1+json",
            ["digest"] = m.Digest,
            ["size"] = 100,
            ["annotations"] = m.RefName is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["org.opencontainers.image.ref.name"] = m.RefName },
        });
        File.WriteAllText(Path.Combine(layout, "index.json"), System.Text.Json.JsonSerializer.Serialize(new { schemaVersion = 2, manifests = entries }));
    }
}
