using System.Management.Automation;
using TazLab.ImageAutomation.Engine.Diagnostics;
using TazLab.ImageAutomation.Engine.Git;
using TazLab.ImageAutomation.Errors;

namespace TazLab.ImageAutomation.Commands;

/// <summary>Commits the files Update-ImageSetter changed (and nothing else) and optionally pushes the branch.</summary>
[Cmdlet(VerbsLifecycle.Submit, "AutomationCommit", SupportsShouldProcess = true)]
[OutputType(typeof(AutomationCommit))]
public sealed class SubmitAutomationCommitCommand : PSCmdlet
{
    private const string DefaultMessage = "Update from image update automation";
    private readonly List<ImageSetterChange> changes = [];

    /// <summary>Change objects from Update-ImageSetter.</summary>
    [Parameter(ValueFromPipeline = true)]
    public ImageSetterChange[] InputObject { get; set; } = [];

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

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string Message { get; set; } = DefaultMessage;

    /// <summary>Push the branch after committing.</summary>
    [Parameter]
    public SwitchParameter Push { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string Remote { get; set; } = "origin";

    protected override void ProcessRecord() => changes.AddRange(InputObject);

    protected override void EndProcessing()
    {
        var path = PathResolution.ExistingDirectory(this, RepositoryPath, nameof(RepositoryPath));
        try
        {
            var workingCopy = GitAutomation.FindWorkingCopy(path);
            var files = changes.Select(c => c.Path).Distinct(StringComparer.Ordinal).ToList();
            if (files.Count == 0)
            {
                WriteVerbose("No changed values came in; nothing to commit.");
                return;
            }

            if (!ShouldProcess(workingCopy, $"Commit {files.Count} file(s)"))
            {
                return;
            }

            var git = new GitAutomation(new CmdletLog(this));
            var outcome = git.Commit(new CommitRequest(workingCopy, files, AuthorName, AuthorEmail, Message));
            if (outcome is null)
            {
                WriteVerbose("The files already hold these values; nothing to commit.");
                return;
            }

            if (Push && ShouldProcess($"{Remote}/{outcome.Branch}", $"Push commit {outcome.Sha[..7]}"))
            {
                outcome = git.Push(outcome, Remote);
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
}
