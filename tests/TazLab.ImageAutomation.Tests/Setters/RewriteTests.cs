using System.Text;
using TazLab.ImageAutomation.Engine.Setters;

namespace TazLab.ImageAutomation.Tests.Setters;

/// <summary>
/// The torture set: every case states the whole file before and after, so any byte changed besides the marked value
/// fails the test.
/// </summary>
public sealed class RewriteTests
{
    private const string App = """# {"$imagepolicy": "flux-system:app"}""";
    private const string Digest = "sha256:0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0";

    private static readonly SetterPolicy[] Policies =
    [
        new("flux-system:app", "ghcr.io/org/app", "v2.0.0", null),
        new("flux-system:dated", "org/dated", "20240101", null),
        new("flux-system:pinned", "org/pinned", "1.10", Digest),
    ];

    private static string Rewrite(string original, out SetterPlan plan, string name = "manifest.yaml")
    {
        using var tree = new SetterTestTree();
        tree.Write(name, original);
        plan = tree.Apply(Policies);
        Assert.Empty(plan.Problems);
        return tree.Text(name);
    }

    private static string Rewrite(string original) => Rewrite(original, out _);

    [Fact]
    public void Crlf_line_endings_stay()
    {
        var original = $"apiVersion: v1\r\nkind: Pod\r\n\r\nspec:\r\n  image: ghcr.io/org/app:v1.0.0 {App}\r\n  other: x\r\n";

        Assert.Equal(original.Replace("app:v1.0.0", "app:v2.0.0"), Rewrite(original));
    }

    [Fact]
    public void Utf8_bom_and_crlf_stay()
    {
        using var tree = new SetterTestTree();
        var body = $"kind: Pod\r\nspec:\r\n  image: ghcr.io/org/app:v1.0.0 {App}\r\n";
        tree.Write("bom.yaml", [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(body)]);

        var plan = tree.Apply(Policies);

        Assert.Equal([0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(body.Replace("v1.0.0", "v2.0.0"))], tree.Bytes("bom.yaml"));
        Assert.Equal((3, 10), (plan.Updates[0].Changes[0].Line, plan.Updates[0].Changes[0].Column));
    }

    [Fact]
    public void Leading_separator_blank_lines_indentation_comments_and_trailing_spaces_stay()
    {
        var original = $$"""
            --- # first
            # a file comment

            apiVersion:   apps/v1   
            kind: Deployment
            metadata:
                name: web    # four-space indent
            spec:

                template:
                    spec:
                        containers:
                            -   name: web
                                image: ghcr.io/org/app:v1.0.0    {{App}}   
                                # a comment under the value

            ...
            --- !!map
            kind: ConfigMap
            data: {"k": "v"}

            """;

        Assert.Equal(original.Replace("app:v1.0.0", "app:v2.0.0"), Rewrite(original));
    }

    [Fact]
    public void Block_scalars_with_trailing_spaces_around_the_marker_stay()
    {
        var original = $$"""
            kind: HelmRelease
            spec:
              values: |
                image: not-this:1.0.0   
                trailing: spaces   

                after: blank
              folded: >-
                some folded   
                text
              image: ghcr.io/org/app:v1.0.0 {{App}}
              script: |+
                echo '# {"$imagepolicy": "flux-system:app"}' 

            """;

        Assert.Equal(original.Replace("app:v1.0.0", "app:v2.0.0"), Rewrite(original));
    }

    [Fact]
    public void Marker_inside_a_multi_line_flow_mapping_is_applied_and_other_flow_text_stays()
    {
        var original = $$"""
            spec: {containers: [{name: web, image: nginx:1}], replicas: 2}
            images: {
              web: ghcr.io/org/app:v1.0.0, other: ghcr.io/org/app:v1.0.0 {{App}}
            }
            inline: [ghcr.io/org/app:v1.0.0] {{App}}
            """;

        Assert.Equal(original.Replace("other: ghcr.io/org/app:v1.0.0", "other: ghcr.io/org/app:v2.0.0"), Rewrite(original));
    }

    [Fact]
    public void Quoted_values_keep_their_quotes()
    {
        var original = $"""
            a: "ghcr.io/org/app:v1.0.0" {App}
            b: 'ghcr.io/org/app:v1.0.0' {App}
            c: "ghcr.io/org/\
              app:v1.0.0" {App}
            """;

        var expected = """
            a: "ghcr.io/org/app:v2.0.0" APP
            b: 'ghcr.io/org/app:v2.0.0' APP
            c: "ghcr.io/org/app:v2.0.0" APP
            """.Replace("APP", App);
        Assert.Equal(expected, Rewrite(original));
    }

    [Fact]
    public void Scalar_sequence_items_are_set_by_line_comment_or_else_head_comment()
    {
        var original = $"""
            args:
            - ghcr.io/org/app:v1.0.0 {App}
            -   ghcr.io/org/app:v1.0.0
            {App}
            - ghcr.io/org/app:v1.0.0
            - ghcr.io/org/app:v1.0.0 # a line comment wins over the head comment
            nested:
              - - ghcr.io/org/app:v1.0.0 {App}
            """;

        var expected = $"""
            args:
            - ghcr.io/org/app:v2.0.0 {App}
            -   ghcr.io/org/app:v1.0.0
            {App}
            - ghcr.io/org/app:v2.0.0
            - ghcr.io/org/app:v1.0.0 # a line comment wins over the head comment
            nested:
              - - ghcr.io/org/app:v2.0.0 {App}
            """;
        Assert.Equal(expected, Rewrite(original));
    }

    [Fact]
    public void Comments_that_are_not_the_scalar_s_own_are_not_markers()
    {
        var original = $"""
            {App}
            image: ghcr.io/org/app:v1.0.0
            list:
            # a note
            {App}
            - ghcr.io/org/app:v1.0.0
            key: {App}
              ghcr.io/org/app:v1.0.0
            """;

        Assert.Equal(original, Rewrite(original, out var plan));
        Assert.Empty(plan.Updates);
    }

    [Fact]
    public void A_value_on_its_own_line_takes_its_head_comment()
    {
        var original = $"""
            image:
              {App}
              ghcr.io/org/app:v1.0.0
            """;

        Assert.Equal(original.Replace("v1.0.0", "v2.0.0"), Rewrite(original));
    }

    [Fact]
    public void A_top_level_sequence_file_is_updated_unlike_Flux()
    {
        var original = $"""
            - op: replace
              path: /spec/template/spec/containers/0/image
              value: ghcr.io/org/app:v1.0.0 {App}
            """;

        Assert.Equal(original.Replace("v1.0.0", "v2.0.0"), Rewrite(original, out var plan, "patch.yaml"));
        Assert.Equal(ObjectIdentity.Empty, plan.Updates[0].Changes[0].Object);
    }

    [Fact]
    public void Every_document_is_set_and_each_change_names_its_own_object()
    {
        var original = $$"""
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web, namespace: prod}
            spec:
              image: ghcr.io/org/app:v1.0.0 {{App}}
            ---
            apiVersion: batch/v1
            kind: CronJob
            metadata:
              labels:
                name: not-this
              name: job
            spec:
              image: org/dated:1 # {"$imagepolicy": "flux-system:dated"}
              tag: 1 # {"$imagepolicy": "flux-system:dated:tag"}
            """;

        var text = Rewrite(original, out var plan);

        Assert.Equal(original.Replace("app:v1.0.0", "app:v2.0.0").Replace("org/dated:1 ", "org/dated:20240101 ")
            .Replace("tag: 1 ", "tag: \"20240101\" "), text);
        Assert.Equal(
            [
                (5, 10, new ObjectIdentity("apps/v1", "Deployment", "web", "prod")),
                (14, 10, new ObjectIdentity("batch/v1", "CronJob", "job", "")),
                (15, 8, new ObjectIdentity("batch/v1", "CronJob", "job", "")),
            ],
            plan.Updates.Single().Changes.Select(c => (c.Line, c.Column, c.Object)));
    }

    [Fact]
    public void Markers_of_other_namespaces_unknown_policies_and_unknown_suffixes_are_left_alone_and_reported_verbosely()
    {
        var original = """
            a: ghcr.io/org/app:v1.0.0 # {"$imagepolicy": "other-ns:app"}
            b: ghcr.io/org/app:v1.0.0 # {"$imagepolicy": "flux-system:unknown"}
            c: ghcr.io/org/app:v1.0.0 # {"$imagepolicy": "flux-system:app:foo"}
            d: ghcr.io/org/app:v1.0.0 # {"$imagepolicy": "app"}
            """;
        using var tree = new SetterTestTree();
        tree.Write("m.yaml", original);

        var plan = tree.Apply(Policies);

        Assert.Empty(plan.Updates);
        Assert.Equal(original, tree.Text("m.yaml"));
        Assert.Equal(4, tree.Log.Verbose.Count(v => v.Contains("no selection is for the marker")));
        Assert.Contains(tree.Log.Verbose, v => v.StartsWith("m.yaml:1: no selection is for the marker 'other-ns:app'"));
    }

    [Fact]
    public void Anchor_and_tag_before_the_value_stay()
    {
        var original = $"""
            image: &img !!str ghcr.io/org/app:v1.0.0 {App}
            copy: *img
            """;

        Assert.Equal(original.Replace("v1.0.0", "v2.0.0"), Rewrite(original));
    }

    [Fact]
    public void New_values_that_read_as_numbers_are_quoted_and_no_type_tag_is_written()
    {
        var original = """
            plain: 1 # {"$imagepolicy": "flux-system:dated:tag"}
            single: '1' # {"$imagepolicy": "flux-system:dated:tag"}
            float: 1.0 # {"$imagepolicy": "flux-system:pinned:tag"}
            was-number: 1.0 # {"$imagepolicy": "flux-system:app:tag"}
            """;

        var expected = """
            plain: "20240101" # {"$imagepolicy": "flux-system:dated:tag"}
            single: '20240101' # {"$imagepolicy": "flux-system:dated:tag"}
            float: "1.10" # {"$imagepolicy": "flux-system:pinned:tag"}
            was-number: v2.0.0 # {"$imagepolicy": "flux-system:app:tag"}
            """;
        Assert.Equal(expected, Rewrite(original));
    }

    [Fact]
    public void Digest_setters_write_the_digest_or_an_empty_string()
    {
        var original = $$"""
            full: org/pinned:1.0 # {"$imagepolicy": "flux-system:pinned"}
            digest: sha256:00 # {"$imagepolicy": "flux-system:pinned:digest"}
            none: sha256:00 # {"$imagepolicy": "flux-system:app:digest"}
            name: x # {"$imagepolicy": "flux-system:pinned:name"}
            """;

        var expected = $$"""
            full: org/pinned:1.10@{{Digest}} # {"$imagepolicy": "flux-system:pinned"}
            digest: {{Digest}} # {"$imagepolicy": "flux-system:pinned:digest"}
            none: "" # {"$imagepolicy": "flux-system:app:digest"}
            name: org/pinned # {"$imagepolicy": "flux-system:pinned:name"}
            """;
        Assert.Equal(expected, Rewrite(original));
    }

    [Fact]
    public void Positions_are_right_after_multi_byte_and_astral_characters()
    {
        var original = $"""
            # 한국어 주석 😀😀
            note: "é😀" # 😀
            "😀": ghcr.io/org/app:v1.0.0 {App}
            multi: plain 😀
              continued ghcr.io/org/app:v1.0.0 {App}
            """;

        var text = Rewrite(original, out var plan);

        Assert.Equal(original.Replace("\": ghcr.io/org/app:v1.0.0", "\": ghcr.io/org/app:v2.0.0")
            .Replace("plain 😀\n  continued ghcr.io/org/app:v1.0.0", "ghcr.io/org/app:v2.0.0"), text);
        // Columns count UTF-16 code units, as .NET strings and most editors do.
        Assert.Equal([(3, 7), (4, 8)], plan.Updates[0].Changes.Select(c => (c.Line, c.Column)));
    }

    [Fact]
    public void Marker_on_a_block_scalar_is_left_alone_with_a_warning()
    {
        var original = $"""
            image: | {App}
              ghcr.io/org/app:v1.0.0
            """;
        using var tree = new SetterTestTree();
        tree.Write("m.yaml", original);

        var plan = tree.Apply(Policies);

        Assert.Empty(plan.Updates);
        Assert.Contains(tree.Log.Warnings, w => w.Contains("block scalar"));
    }

    [Fact]
    public void A_marker_whose_value_is_already_current_changes_nothing()
    {
        using var tree = new SetterTestTree();
        tree.Write("m.yaml", $"image: ghcr.io/org/app:v2.0.0 {App}\n");
        var before = File.GetLastWriteTimeUtc(tree.PathOf("m.yaml"));

        var plan = tree.Apply(Policies);

        Assert.Empty(plan.Updates);
        Assert.Equal(before, File.GetLastWriteTimeUtc(tree.PathOf("m.yaml")));
    }
}
