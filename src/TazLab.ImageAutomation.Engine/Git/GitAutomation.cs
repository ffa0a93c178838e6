using LibGit2Sharp;
using TazLab.ImageAutomation.Engine.Diagnostics;

namespace TazLab.ImageAutomation.Engine.Git;

/// <summary>
/// Commits the setter values and pushes them like Flux's image-automation-controller, in a person's clone. The commit is
/// its base plus exactly the setter values (<see cref="SetterReplay"/>); a push rejected because the remote moved on is
/// made again on the new remote head (never forced); nothing of the person's moves before the push is accepted.
/// </summary>
public sealed class GitAutomation(IEngineLog? log = null)
{
    private readonly IEngineLog log = log ?? NullEngineLog.Instance;

    /// <summary>Test seam: runs just before each push attempt (1-based), e.g. to make someone else push first.</summary>
    internal Action<int>? BeforePush { get; init; }

    /// <summary>The wait after the first rejected push; each later one doubles it (jittered). Tests of long races shorten it.</summary>
    internal TimeSpan FirstRetryDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Network pushes go through the git program when it is installed; tests of the libgit2 fallback turn that off.</summary>
    internal bool PushNetworkRemotesWithGit { get; init; } = true;

    /// <summary>Where a submission reports its steps, the files it applies and its push retries; null reports nothing.</summary>
    public IProgress<ProgressReport>? Progress { get; init; }

    private SubmitTuning Tuning => new(BeforePush, FirstRetryDelay, PushNetworkRemotesWithGit && GitCommandLine.Available, Progress);

    /// <summary>The working-copy root of the repository that contains <paramref name="path"/>.</summary>
    public static string FindWorkingCopy(string path)
    {
        NativeGit.EnsureLoaded();
        var gitDirectory = Directory.Exists(path) ? Repository.Discover(path) : null;
        if (gitDirectory is null)
        {
            throw new AutomationException(ErrorKind.ObjectNotFound, "GitRepositoryNotFound",
                $"'{path}' is not inside a git repository.", path, "Give the folder of a clone ('git clone URL folder').")
            { Settings = [Setting.RepositoryPath] };
        }

        using var repository = new Repository(gitDirectory);
        return repository.Info.WorkingDirectory?.TrimEnd(Path.DirectorySeparatorChar)
            ?? throw new AutomationException(ErrorKind.InvalidArgument, "GitRepositoryBare",
                $"'{path}' is a bare repository; the automation needs a working copy.", path, "Clone it and give the clone's folder.");
    }

    /// <summary>Commits (and, if asked, pushes) the request's changes. Null when there is nothing to commit.</summary>
    /// <exception cref="AutomationException">Bad request, template error, push rejected, authentication failure, ...</exception>
    public CommitOutcome? Submit(SubmitRequest request)
    {
        Validate(request);
        if (request.Changes.Count == 0)
        {
            log.Verbose("No setter changes were given; nothing to commit.");
            return null;
        }

        using var repository = new Repository(FindWorkingCopy(request.RepositoryPath));
        return new Submission(repository, request, log, Tuning).Run();
    }

    /// <summary>What <see cref="Submit"/> would commit and where (for -WhatIf); nothing is fetched or written.</summary>
    public SubmitPreview Preview(SubmitRequest request)
    {
        Validate(request);
        using var repository = new Repository(FindWorkingCopy(request.RepositoryPath));
        var submission = new Submission(repository, request, log, Tuning with { BeforePush = null });
        return request.Changes.Count == 0
            ? new SubmitPreview(submission.Root, submission.PushBranch, [], "", submission.Transport?.Description)
            : submission.Preview();
    }

    private static void Validate(SubmitRequest request)
    {
        if (string.IsNullOrWhiteSpace(request.AuthorEmail))
        {
            throw new AutomationException(ErrorKind.InvalidArgument, "GitAuthorEmailMissing",
                "An author email is required for the automation's commits (Flux requires spec.git.commit.author.email).", null,
                "Give an author email, e.g. fluxcdbot@example.com.");
        }

        if (request.MaxAttempts < 1)
        {
            throw new AutomationException(ErrorKind.InvalidArgument, "GitMaxAttemptsInvalid",
                $"The number of push attempts must be at least 1, not {request.MaxAttempts}.", request.MaxAttempts, "Allow 1 or more attempts.");
        }
    }
}
