using System.Management.Automation;
using TazLab.ImageAutomation.Engine.Diagnostics;
using TazLab.ImageAutomation.Engine.Policies;
using PolicyOrder = TazLab.ImageAutomation.PolicyOrder;
using TazLab.ImageAutomation.Errors;

namespace TazLab.ImageAutomation.Commands;

/// <summary>Selects the latest tag of each image by a Flux ImagePolicy (numerical or alphabetical, with a tag pattern).</summary>
[Cmdlet(VerbsCommon.Select, "ImagePolicyTag", DefaultParameterSetName = NumericalSet)]
[OutputType(typeof(ImagePolicySelection))]
public sealed class SelectImagePolicyTagCommand : PSCmdlet
{
    private const string NumericalSet = "Numerical";
    private const string AlphabeticalSet = "Alphabetical";

    // Tags per image, in arrival order of the images.
    private readonly Dictionary<string, List<string>> tagsByImage = new(StringComparer.Ordinal);
    private TagPolicy? policy;

    /// <summary>Tags to choose from: plain strings, or RegistryTag objects (bound by their Tag property).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyCollection]
    public string[] Tag { get; set; } = [];

    /// <summary>The image the tags belong to; bound from RegistryTag objects.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string Image { get; set; } = "";

    /// <summary>The policy's <c>namespace:name</c>, as setter markers name it (<c>flux-system:hugo-blog</c>).</summary>
    [Parameter]
    public string Policy { get; set; } = "";

    /// <summary>Order tags as numbers (Flux <c>numerical</c>).</summary>
    [Parameter(Mandatory = true, ParameterSetName = NumericalSet)]
    public SwitchParameter Numerical { get; set; }

    /// <summary>Order tags as byte strings (Flux <c>alphabetical</c>).</summary>
    [Parameter(Mandatory = true, ParameterSetName = AlphabeticalSet)]
    public SwitchParameter Alphabetical { get; set; }

    /// <summary>Asc selects the greatest value (Flux's default), Desc the smallest.</summary>
    [Parameter]
    public PolicyOrder Order { get; set; } = PolicyOrder.Asc;

    /// <summary>Go RE2 pattern a tag must match (Flux <c>filterTags.pattern</c>); <c>(?P&lt;name&gt;...)</c> groups allowed.</summary>
    [Parameter]
    public string Pattern { get; set; } = "";

    /// <summary>What to order by, expanded from the pattern's groups (Flux <c>filterTags.extract</c>, e.g. <c>$value</c>).</summary>
    [Parameter]
    public string Extract { get; set; } = "";

    protected override void BeginProcessing()
    {
        var kind = ParameterSetName == AlphabeticalSet ? PolicyKind.Alphabetical : PolicyKind.Numerical;
        try
        {
            policy = new TagPolicy(kind, (Engine.Policies.PolicyOrder)Order, Pattern, Extract);
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

        tags.AddRange(Tag.Where(t => !string.IsNullOrEmpty(t)));
    }

    protected override void EndProcessing()
    {
        foreach (var (image, tags) in tagsByImage)
        {
            try
            {
                var selection = policy!.Select(tags);
                if (selection.Tag is null)
                {
                    WriteError(ErrorRecords.Create("PolicyNoMatchingTag", ErrorCategory.ObjectNotFound, image,
                        $"No tag of image '{image}' is a candidate for policy '{Policy}' ({tags.Count} tag(s) offered, none matched).",
                        "Check -Pattern against the tags Get-RegistryTag lists."));
                    continue;
                }

                WriteObject(new ImagePolicySelection
                {
                    Policy = Policy,
                    Image = image,
                    Tag = selection.Tag,
                    CandidateCount = selection.CandidateCount,
                    MatchedCount = selection.MatchedCount,
                });
            }
            catch (AutomationException e)
            {
                WriteError(ErrorRecords.From(e));
            }
        }
    }
}
