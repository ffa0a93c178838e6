using System.Management.Automation;
using TazLab.ImageAutomation.Engine.Diagnostics;
using TazLab.ImageAutomation.Engine.FluxObjects;
using TazLab.ImageAutomation.Errors;

namespace TazLab.ImageAutomation.Commands;

/// <summary>
/// Reads a GitOps repository's Flux image automation objects (ImageRepository, ImagePolicy, ImageUpdateAutomation;
/// v1 and v1beta2) from every YAML file under a path. A malformed object is a non-terminating error naming its file,
/// document and field; the others are still emitted. ImageRepository objects pipe into Get-RegistryTag, ImagePolicy
/// objects into Select-ImagePolicyTag.
/// </summary>
/// <remarks>Output types are named, not typeof(): the engine loads in its own context after PowerShell reads these attributes.</remarks>
[Cmdlet(VerbsCommon.Get, "ImageAutomation", HelpUri = "https://github.com/tazlab/TazLab.ImageAutomation/blob/main/docs/help/Get-ImageAutomation.md")]
[OutputType("TazLab.ImageAutomation.Engine.FluxObjects.ImageRepository", "TazLab.ImageAutomation.Engine.FluxObjects.ImagePolicy",
    "TazLab.ImageAutomation.Engine.FluxObjects.ImageUpdateAutomation")]
public sealed class GetImageAutomationCommand : PSCmdlet
{
    /// <summary>Directories (or YAML files) to read; the current directory by default.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "FullName")]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = ["."];

    protected override void ProcessRecord()
    {
        foreach (var path in Path)
        {
            var resolved = GetUnresolvedProviderPathFromPSPath(path);
            var log = new BufferedEngineLog();
            FluxObjectSet objects;
            try
            {
                objects = FluxObjectReader.Read(resolved, log: log);
            }
            catch (AutomationException e)
            {
                WriteError(ErrorRecords.From(e));
                continue;
            }
            finally
            {
                new CmdletLog(this).Replay(log.Entries);
            }

            foreach (var problem in objects.Problems)
            {
                WriteError(ErrorRecords.From(problem));
            }

            foreach (var item in objects.All)
            {
                WriteObject(item);
            }
        }
    }
}
