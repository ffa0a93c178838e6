using System.Management.Automation;
using TazLab.ImageAutomation.Engine.Diagnostics;
using TazLab.ImageAutomation.Engine.Policies;
using TazLab.ImageAutomation.Engine.Registry;
using TazLab.ImageAutomation.Errors;
using PolicyOrder = TazLab.ImageAutomation.PolicyOrder;

namespace TazLab.ImageAutomation.Commands;

/// <summary>Selects the latest tag of each image by a Flux ImagePolicy (semver, numerical or alphabetical, with a tag pattern).</summary>
/// <remarks>There is deliberately no default parameter set: without -SemVer, -Numerical or -Alphabetical PowerShell
/// reports that the parameter set cannot be resolved, as Flux rejects a policy with no choice.</remarks>
[Cmdlet(VerbsCommon.Select, "ImagePolicyTag")]
[OutputType(typeof(ImagePolicySelection))]
public sealed class SelectImagePolicyTagCommand : RegistryCommandBase, IDisposable
{
    private const string SemVerSet = "SemVer";
    private const string NumericalSet = "Numerical";
    private const string AlphabeticalSet = "Alphabetical";

    // Tags per image, in arrival order of the images; digests the tag source reported, per image and tag.
    private readonly Dictionary<string, List<string>> tagsByImage = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Image, string Tag), string> reportedDigests = [];
    private readonly CancellationTokenSource cancellation = new();
    private TagPolicy? policy;
    private RegistryClient? registry;

    /// <summary>Tags to choose from: plain strings, or RegistryTag objects (bound by their Tag property).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyCollection]
    public string[] Tag { get; set; } = [];

    /// <summary>The image the tags belong to; bound from RegistryTag objects.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string Image { get; set; } = "";

    /// <summary>The manifest digest the tag source reported; bound from RegistryTag objects, used by -DigestReflection IfNotPresent.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string Digest { get; set; } = "";

    /// <summary>Whether the selected tag's digest is looked up, so setters write <c>image:tag@digest</c> (Flux <c>digestReflectionPolicy</c>).</summary>
    [Parameter]
    public DigestReflectionPolicy DigestReflection { get; set; } = DigestReflectionPolicy.Never;

    /// <summary>The policy's <c>namespace:name</c>, as setter markers name it (<c>flux-system:hugo-blog</c>).</summary>
    [Parameter]
    public string Policy { get; set; } = "";

    /// <summary>A Masterminds/semver range (Flux <c>semver.range</c>), e.g. <c>&gt;=1.0.0 &lt;2.0.0</c> or <c>^1.2</c>.</summary>
    [Parameter(Mandatory = true, ParameterSetName = SemVerSet)]
    public string SemVer { get; set; } = "";

    /// <summary>Order tags as numbers (Flux <c>numerical</c>).</summary>
    [Parameter(Mandatory = true, ParameterSetName = NumericalSet)]
    public SwitchParameter Numerical { get; set; }

    /// <summary>Order tags as byte strings (Flux <c>alphabetical</c>).</summary>
    [Parameter(Mandatory = true, ParameterSetName = AlphabeticalSet)]
    public SwitchParameter Alphabetical { get; set; }

    /// <summary>Asc selects the greatest value (Flux's default), Desc the smallest. Flux has no order for semver.</summary>
    [Parameter(ParameterSetName = NumericalSet)]
    [Parameter(ParameterSetName = AlphabeticalSet)]
    public PolicyOrder Order { get; set; } = PolicyOrder.Asc;

    /// <summary>Go RE2 pattern a tag must match (Flux <c>filterTags.pattern</c>); <c>(?P&lt;name&gt;...)</c> groups allowed.</summary>
    [Parameter]
    public string Pattern { get; set; } = "";

    /// <summary>What to order by, expanded from the pattern's groups (Flux <c>filterTags.extract</c>, e.g. <c>$value</c>).</summary>
    [Parameter]
    public string Extract { get; set; } = "";

    /// <summary>Emit nothing, without an error, for an image with no candidate tag.</summary>
    [Parameter]
    public SwitchParameter AllowEmpty { get; set; }

    protected override void BeginProcessing()
    {
        var kind = ParameterSetName switch
        {
            SemVerSet => PolicyKind.SemVer,
            AlphabeticalSet => PolicyKind.Alphabetical,
            _ => PolicyKind.Numerical,
        };
        try
        {
            policy = new TagPolicy(kind, (Engine.Policies.PolicyOrder)Order, Pattern, Extract, kind == PolicyKind.SemVer ? SemVer : null);
        }
        catch (AutomationException e)
        {
            ThrowTerminatingError(ErrorRecords.From(e));
        }
    }

    protected override void ProcessRecord()
    {
        if (!tagsByImage.TryGetValue(Image, out var tags))
        {
            tagsByImage[Image] = tags = [];
        }

        foreach (var tag in Tag)
        {
            if (!string.IsNullOrEmpty(tag) && tag.Any(char.IsControl))
            {
                // No tag can hold a line break or an escape: selecting one could only inject a line into a manifest.
                // Other strings are ordered exactly as Flux does (its vectors include '-78' and '1.0.0+build.7');
                // Update-ImageSetter refuses to write any that is not a valid tag.
                WriteVerbose($"Ignored {TextScrubber.Quote(tag)}{(Image.Length > 0 ? $" of image '{Image}'" : "")}: a control character cannot be in a tag.");
            }
            else if (!string.IsNullOrEmpty(tag))
            {
                tags.Add(tag);
                if (Digest.Length > 0)
                {
                    reportedDigests[(Image, tag)] = Digest;
                }
            }
        }
    }

    protected override void StopProcessing() => cancellation.Cancel();

    public void Dispose() => cancellation.Dispose();

    protected override void EndProcessing()
    {
        foreach (var (image, tags) in tagsByImage)
        {
            try
            {
                var selection = policy!.Select(tags);
                WriteVerbose($"{DescribePolicy()} on {Subject(image)}: {selection.CandidateCount} tag(s) offered, " +
                    $"{selection.MatchedCount} candidate(s), selected {selection.Tag ?? "nothing"}.");
                if (selection.Tag is not null)
                {
                    WriteObject(new ImagePolicySelection
                    {
                        Policy = Policy,
                        Image = image,
                        Tag = selection.Tag,
                        Digest = ReflectDigest(image, selection.Tag),
                        CandidateCount = selection.CandidateCount,
                        MatchedCount = selection.MatchedCount,
                    });
                }
                else if (!AllowEmpty)
                {
                    WriteError(NoCandidate(image, selection));
                }
            }
            catch (AutomationException e)
            {
                WriteError(ErrorRecords.From(e));
            }
        }
    }

    /// <summary>The selected tag's digest by -DigestReflection (Flux's updateImageRefs, without state: IfNotPresent
    /// means "not reported by the tag source").</summary>
    private string ReflectDigest(string image, string tag)
    {
        if (DigestReflection == DigestReflectionPolicy.Never)
        {
            return "";
        }

        if (DigestReflection == DigestReflectionPolicy.IfNotPresent && reportedDigests.TryGetValue((image, tag), out var reported))
        {
            return reported;
        }

        if (image.Length == 0)
        {
            throw new AutomationException(ErrorKind.InvalidArgument, "DigestReflectionNeedsImage",
                $"Cannot look up the digest of tag '{tag}': no image was given.", tag,
                "Pipe RegistryTag objects from Get-RegistryTag, or pass -Image.");
        }

        registry ??= new RegistryClient(BuildRegistryOptions());
        var log = new BufferedEngineLog();
        try
        {
            return registry.GetDigestAsync(ImageReference.Parse(image), tag, log, cancellation.Token).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
        finally
        {
            new CmdletLog(this).Replay(log.Entries);
        }
    }

    private ErrorRecord NoCandidate(string image, TagSelection selection)
    {
        var message = selection.CandidateCount == 0
            ? $"No tag to select from for {Subject(image)} by {DescribePolicy()}."
            : $"No tag of {Subject(image)} is a candidate for {DescribePolicy()}: {selection.CandidateCount} tag(s) offered, none matched.";
        return ErrorRecords.Create("PolicyNoMatchingTag", ErrorCategory.ObjectNotFound, image, message,
            "Check -Pattern and the policy against the tags Get-RegistryTag lists, or use -AllowEmpty when no candidate is a normal outcome.");
    }

    private static string Subject(string image) => image.Length == 0 ? "the tags given" : $"image '{image}'";

    private string DescribePolicy()
    {
        var choice = ParameterSetName switch
        {
            SemVerSet => $"semver range '{SemVer}'",
            AlphabeticalSet => $"alphabetical order {Order}",
            _ => $"numerical order {Order}",
        };
        var filter = Pattern.Length == 0 ? "" : $" with pattern '{Pattern}'";
        return Policy.Length == 0 ? $"policy ({choice}{filter})" : $"policy '{Policy}' ({choice}{filter})";
    }
}
