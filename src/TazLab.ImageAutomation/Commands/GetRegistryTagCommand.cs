using System.Management.Automation;
using TazLab.ImageAutomation.Engine.Diagnostics;
using TazLab.ImageAutomation.Engine.Registry;
using TazLab.ImageAutomation.Errors;

namespace TazLab.ImageAutomation.Commands;

/// <summary>Lists the tags of container images from a registry (or an OCI layout on disk, <c>ocidir://path</c>).</summary>
[Cmdlet(VerbsCommon.Get, "RegistryTag")]
[OutputType(typeof(RegistryTag))]
public sealed class GetRegistryTagCommand : PSCmdlet
{
    private readonly CancellationTokenSource cancellation = new();

    /// <summary>Image repositories without tag or digest (<c>tazzo/tazlab-blog</c>, <c>ghcr.io/org/app</c>, <c>ocidir://./layout</c>).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[] Image { get; set; } = [];

    /// <summary>Seconds one image's listing may take.</summary>
    [Parameter]
    [ValidateRange(1, 3600)]
    public int TimeoutSec { get; set; } = 30;

    protected override void ProcessRecord()
    {
        foreach (var image in Image)
        {
            try
            {
                foreach (var tag in List(image))
                {
                    WriteObject(new RegistryTag
                    {
                        Image = tag.Image,
                        CanonicalImage = tag.CanonicalImage,
                        Registry = tag.Registry,
                        Repository = tag.Repository,
                        Tag = tag.Tag,
                        Digest = tag.Digest ?? "",
                    });
                }
            }
            catch (AutomationException e)
            {
                WriteError(ErrorRecords.From(e));
            }
        }
    }

    protected override void StopProcessing() => cancellation.Cancel();

    protected override void EndProcessing() => cancellation.Dispose();

    private IReadOnlyList<ListedTag> List(string image)
    {
        if (OciLayoutSource.IsLayoutReference(image))
        {
            var layout = GetUnresolvedProviderPathFromPSPath(image[OciLayoutSource.Scheme.Length..]);
            return OciLayoutSource.ListTags(image, layout);
        }

        var client = new RegistryClient(new CmdletLog(this)) { Timeout = TimeSpan.FromSeconds(TimeoutSec) };
        return client.ListTagsAsync(ImageReference.Parse(image), cancellation.Token).GetAwaiter().GetResult();
    }
}
