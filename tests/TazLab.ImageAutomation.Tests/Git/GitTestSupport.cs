using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using TazLab.ImageAutomation.Engine.Diagnostics;
using TazLab.ImageAutomation.Engine.Git;
using TazLab.ImageAutomation.Engine.Setters;

namespace TazLab.ImageAutomation.Tests.Git;

/// <summary>Runs the real git CLI (the reference the tests compare against), failing the test on a non-zero exit.</summary>
internal static class GitCli
{
    public static string Run(string directory, params string[] arguments) => Run(directory, null, arguments);

    public static string Run(string directory, IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        var (exitCode, output, error) = TryRun(directory, environment, arguments);
        return exitCode == 0 ? output : throw new InvalidOperationException($"git {string.Join(' ', arguments)} failed ({exitCode}): {error}");
    }

    public static (int ExitCode, string Output, string Error) TryRun(string directory, IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "-c", "user.name=A Person", "-c", "user.email=person@example.com", "-c", "init.defaultBranch=main" }.Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output.TrimEnd(), error.Result);
    }
}

/// <summary>A temporary folder, deleted on dispose.</summary>
internal sealed class TempFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("tia-git-").FullName;

    public void Dispose()
    {
        foreach (var file in Directory.EnumerateFiles(Path, "*", SearchOption.AllDirectories))
        {
            File.SetAttributes(file, FileAttributes.Normal);
        }

        Directory.Delete(Path, recursive: true);
    }
}

/// <summary>
/// A remote (bare repository) holding two apps whose images carry setter markers for policies
/// <c>flux-system:app-a</c> and <c>flux-system:app-b</c>, and clones of it.
/// </summary>
internal sealed class AppsRemote : IDisposable
{
    private readonly TempFolder folder = new();

    public AppsRemote(string? bareRepositoryPath = null)
    {
        BarePath = bareRepositoryPath ?? System.IO.Path.Combine(folder.Path, "remote.git");
        GitCli.Run(folder.Path, "init", "-q", "--bare", BarePath);
        GitCli.Run(BarePath, "config", "receive.denyNonFastForwards", "true");
        GitCli.Run(BarePath, "config", "core.logAllRefUpdates", "always");
        Url = BarePath;
        var seed = System.IO.Path.Combine(folder.Path, "seed");
        GitCli.Run(folder.Path, "clone", "-q", BarePath, seed);
        foreach (var app in new[] { "a", "b", "c" })
        {
            Directory.CreateDirectory(System.IO.Path.Combine(seed, "apps", app));
            File.WriteAllText(System.IO.Path.Combine(seed, "apps", app, "deploy.yaml"), Deployment(app, "1.0.0"));
        }

        File.WriteAllText(System.IO.Path.Combine(seed, "README.md"), "# apps\n");
        GitCli.Run(seed, "add", "-A");
        GitCli.Run(seed, "commit", "-qm", "Initial apps");
        GitCli.Run(seed, "push", "-q", "origin", "HEAD:main");
    }

    public string BarePath { get; }

    /// <summary>The URL clones use (a path, or http://... when served by <see cref="GitHttpServer"/>).</summary>
    public string Url { get; set; }

    /// <summary>The URL a person's git CLI pushes to (with credentials over HTTP); <see cref="Url"/> by default.</summary>
    public string PersonUrl { get => personUrl ?? Url; set => personUrl = value; }

    private string? personUrl;

    public string Root => folder.Path;

    public static string Deployment(string app, string tag) => $$"""
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: app-{{app}}
          namespace: apps
        spec:
          template:
            spec:
              containers:
              - name: app
                image: registry.example/app-{{app}}:{{tag}} # {"$imagepolicy": "flux-system:app-{{app}}"}

        """;

    public static SetterPolicy Policy(string app, string tag) => new($"flux-system:app-{app}", $"registry.example/app-{app}", tag, null);

    /// <summary>Clones the bare repository directly, then points origin at <see cref="Url"/> (so HTTP clones need no credentials in their config).</summary>
    public string Clone(string name)
    {
        var path = System.IO.Path.Combine(folder.Path, name);
        GitCli.Run(folder.Path, "clone", "-q", BarePath, path);
        GitCli.Run(path, "remote", "set-url", "origin", Url);
        return path;
    }

    /// <summary>What Update-ImageSetter does: plan the setters over the clone's apps/ folder and write the files.</summary>
    public static IReadOnlyList<SetterChange> ApplySetters(string clone, params SetterPolicy[] policies)
    {
        var plan = new SetterEngine().Plan(System.IO.Path.Combine(clone, "apps"), policies.ToDictionary(p => p.Key));
        foreach (var update in plan.Updates)
        {
            AtomicFile.Write(update.Path, update.NewContent);
        }

        return plan.Updates.SelectMany(u => u.Changes).ToList();
    }

    /// <summary>Commits and pushes a file as a person would, with the git CLI, from a clone of their own.</summary>
    public string PersonPushes(string clone, string file, string content)
    {
        GitCli.Run(clone, "pull", "-q", "--ff-only", "origin", "main");
        File.WriteAllText(System.IO.Path.Combine(clone, file), content);
        GitCli.Run(clone, "add", file);
        GitCli.Run(clone, "commit", "-qm", $"A person edits {file}");
        GitCli.Run(clone, "push", "-q", "origin", "HEAD:main");
        return GitCli.Run(clone, "rev-parse", "HEAD");
    }

    /// <summary>Like <see cref="PersonPushes"/>, appending to the file, and when origin moved first: pull --rebase, push again.</summary>
    public string PersonPushesWithRetry(string clone, string file, string line)
    {
        File.AppendAllText(System.IO.Path.Combine(clone, file), line);
        GitCli.Run(clone, "add", file);
        GitCli.Run(clone, "commit", "-qm", $"A person edits {file}");
        for (var attempt = 1; ; attempt++)
        {
            if (GitCli.TryRun(clone, null, "push", "-q", "origin", "HEAD:main").ExitCode == 0)
            {
                return GitCli.Run(clone, "rev-parse", "HEAD");
            }

            Assert.True(attempt < 50, "the person could not push in 50 attempts");
            GitCli.Run(clone, "pull", "-q", "--rebase", "origin", "main");
        }
    }

    public string Show(string revisionAndPath) => GitCli.Run(BarePath, "show", revisionAndPath);

    /// <summary>Origin holds only its branches (no temporary refs) and no lock files.</summary>
    public void AssertNoLeftovers()
    {
        Assert.All(GitCli.Run(BarePath, "for-each-ref", "--format=%(refname)").Split('\n'), r => Assert.StartsWith("refs/heads/", r));
        Assert.Empty(Directory.EnumerateFiles(BarePath, "*.lock", SearchOption.AllDirectories));
        Assert.Empty(Directory.EnumerateDirectories(System.IO.Path.Combine(BarePath, "objects"), "*incoming*"));
        GitCli.Run(BarePath, "fsck", "--no-progress");
    }

    public void Dispose() => folder.Dispose();
}

/// <summary>
/// Three automations (three clones, one app each) and a person push to one origin at the same moment, round after
/// round. Afterwards origin's reflog shows only fast-forwards, every update landed exactly once, the person's commits all
/// survive, no run reported a push that did not land, and origin holds no stray refs or locks.
/// </summary>
internal static class PushRace
{
    /// <summary>How many times the suite repeats a race: TAZLAB_RACE_REPEAT (default 1; the issue's figure is 10).</summary>
    public static int Repetitions => Setting("TAZLAB_RACE_REPEAT", 1);

    /// <summary>Rounds per race: TAZLAB_RACE_ROUNDS (default 8 to keep the suite fast; the issue's figure is 20).</summary>
    public static int Rounds => Setting("TAZLAB_RACE_ROUNDS", 8);

    private static int Setting(string name, int fallback) => int.TryParse(Environment.GetEnvironmentVariable(name), out var n) && n > 0 ? n : fallback;

    public static void Run(Func<AppsRemote> createRemote, GitCredential? credential)
    {
        var rounds = Rounds;
        for (var repetition = 0; repetition < Repetitions; repetition++)
        {
            using var remote = createRemote();
            RunOnce(remote, credential, rounds);
        }
    }

    private static void RunOnce(AppsRemote remote, GitCredential? credential, int rounds)
    {
        var apps = new[] { "a", "b", "c" };
        var clones = apps.Select(app => (App: app, Clone: remote.Clone($"automation-{app}"))).ToList();
        var person = remote.Clone("person");
        GitCli.Run(person, "remote", "set-url", "origin", remote.PersonUrl);
        var personCommits = new List<string>();
        var outcomes = new List<CommitOutcome>();
        for (var round = 1; round <= rounds; round++)
        {
            var tag = $"1.0.{round}";
            using var start = new Barrier(clones.Count + 1);
            var automations = clones.Select(clone => Task.Factory.StartNew(() =>
            {
                var request = new SubmitRequest(clone.Clone, AppsRemote.ApplySetters(clone.Clone, AppsRemote.Policy(clone.App, tag)), "fluxcdbot@example.com")
                {
                    Push = true,
                    Credential = credential,
                    MaxAttempts = 20,
                    MessageTemplate = "{{ range .Changed.Changes }}{{ .NewValue }}{{ end }}",
                };
                start.SignalAndWait();
                return new GitAutomation { FirstRetryDelay = TimeSpan.FromMilliseconds(10) }.Submit(request)!;
            }, TaskCreationOptions.LongRunning)).ToList();
            var personal = Task.Factory.StartNew(() =>
            {
                start.SignalAndWait();
                return remote.PersonPushesWithRetry(person, "people.txt", $"round {round}\n");
            }, TaskCreationOptions.LongRunning);
            outcomes.AddRange(automations.Select(t => t.Result));
            personCommits.Add(personal.Result);
        }

        var main = GitCli.Run(remote.BarePath, "rev-list", "main").Split('\n').ToHashSet();
        Assert.All(outcomes, o => Assert.True(o.Pushed && main.Contains(o.Sha), $"{o.Sha} was reported pushed but is not on origin's main"));
        Assert.All(personCommits, c => Assert.Contains(c, main));

        var subjects = GitCli.Run(remote.BarePath, "log", "--format=%s", "main").Split('\n');
        var expected = Enumerable.Range(1, rounds).SelectMany(r => apps.Select(app => $"registry.example/app-{app}:1.0.{r}"))
            .Concat(Enumerable.Range(1, rounds).Select(_ => "A person edits people.txt"))
            .Append("Initial apps");
        Assert.Equal(expected.Order(StringComparer.Ordinal), subjects.Order(StringComparer.Ordinal));
        Assert.Equal("", GitCli.Run(remote.BarePath, "rev-list", "--merges", "main"));
        foreach (var app in apps)
        {
            Assert.Equal(AppsRemote.Deployment(app, $"1.0.{rounds}"), remote.Show($"main:apps/{app}/deploy.yaml") + "\n");
        }

        // Every update of origin's branch (its reflog, core.logAllRefUpdates) was a fast-forward of the one before.
        var values = GitCli.Run(remote.BarePath, "log", "-g", "--format=%H", "refs/heads/main").Split('\n');
        Assert.Equal(4 * rounds + 1, values.Length);
        for (var i = 0; i < values.Length - 1; i++)
        {
            Assert.Equal(values[i + 1], GitCli.Run(remote.BarePath, "rev-parse", values[i] + "^"));
        }

        remote.AssertNoLeftovers();
        Assert.Contains(outcomes, o => o.Attempts > 1);
    }
}

/// <summary>Everything of a clone the person owns: where HEAD is, the local branches, the index file and every working file.</summary>
internal sealed record CloneSnapshot(string Head, string Branches, string Index, string Files)
{
    public static CloneSnapshot Take(string clone)
    {
        var head = File.ReadAllText(System.IO.Path.Combine(clone, ".git", "HEAD")) + GitCli.Run(clone, "rev-parse", "HEAD");
        var branches = GitCli.Run(clone, "for-each-ref", "--format=%(refname) %(objectname)", "refs/heads", "refs/tags");
        var index = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(System.IO.Path.Combine(clone, ".git", "index"))));
        var files = string.Join("\n", Directory.EnumerateFileSystemEntries(clone, "*", SearchOption.AllDirectories)
            .Where(p => !p.Contains($"{System.IO.Path.DirectorySeparatorChar}.git", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(p => new FileInfo(p) is { LinkTarget: { } link } ? $"{p} -> {link}"
                : Directory.Exists(p) ? p : $"{p} {Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(p)))}"));
        return new CloneSnapshot(head, branches, index, files);
    }
}

/// <summary>Collects what the engine logs.</summary>
internal sealed class RecordingLog : IEngineLog
{
    public List<string> Verbose { get; } = [];
    public List<string> Warnings { get; } = [];
    void IEngineLog.Verbose(string message) { lock (Verbose) Verbose.Add(message); }
    void IEngineLog.Warning(string message) { lock (Warnings) Warnings.Add(message); }
}

/// <summary>
/// A real git server over HTTP: lighttpd on a free loopback port running git's own <c>git http-backend</c> as CGI,
/// with Basic authentication (one user, password from <see cref="Password"/>). Repositories live under <see cref="ProjectRoot"/>.
/// </summary>
internal sealed class GitHttpServer : IDisposable
{
    public const string UserName = "automation";
    public const string Password = "s3cret-Token-42";

    private readonly TempFolder folder = new();
    private readonly Process process;

    public GitHttpServer()
    {
        ProjectRoot = System.IO.Path.Combine(folder.Path, "repos");
        Directory.CreateDirectory(ProjectRoot);
        Port = FreePort();
        File.WriteAllText(System.IO.Path.Combine(folder.Path, "users"), $"{UserName}:{Password}\n");
        var config = System.IO.Path.Combine(folder.Path, "lighttpd.conf");
        File.WriteAllText(config, File.ReadAllText(System.IO.Path.Combine(AppContext.BaseDirectory, "Git", "GitHttpServer.lighttpd.conf"))
            .Replace("@FOLDER@", folder.Path).Replace("@PORT@", $"{Port}").Replace("@PROJECT_ROOT@", ProjectRoot));
        var lighttpd = File.Exists("/usr/sbin/lighttpd") ? "/usr/sbin/lighttpd" : "lighttpd";
        process = Process.Start(new ProcessStartInfo(lighttpd, ["-D", "-f", config]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        WaitUntilListening();
    }

    public string ProjectRoot { get; }
    public int Port { get; }

    public string UrlFor(string repositoryName) => $"http://127.0.0.1:{Port}/git/{repositoryName}";

    /// <summary>The same URL with the credentials in it, for the git CLI's clones.</summary>
    public string AuthenticatedUrlFor(string repositoryName) => $"http://{UserName}:{Password}@127.0.0.1:{Port}/git/{repositoryName}";

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void WaitUntilListening()
    {
        for (var i = 0; i < 100; i++)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"lighttpd exited: {process.StandardError.ReadToEnd()}");
            }

            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException)
            {
                Thread.Sleep(50);
            }
        }

        throw new InvalidOperationException("lighttpd did not start listening within 5 seconds.");
    }

    public void Dispose()
    {
        if (!process.HasExited)
        {
            process.Kill();
            process.WaitForExit();
        }

        process.Dispose();
        folder.Dispose();
    }
}
