using System.Management.Automation;
using TazLab.ImageAutomation.Engine.Diagnostics;
using TazLab.ImageAutomation.Engine.Setters;
using TazLab.ImageAutomation.Errors;

namespace TazLab.ImageAutomation.Commands;

/// <summary>
/// Rewrites the values marked <c># {"$imagepolicy": "ns:policy"}</c> under a path to the selected images,
/// changing only the bytes of those values. Emits one change object per changed value.
/// </summary>
[Cmdlet(VerbsData.Update, "ImageSetter", SupportsShouldProcess = true)]
[OutputType(typeof(ImageSetterChange))]
public sealed class UpdateImageSetterCommand : PSCmdlet
{
    private readonly List<SetterPolicy> policies = [];

    /// <summary>The directory whose manifests are updated (Flux's <c>spec.update.path</c>).</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [Alias("PSPath")]
    public string Path { get; set; } = "";

    /// <summary>The policy (<c>namespace:name</c>, or <c>name</c> in -Namespace) a selection is for.</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Policy { get; set; } = "";

    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Image { get; set; } = "";

    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Tag { get; set; } = "";

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [AllowNull, AllowEmptyString]
    public string? Digest { get; set; }

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
        try
        {
            policies.Add(SetterPolicy.FromSelection(Policy, Image, Tag, Digest, Namespace));
        }
        catch (AutomationException e)
        {
            // One bad selection must not hold back the others; it is named and left out.
            WriteError(ErrorRecords.From(e));
        }
    }

    protected override void EndProcessing()
    {
        var root = PathResolution.ExistingDirectory(this, Path, nameof(Path));
        SetterPlan plan;
        try
        {
            plan = new SetterEngine(new CmdletLog(this), MaxFileSize).Plan(root, SetterPolicy.Index(policies));
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

        foreach (var leftover in plan.Leftovers.Where(l => ShouldProcess(l, "Remove temporary file left by an interrupted update")))
        {
            WriteVerbose(AtomicFile.RemoveLeftover(leftover)
                ? $"Removed '{leftover}', a temporary file left by an interrupted update."
                : $"Left '{leftover}': another update is still writing it.");
        }

        // Asked file by file first, then written together (see AtomicFile.WriteAll), then reported in walk order.
        var approved = plan.Updates.Where(update => ShouldProcess(update.Path,
            "Set " + string.Join(", ", update.Changes.Select(c => $"'{c.OldValue}' -> '{c.NewValue}'")))).ToList();
        var failures = AtomicFile.WriteAll(approved);
        for (var i = 0; i < approved.Count; i++)
        {
            if (failures[i] is { } failure)
            {
                WriteError(ErrorRecords.From(failure));
                continue;
            }

            foreach (var change in approved[i].Changes)
            {
                WriteObject(ToOutput(change, root));
            }
        }
    }

    private static ImageSetterChange ToOutput(SetterChange change, string root) => new()
    {
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
