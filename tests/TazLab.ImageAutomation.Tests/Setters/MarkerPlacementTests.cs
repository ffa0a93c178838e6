using System.Text.Json;
using TazLab.ImageAutomation.Engine.Setters;

namespace TazLab.ImageAutomation.Tests.Setters;

/// <summary>
/// Which scalars carry a marker, case by case as Flux decides it: go-yaml v3 places the comments, kyaml's
/// <c>FieldMeta.Read</c> takes the line comment, else the head comment. The expected markers in
/// <c>MarkerPlacement/*.txt</c> were computed by Go (go-yaml v3, <c>tools/goref/placement</c>), not by this module.
/// </summary>
public sealed class MarkerPlacementTests
{
    public sealed record PlacementCase(string Name, string Yaml, IReadOnlyList<string> Expected);

    // cases.txt: one case per placement rule; combinations.txt: random combinations of them, to catch interactions.
    private static readonly Lazy<Dictionary<string, PlacementCase>> Cases =
        new(() => Load("cases.txt").Concat(Load("combinations.txt")).ToDictionary(c => c.Key, c => c.Value, StringComparer.Ordinal));

    public static TheoryData<string> Names() => [.. Cases.Value.Keys];

    internal static PlacementCase Case(string name) => Cases.Value[name];

    [Theory]
    [MemberData(nameof(Names))]
    public void Markers_are_the_scalars_go_yaml_gives_the_comment(string name)
    {
        var placement = Cases.Value[name];

        var found = MarkerScanner.Scan(placement.Yaml).Markers
            .Select(m => $"{m.Line} {m.Setter} {JsonSerializer.Serialize(m.Value)}");

        Assert.Equal(placement.Expected, found);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Get_ImageSetter_lists_exactly_what_Update_ImageSetter_applies(string name)
    {
        using var tree = new SetterTestTree();
        tree.Write("m.yaml", Cases.Value[name].Yaml);
        var listed = tree.Engine().FindMarkers(tree.Root).Markers;
        var policies = listed.Select(m => SetterEngine.SplitSetter(m.Setter).Key).Distinct()
            .Select(key => new SetterPolicy(key, "org/new", "v9", null)).ToArray();

        var plan = tree.Engine().Plan(tree.Root, SetterPolicy.Index(policies));

        var applied = plan.Updates.SelectMany(u => u.Changes).Select(c => (c.Line, c.Setter, c.OldValue));
        Assert.Equal(listed.Select(m => (m.Line, m.Setter, m.Value)).Where(m => !IsBlockScalar(name)), applied);
    }

    // A marker on a literal/folded scalar is listed, but not rewritten in place (a warning says so).
    private static bool IsBlockScalar(string name) => name.Contains("block scalar", StringComparison.Ordinal);

    private static Dictionary<string, PlacementCase> Load(string file)
    {
        var cases = new Dictionary<string, PlacementCase>(StringComparer.Ordinal);
        string? header = null;
        var yaml = new List<string>();
        var expected = new List<string>();
        void Flush()
        {
            if (header is null) return;
            if (!header.Contains(" | ", StringComparison.Ordinal)) throw new InvalidDataException($"'{header}' names no upstream source");
            cases.Add(header, new PlacementCase(header, string.Join("\n", yaml) + "\n", expected.Where(e => e != "none").ToList()));
            yaml = [];
            expected = [];
        }

        foreach (var line in File.ReadLines(Path.Combine(AppContext.BaseDirectory, "Setters", "MarkerPlacement", file)))
        {
            if (line.StartsWith("@@@ ", StringComparison.Ordinal))
            {
                Flush();
                header = line[4..];
            }
            else if (header is null)
            {
                continue;
            }
            else if (line.StartsWith("=> ", StringComparison.Ordinal))
            {
                expected.Add(line[3..]);
            }
            else
            {
                yaml.Add(line);
            }
        }

        Flush();
        return cases;
    }
}
