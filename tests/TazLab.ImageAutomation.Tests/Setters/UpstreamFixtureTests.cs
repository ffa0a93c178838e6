using TazLab.ImageAutomation.Engine.Setters;

namespace TazLab.ImageAutomation.Tests.Setters;

/// <summary>Flux's own setter tests (image-automation-controller), run against our engine.</summary>
public sealed class UpstreamFixtureTests
{
    private const string Digest = "sha256:6745aaad46d795c9836632e1fb62f24b7e7f4c843144da8e47a5465c411a14be";

    private static readonly SetterPolicy[] UpdateTestPolicies =
    [
        new("automation-ns:policy", "index.repo.fake/updated", "v1.0.1", null),
        new("automation-ns:unchanged", "image", "v1.0.0", null),
        new("automation-ns:policy-with-digest", "image", "v1.0.0", Digest),
    ];

    [Fact]
    public void TestUpdateWithSetters_writes_exactly_the_expected_files_and_bytes()
    {
        using var tree = SetterTestTree.FromFixture("update", "original");
        var before = Directory.GetFiles(tree.Root).ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes);

        var plan = tree.Apply(UpdateTestPolicies);

        Assert.Empty(plan.Problems);
        var expectedDir = SetterTestTree.FixturePath("update", "expected");
        var expectedFiles = Directory.GetFiles(expectedDir).Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(expectedFiles, plan.Updates.Select(u => u.RelativePath).Order(StringComparer.Ordinal).ToArray());
        foreach (var (name, original) in before)
        {
            var expected = expectedFiles.Contains(name) ? File.ReadAllBytes(Path.Combine(expectedDir, name)) : original;
            Assert.Equal(expected, tree.Bytes(name));
        }
    }

    [Fact]
    public void TestUpdateWithSetters_reports_Flux_s_result_changes_in_order()
    {
        using var tree = SetterTestTree.FromFixture("update", "original");

        var plan = tree.Engine().Plan(tree.Root, SetterPolicy.Index(UpdateTestPolicies));

        var kustomization = new ObjectIdentity("kustomize.config.k8s.io/v1beta1", "Kustomization", "", "");
        var actual = plan.Updates.OrderBy(u => u.RelativePath, StringComparer.Ordinal)
            .SelectMany(u => u.Changes.Select(c => (c.RelativePath, c.Object, c.OldValue, c.NewValue, c.Setter)));
        Assert.Equal(
            [
                ("Kustomization", kustomization, "replaced", "index.repo.fake/updated", "automation-ns:policy:name"),
                ("Kustomization", kustomization, "v1", "v1.0.1", "automation-ns:policy:tag"),
                ("kustomization.yml", kustomization, "replaced", "index.repo.fake/updated", "automation-ns:policy:name"),
                ("kustomization.yml", kustomization, "v1", "v1.0.1", "automation-ns:policy:tag"),
                ("kustomization.yml", kustomization, "sha256:1234567890abcdef", Digest, "automation-ns:policy-with-digest:digest"),
                ("kustomization.yml", kustomization, "image", $"image:v1.0.0@{Digest}", "automation-ns:policy-with-digest"),
                ("marked.yaml", new ObjectIdentity("batch/v1beta1", "CronJob", "foo", "bar"), "image:v1.0.0",
                    "index.repo.fake/updated:v1.0.1", "automation-ns:policy"),
            ],
            actual);
    }

    [Fact]
    public void TestScreeningLocalReader_parses_only_the_four_files_carrying_the_token()
    {
        using var tree = SetterTestTree.FromFixture("update", "original");

        var inventory = tree.Engine().FindMarkers(tree.Root);

        Assert.Equal(["Kustomization", "kustomization.yml", "marked.yaml", "otherns.yaml"],
            inventory.Markers.Select(m => m.RelativePath).Distinct().Order(StringComparer.Ordinal));
        var other = Assert.Single(inventory.Markers, m => m.RelativePath == "otherns.yaml");
        Assert.Equal(("other-namespace:policy", "user:v1.0.0", 11, 16), (other.Setter, other.Value, other.Line, other.Column));
    }

    public static TheoryData<string[], string> ApplyPoliciesCases => new()
    {
        // "valid update strategy and one policy"
        { ["helloworld:1.0.1"], "policy1" },
        // "valid update strategy and multiple policies": policy1 -> foo:1.1.1, policy2 -> helloworld:1.0.1, policy3 -> bar:2.2.2
        { ["foo:1.1.1", "helloworld:1.0.1", "bar:2.2.2"], "policy2" },
    };

    [Theory]
    [MemberData(nameof(ApplyPoliciesCases))]
    public void Test_applyPolicies_appconfig(string[] latestImages, string target)
    {
        using var tree = new SetterTestTree();
        tree.Write("deploy.yaml", WithMarker(SetterTestTree.FixturePath("policy", "appconfig", "deploy.yaml"), target));

        tree.Apply(latestImages.Select((image, i) => Policy($"policy{i + 1}", image)).ToArray());

        Assert.Equal(WithMarker(SetterTestTree.FixturePath("policy", "appconfig-setters-expected", "deploy.yaml"), target),
            tree.Text("deploy.yaml"));
    }

    [Fact]
    public void Test_applyPolicies_with_update_path_changes_only_files_under_it()
    {
        using var tree = new SetterTestTree();
        foreach (var side in new[] { "yes", "no" })
        {
            tree.Write($"{side}/deploy.yaml", WithMarker(SetterTestTree.FixturePath("policy", "pathconfig", side, "deploy.yaml"), "policy1"));
        }

        var plan = new SetterEngine().Plan(tree.PathOf("yes"), SetterPolicy.Index([Policy("policy1", "helloworld:1.0.1")]));
        foreach (var update in plan.Updates)
        {
            AtomicFile.Write(update.Path, update.NewContent);
        }

        Assert.Equal(["deploy.yaml"], plan.Updates.Select(u => u.RelativePath));
        foreach (var side in new[] { "yes", "no" })
        {
            Assert.Equal(WithMarker(SetterTestTree.FixturePath("policy", "pathconfig-expected", side, "deploy.yaml"), "policy1"),
                tree.Text($"{side}/deploy.yaml"));
        }
    }

    private static SetterPolicy Policy(string name, string image)
    {
        var colon = image.LastIndexOf(':');
        return new SetterPolicy($"test-ns:{name}", image[..colon], image[(colon + 1)..], null);
    }

    private static string WithMarker(string fixture, string target) =>
        File.ReadAllText(fixture).Replace("SETTER_SITE", $$"""{"$imagepolicy": "test-ns:{{target}}"}""");
}
