using System.Management.Automation;
using TazLab.ImageAutomation.Engine.Diagnostics;
using TazLab.ImageAutomation.Engine.Setters;
using TazLab.ImageAutomation.Errors;

namespace TazLab.ImageAutomation.Commands;

/// <summary>Lists every setter marker under a path with the value it marks, so a repository can be audited.</summary>
[Cmdlet(VerbsCommon.Get, "ImageSetter", HelpUri = "https://github.com/tazlab/TazLab.ImageAutomation/blob/main/docs/help/Get-ImageSetter.md")]
[OutputType(typeof(ImageSetter))]
public sealed class GetImageSetterCommand : PSCmdlet
{
    /// <summary>The directory to search; the current location by default.</summary>
    [Parameter(Position = 0)]
    [Alias("PSPath")]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = ".";

    /// <summary>Files larger than this are skipped with a warning.</summary>
    [Parameter]
    [ValidateRange(1, SetterEngine.MaxFileSizeLimit)]
    public long MaxFileSize { get; set; } = SetterEngine.DefaultMaxFileSize;

    protected override void EndProcessing()
    {
        using var progress = ProgressWriter.For(this, firstActivityId: 2_000_000);
        var root = PathResolution.ExistingDirectory(this, Path, nameof(Path));
        MarkerInventory inventory;
        try
        {
            inventory = new SetterEngine(new CmdletLog(this), MaxFileSize) { Progress = progress.Sink }.FindMarkers(root);
        }
        catch (AutomationException e)
        {
            ThrowTerminatingError(ErrorRecords.From(e));
            return;
        }

        foreach (var problem in inventory.Problems)
        {
            WriteError(ErrorRecords.From(problem));
        }

        foreach (var marker in inventory.Markers)
        {
            WriteObject(new ImageSetter
            {
                Path = marker.Path,
                RelativePath = marker.RelativePath,
                Line = marker.Line,
                Column = marker.Column,
                Setter = marker.Setter,
                Policy = marker.Policy,
                Value = marker.Value,
                ApiVersion = marker.Object.ApiVersion,
                Kind = marker.Object.Kind,
                Name = marker.Object.Name,
                Namespace = marker.Object.Namespace,
            });
        }
    }
}
