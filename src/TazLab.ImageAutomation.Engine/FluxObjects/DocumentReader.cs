using TazLab.ImageAutomation.Engine.Diagnostics;
using TazLab.ImageAutomation.Engine.Policies;
using TazLab.ImageAutomation.Engine.Registry;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace TazLab.ImageAutomation.Engine.FluxObjects;

/// <summary>
/// Reads one YAML document as a Flux object: typed field access by dotted path, each bad field recorded as a problem
/// naming the file, document index, field and line (see <see cref="Problems"/>).
/// </summary>
internal sealed class DocumentReader
{
    private static readonly string[] Providers = ["generic", "aws", "azure", "gcp"];
    private readonly string file;
    private readonly string relative;
    private readonly int index;
    private readonly YamlMappingNode document;
    private readonly string apiVersion;

    public DocumentReader(string file, string relative, int index, YamlMappingNode document)
    {
        this.file = file;
        this.relative = relative;
        this.index = index;
        this.document = document;
        apiVersion = Scalar(document, "apiVersion")?.Value ?? "";
        var kind = Scalar(document, "kind")?.Value ?? "";
        Kind = apiVersion.StartsWith(FluxObjectReader.Group + "/", StringComparison.Ordinal) ? kind : "";
        Name = Scalar(Node(document, "metadata") as YamlMappingNode, "name")?.Value ?? "";
        Namespace = Scalar(Node(document, "metadata") as YamlMappingNode, "namespace")?.Value is { Length: > 0 } ns ? ns : FluxObject.DefaultNamespace;
    }

    /// <summary>The Flux kind, or empty for a document of another API group.</summary>
    public string Kind { get; }

    public string Name { get; }

    public string Namespace { get; }

    public List<AutomationException> Problems { get; } = [];

    private int Line => (int)document.Start.Line;

    public ImageRepository? ImageRepository()
    {
        CheckHeader();
        var image = Required("spec.image");
        if (image is not null)
        {
            Check("spec.image", () => ImageReference.Parse(image));
        }

        var exclusions = List("spec.exclusionList") ?? [];
        if (exclusions.Count > 25)
        {
            Fail("spec.exclusionList", $"has {exclusions.Count} patterns; Flux allows at most 25", "Merge patterns with '|'.");
        }

        for (var i = 0; i < exclusions.Count; i++)
        {
            var pattern = exclusions[i];
            Check($"spec.exclusionList[{i}]", () => new TagExclusion([pattern]));
        }

        var provider = String("spec.provider") ?? "generic";
        if (!Providers.Contains(provider))
        {
            Fail("spec.provider", $"is '{provider}', not one of {string.Join(", ", Providers)}", "Use generic for registries reached with a docker config.");
        }

        return image is null ? null : Common(new ImageRepository
        {
            ApiVersion = apiVersion, Name = Name, Namespace = Namespace, File = file, RelativePath = relative,
            Image = image,
            Interval = Duration("spec.interval", required: true),
            Timeout = Duration("spec.timeout", required: false, allowHours: false),
            ExclusionList = exclusions,
            Insecure = Bool("spec.insecure"),
            Provider = provider,
            SecretRef = String("spec.secretRef.name") ?? "",
            ServiceAccountName = String("spec.serviceAccountName") ?? "",
            CertSecretRef = String("spec.certSecretRef.name") ?? "",
            ProxySecretRef = String("spec.proxySecretRef.name") ?? "",
        });
    }

    public ImagePolicy? ImagePolicy()
    {
        CheckHeader();
        var repositoryName = Required("spec.imageRepositoryRef.name");
        var repositoryNamespace = String("spec.imageRepositoryRef.namespace") is { Length: > 0 } ns ? ns : Namespace;
        var (kind, order, range) = PolicyChoice();
        var pattern = String("spec.filterTags.pattern") ?? "";
        var extract = String("spec.filterTags.extract") ?? "";
        var reflection = String("spec.digestReflectionPolicy") ?? "Never";
        if (!Enum.TryParse<DigestReflectionPolicy>(reflection, ignoreCase: false, out var digestReflection))
        {
            Fail("spec.digestReflectionPolicy", $"is '{reflection}', not Always, IfNotPresent or Never", "Use one of Flux's three values.");
        }

        if (kind is { } policyKind)
        {
            try
            {
                _ = new TagPolicy(policyKind, order, pattern, extract, policyKind == PolicyKind.SemVer ? range : null);
            }
            catch (AutomationException e)
            {
                var field = Equals(e.Target, range) && policyKind == PolicyKind.SemVer ? "spec.policy.semver.range"
                    : Equals(e.Target, extract) && extract.Length > 0 ? "spec.filterTags.extract"
                    : "spec.filterTags.pattern";
                Fail(field, e.Message, e.RecommendedAction ?? "Fix the value.");
            }
        }

        return repositoryName is null || kind is null ? null : Common(new ImagePolicy
        {
            ApiVersion = apiVersion, Name = Name, Namespace = Namespace, File = file, RelativePath = relative,
            ImageRepositoryRef = new ObjectReference(repositoryName, repositoryNamespace),
            PolicyKind = kind.Value,
            Range = range ?? "",
            Order = order,
            Pattern = pattern,
            Extract = extract,
            DigestReflection = digestReflection,
            Interval = Duration("spec.interval", required: false),
        });
    }

    public ImageUpdateAutomation? ImageUpdateAutomation()
    {
        CheckHeader();
        var sourceKind = String("spec.sourceRef.kind") ?? "GitRepository";
        if (sourceKind != "GitRepository")
        {
            Fail("spec.sourceRef.kind", $"is '{sourceKind}'; only GitRepository is supported", "Point sourceRef at a GitRepository.");
        }

        var sourceName = Required("spec.sourceRef.name");
        if (Node(document, "spec") is YamlMappingNode spec && Node(spec, "git") is null)
        {
            Fail("spec.git", "is missing: source kind 'GitRepository' necessitates field .spec.git", "Add spec.git with commit.author.email.");
        }

        var email = Required("spec.git.commit.author.email");
        var signingType = String("spec.git.commit.signingKey.type") ?? "gpg";
        if (signingType is not ("gpg" or "ssh"))
        {
            Fail("spec.git.commit.signingKey.type", $"is '{signingType}', not gpg or ssh", "Use gpg or ssh.");
        }

        var strategy = String("spec.update.strategy") ?? "Setters";
        if (strategy != "Setters")
        {
            Fail("spec.update.strategy", $"is '{strategy}': unsupported update strategy", "Use Setters, the only strategy Flux has.");
        }

        var checkout = Node(document, "spec", "git", "checkout", "ref") is YamlMappingNode
            ? new GitCheckoutRef(String("spec.git.checkout.ref.branch") ?? "", String("spec.git.checkout.ref.tag") ?? "",
                String("spec.git.checkout.ref.semver") ?? "", String("spec.git.checkout.ref.name") ?? "", String("spec.git.checkout.ref.commit") ?? "")
            : null;
        return sourceName is null || email is null ? null : Common(new ImageUpdateAutomation
        {
            ApiVersion = apiVersion, Name = Name, Namespace = Namespace, File = file, RelativePath = relative,
            SourceRef = new ObjectReference(sourceName, String("spec.sourceRef.namespace") is { Length: > 0 } ns ? ns : Namespace),
            Checkout = checkout,
            AuthorEmail = email,
            AuthorName = String("spec.git.commit.author.name") ?? "",
            SigningKeySecretRef = String("spec.git.commit.signingKey.secretRef.name") ?? "",
            SigningKeyType = signingType,
            MessageTemplate = String("spec.git.commit.messageTemplate") ?? "",
            MessageTemplateValues = Map("spec.git.commit.messageTemplateValues") ?? new Dictionary<string, string>(),
            PushBranch = String("spec.git.push.branch") ?? "",
            PushRefspec = String("spec.git.push.refspec") ?? "",
            PushOptions = Map("spec.git.push.options") ?? new Dictionary<string, string>(),
            PolicySelector = Selector("spec.policySelector"),
            UpdatePath = String("spec.update.path") ?? "",
            UpdateStrategy = strategy,
            Interval = Duration("spec.interval", required: true),
        });
    }

    /// <summary>Fields every kind has: labels, suspend, position.</summary>
    private T Common<T>(T read) where T : FluxObject => read with
    {
        Labels = Map("metadata.labels") ?? new Dictionary<string, string>(),
        Suspend = Bool("spec.suspend"),
        DocumentIndex = index,
        Line = Line,
    };

    private void CheckHeader()
    {
        var version = apiVersion[(FluxObjectReader.Group.Length + 1)..];
        if (!FluxObjectReader.Versions.Contains(version))
        {
            Fail("apiVersion", $"is '{apiVersion}'; only {string.Join(" and ", FluxObjectReader.Versions)} are read", "Migrate the object to image.toolkit.fluxcd.io/v1.");
        }

        if (Name.Length == 0)
        {
            Fail("metadata.name", "is missing", "Give the object a name.");
        }
    }

    /// <summary>Flux's policy factory: semver, then alphabetical, then numerical; none is an unknown kind.</summary>
    private (PolicyKind? Kind, PolicyOrder Order, string? Range) PolicyChoice()
    {
        if (Node(document, "spec", "policy") is not YamlMappingNode policy)
        {
            Fail("spec.policy", "is missing", "Set one of spec.policy.semver, spec.policy.alphabetical or spec.policy.numerical.");
            return (null, PolicyOrder.Asc, null);
        }

        if (Node(policy, "semver") is not null)
        {
            return (PolicyKind.SemVer, PolicyOrder.Asc, Required("spec.policy.semver.range"));
        }

        foreach (var (name, kind) in new[] { ("alphabetical", PolicyKind.Alphabetical), ("numerical", PolicyKind.Numerical) })
        {
            if (Node(policy, name) is not null)
            {
                var field = $"spec.policy.{name}.order";
                var order = String(field);
                try
                {
                    return (kind, TagPolicy.ParseOrder(order), null);
                }
                catch (AutomationException)
                {
                    Fail(field, $"is '{order}', not asc or desc", "Use asc or desc.");
                    return (null, PolicyOrder.Asc, null);
                }
            }
        }

        var given = string.Join(", ", policy.Children.Keys.OfType<YamlScalarNode>().Select(k => k.Value));
        Fail("spec.policy", $"names an unknown policy kind ({(given.Length == 0 ? "none" : given)})",
            "Use semver, alphabetical or numerical.");
        return (null, PolicyOrder.Asc, null);
    }

    private string Duration(string path, bool required, bool allowHours = true)
    {
        var value = required ? Required(path) : String(path);
        if (value is not null && !FluxObjectReader.IsDuration(value, allowHours))
        {
            Fail(path, $"'{value}' is not a duration matching Flux's pattern {(allowHours ? "^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$" : "^([0-9]+(\\.[0-9]+)?(ms|s|m))+$")}",
                "Write it like 1m, 30s or 1h30m.");
        }

        return value ?? "";
    }

    private string? Required(string path)
    {
        var value = String(path);
        if (string.IsNullOrEmpty(value))
        {
            if (value is null && !Problems.Any(p => p.Target is FluxObjectLocation l && l.Field == path))
            {
                Fail(path, "is missing", $"Set {path}; Flux requires it.");
            }
            else if (value is not null)
            {
                Fail(path, "is empty", $"Set {path}; Flux requires it.");
            }

            return null;
        }

        return value;
    }

    private string? String(string path)
    {
        var node = Node(document, path.Split('.'));
        if (node is null or YamlScalarNode { Style: ScalarStyle.Plain, Value: "" or "~" or "null" })
        {
            return null;
        }

        if (node is YamlScalarNode scalar)
        {
            return scalar.Value ?? "";
        }

        Fail(path, $"is a {NodeKind(node)}, not a string", "Give a single value.", node);
        return null;
    }

    private bool Bool(string path)
    {
        var node = Node(document, path.Split('.'));
        if (node is null)
        {
            return false;
        }

        if (node is YamlScalarNode { Style: ScalarStyle.Plain } scalar && bool.TryParse(scalar.Value, out var value))
        {
            return value;
        }

        Fail(path, $"is '{(node as YamlScalarNode)?.Value ?? NodeKind(node)}', not true or false", "Write true or false, unquoted.", node);
        return false;
    }

    private List<string>? List(string path)
    {
        var node = Node(document, path.Split('.'));
        if (node is null)
        {
            return null;
        }

        if (node is YamlSequenceNode sequence && sequence.Children.All(c => c is YamlScalarNode))
        {
            return sequence.Children.Cast<YamlScalarNode>().Select(s => s.Value ?? "").ToList();
        }

        Fail(path, $"is a {NodeKind(node)}, not a list of strings", "Give a YAML list of strings.", node);
        return null;
    }

    private Dictionary<string, string>? Map(string path)
    {
        var node = Node(document, path.Split('.'));
        if (node is null)
        {
            return null;
        }

        if (node is YamlMappingNode mapping && mapping.Children.All(c => c.Key is YamlScalarNode && c.Value is YamlScalarNode))
        {
            var map = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (key, value) in mapping.Children)
            {
                map[((YamlScalarNode)key).Value ?? ""] = ((YamlScalarNode)value).Value ?? "";
            }

            return map;
        }

        Fail(path, $"is a {NodeKind(node)}, not a map of strings", "Give a YAML mapping of string keys to string values.", node);
        return null;
    }

    private LabelSelector? Selector(string path)
    {
        if (Node(document, path.Split('.')) is null)
        {
            return null;
        }

        var labels = Map(path + ".matchLabels") ?? new Dictionary<string, string>();
        var requirements = new List<LabelRequirement>();
        if (Node(document, (path + ".matchExpressions").Split('.')) is { } expressions)
        {
            if (expressions is not YamlSequenceNode sequence)
            {
                Fail(path + ".matchExpressions", $"is a {NodeKind(expressions)}, not a list", "Give a list of {key, operator, values}.", expressions);
                return null;
            }

            for (var i = 0; i < sequence.Children.Count; i++)
            {
                var field = $"{path}.matchExpressions[{i}]";
                var entry = sequence.Children[i] as YamlMappingNode;
                var key = Scalar(entry, "key")?.Value ?? "";
                var op = Scalar(entry, "operator")?.Value ?? "";
                var values = (Node(entry, "values") as YamlSequenceNode)?.Children.OfType<YamlScalarNode>().Select(v => v.Value ?? "").ToList() ?? [];
                if (key.Length == 0 || !LabelRequirement.Operators.Contains(op) || (op is "In" or "NotIn" && values.Count == 0))
                {
                    Fail(field, "is not a valid label requirement (key, operator In/NotIn/Exists/DoesNotExist, values for In/NotIn)",
                        "Fix the expression.", sequence.Children[i]);
                    continue;
                }

                requirements.Add(new LabelRequirement(key, op, values));
            }
        }

        return new LabelSelector(labels, requirements);
    }

    private void Check(string field, Action validate)
    {
        try
        {
            validate();
        }
        catch (AutomationException e)
        {
            Fail(field, e.Message, e.RecommendedAction ?? "Fix the value.");
        }
    }

    private void Fail(string field, string problem, string hint, YamlNode? at = null)
    {
        var node = at ?? Node(document, field.Split('.').Select(p => p.Contains('[') ? p[..p.IndexOf('[')] : p).ToArray());
        var line = node is null ? Line : (int)node.Start.Line;
        var location = new FluxObjectLocation(file, relative, index, Line, Kind, Name, Namespace, field);
        Problems.Add(FluxObjectReader.Problem(location, line, problem, hint));
    }

    private static string NodeKind(YamlNode node) => node switch
    {
        YamlMappingNode => "mapping",
        YamlSequenceNode => "list",
        _ => "value",
    };

    private static YamlScalarNode? Scalar(YamlMappingNode? mapping, string key) => Node(mapping, key) as YamlScalarNode;

    private static YamlNode? Node(YamlNode? node, params string[] path)
    {
        foreach (var part in path)
        {
            if (node is not YamlMappingNode mapping || !mapping.Children.TryGetValue(new YamlScalarNode(part), out node))
            {
                return null;
            }
        }

        return node;
    }
}
