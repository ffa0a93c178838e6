using TazLab.ImageAutomation.Engine.Setters;
using TazLab.ImageAutomation.Engine.Templates;

namespace TazLab.ImageAutomation.Engine.Git;

/// <summary>A user name and a password or token for an HTTPS remote. Never printed: <see cref="ToString"/> hides the secret.</summary>
public sealed record GitCredential(string UserName, string Secret)
{
    public override string ToString() => $"GitCredential {{ UserName = {UserName} }}";
}

public enum SigningFormat
{
    /// <summary>Sign with <c>gpg</c>: <see cref="CommitSigning.Key"/> is a key id in the user's keyring, or an ASCII-armored secret key file (Flux's <c>git.asc</c>).</summary>
    OpenPgp,

    /// <summary>Sign with <c>ssh-keygen -Y sign</c>: <see cref="CommitSigning.Key"/> is an OpenSSH private key file.</summary>
    Ssh,
}

public sealed record CommitSigning(SigningFormat Format, string Key);

/// <summary>
/// What Submit-AutomationCommit does: commit the files the setters changed (listed by <paramref name="Changes"/>,
/// whose <see cref="SetterChange.Policy"/> is re-applied when a push races), then optionally push.
/// </summary>
/// <param name="RepositoryPath">A folder inside the working copy.</param>
/// <param name="Changes">What the setters changed; each change's file is under its update root (Path ends with RelativePath).</param>
public sealed record SubmitRequest(string RepositoryPath, IReadOnlyList<SetterChange> Changes, string AuthorEmail)
{
    public string AuthorName { get; init; } = "";
    public string? CommitterName { get; init; }
    public string? CommitterEmail { get; init; }

    /// <summary>A literal message; wins over <see cref="MessageTemplate"/>.</summary>
    public string? Message { get; init; }

    /// <summary>A Go text/template over Flux's data; null or empty gives Flux's default message.</summary>
    public string? MessageTemplate { get; init; }
    public IReadOnlyDictionary<string, string>? MessageTemplateValues { get; init; }

    /// <summary><c>.AutomationObject</c>; defaults to the setters' namespace and the name <c>image-update-automation</c>.</summary>
    public AutomationObjectName? AutomationObject { get; init; }

    public bool Push { get; init; }
    public string Remote { get; init; } = "origin";

    /// <summary>Null = the checked-out branch. Another branch = Flux's switch-branch mode (built on that branch's remote head).</summary>
    public string? PushBranch { get; init; }

    /// <summary>Extra pushes after the branch push, e.g. <c>refs/heads/auto:refs/heads/main</c>.</summary>
    public IReadOnlyList<string> Refspecs { get; init; } = [];
    public GitCredential? Credential { get; init; }
    public int MaxAttempts { get; init; } = 5;
    public CommitSigning? Signing { get; init; }
}
