using System.Text;
using TazLab.ImageAutomation.Engine.Diagnostics;
using TazLab.ImageAutomation.Engine.Registry;
using TazLab.ImageAutomation.Tests.Registry.Support;

namespace TazLab.ImageAutomation.Tests.Registry;

public sealed class DockerConfigCredentialsTests : IDisposable
{
    private readonly string directory = DockerRegistry.NewDirectory();
    private readonly string helpers;
    private readonly RecordingLog log = new();

    public DockerConfigCredentialsTests()
    {
        helpers = Directory.CreateDirectory(Path.Combine(directory, "bin")).FullName;
    }

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public async Task ReadsAuthsInEveryShapeDockerWrites()
    {
        var config = Load($$$$"""
            {"auths": {
              "https://index.docker.io/v1/": {"auth": "{{{{Base64("hubuser:hub:pass")}}}}"},
              "https://private.example:5000/v2/": {"username": "alice", "password": "s3cret"},
              "tokens.example": {"identitytoken": "refresh-me"},
              "empty.example": {}
            }}
            """);

        var hub = await config.FindAsync("registry-1.docker.io", log, default);
        Assert.Equal(("hubuser", "hub:pass", false), (hub!.Username, hub.Secret, hub.IsIdentityToken));

        var basic = await config.FindAsync("private.example:5000", log, default);
        Assert.Equal(("alice", "s3cret"), (basic!.Username, basic.Secret));

        var identity = await config.FindAsync("tokens.example", log, default);
        Assert.True(identity!.IsIdentityToken);
        Assert.Equal("refresh-me", identity.Secret);

        Assert.Null(await config.FindAsync("empty.example", log, default));
        Assert.Null(await config.FindAsync("unknown.example", log, default));
        Assert.Empty(log.Warnings);
    }

    [Fact]
    public async Task DockerHubIsFoundUnderAnyOfItsNames()
    {
        var config = Load($$$$"""{"auths": {"docker.io": {"auth": "{{{{Base64("u:p")}}}}"}}}""");

        foreach (var host in new[] { "docker.io", "index.docker.io", "registry-1.docker.io" })
        {
            Assert.Equal("u", (await config.FindAsync(host, log, default))!.Username);
        }
    }

    [Fact]
    public async Task CredHelpersWinOverCredsStoreWhichWinsOverAuths()
    {
        WriteHelper("pass", """echo "{\"ServerURL\":\"$url\",\"Username\":\"from-pass-for-$url\",\"Secret\":\"p1\"}" """);
        WriteHelper("ecr", """echo "{\"ServerURL\":\"$url\",\"Username\":\"from-ecr-for-$url\",\"Secret\":\"p2\"}" """);
        var config = Load($$$$"""
            {"credsStore": "pass",
             "credHelpers": {"123.dkr.ecr.example": "ecr"},
             "auths": {"123.dkr.ecr.example": {"auth": "{{{{Base64("file:user")}}}}"}, "other.example": {"auth": "{{{{Base64("file:user")}}}}"}}}
            """);

        var ecr = await config.FindAsync("123.dkr.ecr.example", log, default);
        var other = await config.FindAsync("other.example", log, default);
        var hub = await config.FindAsync("registry-1.docker.io", log, default);

        Assert.Equal("from-ecr-for-123.dkr.ecr.example", ecr!.Username);
        Assert.Equal("docker-credential-ecr", ecr.Source);
        Assert.Equal("from-pass-for-other.example", other!.Username);
        Assert.Equal("from-pass-for-https://index.docker.io/v1/", hub!.Username); // helpers get docker's Hub server URL
    }

    [Fact]
    public async Task AHelperAnsweringTokenUserGivesAnIdentityToken()
    {
        WriteHelper("desktop", """echo '{"ServerURL":"x","Username":"<token>","Secret":"refresh"}'""");
        var config = Load("""{"credsStore": "desktop"}""");

        var credential = await config.FindAsync("ghcr.io", log, default);

        Assert.True(credential!.IsIdentityToken);
        Assert.Equal("refresh", credential.Secret);
    }

    [Fact]
    public async Task AHelperThatKnowsNothingFallsBackToAuthsQuietly()
    {
        WriteHelper("pass", "echo 'credentials not found in native keychain'; exit 1");
        var config = Load($$$$"""{"credsStore": "pass", "auths": {"a.example": {"auth": "{{{{Base64("fallback:pw")}}}}"}}}""");

        Assert.Equal("fallback", (await config.FindAsync("a.example", log, default))!.Username);
        Assert.Null(await config.FindAsync("b.example", log, default));
        Assert.Empty(log.Warnings);
    }

    [Fact]
    public async Task AMissingOrFailingHelperIsAWarningAndAnonymousAccess()
    {
        WriteHelper("broken", "echo 'SECRET-IN-OUTPUT' ; echo oops >&2; exit 3");
        var missing = Load("""{"credsStore": "nonexistent"}""");
        Assert.Null(await missing.FindAsync("a.example", log, default));
        Assert.Contains("docker-credential-nonexistent", Assert.Single(log.Warnings));

        var broken = Load("""{"credsStore": "broken"}""");
        Assert.Null(await broken.FindAsync("a.example", log, default));
        Assert.Contains("exit code 3", log.Warnings[1]);
        Assert.DoesNotContain("SECRET-IN-OUTPUT", log.All);

        File.WriteAllText(Path.Combine(helpers, "docker-credential-noexec"), "#!/bin/sh\necho '{}'\n"); // not executable
        var notRunnable = Load("""{"credsStore": "noexec"}""");
        Assert.Null(await notRunnable.FindAsync("a.example", log, default));
        Assert.Contains("Cannot run", log.Warnings[2]);
    }

    [Fact]
    public async Task AHelperThatNeverAnswersIsStoppedAtTheTimeoutWithItsChildren()
    {
        var pidFile = Path.Combine(directory, "child.pid");
        WriteHelper("hang", $"sleep 300 & echo $! > '{pidFile}'; wait");
        File.WriteAllText(Path.Combine(directory, "config.json"), """{"credsStore": "hang"}""");
        var config = DockerConfigCredentials.Load(Environment(directory), helperTimeout: TimeSpan.FromSeconds(1))!;

        // Bounded so a helper left running fails the test instead of hanging it (the old fixed wait was 30 s).
        var found = await config.FindAsync("a.example", log, default).WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Null(found);
        Assert.Contains("did not answer within 1 s", Assert.Single(log.Warnings));
        AssertEnds(int.Parse(File.ReadAllText(pidFile)));
    }

    [Fact]
    public async Task CancellingStopsAHelperAndItsChildren()
    {
        var pidFile = Path.Combine(directory, "child.pid");
        WriteHelper("hang", $"sleep 300 & echo $! > '{pidFile}'; wait");
        var config = Load("""{"credsStore": "hang"}""");
        using var cancel = new CancellationTokenSource();

        var finding = config.FindAsync("a.example", log, cancel.Token);
        for (var i = 0; i < 200 && !File.Exists(pidFile); i++)
        {
            await Task.Delay(50);
        }

        cancel.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => finding.WaitAsync(TimeSpan.FromSeconds(20)));
        AssertEnds(int.Parse(File.ReadAllText(pidFile)));
    }

    /// <summary>The process is gone (or a zombie waiting for a parent that does not reap), within a bounded wait.</summary>
    private static void AssertEnds(int pid)
    {
        for (var i = 0; i < 100; i++)
        {
            var stat = $"/proc/{pid}/stat";
            if (!File.Exists(stat) || File.ReadAllText(stat).Split(')')[1].Trim().StartsWith('Z'))
            {
                return;
            }

            Thread.Sleep(50);
        }

        Assert.Fail($"the helper's child {pid} is still running");
    }

    [Fact]
    public void NoConfigFileMeansNoCredentials()
    {
        Assert.Null(DockerConfigCredentials.Load(Environment(Path.Combine(directory, "nowhere"))));
    }

    [Fact]
    public void InvalidJsonIsReportedWithoutQuotingTheFile()
    {
        File.WriteAllText(Path.Combine(directory, "config.json"), """{"auths": {"x": {"auth": "TOPSECRETVALUE" oops}}}""");

        var error = Assert.Throws<AutomationException>(() => DockerConfigCredentials.Load(Environment(directory)));

        Assert.Equal(ErrorKind.InvalidData, error.Kind);
        Assert.Contains("config.json", error.Message);
        Assert.DoesNotContain("TOPSECRETVALUE", error.Message);
    }

    [Fact]
    public async Task AnAuthValueThatIsNotBase64IsAnErrorThatDoesNotQuoteIt()
    {
        var config = Load("""{"auths": {"x.example": {"auth": "not*base64*secret"}}}""");

        var error = await Assert.ThrowsAsync<AutomationException>(() => config.FindAsync("x.example", log, default));

        Assert.Contains("x.example", error.Message);
        Assert.DoesNotContain("not*base64*secret", error.Message);
    }

    [Theory]
    [InlineData("https://index.docker.io/v1/", "index.docker.io")]
    [InlineData("http://myreg:5000/v2/", "myreg:5000")]
    [InlineData("registry-1.docker.io", "index.docker.io")]
    [InlineData("ghcr.io", "ghcr.io")]
    public void NormalisesKeysLikeDockerCli(string key, string host)
    {
        Assert.Equal(host, DockerConfigCredentials.Hostname(key));
    }

    private DockerConfigCredentials Load(string json)
    {
        File.WriteAllText(Path.Combine(directory, "config.json"), json);
        return DockerConfigCredentials.Load(Environment(directory))!;
    }

    private Func<string, string?> Environment(string dockerConfig) => name => name switch
    {
        "DOCKER_CONFIG" => dockerConfig,
        "PATH" => helpers,
        _ => null,
    };

    /// <summary>A docker-credential-NAME script; <c>$url</c> holds what it read on stdin.</summary>
    private void WriteHelper(string name, string body)
    {
        var path = Path.Combine(helpers, "docker-credential-" + name);
        File.WriteAllText(path, $"#!/bin/sh\n[ \"$1\" = get ] || exit 9\nread -r url\n{body}\n");
        if (!OperatingSystem.IsWindows()) // the helpers are shell scripts; these tests run where docker-registry does
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    private static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
}
