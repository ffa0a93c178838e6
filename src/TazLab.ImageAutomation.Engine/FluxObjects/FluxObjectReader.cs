using System.Text.RegularExpressions;
using TazLab.ImageAutomation.Engine.Diagnostics;
using TazLab.ImageAutomation.Engine.Policies;
using TazLab.ImageAutomation.Engine.Registry;
using TazLab.ImageAutomation.Engine.Setters;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace TazLab.ImageAutomation.Engine.FluxObjects;

/// <summary>The Flux objects under a path, and the objects that could not be used (one error per bad field).</summary>
public sealed record FluxObjectSet(
    IReadOnlyList<ImageRepository> Repositories, IReadOnlyList<ImagePolicy> Policies, IReadOnlyList<ImageUpdateAutomation> Automations,
    IReadOnlyList<AutomationException> Problems)
{
    /// <summary>Every object, in file order then document order.</summary>
    public IEnumerable<FluxObject> All => Repositories.Cast<FluxObject>().Concat(Policies).Concat(Automations)
        .OrderBy(o => o.RelativePath, StringComparer.Ordinal).ThenBy(o => o.DocumentIndex);
}

/// <summary>
/// Reads <c>image.toolkit.fluxcd.io</c> ImageRepository, ImagePolicy and ImageUpdateAutomation objects (<c>v1</c> and
/// <c>v1beta2</c>) from every <c>*.yaml</c>/<c>*.yml</c> file under a path: multi-document files, comments, any other
/// documents ignored. A malformed object is reported with its file, document index and field and left out; the rest load.
/// </summary>
public static partial class FluxObjectReader
{
    public const string Group = "image.toolkit.fluxcd.io";
    public static readonly IReadOnlyList<string> Versions = ["v1", "v1beta2"];

    /// <param name="path">A directory (walked, links to directories not followed, <c>.git</c> skipped) or one file.</param>
    /// <param name="relativeTo">The directory that <see cref="FluxObject.RelativePath"/> is relative to (default: <paramref name="path"/>).</param>
    /// <exception cref="AutomationException">The path does not exist.</exception>
    public static FluxObjectSet Read(string path, string? relativeTo = null, IEngineLog? log = null)
    {
        log ??= NullEngineLog.Instance;
        var full = Path.GetFullPath(path);
        IEnumerable<string> files;
        if (File.Exists(full))
        {
            files = [full];
            relativeTo ??= Path.GetDirectoryName(full)!;
        }
        else if (Directory.Exists(full))
        {
            files = YamlFiles(full);
            relativeTo ??= full;
        }
        else
        {
            throw new AutomationException(ErrorKind.ObjectNotFound, "FluxObjectPathNotFound",
                $"'{path}' is neither a file nor a directory.", path, "Give the directory that holds the Flux objects (or one YAML file).");
        }

        var problems = new List<AutomationException>();
        var (repositories, policies, automations) = ReadFiles(files, relativeTo, log, problems);
        repositories = Unique(repositories, problems);
        return new FluxObjectSet(repositories, ResolveRepositories(Unique(policies, problems), repositories, problems), Unique(automations, problems), problems);
    }

    /// <summary>The objects of each file as written: names not yet checked for uniqueness, policies not yet given their repository's image.</summary>
    internal static (List<ImageRepository> Repositories, List<ImagePolicy> Policies, List<ImageUpdateAutomation> Automations) ReadFiles(
        IEnumerable<string> files, string relativeTo, IEngineLog log, List<AutomationException> problems)
    {
        var repositories = new List<ImageRepository>();
        var policies = new List<ImagePolicy>();
        var automations = new List<ImageUpdateAutomation>();
        foreach (var file in files)
        {
            var relative = Path.GetRelativePath(relativeTo, file).Replace('\\', '/');
            foreach (var (index, document) in Documents(file, relative, log, problems))
            {
                var reader = new DocumentReader(file, relative, index, document);
                FluxObject? read = reader.Kind switch
                {
                    "ImageRepository" => reader.ImageRepository(),
                    "ImagePolicy" => reader.ImagePolicy(),
                    "ImageUpdateAutomation" => reader.ImageUpdateAutomation(),
                    _ => null,
                };
                problems.AddRange(reader.Problems);
                switch (reader.Problems.Count == 0 ? read : null)
                {
                    case ImageRepository repository: repositories.Add(repository); break;
                    case ImagePolicy policy: policies.Add(policy); break;
                    case ImageUpdateAutomation automation: automations.Add(automation); break;
                }
            }
        }

        return (repositories, policies, automations);
    }

    /// <summary>Flux's duration syntax for <c>spec.interval</c> (<paramref name="allowHours"/>: <c>spec.timeout</c> has no <c>h</c>).</summary>
    public static bool IsDuration(string value, bool allowHours = true) =>
        allowHours ? DurationPattern().IsMatch(value) : TimeoutPattern().IsMatch(value);

    /// <summary>The first object of each kind, namespace and name; a later one of the same name is an error (Kubernetes keeps one).</summary>
    private static List<T> Unique<T>(List<T> objects, List<AutomationException> problems) where T : FluxObject
    {
        var first = new Dictionary<(string, string), T>();
        var unique = new List<T>();
        foreach (var item in objects)
        {
            if (first.TryGetValue((item.Namespace, item.Name), out var earlier))
            {
                var location = new FluxObjectLocation(item.File, item.RelativePath, item.DocumentIndex, item.Line, item.Kind, item.Name, item.Namespace, "metadata.name");
                problems.Add(Problem(location, item.Line, $"is already used by the {item.Kind} at {earlier.RelativePath}:{earlier.Line}",
                    "Give each object of a kind its own name within its namespace."));
                continue;
            }

            first[(item.Namespace, item.Name)] = item;
            unique.Add(item);
        }

        return unique;
    }

    /// <summary>Each policy with its repository's image; a policy whose repository is not among the objects is an error.</summary>
    private static List<ImagePolicy> ResolveRepositories(List<ImagePolicy> policies, List<ImageRepository> repositories, List<AutomationException> problems)
    {
        var byName = repositories.GroupBy(r => (r.Namespace, r.Name)).ToDictionary(g => g.Key, g => g.First());
        var resolved = new List<ImagePolicy>();
        foreach (var policy in policies)
        {
            if (byName.TryGetValue((policy.ImageRepositoryRef.Namespace, policy.ImageRepositoryRef.Name), out var repository))
            {
                resolved.Add(policy with { Image = repository.Image, Insecure = repository.Insecure });
                continue;
            }

            var location = new FluxObjectLocation(policy.File, policy.RelativePath, policy.DocumentIndex, policy.Line, policy.Kind,
                policy.Name, policy.Namespace, "spec.imageRepositoryRef.name");
            problems.Add(Problem(location, policy.Line,
                $"names ImageRepository '{policy.ImageRepositoryRef}', which is not among the objects read",
                "Add that ImageRepository under the path read, or fix the reference's name and namespace."));
        }

        return resolved;
    }

    private static IEnumerable<string> YamlFiles(string root)
    {
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint, IgnoreInaccessible = true };
        return Directory.EnumerateFiles(root, "*", options)
            .Where(f => f.EndsWith(".yaml", StringComparison.Ordinal) || f.EndsWith(".yml", StringComparison.Ordinal))
            .Where(f => !Path.GetRelativePath(root, f).Split(Path.DirectorySeparatorChar).Contains(".git"))
            .Order(StringComparer.Ordinal);
    }

    /// <summary>The file's mapping documents. A YAML error ends the file with one problem; the documents before it count.</summary>
    private static List<(int Index, YamlMappingNode Document)> Documents(string file, string relative, IEngineLog log, List<AutomationException> problems)
    {
        var documents = new List<(int, YamlMappingNode)>();
        var stream = new YamlStream();
        try
        {
            if (ReadRegularFile(file) is not { } bytes)
            {
                log.Verbose($"{relative}: not a regular file (a FIFO, socket, device or link); skipped.");
                return documents;
            }

            if (bytes.Count > SetterEngine.DefaultMaxFileSize)
            {
                log.Warning($"{relative}: above the {SetterEngine.DefaultMaxFileSize}-byte limit for a manifest; skipped.");
                return documents;
            }

            var text = System.Text.Encoding.UTF8.GetString(bytes.AsSpan().StartsWith("\uFEFF"u8) ? bytes.AsSpan(3) : bytes);

            // The depth bound also keeps YamlStream, which builds its tree recursively, from overflowing the stack.
            stream.Load(new Parser(YamlDepthLimit.Wrap(new Scanner(new StringReader(text)))));
        }
        catch (YamlTooDeepException e)
        {
            problems.Add(new AutomationException(ErrorKind.LimitsExceeded, "FluxObjectFileTooDeep",
                $"'{relative}' nests collections more than {YamlDepthLimit.MaxDepth} levels deep at line {e.Start.Line}; it was not read.",
                new FluxObjectLocation(file, relative, stream.Documents.Count, (int)e.Start.Line, "", "", "", ""), "A manifest never nests that deep; check the file."));
            return documents;
        }
        catch (YamlException e)
        {
            problems.Add(new AutomationException(ErrorKind.ParserError, "FluxObjectFileInvalidYaml",
                $"'{relative}' is not valid YAML at line {e.Start.Line}, column {e.Start.Column} (document {stream.Documents.Count}): {e.Message}",
                new FluxObjectLocation(file, relative, stream.Documents.Count, (int)e.Start.Line, "", "", "", ""),
                "Fix the YAML at that line; the documents before it and the other files were read.", e));
        }
        catch (IOException e)
        {
            problems.Add(new AutomationException(ErrorKind.PermissionDenied, "FluxObjectFileUnreadable", $"Cannot read '{relative}': {e.Message}",
                new FluxObjectLocation(file, relative, 0, 0, "", "", "", ""), "Check the file's permissions.", e));
        }

        for (var i = 0; i < stream.Documents.Count; i++)
        {
            if (stream.Documents[i].RootNode is YamlMappingNode mapping)
            {
                documents.Add((i, mapping));
            }
        }

        return documents;
    }

    /// <summary>
    /// The file's bytes, read without following a link or blocking on a FIFO, up to one byte past the manifest size limit
    /// (so a longer read tells a file above it); null when it is not a regular file.
    /// </summary>
    private static ArraySegment<byte>? ReadRegularFile(string file)
    {
        var buffer = new byte[64 * 1024];
        return CandidateReader.Read(file, ref buffer, (int)SetterEngine.DefaultMaxFileSize + 1, out var read) switch
        {
            ReadStatus.Read => new ArraySegment<byte>(buffer, 0, read),
            ReadStatus.Nothing => ArraySegment<byte>.Empty,
            _ => (ArraySegment<byte>?)null,
        };
    }

    internal static AutomationException Problem(FluxObjectLocation location, int line, string problem, string hint) =>
        new(ErrorKind.InvalidData, "FluxObjectInvalid",
            $"{location.RelativePath}, document {location.DocumentIndex} ({location.Kind} {location.Namespace}/{location.Name}): "
            + $"{location.Field} (line {line}) {problem}.",
            location with { Line = line }, hint);

    [GeneratedRegex(@"\A([0-9]+(\.[0-9]+)?(ms|s|m|h))+\z")]
    private static partial Regex DurationPattern();

    [GeneratedRegex(@"\A([0-9]+(\.[0-9]+)?(ms|s|m))+\z")]
    private static partial Regex TimeoutPattern();
}
