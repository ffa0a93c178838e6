using System.Management.Automation;
using TazLab.ImageAutomation.Completion;
using TazLab.ImageAutomation.Engine.Diagnostics;
using TazLab.ImageAutomation.Engine.Policies;
using TazLab.ImageAutomation.Engine.Setters;
using TazLab.ImageAutomation.Errors;

namespace TazLab.ImageAutomation.Commands;

/// <summary>
/// Rewrites the values marked <c># {"$imagepolicy": "ns:policy"}</c> under a path to the selected images,
/// changing only the bytes of those values. Emits one change object per changed value, and one per value that was already
/// current (AlreadyCurrent), so a following Submit-AutomationCommit can still commit what an earlier failed push left out.
/// </summary>
[Cmdlet(VerbsData.Update, "ImageSetter", SupportsShouldProcess = true, HelpUri = "https://github.com/tazlab/TazLab.ImageAutomation/blob/main/docs/help/Update-ImageSetter.md")]
[OutputType(typeof(ImageSetterChange))]
public sealed class UpdateImageSetterCommand : PSCmdlet
{
    private readonly List<SetterPolicy> policies = [];

    /// <summary>The directory whose manifests are updated (Flux's <c>spec.update.path</c>).</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [Alias("PSPath")]
    public string Path { get; set; } = "";

    /// <summary>The policy (<c>namespace:name</c>, or <c>name</c> in -Namespace) a selection is for.</summary>
    /// <remarks>Not mandatory: a selection made without -Policy gets an error that says how to name it, not a prompt.</remarks>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString, AllowNull]
    [ArgumentCompleter(typeof(PolicyNameCompleter))]
    public string? Policy { get; set; } = "";

    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ImageNameCompleter))]
    public string Image { get; set; } = "";

    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Tag { get; set; } = "";

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [AllowNull, AllowEmptyString]
    public string? Digest { get; set; }

    /// <summary>The policy that made the selection (bound from Select-ImagePolicyTag's output): a marker is then not moved
    /// to a tag this policy orders below the one it holds, unless -AllowDowngrade.</summary>
    /// (Typed object: the engine's TagPolicy loads in the engine's own context, after PowerShell reads parameter types.)
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [AllowNull]
    public object? SelectedBy { get; set; }

    /// <summary>Write the selected value even when its policy orders it below the marker's current value (Flux's behaviour).</summary>
    [Parameter]
    public SwitchParameter AllowDowngrade { get; set; }

    /// <summary>The namespace of policies named without one.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string Namespace { get; set; } = SetterPolicy.DefaultNamespace;

    /// <summary>Files larger than this are skipped with a warning.</summary>
    [Parameter]
    [ValidateRange(1, SetterEngine.MaxFileSizeLimit)]
    public long MaxFileSize { get; set; } = SetterEngine.DefaultMaxFileSize;

    protected override void ProcessRecord()
    {
        if (string.IsNullOrEmpty(Policy))
        {
            WriteError(ErrorRecords.Create("SetterPolicyNameMissing", ErrorCategory.InvalidArgument, Image,
                $"The selection {TextScrubber.Quote($"{Image}:{Tag}")} names no policy, so no '$imagepolicy' marker can be matched to it.",
                "Name the policy the markers name (namespace:name, e.g. flux-system:hugo-blog) with Select-ImagePolicyTag -Policy, or with -Policy here."));
            return;
        }

        try
        {
            policies.Add(SetterPolicy.FromSelection(Policy, Image, Tag, Digest, Namespace) with { SelectedBy = SelectedBy as TagPolicy });
        }
        catch (AutomationException e)
        {
            // One bad selection must not hold back the others; it is named and left out.
            WriteError(ErrorRecords.From(e));
        }
    }

    protected override void EndProcessing()
    {
        using var progress = ProgressWriter.For(this, firstActivityId: 3_000_000);
        var root = PathResolution.ExistingDirectory(this, Path, nameof(Path));
        var selected = SetterPolicy.Index(policies);
        SetterPlan plan;
        try
        {
            plan = new SetterEngine(new CmdletLog(this), MaxFileSize) { AllowDowngrade = AllowDowngrade, Progress = progress.Sink }
                .Plan(root, selected);
        }
        catch (AutomationException e)
        {
            ThrowTerminatingError(ErrorRecords.From(e));
            return;
        }

        foreach (var problem in plan.Problems)
        {
            WriteError(ErrorRecords.From(problem));
        }

        WarnAboutUnmarkedPolicies(selected.Keys, plan.MarkedPolicies);

        foreach (var leftover in plan.Leftovers.Where(l => ShouldProcess(l, "Remove temporary file left by an interrupted update")))
        {
            WriteVerbose(AtomicFile.RemoveLeftover(leftover)
                ? $"Removed '{leftover}', a temporary file left by an interrupted update."
                : $"Left '{leftover}': another update is still writing it.");
        }

        // Asked file by file first, then written together (see AtomicFile.WriteAll), then reported in walk order.
        // Under -WhatIf the changes are still emitted (Written = false), so a whole pipeline can be dry-run.
        var approved = plan.Updates.Where(update => ShouldProcess(update.Path,
            "Set " + string.Join(", ", update.Changes.Select(c => $"'{c.OldValue}' -> '{c.NewValue}'")))).ToList();

        var whatIf = MyInvocation.BoundParameters.TryGetValue("WhatIf", out var w) && w is SwitchParameter { IsPresent: true };
        var failures = progress.Run(() => AtomicFile.WriteAll(approved, progress.Sink));
        foreach (var update in plan.Updates)
        {
            var index = approved.IndexOf(update);
            if (index >= 0 && failures[index] is { } failure)
            {
                WriteError(ErrorRecords.From(failure));
                continue;
            }

            if (index < 0 && !whatIf)
            {
                continue; // declined at a -Confirm prompt
            }

            foreach (var change in update.Changes)
            {
                WriteObject(ToOutput(change, root, written: index >= 0));
            }
        }

        // Emitted so that Submit-AutomationCommit commits them if the branch lacks them (a rerun after a failed push).
        foreach (var current in plan.AlreadyCurrent)
        {
            WriteObject(ToOutput(current, root, written: false, alreadyCurrent: true));
        }
    }

    /// <summary>A selection no marker names is most often a typo or a missing -Namespace: say which policies the markers do name.</summary>
    private void WarnAboutUnmarkedPolicies(IEnumerable<string> selected, IReadOnlyList<string> marked)
    {
        const int Shown = 10;
        var found = marked.Count == 0 ? "no marker was found there"
            : $"the markers there name {string.Join(", ", marked.Take(Shown).Select(p => TextScrubber.Quote(p)))}{(marked.Count > Shown ? $" and {marked.Count - Shown} more" : "")}";
        var markedSet = marked.ToHashSet(StringComparer.Ordinal);
        foreach (var key in selected.Where(k => !markedSet.Contains(k)))
        {
            WriteWarning($"No marker under '{Path}' names the policy '{key}', so nothing was set for it; {found}.");
        }
    }

    private static ImageSetterChange ToOutput(SetterChange change, string root, bool written, bool alreadyCurrent = false) => new()
    {
        Written = written,
        AlreadyCurrent = alreadyCurrent,
        Path = change.Path,
        RelativePath = change.RelativePath,
        UpdatePath = root,
        Line = change.Line,
        Column = change.Column,
        Setter = change.Setter,
        OldValue = change.OldValue,
        NewValue = change.NewValue,
        ApiVersion = change.Object.ApiVersion,
        Kind = change.Object.Kind,
        Name = change.Object.Name,
        Namespace = change.Object.Namespace,
        Policy = change.Policy.Key,
        Image = change.Policy.Image,
        Tag = change.Policy.Tag,
        Digest = change.Policy.Digest ?? "",
    };
}
