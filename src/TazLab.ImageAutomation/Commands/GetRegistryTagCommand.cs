using System.Management.Automation;
using TazLab.ImageAutomation.Completion;
using TazLab.ImageAutomation.Engine.Diagnostics;
using TazLab.ImageAutomation.Engine.Registry;
using TazLab.ImageAutomation.Errors;

namespace TazLab.ImageAutomation.Commands;

/// <summary>Lists the tags of container images from a registry (or an OCI layout on disk, <c>ocidir://path</c>).</summary>
/// <remarks>
/// Images are listed concurrently (-ThrottleLimit) on worker threads; their results, messages and errors are written
/// here, on the pipeline thread, in input order. Ctrl+C cancels the requests in flight.
/// </remarks>
[Cmdlet(VerbsCommon.Get, "RegistryTag", HelpUri = "https://github.com/tazlab/TazLab.ImageAutomation/blob/main/docs/help/Get-RegistryTag.md")]
[OutputType(typeof(RegistryTag), typeof(RegistryTagList))]
public sealed class GetRegistryTagCommand : RegistryCommandBase, IDisposable
{
    private const string Activity = "Listing registry tags";
    private readonly CancellationTokenSource cancellation = new();
    private readonly Queue<string> imagesInQueue = new();
    private TagSource? source;
    private ListingOrigin? origin;
    private OrderedWorkQueue<IReadOnlyList<ListedTag>>? queue;
    private ProgressWriter? progress;
    private int listed;
    private bool allQueued;

    /// <summary>Image repositories without tag or digest (<c>tazzo/tazlab-blog</c>, <c>ghcr.io/org/app</c>, <c>ocidir://./layout</c>).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ImageNameCompleter))]
    public string[] Image { get; set; } = [];

    /// <summary>Tags matching any of these regular expressions are dropped; replaces the default <c>^.*\.sig$</c>.
    /// Bound from an ImageRepository's <c>ExclusionList</c>.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("ExclusionList")]
    [AllowEmptyCollection, AllowNull]
    public string[]? ExcludePattern { get; set; }

    /// <summary>How many images are listed at once.</summary>
    [Parameter]
    [ValidateRange(1, 64)]
    public int ThrottleLimit { get; set; } = 4;

    /// <summary>One RegistryTagList per image instead of one RegistryTag per tag: what Select-ImagePolicyTag binds fastest,
    /// and an image without tags still reaches it.</summary>
    [Parameter]
    public SwitchParameter AsList { get; set; }

    protected override void BeginProcessing()
    {
        progress = ProgressWriter.For(this, firstActivityId: 1_000_000);
        try
        {
            source = new TagSource(BuildRegistryOptions() with { Progress = progress.Sink.Under(Activity) });
            origin = new ListingOrigin(source, AllowInsecureHttp);
            if (ExcludePattern is { Length: > 0 })
            {
                // A bad list on the command line stops before anything is listed; one piped in fails only its images.
                _ = new TagExclusion(ExcludePattern);
            }
        }
        catch (AutomationException e)
        {
            ThrowTerminatingError(ErrorRecords.From(e));
        }

        queue = new OrderedWorkQueue<IReadOnlyList<ListedTag>>(ThrottleLimit, cancellation.Token);
    }

    protected override void ProcessRecord()
    {
        try
        {
            Queue();
            Write(queue!.TakeFinished());
        }
        catch
        {
            progress!.Dispose();
            throw;
        }
    }

    protected override void EndProcessing()
    {
        try
        {
            allQueued = true;
            ReportListed();
            Write(queue!.TakeAll(progress!.WaitFor));
        }
        finally
        {
            progress!.Dispose();
        }
    }

    private void Queue()
    {
        ReportListed(); // before the listings start, so their bars show under this one
        foreach (var image in Image)
        {
            var listing = new TagListing(image)
            {
                ExclusionList = ExcludePattern,
                Insecure = AllowInsecureHttp,

                // Path resolution needs the session state, so it happens here on the pipeline thread.
                LayoutPath = OciLayoutSource.IsLayoutReference(image) ? GetUnresolvedProviderPathFromPSPath(image[OciLayoutSource.Scheme.Length..]) : null,
            };
            queue!.Add((log, ct) => source!.ListTagsAsync(listing, log, ct));
            imagesInQueue.Enqueue(image);
        }
    }

    /// <summary>The command's own bar: images listed, out of how many once the pipeline has given them all.</summary>
    private void ReportListed() => progress!.Report(new ProgressReport(Activity, listed, allQueued ? listed + imagesInQueue.Count : null, "images listed"));

    protected override void StopProcessing() => cancellation.Cancel();

    public void Dispose()
    {
        queue?.Dispose();
        cancellation.Dispose();
    }

    private void Write(IEnumerable<WorkOutcome<IReadOnlyList<ListedTag>>> outcomes)
    {
        foreach (var outcome in outcomes)
        {
            var image = imagesInQueue.Dequeue();
            listed++;
            new CmdletLog(this).Replay(outcome.Log);

            switch (outcome.Error)
            {
                case null when AsList:
                    WriteObject(ToRegistryTagList(image, outcome.Value!));
                    break;
                case null:
                    if (outcome.Value!.Count == 0)
                    {
                        WriteWarning($"Image '{image}' has no tags; nothing to select from.");
                    }

                    foreach (var tag in outcome.Value!)
                    {
                        WriteObject(ToRegistryTag(tag));
                    }

                    break;
                case AutomationException failure:
                    WriteError(WithTarget(ErrorRecords.From(failure), image));
                    break;
                case OperationCanceledException when cancellation.IsCancellationRequested:
                    throw new PipelineStoppedException();
                default:
                    WriteError(new ErrorRecord(outcome.Error, "RegistryTagListFailed", ErrorCategory.NotSpecified, image));
                    break;
            }

            ReportListed();
        }
    }

    private RegistryTag ToRegistryTag(ListedTag tag) => new()
    {
        Image = tag.Image,
        CanonicalImage = tag.CanonicalImage,
        Registry = tag.Registry,
        Repository = tag.Repository,
        Tag = tag.Tag,
        Digest = tag.Digest ?? "",
        Origin = origin,
    };

    /// <summary>The listing as one object; an empty listing is named by the image as the user gave it.</summary>
    private RegistryTagList ToRegistryTagList(string image, IReadOnlyList<ListedTag> tags)
    {
        var first = tags.Count > 0 ? tags[0] : null;
        var reference = first is null && !OciLayoutSource.IsLayoutReference(image) ? ImageReference.Parse(image) : null;
        var digests = new Dictionary<string, string>(StringComparer.Ordinal);
        var names = new string[tags.Count];
        for (var i = 0; i < names.Length; i++)
        {
            names[i] = tags[i].Tag;
            if (tags[i].Digest is { } digest)
            {
                digests[names[i]] = digest;
            }
        }

        return new RegistryTagList
        {
            Image = first?.Image ?? image,
            CanonicalImage = first?.CanonicalImage ?? reference?.Canonical ?? "",
            Registry = first?.Registry ?? reference?.Registry ?? "",
            Repository = first?.Repository ?? reference?.Repository ?? "",
            Tag = names,
            Digests = digests,
            Origin = origin,
        };
    }
}
