using System.Text;
using TazLab.ImageAutomation.Engine.Diagnostics;
using TazLab.ImageAutomation.Engine.Registry;
using TazLab.ImageAutomation.Tests.Registry.Support;

namespace TazLab.ImageAutomation.Tests.Registry;

/// <summary>
/// Against Debian's docker-registry (distribution 2.8) started by the test: anonymous, htpasswd, token auth, TLS.
/// Every test uses a private cache so nothing learned by one registry helps another.
/// </summary>
public sealed class RegistryClientDockerRegistryTests : IDisposable
{
    private static readonly string[] SeedTags = ["latest", "1.0.0", "1.10.0", "1.2.0-alpine", "1.2.0", "2.0.0-rc1", "v1.3.0", "sha256-0123abcd.sig"];

    private readonly RecordingLog log = new();
    private readonly List<string> scratch = [];

    public void Dispose() => scratch.ForEach(d => Directory.Delete(d, recursive: true));

    [Fact]
    public async Task ListsAnAnonymousRegistrySortedWithoutSignatures()
    {
        await using var registry = await DockerRegistry.StartAsync();
        registry.AddTags("test/app", SeedTags);
        var image = ImageReference.Parse($"{registry.Host}/test/app");

        var tags = await Client().ListTagsAsync(image, log, default);

        Assert.Equal(["1.0.0", "1.10.0", "1.2.0", "1.2.0-alpine", "2.0.0-rc1", "latest", "v1.3.0"], tags.Select(t => t.Tag));
        var first = tags[0];
        Assert.Equal(($"{registry.Host}/test/app", $"{registry.Host}/test/app", registry.Host, "test/app"),
            (first.Image, first.CanonicalImage, first.Registry, first.Repository));
        Assert.Contains(log.VerboseLines, l => l.Contains("7 tags") && l.Contains("1 excluded"));
    }

    [Fact]
    public async Task AnUnknownRepositoryIsObjectNotFoundNamingImageAndRegistry()
    {
        await using var registry = await DockerRegistry.StartAsync();

        var error = await Assert.ThrowsAsync<AutomationException>(() =>
            Client().ListTagsAsync(ImageReference.Parse($"{registry.Host}/nope/nope"), log, default));

        Assert.Equal(ErrorKind.ObjectNotFound, error.Kind);
        Assert.Contains("NAME_UNKNOWN", error.Message);
        Assert.Contains($"'{registry.Host}/nope/nope'", error.Message);
        Assert.Contains($"registry '{registry.Host}'", error.Message);
    }

    [Fact]
    public async Task LooksUpTheManifestDigestOfATag()
    {
        await using var registry = await DockerRegistry.StartAsync();
        var digest = registry.AddTags("test/app", ["1.0.0"]);
        var image = ImageReference.Parse($"{registry.Host}/test/app");

        Assert.Equal(digest, await Client().GetDigestAsync(image, "1.0.0", log, default));

        var missing = await Assert.ThrowsAsync<AutomationException>(() => Client().GetDigestAsync(image, "9.9.9", log, default));
        Assert.Equal(ErrorKind.ObjectNotFound, missing.Kind);
        Assert.Contains("'9.9.9'", missing.Message);

        var invalid = await Assert.ThrowsAsync<AutomationException>(() => Client().GetDigestAsync(image, "-bad", log, default));
        Assert.Equal(ErrorKind.InvalidArgument, invalid.Kind);
    }

    [Fact]
    public async Task HtpasswdRegistryNeedsTheRightCredentials()
    {
        await using var registry = await DockerRegistry.StartWithBasicAuthAsync("alice", "s3cret-pw");
        registry.AddTags("test/app", ["1.0.0"]);
        var image = ImageReference.Parse($"{registry.Host}/test/app");

        var tags = await Client(new RegistryOptions { Credential = new RegistryCredential("alice", "s3cret-pw") }).ListTagsAsync(image, log, default);
        Assert.Equal(["1.0.0"], tags.Select(t => t.Tag));

        var anonymous = await Assert.ThrowsAsync<AutomationException>(() => Client(NoDockerConfig()).ListTagsAsync(image, log, default));
        Assert.Equal(ErrorKind.AuthenticationError, anonymous.Kind);
        Assert.Contains("anonymously", anonymous.Message);
        Assert.Contains(Setting.RegistryCredential, anonymous.Settings);

        var wrong = await Assert.ThrowsAsync<AutomationException>(() =>
            Client(new RegistryOptions { Credential = new RegistryCredential("alice", "wrong") }).ListTagsAsync(image, log, default));
        Assert.Equal(ErrorKind.AuthenticationError, wrong.Kind);
        Assert.Contains("user 'alice' from the given credential", wrong.Message);
    }

    [Theory]
    [InlineData("auth")]
    [InlineData("username")]
    public async Task HtpasswdRegistryWithCredentialsFromDockerConfig(string shape)
    {
        await using var registry = await DockerRegistry.StartWithBasicAuthAsync("bob", "from-config");
        registry.AddTags("test/app", ["2.0.0"]);
        var entry = shape == "auth"
            ? $$$$"""{"auth":"{{{{Convert.ToBase64String(Encoding.UTF8.GetBytes("bob:from-config"))}}}}"}"""
            : """{"username":"bob","password":"from-config"}""";
        var config = WriteDockerConfig($$$$"""{"auths":{"http://{{{{registry.Host}}}}/v2/":{{{{entry}}}}}}""");

        var tags = await Client(new RegistryOptions { GetEnvironmentVariable = config }).ListTagsAsync(ImageReference.Parse($"{registry.Host}/test/app"), log, default);

        Assert.Equal(["2.0.0"], tags.Select(t => t.Tag));
        Assert.Contains(log.VerboseLines, l => l.Contains("user 'bob' from 'auths'"));
    }

    [Fact]
    public async Task ExplicitCredentialWinsOverDockerConfig()
    {
        await using var registry = await DockerRegistry.StartWithBasicAuthAsync("carol", "explicit");
        registry.AddTags("test/app", ["3.0.0"]);
        var config = WriteDockerConfig($$$$"""{"auths":{"{{{{registry.Host}}}}":{"username":"carol","password":"stale"}}}""");
        var options = new RegistryOptions { Credential = new RegistryCredential("carol", "explicit"), GetEnvironmentVariable = config };

        var tags = await Client(options).ListTagsAsync(ImageReference.Parse($"{registry.Host}/test/app"), log, default);

        Assert.Equal(["3.0.0"], tags.Select(t => t.Tag));
    }

    [Fact]
    public async Task TokenAuthAnonymous()
    {
        await using var tokens = new TokenIssuer();
        await using var registry = await DockerRegistry.StartWithTokenAuthAsync(tokens);
        registry.AddTags("test/app", ["1.0.0", "1.1.0"]);

        var tags = await Client(NoDockerConfig()).ListTagsAsync(ImageReference.Parse($"{registry.Host}/test/app"), log, default);

        Assert.Equal(["1.0.0", "1.1.0"], tags.Select(t => t.Tag));
        var request = Assert.Single(tokens.Server.Requests);
        Assert.Null(request.Authorization);
        Assert.Equal("repository:test/app:pull", request.Query("scope"));
        Assert.Equal(TokenIssuer.Service, request.Query("service"));
    }

    [Fact]
    public async Task TokenAuthWithCredentialsSendsBasicToTheRealmAndCachesTheToken()
    {
        await using var tokens = new TokenIssuer("dave", "t0ken-pw");
        await using var registry = await DockerRegistry.StartWithTokenAuthAsync(tokens);
        registry.AddTags("test/app", ["1.0.0"]);
        registry.AddTags("test/other", ["5.0"]);
        var client = Client(new RegistryOptions { Credential = new RegistryCredential("dave", "t0ken-pw"), Cache = new RegistryCache(TimeProvider.System) });

        await client.ListTagsAsync(ImageReference.Parse($"{registry.Host}/test/app"), log, default);
        await client.ListTagsAsync(ImageReference.Parse($"{registry.Host}/test/app"), log, default);
        var other = await client.ListTagsAsync(ImageReference.Parse($"{registry.Host}/test/other"), log, default);

        Assert.Equal(["5.0"], other.Select(t => t.Tag));
        Assert.Equal(2, tokens.Issued); // one per scope; the second listing of test/app reused its token
        Assert.Equal(["repository:test/app:pull", "repository:test/other:pull"], tokens.Server.Requests.Select(r => r.Query("scope")));
        Assert.All(tokens.Server.Requests, r => Assert.Single(r.Target.Split('&'), p => p.StartsWith("scope=")));
        Assert.All(tokens.Server.Requests, r => Assert.StartsWith("Basic ", r.Authorization));
        Assert.All(tokens.Server.Requests, r => Assert.Equal("dave", r.Query("account")));
    }

    [Fact]
    public async Task TokenAuthRejectsWrongCredentials()
    {
        await using var tokens = new TokenIssuer("erin", "right");
        await using var registry = await DockerRegistry.StartWithTokenAuthAsync(tokens);
        registry.AddTags("test/app", ["1.0.0"]);

        var error = await Assert.ThrowsAsync<AutomationException>(() =>
            Client(new RegistryOptions { Credential = new RegistryCredential("erin", "wrong") }).ListTagsAsync(ImageReference.Parse($"{registry.Host}/test/app"), log, default));

        Assert.Equal(ErrorKind.AuthenticationError, error.Kind);
        Assert.Contains("user 'erin'", error.Message);
    }

    [Fact]
    public async Task TokenAuthWithAnIdentityTokenUsesTheOAuth2RefreshFlow()
    {
        await using var tokens = new TokenIssuer("frank", "refresh-token-value");
        await using var registry = await DockerRegistry.StartWithTokenAuthAsync(tokens);
        registry.AddTags("test/app", ["1.0.0"]);
        var config = WriteDockerConfig($$$$"""{"auths":{"{{{{registry.Host}}}}":{"identitytoken":"refresh-token-value"}}}""");

        var tags = await Client(new RegistryOptions { GetEnvironmentVariable = config }).ListTagsAsync(ImageReference.Parse($"{registry.Host}/test/app"), log, default);

        Assert.Equal(["1.0.0"], tags.Select(t => t.Tag));
        var request = Assert.Single(tokens.Server.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Contains("grant_type=refresh_token", request.Body);
    }

    [Fact]
    public async Task TlsRegistryIsVerifiedWithTheGivenCaAndRefusedWithoutIt()
    {
        await using var registry = await DockerRegistry.StartAsync(tls: true);
        registry.AddTags("test/app", ["1.0.0"]);
        var image = ImageReference.Parse($"{registry.Host}/test/app");

        var refused = await Assert.ThrowsAsync<AutomationException>(() => Client().ListTagsAsync(image, log, default));
        Assert.Equal("RegistryCertificateUntrusted", refused.ErrorId);
        Assert.Contains(Setting.RegistryCertificate, refused.Settings);

        var verified = await Client(new RegistryOptions { CertificatePath = Path.Combine(registry.Directory, "ca.crt") }).ListTagsAsync(image, log, default);
        Assert.Equal(["1.0.0"], verified.Select(t => t.Tag));

        var skipped = await Client(new RegistryOptions { SkipCertificateCheck = true }).ListTagsAsync(image, log, default);
        Assert.Equal(["1.0.0"], skipped.Select(t => t.Tag));
    }

    [Fact]
    public async Task ATlsRegistryWherePlainHttpWasRememberedIsFoundOutAgain()
    {
        await using var registry = await DockerRegistry.StartAsync(tls: true);
        registry.AddTags("test/app", ["1.0.0"]);
        var cache = new RegistryCache(TimeProvider.System);
        cache.RememberScheme(registry.Host, "http"); // a plain registry used this port before

        var tags = await Client(new RegistryOptions { SkipCertificateCheck = true, Cache = cache }).ListTagsAsync(ImageReference.Parse($"{registry.Host}/test/app"), log, default);

        Assert.Equal(["1.0.0"], tags.Select(t => t.Tag));
        Assert.Equal("https", cache.SchemeFor(registry.Host));
    }

    [Fact]
    public async Task AWrongCaIsStillRefused()
    {
        await using var registry = await DockerRegistry.StartAsync(tls: true);
        registry.AddTags("test/app", ["1.0.0"]);
        var otherCa = TestCertificates.WriteServerCertificate(Scratch()).CaPath;

        var refused = await Assert.ThrowsAsync<AutomationException>(() =>
            Client(new RegistryOptions { CertificatePath = otherCa }).ListTagsAsync(ImageReference.Parse($"{registry.Host}/test/app"), log, default));

        Assert.Equal("RegistryCertificateUntrusted", refused.ErrorId);
    }

    [Fact]
    public void AnUnreadableCaFileIsAnInvalidArgument()
    {
        var error = Assert.Throws<AutomationException>(() => new RegistryClient(new RegistryOptions { CertificatePath = "/nonexistent/ca.pem" }));

        Assert.Equal(ErrorKind.InvalidArgument, error.Kind);
        Assert.Contains("/nonexistent/ca.pem", error.Message);
    }

    [Theory]
    [InlineData("docker.io")]
    [InlineData("index.docker.io")]
    [InlineData("registry-1.docker.io")]
    public async Task ListsDockerHubImagesFromAMirrorKeepingTheirNames(string hubName)
    {
        await using var mirror = await DockerRegistry.StartAsync();
        mirror.AddTags("tazzo/tazlab-blog", ["blog-44-aaaaaaa", "blog-45-a1b2c3d"]);
        mirror.AddTags("library/alpine", ["3.20"]);
        var client = Client(new RegistryOptions { Mirrors = new Dictionary<string, string> { [hubName] = mirror.BaseUri.AbsoluteUri } });

        var blog = await client.ListTagsAsync(ImageReference.Parse("tazzo/tazlab-blog"), log, default);
        var alpine = await client.ListTagsAsync(ImageReference.Parse("docker.io/alpine"), log, default);

        Assert.Equal(["blog-44-aaaaaaa", "blog-45-a1b2c3d"], blog.Select(t => t.Tag));
        Assert.All(blog, t => Assert.Equal(("tazzo/tazlab-blog", "index.docker.io/tazzo/tazlab-blog", "index.docker.io"), (t.Image, t.CanonicalImage, t.Registry)));
        Assert.Equal(("docker.io/alpine", "3.20"), (alpine[0].Image, alpine[0].Tag));

        var missing = await Assert.ThrowsAsync<AutomationException>(() => client.ListTagsAsync(ImageReference.Parse("tazzo/missing"), log, default));
        Assert.Contains($"registry 'index.docker.io' (mirror http://{mirror.Host})", missing.Message);
    }

    [Fact]
    public void AnInsecureMirrorElsewhereNeedsAllowInsecureHttp()
    {
        var mirrors = new Dictionary<string, string> { ["docker.io"] = "http://mirror.example:5000" };

        var error = Assert.Throws<AutomationException>(() => new RegistryClient(new RegistryOptions { Mirrors = mirrors }));
        Assert.Equal("InsecureRegistryMirror", error.ErrorId);

        _ = new RegistryClient(new RegistryOptions { Mirrors = mirrors, AllowInsecureHttp = true });
        Assert.Equal("InvalidRegistryMirror", Assert.Throws<AutomationException>(() =>
            new RegistryClient(new RegistryOptions { Mirrors = new Dictionary<string, string> { ["ghcr.io"] = "https://m.example/some/path" } })).ErrorId);

        var withPassword = Assert.Throws<AutomationException>(() =>
            new RegistryClient(new RegistryOptions { Mirrors = new Dictionary<string, string> { ["ghcr.io"] = "https://bob:hunter2@m.example" } }));
        Assert.Equal("InvalidRegistryMirror", withPassword.ErrorId);
        Assert.DoesNotContain("hunter2", withPassword.Message + withPassword.Target);
    }

    [Fact]
    public async Task ListsManyImagesConcurrentlyInInputOrderWithFailuresInPlace()
    {
        await using var registry = await DockerRegistry.StartAsync();
        var names = Enumerable.Range(0, 12).Select(i => $"team/app{i}").ToList();
        foreach (var name in names)
        {
            registry.AddTags(name, [$"{name.Length}.0", "1.0"]);
        }

        var client = Client();
        using var queue = new OrderedWorkQueue<IReadOnlyList<ListedTag>>(4, default);
        var images = names.Take(5).Append("team/missing").Concat(names.Skip(5)).ToList();
        foreach (var name in images)
        {
            queue.Add((itemLog, ct) => client.ListTagsAsync(ImageReference.Parse($"{registry.Host}/{name}"), itemLog, ct));
        }

        var outcomes = queue.TakeAll().ToList();

        Assert.Equal(images.Select(n => $"{registry.Host}/{n}"), outcomes.Select(o => o.Value?[0].Image ?? ((AutomationException)o.Error!).Target));
        Assert.Equal(ErrorKind.ObjectNotFound, Assert.IsType<AutomationException>(outcomes[5].Error).Kind);
        Assert.Equal(12, outcomes.Count(o => o.Value is { Count: 2 }));
    }

    [Fact]
    public async Task NoSecretReachesLogsOrErrors()
    {
        const string password = "Zebra-Quokka-7731-SECRET";
        var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes("gina:" + password));
        await using var tokens = new TokenIssuer("gina", password);
        await using var tokenRegistry = await DockerRegistry.StartWithTokenAuthAsync(tokens);
        tokenRegistry.AddTags("test/app", ["1.0.0"]);
        await using var basicRegistry = await DockerRegistry.StartWithBasicAuthAsync("gina", password);
        basicRegistry.AddTags("test/app", ["1.0.0"]);
        var texts = new List<string>();

        foreach (var host in new[] { tokenRegistry.Host, basicRegistry.Host })
        {
            var image = ImageReference.Parse($"{host}/test/app");
            await Client(new RegistryOptions { Credential = new RegistryCredential("gina", password) }).ListTagsAsync(image, log, default);
            await Client(new RegistryOptions { Credential = new RegistryCredential("gina", password) }).GetDigestAsync(image, "1.0.0", log, default);
            texts.Add((await Assert.ThrowsAsync<AutomationException>(() => Client(new RegistryOptions { Credential = new RegistryCredential("gina", password + "x") })
                .ListTagsAsync(image, log, default))).ToString());
            texts.Add((await Assert.ThrowsAsync<AutomationException>(() => Client(new RegistryOptions { Credential = new RegistryCredential("gina", password) })
                .ListTagsAsync(ImageReference.Parse($"{host}/test/missing"), log, default))).ToString());
        }

        // The same secret as docker's identity token (OAuth2 refresh grant), right and wrong.
        var tokenImage = ImageReference.Parse($"{tokenRegistry.Host}/test/app");
        await Client(new RegistryOptions { GetEnvironmentVariable = IdentityTokenConfig(tokenRegistry.Host, password) })
            .ListTagsAsync(tokenImage, log, default);
        texts.Add((await Assert.ThrowsAsync<AutomationException>(() =>
            Client(new RegistryOptions { GetEnvironmentVariable = IdentityTokenConfig(tokenRegistry.Host, password + "x") })
                .ListTagsAsync(tokenImage, log, default))).ToString());

        texts.Add(log.All);
        texts.Add(new RegistryCredential("gina", password).ToString());
        texts.Add(new RegistryCredential("<token>", password, isIdentityToken: true).ToString());
        var everything = string.Join("\n", texts);
        Assert.NotEmpty(tokens.IssuedTokens);
        Assert.DoesNotContain(password, everything);
        Assert.DoesNotContain(basic, everything);
        Assert.All(tokens.IssuedTokens, token => Assert.DoesNotContain(token, everything));
        Assert.DoesNotContain("Authorization", everything, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>A client with a private cache and, unless the test gives one, no docker config.</summary>
    private static RegistryClient Client(RegistryOptions? options = null)
    {
        options ??= new RegistryOptions();
        var realEnvironment = options.GetEnvironmentVariable == (Func<string, string?>)Environment.GetEnvironmentVariable;
        return new RegistryClient(options with
        {
            Cache = options.Cache == RegistryCache.Shared ? new RegistryCache(TimeProvider.System) : options.Cache,
            GetEnvironmentVariable = realEnvironment ? NoDockerConfig().GetEnvironmentVariable : options.GetEnvironmentVariable,
        });
    }

    /// <summary>No DOCKER_CONFIG and no HOME, so the developer's own docker login never leaks into a test.</summary>
    private static RegistryOptions NoDockerConfig() => new() { GetEnvironmentVariable = _ => null };

    private string Scratch()
    {
        var directory = DockerRegistry.NewDirectory();
        scratch.Add(directory);
        return directory;
    }

    private Func<string, string?> IdentityTokenConfig(string host, string identityToken) =>
        WriteDockerConfig(System.Text.Json.JsonSerializer.Serialize(new { auths = new Dictionary<string, object> { [host] = new { identitytoken = identityToken } } }));

    private Func<string, string?> WriteDockerConfig(string json)
    {
        var directory = Scratch();
        File.WriteAllText(Path.Combine(directory, "config.json"), json);
        return name => name == "DOCKER_CONFIG" ? directory : null;
    }
}
