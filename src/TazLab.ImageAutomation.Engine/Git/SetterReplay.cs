using LibGit2Sharp;
using TazLab.ImageAutomation.Engine.Diagnostics;
using TazLab.ImageAutomation.Engine.Setters;

namespace TazLab.ImageAutomation.Engine.Git;

/// <summary>A commit's tree with the setter values applied, the changes that made, and each changed file's new bytes.</summary>
/// <param name="Tree">Null when the base already holds every value.</param>
/// <param name="Contents">New bytes by repository-relative path.</param>
internal sealed record AppliedChanges(Tree? Tree, IReadOnlyList<SetterChange> Changes, IReadOnlyDictionary<string, byte[]> Contents)
{
    public IReadOnlyList<string> Files => [.. Contents.Keys.Order(StringComparer.Ordinal)];
}

/// <summary>
/// The setter run the changes came from, replayed on any commit: the same policies over the same files, read from the
/// commit's blobs instead of the working copy. That makes every commit its base plus exactly the setter values, whatever
/// else the person changed in the working copy, and is the one path for both branch modes and for a push race.
/// </summary>
internal sealed class SetterReplay
{
    private readonly Repository repository;
    private readonly IEngineLog log;
    private readonly IReadOnlyList<UpdateRoot> roots;

    /// <param name="FoundAt">The path the setters read (perhaps a link).</param>
    /// <param name="RepositoryPath">Where the content lives in the repository: the link's target, '/'-separated.</param>
    private sealed record ChangedFile(string RelativePath, string FoundAt, string RepositoryPath);

    /// <summary>A folder the setters ran over, the policies they applied there, and the files they changed.</summary>
    private sealed record UpdateRoot(string Path, IReadOnlyDictionary<string, SetterPolicy> Policies, IReadOnlyList<ChangedFile> Files);

    public SetterReplay(Repository repository, string root, IReadOnlyList<SetterChange> changes, IEngineLog log)
    {
        this.repository = repository;
        this.log = log;
        if (changes.FirstOrDefault(c => c.Policy.Key.Length == 0 || c.Policy.Tag.Length == 0) is { } unselected)
        {
            throw new AutomationException(ErrorKind.InvalidArgument, "GitChangeWithoutPolicy",
                $"The change for '{unselected.Path}' does not say which policy value it applied, so it cannot be applied to the commit.",
                unselected.Path, "Pass the change objects Update-ImageSetter wrote, unmodified.");
        }

        var realRoot = SetterTree.RealPath(root);
        roots = changes
            .GroupBy(UpdateRootOf, StringComparer.Ordinal)
            .Select(g => new UpdateRoot(
                g.Key,
                g.Select(c => c.Policy).DistinctBy(p => p.Key).ToDictionary(p => p.Key),
                g.DistinctBy(c => c.RelativePath).Select(c => new ChangedFile(c.RelativePath, c.Path, RepositoryPath(realRoot, c.Path))).ToList()))
            .ToList();
        RepositoryRelativeKeys = roots.Count > 1;
        Roots = roots.Select(r => Relative(realRoot, SetterTree.RealPath(r.Path))).ToList();
        Files = roots.SelectMany(r => r.Files).Select(f => f.RepositoryPath).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>The update roots, repository-relative ("" for the whole repository).</summary>
    public IReadOnlyList<string> Roots { get; }

    /// <summary>The files the setters changed, repository-relative.</summary>
    public IReadOnlyList<string> Files { get; }

    /// <summary>
    /// Flux keys <c>.Changed.FileChanges</c> by the path relative to its one update path; changes from more than one
    /// update root are keyed repository-relative so that two <c>deployment.yaml</c> do not collide.
    /// </summary>
    public bool RepositoryRelativeKeys { get; }

    /// <summary>The changes as committed: keyed by the rule of <see cref="RepositoryRelativeKeys"/>.</summary>
    public IReadOnlyList<SetterChange> Keyed(IReadOnlyList<SetterChange> changes) => RepositoryRelativeKeys
        ? changes.Select(c => c with { RelativePath = roots.SelectMany(r => r.Files).First(f => f.FoundAt == c.Path).RepositoryPath }).ToList()
        : changes;

    /// <summary>The setter values applied to <paramref name="baseCommit"/>'s blobs of the changed files.</summary>
    /// <param name="progress">Told of each file read, as <paramref name="step"/> with the count.</param>
    public AppliedChanges Apply(Commit baseCommit, IProgress<ProgressReport>? progress, ProgressReport step)
    {
        var read = 0;
        var definition = TreeDefinition.From(baseCommit.Tree);
        var changes = new List<SetterChange>();
        var contents = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var root in roots)
        {
            var scratch = Directory.CreateTempSubdirectory("tia-apply-").FullName;
            try
            {
                var files = new Dictionary<string, ChangedFile>(StringComparer.Ordinal);
                foreach (var file in root.Files.Where(f => !contents.ContainsKey(f.RepositoryPath)))
                {
                    progress?.Report(step with { Done = read++, Total = Files.Count, Unit = "files", Current = file.RepositoryPath });
                    if (baseCommit[file.RepositoryPath] is not { TargetType: TreeEntryTargetType.Blob } entry || entry.Mode == Mode.SymbolicLink)
                    {
                        log.Verbose($"'{file.RepositoryPath}' is not a file in {baseCommit.Sha[..7]}; its values are not applied there.");
                        continue;
                    }

                    var copy = Path.Combine(scratch, file.RelativePath);
                    Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
                    using (var content = ((Blob)entry.Target).GetContentStream())
                    using (var target = File.Create(copy))
                    {
                        content.CopyTo(target);
                    }

                    files[file.RelativePath] = file;
                }

                foreach (var update in Plan(scratch, root.Policies).Updates)
                {
                    if (!files.TryGetValue(update.RelativePath, out var file))
                    {
                        continue;
                    }

                    var blob = repository.ObjectDatabase.CreateBlob(new MemoryStream(update.NewContent), file.RepositoryPath);
                    definition.Add(file.RepositoryPath, blob, definition[file.RepositoryPath].Mode);
                    contents[file.RepositoryPath] = update.NewContent;
                    changes.AddRange(update.Changes.Select(c => c with { Path = file.FoundAt, RelativePath = file.RelativePath }));
                }
            }
            finally
            {
                Directory.Delete(scratch, recursive: true);
            }
        }

        var tree = changes.Count == 0 ? null : repository.ObjectDatabase.CreateTree(definition);
        return new AppliedChanges(tree?.Id == baseCommit.Tree.Id ? null : tree, Keyed(changes), contents);
    }

    private SetterPlan Plan(string folder, IReadOnlyDictionary<string, SetterPolicy> policies)
    {
        var plan = new SetterEngine(log).Plan(folder, policies);
        foreach (var problem in plan.Problems)
        {
            log.Warning(problem.Message);
        }

        return plan;
    }

    private static string UpdateRootOf(SetterChange change)
    {
        var path = Path.GetFullPath(change.Path);
        var relative = change.RelativePath.Replace('/', Path.DirectorySeparatorChar);
        if (relative.Length == 0 || !path.EndsWith(Path.DirectorySeparatorChar + relative, StringComparison.Ordinal))
        {
            throw new AutomationException(ErrorKind.InvalidArgument, "GitChangeInconsistent",
                $"The change for '{change.Path}' says its path relative to the update root is '{change.RelativePath}', which does not match.",
                change.Path, "Pass the change objects Update-ImageSetter wrote, unmodified.");
        }

        return path[..^(relative.Length + 1)];
    }

    /// <summary>Where a file's content is in the repository: a link is followed to its target, which must be inside.</summary>
    private static string RepositoryPath(string realRoot, string path)
    {
        var relative = Relative(realRoot, SetterTree.RealPath(path));
        if (relative.Length == 0 || relative == ".." || relative.StartsWith("../", StringComparison.Ordinal) || Path.IsPathRooted(relative)
            || relative == ".git" || relative.StartsWith(".git/", StringComparison.Ordinal))
        {
            throw new AutomationException(ErrorKind.InvalidArgument, "GitFileOutsideRepository",
                $"'{path}' is not a file inside the working copy at '{realRoot}'.", path,
                "Run the setters on a folder inside the repository being committed.");
        }

        return relative;
    }

    private static string Relative(string realRoot, string realPath)
    {
        var relative = Path.GetRelativePath(realRoot, realPath).Replace('\\', '/');
        return relative == "." ? "" : relative;
    }
}
