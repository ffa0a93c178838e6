namespace TazLab.ImageAutomation.Engine.Git;

/// <summary>A commit the automation made, and where it was pushed.</summary>
/// <param name="Files">Repository-relative, '/'-separated.</param>
public sealed record CommitOutcome(
    string Repository, string Branch, string Sha, string Message, IReadOnlyList<string> Files,
    bool Pushed, string? PushedTo, int Attempts, IReadOnlyList<string> PushedRefspecs)
{
    /// <summary>The first line of Flux's event text (<see cref="PushSummary"/>; the message is in <see cref="Message"/>), or "committed ..." before a push.</summary>
    public string Summary => Pushed
        ? PushSummary(Sha, Branch, PushedRefspecs, message: "")
        : $"committed '{ShortRevision(Sha)}' on branch '{Branch}'";

    /// <summary>Flux's <c>PushResult.Summary</c>.</summary>
    public static string PushSummary(string revision, string branch, IReadOnlyList<string> refspecs, string message)
    {
        if (revision.Length == 0)
        {
            throw new ArgumentException("empty push commit revision", nameof(revision));
        }

        var summary = $"pushed commit '{ShortRevision(revision)}' to branch '{branch}'";
        if (refspecs.Count > 0)
        {
            summary += " and refspecs " + string.Join(", ", refspecs.Select(r => $"'{r}'"));
        }

        return message.Length > 0 ? summary + "\n" + message : summary;
    }

    private static string ShortRevision(string revision) => revision.Length > 7 ? revision[..7] : revision;
}

/// <summary>What <see cref="GitAutomation.Submit"/> would do, for -WhatIf: the files, the rendered message, and where it goes.</summary>
/// <param name="Files">Repository-relative, '/'-separated (a link's target, not the link).</param>
/// <param name="Remote">The remote's name and URL (without credentials); null when not pushing.</param>
public sealed record SubmitPreview(string Repository, string Branch, IReadOnlyList<string> Files, string Message, string? Remote);
