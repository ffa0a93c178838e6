using TazLab.ImageAutomation.Engine.Diagnostics;
using TazLab.ImageAutomation.Engine.Git;
using static TazLab.ImageAutomation.Tests.Git.AppsRemote;

namespace TazLab.ImageAutomation.Tests.Git;

/// <summary>Submit against a real git server over HTTP (lighttpd + git http-backend) with Basic authentication.</summary>
public sealed class GitHttpTests : IDisposable
{
    private static readonly GitCredential Valid = new(GitHttpServer.UserName, GitHttpServer.Password);
    private readonly GitHttpServer server = new();
    private readonly AppsRemote remote;

    public GitHttpTests()
    {
        remote = new AppsRemote(Path.Combine(server.ProjectRoot, "apps.git"));
        remote.Url = server.UrlFor("apps.git");
    }

    public void Dispose()
    {
        remote.Dispose();
        server.Dispose();
    }

    private static SubmitRequest Request(string clone, GitCredential? credential, params Engine.Setters.SetterPolicy[] policies) =>
        new(clone, ApplySetters(clone, policies), "fluxcdbot@example.com")
        {
            Push = true,
            Credential = credential,
            MessageTemplate = "{{ range .Changed.Changes }}{{ .NewValue }}{{ end }}",
        };

    [Fact]
    public void AnAuthenticatedPushIsAccepted()
    {
        var clone = remote.Clone("work");

        var outcome = new GitAutomation().Submit(Request(clone, Valid, Policy("a", "1.0.1")))!;

        Assert.True(outcome.Pushed);
        Assert.Equal(outcome.Sha, GitCli.Run(remote.BarePath, "rev-parse", "main"));
        Assert.Equal("registry.example/app-a:1.0.1", GitCli.Run(remote.BarePath, "log", "-1", "--format=%s", "main"));
    }

    [Theory]
    [InlineData("wrong-Password-99")]
    [InlineData(null)]
    public void AWrongOrMissingPasswordIsAnAuthenticationErrorWithoutThePassword(string? password)
    {
        var clone = remote.Clone("work");
        var head = GitCli.Run(remote.BarePath, "rev-parse", "main");
        var credential = password is null ? null : new GitCredential(GitHttpServer.UserName, password);

        var request = Request(clone, credential, Policy("a", "1.0.1"));
        var before = CloneSnapshot.Take(clone);

        var error = Assert.Throws<AutomationException>(() => new GitAutomation().Submit(request));

        Assert.Equal((ErrorKind.AuthenticationError, "GitAuthenticationFailed"), (error.Kind, error.ErrorId));
        Assert.Contains(remote.Url, error.Message, StringComparison.Ordinal);
        Assert.Contains("Nothing was committed", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("callback", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, CloneSnapshot.Take(clone));
        if (password is not null)
        {
            Assert.DoesNotContain(password, error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(password, error.ToString(), StringComparison.Ordinal);
            Assert.Contains(GitHttpServer.UserName, error.Message, StringComparison.Ordinal);
        }

        Assert.Equal(head, GitCli.Run(remote.BarePath, "rev-parse", "main"));
    }

    [Fact]
    public void AHookRejectionOverHttpIsAPushRejectionThatCommitsNothing()
    {
        var clone = remote.Clone("work");
        var hook = Path.Combine(remote.BarePath, "hooks", "pre-receive");
        File.WriteAllText(hook, "#!/bin/sh\necho 'policy: main needs a review' >&2\nexit 1\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(hook, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        var request = Request(clone, Valid, Policy("a", "1.0.1"));
        var before = CloneSnapshot.Take(clone);

        var error = Assert.Throws<AutomationException>(() => new GitAutomation().Submit(request));
        var withLibgit2 = Assert.Throws<AutomationException>(() => new GitAutomation { PushNetworkRemotesWithGit = false }.Submit(request));

        Assert.Equal(("GitPushRejected", "GitPushRejected"), (error.ErrorId, withLibgit2.ErrorId));
        Assert.Contains("hook declined", error.Message, StringComparison.Ordinal);
        Assert.Contains("policy: main needs a review", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(GitHttpServer.Password, error.Message, StringComparison.Ordinal);
        // libgit2 (used when git is not installed) reports the rejection without the hook's own words.
        Assert.Contains("hook declined", withLibgit2.Message, StringComparison.Ordinal);
        Assert.Equal(before, CloneSnapshot.Take(clone));
    }

    [Fact]
    public void WithoutTheGitProgramANetworkPushGoesThroughLibgit2()
    {
        var clone = remote.Clone("work");

        var outcome = new GitAutomation { PushNetworkRemotesWithGit = false }.Submit(Request(clone, Valid, Policy("a", "1.0.1")))!;

        Assert.Equal(outcome.Sha, GitCli.Run(remote.BarePath, "rev-parse", "main"));
        Assert.Equal(outcome.Sha, GitCli.Run(clone, "rev-parse", "HEAD"));
    }

    [Fact]
    public void AShallowCloneStaysValidThroughARaceOverHttp()
    {
        var person = remote.Clone("person");
        GitCli.Run(person, "remote", "set-url", "origin", server.AuthenticatedUrlFor("apps.git"));
        remote.PersonPushes(person, "README.md", "# one\n");
        var clone = Path.Combine(remote.Root, "shallow");
        GitCli.Run(remote.Root, "clone", "-q", "--depth", "1", server.AuthenticatedUrlFor("apps.git"), clone);
        GitCli.Run(clone, "remote", "set-url", "origin", remote.Url);
        var changes = ApplySetters(clone, Policy("a", "1.0.1"));
        var theirs = remote.PersonPushes(person, "README.md", "# two\n");

        var outcome = new GitAutomation().Submit(new SubmitRequest(clone, changes, "fluxcdbot@example.com") { Push = true, Credential = Valid })!;

        Assert.Equal(theirs, GitCli.Run(remote.BarePath, "rev-parse", "main~1"));
        Assert.Equal(outcome.Sha, GitCli.Run(clone, "rev-parse", "HEAD"));
        Assert.True(File.Exists(Path.Combine(clone, ".git", "shallow")));
        GitCli.Run(clone, "fsck", "--no-progress");
        Assert.Equal("", GitCli.Run(clone, "status", "--porcelain"));
    }

    [Fact]
    public void ThreeAutomationsAndAPersonPushingAtTheSameMomentLoseNothing() => PushRace.Run(() =>
    {
        var name = $"race-{Guid.NewGuid():N}.git";
        return new AppsRemote(Path.Combine(server.ProjectRoot, name)) { Url = server.UrlFor(name), PersonUrl = server.AuthenticatedUrlFor(name) };
    }, Valid);
}
