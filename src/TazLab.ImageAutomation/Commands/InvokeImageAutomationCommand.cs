using System.Management.Automation;
using TazLab.ImageAutomation.Completion;
using TazLab.ImageAutomation.Engine.Automation;
using TazLab.ImageAutomation.Engine.Diagnostics;
using TazLab.ImageAutomation.Engine.Git;
using TazLab.ImageAutomation.Engine.Registry;
using TazLab.ImageAutomation.Errors;

namespace TazLab.ImageAutomation.Commands;

/// <summary>
/// Runs a GitOps repository's own ImageUpdateAutomations, as Flux's image-automation-controller would: lists each
/// ImageRepository once, selects each ImagePolicy's tag, rewrites the markers under each automation's update path and
/// commits (and with -Push pushes) one commit per automation. Emits one result per automation; -WhatIf writes nothing
/// and still reports each marker's old and new value, a diff per file and the commit message.
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "ImageAutomation", SupportsShouldProcess = true, DefaultParameterSetName = PathSet, HelpUri = "https://github.com/tazlab/TazLab.ImageAutomation/blob/main/docs/help/Invoke-ImageAutomation.md")]
[OutputType("TazLab.ImageAutomation.Engine.Automation.AutomationResult")]
public sealed class InvokeImageAutomationCommand : RegistryCommandBase, IDisposable
{
    private const string PathSet = "RepositoryPath";
    private const string UrlSet = "Url";
    private readonly CancellationTokenSource cancellation = new();
    private readonly List<string> repositories = [];

    /// <summary>Working copies to run in; several run at once (-ThrottleLimit), sharing their tag listings.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "FullName")]
    [ValidateNotNullOrEmpty]
    public string[] RepositoryPath { get; set; } = [];

    /// <summary>A git URL to clone into a temporary folder, run in, and delete afterwards.</summary>
    [Parameter(Mandatory = true, ParameterSetName = UrlSet)]
    [ValidateNotNullOrEmpty]
    public string Url { get; set; } = "";

    /// <summary>With -Url: the branch to clone (default: the remote's default branch).</summary>
    [Parameter(ParameterSetName = UrlSet)]
    [ValidateNotNullOrEmpty]
    public string? Branch { get; set; }

    /// <summary>Where the Flux objects are, relative to the repository root (default: the whole repository).</summary>
    [Parameter]
    [AllowEmptyString]
    public string AutomationPath { get; set; } = "";

    /// <summary>Only these ImageUpdateAutomations (<c>name</c> or <c>namespace/name</c>).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(AutomationNameCompleter))]
    public string[] Name { get; set; } = [];

    /// <summary>Push each automation's commit to its push branch (and refspec).</summary>
    [Parameter]
    public SwitchParameter Push { get; set; }

    /// <summary>Move markers even to a tag their policy orders below the current one (Flux's behaviour).</summary>
    [Parameter]
    public SwitchParameter AllowDowngrade { get; set; }

    /// <summary>User name and password or token for an HTTPS git remote.</summary>
    [Parameter]
    [Credential]
    public PSCredential GitCredential { get; set; } = PSCredential.Empty;

    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(RemoteNameCompleter))]
    public string Remote { get; set; } = "origin";

    /// <summary>How many times to push when the remote keeps moving.</summary>
    [Parameter]
    [ValidateRange(1, 100)]
    public int MaxAttempts { get; set; } = 5;

    /// <summary>The key for automations with <c>spec.git.commit.signingKey</c>: a gpg key id or armored key file, or an SSH private key file.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? SigningKey { get; set; }

    /// <summary>How many repositories run at once.</summary>
    [Parameter]
    [ValidateRange(1, 16)]
    public int ThrottleLimit { get; set; } = 4;

    protected override void ProcessRecord()
    {
        repositories.AddRange(RepositoryPath.Select(p => PathResolution.ExistingDirectory(this, p, nameof(RepositoryPath))));
    }

    protected override void EndProcessing()
    {
        TemporaryClone? clone = null;
        using var progress = ProgressWriter.For(this, firstActivityId: 5_000_000);
        try
        {
            var runner = new AutomationRunner(new TagSource(BuildRegistryOptions() with { Progress = progress.Sink })) { Progress = progress.Sink };
            if (ParameterSetName == UrlSet)
            {
                clone = TemporaryClone.Create(Url, Branch, Git(), null);
                repositories.Add(clone.Path);
            }

            var dryRun = !ShouldProcess(string.Join(", ", ParameterSetName == UrlSet ? [Url] : repositories),
                $"Run image automations{(Push ? ", commit and push" : " and commit")}");
            var requests = repositories.Select(r => Request(r, dryRun)).ToList();
            var runs = progress.Run(() => runner.RunAll(requests, ThrottleLimit, cancellation.Token));
            foreach (var run in runs)
            {
                Write(run);
            }
        }
        catch (AutomationException e)
        {
            ThrowTerminatingError(ErrorRecords.From(e, FluxSettingNames.For(null)));
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
        finally
        {
            clone?.Dispose();
        }
    }

    protected override void StopProcessing() => cancellation.Cancel();

    public void Dispose() => cancellation.Dispose();

    /// <summary>Results first, then errors: with -ErrorAction Stop the first error ends the command, after every automation ran and was reported.</summary>
    private void Write(AutomationRun run)
    {
        new CmdletLog(this).Replay(run.Log);
        foreach (var result in run.Results)
        {
            WriteObject(result);
        }

        foreach (var problem in run.LoadProblems)
        {
            WriteError(ErrorRecords.From(problem));
        }

        foreach (var failure in run.Failures)
        {
            WriteError(ErrorRecords.From(failure.Error, FluxSettingNames.For(failure.Subject)));
        }
    }

    private AutomationRunRequest Request(string repository, bool dryRun) => new(repository)
    {
        AutomationPath = AutomationPath,
        Names = Name,
        DryRun = dryRun,
        Push = Push,
        AllowDowngrade = AllowDowngrade,
        Remote = Remote,
        GitCredential = Git(),
        MaxAttempts = MaxAttempts,
        SigningKey = SigningKey is null ? null : File.Exists(GetUnresolvedProviderPathFromPSPath(SigningKey)) ? GetUnresolvedProviderPathFromPSPath(SigningKey) : SigningKey,
    };

    private GitCredential? Git() => GitCredential == PSCredential.Empty ? null
        : new GitCredential(GitCredential.UserName, GitCredential.GetNetworkCredential().Password);
}
