using System.Text;
using TazLab.ImageAutomation.Engine.Diagnostics;
using TazLab.ImageAutomation.Engine.Setters;

namespace TazLab.ImageAutomation.Tests.Setters;

/// <summary>Which files are read, and how unreadable ones are reported while the rest of the tree is still processed.</summary>
public sealed class SetterTreeTests
{
    private const string Marked = "image: ghcr.io/org/app:v1.0.0 # {\"$imagepolicy\": \"flux-system:app\"}\n";
    private const string Updated = "image: ghcr.io/org/app:v2.0.0 # {\"$imagepolicy\": \"flux-system:app\"}\n";
    private static readonly SetterPolicy App = new("flux-system:app", "ghcr.io/org/app", "v2.0.0", null);

    [Fact]
    public void Files_are_chosen_by_Flux_s_name_rules_hidden_directories_included()
    {
        using var tree = new SetterTestTree();
        string[] read = ["a.yaml", "b.yml", "Kustomization", "sub/deep/c.yaml", ".github/workflows/d.yaml"];
        string[] ignored = ["e.YAML", "f.Yml", "kustomization", "g.json", "h.yaml.tpl", ".git/i.yaml"];
        foreach (var name in read.Concat(ignored))
        {
            tree.Write(name, Marked);
        }

        var plan = tree.Apply(App);

        Assert.Equal(read.Order(StringComparer.Ordinal), plan.Updates.Select(u => u.RelativePath).Order(StringComparer.Ordinal));
        Assert.All(read, name => Assert.Equal(Updated, tree.Text(name)));
        Assert.All(ignored, name => Assert.Equal(Marked, tree.Text(name)));
    }

    [Fact]
    public void Files_without_the_quoted_token_are_never_parsed()
    {
        using var tree = new SetterTestTree();
        tree.Write("broken-but-unmarked.yaml", "a: [unclosed\n# $imagepolicy without quotes\n");
        tree.Write("ok.yaml", Marked);

        var plan = tree.Apply(App);

        Assert.Empty(plan.Problems);
        Assert.Single(plan.Updates);
    }

    [Fact]
    public void Invalid_yaml_is_reported_with_file_and_line_and_the_rest_of_the_tree_is_processed()
    {
        using var tree = new SetterTestTree();
        var broken = tree.Write("a-broken.yaml", "kind: Pod\nspec:\n  image: x # {\"$imagepolicy\": \"flux-system:app\"}\n  - oops: [\n");
        tree.Write("b-ok.yaml", Marked);

        var plan = tree.Apply(App);

        var problem = Assert.Single(plan.Problems);
        Assert.Equal((ErrorKind.ParserError, "SetterFileInvalidYaml", broken), (problem.Kind, problem.ErrorId, problem.Target));
        Assert.Contains(broken, problem.Message);
        Assert.Contains("line 4", problem.Message);
        Assert.Equal(Updated, tree.Text("b-ok.yaml"));
    }

    [Theory]
    [InlineData("list: [a, b\nnext: 1\n", 2)]
    [InlineData("a: 'unclosed\n", 1)]
    [InlineData("a: b: c\n", 1)]
    [InlineData("a:\n  b: 1\n c: 2\n", 3)]
    [InlineData("- a\nb: c\n", 2)]
    [InlineData("a:\n  b: x\n\tc: y\nd: z\n", 3)] // issue 14: a tab used as indentation is reported at its own line
    [InlineData("a:\n  b: x\n  c:\n\t- y\n  d: z\n", 4)]
    [InlineData("a: 1\nb:\n  c: 2\n \td: 3\n", 4)]
    public void Every_kind_of_invalid_yaml_is_a_ParserError_with_its_line(string yaml, int line)
    {
        using var tree = new SetterTestTree();
        tree.Write("bad.yaml", "# {\"$imagepolicy\": \"flux-system:app\"}\n" + yaml);

        var problem = Assert.Single(tree.Engine().FindMarkers(tree.Root).Problems);

        Assert.Equal((ErrorKind.ParserError, "SetterFileInvalidYaml"), (problem.Kind, problem.ErrorId));
        Assert.Contains($"at line {line + 1},", problem.Message);
    }

    [Fact]
    public void Invalid_utf8_is_reported_with_file_and_line_and_the_rest_of_the_tree_is_processed()
    {
        using var tree = new SetterTestTree();
        var latin1 = tree.Write("a-latin1.yaml", [.. Encoding.UTF8.GetBytes("# ok\n" + Marked + "name: caf"), 0xE9, (byte)'\n']);
        tree.Write("b-ok.yaml", Marked);

        var plan = tree.Apply(App);

        var problem = Assert.Single(plan.Problems);
        Assert.Equal((ErrorKind.ParserError, "SetterFileNotUtf8", latin1), (problem.Kind, problem.ErrorId, problem.Target));
        Assert.Contains($"line 3, byte {Encoding.UTF8.GetByteCount("# ok\n" + Marked + "name: caf")})", problem.Message);
        Assert.Equal(Updated, tree.Text("b-ok.yaml"));
    }

    [Fact]
    public void Files_above_the_size_limit_are_skipped_with_a_warning()
    {
        using var tree = new SetterTestTree();
        tree.Write("big.yaml", Marked + new string('#', 200) + "\n");
        tree.Write("small.yaml", Marked);

        var plan = tree.Engine(maxFileSize: 200).Plan(tree.Root, SetterPolicy.Index([App]));

        Assert.Equal(["small.yaml"], plan.Updates.Select(u => u.RelativePath));
        Assert.Contains(tree.Log.Warnings, w => w.StartsWith("big.yaml:") && w.Contains("file size limit"));
    }

    [Fact]
    public void A_link_leading_out_of_the_tree_is_not_followed()
    {
        using var outside = new SetterTestTree();
        var secret = outside.Write("secret.yaml", Marked);
        outside.Write("dir/x.yaml", Marked);
        using var tree = new SetterTestTree();
        File.CreateSymbolicLink(tree.PathOf("link.yaml"), secret);
        File.CreateSymbolicLink(tree.PathOf("relative.yaml"), Path.GetRelativePath(tree.Root, secret));
        Directory.CreateSymbolicLink(tree.PathOf("linked-dir"), outside.PathOf("dir"));

        var plan = tree.Apply(App);

        Assert.Empty(plan.Updates);
        Assert.Equal(Marked, outside.Text("secret.yaml"));
        Assert.Equal(2, tree.Log.Verbose.Count(v => v.Contains("outside the tree; not followed")));
    }

    [Fact]
    public void A_link_inside_the_tree_is_written_through_and_each_file_is_read_once()
    {
        using var tree = new SetterTestTree();
        tree.Write("real/deploy.txt", Marked);
        tree.Write("real/deploy.yaml", Marked);
        File.CreateSymbolicLink(tree.PathOf("a-link.yaml"), "real/deploy.txt");
        File.CreateSymbolicLink(tree.PathOf("b-link.yaml"), "real/deploy.txt");
        File.CreateSymbolicLink(tree.PathOf("c-link.yaml"), "real/deploy.yaml");
        Directory.CreateSymbolicLink(tree.PathOf("z-dir-link"), "real");

        var plan = tree.Apply(App);

        Assert.Equal(["a-link.yaml", "real/deploy.yaml"], plan.Updates.Select(u => u.RelativePath));
        Assert.Equal(Updated, tree.Text("real/deploy.txt"));
        Assert.Equal(Updated, tree.Text("real/deploy.yaml"));
        Assert.Equal("real/deploy.txt", new FileInfo(tree.PathOf("a-link.yaml")).LinkTarget);
    }

    [Fact]
    public void A_fifo_with_a_manifest_name_does_not_block_the_walk()
    {
        using var tree = new SetterTestTree();
        using var mkfifo = System.Diagnostics.Process.Start("mkfifo", tree.PathOf("pipe.yaml"));
        mkfifo.WaitForExit();
        Assert.Equal(0, mkfifo.ExitCode);
        tree.Write("ok.yaml", Marked);

        var plan = tree.Apply(App);

        Assert.Single(plan.Updates);
    }

    [Fact]
    public async Task A_fifo_whose_writer_holds_it_open_with_a_manifest_in_it_is_skipped_without_blocking()
    {
        using var tree = new SetterTestTree();
        var pipe = tree.PathOf("pipe.yaml");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", pipe))
        {
            mkfifo.WaitForExit();
            Assert.Equal(0, mkfifo.ExitCode);
        }

        tree.Write("ok.yaml", Marked);
        // Opened read-write, so opening does not wait for a reader; the manifest sits in the pipe while the writer lives.
        using var writer = new FileStream(pipe, FileMode.Open, FileAccess.ReadWrite);
        writer.Write(Encoding.UTF8.GetBytes(Marked));
        writer.Flush();

        var plan = await Task.Run(() => tree.Apply(App)).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(["ok.yaml"], plan.Updates.Select(u => u.RelativePath));
        Assert.Contains(tree.Log.Verbose, v => v.StartsWith("pipe.yaml:") && v.Contains("not a regular file"));
        Assert.Empty(plan.Problems);
    }

    [Fact]
    public void A_file_nested_too_deep_is_skipped_with_a_ParserError_naming_file_and_line()
    {
        using var tree = new SetterTestTree();
        var deep = tree.Write("a-deep.yaml", Marked + "x:\n  y: " + new string('[', 50_000) + "\n");
        tree.Write("b-ok.yaml", Marked);

        var plan = tree.Apply(App);

        var problem = Assert.Single(plan.Problems);
        Assert.Equal((ErrorKind.ParserError, "SetterFileTooDeep", deep), (problem.Kind, problem.ErrorId, problem.Target));
        Assert.Contains(deep, problem.Message);
        Assert.Contains($"line {Marked.Count(c => c == '\n') + 2},", problem.Message);
        Assert.Equal(Updated, tree.Text("b-ok.yaml"));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Nesting_up_to_the_limit_parses_and_one_level_more_does_not(bool flow)
    {
        // The top-level mapping is the first level.
        static string Nested(bool flow, int levels) => flow
            ? "deep: " + new string('[', levels) + new string(']', levels) + "\n"
            : string.Concat(Enumerable.Range(0, levels).Select(i => new string(' ', i) + $"k{i}:\n")) + new string(' ', levels) + "v: 1\n";
        using var tree = new SetterTestTree();
        tree.Write("deep.yaml", Marked + Nested(flow, YamlDepthLimit.MaxDepth - 1));
        tree.Write("over.yaml", Marked + Nested(flow, YamlDepthLimit.MaxDepth));

        var inventory = tree.Engine().FindMarkers(tree.Root);

        Assert.Equal(["deep.yaml"], inventory.Markers.Select(m => m.RelativePath));
        Assert.Equal(("SetterFileTooDeep", tree.PathOf("over.yaml")), (Assert.Single(inventory.Problems).ErrorId, Assert.Single(inventory.Problems).Target));
    }

    [Fact]
    public void FindMarkers_lists_every_marker_with_its_current_value_whatever_the_policies()
    {
        using var tree = new SetterTestTree();
        tree.Write("apps/web.yaml", """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            spec:
              image: ghcr.io/org/web:1.2.3 # {"$imagepolicy": "flux-system:web"}
              tag: '1.2.3' # {"$imagepolicy": "apps:web:tag"}
            """);
        tree.Write("apps/broken.yaml", "a: b: c # {\"$imagepolicy\": \"x:y\"}\n");

        var inventory = tree.Engine().FindMarkers(tree.Root);

        var web = new ObjectIdentity("apps/v1", "Deployment", "web", "");
        Assert.Equal(
            [
                new SetterMarker(tree.PathOf("apps/web.yaml"), "apps/web.yaml", 6, 10, "flux-system:web", "ghcr.io/org/web:1.2.3", web),
                new SetterMarker(tree.PathOf("apps/web.yaml"), "apps/web.yaml", 7, 8, "apps:web:tag", "1.2.3", web),
            ],
            inventory.Markers);
        Assert.Equal("SetterFileInvalidYaml", Assert.Single(inventory.Problems).ErrorId);
    }

    [Fact]
    public void A_missing_root_is_an_ObjectNotFound_error()
    {
        var e = Assert.Throws<AutomationException>(() => new SetterEngine().FindMarkers("/nonexistent/manifests"));

        Assert.Equal((ErrorKind.ObjectNotFound, "SetterPathNotFound"), (e.Kind, e.ErrorId));
    }
}
