using TazLab.ImageAutomation.Engine.Automation;
using TazLab.ImageAutomation.Engine.Registry;
using TazLab.ImageAutomation.Tests.Git;

namespace TazLab.ImageAutomation.Tests.Automation;

/// <summary>The orchestrator on the sample repository (examples/gitops), tags from the shipped OCI layouts.</summary>
public sealed class AutomationRunnerTests : IDisposable
{
    private static readonly string Examples = FindExamples();
    private readonly string root = Path.Combine(Path.GetTempPath(), $"automation-runner-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void ListsEachImageRepositoryOncePerRunAcrossAutomationsAndRepositories()
    {
        var one = SampleRepository("one");
        var two = SampleRepository("two");
        var runner = new AutomationRunner(OfflineTags());

        var runs = runner.RunAll([new AutomationRunRequest(one), new AutomationRunRequest(two)], throttleLimit: 2, default);

        Assert.All(runs, run => Assert.Equal(["Committed", "Committed", "Committed", "Committed"], run.Results.Select(r => r.Status)));
        Assert.Equal(4, runner.ListingCount);
        Assert.Equal("chore: self-update hugo-blog image [skip ci]", GitCli.Run(one, "log", "-1", "--format=%s", "--", "apps/base/hugo-blog").Trim());
    }

    [Fact]
    public void EachAutomationReportsItsStepsWithTheSettersAndTheCommitUnderIt()
    {
        var clone = SampleRepository("progress");
        var reports = new System.Collections.Concurrent.ConcurrentQueue<TazLab.ImageAutomation.Engine.Diagnostics.ProgressReport>();
        var runner = new AutomationRunner(OfflineTags()) { Progress = new Collect(reports) };

        var run = runner.Run(new AutomationRunRequest(clone), default);

        Assert.Equal(4, run.Results.Count);
        foreach (var result in run.Results)
        {
            var activity = $"Image automation {result.Namespace}/{result.Name} in '{run.Repository}'";
            var own = reports.Where(r => r.Activity == activity).ToList();
            Assert.Equal(["Selecting tags", "Updating the manifests", "Committing", null], own.Select(r => r.Status));
            Assert.Equal([0L, 1, 2], own.SkipLast(1).Select(r => r.Done));
            Assert.All(own.SkipLast(1), r => Assert.Equal(3, r.Total));
            Assert.True(own[^1].Completed);
            var steps = reports.Where(r => r.Parent == activity).Select(r => r.Activity).Distinct().ToList();
            Assert.Contains(steps, a => a.StartsWith("Looking for markers under ", StringComparison.Ordinal));
            Assert.Contains(steps, a => a.StartsWith("Committing 1 file(s) in ", StringComparison.Ordinal));
        }
    }

    private sealed class Collect(System.Collections.Concurrent.ConcurrentQueue<TazLab.ImageAutomation.Engine.Diagnostics.ProgressReport> reports)
        : IProgress<TazLab.ImageAutomation.Engine.Diagnostics.ProgressReport>
    {
        public void Report(TazLab.ImageAutomation.Engine.Diagnostics.ProgressReport value) => reports.Enqueue(value);
    }

    [Fact]
    public void ADryRunWritesNothingAndCarriesTheDiffAndMessage()
    {
        var clone = SampleRepository("dry");
        var before = File.ReadAllText(Path.Combine(clone, "apps/base/tazlab-docs/helmrelease.yaml"));

        var run = new AutomationRunner(OfflineTags()).Run(new AutomationRunRequest(clone) { DryRun = true, Names = ["flux-system/tazlab-docs"] }, default);

        var result = Assert.Single(run.Results);
        Assert.Equal("WouldCommit", result.Status);
        Assert.Equal(before, File.ReadAllText(Path.Combine(clone, "apps/base/tazlab-docs/helmrelease.yaml")));
        Assert.Contains("\n-      tag: 1.1.0 # {\"$imagepolicy\": \"flux-system:tazlab-docs:tag\"}\n+      tag: 1.2.3 ", Assert.Single(result.Diffs).Diff);
        Assert.Equal("chore: self-update tazlab-docs [skip ci]\n\n- helmrelease.yaml (HelmRelease tazlab-docs): 1.1.0 -> 1.2.3\n", result.Message);
        Assert.Equal("", GitCli.Run(clone, "status", "--porcelain"));
    }

    [Fact]
    public async Task AnOciLayoutMirrorNamesTheTagsAsTheImageAskedFor()
    {
        var tags = await OfflineTags().ListTagsAsync(new TagListing("docker.io/tazzo/tazlab-blog"), null, default);

        Assert.Equal(["blog-44-9e8d7c6", "blog-45-a1b2c3d", "blog-46-0f1e2d3", "blog-9-a1b2c3d", "latest"], tags.Select(t => t.Tag));
        Assert.All(tags, t => Assert.Equal(("docker.io/tazzo/tazlab-blog", "index.docker.io/tazzo/tazlab-blog"), (t.Image, t.CanonicalImage)));
        Assert.All(tags, t => Assert.StartsWith("sha256:", t.Digest));
    }

    [Fact]
    public void ARejectedPushPutsBackEveryFileItCanAndReportsThePushNotTheFileItCouldNot()
    {
        var clone = SampleRepository("rejected");
        var blog = Path.Combine(clone, "apps/base/hugo-blog");
        var deployment = File.ReadAllText(Path.Combine(blog, "deployment.yaml"));
        File.WriteAllText(Path.Combine(blog, "a.yaml"), deployment);
        File.WriteAllText(Path.Combine(blog, "z.yaml"), deployment);
        GitCli.Run(clone, "add", "--all");
        GitCli.Run(clone, "-c", "user.name=test", "-c", "user.email=test@tazlab.net", "commit", "--quiet", "--message", "Two more");
        var origin = Path.Combine(root, "origin.git");
        GitCli.Run(root, "clone", "--quiet", "--bare", clone, origin);
        GitCli.Run(clone, "remote", "add", "origin", origin);
        // The remote rejects the push; meanwhile someone edits a.yaml in the working copy.
        var hook = Path.Combine(origin, "hooks", "pre-receive");
        File.WriteAllText(hook, $"#!/bin/sh\necho '# edited meanwhile' >> '{Path.Combine(blog, "a.yaml")}'\necho 'no pushes today' >&2\nexit 1\n");
        if (!OperatingSystem.IsWindows()) // a shell hook; these tests run where git's hooks are shell scripts
        {
            File.SetUnixFileMode(hook, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var run = new AutomationRunner(OfflineTags()).Run(new AutomationRunRequest(clone) { Push = true, Names = ["flux-system/hugo-blog"] }, default);

        var result = Assert.Single(run.Results);
        Assert.Equal("Failed", result.Status);
        var failure = Assert.Single(run.Failures);
        Assert.Contains("no pushes today", failure.Error.Message);
        Assert.Equal(deployment, File.ReadAllText(Path.Combine(blog, "deployment.yaml")));
        Assert.Equal(deployment, File.ReadAllText(Path.Combine(blog, "z.yaml")));
        Assert.Equal(deployment.Replace("blog-45-a1b2c3d", "blog-46-0f1e2d3") + "# edited meanwhile\n", File.ReadAllText(Path.Combine(blog, "a.yaml")));
        Assert.Contains(run.Log, entry => entry.IsWarning && entry.Message.Contains("a.yaml") && entry.Message.Contains("changed"));
    }

    [Fact]
    public void APushAfterALocalOnlyRunPushesTheValuesTheRemoteLacks()
    {
        var clone = SampleRepository("local-then-push");
        var origin = Path.Combine(root, "local-then-push.git");
        GitCli.Run(root, "clone", "--quiet", "--bare", clone, origin);
        GitCli.Run(clone, "remote", "add", "origin", origin);
        GitCli.Run(clone, "fetch", "--quiet", "origin");
        GitCli.Run(clone, "branch", "--quiet", "--set-upstream-to", "origin/master");
        var request = new AutomationRunRequest(clone) { Names = ["flux-system/hugo-blog"] };
        var local = Assert.Single(new AutomationRunner(OfflineTags()).Run(request, default).Results);
        Assert.Equal("Committed", local.Status);
        var remoteBefore = GitCli.Run(origin, "rev-parse", "master").Trim();

        // The files now hold the new values (committed locally only): with -Push, the remote still lacks them.
        var pushed = Assert.Single(new AutomationRunner(OfflineTags()).Run(request with { Push = true }, default).Results);

        Assert.Equal("Pushed", pushed.Status);
        Assert.Equal(remoteBefore, GitCli.Run(origin, "rev-parse", "master~1").Trim());
        Assert.Contains("blog-46-0f1e2d3", GitCli.Run(origin, "show", "master:apps/base/hugo-blog/deployment.yaml"));
        Assert.Equal(["apps/base/hugo-blog/deployment.yaml"], GitCli.Run(origin, "show", "--name-only", "--format=", "master").Trim().Split('\n'));

        // Run again: the remote holds them now; nothing more to push.
        var remoteAfter = GitCli.Run(origin, "rev-parse", "master").Trim();
        var again = Assert.Single(new AutomationRunner(OfflineTags()).Run(request with { Push = true }, default).Results);
        Assert.Equal("UpToDate", again.Status);
        Assert.Equal(remoteAfter, GitCli.Run(origin, "rev-parse", "master").Trim());
    }

    [Fact]
    public void AUnifiedDiffShowsChangedLinesWithThreeLinesOfContext()
    {
        var before = string.Join("\n", Enumerable.Range(1, 12).Select(i => $"line {i}")) + "\n";
        var after = before.Replace("line 2\n", "line two\n").Replace("line 11\n", "line eleven\n");

        Assert.Equal("""
            --- a/f.yaml
            +++ b/f.yaml
            @@ -1,5 +1,5 @@
             line 1
            -line 2
            +line two
             line 3
             line 4
             line 5
            @@ -8,5 +8,5 @@
             line 8
             line 9
             line 10
            -line 11
            +line eleven
             line 12

            """, UnifiedDiff.Create("f.yaml", before, after));
    }

    private static TagSource OfflineTags() => new(new RegistryOptions
    {
        Mirrors = new Dictionary<string, string>
        {
            ["docker.io"] = "ocidir://" + Path.Combine(Examples, "registry"),
            ["ghcr.io"] = "ocidir://" + Path.Combine(Examples, "registry", "ghcr.io"),
        },
    });

    private string SampleRepository(string name)
    {
        var clone = Path.Combine(root, name);
        CopyDirectory(Path.Combine(Examples, "gitops"), clone);
        GitCli.Run(clone, "init", "--quiet", "--initial-branch", "master");
        GitCli.Run(clone, "add", "--all");
        GitCli.Run(clone, "-c", "user.name=test", "-c", "user.email=test@tazlab.net", "commit", "--quiet", "--message", "Initial");
        return clone;
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    private static string FindExamples()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (Directory.Exists(Path.Combine(directory.FullName, "examples", "gitops")))
            {
                return Path.Combine(directory.FullName, "examples");
            }
        }

        throw new DirectoryNotFoundException("examples/gitops was not found above the test directory.");
    }
}
