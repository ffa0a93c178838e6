namespace TazLab.ImageAutomation.Engine.Git;

/// <summary>What to commit: files of a working copy (absolute paths) and who commits them.</summary>
public sealed record CommitRequest(string RepositoryPath, IReadOnlyList<string> Files, string AuthorName, string AuthorEmail, string Message);

/// <summary>A commit the automation made, and where it was pushed.</summary>
public sealed record CommitOutcome(
    string Repository, string Branch, string Sha, string Message, IReadOnlyList<string> Files,
    bool Pushed, string? PushedTo, int Attempts)
{
    /// <summary>Flux's notification text (<c>PushResult.Summary</c> without the message).</summary>
    public string Summary => Pushed
        ? $"pushed commit '{Sha[..7]}' to branch '{Branch}'"
        : $"committed '{Sha[..7]}' on branch '{Branch}'";
}
