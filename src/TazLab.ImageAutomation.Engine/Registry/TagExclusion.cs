using System.Text.RegularExpressions;
using TazLab.ImageAutomation.Engine.Diagnostics;

namespace TazLab.ImageAutomation.Engine.Registry;

/// <summary>
/// Flux's ImageRepository <c>exclusionList</c>: a tag is dropped when any pattern matches anywhere in it.
/// A given list replaces the default (it is not merged with it), exactly like Flux.
/// </summary>
/// <remarks>
/// Flux compiles the patterns with Go's RE2. The non-backtracking .NET engine is the closest match: linear time,
/// and it rejects what RE2 rejects (back-references, look-around). Go's <c>(?P&lt;name&gt;</c> is accepted too.
/// </remarks>
public sealed class TagExclusion
{
    /// <summary>Cosign signature tags (<c>sha256-….sig</c>), Flux's default.</summary>
    public static readonly IReadOnlyList<string> DefaultPatterns = [@"^.*\.sig$"];

    private static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(1);

    /// <summary>Flux's default list, compiled once (declared after what its construction uses).</summary>
    public static readonly TagExclusion Default = new(null);

    private readonly Regex[] patterns;

    /// <summary>Whether the list is exactly the default, which needs no regex: on a valid tag (no line breaks)
    /// <c>^.*\.sig$</c> matches exactly the tags ending in <c>.sig</c>.</summary>
    private readonly bool isDefault;

    /// <param name="patterns">The exclusion list; null or empty means the default, like Flux's <c>GetExclusionList</c>.</param>
    public TagExclusion(IEnumerable<string>? patterns)
    {
        var list = patterns?.ToList() is { Count: > 0 } given ? given : DefaultPatterns.ToList();
        Patterns = list;
        isDefault = list.SequenceEqual(DefaultPatterns);
        // The default is never run as a regex: building its non-backtracking automaton would cost every cold process.
        this.patterns = isDefault ? [] : list.Select(Compile).ToArray();
    }

    public IReadOnlyList<string> Patterns { get; }

    /// <param name="tag">A valid tag (<see cref="ReferenceGrammar.IsTag"/>).</param>
    public bool IsExcluded(string tag) =>
        isDefault ? tag.EndsWith(".sig", StringComparison.Ordinal) : patterns.Any(p => p.IsMatch(tag));

    private static Regex Compile(string pattern)
    {
        try
        {
            return new Regex(pattern.Replace("(?P<", "(?<", StringComparison.Ordinal),
                RegexOptions.NonBacktracking | RegexOptions.CultureInvariant, MatchTimeout);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException)
        {
            throw new AutomationException(ErrorKind.InvalidArgument, "InvalidExcludePattern",
                $"failed to compile regex '{pattern}': {e.Message}", pattern,
                "Fix the exclusion list's regular expression (RE2 syntax: no back-references or look-around).", e)
            { Settings = [Setting.ExclusionList] };
        }
    }
}
