using LibGit2Sharp;
using TazLab.ImageAutomation.Engine.Diagnostics;

namespace TazLab.ImageAutomation.Engine.Git;

/// <summary>How a submission runs, beyond its request: test seams and the choice of push program.</summary>
/// <param name="BeforePush">Runs just before each push attempt (1-based).</param>
/// <param name="PushNetworkRemotesWithGit">Push network remotes with the git program (a hook's message reaches the user) rather than libgit2.</param>
/// <param name="Progress">Told of each step, each file applied and each push retry.</param>
internal sealed record SubmitTuning(Action<int>? BeforePush, TimeSpan FirstRetryDelay, bool PushNetworkRemotesWithGit, IProgress<ProgressReport>? Progress = null);

/// <summary>
/// One Submit call: the branch modes and the push-until-accepted loop. Each attempt builds the commit on a fresh base
/// (the remote push branch as just fetched; the checked-out HEAD when not pushing or when that branch does not exist
/// yet) and pushes it without force; the person's branch, index and files move only after the push is accepted.
/// </summary>
internal sealed class Submission
{
    private readonly Repository repository;
    private readonly SubmitRequest request;
    private readonly IEngineLog log;
    private readonly SubmitTuning tuning;
    private readonly string? checkoutBranch;
    private readonly CommitBuilder builder;
    private readonly WorkingCopySync sync;

    public Submission(Repository repository, SubmitRequest request, IEngineLog log, SubmitTuning tuning)
    {
        this.repository = repository;
        this.request = request;
        this.log = log;
        this.tuning = tuning;
        Root = repository.Info.WorkingDirectory.TrimEnd(Path.DirectorySeparatorChar);
        RefuseUnfinishedOperation();
        if (repository.Info.IsHeadUnborn)
        {
            throw new AutomationException(ErrorKind.InvalidOperation, "GitRepositoryEmpty",
                $"The repository at '{Root}' has no commits yet, so there is nothing to apply the values to.", Root,
                "Commit the manifests first, then run the automation.");
        }

        checkoutBranch = repository.Info.IsHeadDetached ? null : repository.Head.FriendlyName;
        PushBranch = request.PushBranch ?? checkoutBranch
            ?? throw new AutomationException(ErrorKind.InvalidArgument, "GitPushBranchMissing",
                $"The repository at '{Root}' has a detached HEAD, so there is no branch to commit to.", Root,
                "Name a push branch (Flux: push spec not provided, and cannot be inferred from the checkout ref), or check out a branch.")
                { Settings = [Setting.PushBranch] };
        Replay = new SetterReplay(repository, Root, request.Changes, log);
        builder = new CommitBuilder(repository, request);
        sync = new WorkingCopySync(repository, Root, log);
        Transport = request.Push ? new RemoteTransport(repository, Root, request, log, tuning.PushNetworkRemotesWithGit) : null;
        activity = $"Committing {Replay.Files.Count} file(s) in '{Root}'";
    }

    /// <summary>The submission's progress bar.</summary>
    private readonly string activity;

    public string Root { get; }
    public string PushBranch { get; }
    public SetterReplay Replay { get; }
    public RemoteTransport? Transport { get; }
    private bool CheckedOut => PushBranch == checkoutBranch;

    /// <summary>What would be committed, from the change objects alone (nothing is read from the remote or written).</summary>
    public SubmitPreview Preview() =>
        new(Root, PushBranch, Replay.Files, builder.Message(Replay.Keyed(request.Changes)), Transport?.Description);

    public CommitOutcome? Run()
    {
        using var finished = tuning.Progress.FinishedAtEnd(activity);
        Step("Checking the working copy");
        sync.WarnAboutOtherModifications(Replay.Roots, Replay.Files);
        try
        {
            return CommitAndPush();
        }
        catch (AutomationException e) when (e.ErrorId is "GitRemoteFailed" or "GitAuthenticationFailed" or "GitProgramNotFound" or "GitProgramTimedOut" or "GitFetchIncomplete")
        {
            throw new AutomationException(e.Kind, e.ErrorId, $"{e.Message} {NothingCommitted}", e.Target, e.RecommendedAction, e.InnerException);
        }
    }

    private const string NothingCommitted = "Nothing was committed: the clone's branch, index and files are as they were.";

    private CommitOutcome? CommitAndPush()
    {
        for (var attempt = 1; ; attempt++)
        {
            var ofAttempts = Transport is null ? "" : $" (attempt {attempt} of {request.MaxAttempts})";
            if (Transport is not null)
            {
                Step($"Fetching {Transport.Remote.Name}/{PushBranch}{ofAttempts}");
            }

            var remoteHead = Transport?.FetchBranch(PushBranch);
            var baseCommit = remoteHead ?? LocalBase();
            var applied = Replay.Apply(baseCommit, tuning.Progress, new ProgressReport(activity) { Status = "Applying the values" + ofAttempts });
            if (applied.Tree is null)
            {
                log.Verbose($"{(remoteHead is null ? $"Branch '{PushBranch}'" : $"{Transport!.Remote.Name}/{PushBranch}")} already holds the new values, so there is nothing to commit and nothing was pushed.");
                return null;
            }

            var commit = builder.Create(applied.Tree, baseCommit, builder.Message(applied.Changes));
            if (Transport is null)
            {
                Step("Updating the working copy");
                sync.Settle(PushBranch, CheckedOut, commit, baseCommit, applied);
                return Outcome(commit, applied, pushed: false, attempt);
            }

            tuning.BeforePush?.Invoke(attempt);
            Step($"Pushing {commit.Sha[..7]} to {Transport.Remote.Name}/{PushBranch}{ofAttempts}");
            var result = Transport.Push(commit.Sha, $"refs/heads/{PushBranch}");
            if (result.Rejection is null)
            {
                log.Verbose($"Pushed {commit.Sha[..7]} to {Transport.Remote.Name}/{PushBranch} (attempt {attempt}).");
                Step("Updating the working copy");
                Transport.UpdateTrackingRef(PushBranch, commit.Id);
                sync.Settle(PushBranch, CheckedOut, commit, baseCommit, applied);
                PushRefspecs(commit);
                return Outcome(commit, applied, pushed: true, attempt);
            }

            if (attempt == request.MaxAttempts)
            {
                throw Rejected($"{result.Rejection} (gave up after {attempt} attempts)");
            }

            if (!result.Transient && Transport.BranchTip(PushBranch) == remoteHead?.Id)
            {
                throw Rejected($"{result.Rejection} (the remote branch did not move, so retrying would not help)");
            }

            log.Verbose($"Push attempt {attempt} was rejected ({result.Rejection}); making the commit again on {Transport.Remote.Name}/{PushBranch}.");
            var delay = tuning.FirstRetryDelay * Math.Pow(2, attempt - 1) * (0.5 + Random.Shared.NextDouble());
            Step($"Push rejected; retrying in {delay.TotalSeconds:0.#} s (attempt {attempt + 1} of {request.MaxAttempts})");
            Thread.Sleep(delay);
        }
    }

    private void Step(string status) => tuning.Progress?.Report(new ProgressReport(activity) { Status = status });

    /// <summary>The base without a remote: the push branch as it is locally (Flux: a new push branch starts from the checkout).</summary>
    private Commit LocalBase() =>
        (CheckedOut ? null : repository.Refs[$"refs/heads/{PushBranch}"]?.ResolveToDirectReference().Target as Commit) ?? repository.Head.Tip;

    /// <summary>Extra pushes after the branch push; a refspec whose source is the push branch pushes the automation's commit.</summary>
    private void PushRefspecs(Commit commit)
    {
        foreach (var refspec in request.Refspecs)
        {
            var force = refspec.StartsWith('+');
            var spec = force ? refspec[1..] : refspec;
            var separator = spec.IndexOf(':');
            var source = separator < 0 ? spec : spec[..separator];
            var destination = separator < 0 ? spec : spec[(separator + 1)..];
            if (source == PushBranch || source == $"refs/heads/{PushBranch}")
            {
                source = commit.Sha;
            }

            string? rejection;
            try
            {
                rejection = Transport!.Push((force ? "+" : "") + source, destination).Rejection;
            }
            catch (AutomationException e)
            {
                rejection = e.Message;
            }

            if (rejection is not null)
            {
                throw new AutomationException(ErrorKind.ResourceBusy, "GitRefspecPushRejected",
                    $"The branch was pushed, but the extra push '{refspec}' to remote {Transport!.Description} was rejected: {rejection}.",
                    refspec, "Check the refspec; Flux notes it fails when it names the same branch as the push branch.");
            }
        }
    }

    private CommitOutcome Outcome(Commit commit, AppliedChanges applied, bool pushed, int attempts) =>
        new(Root, PushBranch, commit.Sha, commit.Message, applied.Files, pushed,
            pushed ? $"{request.Remote}/{PushBranch}" : null, attempts, pushed ? request.Refspecs : []);

    private AutomationException Rejected(string why) =>
        new(ErrorKind.ResourceBusy, "GitPushRejected",
            $"The push of branch '{PushBranch}' to remote {Transport!.Description} was rejected: {why}. {NothingCommitted}", Transport.Remote.Name,
            "Run the automation again; if it keeps failing, check the remote's hooks and branch protection.");

    private void RefuseUnfinishedOperation()
    {
        var (what, how) = repository.Info.CurrentOperation switch
        {
            CurrentOperation.None => (null, null),
            CurrentOperation.Merge => ("a merge", "git merge --continue' or 'git merge --abort"),
            CurrentOperation.CherryPick or CurrentOperation.CherryPickSequence => ("a cherry-pick", "git cherry-pick --continue' or 'git cherry-pick --abort"),
            CurrentOperation.Revert or CurrentOperation.RevertSequence => ("a revert", "git revert --continue' or 'git revert --abort"),
            CurrentOperation.Bisect => ("a bisect", "git bisect reset"),
            CurrentOperation.ApplyMailbox => ("'git am'", "git am --continue' or 'git am --abort"),
            _ => ("a rebase", "git rebase --continue' or 'git rebase --abort"),
        };
        if (what is not null)
        {
            throw new AutomationException(ErrorKind.InvalidOperation, "GitOperationInProgress",
                $"The repository at '{Root}' is in the middle of {what}; the automation does not commit into it, and nothing was changed.", Root,
                $"Finish it ('{how}'), then run the automation again.");
        }
    }
}
