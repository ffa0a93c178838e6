using LibGit2Sharp;
using TazLab.ImageAutomation.Engine.Diagnostics;

namespace TazLab.ImageAutomation.Engine.Git;

/// <summary>
/// Brings the person's clone forward to the automation's commit once it is accepted (pushed, or committed without a
/// push): the branch moves only forward, and the index and files only where that loses nothing. Otherwise everything is
/// left as it was and a warning says what was not moved and why.
/// </summary>
internal sealed class WorkingCopySync(Repository repository, string root, IEngineLog log)
{
    /// <summary>Moves <paramref name="branch"/> to <paramref name="commit"/> when that is a fast-forward (and, when checked out, the files allow it).</summary>
    /// <param name="baseCommit">What the commit was built on.</param>
    public void Settle(string branch, bool checkedOut, Commit commit, Commit baseCommit, AppliedChanges applied)
    {
        var branchRef = $"refs/heads/{branch}";
        var reflog = $"automation: {commit.MessageShort}";
        if (repository.Refs[branchRef]?.ResolveToDirectReference().Target is not Commit tip)
        {
            repository.Refs.Add(branchRef, commit.Id, reflog);
            return;
        }

        if (!IsAncestor(tip, commit))
        {
            var local = repository.Commits.QueryBy(new CommitFilter { IncludeReachableFrom = tip, ExcludeReachableFrom = commit }).Take(6).ToList();
            log.Warning($"Branch '{branch}' in '{root}' has local commits the pushed commit does not contain, so it was left where it is: "
                + string.Join(", ", local.Take(5).Select(c => $"{c.Sha[..7]} '{c.MessageShort}'")) + (local.Count > 5 ? ", ..." : "")
                + ". They were not pushed; bring the automation's commit in with 'git pull --rebase'.");
            return;
        }

        if (checkedOut && !UpdateWorkingCopy(tip, commit, baseCommit, applied))
        {
            return;
        }

        MoveBranch(branchRef, tip, commit, reflog);
    }

    /// <summary>
    /// Warns about modified files under the update roots that the commit leaves out. Only there: a status of the whole
    /// working copy costs libgit2 about 250 ms per 20,000 files, more than the commit itself.
    /// </summary>
    public void WarnAboutOtherModifications(IReadOnlyList<string> roots, IReadOnlyList<string> files)
    {
        var ours = new HashSet<string>(files, StringComparer.Ordinal);
        var options = new StatusOptions
        {
            IncludeUntracked = false,
            ExcludeSubmodules = true,
            DetectRenamesInIndex = false,
            DetectRenamesInWorkDir = false,
            PathSpec = roots.Contains("") ? null : [.. roots],
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

    /// <summary>
    /// Updates the index and files from <paramref name="tip"/> to <paramref name="commit"/>; false (nothing touched)
    /// when a file the new commits change holds local edits that would be lost or mixed up.
    /// </summary>
    private bool UpdateWorkingCopy(Commit tip, Commit commit, Commit baseCommit, AppliedChanges applied)
    {
        var checkout = new List<string>();
        var stage = new List<string>();
        var keptEdits = new List<string>();
        var blocked = new List<string>();
        foreach (var path in ChangedPaths(tip.Tree, commit.Tree, ""))
        {
            // What is already committed (at HEAD, or in the base the new commit builds on) can be replaced without loss;
            // that also brings a clone forward whose earlier run was killed after its push, half-way through this update.
            var head = tip[path]?.Target.Id;
            var committed = baseCommit[path]?.Target.Id;
            var indexCommitted = repository.Index[path]?.Id is var index && (index == head || index == committed);
            var ours = applied.Contents.TryGetValue(path, out var content);
            if (ours && indexCommitted && SameBytes(path, content!))
            {
                // The setters already wrote exactly the committed bytes.
                stage.Add(path);
            }
            else if (indexCommitted && (WorkingFileHolds(path, head) || WorkingFileHolds(path, committed)))
            {
                checkout.Add(path);
            }
            else if (ours && indexCommitted && committed == head)
            {
                // Only the setter values changed this file: the index takes them, the file keeps the person's edits.
                keptEdits.Add(path);
            }
            else
            {
                blocked.Add(path);
            }
        }

        if (blocked.Count > 0)
        {
            log.Warning($"The working copy at '{root}' was left where it was: the pushed commit also changes file(s) with local edits: "
                + $"{string.Join(", ", blocked.Take(5))}{(blocked.Count > 5 ? ", ..." : "")}. Nothing of yours was changed; "
                + "commit or stash the edits and 'git pull' to bring the new commits in.");
            return false;
        }

        if (checkout.Count > 0)
        {
            repository.CheckoutPaths(commit.Sha, checkout, new CheckoutOptions { CheckoutModifiers = CheckoutModifiers.Force });
        }

        foreach (var path in stage)
        {
            repository.Index.Add(path);
        }

        foreach (var path in keptEdits)
        {
            var entry = commit[path];
            repository.Index.Add((Blob)entry.Target, path, entry.Mode);
        }

        repository.Index.Write();
        if (keptEdits.Count > 0)
        {
            log.Warning($"{string.Join(", ", keptEdits)} keep(s) local edits that were not committed; the commit holds only the setter values.");
        }

        return true;
    }

    /// <summary>Moves the branch only if it still is where it was read (someone else may use the clone).</summary>
    private void MoveBranch(string branchRef, Commit expected, Commit commit, string reflog)
    {
        var current = repository.Refs[branchRef];
        if (current?.ResolveToDirectReference().TargetIdentifier != expected.Sha)
        {
            log.Warning($"'{branchRef}' moved while the automation ran, so it was left alone; the automation's commit is {commit.Sha[..7]}.");
            return;
        }

        repository.Refs.UpdateTarget(current, commit.Id, reflog);
    }

    /// <summary>
    /// The paths whose entries differ between two trees. Subtrees with the same id are skipped, which libgit2's tree
    /// diff does not do: in a 20,000-file repository that is the difference between a few and several hundred milliseconds.
    /// </summary>
    private static IEnumerable<string> ChangedPaths(Tree? before, Tree? after, string prefix)
    {
        var old = before?.ToDictionary(e => e.Name, StringComparer.Ordinal) ?? [];
        var @new = after?.ToDictionary(e => e.Name, StringComparer.Ordinal) ?? [];
        foreach (var name in old.Keys.Union(@new.Keys, StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            var a = old.GetValueOrDefault(name);
            var b = @new.GetValueOrDefault(name);
            if (a is not null && b is not null && a.Target.Id == b.Target.Id && a.Mode == b.Mode)
            {
                continue;
            }

            var path = prefix + name;
            if (a?.Target is Tree || b?.Target is Tree)
            {
                foreach (var inner in ChangedPaths(a?.Target as Tree, b?.Target as Tree, path + "/"))
                {
                    yield return inner;
                }
            }

            if (a?.Target is not Tree && b?.Target is not Tree || a is not null && b is not null && (a.Target is Tree) != (b.Target is Tree))
            {
                yield return path;
            }
        }
    }

    private bool IsAncestor(Commit ancestor, Commit descendant) =>
        ancestor.Id == descendant.Id || repository.ObjectDatabase.FindMergeBase(ancestor, descendant)?.Id == ancestor.Id;

    /// <summary>Whether the working file holds exactly the blob <paramref name="id"/> (null: there is no file), by git's blob hash.</summary>
    private bool WorkingFileHolds(string path, ObjectId? id)
    {
        var full = Path.Combine(root, path);
        var info = new FileInfo(full);
        if (id is null)
        {
            return !info.Exists && info.LinkTarget is null && !Directory.Exists(full);
        }

        try
        {
            // A link's blob is its target's text, as git stores it.
            var content = info.LinkTarget is { } link ? System.Text.Encoding.UTF8.GetBytes(link) : info.Exists ? File.ReadAllBytes(full) : null;
            if (content is null)
            {
                return false;
            }

            using var sha1 = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA1);
            sha1.AppendData(System.Text.Encoding.ASCII.GetBytes($"blob {content.Length}\0"));
            sha1.AppendData(content);
            return string.Equals(Convert.ToHexString(sha1.GetHashAndReset()), id.Sha, StringComparison.OrdinalIgnoreCase);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private bool SameBytes(string path, byte[] content)
    {
        var full = Path.Combine(root, path);
        try
        {
            return new FileInfo(full) is { Exists: true, LinkTarget: null } info && info.Length == content.Length
                && File.ReadAllBytes(full).AsSpan().SequenceEqual(content);
        }
        catch (IOException)
        {
            return false;
        }
    }
}
