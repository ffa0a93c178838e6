using System.Collections.Concurrent;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using TazLab.ImageAutomation.Commands;
using TazLab.ImageAutomation.Engine.Diagnostics;
using TazLab.ImageAutomation.Engine.Git;
using TazLab.ImageAutomation.Tests.Git;
using TazLab.ImageAutomation.Tests.Registry.Support;

namespace TazLab.ImageAutomation.Tests.Cmdlets;

/// <summary>
/// Write-Progress of the cmdlets, hosted in-process: long work shows bars that only move forward and always end with a
/// Completed record, nothing shows when progress is silenced, and nothing is written after Ctrl+C.
/// </summary>
public sealed class ProgressTests : IDisposable
{
    private const string Marker = "# {\"$imagepolicy\": \"flux-system:app\"}";
    private readonly string directory = Directory.CreateTempSubdirectory("tazlab-progress-").FullName;

    /// <summary>Records from a command's first moment: what is written is what is checked, however fast this machine is.</summary>
    public ProgressTests() => ProgressWriter.Grace = TimeSpan.Zero;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void A_run_that_ends_within_the_grace_period_writes_no_record()
    {
        var tree = MarkedTree(300);
        ProgressWriter.Grace = TimeSpan.FromHours(1);
        try
        {
            var (output, progress) = Run($"[pscustomobject]@{{ Policy = 'app'; Image = 'example/app'; Tag = '2.0.0' }} | Update-ImageSetter -Path '{tree}'");

            Assert.Equal(300, output.Count);
            Assert.Empty(progress);
        }
        finally
        {
            ProgressWriter.Grace = TimeSpan.Zero;
        }
    }

    [Fact]
    public void Rewriting_3000_files_shows_the_walk_and_the_writes_and_completes_every_bar()
    {
        var tree = MarkedTree(3000);

        var (output, progress) = Run($"[pscustomobject]@{{ Policy = 'app'; Image = 'example/app'; Tag = '2.0.0' }} | Update-ImageSetter -Path '{tree}'");

        Assert.Equal(3000, output.Count);
        AssertWellFormed(progress);
        var walk = progress.Where(r => r.Activity.StartsWith("Looking for markers under", StringComparison.Ordinal)).ToList();
        Assert.Contains(walk, r => r.RecordType == ProgressRecordType.Processing && r.StatusDescription.EndsWith("files read", StringComparison.Ordinal));
        Assert.True(progress.Count < 3000, $"{progress.Count} records for 3000 files: progress is not throttled");
        Assert.All(progress.Where(r => r.Activity == "Writing manifests" && r.RecordType == ProgressRecordType.Processing),
            r => Assert.Contains(" of 3,000 files", r.StatusDescription));
    }

    [Fact]
    public void Auditing_3000_files_shows_the_walk()
    {
        var tree = MarkedTree(3000);

        var (output, progress) = Run($"Get-ImageSetter -Path '{tree}'");

        Assert.Equal(3000, output.Count);
        AssertWellFormed(progress);
        Assert.Contains(progress, r => r.RecordType == ProgressRecordType.Processing && r.Activity == $"Looking for markers under '{tree}'");
    }

    [Theory]
    [InlineData("$ProgressPreference = 'SilentlyContinue'; {0}")]
    [InlineData("$ProgressPreference = 'Ignore'; {0}")]
    [InlineData("{0} -ProgressAction SilentlyContinue")]
    public void Nothing_is_written_when_progress_is_silenced(string script)
    {
        var tree = MarkedTree(300);

        var (output, progress) = Run(string.Format(script, $"Get-ImageSetter -Path '{tree}'"));

        Assert.Equal(300, output.Count);
        Assert.Empty(progress);
    }

    [Fact]
    public void Committing_3000_files_shows_each_step_and_the_files_applied()
    {
        using var folder = new TempFolder();
        var clone = Path.Combine(folder.Path, "clone");
        GitCli.Run(folder.Path, "init", "-q", "-b", "main", clone);
        MarkedTree(3000, Path.Combine(clone, "apps"));
        GitCli.Run(clone, "add", "-A");
        GitCli.Run(clone, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "apps");

        var (output, progress) = Run($$"""
            [pscustomobject]@{ Policy = 'app'; Image = 'example/app'; Tag = '2.0.0' } | Update-ImageSetter -Path '{{clone}}/apps' |
                Submit-AutomationCommit -RepositoryPath '{{clone}}' -AuthorEmail bot@example.com
            """);

        var commit = Assert.Single(output);
        Assert.Equal(3000, ((string[])commit.Properties["Files"].Value).Length);
        AssertWellFormed(progress);
        var steps = progress.Where(r => r.Activity == $"Committing 3000 file(s) in '{clone}'" && r.RecordType == ProgressRecordType.Processing).ToList();
        Assert.Contains(steps, r => r.StatusDescription == "Checking the working copy");
        Assert.Contains(steps, r => r.StatusDescription.StartsWith("Applying the values: ", StringComparison.Ordinal) && r.StatusDescription.EndsWith(" of 3,000 files", StringComparison.Ordinal));
        Assert.Equal("Updating the working copy", steps[^1].StatusDescription);
        var walk = progress.First(r => r.Activity.StartsWith("Looking for markers under", StringComparison.Ordinal));
        Assert.NotEqual(walk.ActivityId, steps[0].ActivityId); // two commands of one pipeline, each its own bars
    }

    [Fact]
    public async Task A_digest_lookup_shows_its_retry_wait()
    {
        var heads = 0;
        await using var registry = new FakeRegistry(request => request.Method == "HEAD" && Interlocked.Increment(ref heads) == 1
            ? FakeResponse.Error(503, "UNAVAILABLE").WithHeader("Retry-After", "2")
            : new FakeResponse(200).WithHeader("Docker-Content-Digest", "sha256:" + new string('a', 64)));

        var (output, progress) = Run($"Select-ImagePolicyTag -Tag 1.0 -Image {registry.Host}/team/app -Alphabetical -DigestReflection Always");

        Assert.Equal("sha256:" + new string('a', 64), Assert.Single(output).Properties["Digest"].Value);
        AssertWellFormed(progress);
        Assert.Contains(progress, r => r.Activity == $"Waiting for registry '{registry.Host}' ('{registry.Host}/team/app')"
            && r.StatusDescription == "Answered 503; retrying in 2 s (retry 1 of 4)");
    }

    [Fact]
    public async Task A_registry_retry_wait_is_shown_while_it_lasts()
    {
        var calls = 0;
        await using var registry = new FakeRegistry(request => request.Path.EndsWith("/tags/list", StringComparison.Ordinal) && Interlocked.Increment(ref calls) == 1
            ? FakeResponse.Error(429, "TOOMANYREQUESTS").WithHeader("Retry-After", "2")
            : FakeResponse.Tags(["1.0.0"]));

        var (output, progress) = Run($"Get-RegistryTag -Image {registry.Host}/team/app");

        Assert.Single(output);
        AssertWellFormed(progress);
        var wait = progress.Where(r => r.Activity == $"Waiting for registry '{registry.Host}' ('{registry.Host}/team/app')").ToList();
        Assert.Contains(wait, r => r.StatusDescription == "Answered 429; retrying in 2 s (retry 1 of 4)");
        var parent = progress.First(r => r.Activity == "Listing registry tags");
        Assert.All(wait, r => Assert.Equal(parent.ActivityId, r.ParentActivityId));
    }

    /// <remarks>
    /// PowerShell refuses every write of a stopping pipeline, a Completed record too (MshCommandRuntime.ThrowIfStopping);
    /// the console host clears the bars when the pipeline ends (ResetProgress, PowerShell/PowerShell#3366).
    /// </remarks>
    [Fact]
    public async Task Ctrl_C_writes_nothing_after_the_stop_and_ends_the_command_promptly()
    {
        // The tag lists never come (within the test); the scheme probe is answered.
        await using var registry = new FakeRegistry(request => request.Path.EndsWith("/tags/list", StringComparison.Ordinal)
            ? FakeResponse.Tags(["1.0.0"]) with { Delay = TimeSpan.FromSeconds(60) }
            : new FakeResponse(200, "{}"));
        using var shell = NewShell();
        shell.AddScript($"Get-RegistryTag -Image {registry.Host}/team/app, {registry.Host}/team/other -TimeoutSec 120");
        var records = new ConcurrentQueue<ProgressRecord>();
        var listing = new ManualResetEventSlim();
        shell.Streams.Progress.DataAdded += (_, e) =>
        {
            var record = shell.Streams.Progress[e.Index];
            records.Enqueue(record);
            if (record.Activity.StartsWith("Listing tags of", StringComparison.Ordinal))
            {
                listing.Set();
            }
        };

        var invocation = shell.BeginInvoke();
        Assert.True(listing.Wait(TimeSpan.FromSeconds(60)), "no bar for the listing in flight");
        shell.Stop();
        Assert.Throws<PipelineStoppedException>(() => shell.EndInvoke(invocation));
        var atStop = records.Count;
        await Task.Delay(500);

        Assert.Equal(atStop, records.Count);
    }

    [Fact]
    public async Task A_terminating_error_still_completes_every_bar_shown()
    {
        await using var registry = new FakeRegistry(request => request.Path.EndsWith("/tags/list", StringComparison.Ordinal)
            ? FakeResponse.Error(404, "NAME_UNKNOWN", "repository name not known to registry") with { Delay = TimeSpan.FromMilliseconds(300) }
            : new FakeResponse(200, "{}"));
        using var shell = NewShell();
        shell.AddScript($"Get-RegistryTag -Image {registry.Host}/team/app -ErrorAction Stop");

        Assert.ThrowsAny<RuntimeException>(() => shell.Invoke());

        AssertWellFormed(shell.Streams.Progress.ToList());
    }

    [Fact]
    public void A_push_race_reports_the_retry_with_its_wait_and_attempt()
    {
        using var remote = new AppsRemote();
        var ours = remote.Clone("ours");
        var person = remote.Clone("person");
        var reports = new ConcurrentQueue<ProgressReport>();
        var automation = new GitAutomation
        {
            BeforePush = attempt =>
            {
                if (attempt == 1)
                {
                    remote.PersonPushes(person, "README.md", "# edited\n");
                }
            },
            Progress = new Collect(reports),
        };

        var outcome = automation.Submit(new SubmitRequest(ours, AppsRemote.ApplySetters(ours, AppsRemote.Policy("a", "1.0.1")), "bot@example.com") { Push = true });

        Assert.Equal(2, outcome!.Attempts);
        var statuses = reports.Select(r => r.Status).ToList();
        Assert.Contains(statuses, s => s is not null && s.StartsWith("Push rejected; retrying in ", StringComparison.Ordinal) && s.EndsWith(" s (attempt 2 of 5)", StringComparison.Ordinal));
        Assert.Contains("Pushing " + outcome.Sha[..7] + " to origin/main (attempt 2 of 5)", statuses);
        Assert.True(reports.Last().Completed);
    }

    private sealed class Collect(ConcurrentQueue<ProgressReport> reports) : IProgress<ProgressReport>
    {
        public void Report(ProgressReport value) => reports.Enqueue(value);
    }

    /// <summary>Bars go forward only, within 0..100; each bar's last record is Completed, and so is the last record of all.</summary>
    internal static void AssertWellFormed(IReadOnlyList<ProgressRecord> records)
    {
        Assert.NotEmpty(records);
        foreach (var bar in records.GroupBy(r => r.ActivityId))
        {
            var percents = bar.Select(r => r.PercentComplete).Where(p => p != -1).ToList();
            Assert.All(percents, p => Assert.InRange(p, 0, 100));
            Assert.Equal(percents.Order(), percents);
            Assert.Equal(ProgressRecordType.Completed, bar.Last().RecordType);
            Assert.Single(bar, r => r.RecordType == ProgressRecordType.Completed);
        }

        Assert.Equal(ProgressRecordType.Completed, records[^1].RecordType);
    }

    /// <summary>A tree of <paramref name="count"/> marked manifests in 50 folders.</summary>
    private string MarkedTree(int count, string? root = null)
    {
        root ??= Path.Combine(directory, "tree");
        for (var i = 0; i < count; i++)
        {
            var folder = Path.Combine(root, $"app{i % 50:00}");
            Directory.CreateDirectory(folder);
            File.WriteAllText(Path.Combine(folder, $"deploy{i:0000}.yaml"), $"image: example/app:1.0.0 {Marker}\n");
        }

        return root;
    }

    private static (IReadOnlyList<PSObject> Output, IReadOnlyList<ProgressRecord> Progress) Run(string script)
    {
        using var shell = NewShell();
        shell.AddScript(script);
        var output = shell.Invoke();
        Assert.Empty(shell.Streams.Error);
        return (output, shell.Streams.Progress.ToList());
    }

    /// <summary>A shell with every cmdlet of the module.</summary>
    internal static System.Management.Automation.PowerShell NewShell()
    {
        var state = InitialSessionState.CreateDefault2();
        foreach (var type in typeof(GetRegistryTagCommand).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(Cmdlet)) && !t.IsAbstract))
        {
            var attribute = (CmdletAttribute)Attribute.GetCustomAttribute(type, typeof(CmdletAttribute))!;
            state.Commands.Add(new SessionStateCmdletEntry($"{attribute.VerbName}-{attribute.NounName}", type, null));
        }

        return System.Management.Automation.PowerShell.Create(state);
    }
}
