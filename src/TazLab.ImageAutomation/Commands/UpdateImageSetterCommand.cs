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
    private readonly Dictionary<string, SetterPolicy> policies = new(StringComparer.Ordinal);

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
    public string Digest { get; set; } = "";

    /// <summary>The namespace of policies named without one.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string Namespace { get; set; } = "flux-system";

    protected override void ProcessRecord()
    {
        var key = Policy.Contains(':') ? Policy : $"{Namespace}:{Policy}";
        policies[key] = new SetterPolicy(key, Image, Tag, string.IsNullOrEmpty(Digest) ? null : Digest);
    }

    protected override void EndProcessing()
    {
        var root = PathResolution.ExistingDirectory(this, Path, nameof(Path));
        SetterPlan plan;
        try
        {
            plan = new SetterEngine(new CmdletLog(this)).Plan(root, policies);
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

        foreach (var update in plan.Updates)
        {
            if (!ShouldProcess(update.Path, $"Update {update.Changes.Count} image value(s)"))
            {
                continue;
            }

            try
            {
                AtomicFile.Write(update.Path, update.NewContent);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                WriteError(ErrorRecords.Create("SetterFileWriteFailed", ErrorCategory.WriteError, update.Path,
                    $"Could not write '{update.Path}': {e.Message}. The file was left unchanged.",
                    "Check the file's permissions."));
                continue;
            }

            foreach (var change in update.Changes)
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
