using System.Diagnostics;
using System.IO.Enumeration;
using System.Text;
using LibGit2Sharp;
using TazLab.ImageAutomation.Engine.Diagnostics;
using TazLab.ImageAutomation.Engine.FluxObjects;
using TazLab.ImageAutomation.Engine.Setters;

namespace TazLab.ImageAutomation.Engine.Completion;

/// <summary>
/// How much of the disk a completer may look at: a tab press must answer at once, even in a home directory or a
/// huge monorepo. What is past the budget is not offered; nothing is ever fetched over the network.
/// </summary>
/// <param name="MaxFiles">YAML files read, at most.</param>
/// <param name="MaxEntries">Directory entries (files and folders) visited, at most.</param>
/// <param name="MaxFileSize">Larger files are not read.</param>
/// <param name="MaxTime">The walk stops after this long.</param>
public sealed record CompletionBudget(int MaxFiles, int MaxEntries, long MaxFileSize, TimeSpan MaxTime)
{
    public static readonly CompletionBudget Default = new(500, 20_000, 1024 * 1024, TimeSpan.FromSeconds(1));
}

/// <summary>The names a user can tab-complete, read from local files only: Flux objects and setter markers under a
/// directory, a repository's remotes and branches, and directories for <c>ocidir://</c> paths.</summary>
public static class LocalNames
{
    private static readonly byte[] FluxGroup = Encoding.UTF8.GetBytes(FluxObjectReader.Group);
    private static readonly byte[] MarkerKey = Encoding.UTF8.GetBytes("\"$imagepolicy\"");

    /// <summary>Policy names (<c>namespace:name</c>) of the ImagePolicy objects and of the setter markers under <paramref name="root"/>.</summary>
    public static IReadOnlyList<string> Policies(string root, CompletionBudget? budget = null)
    {
        var scan = Scan(root, budget ?? CompletionBudget.Default);
        var fromObjects = scan.Objects.Policies.Select(p => p.Policy);
        var fromMarkers = scan.MarkerFiles.SelectMany(MarkerPolicies);
        return Sorted(fromObjects.Concat(fromMarkers));
    }

    /// <summary>The images of the ImageRepository objects under <paramref name="root"/>.</summary>
    public static IReadOnlyList<string> Images(string root, CompletionBudget? budget = null) =>
        Sorted(Scan(root, budget ?? CompletionBudget.Default).Objects.Repositories.Select(r => r.Image));

    /// <summary>The ImageUpdateAutomations under <paramref name="root"/>, as (namespace, name).</summary>
    public static IReadOnlyList<(string Namespace, string Name)> Automations(string root, CompletionBudget? budget = null) =>
        [.. Scan(root, budget ?? CompletionBudget.Default).Objects.Automations.Select(a => (a.Namespace, a.Name)).Distinct().Order()];

    /// <summary>The remotes of the repository <paramref name="path"/> is in; none when it is in no repository.</summary>
    public static IReadOnlyList<string> Remotes(string path) =>
        WithRepository(path, repository => Sorted(repository.Network.Remotes.Select(r => r.Name)));

    /// <summary>The branch names of the repository <paramref name="path"/> is in: local branches and the remotes' branches (without the remote's name).</summary>
    public static IReadOnlyList<string> Branches(string path) =>
        WithRepository(path, repository => Sorted(repository.Branches
            .Select(b => b.IsRemote && b.RemoteName is { } remote ? b.FriendlyName[(remote.Length + 1)..] : b.FriendlyName)
            .Where(name => name != "HEAD")));

    /// <summary>The subdirectories of <paramref name="parent"/> whose names start with <paramref name="prefix"/> (ignoring case), at
    /// most <paramref name="max"/>; hidden ones only when the prefix starts with '.'.</summary>
    public static IReadOnlyList<string> Directories(string parent, string prefix, int max = 100)
    {
        try
        {
            var options = new EnumerationOptions
            {
                IgnoreInaccessible = true,
                AttributesToSkip = prefix.StartsWith('.') ? 0 : FileAttributes.Hidden,
            };
            return [.. new DirectoryInfo(parent).EnumerateDirectories("*", options)
                .Where(d => d.Name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                .Select(d => d.Name).Order(StringComparer.Ordinal).Take(max)];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or System.Security.SecurityException)
        {
            return [];
        }
    }

    private sealed record ScanResult(FluxObjectSet Objects, IReadOnlyList<string> MarkerFiles);

    /// <summary>One bounded walk: the Flux objects of the files naming the Flux group, and the text of the files holding a marker.</summary>
    private static ScanResult Scan(string root, CompletionBudget budget)
    {
        var fluxFiles = new List<string>();
        var markerFiles = new List<string>();
        foreach (var (path, bytes) in YamlFiles(root, budget))
        {
            if (bytes.AsSpan().IndexOf(FluxGroup) >= 0)
            {
                fluxFiles.Add(path);
            }

            if (bytes.AsSpan().IndexOf(MarkerKey) >= 0)
            {
                markerFiles.Add(Decode(bytes));
            }
        }

        var problems = new List<AutomationException>();
        var (repositories, policies, automations) = FluxObjectReader.ReadFiles(fluxFiles, root, NullEngineLog.Instance, problems);
        return new ScanResult(new FluxObjectSet(repositories, policies, automations, problems), markerFiles);
    }

    private static IEnumerable<(string Path, byte[] Bytes)> YamlFiles(string root, CompletionBudget budget)
    {
        if (!Directory.Exists(root))
        {
            yield break;
        }

        var clock = Stopwatch.StartNew();
        var entries = 0;
        var files = 0;
        bool OverBudget() => entries > budget.MaxEntries || files >= budget.MaxFiles || clock.Elapsed > budget.MaxTime;
        var walk = new FileSystemEnumerable<(string Path, long Length)>(root, (ref FileSystemEntry e) => (e.ToFullPath(), e.Length),
            new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.ReparsePoint })
        {
            ShouldIncludePredicate = (ref FileSystemEntry e) =>
            {
                entries++;
                return !e.IsDirectory && e.Length <= budget.MaxFileSize
                    && (e.FileName.EndsWith(".yaml", StringComparison.Ordinal) || e.FileName.EndsWith(".yml", StringComparison.Ordinal));
            },
            ShouldRecursePredicate = (ref FileSystemEntry e) => !OverBudget() && !e.FileName.SequenceEqual(".git"),
        };

        var buffer = new byte[64 * 1024];
        foreach (var (path, _) in walk)
        {
            if (OverBudget())
            {
                yield break;
            }

            files++;
            ReadStatus status;
            int read;
            try
            {
                // Not File.ReadAllBytes: a FIFO named *.yaml would block the tab press.
                status = CandidateReader.Read(path, ref buffer, (int)budget.MaxFileSize, out read);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }

            if (status == ReadStatus.Read)
            {
                yield return (path, buffer[..read]);
            }
        }
    }

    private static IEnumerable<string> MarkerPolicies(string text)
    {
        try
        {
            return MarkerScanner.Scan(text).Markers.Select(m => SetterEngine.SplitSetter(m.Setter).Key);
        }
        catch (YamlDotNet.Core.YamlException)
        {
            return []; // an invalid file offers no names; Update-ImageSetter reports it
        }
    }

    private static string Decode(byte[] bytes) =>
        Encoding.UTF8.GetString(bytes.AsSpan().StartsWith("\uFEFF"u8) ? bytes.AsSpan(3) : bytes);

    private static IReadOnlyList<string> WithRepository(string path, Func<Repository, IReadOnlyList<string>> read)
    {
        try
        {
            if (Repository.Discover(path) is not { } gitDirectory)
            {
                return [];
            }

            using var repository = new Repository(gitDirectory);
            return read(repository);
        }
        catch (Exception e) when (e is LibGit2SharpException or IOException or UnauthorizedAccessException or DllNotFoundException or TypeInitializationException)
        {
            return []; // no repository, or libgit2 cannot load here: nothing to offer
        }
    }

    /// <summary>Names fit to offer: a name with a control character (a hostile file's) is not put on the user's command line.</summary>
    private static IReadOnlyList<string> Sorted(IEnumerable<string> names) =>
        [.. names.Where(n => n.Length > 0 && !n.Any(char.IsControl)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
}
