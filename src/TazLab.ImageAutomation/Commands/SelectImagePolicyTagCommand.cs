using System.Management.Automation;
using TazLab.ImageAutomation.Completion;
using TazLab.ImageAutomation.Engine.Diagnostics;
using TazLab.ImageAutomation.Engine.Policies;
using TazLab.ImageAutomation.Engine.Registry;
using TazLab.ImageAutomation.Errors;

namespace TazLab.ImageAutomation.Commands;

/// <summary>Selects the latest tag of each image by a Flux ImagePolicy (semver, numerical or alphabetical, with a tag pattern).</summary>
/// <remarks>Parameters are strings validated against the engine's enums: the engine loads in its own context, after
/// PowerShell has read the parameter types.
/// There is deliberately no default parameter set: without -SemVer, -Numerical, -Alphabetical or -PolicyKind
/// PowerShell reports that the parameter set cannot be resolved, as Flux rejects a policy with no choice. ImagePolicy
/// objects from Get-ImageAutomation bind by property name (the PolicyKind set), each selecting by its own policy.</remarks>
[Cmdlet(VerbsCommon.Select, "ImagePolicyTag", HelpUri = "https://github.com/tazlab/TazLab.ImageAutomation/blob/main/docs/help/Select-ImagePolicyTag.md")]
[OutputType(typeof(ImagePolicySelection))]
public sealed class SelectImagePolicyTagCommand : RegistryCommandBase, IDisposable
{
    private const string SemVerSet = "SemVer";
    private const string NumericalSet = "Numerical";
    private const string AlphabeticalSet = "Alphabetical";
    private const string KindSet = "PolicyKind";

    // Tags per policy and image, in arrival order; digests the tag source reported, per image and tag.
    private readonly Dictionary<(PolicySpec Spec, string Image), List<string>> tagsByImage = [];
    private readonly Dictionary<PolicySpec, TagPolicy> policies = [];
    private readonly Dictionary<(string Image, string Tag), string> reportedDigests = [];
    private readonly Dictionary<string, ListingOrigin> listedBy = [];
    private ProgressWriter? progress;
    private readonly CancellationTokenSource cancellation = new();
    private TagSource? source;

    /// <summary>What one selection is made by: the policy's fields as bound for one input.</summary>
    private sealed record PolicySpec(string Policy, PolicyKind Kind, PolicyOrder Order, string SemVer, string Pattern, string Extract,
        DigestReflectionPolicy DigestReflection);

    /// <summary>Tags to choose from: strings, RegistryTag objects, RegistryTagList objects (Get-RegistryTag -AsList, taken
    /// whole), or any object with a Tag property; objects bring their own Image and Digest.</summary>
    /// <remarks>Typed object[] so that objects given to -Tag keep their Image (a string[] would turn a RegistryTag into
    /// its Reference), and so that a piped object binds once, by value, instead of property by property.</remarks>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyCollection]
    public object[] Tag { get; set; } = [];

    /// <summary>The image the tags belong to; bound from RegistryTag objects (and ImagePolicy objects, as their repository's image).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    [ArgumentCompleter(typeof(ImageNameCompleter))]
    public string Image { get; set; } = "";

    /// <summary>The manifest digest the tag source reported; bound from RegistryTag objects, used by -DigestReflection IfNotPresent.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString, AllowNull]
    public string? Digest { get; set; } = "";

    /// <summary>Whether the selected tag's digest is looked up, so setters write <c>image:tag@digest</c> (Flux <c>digestReflectionPolicy</c>).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateSet(nameof(DigestReflectionPolicy.Never), nameof(DigestReflectionPolicy.IfNotPresent), nameof(DigestReflectionPolicy.Always))]
    public string DigestReflection { get; set; } = nameof(DigestReflectionPolicy.Never);

    /// <summary>The policy's <c>namespace:name</c>, as setter markers name it (<c>flux-system:hugo-blog</c>).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    [ArgumentCompleter(typeof(PolicyNameCompleter))]
    public string Policy { get; set; } = "";

    /// <summary>A Masterminds/semver range (Flux <c>semver.range</c>), e.g. <c>&gt;=1.0.0 &lt;2.0.0</c> or <c>^1.2</c>.</summary>
    [Parameter(Mandatory = true, ParameterSetName = SemVerSet)]
    public string SemVer { get; set; } = "";

    /// <summary>With -PolicyKind SemVer: the range; bound from ImagePolicy objects.</summary>
    [Parameter(ParameterSetName = KindSet, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    public string Range { get; set; } = "";

    /// <summary>Order tags as numbers (Flux <c>numerical</c>).</summary>
    [Parameter(Mandatory = true, ParameterSetName = NumericalSet)]
    public SwitchParameter Numerical { get; set; }

    /// <summary>Order tags as byte strings (Flux <c>alphabetical</c>).</summary>
    [Parameter(Mandatory = true, ParameterSetName = AlphabeticalSet)]
    public SwitchParameter Alphabetical { get; set; }

    /// <summary>The policy choice by name (SemVer, Numerical, Alphabetical); bound from ImagePolicy objects.</summary>
    [Parameter(Mandatory = true, ParameterSetName = KindSet, ValueFromPipelineByPropertyName = true)]
    [ValidateSet(nameof(Engine.Policies.PolicyKind.SemVer), nameof(Engine.Policies.PolicyKind.Numerical), nameof(Engine.Policies.PolicyKind.Alphabetical))]
    public string PolicyKind { get; set; } = "";

    /// <summary>Asc selects the greatest value (Flux's default), Desc the smallest. Flux has no order for semver.</summary>
    [Parameter(ParameterSetName = NumericalSet)]
    [Parameter(ParameterSetName = AlphabeticalSet)]
    [Parameter(ParameterSetName = SemVerSet)] // only to say that semver has none
    [Parameter(ParameterSetName = KindSet, ValueFromPipelineByPropertyName = true)]
    [ValidateSet(nameof(PolicyOrder.Asc), nameof(PolicyOrder.Desc))]
    public string Order { get; set; } = nameof(PolicyOrder.Asc);

    /// <summary>Go RE2 pattern a tag must match (Flux <c>filterTags.pattern</c>); <c>(?P&lt;name&gt;...)</c> groups allowed.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString, AllowNull]
    public string? Pattern { get; set; } = "";

    /// <summary>What to order by, expanded from the pattern's groups (Flux <c>filterTags.extract</c>, e.g. <c>$value</c>).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString, AllowNull]
    public string? Extract { get; set; } = "";

    /// <summary>Emit nothing, without an error, for an image with no candidate tag.</summary>
    [Parameter]
    public SwitchParameter AllowEmpty { get; set; }

    protected override void BeginProcessing()
    {
        if (ParameterSetName == KindSet)
        {
            return; // each input brings its own policy
        }

        if (ParameterSetName == SemVerSet && MyInvocation.BoundParameters.ContainsKey(nameof(Order)))
        {
            ThrowTerminatingError(ErrorRecords.Create("SemVerPolicyHasNoOrder", ErrorCategory.InvalidArgument, Order,
                $"-Order {Order} does not apply to -SemVer: a semver policy always selects the highest version inside its range, as Flux's does.",
                "Remove -Order; to select the lowest or by plain text or number, use -Alphabetical or -Numerical with -Order."));
        }

        // A policy given on the command line is checked before any input is read.
        try
        {
            PolicyFor(CurrentSpec());
        }
        catch (AutomationException e)
        {
            ThrowTerminatingError(WithTarget(ErrorRecords.From(e), Policy.Length > 0 ? Policy : e.Target?.ToString()));
        }
    }

    protected override void ProcessRecord()
    {
        var spec = CurrentSpec();
        foreach (var item in Tag)
        {
            switch (item is PSObject wrapped ? wrapped.BaseObject : item)
            {
                case null:
                    break;
                case string tag:
                    Add(spec, Image, tag, Digest);
                    break;
                case RegistryTagList list:
                    Remember(list.Image, list.Origin);
                    var tags = TagsOf(spec, list.Image);
                    foreach (var tag in list.Tag)
                    {
                        Add(tags, list.Image, tag, list.Digests.GetValueOrDefault(tag));
                    }

                    break;
                case RegistryTag one:
                    Remember(one.Image, one.Origin);
                    Add(spec, one.Image, one.Tag, one.Digest);
                    break;
                case IConvertible scalar:
                    Add(spec, Image, LanguagePrimitives.ConvertTo<string>(scalar), Digest);
                    break;
                case var other when PSObject.AsPSObject(item).Properties is var properties && properties["Tag"] is { } tagProperty:
                    AddObject(spec, properties, tagProperty.Value);
                    break;
                case var other:
                    WriteError(ErrorRecords.Create("TagInputInvalid", ErrorCategory.InvalidArgument, item,
                        $"{TextScrubber.Quote(LanguagePrimitives.ConvertTo<string>(other))} is not a tag: it is a {other.GetType().Name} without a Tag property.",
                        "Give tags as strings, RegistryTag or RegistryTagList objects (Get-RegistryTag), or objects with a Tag property; ImagePolicy objects need -Tag."));
                    break;
            }
        }

        // An image whose listing had no tags still gets its answer (PolicyNoMatchingTag, or nothing with -AllowEmpty).
        if (Tag.Length == 0)
        {
            TagsOf(spec, Image);
        }
    }

    /// <summary>An object with Tag (and maybe Image and Digest) properties, given to -Tag rather than piped.</summary>
    private void AddObject(PolicySpec spec, PSMemberInfoCollection<PSPropertyInfo> properties, object? tags)
    {
        var image = properties["Image"]?.Value?.ToString() is { Length: > 0 } own ? own : Image;
        var digest = properties["Digest"]?.Value?.ToString() ?? Digest;
        var group = TagsOf(spec, image);
        foreach (var tag in LanguagePrimitives.GetEnumerable(tags) ?? new[] { tags })
        {
            if (tag is not null)
            {
                Add(group, image, LanguagePrimitives.ConvertTo<string>(tag), digest);
            }
        }
    }

    private List<string> TagsOf(PolicySpec spec, string image)
    {
        if (!tagsByImage.TryGetValue((spec, image), out var tags))
        {
            tagsByImage[(spec, image)] = tags = [];
        }

        return tags;
    }

    private void Add(PolicySpec spec, string image, string tag, string? digest) => Add(TagsOf(spec, image), image, tag, digest);

    private void Add(List<string> tags, string image, string tag, string? digest)
    {
        if (!string.IsNullOrEmpty(tag) && tag.Any(char.IsControl))
        {
            // No tag can hold a line break or an escape: selecting one could only inject a line into a manifest.
            // Other strings are ordered exactly as Flux does (its vectors include '-78' and '1.0.0+build.7');
            // Update-ImageSetter refuses to write any that is not a valid tag.
            WriteVerbose($"Ignored {TextScrubber.Quote(tag)}{(image.Length > 0 ? $" of image '{image}'" : "")}: a control character cannot be in a tag.");
        }
        else if (!string.IsNullOrEmpty(tag))
        {
            tags.Add(tag);
            if (!string.IsNullOrEmpty(digest))
            {
                reportedDigests[(image, tag)] = digest;
            }
        }
    }

    /// <summary>Digests of an image's tags are looked up the way Get-RegistryTag listed them (its credentials, CA, mirrors).</summary>
    private void Remember(string image, ListingOrigin? origin)
    {
        if (origin is not null)
        {
            listedBy[image] = origin;
        }
    }

    protected override void StopProcessing() => cancellation.Cancel();

    public void Dispose() => cancellation.Dispose();

    protected override void EndProcessing()
    {
        using var writer = progress = ProgressWriter.For(this, firstActivityId: 6_000_000);
        foreach (var ((spec, image), tags) in tagsByImage)
        {
            try
            {
                var selection = PolicyFor(spec).Select(tags);
                WriteVerbose($"{Describe(spec)} on {Subject(image)}: {selection.CandidateCount} tag(s) offered, " +
                    $"{selection.MatchedCount} candidate(s), selected {selection.Tag ?? "nothing"}.");
                if (selection.Tag is not null)
                {
                    WriteObject(new ImagePolicySelection
                    {
                        Policy = spec.Policy,
                        Image = image,
                        Tag = selection.Tag,
                        Digest = ReflectDigest(spec.DigestReflection, image, selection.Tag),
                        CandidateCount = selection.CandidateCount,
                        MatchedCount = selection.MatchedCount,
                        SelectedBy = PolicyFor(spec),
                    });
                }
                else if (!AllowEmpty)
                {
                    WriteError(NoCandidate(spec, image, selection));
                }
            }
            catch (AutomationException e)
            {
                WriteError(WithTarget(ErrorRecords.From(e), image.Length > 0 ? image : spec.Policy));
            }
        }
    }

    private PolicySpec CurrentSpec() => new(Policy, ParameterSetName switch
    {
        SemVerSet => Engine.Policies.PolicyKind.SemVer,
        AlphabeticalSet => Engine.Policies.PolicyKind.Alphabetical,
        NumericalSet => Engine.Policies.PolicyKind.Numerical,
        _ => Enum.Parse<Engine.Policies.PolicyKind>(PolicyKind, ignoreCase: true),
    }, TagPolicy.ParseOrder(Order), ParameterSetName == KindSet ? Range : SemVer, Pattern ?? "", Extract ?? "", Enum.Parse<DigestReflectionPolicy>(DigestReflection, ignoreCase: true));

    private TagPolicy PolicyFor(PolicySpec spec)
    {
        if (!policies.TryGetValue(spec with { Policy = "", DigestReflection = default }, out var policy))
        {
            policy = new TagPolicy(spec.Kind, spec.Order, spec.Pattern, spec.Extract, spec.Kind == Engine.Policies.PolicyKind.SemVer ? spec.SemVer : null);
            policies[spec with { Policy = "", DigestReflection = default }] = policy;
        }

        return policy;
    }

    /// <summary>The selected tag's digest by the policy's digest reflection (see <see cref="DigestReflection"/>).</summary>
    private string ReflectDigest(DigestReflectionPolicy reflection, string image, string tag)
    {
        if (reflection == DigestReflectionPolicy.Never)
        {
            return "";
        }

        // Registry parameters given here win; otherwise the registry is asked the way the tags were listed (that source
        // reports its retry waits to Get-RegistryTag's bars, which are finished by now: they are not shown).
        var listed = ConnectionParameters.Any(MyInvocation.BoundParameters.ContainsKey) ? null : listedBy.GetValueOrDefault(image);
        var tags = listed?.Source ?? (source ??= new TagSource(BuildRegistryOptions() with { Progress = progress!.Sink }));
        var log = new BufferedEngineLog();
        try
        {
            // On a worker, so a retry wait's progress is written meanwhile.
            return progress!.Run(() => Engine.Policies.DigestReflection.DigestAsync(reflection, image, tag, reportedDigests.GetValueOrDefault((image, tag)),
                tags, listed?.Insecure ?? AllowInsecureHttp, log, cancellation.Token).GetAwaiter().GetResult());
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

    private static ErrorRecord NoCandidate(PolicySpec spec, string image, TagSelection selection)
    {
        var message = selection.CandidateCount == 0
            ? $"No tag to select from for {Subject(image)} by {Describe(spec)}."
            : $"No tag of {Subject(image)} is a candidate for {Describe(spec)}: {selection.CandidateCount} tag(s) offered, none matched.";
        return ErrorRecords.Create("PolicyNoMatchingTag", ErrorCategory.ObjectNotFound, image, message,
            "Check -Pattern and the policy against the tags Get-RegistryTag lists, or use -AllowEmpty when no candidate is a normal outcome.");
    }

    private static string Subject(string image) => image.Length == 0 ? "the tags given" : $"image '{image}'";

    private static string Describe(PolicySpec spec) => spec.Policy.Length == 0
        ? $"policy ({TagPolicy.Describe(spec.Kind, spec.Order, spec.SemVer, spec.Pattern)})"
        : $"policy '{spec.Policy}' ({TagPolicy.Describe(spec.Kind, spec.Order, spec.SemVer, spec.Pattern)})";
}
