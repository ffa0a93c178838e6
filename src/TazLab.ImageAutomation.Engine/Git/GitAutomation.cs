using LibGit2Sharp;
using TazLab.ImageAutomation.Engine.Diagnostics;

namespace TazLab.ImageAutomation.Engine.Git;

/// <summary>Commits exactly the files the setters changed, and pushes them, through LibGit2Sharp.</summary>
public sealed class GitAutomation(IEngineLog? log = null)
{
    private readonly IEngineLog log = log ?? NullEngineLog.Instance;

    /// <summary>The working-copy root of the repository that contains <paramref name="path"/>.</summary>
    public static string FindWorkingCopy(string path)
    {
        var gitDirectory = Directory.Exists(path) ? Repository.Discover(path) : null;
        if (gitDirectory is null)
        {
            throw new AutomationException(ErrorKind.ObjectNotFound, "GitRepositoryNotFound",
                $"'{path}' is not inside a git repository.", path, "Pass -RepositoryPath the folder of a clone ('git clone URL folder').");
        }

        using var repository = new Repository(gitDirectory);
        return repository.Info.WorkingDirectory?.TrimEnd(Path.DirectorySeparatorChar)
            ?? throw new AutomationException(ErrorKind.InvalidArgument, "GitRepositoryBare",
                $"'{path}' is a bare repository; the automation needs a working copy.", path, "Clone it and pass the clone's folder.");
    }

    /// <summary>
    /// Commits the given files on top of HEAD without touching anything else in the index or working tree.
    /// Returns null when the files already hold what HEAD holds (nothing to commit).
    /// </summary>
    public CommitOutcome? Commit(CommitRequest request)
    {
        using var repository = new Repository(request.RepositoryPath);
        var workingDirectory = repository.Info.WorkingDirectory;
        var head = repository.Head;
        if (head.Reference is not SymbolicReference && repository.Info.IsHeadDetached)
        {
            throw new AutomationException(ErrorKind.InvalidOperation, "GitHeadDetached",
                $"The repository at '{request.RepositoryPath}' has a detached HEAD; the automation commits to a branch.",
                request.RepositoryPath, "Check out a branch ('git switch main').");
        }

        var parent = head.Tip;
        var definition = parent is null ? new TreeDefinition() : TreeDefinition.From(parent.Tree);
        var relativeFiles = new List<string>();
        foreach (var file in request.Files.Distinct(StringComparer.Ordinal))
        {
            var relative = Path.GetRelativePath(workingDirectory, file).Replace('\\', '/');
            if (relative.StartsWith("../", StringComparison.Ordinal) || Path.IsPathRooted(relative))
            {
                throw new AutomationException(ErrorKind.InvalidArgument, "GitFileOutsideRepository",
                    $"'{file}' is not inside the repository at '{workingDirectory}'.", file,
                    "Run Update-ImageSetter on a -Path inside the repository given to -RepositoryPath.");
            }

            Blob blob;
            using (var content = File.OpenRead(file))
            {
                blob = repository.ObjectDatabase.CreateBlob(content, relative);
            }

            var mode = definition[relative]?.Mode ?? Mode.NonExecutableFile;
            definition.Add(relative, blob, mode);
            relativeFiles.Add(relative);
        }

        var tree = repository.ObjectDatabase.CreateTree(definition);
        if (parent is not null && tree.Id == parent.Tree.Id)
        {
            log.Verbose("The changed files already match HEAD; nothing to commit.");
            return null;
        }

        var when = DateTimeOffset.Now;
        var author = new Signature(request.AuthorName, request.AuthorEmail, when);
        var commit = repository.ObjectDatabase.CreateCommit(author, author, request.Message, tree,
            parent is null ? [] : [parent], prettifyMessage: false);
        var branch = head.Reference is SymbolicReference symbolic ? symbolic.TargetIdentifier : head.CanonicalName;
        var reflogMessage = $"commit: {FirstLine(request.Message)}";
        if (repository.Refs[branch] is { } branchReference)
        {
            repository.Refs.UpdateTarget(branchReference, commit.Id, reflogMessage);
        }
        else
        {
            repository.Refs.Add(branch, commit.Id, reflogMessage);
        }

        // Keep the index in step with the new commit for our files only, so 'git status' stays clean for them.
        foreach (var relative in relativeFiles)
        {
            repository.Index.Add(relative);
        }

        repository.Index.Write();
        log.Verbose($"Committed {commit.Sha[..7]} on {branch} with {relativeFiles.Count} file(s).");
        return new CommitOutcome(workingDirectory.TrimEnd(Path.DirectorySeparatorChar), ShortBranch(branch), commit.Sha,
            request.Message, relativeFiles, Pushed: false, PushedTo: null, Attempts: 1);
    }

    /// <summary>Pushes the outcome's branch to the same branch of <paramref name="remoteName"/> (never forced).</summary>
    public CommitOutcome Push(CommitOutcome outcome, string remoteName)
    {
        using var repository = new Repository(outcome.Repository);
        var remote = repository.Network.Remotes[remoteName]
            ?? throw new AutomationException(ErrorKind.ObjectNotFound, "GitRemoteNotFound",
                $"The repository at '{outcome.Repository}' has no remote named '{remoteName}'.", remoteName,
                $"Name one of: {string.Join(", ", repository.Network.Remotes.Select(r => r.Name).DefaultIfEmpty("(none)"))}.");
        var refspec = $"refs/heads/{outcome.Branch}:refs/heads/{outcome.Branch}";
        string? rejection = null;
        try
        {
            repository.Network.Push(remote, refspec, new PushOptions
            {
                OnPushStatusError = error => rejection = error.Message,
            });
        }
        catch (NonFastForwardException e)
        {
            throw Rejected(outcome, remoteName, "the remote branch has commits this clone does not have", e);
        }
        catch (LibGit2SharpException e)
        {
            throw new AutomationException(ErrorKind.ConnectionError, "GitPushFailed",
                $"Pushing branch '{outcome.Branch}' to remote '{remoteName}' failed: {e.Message}", remoteName, null, e);
        }

        if (rejection is not null)
        {
            throw Rejected(outcome, remoteName, rejection, null);
        }

        log.Verbose($"Pushed {outcome.Sha[..7]} to {remoteName}/{outcome.Branch}.");
        return outcome with { Pushed = true, PushedTo = $"{remoteName}/{outcome.Branch}" };
    }

    private static AutomationException Rejected(CommitOutcome outcome, string remote, string why, Exception? inner) =>
        new(ErrorKind.ResourceBusy, "GitPushRejected",
            $"The push of branch '{outcome.Branch}' to remote '{remote}' was rejected: {why}.", remote,
            "Fetch and re-run the automation on the new head.", inner);

    private static string ShortBranch(string canonical) =>
        canonical.StartsWith("refs/heads/", StringComparison.Ordinal) ? canonical["refs/heads/".Length..] : canonical;

    private static string FirstLine(string message) => message.Split('\n')[0];
}
