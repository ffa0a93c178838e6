using TazLab.ImageAutomation.Engine.Diagnostics;
using TazLab.ImageAutomation.Engine.Git;
using TazLab.ImageAutomation.Engine.Setters;
using static TazLab.ImageAutomation.Tests.Git.AppsRemote;

namespace TazLab.ImageAutomation.Tests.Git;

/// <summary>Submit against bare repositories on disk, checked with the git CLI.</summary>
public class GitAutomationTests
{
    private const string Bot = "fluxcdbot@example.com";

    private static SubmitRequest Request(string clone, IReadOnlyList<SetterChange> changes, bool push = true) =>
        new(clone, changes, Bot) { AuthorName = "fluxcdbot", Push = push };

    [Fact]
    public void CommitsOnlyTheChangedFilesAndLeavesOtherModificationsAlone()
    {
        using var remote = new AppsRemote();
        var clone = remote.Clone("work");
        File.AppendAllText(Path.Combine(clone, "README.md"), "local edit\n");
        File.AppendAllText(Path.Combine(clone, "apps", "b", "deploy.yaml"), "# local edit\n");
        File.WriteAllText(Path.Combine(clone, "apps", "staged.txt"), "staged\n");
        GitCli.Run(clone, "add", "apps/staged.txt");
        var log = new RecordingLog();

        var outcome = new GitAutomation(log).Submit(Request(clone, ApplySetters(clone, Policy("a", "1.0.1")), push: false));

        Assert.NotNull(outcome);
        Assert.Equal(["apps/a/deploy.yaml"], outcome.Files);
        Assert.False(outcome.Pushed);
        Assert.Equal("apps/a/deploy.yaml", GitCli.Run(clone, "show", "--name-only", "--format=", "HEAD"));
        Assert.Equal(outcome.Sha, GitCli.Run(clone, "rev-parse", "HEAD"));
        Assert.Equal([" M README.md", " M apps/b/deploy.yaml", "A  apps/staged.txt"], GitCli.Run(clone, "status", "--porcelain").Split('\n').Order(StringComparer.Ordinal));
        // The warning covers the update root (apps/), where a whole-tree status would cost more than the commit.
        var warning = Assert.Single(log.Warnings);
        Assert.Contains("apps/b/deploy.yaml", warning, StringComparison.Ordinal);
        Assert.Contains("apps/staged.txt", warning, StringComparison.Ordinal);
        Assert.DoesNotContain("README.md", warning, StringComparison.Ordinal);
        Assert.Equal("Update from image update automation", GitCli.Run(clone, "log", "-1", "--format=%B"));
        Assert.Equal("fluxcdbot <fluxcdbot@example.com> fluxcdbot <fluxcdbot@example.com>", GitCli.Run(clone, "log", "-1", "--format=%an <%ae> %cn <%ce>"));
        Assert.Equal(AppsRemote.Deployment("a", "1.0.0"), remote.Show("main:apps/a/deploy.yaml") + "\n");
    }

    [Fact]
    public void NothingToCommitMeansNoCommitAndNoPush()
    {
        using var remote = new AppsRemote();
        var clone = remote.Clone("work");
        var head = GitCli.Run(clone, "rev-parse", "HEAD");
        var log = new RecordingLog();
        var automation = new GitAutomation(log);

        Assert.Null(automation.Submit(Request(clone, [])));
        Assert.Empty(ApplySetters(clone, Policy("a", "1.0.0")));

        // Changes whose values HEAD already holds (a second run with the same objects) commit nothing either.
        var changes = ApplySetters(clone, Policy("a", "1.0.1"));
        GitCli.Run(clone, "commit", "-qam", "already done by hand");
        Assert.Null(automation.Submit(Request(clone, changes, push: false)));
        Assert.Equal(head, GitCli.Run(remote.BarePath, "rev-parse", "main"));
        Assert.Contains(log.Verbose, v => v.Contains("already holds the new values, so there is nothing to commit and nothing was pushed", StringComparison.Ordinal));
    }

    [Fact]
    public void PushesToTheCheckedOutBranchAndReportsLikeFlux()
    {
        using var remote = new AppsRemote();
        var clone = remote.Clone("work");

        var outcome = new GitAutomation().Submit(Request(clone, ApplySetters(clone, Policy("a", "1.0.1"))) with
        {
            Message = "chore: self-update app-a [skip ci]",
            CommitterName = "Committer",
            CommitterEmail = "committer@example.com",
        })!;

        Assert.True(outcome.Pushed);
        Assert.Equal(("main", "origin/main", 1), (outcome.Branch, outcome.PushedTo, outcome.Attempts));
        Assert.Equal(outcome.Sha, GitCli.Run(remote.BarePath, "rev-parse", "main"));
        Assert.Equal($"pushed commit '{outcome.Sha[..7]}' to branch 'main'", outcome.Summary);
        Assert.Equal("chore: self-update app-a [skip ci]", outcome.Message);
        Assert.Equal("fluxcdbot <fluxcdbot@example.com> Committer <committer@example.com>",
            GitCli.Run(remote.BarePath, "log", "-1", "--format=%an <%ae> %cn <%ce>", "main"));
        Assert.Equal(AppsRemote.Deployment("a", "1.0.1"), remote.Show("main:apps/a/deploy.yaml") + "\n");
    }

    [Fact]
    public void TheCommitIsBuiltOnTheFreshlyFetchedRemoteBranch()
    {
        using var remote = new AppsRemote();
        var ours = remote.Clone("ours");
        var theirs = remote.Clone("theirs");
        new GitAutomation().Submit(Request(theirs, ApplySetters(theirs, Policy("b", "2.0.0"))));
        var log = new RecordingLog();

        var outcome = new GitAutomation(log).Submit(Request(ours, ApplySetters(ours, Policy("a", "1.0.1"))) with { MessageTemplate = "{{ range .Changed.Changes }}{{ .OldValue }} -> {{ .NewValue }}{{ end }}" })!;

        Assert.Equal(1, outcome.Attempts);
        Assert.Equal(outcome.Sha, GitCli.Run(remote.BarePath, "rev-parse", "main"));
        Assert.Equal(3, int.Parse(GitCli.Run(remote.BarePath, "rev-list", "--count", "main")));
        Assert.Equal("", GitCli.Run(remote.BarePath, "rev-list", "--merges", "main"));
        Assert.Equal(AppsRemote.Deployment("a", "1.0.1"), remote.Show("main:apps/a/deploy.yaml") + "\n");
        Assert.Equal(AppsRemote.Deployment("b", "2.0.0"), remote.Show("main:apps/b/deploy.yaml") + "\n");
        Assert.Equal("registry.example/app-a:1.0.0 -> registry.example/app-a:1.0.1", outcome.Message);
        // The working copy follows: clean, at the pushed commit, with the other automation's change in it.
        Assert.Equal("", GitCli.Run(ours, "status", "--porcelain"));
        Assert.Equal(AppsRemote.Deployment("b", "2.0.0"), File.ReadAllText(Path.Combine(ours, "apps", "b", "deploy.yaml")));
    }

    [Fact]
    public void ThreeAutomationsAndAPersonPushingToARepositoryOnDiskLoseNothing() =>
        // Pushes to a path go through git's receive-pack, whose ref transaction checks the value the fast-forward check saw.
        PushRace.Run(() => new AppsRemote(), credential: null);

    [Fact]
    public void APersonsCommitPushedBetweenOurFetchAndOurPushSurvives()
    {
        using var remote = new AppsRemote();
        var ours = remote.Clone("ours");
        var person = remote.Clone("person");
        var personCommits = new List<string>();
        var automation = new GitAutomation
        {
            // Before attempt 1 (after our clone) and before attempt 2 (after our fetch and re-apply), a person pushes.
            BeforePush = attempt =>
            {
                if (attempt <= 2)
                {
                    personCommits.Add(remote.PersonPushes(person, "README.md", $"# apps\nedit {attempt}\n"));
                }
            },
        };

        var outcome = automation.Submit(Request(ours, ApplySetters(ours, Policy("a", "1.0.1"))))!;

        Assert.Equal(3, outcome.Attempts);
        var history = GitCli.Run(remote.BarePath, "rev-list", "--first-parent", "main").Split('\n');
        Assert.Equal([outcome.Sha, personCommits[1], personCommits[0]], history[..3]);
        Assert.Equal("# apps\nedit 2\n", remote.Show("main:README.md") + "\n");
        Assert.Equal(AppsRemote.Deployment("a", "1.0.1"), remote.Show("main:apps/a/deploy.yaml") + "\n");
    }

    [Fact]
    public void WhenTheRemoteAlreadyHoldsTheValuesThereIsNoCommit()
    {
        using var remote = new AppsRemote();
        var ours = remote.Clone("ours");
        var theirs = remote.Clone("theirs");
        var theirCommit = new GitAutomation().Submit(Request(theirs, ApplySetters(theirs, Policy("a", "1.0.1"))) with { Message = "the other automation" })!.Sha;
        var head = GitCli.Run(ours, "rev-parse", "HEAD");

        var outcome = new GitAutomation().Submit(Request(ours, ApplySetters(ours, Policy("a", "1.0.1"))));

        Assert.Null(outcome);
        Assert.Equal(theirCommit, GitCli.Run(remote.BarePath, "rev-parse", "main"));
        // Nothing was pushed, so nothing of the clone moved: the setters' edit is still there, uncommitted.
        Assert.Equal(head, GitCli.Run(ours, "rev-parse", "HEAD"));
        Assert.Equal(" M apps/a/deploy.yaml", GitCli.Run(ours, "status", "--porcelain"));
    }

    [Fact]
    public void LocalEditsToAFileTheRemoteChangedKeepTheCloneWhereItWas()
    {
        using var remote = new AppsRemote();
        var ours = remote.Clone("ours");
        var person = remote.Clone("person");
        var theirs = remote.PersonPushes(person, "README.md", "# theirs\n");
        File.WriteAllText(Path.Combine(ours, "README.md"), "# my unsaved work\n");
        var head = GitCli.Run(ours, "rev-parse", "HEAD");
        var log = new RecordingLog();

        var outcome = new GitAutomation(log).Submit(Request(ours, ApplySetters(ours, Policy("a", "1.0.1"))))!;

        Assert.True(outcome.Pushed);
        Assert.Equal(theirs, GitCli.Run(remote.BarePath, "rev-parse", "main~1"));
        Assert.Equal("# my unsaved work\n", File.ReadAllText(Path.Combine(ours, "README.md")));
        Assert.Equal(head, GitCli.Run(ours, "rev-parse", "HEAD"));
        Assert.Contains(log.Warnings, w => w.Contains("README.md", StringComparison.Ordinal) && w.Contains("left where it was", StringComparison.Ordinal));
    }

    [Fact]
    public void GivesUpAfterMaxAttemptsWithoutForcing()
    {
        using var remote = new AppsRemote();
        var ours = remote.Clone("ours");
        var person = remote.Clone("person");
        var automation = new GitAutomation { BeforePush = attempt => remote.PersonPushes(person, "README.md", $"# edit {attempt}\n") };

        var error = Assert.Throws<AutomationException>(() => automation.Submit(Request(ours, ApplySetters(ours, Policy("a", "1.0.1"))) with { MaxAttempts = 2 }));

        Assert.Equal(("GitPushRejected", ErrorKind.ResourceBusy), (error.ErrorId, error.Kind));
        Assert.Contains("gave up after 2 attempts", error.Message, StringComparison.Ordinal);
        Assert.Equal(GitCli.Run(person, "rev-parse", "HEAD"), GitCli.Run(remote.BarePath, "rev-parse", "main"));
    }

    [Fact]
    public void LocalCommitsTheRemoteLacksAreNeverResetAwayNorPushed()
    {
        using var remote = new AppsRemote();
        var ours = remote.Clone("ours");
        var person = remote.Clone("person");
        File.WriteAllText(Path.Combine(ours, "notes.txt"), "mine\n");
        GitCli.Run(ours, "add", "notes.txt");
        GitCli.Run(ours, "commit", "-qm", "my local commit");
        var mine = GitCli.Run(ours, "rev-parse", "HEAD");
        var theirs = remote.PersonPushes(person, "README.md", "# theirs\n");
        var log = new RecordingLog();

        var outcome = new GitAutomation(log).Submit(Request(ours, ApplySetters(ours, Policy("a", "1.0.1"))))!;

        Assert.Equal(theirs, GitCli.Run(remote.BarePath, "rev-parse", "main~1"));
        Assert.Equal(outcome.Sha, GitCli.Run(remote.BarePath, "rev-parse", "main"));
        Assert.Equal(mine, GitCli.Run(ours, "rev-parse", "HEAD"));
        Assert.Contains(log.Warnings, w => w.Contains(mine[..7], StringComparison.Ordinal) && w.Contains("my local commit", StringComparison.Ordinal));
    }

    [Fact]
    public void SwitchBranchModeCreatesThePushBranchFromHeadThenBuildsOnIt()
    {
        using var remote = new AppsRemote();
        var clone = remote.Clone("work");
        var main = GitCli.Run(clone, "rev-parse", "HEAD");

        var first = new GitAutomation().Submit(Request(clone, ApplySetters(clone, Policy("a", "1.0.1"))) with { PushBranch = "auto" })!;
        GitCli.Run(clone, "checkout", "-q", "--", ".");
        var second = new GitAutomation().Submit(Request(clone, ApplySetters(clone, Policy("b", "2.0.0"))) with { PushBranch = "auto" })!;

        Assert.Equal(("auto", "origin/auto"), (first.Branch, first.PushedTo));
        Assert.Equal(main, GitCli.Run(remote.BarePath, "rev-parse", "auto~2"));
        Assert.Equal(first.Sha, GitCli.Run(remote.BarePath, "rev-parse", "auto~1"));
        Assert.Equal(second.Sha, GitCli.Run(remote.BarePath, "rev-parse", "auto"));
        Assert.Equal(main, GitCli.Run(remote.BarePath, "rev-parse", "main"));
        Assert.Equal(AppsRemote.Deployment("a", "1.0.1"), remote.Show("auto:apps/a/deploy.yaml") + "\n");
        Assert.Equal(AppsRemote.Deployment("b", "2.0.0"), remote.Show("auto:apps/b/deploy.yaml") + "\n");
        Assert.Equal("main", GitCli.Run(clone, "branch", "--show-current"));
        Assert.Equal(main, GitCli.Run(clone, "rev-parse", "HEAD"));

        // The same values again: the push branch already holds them.
        Assert.Null(new GitAutomation().Submit(Request(clone, ApplySetters(clone, Policy("b", "2.0.0"))) with { PushBranch = "auto" }));
    }

    [Fact]
    public void SwitchBranchModeBuildsOnAPushBranchThatWasRewritten()
    {
        using var remote = new AppsRemote();
        var clone = remote.Clone("work");
        new GitAutomation().Submit(Request(clone, ApplySetters(clone, Policy("a", "1.0.1"))) with { PushBranch = "auto" });
        GitCli.Run(remote.BarePath, "config", "receive.denyNonFastForwards", "false");
        var person = remote.Clone("person");
        GitCli.Run(person, "push", "-q", "--force", "origin", "main:auto");
        GitCli.Run(remote.BarePath, "config", "receive.denyNonFastForwards", "true");
        GitCli.Run(clone, "checkout", "-q", "--", ".");

        var outcome = new GitAutomation().Submit(Request(clone, ApplySetters(clone, Policy("a", "1.0.2"))) with { PushBranch = "auto" })!;

        Assert.Equal(outcome.Sha, GitCli.Run(remote.BarePath, "rev-parse", "auto"));
        Assert.Equal(GitCli.Run(remote.BarePath, "rev-parse", "main"), GitCli.Run(remote.BarePath, "rev-parse", "auto~1"));
        Assert.Equal(AppsRemote.Deployment("a", "1.0.2"), remote.Show("auto:apps/a/deploy.yaml") + "\n");
    }

    [Fact]
    public void SwitchBranchModeKeepsACommitPushedToThePushBranchMeanwhile()
    {
        using var remote = new AppsRemote();
        var clone = remote.Clone("work");
        new GitAutomation().Submit(Request(clone, ApplySetters(clone, Policy("a", "1.0.1"))) with { PushBranch = "auto" });
        GitCli.Run(clone, "checkout", "-q", "--", ".");
        var person = remote.Clone("person");
        string? personal = null;
        var automation = new GitAutomation
        {
            BeforePush = attempt =>
            {
                if (attempt == 1)
                {
                    GitCli.Run(person, "fetch", "-q", "origin");
                    GitCli.Run(person, "checkout", "-q", "-B", "auto", "origin/auto");
                    File.WriteAllText(Path.Combine(person, "README.md"), "# reviewed\n");
                    GitCli.Run(person, "commit", "-qam", "A reviewer's fix on the push branch");
                    GitCli.Run(person, "push", "-q", "origin", "auto");
                    personal = GitCli.Run(person, "rev-parse", "HEAD");
                }
            },
        };

        var outcome = automation.Submit(Request(clone, ApplySetters(clone, Policy("b", "2.0.0"))) with { PushBranch = "auto" })!;

        Assert.Equal(2, outcome.Attempts);
        Assert.Equal(personal, GitCli.Run(remote.BarePath, "rev-parse", "auto~1"));
        Assert.Equal("# reviewed\n", remote.Show("auto:README.md") + "\n");
        Assert.Equal(AppsRemote.Deployment("a", "1.0.1"), remote.Show("auto:apps/a/deploy.yaml") + "\n");
        Assert.Equal(AppsRemote.Deployment("b", "2.0.0"), remote.Show("auto:apps/b/deploy.yaml") + "\n");
    }

    [Fact]
    public void ACheckedOutTagPushesToThePushBranch()
    {
        // Flux's source test: checkout tag v1.0.0, push branch main2, default message.
        using var remote = new AppsRemote();
        var clone = remote.Clone("work");
        GitCli.Run(clone, "tag", "v1.0.0");
        GitCli.Run(clone, "checkout", "-q", "v1.0.0");

        var outcome = new GitAutomation().Submit(Request(clone, ApplySetters(clone, Policy("a", "1.0.1"))) with { PushBranch = "main2" })!;

        Assert.Equal(outcome.Sha, GitCli.Run(remote.BarePath, "rev-parse", "main2"));
        Assert.Equal(GitCli.Run(clone, "rev-parse", "v1.0.0"), GitCli.Run(remote.BarePath, "rev-parse", "main2~1"));
        Assert.Equal("Update from image update automation", outcome.Message);
    }

    [Fact]
    public void ARefspecIsPushedAfterTheBranch()
    {
        using var remote = new AppsRemote();
        var clone = remote.Clone("work");

        var outcome = new GitAutomation().Submit(Request(clone, ApplySetters(clone, Policy("a", "1.0.1"))) with
        {
            PushBranch = "auto",
            Refspecs = ["refs/heads/auto:refs/heads/smth/else"],
        })!;

        Assert.Equal(outcome.Sha, GitCli.Run(remote.BarePath, "rev-parse", "auto"));
        Assert.Equal(outcome.Sha, GitCli.Run(remote.BarePath, "rev-parse", "smth/else"));
        Assert.Equal($"pushed commit '{outcome.Sha[..7]}' to branch 'auto' and refspecs 'refs/heads/auto:refs/heads/smth/else'", outcome.Summary);
    }

    [Theory]
    [InlineData("{{ .Updated.Images }}", "CommitTemplateRemovedField")]
    [InlineData("ok {{ if }}", "CommitTemplateInvalid")]
    [InlineData("{{ .Changed.Nope }}", "CommitTemplateFailed")]
    public void ABadTemplateCommitsNothing(string template, string errorId)
    {
        using var remote = new AppsRemote();
        var clone = remote.Clone("work");
        var head = GitCli.Run(clone, "rev-parse", "HEAD");

        var error = Assert.Throws<AutomationException>(() => new GitAutomation().Submit(Request(clone, ApplySetters(clone, Policy("a", "1.0.1"))) with { MessageTemplate = template }));

        Assert.Equal(errorId, error.ErrorId);
        Assert.Matches(@"commit message:\d+:\d+", error.Message);
        Assert.Equal(head, GitCli.Run(clone, "rev-parse", "HEAD"));
        Assert.Equal(head, GitCli.Run(remote.BarePath, "rev-parse", "main"));
    }

    [Fact]
    public void RequiresAnAuthorEmailAndABranch()
    {
        using var remote = new AppsRemote();
        var clone = remote.Clone("work");
        var changes = ApplySetters(clone, Policy("a", "1.0.1"));
        Assert.Equal("GitAuthorEmailMissing", Assert.Throws<AutomationException>(() => new GitAutomation().Submit(Request(clone, changes) with { AuthorEmail = "" })).ErrorId);

        GitCli.Run(clone, "checkout", "-q", "--detach");
        Assert.Equal("GitPushBranchMissing", Assert.Throws<AutomationException>(() => new GitAutomation().Submit(Request(clone, changes))).ErrorId);
        Assert.Equal("GitRemoteNotFound", Assert.Throws<AutomationException>(() => new GitAutomation().Submit(Request(clone, changes) with { PushBranch = "auto", Remote = "upstream" })).ErrorId);
    }
}
