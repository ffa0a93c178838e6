using System.Text;
using TazLab.ImageAutomation.Engine.Setters;

namespace TazLab.ImageAutomation.Tests.Setters;

/// <summary>
/// The setter scan parses only the documents that hold the marker key (<see cref="YamlDocumentSplitter"/>): what it finds,
/// with positions and object identity, is exactly what parsing the whole file finds.
/// </summary>
public sealed class DocumentSplitTests
{
    private const string Marker = """# {"$imagepolicy": "ns:p"}""";

    private static readonly SetterPolicy Policy = new("ns:p", "org/app", "v2", null);

    /// <summary>Each marker with the identity of its document, which is what callers see of a scan.</summary>
    private static List<(MarkedScalar Marker, ObjectIdentity Object)> Found(MarkerScanner.ScanResult scan) =>
        [.. scan.Markers.Select(m => (m with { Document = 0 }, scan.Documents[m.Document]))];

    private static void AssertSameAsWholeParse(string text)
    {
        var whole = Found(MarkerScanner.ScanWhole(text));
        Assert.Equal(whole, Found(MarkerScanner.Scan(text)));
    }

    [Theory]
    [MemberData(nameof(MarkerPlacementTests.Names), MemberType = typeof(MarkerPlacementTests))]
    public void Every_placement_case_between_other_documents_finds_what_the_whole_parse_finds(string name)
    {
        var yaml = MarkerPlacementTests.Case(name).Yaml;
        var stream = $"kind: Before\nimage: org/app:v1\n---\n{yaml}---\nkind: After\nimage: org/app:v1 {Marker}\n---\nkind: Unmarked\n";

        AssertSameAsWholeParse(stream);
        AssertSameAsWholeParse(stream.Replace("\n", "\r\n", StringComparison.Ordinal));
    }

    [Fact]
    public void A_marker_in_the_second_and_the_last_of_many_documents_keeps_its_file_position_and_object()
    {
        var text = new StringBuilder();
        for (var i = 0; i < 50; i++)
        {
            text.Append($"---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: pod{i}\nspec:\n  image: org/app:v1 {(i is 1 or 49 ? Marker : "# plain")}\n");
        }

        var scan = MarkerScanner.Scan(text.ToString());

        Assert.Equal(50, YamlDocumentSplitter.Split(text.ToString()).Count);
        Assert.Equal([7 * 1 + 7, 7 * 49 + 7], scan.Markers.Select(m => m.Line));
        Assert.All(scan.Markers, m => Assert.Equal(10, m.Column));
        Assert.All(scan.Markers, m => Assert.Equal("org/app:v1", text.ToString()[m.Start..m.End]));
        Assert.Equal(["pod1", "pod49"], scan.Markers.Select(m => scan.Documents[m.Document].Name));
        AssertSameAsWholeParse(text.ToString());
    }

    [Theory]
    [InlineData("a: |\n  text\n---\nimage: org/app:v1 " + Marker + "\n")]
    [InlineData("--- |\n text\n---\nimage: org/app:v1 " + Marker + "\n")]
    [InlineData("a: >\n  folded\n...\n---\nimage: org/app:v1 " + Marker + "\n")]
    [InlineData("a: 'quoted'\n--- !!map\nimage: org/app:v1 " + Marker + "\n")]
    [InlineData("a: b\n--- [org/app:v1, x]\n---\nimage: org/app:v1 " + Marker + "\n")]
    [InlineData("--- # " + Marker + "\n- org/app:v1\n---\n- org/app:v1 " + Marker + "\n")]
    [InlineData("a: b\n---\t\nimage: org/app:v1 " + Marker + "\n---")]
    [InlineData("root\nplain\n---\nimage: org/app:v1 " + Marker + "\n")]
    [InlineData("a: b\n... # " + Marker + "\n...\n---\n- org/app:v1 " + Marker + "\n")]
    [InlineData("a: b\n...\n%YAML 1.2\n%TAG !e! tag:example.com,2000:\n---\nimage: !e!x org/app:v1 " + Marker + "\n")]
    [InlineData("%YAML 1.2\n---\nimage: org/app:v1 " + Marker + "\n...\n%YAML 1.2\n---\nimage: org/app:v1 " + Marker + "\n")]
    [InlineData("note: the $imagepolicy marker goes on image lines\n---\nimage: org/app:v1 " + Marker + "\n")]
    [InlineData("a: b\r---\rimage: org/app:v1 " + Marker + "\r")]
    [InlineData("a: \"two\n  lines\"\n----: v\n...x: y\n--- \nimage: org/app:v1 " + Marker + "\n")]
    [InlineData("a: \"line\u2028  sep\"\n---\nimage: org/app:v1 " + Marker + "\n")]
    public void Document_starts_cut_where_the_parser_starts_a_document(string text)
    {
        Assert.NotEmpty(MarkerScanner.ScanWhole(text).Markers);
        AssertSameAsWholeParse(text);
        AssertSameAsWholeParse(text.Replace("\n", "\r\n", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("--- |\ntext at column 0\n---\nimage: org/app:v1 " + Marker + "\n")]
    [InlineData("--- &a !t >-\ntext at column 0\n---\nimage: org/app:v1 " + Marker + "\n")]
    [InlineData("---\n!t\n|\ntext at column 0\n---\nimage: org/app:v1 " + Marker + "\n")]
    public void A_root_block_scalar_may_hold_document_start_lines_as_YamlDotNet_reads_it(string text)
    {
        // YAML ends the scalar at the "---"; YamlDotNet reads the rest of the file into it, and so does the scan.
        Assert.Single(YamlDocumentSplitter.Split(text));
        Assert.Empty(MarkerScanner.Scan(text).Markers);
        AssertSameAsWholeParse(text);
    }

    [Theory]
    [InlineData("a: b\n# " + Marker + "\n---\n- org/app:v1\n")]
    [InlineData("a: b\n---\n# " + Marker + "\n\n- org/app:v1\n")]
    [InlineData("# mentions $imagepolicy\nkind: A\n---\nimage: org/app:v1\n")]
    public void A_marker_comment_does_not_reach_into_another_document(string text)
    {
        Assert.Empty(MarkerScanner.Scan(text).Markers);
        AssertSameAsWholeParse(text);
    }

    [Theory]
    [InlineData("a: 1\n---\nb: 2\r\n---\rc: 3\n--- x\n", "a: 1\n|---\nb: 2\r\n|---\rc: 3\n|--- x\n")]
    [InlineData("%YAML 1.2\n---\na: 1\n...\n%YAML 1.2\n---\nb: 2\n---\nc: 3\n", "%YAML 1.2\n---\na: 1\n...\n%YAML 1.2\n---\nb: 2\n|---\nc: 3\n")]
    [InlineData("a: 1\n----\n--\n ---\n---x\n...\n", "a: 1\n----\n--\n ---\n---x\n...\n")]
    [InlineData("a: |\n  --- x\n---\n--- |\n  t\n---\nb: 1\n", "a: |\n  --- x\n|---\n|--- |\n  t\n---\nb: 1\n")]
    [InlineData("a: \"\u2028\"\n---\nb: 1\n", "a: \"\u2028\"\n---\nb: 1\n")]
    public void Parts_start_at_document_start_lines_the_cut_can_be_sure_of(string text, string cut)
    {
        var parts = YamlDocumentSplitter.Split(text);

        Assert.Equal(cut, string.Join("|", parts.Select(p => text.Substring(p.Start, p.Length))));
        Assert.Equal(parts.Select(p => text[..p.Start].Replace("\r\n", "\n", StringComparison.Ordinal).Count(c => c is '\n' or '\r')), parts.Select(p => p.LineOffset));
    }

    [Fact]
    public void Content_on_the_document_marker_line_is_part_of_that_document()
    {
        const string text = "a: b\n--- !tagged\nimage: org/app:v1 " + Marker + "\n--- \"root scalar\"\n---\n- org/app:v1 " + Marker + "\n";

        var scan = MarkerScanner.Scan(text);

        Assert.Equal([3, 6], scan.Markers.Select(m => m.Line));
        AssertSameAsWholeParse(text);
    }

    [Fact]
    public void A_block_mapping_cannot_start_on_the_document_marker_line()
    {
        // "--- key: v" is not YAML; in a document that holds the marker key it is reported, as before.
        Assert.Throws<YamlDotNet.Core.YamlException>(() => MarkerScanner.Scan("a: b\n--- key: v\nimage: org/app:v1 " + Marker + "\n"));
    }

    [Fact]
    public void Crlf_bom_and_a_skipped_document_keep_line_column_and_bytes_exact()
    {
        using var tree = new SetterTestTree();
        var body = "kind: First\r\nlist: [a,\r\n  b]\r\n---\r\nkind: Pod\r\nmetadata: {name: web}\r\nspec:\r\n    image: org/app:v1 " + Marker + "\r\n";
        tree.Write("m.yaml", [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(body)]);

        var plan = tree.Apply(Policy);

        Assert.Empty(plan.Problems);
        Assert.Equal([0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(body.Replace("org/app:v1", "org/app:v2", StringComparison.Ordinal))], tree.Bytes("m.yaml"));
        var change = plan.Updates.Single().Changes.Single();
        Assert.Equal((8, 12, "web"), (change.Line, change.Column, change.Object.Name));
    }

    [Fact]
    public void Invalid_yaml_in_a_document_without_the_marker_key_is_not_read()
    {
        using var tree = new SetterTestTree();
        tree.Write("m.yaml", "broken: [unclosed\n---\nimage: org/app:v1 " + Marker + "\n");

        var plan = tree.Apply(Policy);

        Assert.Empty(plan.Problems);
        Assert.Equal("broken: [unclosed\n---\nimage: org/app:v2 " + Marker + "\n", tree.Text("m.yaml"));
    }

    [Fact]
    public void Invalid_yaml_in_a_document_with_the_marker_key_names_the_file_line()
    {
        using var tree = new SetterTestTree();
        tree.Write("m.yaml", "a: b\n---\nc: d\n---\nimage: org/app:v1 " + Marker + "\nbroken: [unclosed\n");

        var plan = tree.Apply(Policy);

        var problem = Assert.Single(plan.Problems);
        Assert.Equal("SetterFileInvalidYaml", problem.ErrorId);
        Assert.Contains("at line 7,", problem.Message, StringComparison.Ordinal);
        Assert.Empty(plan.Updates);
    }

    [Fact]
    public void Too_deep_nesting_in_a_later_document_names_the_file_line()
    {
        using var tree = new SetterTestTree();
        tree.Write("m.yaml", "a: b\n---\nimage: org/app:v1 " + Marker + "\ndeep: " + new string('[', 200) + "\n");

        var problem = Assert.Single(tree.Apply(Policy).Problems);

        Assert.Equal("SetterFileTooDeep", problem.ErrorId);
        Assert.Contains("at line 4,", problem.Message, StringComparison.Ordinal);
    }
}
