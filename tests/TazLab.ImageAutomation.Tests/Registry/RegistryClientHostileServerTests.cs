using System.Text;
using TazLab.ImageAutomation.Engine.Diagnostics;
using TazLab.ImageAutomation.Engine.Registry;
using TazLab.ImageAutomation.Tests.Registry.Support;

namespace TazLab.ImageAutomation.Tests.Registry;

/// <summary>A registry or token service that is malicious or broken: echoes secrets, sends escapes, huge bodies, odd tags.</summary>
public sealed partial class RegistryClientFakeServerTests
{
    private const string User = "someone";
    private const string Password = "s3cr3t-Passw0rd";
    private static readonly string BasicValue = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{User}:{Password}"));

    [Fact]
    public async Task ARegistryEchoingTheAuthorizationHeaderDoesNotGetItQuoted()
    {
        await using var registry = new FakeRegistry(request => request.Authorization is null
            ? FakeResponse.Error(401, "UNAUTHORIZED").WithHeader("WWW-Authenticate", "Basic realm=\"x\"")
            : FakeResponse.Error(500, "UNKNOWN", $"bad header Authorization: {request.Authorization} for {User}:{Password}"));

        var error = await Assert.ThrowsAsync<AutomationException>(() =>
            List(registry, new RegistryOptions { Credential = new RegistryCredential(User, Password), Retry = new RetryOptions { MaxRetries = 0 } }));

        Assert.Equal("RegistryUnavailable", error.ErrorId);
        AssertNoSecret(error.Message + error.RecommendedAction + log.All);
        Assert.Contains("bad header Authorization", error.Message); // the rest of the server's text is kept
    }

    [Fact]
    public async Task ATokenServiceEchoingTheAuthorizationHeaderDoesNotGetItQuoted()
    {
        await using var tokens = new FakeRegistry(request =>
            FakeResponse.Error(500, "UNKNOWN", $"cannot check {request.Authorization} ({request.Target}) password={Password}"));
        await using var registry = new FakeRegistry(_ =>
            FakeResponse.Error(401, "UNAUTHORIZED").WithHeader("WWW-Authenticate", $"Bearer realm=\"{tokens.BaseUri}token\",service=\"svc\""));

        var error = await Assert.ThrowsAsync<AutomationException>(() =>
            List(registry, new RegistryOptions { Credential = new RegistryCredential(User, Password), Retry = new RetryOptions { MaxRetries = 0 } }));

        Assert.Equal("RegistryUnavailable", error.ErrorId);
        Assert.Contains($"the token service {tokens.BaseUri}token of registry", error.Message);
        Assert.Contains("cannot check", error.Message);
        AssertNoSecret(error.Message + log.All);
    }

    [Fact]
    public async Task ARegistryEchoingTheBearerTokenDoesNotGetItQuoted()
    {
        await using var tokens = new TokenIssuer();
        await using var registry = BearerRegistry(tokens, request => FakeResponse.Error(403, "DENIED", $"token {request.Authorization} has no access"));

        var error = await Assert.ThrowsAsync<AutomationException>(() => List(registry));

        var token = Assert.Single(tokens.IssuedTokens);
        Assert.DoesNotContain(token, error.Message);
        Assert.DoesNotContain(token[..20], error.Message);
        Assert.Contains("has no access", error.Message);
    }

    [Fact]
    public async Task EscapeSequencesAndLineBreaksInServerTextAreNeutralised()
    {
        const string hostile = "\u001b[2J\u001b]0;pwned\u0007gone\r\nWARNING: all good\u009b31m\u0000";
        await using var registry = new FakeRegistry(_ => FakeResponse.Error(404, "NAME_UNKNOWN", hostile.Replace("\u001b", "\\u001b").Replace("\r", "\\r").Replace("\n", "\\n").Replace("\u0007", "\\u0007").Replace("\u009b", "\\u009b").Replace("\u0000", "\\u0000")));

        var error = await Assert.ThrowsAsync<AutomationException>(() => List(registry));

        Assert.Equal("RegistryRepositoryNotFound", error.ErrorId);
        Assert.DoesNotContain(error.Message, c => char.IsControl(c));
        Assert.Contains("WARNING: all good", error.Message); // shown, but not as a line of its own
    }

    [Fact]
    public async Task ATagWithALineBreakIsNotListed()
    {
        await using var registry = new FakeRegistry(_ => FakeResponse.Tags(["1.0.0", "9.9.9\n", "9.9.9\r\n", "\u001b[2J"]));

        var tags = await List(registry);

        Assert.Equal(["1.0.0"], tags.Select(t => t.Tag));
        Assert.DoesNotContain(log.All, c => c is '\u001b');
    }

    [Fact]
    public async Task AHugeBodyWithoutContentLengthIsCutOffWithLimitsExceeded()
    {
        var written = 0L;
        await using var registry = new FakeRegistry(_ => new FakeResponse(200)
        {
            WriteBody = async (stream, ct) =>
            {
                await stream.WriteAsync("{\"tags\":["u8.ToArray(), ct);
                var chunk = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("\"1.0.0\",", 8192)));
                for (var i = 0; i < 64; i++) // 4 MiB at most, so the test ends even if the client never stops reading
                {
                    await stream.WriteAsync(chunk, ct);
                    Interlocked.Add(ref written, chunk.Length);
                }

                await stream.WriteAsync("\"9.9.9\"]}"u8.ToArray(), ct);
            },
        });

        var error = await Assert.ThrowsAsync<AutomationException>(() => List(registry, new RegistryOptions { MaxResponseBytes = 1024 * 1024 }));

        Assert.Equal(ErrorKind.LimitsExceeded, error.Kind);
        Assert.Equal("RegistryResponseTooLarge", error.ErrorId);
        Assert.Contains("1048576", error.Message);
        Assert.Single(registry.Requests); // not retried
    }

    [Fact]
    public async Task AnAnnouncedHugeBodyIsRefusedBeforeItIsRead()
    {
        await using var registry = new FakeRegistry(_ => new FakeResponse(200)
        {
            ContentLength = 2000L * 1024 * 1024,
            WriteBody = (stream, ct) => stream.WriteAsync("{\"tags\":[\"1\"]}"u8.ToArray(), ct).AsTask(),
        });

        var error = await Assert.ThrowsAsync<AutomationException>(() => List(registry));

        Assert.Equal("RegistryResponseTooLarge", error.ErrorId);
        Assert.Contains("raise the response limit", error.RecommendedAction);
    }

    [Fact]
    public async Task TheLimitDoesNotApplyToTheSizeAHeadAnnounces()
    {
        const string digest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
        await using var registry = new FakeRegistry(_ => new FakeResponse(200) { ContentLength = 64L * 1024 * 1024 }.WithHeader("Docker-Content-Digest", digest));

        var found = await Client(new RegistryOptions { MaxResponseBytes = 1024 }).GetDigestAsync(ImageReference.Parse($"{registry.Host}/test/app"), "1.0", log, default);

        Assert.Equal(digest, found);
    }

    [Fact]
    public async Task ResponsesUpToTheLimitAreRead()
    {
        var tags = Enumerable.Range(0, 20000).Select(i => $"1.0.{i}").ToList();
        await using var registry = new FakeRegistry(_ => FakeResponse.Tags(tags));

        var listed = await List(registry, new RegistryOptions { MaxResponseBytes = 1024 * 1024 });

        Assert.Equal(20000, listed.Count);
    }

    [Fact]
    public async Task AVeryLongTagIsRefusedWithAShortMessage()
    {
        await using var registry = new FakeRegistry(_ => new FakeResponse(404));
        var tag = "1" + new string('a', 1024 * 1024);

        var error = await Assert.ThrowsAsync<AutomationException>(() =>
            Client(new RegistryOptions()).GetDigestAsync(ImageReference.Parse($"{registry.Host}/test/app"), tag, log, default));

        Assert.Equal("InvalidTag", error.ErrorId);
        Assert.True(error.Message.Length < 500, $"{error.Message.Length} characters");
        Assert.Contains("1048577 characters", error.Message);
        Assert.Empty(registry.Requests);
    }

    [Fact]
    public async Task ADigestHeaderThatIsNotADigestIsInvalidData()
    {
        await using var registry = new FakeRegistry(_ => new FakeResponse(200).WithHeader("Docker-Content-Digest", "sha256:abc; rm -rf /"));

        var error = await Assert.ThrowsAsync<AutomationException>(() =>
            Client(new RegistryOptions()).GetDigestAsync(ImageReference.Parse($"{registry.Host}/test/app"), "1.0", log, default));

        Assert.Equal(ErrorKind.InvalidData, error.Kind);
        Assert.Equal("RegistryDigestInvalid", error.ErrorId);
    }

    [Fact]
    public async Task AnUnreachableTokenServiceIsNamedNotTheRegistry()
    {
        var realm = $"http://127.0.0.1:{FreePort()}/token";
        await using var registry = new FakeRegistry(_ =>
            FakeResponse.Error(401, "UNAUTHORIZED").WithHeader("WWW-Authenticate", $"Bearer realm=\"{realm}\",service=\"svc\""));

        var error = await Assert.ThrowsAsync<AutomationException>(() => List(registry, new RegistryOptions { Retry = new RetryOptions { MaxRetries = 0 } }));

        Assert.Equal(ErrorKind.ConnectionError, error.Kind);
        Assert.Contains($"token service {realm}", error.Message);
        Assert.Contains(registry.Host, error.Message);
    }

    private static void AssertNoSecret(string text)
    {
        Assert.DoesNotContain(Password, text);
        Assert.DoesNotContain(BasicValue, text);
        Assert.DoesNotContain(BasicValue[..16], text);
    }
}
