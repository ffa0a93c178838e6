using System.Text;
using TazLab.ImageAutomation.Engine.Setters;
using YamlDotNet.Core;

namespace TazLab.ImageAutomation.Tests.Setters;

/// <summary>
/// The line scan (<see cref="SimpleDocumentScanner"/>) decides a document only when it finds exactly what the exact
/// scanner finds: the same markers (ranges, lines, columns, styles, values, setters) and the same object identity.
/// Checked over the conformance vectors and a generated corpus of manifests, many of them mutated into odd YAML.
/// </summary>
public sealed class SimpleScanDifferentialTests
{
    private const string Marker = """# {"$imagepolicy": "ns:p"}""";

    /// <summary>True when the line scan decided the text (and agreed); false when it left it to the parser.</summary>
    private static bool AssertAgrees(string text)
    {
        var fast = SimpleDocumentScanner.TryScan(text);
        MarkerScanner.ScanResult exact;
        try
        {
            exact = MarkerScanner.ScanWhole(text);
        }
        catch (YamlException e)
        {
            Assert.True(fast is null, $"The line scan accepted YAML the parser rejects ({e.Message}):\n{text}");
            return false;
        }

        if (fast is null)
        {
            return false;
        }

        Assert.True(exact.Markers.SequenceEqual(fast.Markers), $"Markers differ:\n{text}\nexact: {string.Join("; ", exact.Markers)}\nfast: {string.Join("; ", fast.Markers)}");
        Assert.True(exact.Documents.SequenceEqual(fast.Documents), $"Identities differ:\n{text}\nexact: {string.Join("; ", exact.Documents)}\nfast: {string.Join("; ", fast.Documents)}");
        return true;
    }

    [Theory]
    [MemberData(nameof(MarkerPlacementTests.Names), MemberType = typeof(MarkerPlacementTests))]
    public void Every_placement_vector_is_decided_as_the_parser_decides_it(string name)
    {
        var yaml = MarkerPlacementTests.Case(name).Yaml;
        AssertAgrees(yaml);
        AssertAgrees(yaml.Replace("\n", "\r\n", StringComparison.Ordinal));
        AssertAgrees("apiVersion: v1\nkind: Pod\nmetadata:\n  name: n\n  namespace: s\nspec:\n" + string.Concat(yaml.Split('\n').Select(l => l.Length == 0 ? "\n" : "  " + l + "\n")));
    }

    [Fact]
    public void The_upstream_fixtures_are_decided_as_the_parser_decides_them()
    {
        var fixtures = Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Setters", "Fixtures"), "*.yaml", SearchOption.AllDirectories);
        Assert.NotEmpty(fixtures);
        foreach (var file in fixtures)
        {
            foreach (var part in YamlDocumentSplitter.Split(File.ReadAllText(file)))
            {
                AssertAgrees(File.ReadAllText(file).Substring(part.Start, part.Length));
            }
        }
    }

    [Fact]
    public void A_generated_corpus_is_decided_as_the_parser_decides_it_and_mostly_without_it()
    {
        var random = new Random(20261202);
        int decided = 0, total = 0;
        for (var i = 0; i < 4000; i++)
        {
            var text = Mutate(Manifest(random, mutate: random.Next(2) == 0), random);
            total++;
            decided += AssertAgrees(text) ? 1 : 0;
        }

        // The corpus must exercise the line scan, not only its refusals.
        Assert.InRange(decided, total / 5, total);
    }

    [Fact]
    public void A_manifest_of_the_common_shape_is_decided_without_the_parser()
    {
        var text = $"""
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: app
              namespace: team
              labels:
                app.kubernetes.io/name: app
            spec:
              template:
                spec:
                  containers:
                    - name: app
                      image: registry.example.com/team/app:1.0.0 {Marker}
                      resources:
                        requests: {"{"}cpu: 100m, memory: 128Mi{"}"}
                      args: ["--a", "--b"]
                      env:
                        - name: SETTING
                          value: "v"
                  initContainers:
                  - name: init
                    image: 'registry.example.com/team/init:1.0.0' {Marker}
            data:
              script: |
                echo hello

            """;
        Assert.True(AssertAgrees(text));
        Assert.Equal(2, SimpleDocumentScanner.TryScan(text)!.Markers.Count);
    }

    [Fact]
    public void A_10_MiB_manifest_of_the_common_shape_is_decided_without_the_parser()
    {
        // The parser kept every token of such a document (seconds and hundreds of MB); the line scan is linear and keeps nothing.
        var text = new StringBuilder("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n  image: org/app:v1 " + Marker + "\n");
        for (var i = 0; text.Length < 10 * 1024 * 1024 - 100; i++)
        {
            text.Append("  key").Append(i).Append(": \"value number ").Append(i).Append("\"\n");
        }

        var scan = SimpleDocumentScanner.TryScan(text.ToString());

        Assert.NotNull(scan);
        Assert.Equal(6, Assert.Single(scan.Markers).Line);
        Assert.Equal(new ObjectIdentity("v1", "ConfigMap", "big", ""), Assert.Single(scan.Documents));
    }

    private static readonly string[] Values =
    [
        "org/app:v1", "\"org/app:v1\"", "'org/app:v1'", "'it''s'", "\"\"", "''", "v1.2.3", "1.0", "~", "null", "\"a b\"",
        "ghcr.io/x/y:1@sha256:abc", "a b c", "-1", "x:y", "a#b", "a, b", "\"a\\\"b\"", "&anchor v", "*alias", "!!str v",
        "[a, b]", "{a: b}", "{cpu: 100m, memory: 128Mi}", "[]", "{}", "|", "|-", ">", "\"multi", "'multi", "a: b", "a:",
    ];

    private static readonly string[] CommonValues = ["org/app:v1", "\"org/app:v1\"", "'org/app:v1'", "v1.2.3", "ghcr.io/x/y:1@sha256:abc"];

    private static readonly string[] Comments = ["", "", " " + Marker, " " + Marker, "  " + Marker, " # note", " #{\"$imagepolicy\":\"ns:q:tag\"}", " # {\"$imagepolicy\": 1}"];

    private static string Pick(Random random, string[] items) => items[random.Next(items.Length)];

    /// <summary>A Kubernetes-like manifest with markers in common and uncommon places.</summary>
    private static string Manifest(Random random, bool mutate = true)
    {
        var sb = new StringBuilder();
        if (random.Next(4) == 0) sb.Append("---\n");
        if (random.Next(6) == 0) sb.Append("# head comment\n");
        sb.Append("apiVersion: ").Append(random.Next(3) == 0 ? "'apps/v1'" : "apps/v1").Append('\n');
        sb.Append("kind: ").Append(random.Next(5) == 0 ? "~" : "Deployment").Append('\n');
        sb.Append("metadata:\n");
        var pad = random.Next(3) == 0 ? "    " : "  ";
        sb.Append(pad).Append("name: ").Append(random.Next(4) == 0 ? "\"app-1\"" : "app-1").Append('\n');
        if (random.Next(2) == 0) sb.Append(pad).Append("namespace: ").Append(random.Next(5) == 0 ? "" : "team").Append('\n');
        sb.Append(pad).Append("labels:\n").Append(pad).Append(pad).Append("app.kubernetes.io/name: app\n");
        sb.Append("spec:\n").Append(pad).Append("template:\n");
        var items = pad + pad + (random.Next(2) == 0 ? pad : "");
        sb.Append(pad).Append(pad).Append("containers:\n");
        var containers = random.Next(1, 4);
        for (var c = 0; c < containers; c++)
        {
            sb.Append(items).Append("- name: c").Append(c).Append('\n');
            var inner = items + "  ";
            var value = mutate ? Pick(random, Values) : Pick(random, CommonValues);
            sb.Append(inner).Append("image: ").Append(value).Append(mutate ? Pick(random, Comments) : " " + Marker).Append('\n');
            if (value is "|" or "|-" or ">") sb.Append(inner).Append("  text line\n").Append(inner).Append("  # not a comment ").Append(Marker).Append('\n', random.Next(2));
            if (random.Next(2) == 0) sb.Append(inner).Append("resources: {cpu: 100m, memory: 128Mi}\n");
            if (random.Next(2) == 0)
            {
                sb.Append(inner).Append("args:\n");
                var argPad = random.Next(2) == 0 ? inner : inner + "  ";
                for (var a = random.Next(1, 3); a > 0; a--)
                {
                    if (random.Next(4) == 0) sb.Append(argPad).Append(Marker).Append('\n');
                    sb.Append(argPad).Append("- ").Append(mutate ? Pick(random, Values) : Pick(random, CommonValues)).Append(mutate ? Pick(random, Comments) : "").Append('\n');
                }
            }

            if (random.Next(3) == 0) sb.Append(inner).Append("env:\n").Append(inner).Append("- name: A\n").Append(inner).Append("  value: \"1\"\n");
        }

        if (random.Next(3) == 0) sb.Append("data:\n  config: |\n    line one\n\n    line two\n  other: x\n");
        return sb.ToString();
    }

    /// <summary>Small edits that often leave the subset or break the YAML: a tab, a shifted line, a dropped colon, a CRLF file.</summary>
    private static string Mutate(string text, Random random)
    {
        var lines = text.Split('\n').ToList();
        for (var m = random.Next(0, 3); m > 0; m--)
        {
            var i = random.Next(lines.Count);
            lines[i] = random.Next(9) switch
            {
                0 => " " + lines[i],
                1 => lines[i].Length > 0 && lines[i][0] == ' ' ? lines[i][1..] : lines[i],
                2 => lines[i].Replace(": ", " ", StringComparison.Ordinal),
                3 => "\t" + lines[i],
                4 => lines[i] + " " + Marker,
                5 => lines[i].Replace("- ", "-", StringComparison.Ordinal),
                6 => lines[i] + ":",
                7 => "  " + Marker + "\n" + lines[i],
                _ => lines[i] + "\n",
            };
        }

        var joined = string.Join("\n", lines);
        return random.Next(5) == 0 ? joined.Replace("\n", "\r\n", StringComparison.Ordinal) : joined;
    }
}
