using System.Net;
using System.Net.Sockets;
using TazLab.ImageAutomation.Engine.Diagnostics;
using TazLab.ImageAutomation.Engine.Registry;
using TazLab.ImageAutomation.Tests.Registry.Support;

namespace TazLab.ImageAutomation.Tests.Registry;

/// <summary>What distribution 2.8 cannot show: paging, retries, broken and slow answers, ghcr.io's DENIED, rate-limit headers.</summary>
public sealed partial class RegistryClientFakeServerTests
{
    private readonly RecordingLog log = new();
    private readonly RecordingTimeProvider time = new(new DateTimeOffset(2026, 11, 28, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task FollowsRelativeLinksSendsPageSizeAndDeduplicates()
    {
        await using var registry = new FakeRegistry(request => request.Query("last") switch
        {
            null => FakeResponse.Tags(["b", "a"], "</v2/test/app/tags/list?last=b&n=2>; rel=\"next\""),
            "b" => FakeResponse.Tags(["b", "c"], "</v2/test/app/tags/list?last=c&n=2>; rel=\"next\""),
            _ => FakeResponse.Tags(["0.9"]),
        });

        var tags = await List(registry);

        Assert.Equal(["0.9", "a", "b", "c"], tags.Select(t => t.Tag)); // ordinal order, each once
        Assert.Equal(["/v2/test/app/tags/list?n=1000", "/v2/test/app/tags/list?last=b&n=2", "/v2/test/app/tags/list?last=c&n=2"],
            registry.Requests.Select(r => r.Target));
    }

    [Fact]
    public async Task FollowsAbsoluteLinksWithOpaqueCursorsVerbatim()
    {
        const string cursor = "/v2/test/app/tags/list?next_page=gAAAAABk%2Bz_%3D%3D&n=50";
        FakeRegistry? self = null;
        await using var registry = self = new FakeRegistry(request => request.Target == cursor
            ? FakeResponse.Tags(["2"])
            : FakeResponse.Tags(["1"], $"<{self!.BaseUri.AbsoluteUri.TrimEnd('/')}{cursor}>; rel=\"next\""));

        var tags = await List(registry);

        Assert.Equal(["1", "2"], tags.Select(t => t.Tag));
        Assert.Equal(cursor, registry.Requests.Last().Target);
    }

    [Fact]
    public async Task DoesNotFollowALinkToAnotherOrigin()
    {
        await using var elsewhere = new FakeRegistry(_ => FakeResponse.Tags(["stolen"]));
        await using var registry = new FakeRegistry(_ => FakeResponse.Tags(["1"], $"<{elsewhere.BaseUri}v2/test/app/tags/list?last=1>; rel=\"next\""));

        var tags = await List(registry);

        Assert.Equal(["1"], tags.Select(t => t.Tag));
        Assert.Empty(elsewhere.Requests);
        Assert.Contains("another origin", Assert.Single(log.Warnings));
    }

    [Fact]
    public async Task StopsAtALinkLoopWithAWarning()
    {
        await using var registry = new FakeRegistry(request => request.Query("page") == "2"
            ? FakeResponse.Tags(["b"], "</v2/test/app/tags/list?n=1000>; rel=\"next\"")
            : FakeResponse.Tags(["a"], "</v2/test/app/tags/list?page=2>; rel=\"next\""));

        var tags = await List(registry);

        Assert.Equal(["a", "b"], tags.Select(t => t.Tag));
        Assert.Equal(2, registry.Requests.Count);
        Assert.Contains("already read", Assert.Single(log.Warnings));
    }

    [Fact]
    public async Task StopsAtThePageCapWithAWarning()
    {
        await using var registry = new FakeRegistry(request =>
        {
            var page = int.Parse(request.Query("page") ?? "1");
            return FakeResponse.Tags([$"t{page}"], $"</v2/test/app/tags/list?page={page + 1}>; rel=\"next\"");
        });

        var tags = await List(registry, new RegistryOptions { MaxPages = 3 });

        Assert.Equal(["t1", "t2", "t3"], tags.Select(t => t.Tag));
        Assert.Equal(3, registry.Requests.Count);
        Assert.Contains("after 3 pages", Assert.Single(log.Warnings));
    }

    [Fact]
    public async Task WaitsWhatRetryAfterSaysInSecondsThenSucceeds()
    {
        var calls = 0;
        await using var registry = new FakeRegistry(_ => Interlocked.Increment(ref calls) == 1
            ? FakeResponse.Error(429, "TOOMANYREQUESTS").WithHeader("Retry-After", "7")
            : FakeResponse.Tags(["1.0"]));

        var tags = await List(registry);

        Assert.Equal(["1.0"], tags.Select(t => t.Tag));
        Assert.Equal([TimeSpan.FromSeconds(7)], time.Delays);
    }

    [Fact]
    public async Task WaitsUntilARetryAfterDate()
    {
        var calls = 0;
        await using var registry = new FakeRegistry(_ => Interlocked.Increment(ref calls) == 1
            ? new FakeResponse(503) { Headers = { ["Retry-After"] = time.Now.AddSeconds(12).ToString("R") } }
            : FakeResponse.Tags(["1.0"]));

        await List(registry);

        Assert.Equal([TimeSpan.FromSeconds(12)], time.Delays);
    }

    [Fact]
    public async Task GivesUpAtOnceWhenRetryAfterExceedsTheCap()
    {
        await using var registry = new FakeRegistry(_ => FakeResponse.Error(429, "TOOMANYREQUESTS", "You have reached your pull rate limit.").WithHeader("Retry-After", "3600"));

        var error = await Assert.ThrowsAsync<AutomationException>(() => List(registry));

        Assert.Equal(ErrorKind.LimitsExceeded, error.Kind);
        Assert.Contains("TOOMANYREQUESTS", error.Message);
        Assert.Contains("127.0.0.1", error.Message);
        Assert.Single(registry.Requests);
        Assert.Empty(time.Delays);
    }

    [Fact]
    public async Task BacksOffExponentiallyWithJitterAndReportsLimitsExceededAfterTheRetries()
    {
        await using var registry = new FakeRegistry(_ => new FakeResponse(429, "Too Many Requests (HAP429)") { Headers = { ["Content-Type"] = "text/plain" } });
        var retry = new RetryOptions { MaxRetries = 3, BaseDelay = TimeSpan.FromSeconds(1), MaxDelay = TimeSpan.FromSeconds(3) };

        var error = await Assert.ThrowsAsync<AutomationException>(() => List(registry, new RegistryOptions { Retry = retry }));

        Assert.Equal(ErrorKind.LimitsExceeded, error.Kind);
        Assert.Equal(4, registry.Requests.Count);
        var delays = time.Delays.Select(d => d.TotalSeconds).ToList();
        Assert.Equal(3, delays.Count);
        Assert.InRange(delays[0], 0.5, 1);
        Assert.InRange(delays[1], 1, 2);
        Assert.InRange(delays[2], 1.5, 3); // 4 s capped at MaxDelay
    }

    [Theory]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(504)]
    [InlineData(408)]
    public async Task RetriesTransientStatusesThenSucceeds(int status)
    {
        var calls = 0;
        await using var registry = new FakeRegistry(_ => Interlocked.Increment(ref calls) == 1 ? new FakeResponse(status) : FakeResponse.Tags(["ok"]));

        Assert.Equal(["ok"], (await List(registry)).Select(t => t.Tag));
        Assert.Equal(2, registry.Requests.Count);
    }

    [Fact]
    public async Task RetriesADroppedConnection()
    {
        var calls = 0;
        await using var registry = new FakeRegistry(_ => Interlocked.Increment(ref calls) == 1 ? new FakeResponse(200) { Reset = true } : FakeResponse.Tags(["ok"]));

        Assert.Equal(["ok"], (await List(registry)).Select(t => t.Tag));
        Assert.Equal(2, registry.Requests.Count);
    }

    [Fact]
    public async Task ABodyCutShortByTheConnectionIsRetried()
    {
        var calls = 0;
        await using var registry = new FakeRegistry(_ => Interlocked.Increment(ref calls) == 1
            ? FakeResponse.Tags(["a"]) with { ContentLength = 500 }
            : FakeResponse.Tags(["a", "b"]));

        Assert.Equal(["a", "b"], (await List(registry)).Select(t => t.Tag));
    }

    [Fact]
    public async Task TruncatedJsonIsInvalidData()
    {
        await using var registry = new FakeRegistry(_ => new FakeResponse(200, """{"name":"test/app","tags":["1.0","1."""));

        var error = await Assert.ThrowsAsync<AutomationException>(() => List(registry));

        Assert.Equal(ErrorKind.InvalidData, error.Kind);
        Assert.Equal("RegistryResponseInvalid", error.ErrorId);
    }

    [Fact]
    public async Task NullEmptyInvalidAndMissingTagListsAreNotTags()
    {
        await using var registry = new FakeRegistry(request => request.Query("p") == "2"
            ? new FakeResponse(200, """{"name":"test/app","tags":null}""")
            : new FakeResponse(200, """{"name":"test/app","tags":["1.0",null,"",42,"sha256:0123abcd",".hidden","_ok"]}""") { Headers = { ["Link"] = "</v2/test/app/tags/list?p=2>; rel=\"next\"" } });

        Assert.Equal(["1.0", "_ok"], (await List(registry)).Select(t => t.Tag));
        Assert.Contains(log.VerboseLines, l => l.Contains("Dropped 5 entries"));
    }

    [Fact]
    public async Task ASlowRegistryTimesOut()
    {
        await using var registry = new FakeRegistry(_ => FakeResponse.Tags(["late"]) with { Delay = TimeSpan.FromSeconds(30) });

        var error = await Assert.ThrowsAsync<AutomationException>(() => List(registry, new RegistryOptions { Timeout = TimeSpan.FromMilliseconds(800) }));

        Assert.Equal(ErrorKind.OperationTimeout, error.Kind);
        Assert.Contains("0.8 s", error.Message);
    }

    [Fact]
    public async Task CancellingStopsTheRequestInFlight()
    {
        await using var registry = new FakeRegistry(request => request.Path == "/v2/" ? new FakeResponse(200, "{}") : FakeResponse.Tags(["late"]) with { Delay = TimeSpan.FromSeconds(30) });
        using var cancel = new CancellationTokenSource();
        var client = Client(new RegistryOptions());

        var listing = client.ListTagsAsync(ImageReference.Parse($"{registry.Host}/test/app"), log, cancel.Token);
        while (registry.Requests.IsEmpty)
        {
            await Task.Delay(10);
        }

        cancel.Cancel();

        // The server would answer after 30 s; a TimeoutException here means the request was not cancelled.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => listing.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task FallsBackToAnonymousWhenTheTokenServiceSaysDeniedWithoutAChallenge()
    {
        await using var tokens = new TokenIssuer("someone", "right", anonymous: true, deniedWithoutChallenge: true);
        await using var registry = BearerRegistry(tokens, _ => FakeResponse.Tags(["public"]));

        var client = Client(new RegistryOptions { Credential = new RegistryCredential("stale", "expired-pat") });

        var tags = await client.ListTagsAsync(ImageReference.Parse($"{registry.Host}/test/app"), log, default);
        var again = await client.ListTagsAsync(ImageReference.Parse($"{registry.Host}/test/other"), log, default);

        Assert.Equal(["public"], tags.Select(t => t.Tag));
        Assert.Equal(["public"], again.Select(t => t.Tag));
        Assert.Contains("DENIED", Assert.Single(log.Warnings));
        Assert.Contains("anonymously", log.Warnings[0]);
        Assert.Single(tokens.Server.Requests, r => r.Authorization is not null); // the refused credential was not tried twice
    }

    [Fact]
    public async Task FallsBackToAnonymousOnceWhenTheRegistrySaysDeniedWithoutAChallenge()
    {
        // ghcr.io: a token issued for stale credentials is refused with a bare DENIED; the anonymous one works.
        await using var tokens = new TokenIssuer("someone", "pat", anonymous: true);
        await using var registry = BearerRegistry(tokens, request => tokens.TokensForCredentials.Contains(request.Authorization!["Bearer ".Length..])
            ? FakeResponse.Error(403, "DENIED", "permission_denied: read_package")
            : FakeResponse.Tags(["public"]));

        var tags = await List(registry, new RegistryOptions { Credential = new RegistryCredential("someone", "pat") });

        Assert.Equal(["public"], tags.Select(t => t.Tag));
        Assert.Contains("anonymously", Assert.Single(log.Warnings));
    }

    [Fact]
    public async Task ADeniedWithoutCredentialsIsPermissionDenied()
    {
        await using var registry = new FakeRegistry(_ => FakeResponse.Error(403, "DENIED", "requested access to the resource is denied"));

        var error = await Assert.ThrowsAsync<AutomationException>(() => List(registry));

        Assert.Equal(ErrorKind.PermissionDenied, error.Kind);
        Assert.Contains("requested access to the resource is denied", error.Message);
        Assert.Single(registry.Requests);
        Assert.Empty(log.Warnings);
    }

    [Fact]
    public async Task AsksForTheScopeAnInsufficientScopeChallengeNames()
    {
        await using var tokens = new TokenIssuer();
        await using var registry = new FakeRegistry(request => request.Authorization is null
            ? new FakeResponse(401) { Headers = { ["WWW-Authenticate"] = $"Bearer realm=\"{tokens.Realm}\",service=\"svc\",scope=\"repository:test/app:pull repository:shared/base:pull\",error=\"insufficient_scope\"" } }
            : FakeResponse.Tags(["1"]));

        await List(registry);

        var tokenRequest = Assert.Single(tokens.Server.Requests);
        Assert.Equal(["repository:test/app:pull", "repository:test/app:pull repository:shared/base:pull"], ScopesOf(tokenRequest));
        Assert.Equal("svc", tokenRequest.Query("service"));
    }

    [Fact]
    public async Task ReusesCachedTokensAndChallengesUntilTheyExpire()
    {
        await using var tokens = new TokenIssuer();
        await using var registry = BearerRegistry(tokens, _ => FakeResponse.Tags(["1"]));
        var options = new RegistryOptions { Cache = new RegistryCache(time), Retry = new RetryOptions { MaxRetries = 0 } };

        await List(registry, options);
        var firstCall = registry.Requests.Count;
        await List(registry, options);

        Assert.Equal(1, tokens.Issued);
        Assert.Equal(firstCall + 1, registry.Requests.Count); // the second listing sent its token up front: one request

        time.Now = time.Now.AddSeconds(300); // the token said expires_in 300
        await List(registry, options);
        Assert.Equal(2, tokens.Issued);
    }

    [Fact]
    public async Task ForgetsARememberedChallengeWhoseTokenServiceIsGone()
    {
        var tokens = new TokenIssuer();
        var realm = tokens.Realm;
        var tokenRequired = true;
        await using var registry = new FakeRegistry(request => !tokenRequired || request.Authorization is not null
            ? FakeResponse.Tags(["1"])
            : new FakeResponse(401).WithHeader("WWW-Authenticate", $"Bearer realm=\"{realm}\",service=\"svc\""));
        var options = new RegistryOptions { Cache = new RegistryCache(time), Retry = new RetryOptions { MaxRetries = 0 } };
        await List(registry, options);

        await tokens.DisposeAsync(); // the registry dropped token auth and its token service is gone
        tokenRequired = false;
        time.Now = time.Now.AddSeconds(301); // and the cached token has expired
        var tags = await List(registry, options);

        Assert.Equal(["1"], tags.Select(t => t.Tag));
        Assert.Null(registry.Requests.Last().Authorization);
    }

    [Fact]
    public async Task FindsOutAgainWhenARememberedSchemeIsWrong()
    {
        await using var registry = new FakeRegistry(_ => FakeResponse.Tags(["1"]));
        var cache = new RegistryCache(time);
        cache.RememberScheme(registry.Host, "https"); // a TLS registry used this port before

        var tags = await List(registry, new RegistryOptions { Cache = cache });

        Assert.Equal(["1"], tags.Select(t => t.Tag));
        Assert.Equal("http", cache.SchemeFor(registry.Host));
    }

    [Fact]
    public async Task SendsBasicCredentialsToABasicRegistryAndRemembersToSendThemUpFront()
    {
        var expected = "Basic " + Convert.ToBase64String("alice:wonder-land-42"u8.ToArray());
        await using var registry = new FakeRegistry(request => request.Authorization == expected
            ? FakeResponse.Tags(["1"])
            : FakeResponse.Error(401, "UNAUTHORIZED").WithHeader("WWW-Authenticate", "Basic realm=\"basic-realm\""));
        var options = new RegistryOptions { Credential = new RegistryCredential("alice", "wonder-land-42"), Cache = new RegistryCache(time) };

        await List(registry, options);
        var before = registry.Requests.Count;
        await List(registry, options);

        Assert.Equal(before + 1, registry.Requests.Count);
        Assert.Equal(expected, registry.Requests.Last().Authorization);
    }

    [Fact]
    public async Task ABasicChallengeWithoutCredentialsIsAnAuthenticationErrorAfterOneRequest()
    {
        await using var registry = new FakeRegistry(_ => FakeResponse.Error(401, "UNAUTHORIZED").WithHeader("WWW-Authenticate", "Basic realm=\"basic-realm\""));

        var error = await Assert.ThrowsAsync<AutomationException>(() => List(registry));

        Assert.Equal(ErrorKind.AuthenticationError, error.Kind);
        Assert.Single(registry.Requests);
    }

    [Fact]
    public async Task RefusedBasicCredentialsAreNotSentTwice()
    {
        await using var registry = new FakeRegistry(_ => FakeResponse.Error(401, "UNAUTHORIZED").WithHeader("WWW-Authenticate", "Basic realm=\"basic-realm\""));
        var options = new RegistryOptions { Credential = new RegistryCredential("alice", "wrong"), Cache = new RegistryCache(time) };

        await Assert.ThrowsAsync<AutomationException>(() => List(registry, options));
        await Assert.ThrowsAsync<AutomationException>(() => List(registry, options));

        Assert.Equal(3, registry.Requests.Count); // 401, Basic 401; then Basic sent up front, 401
    }

    [Fact]
    public async Task RefusesToSendCredentialsToAPlainHttpTokenServiceElsewhere()
    {
        await using var registry = new FakeRegistry(_ => new FakeResponse(401) { Headers = { ["WWW-Authenticate"] = "Bearer realm=\"http://auth.example.invalid/token\",service=\"x\"" } });

        var error = await Assert.ThrowsAsync<AutomationException>(() => List(registry, new RegistryOptions { Credential = new RegistryCredential("u", "p") }));

        Assert.Equal("RegistryRealmInsecure", error.ErrorId);
    }

    [Fact]
    public async Task ReportsDockerHubRateLimitHeadersInVerbose()
    {
        await using var registry = new FakeRegistry(_ => FakeResponse.Tags(["1"])
            .WithHeader("ratelimit-limit", "100;w=21600").WithHeader("ratelimit-remaining", "76;w=21600").WithHeader("docker-ratelimit-source", "192.0.2.1"));

        await List(registry);

        Assert.Contains(log.VerboseLines, l => l.Contains("76 left of 100") && l.Contains("21600"));
    }

    [Fact]
    public async Task MapsStatusesToErrorKinds()
    {
        foreach (var (response, kind) in new[]
        {
            (FakeResponse.Error(404, "NAME_UNKNOWN", "repository name not known to registry"), ErrorKind.ObjectNotFound),
            (FakeResponse.Error(401, "UNAUTHORIZED"), ErrorKind.AuthenticationError),
            (new FakeResponse(500, "boom"), ErrorKind.ConnectionError),
            (new FakeResponse(400, "Client sent an HTTP request to an HTTPS server."), ErrorKind.InvalidOperation),
        })
        {
            await using var registry = new FakeRegistry(_ => response);
            var error = await Assert.ThrowsAsync<AutomationException>(() => List(registry));
            Assert.Equal(kind, error.Kind);
            Assert.Equal($"{registry.Host}/test/app", error.Target);
            Assert.Contains($"'{registry.Host}/test/app'", error.Message);
        }
    }

    [Fact]
    public async Task ANotFoundNamesTheRegistryErrorCode()
    {
        await using var registry = new FakeRegistry(_ => FakeResponse.Error(404, "NAME_UNKNOWN", "repository name not known to registry"));

        var error = await Assert.ThrowsAsync<AutomationException>(() => List(registry));

        Assert.Contains("NAME_UNKNOWN", error.Message);
        Assert.Contains($"registry '{registry.Host}'", error.Message);
    }

    [Fact]
    public async Task NothingListeningIsAConnectionError()
    {
        var port = FreePort();

        var error = await Assert.ThrowsAsync<AutomationException>(() =>
            Client(new RegistryOptions()).ListTagsAsync(ImageReference.Parse($"127.0.0.1:{port}/test/app"), log, default));

        Assert.Equal(ErrorKind.ConnectionError, error.Kind);
        Assert.Equal("RegistryUnreachable", error.ErrorId);
    }

    [Fact]
    public async Task AppliesTheExclusionListAfterPaging()
    {
        await using var registry = new FakeRegistry(_ => FakeResponse.Tags(["1.0", "sha256-abc.sig", "dev-1"]));

        Assert.Equal(["1.0", "dev-1"], (await List(registry)).Select(t => t.Tag));
        Assert.Equal(["1.0", "sha256-abc.sig"], (await Client(new RegistryOptions()).ListTagsAsync(ImageReference.Parse($"{registry.Host}/test/app"), new TagExclusion(["^dev-"]), log, default)).Select(t => t.Tag));
    }

    [Fact]
    public async Task FallsBackToSha256OfTheManifestWhenNoDigestHeaderIsSent()
    {
        const string manifest = """{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json"}""";
        await using var registry = new FakeRegistry(request => request.Path == "/v2/test/app/manifests/1.0" ? new FakeResponse(200, manifest) : new FakeResponse(404));

        var digest = await Client(new RegistryOptions()).GetDigestAsync(ImageReference.Parse($"{registry.Host}/test/app"), "1.0", log, default);

        Assert.Equal("sha256:" + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(manifest))).ToLowerInvariant(), digest);
        Assert.Equal(["HEAD", "GET"], registry.Requests.Where(r => r.Path != "/v2/").Select(r => r.Method));
        Assert.Contains("application/vnd.oci.image.index.v1+json", registry.Requests.Last().Headers["Accept"]);
    }

    private Task<IReadOnlyList<ListedTag>> List(FakeRegistry registry, RegistryOptions? options = null) =>
        Client(options ?? new RegistryOptions()).ListTagsAsync(ImageReference.Parse($"{registry.Host}/test/app"), log, default);

    /// <summary>Fast retries on a recorded clock, a private cache and no docker config, unless the test says otherwise.</summary>
    private RegistryClient Client(RegistryOptions options) => new(options with
    {
        Cache = options.Cache == RegistryCache.Shared ? new RegistryCache(time) : options.Cache,
        Retry = options.Retry == new RetryOptions() ? new RetryOptions { BaseDelay = TimeSpan.FromMilliseconds(10) } : options.Retry,
        GetEnvironmentVariable = options.GetEnvironmentVariable == (Func<string, string?>)Environment.GetEnvironmentVariable ? _ => null : options.GetEnvironmentVariable,
    });

    /// <summary>A registry that challenges for a token from <paramref name="tokens"/> and hands token-bearing requests to <paramref name="serve"/>.</summary>
    private static FakeRegistry BearerRegistry(TokenIssuer tokens, Func<FakeRequest, FakeResponse> serve) => new(request =>
        request.Authorization?.StartsWith("Bearer ") == true
            ? serve(request)
            : FakeResponse.Error(401, "UNAUTHORIZED").WithHeader("WWW-Authenticate", $"Bearer realm=\"{tokens.Realm}\",service=\"{TokenIssuer.Service}\""));

    private static string[] ScopesOf(FakeRequest request) =>
        request.Target.Split('?')[1].Split('&').Where(p => p.StartsWith("scope=")).Select(p => Uri.UnescapeDataString(p[6..])).ToArray();

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
