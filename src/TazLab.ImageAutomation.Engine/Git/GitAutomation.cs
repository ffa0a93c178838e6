using LibGit2Sharp;
using LibGit2Sharp.Handlers;
using TazLab.ImageAutomation.Engine.Diagnostics;
using TazLab.ImageAutomation.Engine.Setters;
using TazLab.ImageAutomation.Engine.Templates;

namespace TazLab.ImageAutomation.Engine.Git;

/// <summary>
/// Commits exactly the files the setters changed and pushes them like Flux's image-automation-controller, through
/// LibGit2Sharp. Unlike Flux, a push rejected because the remote moved on is retried in place: reset to the remote
/// head, re-apply the same policies, commit again, push again (never forced).
/// </summary>
public sealed class GitAutomation(IEngineLog? log = null)
{
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(100);
    private readonly IEngineLog log = log ?? NullEngineLog.Instance;

    /// <summary>Test seam: runs just before each push attempt (1-based), e.g. to make someone else push first.</summary>
    internal Action<int>? BeforePush { get; init; }

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

    /// <summary>Commits (and, if asked, pushes) the request's changes. Null when there is nothing to commit.</summary>
    /// <exception cref="AutomationException">Bad request, template error, push rejected more than MaxAttempts times, authentication failure, ...</exception>
    public CommitOutcome? Submit(SubmitRequest request)
    {
        if (string.IsNullOrWhiteSpace(request.AuthorEmail))
        {
            throw new AutomationException(ErrorKind.InvalidArgument, "GitAuthorEmailMissing",
                "An author email is required for the automation's commits (Flux requires spec.git.commit.author.email).", null,
                "Pass -AuthorEmail, e.g. fluxcdbot@example.com.");
        }

        if (request.MaxAttempts < 1)
        {
            throw new AutomationException(ErrorKind.InvalidArgument, "GitMaxAttemptsInvalid",
                $"MaxAttempts must be at least 1, not {request.MaxAttempts}.", request.MaxAttempts, "Pass -MaxAttempts 1 or more.");
        }

        if (request.Changes.Count == 0)
        {
            log.Verbose("No setter changes were given; nothing to commit.");
            return null;
        }

        using var repository = new Repository(FindWorkingCopy(request.RepositoryPath));
        return new Submission(repository, request, log, BeforePush).Run();
    }

    /// <summary>One Submit call: the open repository, the request, and the steps of Flux's commit-and-push.</summary>
    private sealed class Submission
    {
        private readonly Repository repository;
        private readonly SubmitRequest request;
        private readonly IEngineLog log;
        private readonly Action<int>? beforePush;
        private readonly string root;
        private readonly string? checkoutBranch;
        private readonly string pushBranch;
        private readonly IReadOnlyList<UpdateRoot> updateRoots;

        /// <summary>A folder the setters ran over, and the policies they applied there (re-applied after a race).</summary>
        private sealed record UpdateRoot(string Path, IReadOnlyDictionary<string, SetterPolicy> Policies);

        public Submission(Repository repository, SubmitRequest request, IEngineLog log, Action<int>? beforePush)
        {
            this.repository = repository;
            this.request = request;
            this.log = log;
            this.beforePush = beforePush;
            root = repository.Info.WorkingDirectory.TrimEnd(Path.DirectorySeparatorChar);
            checkoutBranch = repository.Info.IsHeadDetached ? null : repository.Head.FriendlyName;
            pushBranch = request.PushBranch ?? checkoutBranch
                ?? throw new AutomationException(ErrorKind.InvalidArgument, "GitPushBranchMissing",
                    $"The repository at '{root}' has a detached HEAD, so there is no branch to commit to.", root,
                    "Pass -PushBranch (Flux: push spec not provided, and cannot be inferred from the checkout ref), or check out a branch.");
            if (request.Changes.FirstOrDefault(c => c.Policy.Key.Length == 0 || c.Policy.Tag.Length == 0) is { } unselected)
            {
                throw new AutomationException(ErrorKind.InvalidArgument, "GitChangeWithoutPolicy",
                    $"The change for '{unselected.Path}' does not say which policy value it applied, so it could not be re-applied after a push race.",
                    unselected.Path, "Pass the change objects Update-ImageSetter wrote, unmodified.");
            }

            updateRoots = request.Changes
                .GroupBy(UpdateRootOf, StringComparer.Ordinal)
                .Select(g => new UpdateRoot(g.Key, g.Select(c => c.Policy).DistinctBy(p => p.Key).ToDictionary(p => p.Key)))
                .ToList();
        }

        private bool SwitchBranch => pushBranch != checkoutBranch;

        public CommitOutcome? Run()
        {
            var changes = request.Changes;
            var message = RenderMessage(changes);
            var files = RepositoryFiles(changes);
            WarnAboutOtherModifications(files);
            return SwitchBranch ? CommitOnPushBranch(files, message) : CommitOnCheckedOutBranch(files, message);
        }

        // ---- same-branch mode: plain push, retried on races -------------------------------------------------

        private CommitOutcome? CommitOnCheckedOutBranch(IReadOnlyList<string> files, string message)
        {
            var branchRef = $"refs/heads/{pushBranch}";
            var commit = CommitWorkingFiles(branchRef, files, message);
            if (commit is null)
            {
                log.Verbose("The files already hold the new values in HEAD; no commit, no push.");
                return null;
            }

            var first = new Attempt(commit, files);
            return request.Push
                ? PushUntilAccepted(FindRemote(), branchRef, first, (remote, previous, rejection) => Reapply(remote, branchRef, previous, rejection))
                : Outcome(first, pushed: false, attempts: 1);
        }

        /// <summary>After a rejection: move to the remote head (if nothing is lost that way) and commit the values again on it.</summary>
        private Attempt? Reapply(Remote remote, string branchRef, Attempt previous, string rejection)
        {
            var ourBase = previous.Commit.Parents.FirstOrDefault();
            var remoteHead = FetchBranch(remote, pushBranch)
                ?? throw Rejected(remote, $"{rejection}; the branch no longer exists on the remote");
            if (ourBase is not null && remoteHead.Id == ourBase.Id)
            {
                throw Rejected(remote, $"{rejection} (the remote branch did not move, so retrying would not help)");
            }

            if (ourBase is not null && repository.ObjectDatabase.FindMergeBase(ourBase, remoteHead)?.Id != ourBase.Id)
            {
                throw new AutomationException(ErrorKind.InvalidOperation, "GitBranchDiverged",
                    $"Branch '{pushBranch}' has commits that remote '{remote.Name}' does not have, and the remote has commits it does not have; "
                    + "resetting to the remote would lose them, so the automation stopped. Its commit is kept on the local branch.",
                    root, $"Integrate the remote first ('git pull --rebase {remote.Name} {pushBranch}'), then run the automation again.");
            }

            MoveBranchTo(branchRef, remoteHead, remote.Name);
            var reapplied = ReapplyInWorkingCopy();
            var files = RepositoryFiles(reapplied);
            var commit = reapplied.Count == 0 ? null : CommitWorkingFiles(branchRef, files, RenderMessage(reapplied));
            if (commit is null)
            {
                log.Verbose($"{remote.Name}/{pushBranch} already holds the new values; no commit, no push.");
                return null;
            }

            return new Attempt(commit, files);
        }

        /// <summary>A commit ready to push, and the files it changed.</summary>
        private sealed record Attempt(Commit Commit, IReadOnlyList<string> Files);

        /// <summary>
        /// Pushes the branch (never forced). When the remote refuses, waits a jittered, growing delay and lets
        /// <paramref name="redo"/> make the next commit on the remote's new head (null: nothing left to push).
        /// </summary>
        private CommitOutcome? PushUntilAccepted(Remote remote, string branchRef, Attempt first, Func<Remote, Attempt, string, Attempt?> redo)
        {
            var current = first;
            for (var attempt = 1; ; attempt++)
            {
                beforePush?.Invoke(attempt);
                var rejection = TryPush(remote, $"{branchRef}:{branchRef}");
                if (rejection is null)
                {
                    log.Verbose($"Pushed {current.Commit.Sha[..7]} to {remote.Name}/{pushBranch} (attempt {attempt}).");
                    PushRefspecs(remote);
                    return Outcome(current, pushed: true, attempts: attempt);
                }

                if (attempt == request.MaxAttempts)
                {
                    throw Rejected(remote, $"{rejection} (gave up after {attempt} attempts)");
                }

                log.Verbose($"Push attempt {attempt} was rejected ({rejection}); making the commit again on {remote.Name}/{pushBranch}.");
                Thread.Sleep(RetryDelay(attempt));
                if (redo(remote, current, rejection) is not { } next)
                {
                    return null;
                }

                current = next;
            }
        }

        private static TimeSpan RetryDelay(int attempt) =>
            FirstRetryDelay * Math.Pow(2, attempt - 1) * (0.5 + Random.Shared.NextDouble());

        /// <summary>Like <c>git reset --keep</c>: the branch and the files it tracks move to <paramref name="target"/>; local modifications stay, or nothing happens.</summary>
        private void MoveBranchTo(string branchRef, Commit target, string remoteName)
        {
            try
            {
                ((IRepository)repository).Checkout(target.Tree, null, new CheckoutOptions { CheckoutModifiers = CheckoutModifiers.None });
            }
            catch (CheckoutConflictException e)
            {
                throw new AutomationException(ErrorKind.InvalidOperation, "GitLocalChangesConflict",
                    $"The push was rejected and the remote's new commits change files that are modified in the working copy at '{root}' ({e.Message}); nothing was discarded.",
                    root, "Commit or stash the local modifications, then run the automation again.", e);
            }

            repository.Refs.UpdateTarget(repository.Refs[branchRef], target.Id, $"automation: reset to {remoteName}/{pushBranch} after a rejected push");
        }

        private List<SetterChange> ReapplyInWorkingCopy()
        {
            var changes = new List<SetterChange>();
            foreach (var updateRoot in updateRoots)
            {
                var plan = Plan(updateRoot.Path, updateRoot.Policies);
                foreach (var update in plan.Updates)
                {
                    AtomicFile.Write(update.Path, update.NewContent, update.OriginalContent);
                    changes.AddRange(update.Changes);
                }
            }

            return changes;
        }

        /// <summary>Commits the files' working-tree content on top of the branch, leaving everything else in the index and working tree alone.</summary>
        private Commit? CommitWorkingFiles(string branchRef, IReadOnlyList<string> files, string message)
        {
            var parent = repository.Head.Tip;
            var tree = TreeWithWorkingFiles(parent, files);
            if (parent is not null && tree.Id == parent.Tree.Id)
            {
                return null;
            }

            var commit = CreateCommit(tree, parent is null ? [] : [parent], message);
            SetBranch(branchRef, commit, message);

            // Keep the index in step with the new commit for our files only, so 'git status' stays clean for them.
            foreach (var file in files)
            {
                repository.Index.Add(file);
            }

            repository.Index.Write();
            return commit;
        }

        // ---- switch-branch mode: build on the remote push branch ------------------------------------------------

        /// <remarks>
        /// Flux force-pushes here. The commit is always built on the push branch's remote head as just fetched, so a
        /// plain push suffices; if someone pushed to the branch meanwhile it is rejected and redone on the new head
        /// instead of overwriting their commit.
        /// </remarks>
        private CommitOutcome? CommitOnPushBranch(IReadOnlyList<string> files, string message)
        {
            var remote = request.Push ? FindRemote() : null;
            var branchRef = $"refs/heads/{pushBranch}";
            if (BuildOnPushBranch(remote, branchRef, files, message) is not { } first)
            {
                return null;
            }

            return remote is null
                ? Outcome(first, pushed: false, attempts: 1)
                : PushUntilAccepted(remote, branchRef, first, (_, _, _) => BuildOnPushBranch(remote, branchRef, files, message));
        }

        /// <summary>A commit on the push branch's (fetched) head with the values applied; null when it already holds them.</summary>
        private Attempt? BuildOnPushBranch(Remote? remote, string branchRef, IReadOnlyList<string> files, string message)
        {
            var existing = remote is not null ? FetchBranch(remote, pushBranch) : repository.Branches[pushBranch]?.Tip;
            Commit commit;
            if (existing is null)
            {
                // Flux: a push branch that does not exist yet starts from the checked-out HEAD.
                var head = repository.Head.Tip;
                commit = CreateCommit(TreeWithWorkingFiles(head, files), head is null ? [] : [head], message);
            }
            else
            {
                // Flux (flux2#3384): an existing push branch is updated on top of its own head, so its history is kept.
                var (tree, changes) = ApplyOnto(existing);
                if (changes.Count == 0)
                {
                    log.Verbose($"Branch '{pushBranch}' already holds the new values; no commit, no push.");
                    return null;
                }

                files = RepositoryFiles(changes);
                message = RenderMessage(changes);
                commit = CreateCommit(tree, [existing], message);
            }

            SetBranch(branchRef, commit, message);
            return new Attempt(commit, files);
        }

        /// <summary>The changes re-applied to a commit's files (materialised to a temporary folder), as a new tree.</summary>
        private (Tree Tree, List<SetterChange> Changes) ApplyOnto(Commit target)
        {
            var definition = TreeDefinition.From(target.Tree);
            var changes = new List<SetterChange>();
            foreach (var updateRoot in updateRoots)
            {
                var relativeRoot = RelativeToRepository(updateRoot.Path);
                var scratch = Directory.CreateTempSubdirectory("tia-apply-").FullName;
                try
                {
                    var subtree = relativeRoot.Length == 0 ? target.Tree : (target[relativeRoot]?.Target as Tree);
                    if (subtree is null)
                    {
                        continue;
                    }

                    Materialise(subtree, scratch);
                    foreach (var update in Plan(scratch, updateRoot.Policies).Updates)
                    {
                        var file = relativeRoot.Length == 0 ? update.RelativePath : $"{relativeRoot}/{update.RelativePath}";
                        AddBlob(definition, file, new MemoryStream(update.NewContent));
                        changes.AddRange(update.Changes.Select(c => c with { Path = Path.Combine(updateRoot.Path, c.RelativePath) }));
                    }
                }
                finally
                {
                    Directory.Delete(scratch, recursive: true);
                }
            }

            return (repository.ObjectDatabase.CreateTree(definition), changes);
        }

        /// <summary>Writes the files the setter engine reads (YAML and Kustomization) of a tree to a folder.</summary>
        private static void Materialise(Tree tree, string folder)
        {
            foreach (var entry in tree)
            {
                var path = Path.Combine(folder, entry.Name);
                if (entry.Target is Tree subtree)
                {
                    Directory.CreateDirectory(path);
                    Materialise(subtree, path);
                }
                else if (entry.Target is Blob blob && entry.Mode != Mode.SymbolicLink && (entry.Name.EndsWith(".yaml", StringComparison.Ordinal) || entry.Name.EndsWith(".yml", StringComparison.Ordinal) || entry.Name == "Kustomization"))
                {
                    using var content = blob.GetContentStream();
                    using var file = File.Create(path);
                    content.CopyTo(file);
                }
            }
        }

        // ---- shared steps -------------------------------------------------------------------------------------

        /// <summary>The parent's tree with the files' working-tree content (index and working tree untouched).</summary>
        private Tree TreeWithWorkingFiles(Commit? parent, IReadOnlyList<string> files)
        {
            var definition = parent is null ? new TreeDefinition() : TreeDefinition.From(parent.Tree);
            foreach (var file in files)
            {
                AddBlob(definition, file, File.OpenRead(Path.Combine(root, file)));
            }

            return repository.ObjectDatabase.CreateTree(definition);
        }

        /// <summary>Stores the content as a blob at <paramref name="file"/>, keeping the file mode the tree had (e.g. executable).</summary>
        private void AddBlob(TreeDefinition definition, string file, Stream content)
        {
            using (content)
            {
                definition.Add(file, repository.ObjectDatabase.CreateBlob(content, file), definition[file]?.Mode ?? Mode.NonExecutableFile);
            }
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

        private Commit CreateCommit(Tree tree, IReadOnlyList<Commit> parents, string message)
        {
            var when = DateTimeOffset.Now;
            // libgit2 refuses an empty name (go-git does not): fall back to the email's local part.
            var authorName = string.IsNullOrWhiteSpace(request.AuthorName) ? request.AuthorEmail.Split('@')[0] : request.AuthorName;
            var author = new Signature(authorName, request.AuthorEmail, when);
            var committer = request.CommitterName is null && request.CommitterEmail is null
                ? author
                : new Signature(request.CommitterName ?? authorName, request.CommitterEmail ?? request.AuthorEmail, when);
            if (request.Signing is null)
            {
                return repository.ObjectDatabase.CreateCommit(author, committer, message, tree, parents, prettifyMessage: false);
            }

            var buffer = Commit.CreateBuffer(author, committer, message, tree, parents, prettifyMessage: false, commentChar: null);
            var signature = CommitSigner.Sign(request.Signing, buffer);
            return repository.Lookup<Commit>(repository.ObjectDatabase.CreateCommitWithSignature(buffer, signature));
        }

        private void SetBranch(string branchRef, Commit commit, string message)
        {
            var reflog = $"commit: {message.Split('\n')[0]}";
            if (repository.Refs[branchRef] is { } existing)
            {
                repository.Refs.UpdateTarget(existing, commit.Id, reflog);
            }
            else
            {
                repository.Refs.Add(branchRef, commit.Id, reflog);
            }
        }

        private string RenderMessage(IReadOnlyList<SetterChange> changes)
        {
            if (request.Message is not null)
            {
                return request.Message;
            }

            var automation = request.AutomationObject
                ?? new AutomationObjectName(changes[0].Setter.Split(':')[0], "image-update-automation");
            var data = new CommitTemplateData(automation, new ChangedFiles(changes.Select(ChangedValue.From)), request.MessageTemplateValues);
            return CommitMessage.Render(request.MessageTemplate, data);
        }

        private string UpdateRootOf(SetterChange change)
        {
            var path = Path.GetFullPath(change.Path);
            var relative = change.RelativePath.Replace('/', Path.DirectorySeparatorChar);
            if (!path.EndsWith(Path.DirectorySeparatorChar + relative, StringComparison.Ordinal))
            {
                throw new AutomationException(ErrorKind.InvalidArgument, "GitChangeInconsistent",
                    $"The change for '{change.Path}' says its path relative to the update root is '{change.RelativePath}', which does not match.",
                    change.Path, "Pass the change objects Update-ImageSetter wrote, unmodified.");
            }

            return path[..^(relative.Length + 1)];
        }

        private string RelativeToRepository(string path)
        {
            var relative = Path.GetRelativePath(root, Path.GetFullPath(path));
            if (relative == ".")
            {
                return "";
            }

            if (relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative))
            {
                throw new AutomationException(ErrorKind.InvalidArgument, "GitFileOutsideRepository",
                    $"'{path}' is not inside the repository at '{root}'.", path,
                    "Run Update-ImageSetter on a -Path inside the repository given to -RepositoryPath.");
            }

            return relative.Replace('\\', '/');
        }

        private List<string> RepositoryFiles(IEnumerable<SetterChange> changes) =>
            changes.Select(c => RelativeToRepository(c.Path)).Distinct(StringComparer.Ordinal).ToList();

        /// <summary>
        /// Warns about modified files under the update roots that this commit leaves out. Only there: a status of the
        /// whole working copy costs libgit2 about 250 ms per 20,000 files, more than the commit itself.
        /// </summary>
        private void WarnAboutOtherModifications(IReadOnlyList<string> files)
        {
            var ours = new HashSet<string>(files, StringComparer.Ordinal);
            var roots = updateRoots.Select(r => RelativeToRepository(r.Path)).ToArray();
            var options = new StatusOptions
            {
                IncludeUntracked = false,
                ExcludeSubmodules = true,
                DetectRenamesInIndex = false,
                DetectRenamesInWorkDir = false,
                PathSpec = roots.Contains("") ? null : roots,
            };
            var others = repository.RetrieveStatus(options)
                .Where(entry => entry.State != FileStatus.Unaltered && !ours.Contains(entry.FilePath))
                .Select(entry => entry.FilePath)
                .ToList();
            if (others.Count > 0)
            {
                log.Warning($"{others.Count} other modified file(s) in '{root}' are left uncommitted: {string.Join(", ", others.Take(5))}{(others.Count > 5 ? ", ..." : "")}.");
            }
        }

        private CommitOutcome Outcome(Attempt attempt, bool pushed, int attempts) =>
            new(root, pushBranch, attempt.Commit.Sha, attempt.Commit.Message, attempt.Files, pushed,
                pushed ? $"{request.Remote}/{pushBranch}" : null, attempts, pushed ? request.Refspecs : []);

        // ---- the remote ---------------------------------------------------------------------------------------

        private Remote FindRemote() => repository.Network.Remotes[request.Remote]
            ?? throw new AutomationException(ErrorKind.ObjectNotFound, "GitRemoteNotFound",
                $"The repository at '{root}' has no remote named '{request.Remote}'.", request.Remote,
                $"Pass -Remote one of: {string.Join(", ", repository.Network.Remotes.Select(r => r.Name).DefaultIfEmpty("(none)"))}.");

        /// <summary>
        /// A handler for one network operation. It answers once: when the server asks again the credential was refused,
        /// and replaying it (libgit2 would, several times) only adds the server's failed-login delays.
        /// </summary>
        private CredentialsHandler? Credentials
        {
            get
            {
                if (request.Credential is not { } credential)
                {
                    return null;
                }

                var asked = 0;
                return (_, _, _) => Interlocked.Increment(ref asked) == 1
                    ? new UsernamePasswordCredentials { Username = credential.UserName, Password = credential.Secret }
                    : null;
            }
        }

        /// <summary>Fetches one branch of the remote; null when the remote has no such branch.</summary>
        private Commit? FetchBranch(Remote remote, string branch)
        {
            var head = Network(remote, "listing the branches of", () =>
                (Credentials is { } credentials ? repository.Network.ListReferences(remote, credentials) : repository.Network.ListReferences(remote))
                    .FirstOrDefault(r => r.CanonicalName == $"refs/heads/{branch}"));
            if (head is null)
            {
                return null;
            }

            Network(remote, "fetching from", () =>
            {
                Commands.Fetch(repository, remote.Name, [$"+refs/heads/{branch}:refs/remotes/{remote.Name}/{branch}"],
                    new FetchOptions { CredentialsProvider = Credentials }, null);
                return 0;
            });
            return repository.Lookup<Commit>(head.TargetIdentifier);
        }

        /// <returns>Null when pushed; the remote's reason when it refused the update.</returns>
        private string? TryPush(Remote remote, string refspec) =>
            LocalRepositoryPath(remote.Url) is { } path && !refspec.StartsWith('+')
                ? TryPushToLocalRepository(remote, path, refspec)
                : TryLibgit2Push(remote, refspec);

        private string? TryLibgit2Push(Remote remote, string refspec)
        {
            string? rejection = null;
            try
            {
                Network(remote, "pushing to", () =>
                {
                    repository.Network.Push(remote, refspec, new PushOptions
                    {
                        CredentialsProvider = Credentials,
                        OnPushStatusError = error => rejection = error.Message,
                    });
                    return 0;
                });
            }
            catch (NonFastForwardException e)
            {
                return Scrub(e.Message);
            }

            return rejection is null ? null : Scrub(rejection);
        }

        /// <summary>
        /// libgit2's transport for a repository on disk overwrites the branch without checking that it still holds the
        /// value it saw, so two simultaneous pushes could drop one commit. Here the objects go to a ref of our own, and the
        /// branch is then moved with a compare-and-swap (libgit2's reference update checks the old value), fast-forward only.
        /// </summary>
        private string? TryPushToLocalRepository(Remote remote, string path, string refspec)
        {
            var separator = refspec.IndexOf(':');
            var (source, destination) = separator < 0 ? (refspec, refspec) : (refspec[..separator], refspec[(separator + 1)..]);
            var commit = repository.Lookup<Commit>(source)
                ?? throw new AutomationException(ErrorKind.InvalidArgument, "GitRefspecInvalid",
                    $"The refspec '{refspec}' names '{source}', which is not a commit in '{root}'.", refspec, "Name a local branch or commit before the ':'.");
            var incoming = $"refs/tazlab/incoming/{Guid.NewGuid():N}";
            if (TryLibgit2Push(remote, $"{source}:{incoming}") is { } rejection)
            {
                return rejection;
            }

            using var target = new Repository(path);
            try
            {
                if (target.Refs[destination] is not { } current)
                {
                    target.Refs.Add(destination, commit.Id, "push", allowOverwrite: false);
                }
                else
                {
                    var head = current.ResolveToDirectReference().Target as Commit;
                    if (head is not null && target.ObjectDatabase.FindMergeBase(head, target.Lookup<Commit>(commit.Id))?.Id != head.Id)
                    {
                        return "the remote branch has commits this clone does not have (non-fast-forward)";
                    }

                    target.Refs.UpdateTarget(current, commit.Id, "push");
                }
            }
            catch (LibGit2SharpException e)
            {
                return $"the remote branch changed while pushing ({e.Message})";
            }
            finally
            {
                target.Refs.Remove(incoming);
            }

            if (destination.StartsWith("refs/heads/", StringComparison.Ordinal))
            {
                repository.Refs.Add($"refs/remotes/{remote.Name}/{destination["refs/heads/".Length..]}", commit.Id, "update by push", allowOverwrite: true);
            }

            return null;
        }

        /// <summary>The folder of a remote given as a path or a file:// URL; null for network remotes.</summary>
        private static string? LocalRepositoryPath(string url)
        {
            var path = url.StartsWith("file://", StringComparison.OrdinalIgnoreCase) ? new Uri(url).LocalPath : url;
            return Path.IsPathRooted(path) && Directory.Exists(path) ? path : null;
        }

        private void PushRefspecs(Remote remote)
        {
            foreach (var refspec in request.Refspecs)
            {
                if (TryPush(remote, refspec) is { } rejection)
                {
                    throw new AutomationException(ErrorKind.ResourceBusy, "GitRefspecPushRejected",
                        $"The branch was pushed, but the extra push '{refspec}' to remote '{remote.Name}' was rejected: {rejection}.",
                        refspec, "Check the refspec; Flux notes it fails when it names the same branch as the push branch.");
                }
            }
        }

        private T Network<T>(Remote remote, string doing, Func<T> action)
        {
            try
            {
                return action();
            }
            catch (NonFastForwardException)
            {
                throw;
            }
            catch (LibGit2SharpException e)
            {
                var reason = Scrub(e.Message);
                var url = RedactUrl(remote.Url);
                if (reason.Contains("401", StringComparison.Ordinal) || reason.Contains("authentication", StringComparison.OrdinalIgnoreCase)
                    || reason.Contains("credentials", StringComparison.OrdinalIgnoreCase))
                {
                    var who = request.Credential is null ? "a request without credentials" : $"the credentials of user '{request.Credential.UserName}'";
                    throw new AutomationException(ErrorKind.AuthenticationError, "GitAuthenticationFailed",
                        $"Remote '{remote.Name}' ({url}) refused {who} while {doing} it: {reason}", remote.Name,
                        "Pass -Credential with a user name and a password or token that may push to the repository.", e);
                }

                throw new AutomationException(ErrorKind.ConnectionError, "GitRemoteFailed",
                    $"{char.ToUpperInvariant(doing[0])}{doing[1..]} remote '{remote.Name}' ({url}) failed: {reason}", remote.Name,
                    "Check the remote URL and that the git server is reachable.", e);
            }
        }

        private AutomationException Rejected(Remote remote, string why) =>
            new(ErrorKind.ResourceBusy, "GitPushRejected",
                $"The push of branch '{pushBranch}' to remote '{remote.Name}' was rejected: {why}.", remote.Name,
                "Run the automation again; if it keeps failing, check branch protection on the remote.");

        /// <summary>Messages must never carry the secret, whatever a library put in them.</summary>
        private string Scrub(string message) =>
            request.Credential is { Secret.Length: > 0 } credential ? message.Replace(credential.Secret, "***", StringComparison.Ordinal) : message;

        private static string RedactUrl(string url) =>
            Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.UserInfo.Length > 0
                ? new UriBuilder(uri) { UserName = "", Password = "" }.Uri.ToString()
                : url;
    }
}
