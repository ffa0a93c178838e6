using System.Collections;
using System.Management.Automation;
using TazLab.ImageAutomation.Completion;
using TazLab.ImageAutomation.Engine.Diagnostics;
using TazLab.ImageAutomation.Engine.Git;
using TazLab.ImageAutomation.Engine.Setters;
using TazLab.ImageAutomation.Engine.Templates;
using TazLab.ImageAutomation.Errors;

namespace TazLab.ImageAutomation.Commands;

/// <summary>
/// Commits the files Update-ImageSetter changed (and nothing else) like Flux's image-automation-controller, and
/// optionally pushes; a push that loses a race is re-applied on the new remote head and pushed again.
/// </summary>
[Cmdlet(VerbsLifecycle.Submit, "AutomationCommit", SupportsShouldProcess = true, DefaultParameterSetName = LiteralSet, HelpUri = "https://github.com/tazlab/TazLab.ImageAutomation/blob/main/docs/help/Submit-AutomationCommit.md")]
[OutputType(typeof(AutomationCommit))]
public sealed class SubmitAutomationCommitCommand : PSCmdlet
{
    private const string LiteralSet = "Message";
    private const string TemplateSet = "MessageTemplate";
    private readonly List<ImageSetterChange> changes = [];

    /// <summary>Change objects from Update-ImageSetter.</summary>
    /// <remarks>$null (a runbook's run when nothing changed) is no change at all, as when piping $null.</remarks>
    [Parameter(ValueFromPipeline = true)]
    [AllowNull]
    [AllowEmptyCollection]
    public ImageSetterChange?[]? InputObject { get; set; } = [];

    /// <summary>The working copy to commit in.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string RepositoryPath { get; set; } = "";

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string AuthorName { get; set; } = "fluxcdbot";

    /// <summary>Required, as in Flux's <c>spec.git.commit.author.email</c>.</summary>
    [Parameter(Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string AuthorEmail { get; set; } = "";

    /// <summary>Defaults to the author.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? CommitterName { get; set; }

    /// <summary>Defaults to the author.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? CommitterEmail { get; set; }

    /// <summary>A literal commit message.</summary>
    [Parameter(ParameterSetName = LiteralSet)]
    [ValidateNotNullOrEmpty]
    public string Message { get; set; } = CommitMessage.DefaultMessage;

    /// <summary>A Go text/template over Flux's data (.AutomationObject, .Changed, .Values).</summary>
    [Parameter(Mandatory = true, ParameterSetName = TemplateSet)]
    [ValidateNotNullOrEmpty]
    public string MessageTemplate { get; set; } = "";

    /// <summary>The template's <c>.Values</c>.</summary>
    [Parameter(ParameterSetName = TemplateSet)]
    public Hashtable MessageTemplateValues { get; set; } = [];

    /// <summary><c>namespace/name</c> printed by <c>{{ .AutomationObject }}</c>.</summary>
    [Parameter]
    [ValidatePattern("^[^/]*/[^/]+$")]
    public string? AutomationObject { get; set; }

    /// <summary>Push after committing.</summary>
    [Parameter]
    public SwitchParameter Push { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(RemoteNameCompleter))]
    public string Remote { get; set; } = "origin";

    /// <summary>The branch to push (default: the checked-out branch). Another branch is Flux's switch-branch mode: the commit builds on that branch's remote head.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(BranchNameCompleter))]
    public string? PushBranch { get; set; }

    /// <summary>Extra pushes after the branch push, e.g. <c>refs/heads/auto:refs/heads/main</c>.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[] Refspec { get; set; } = [];

    /// <summary>User name and password or token for an HTTPS remote.</summary>
    [Parameter]
    [Credential]
    public PSCredential Credential { get; set; } = PSCredential.Empty;

    /// <summary>How many times to push when the remote keeps moving.</summary>
    [Parameter]
    [ValidateRange(1, 100)]
    public int MaxAttempts { get; set; } = 5;

    /// <summary>OpenPGP: a key id or an ASCII-armored secret key file; SSH: a private key file.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? SigningKey { get; set; }

    [Parameter]
    [ValidateSet("OpenPGP", "SSH")]
    public string SigningFormat { get; set; } = "OpenPGP";

    protected override void ProcessRecord() => changes.AddRange(InputObject?.OfType<ImageSetterChange>() ?? []);

    protected override void EndProcessing()
    {
        var path = PathResolution.ExistingDirectory(this, RepositoryPath, nameof(RepositoryPath));
        if (changes.Count == 0)
        {
            WriteVerbose("No changed values came in, so there is nothing to commit and nothing was pushed.");
            return;
        }

        if (Refspec.Length > 0 && !Push.IsPresent)
        {
            WriteWarning("-Refspec is pushed only together with -Push; nothing will be pushed.");
        }

        using var progress = ProgressWriter.For(this, firstActivityId: 4_000_000);
        try
        {
            var workingCopy = GitAutomation.FindWorkingCopy(path);
            var automation = new GitAutomation(new CmdletLog(this)) { Progress = progress.Sink };
            var request = Request(workingCopy, Push.IsPresent);
            var preview = automation.Preview(request);
            var files = string.Join(", ", preview.Files);
            // Both questions are asked (and -WhatIf prints both) before anything happens.
            var commit = ShouldProcess(workingCopy, $"Commit {preview.Files.Count} file(s) ({files}) on branch '{preview.Branch}' with message '{preview.Message}'");
            var push = Push.IsPresent && ShouldProcess($"{preview.Remote} branch '{preview.Branch}'",
                $"Push the commit, made again on the new remote head up to {MaxAttempts} time(s) if the remote moved");
            if (!commit)
            {
                return;
            }

            var outcome = automation.Submit(push ? request : request with { Push = false });
            if (outcome is null)
            {
                return;
            }

            WriteObject(new AutomationCommit
            {
                Repository = outcome.Repository,
                Branch = outcome.Branch,
                Sha = outcome.Sha,
                Message = outcome.Message,
                Files = [.. outcome.Files],
                Pushed = outcome.Pushed,
                PushedTo = outcome.PushedTo ?? "",
                Attempts = outcome.Attempts,
                Summary = outcome.Summary,
            });
        }
        catch (AutomationException e)
        {
            ThrowTerminatingError(ErrorRecords.From(e));
        }
    }


    private SubmitRequest Request(string workingCopy, bool push) => new(workingCopy, changes.Select(ToEngine).ToList(), AuthorEmail)
    {
        AuthorName = AuthorName,
        CommitterName = CommitterName,
        CommitterEmail = CommitterEmail,
        Message = ParameterSetName == LiteralSet ? Message : null,
        MessageTemplate = ParameterSetName == TemplateSet ? MessageTemplate : null,
        MessageTemplateValues = MessageTemplateValues.Cast<DictionaryEntry>()
            .ToDictionary(e => e.Key.ToString() ?? "", e => e.Value?.ToString() ?? "", StringComparer.Ordinal),
        AutomationObject = AutomationObject?.Split('/') is [var ns, var name] ? new AutomationObjectName(ns, name) : null,
        Push = push,
        Remote = Remote,
        PushBranch = PushBranch,
        Refspecs = Refspec,
        Credential = Credential == PSCredential.Empty ? null : new GitCredential(Credential.UserName, Credential.GetNetworkCredential().Password),
        MaxAttempts = MaxAttempts,
        Signing = SigningKey is null ? null : new CommitSigning(SigningFormat == "SSH" ? Engine.Git.SigningFormat.Ssh : Engine.Git.SigningFormat.OpenPgp, SigningKeyPath(SigningKey)),
    };

    /// <summary>A key file is resolved like any path (relative to $PWD, '~'); anything else is a gpg key id.</summary>
    private string SigningKeyPath(string key)
    {
        var resolved = GetUnresolvedProviderPathFromPSPath(key);
        return File.Exists(resolved) ? resolved : key;
    }

    private static SetterChange ToEngine(ImageSetterChange change) => new(
        change.Path, change.RelativePath, change.Line, change.Column, change.Setter, change.OldValue, change.NewValue,
        new ObjectIdentity(change.ApiVersion, change.Kind, change.Name, change.Namespace),
        new SetterPolicy(change.Policy, change.Image, change.Tag, change.Digest.Length == 0 ? null : change.Digest));
}
