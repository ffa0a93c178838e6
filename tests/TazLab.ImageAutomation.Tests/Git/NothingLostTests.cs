using TazLab.ImageAutomation.Engine.Diagnostics;
using TazLab.ImageAutomation.Engine.Git;
using TazLab.ImageAutomation.Engine.Setters;
using static TazLab.ImageAutomation.Tests.Git.AppsRemote;

namespace TazLab.ImageAutomation.Tests.Git;

/// <summary>
/// Issue 9's "Why", one test each: nothing of the person's is committed, pushed, moved or lost, and nothing is
/// left behind, against bare origins on disk (with hooks) checked with the git CLI.
/// </summary>
public class NothingLostTests
{
    private const string Bot = "fluxcdbot@example.com";

    private static SubmitRequest Request(string clone, IReadOnlyList<SetterChange> changes, bool push = true) =>
        new(clone, changes, Bot) { AuthorName = "fluxcdbot", Push = push };

    private static void InstallHook(string bare, string hook, string script)
    {
        var path = Path.Combine(bare, "hooks", hook);
        File.WriteAllText(path, "#!/bin/sh\n" + script);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    [Fact]
    public void AnUncommittedLineInAChangedFileIsNeitherPushedNorLost()
    {
        using var remote = new AppsRemote();
        var clone = remote.Clone("work");
        File.AppendAllText(Path.Combine(clone, "apps", "a", "deploy.yaml"), "# my note, not for the bot\n");
        var log = new RecordingLog();

        var outcome = new GitAutomation(log).Submit(Request(clone, ApplySetters(clone, Policy("a", "1.0.1"))))!;

        Assert.Equal(Deployment("a", "1.0.1"), remote.Show("main:apps/a/deploy.yaml") + "\n");
        Assert.Equal(Deployment("a", "1.0.1") + "# my note, not for the bot\n", File.ReadAllText(Path.Combine(clone, "apps", "a", "deploy.yaml")));
        // The branch moved to the pushed commit; what is left uncommitted is exactly the person's line.
        Assert.Equal(outcome.Sha, GitCli.Run(clone, "rev-parse", "HEAD"));
        Assert.Equal(" M apps/a/deploy.yaml", GitCli.Run(clone, "status", "--porcelain"));
        Assert.Equal("+# my note, not for the bot", GitCli.Run(clone, "diff", "-U0").Split('\n').Last());
        Assert.Contains(log.Warnings, w => w.Contains("apps/a/deploy.yaml", StringComparison.Ordinal) && w.Contains("local edits", StringComparison.Ordinal));
    }

    [Fact]
    public void AnUncommittedLineInAChangedFileSurvivesARace()
    {
        using var remote = new AppsRemote();
        var clone = remote.Clone("work");
        var person = remote.Clone("person");
        File.AppendAllText(Path.Combine(clone, "apps", "a", "deploy.yaml"), "# my note\n");
        var changes = ApplySetters(clone, Policy("a", "1.0.1"));
        var theirs = remote.PersonPushes(person, "README.md", "# theirs\n");

        var outcome = new GitAutomation().Submit(Request(clone, changes))!;

        Assert.Equal(theirs, GitCli.Run(remote.BarePath, "rev-parse", outcome.Sha + "^"));
        Assert.Equal(Deployment("a", "1.0.1"), remote.Show("main:apps/a/deploy.yaml") + "\n");
        Assert.Equal(Deployment("a", "1.0.1") + "# my note\n", File.ReadAllText(Path.Combine(clone, "apps", "a", "deploy.yaml")));
        Assert.Equal("# theirs\n", remote.Show("main:README.md") + "\n");
    }

    [Fact]
    public void AnUnpushedLocalCommitIsNeverPushed()
    {
        using var remote = new AppsRemote();
        var clone = remote.Clone("work");
        File.WriteAllText(Path.Combine(clone, "apps", "b", "deploy.yaml"), Deployment("b", "9.9.9-wip"));
        GitCli.Run(clone, "commit", "-qam", "WIP: do not push");
        var wip = GitCli.Run(clone, "rev-parse", "HEAD");
        var log = new RecordingLog();

        var outcome = new GitAutomation(log).Submit(Request(clone, ApplySetters(clone, Policy("a", "1.0.1"))))!;

        Assert.True(outcome.Pushed);
        Assert.DoesNotContain("WIP", GitCli.Run(remote.BarePath, "log", "--format=%s", "main"), StringComparison.Ordinal);
        Assert.Equal(Deployment("b", "1.0.0"), remote.Show("main:apps/b/deploy.yaml") + "\n");
        Assert.Equal(wip, GitCli.Run(clone, "rev-parse", "HEAD"));
        Assert.Contains(log.Warnings, w => w.Contains(wip[..7], StringComparison.Ordinal) && w.Contains("WIP: do not push", StringComparison.Ordinal));
    }

    public static TheoryData<string> FailedPushes => ["mistyped remote", "no remote", "pre-receive hook", "update hook"];

    [Theory]
    [MemberData(nameof(FailedPushes))]
    public void AFailedPushLeavesTheCloneByteIdenticalAndTheRerunPushesOneCommit(string failure)
    {
        using var remote = new AppsRemote();
        var clone = remote.Clone("work");
        var head = GitCli.Run(clone, "rev-parse", "HEAD");
        var request = Request(clone, ApplySetters(clone, Policy("a", "1.0.1")));
        switch (failure)
        {
            case "mistyped remote":
                request = request with { Remote = "orgin" };
                break;
            case "no remote":
                GitCli.Run(clone, "remote", "remove", "origin");
                break;
            default:
                InstallHook(remote.BarePath, failure.Split(' ')[0], "echo 'policy: main needs a review' >&2\nexit 1\n");
                break;
        }

        var before = CloneSnapshot.Take(clone);

        var error = Assert.Throws<AutomationException>(() => new GitAutomation().Submit(request));

        Assert.Equal(before, CloneSnapshot.Take(clone));
        Assert.Equal(head, GitCli.Run(remote.BarePath, "rev-parse", "main"));
        remote.AssertNoLeftovers();
        if (failure.EndsWith("hook", StringComparison.Ordinal))
        {
            Assert.Equal("GitPushRejected", error.ErrorId);
            Assert.Contains("policy: main needs a review", error.Message, StringComparison.Ordinal);
            Assert.Contains("Nothing was committed", error.Message, StringComparison.Ordinal);
            File.Delete(Path.Combine(remote.BarePath, "hooks", failure.Split(' ')[0]));
        }
        else
        {
            Assert.Equal("GitRemoteNotFound", error.ErrorId);
            Assert.Contains(failure == "no remote" ? "git remote add" : "'origin'", error.Message + error.RecommendedAction, StringComparison.Ordinal);
            if (failure == "no remote")
            {
                GitCli.Run(clone, "remote", "add", "origin", remote.Url);
            }
        }

        var outcome = new GitAutomation().Submit(request with { Remote = "origin" })!;

        Assert.Equal(head, GitCli.Run(remote.BarePath, "rev-parse", "main~1"));
        Assert.Equal(outcome.Sha, GitCli.Run(remote.BarePath, "rev-parse", "main"));
        Assert.Equal(outcome.Sha, GitCli.Run(clone, "rev-parse", "HEAD"));
    }

    [Fact]
    public void AFollowingRunBringsForwardACloneWhoseRunWasKilledAfterItsPush()
    {
        // What a run killed after its push and half-way through updating the clone leaves: origin has its commit, the
        // index and file hold its value, HEAD is where it was.
        using var remote = new AppsRemote();
        var clone = remote.Clone("work");
        var other = remote.Clone("other");
        new GitAutomation().Submit(Request(other, ApplySetters(other, Policy("a", "1.0.1"))));
        ApplySetters(clone, Policy("a", "1.0.1"));
        GitCli.Run(clone, "add", "apps/a/deploy.yaml");
        var log = new RecordingLog();

        var outcome = new GitAutomation(log).Submit(Request(clone, ApplySetters(clone, Policy("a", "1.0.2"))))!;

        Assert.Equal(outcome.Sha, GitCli.Run(clone, "rev-parse", "HEAD"));
        Assert.Equal("", GitCli.Run(clone, "status", "--porcelain"));
        Assert.Empty(log.Warnings);
    }

    [Fact]
    public void AHooksMessageReachesTheUserWithControlCharactersNeutralised()
    {
        using var remote = new AppsRemote();
        var clone = remote.Clone("work");
        InstallHook(remote.BarePath, "pre-receive", "printf 'denied by \\033[31mpolicy\\033[0m\\n' >&2\nexit 1\n");

        var error = Assert.Throws<AutomationException>(() => new GitAutomation().Submit(Request(clone, ApplySetters(clone, Policy("a", "1.0.1")))));

        Assert.Contains(@"denied by \u001B[31mpolicy\u001B[0m", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', error.Message);
        Assert.Contains("hook declined", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnAcceptingHookRunsAndItsMessageIsRelayed()
    {
        using var remote = new AppsRemote();
        var clone = remote.Clone("work");
        InstallHook(remote.BarePath, "post-receive", "echo 'deployed by the hook' >&2\n");
        var log = new RecordingLog();

        new GitAutomation(log).Submit(Request(clone, ApplySetters(clone, Policy("a", "1.0.1"))));

        Assert.Contains(log.Verbose, v => v.Contains("deployed by the hook", StringComparison.Ordinal));
    }

    [Fact]
    public void AMarkedFileReachedThroughASymlinkIsCommittedAtItsTarget()
    {
        using var remote = new AppsRemote();
        var person = remote.Clone("person");
        Directory.CreateDirectory(Path.Combine(person, "data"));
        File.WriteAllText(Path.Combine(person, "data", "app.txt"), Deployment("a", "1.0.0"));
        File.CreateSymbolicLink(Path.Combine(person, "apps", "link.yaml"), "../data/app.txt");
        GitCli.Run(person, "add", "-A");
        GitCli.Run(person, "commit", "-qm", "a linked manifest");
        GitCli.Run(person, "push", "-q", "origin", "HEAD:main");
        var clone = remote.Clone("work");
        var plan = new SetterEngine().Plan(clone, new Dictionary<string, SetterPolicy> { ["flux-system:app-a"] = Policy("a", "1.0.1") });
        plan.Updates.ToList().ForEach(u => AtomicFile.Write(u.Path, u.NewContent));

        var outcome = new GitAutomation().Submit(Request(clone, plan.Updates.SelectMany(u => u.Changes).ToList()))!;

        Assert.Equal(["apps/a/deploy.yaml", "data/app.txt"], outcome.Files);
        Assert.StartsWith("120000", GitCli.Run(remote.BarePath, "ls-tree", "main", "apps/link.yaml"), StringComparison.Ordinal);
        Assert.Equal("../data/app.txt", remote.Show("main:apps/link.yaml"));
        Assert.Equal(Deployment("a", "1.0.1"), remote.Show("main:data/app.txt") + "\n");
        Assert.Equal("../data/app.txt", new FileInfo(Path.Combine(clone, "apps", "link.yaml")).LinkTarget);
        Assert.Equal("", GitCli.Run(clone, "status", "--porcelain"));
    }

    [Fact]
    public void AShallowCloneStaysValidThroughARace()
    {
        using var remote = new AppsRemote();
        var person = remote.Clone("person");
        remote.PersonPushes(person, "README.md", "# one\n");
        var clone = Path.Combine(remote.Root, "shallow");
        GitCli.Run(remote.Root, "clone", "-q", "--depth", "1", "file://" + remote.BarePath, clone);
        var changes = ApplySetters(clone, Policy("a", "1.0.1"));
        var theirs = remote.PersonPushes(person, "README.md", "# two\n");

        var outcome = new GitAutomation().Submit(Request(clone, changes))!;

        Assert.Equal(theirs, GitCli.Run(remote.BarePath, "rev-parse", "main~1"));
        Assert.Equal(outcome.Sha, GitCli.Run(clone, "rev-parse", "HEAD"));
        Assert.True(File.Exists(Path.Combine(clone, ".git", "shallow")));
        GitCli.Run(clone, "fsck", "--no-progress");
        Assert.Contains("# two", GitCli.Run(clone, "log", "-p", "--format=%s"), StringComparison.Ordinal);
        Assert.Equal("", GitCli.Run(clone, "status", "--porcelain"));
    }

    [Theory]
    [InlineData("merge")]
    [InlineData("cherry-pick")]
    [InlineData("rebase")]
    public void ARepositoryInTheMiddleOfAnOperationIsRefusedBeforeAnythingChanges(string operation)
    {
        using var remote = new AppsRemote();
        var clone = remote.Clone("work");
        var head = GitCli.Run(clone, "rev-parse", "HEAD");
        GitCli.Run(clone, "checkout", "-qb", "other");
        File.WriteAllText(Path.Combine(clone, "README.md"), "# other\n");
        GitCli.Run(clone, "commit", "-qam", "other");
        GitCli.Run(clone, "checkout", "-q", "main");
        File.WriteAllText(Path.Combine(clone, "README.md"), "# main\n");
        GitCli.Run(clone, "commit", "-qam", "main");
        Assert.NotEqual(0, GitCli.TryRun(clone, null, operation, "other").ExitCode);
        var changes = ApplySetters(clone, Policy("a", "1.0.1"));
        var before = CloneSnapshot.Take(clone);

        var error = Assert.Throws<AutomationException>(() => new GitAutomation().Submit(Request(clone, changes)));

        Assert.Equal("GitOperationInProgress", error.ErrorId);
        Assert.Contains($"git {(operation == "merge" ? "merge" : operation)} --abort", error.RecommendedAction, StringComparison.Ordinal);
        Assert.Equal(before, CloneSnapshot.Take(clone));
        Assert.Equal(head, GitCli.Run(remote.BarePath, "rev-parse", "main"));
    }

    [Fact]
    public void FileChangesAreKeyedRepositoryRelativeWhenTwoUpdateRootsAreCommittedTogether()
    {
        using var remote = new AppsRemote();
        var clone = remote.Clone("work");
        var changes = new[] { "a", "b" }.SelectMany(app =>
        {
            var plan = new SetterEngine().Plan(Path.Combine(clone, "apps", app), new Dictionary<string, SetterPolicy> { [$"flux-system:app-{app}"] = Policy(app, "1.0.1") });
            plan.Updates.ToList().ForEach(u => AtomicFile.Write(u.Path, u.NewContent));
            return plan.Updates.SelectMany(u => u.Changes);
        }).ToList();
        const string template = "{{ range $file, $objects := .Changed.FileChanges }}{{ $file }};{{ end }}";

        var outcome = new GitAutomation().Submit(Request(clone, changes, push: false) with { MessageTemplate = template })!;
        var single = new GitAutomation().Preview(Request(clone, changes.Where(c => c.Setter.EndsWith("app-a", StringComparison.Ordinal)).ToList()) with { MessageTemplate = template });

        Assert.Equal("apps/a/deploy.yaml;apps/b/deploy.yaml;", outcome.Message);
        Assert.Equal("deploy.yaml;", single.Message);
    }

    [Fact]
    public void APreviewNamesTheFilesTheMessageAndTheRemote()
    {
        using var remote = new AppsRemote();
        var clone = remote.Clone("work");
        var changes = ApplySetters(clone, Policy("a", "1.0.1"));
        var before = CloneSnapshot.Take(clone);

        var preview = new GitAutomation().Preview(Request(clone, changes) with { Message = "chore: bump" });

        Assert.Equal(["apps/a/deploy.yaml"], preview.Files);
        Assert.Equal(("chore: bump", "main"), (preview.Message, preview.Branch));
        Assert.Equal($"'origin' ({remote.BarePath})", preview.Remote);
        Assert.Equal(before, CloneSnapshot.Take(clone));
    }
}
