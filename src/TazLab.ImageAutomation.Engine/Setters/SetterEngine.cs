using System.Text;
using TazLab.ImageAutomation.Engine.Diagnostics;
using YamlDotNet.Core;

namespace TazLab.ImageAutomation.Engine.Setters;

/// <summary>What one pass over a tree found: the files to rewrite, and the files that could not be read.</summary>
public sealed record SetterPlan(IReadOnlyList<FileUpdate> Updates, IReadOnlyList<AutomationException> Problems);

/// <summary>
/// Flux's Setters strategy, as a minimal text edit: walk a tree once, find every marked scalar, and compute each
/// changed file's new bytes with only the marked values replaced. Nothing is written here; see <see cref="AtomicFile"/>.
/// </summary>
public sealed class SetterEngine(IEngineLog? log = null)
{
    private static readonly byte[] Utf8Bom = [0xEF, 0xBB, 0xBF];
    private static readonly byte[] ScreeningToken = Encoding.UTF8.GetBytes("\"$imagepolicy\"");
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private readonly IEngineLog log = log ?? NullEngineLog.Instance;

    /// <param name="root">An existing directory (absolute).</param>
    /// <param name="policies">The latest images, keyed by <c>namespace:name</c>.</param>
    public SetterPlan Plan(string root, IReadOnlyDictionary<string, SetterPolicy> policies)
    {
        var updates = new List<FileUpdate>();
        var problems = new List<AutomationException>();
        foreach (var path in CandidateFiles(root))
        {
            var bytes = File.ReadAllBytes(path);
            if (bytes.AsSpan().IndexOf(ScreeningToken) < 0)
            {
                continue;
            }

            var relative = Path.GetRelativePath(root, path).Replace('\\', '/');
            try
            {
                if (PlanFile(path, relative, bytes, policies) is { } update)
                {
                    updates.Add(update);
                }
            }
            catch (AutomationException e)
            {
                problems.Add(e);
            }
        }

        return new SetterPlan(updates, problems);
    }

    /// <summary>Files Flux reads: <c>*.yaml</c>, <c>*.yml</c> (case-sensitive) and <c>Kustomization</c>, without following directory links.</summary>
    internal static IEnumerable<string> CandidateFiles(string root)
    {
        var pending = new Stack<string>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            var directory = pending.Pop();
            foreach (var entry in new DirectoryInfo(directory).EnumerateFileSystemInfos().OrderBy(e => e.Name, StringComparer.Ordinal))
            {
                if (entry is DirectoryInfo sub)
                {
                    if (sub.LinkTarget is null && sub.Name != ".git")
                    {
                        pending.Push(sub.FullName);
                    }
                }
                else if (entry.Name.EndsWith(".yaml", StringComparison.Ordinal) || entry.Name.EndsWith(".yml", StringComparison.Ordinal)
                    || entry.Name == "Kustomization")
                {
                    yield return entry.FullName;
                }
            }
        }
    }

    private FileUpdate? PlanFile(string path, string relative, byte[] bytes, IReadOnlyDictionary<string, SetterPolicy> policies)
    {
        var hasBom = bytes.AsSpan().StartsWith(Utf8Bom);
        string text;
        try
        {
            text = StrictUtf8.GetString(bytes, hasBom ? 3 : 0, bytes.Length - (hasBom ? 3 : 0));
        }
        catch (DecoderFallbackException e)
        {
            throw new AutomationException(ErrorKind.ParserError, "SetterFileNotUtf8",
                $"'{path}' is not valid UTF-8; it was skipped.", path, "Save the file as UTF-8.", e);
        }

        MarkerScanner.ScanResult scan;
        try
        {
            scan = MarkerScanner.Scan(text);
        }
        catch (YamlException e)
        {
            throw new AutomationException(ErrorKind.ParserError, "SetterFileInvalidYaml",
                $"'{path}' is not valid YAML (line {e.Start.Line}, column {e.Start.Column}): {e.Message}; it was skipped.",
                path, "Fix the YAML syntax at that line.", e);
        }

        var changes = new List<(MarkedScalar Marker, string Text, SetterChange Change)>();
        foreach (var marker in scan.Markers)
        {
            var (key, suffix) = SplitSetter(marker.Setter);
            if (!policies.TryGetValue(key, out var policy) || policy.ValueFor(suffix) is not { } value)
            {
                log.Verbose($"{relative}:{marker.Line}: marker '{marker.Setter}' names no policy in the input; left alone.");
                continue;
            }

            if (value == marker.Value)
            {
                continue;
            }

            if (ScalarText.Render(value, marker.Style) is not { } rendered)
            {
                log.Warning($"{relative}:{marker.Line}: marker '{marker.Setter}' is on a block scalar, which cannot be rewritten in place; left alone.");
                continue;
            }

            var identity = marker.Document < scan.Documents.Count ? scan.Documents[marker.Document] : ObjectIdentity.Empty;
            changes.Add((marker, rendered, new SetterChange(path, relative, marker.Line, marker.Column, marker.Setter,
                marker.Value, value, identity, policy)));
        }

        if (changes.Count == 0)
        {
            return null;
        }

        var result = new StringBuilder(text.Length + 64);
        var position = 0;
        foreach (var (marker, rendered, _) in changes.OrderBy(c => c.Marker.Start))
        {
            result.Append(text, position, marker.Start - position).Append(rendered);
            position = marker.End;
        }

        result.Append(text, position, text.Length - position);
        var encoded = StrictUtf8.GetBytes(result.ToString());
        var content = hasBom ? [.. Utf8Bom, .. encoded] : encoded;
        return new FileUpdate(path, relative, content, changes.Select(c => c.Change).ToList());
    }

    /// <summary><c>ns:policy</c> → (<c>ns:policy</c>, ""), <c>ns:policy:tag</c> → (<c>ns:policy</c>, "tag").</summary>
    internal static (string Key, string Suffix) SplitSetter(string setter)
    {
        var first = setter.IndexOf(':');
        var second = first < 0 ? -1 : setter.IndexOf(':', first + 1);
        return second < 0 ? (setter, "") : (setter[..second], setter[(second + 1)..]);
    }
}
