using TazLab.ImageAutomation.Engine.Diagnostics;
using TazLab.ImageAutomation.Engine.Registry;

namespace TazLab.ImageAutomation.Tests.Registry;

/// <summary>Flux's canonicalisation table (go-containerregistry name rules), plus distribution's 'localhost' rule.</summary>
public class ImageReferenceTests
{
    [Theory]
    [InlineData("alpine", "index.docker.io/library/alpine", "registry-1.docker.io")]
    [InlineData("stefanprodan/podinfo", "index.docker.io/stefanprodan/podinfo", "registry-1.docker.io")]
    [InlineData("docker.io/alpine", "index.docker.io/library/alpine", "registry-1.docker.io")]
    [InlineData("index.docker.io/tazzo/tazlab-blog", "index.docker.io/tazzo/tazlab-blog", "registry-1.docker.io")]
    [InlineData("registry-1.docker.io/foo", "registry-1.docker.io/foo", "registry-1.docker.io")]
    [InlineData("ghcr.io/stefanprodan/podinfo", "ghcr.io/stefanprodan/podinfo", "ghcr.io")]
    [InlineData("localhost:5000/foo", "localhost:5000/foo", "localhost:5000")]
    [InlineData("127.0.0.1:5000/foo", "127.0.0.1:5000/foo", "127.0.0.1:5000")]
    [InlineData("localhost/foo", "localhost/foo", "localhost")]
    [InlineData("[::1]:5000/team/app", "[::1]:5000/team/app", "[::1]:5000")]
    [InlineData("quay.io/a__b/c-d.e", "quay.io/a__b/c-d.e", "quay.io")]
    public void NormalisesLikeFlux(string image, string canonical, string apiHost)
    {
        var reference = ImageReference.Parse(image);

        Assert.Equal(image, reference.Original);
        Assert.Equal(canonical, reference.Canonical);
        Assert.Equal(apiHost, reference.ApiHost);
    }

    [Theory]
    [InlineData("https://ghcr.io/org/app", "should not include URL scheme; remove 'https://'")]
    [InlineData("ghcr.io/org/app:1.0.0", "should not include a tag; remove ':1.0.0'")]
    [InlineData("org/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "should not include a digest; remove '@sha256:")]
    [InlineData("Tazzo/TazLab-Blog", "must be lower case")]
    [InlineData("org/-app", "invalid repository path")]
    [InlineData("", "is empty")]
    public void RejectsWhatFluxRejectsSayingWhatToChange(string image, string problem)
    {
        var error = Assert.Throws<AutomationException>(() => ImageReference.Parse(image));

        Assert.Equal(ErrorKind.InvalidArgument, error.Kind);
        Assert.Equal("InvalidImageName", error.ErrorId);
        Assert.Contains(problem, error.Message);
    }
}
