using TazLab.ImageAutomation.Engine.Setters;

namespace TazLab.ImageAutomation.Tests.Setters;

/// <summary>
/// Where Flux loses content (README "Deviations from Flux"): kyaml reads one document per <c>---</c> chunk, so a document
/// after a <c>...</c> end marker is dropped, and it unwraps <c>kind: List</c> items into new files. Here the file is kept
/// whole and updated in place.
/// </summary>
public sealed class KeptWholeTests
{
    private static readonly SetterPolicy App = new("flux-system:app", "ghcr.io/org/app", "v2.0.0", null);

    private static (string Text, SetterPlan Plan) Rewrite(string original)
    {
        using var tree = new SetterTestTree();
        tree.Write("m.yaml", original);
        var plan = tree.Apply(App);
        Assert.Empty(plan.Problems);
        return (tree.Text("m.yaml"), plan);
    }

    [Fact]
    public void A_document_after_an_end_marker_without_a_separator_is_kept_and_updated()
    {
        var original = """
            kind: ConfigMap
            metadata: {name: first}
            ...
            kind: Deployment
            metadata: {name: second}
            image: ghcr.io/org/app:v1.0.0 # {"$imagepolicy": "flux-system:app"}
            """;

        var (text, plan) = Rewrite(original);

        Assert.Equal(original.Replace("v1.0.0", "v2.0.0"), text);
        Assert.Equal(new ObjectIdentity("", "Deployment", "second", ""), plan.Updates.Single().Changes.Single().Object);
    }

    [Fact]
    public void A_List_is_updated_in_place_as_one_document()
    {
        var original = """
            apiVersion: v1
            kind: List
            items:
            - apiVersion: apps/v1
              kind: Deployment
              metadata:
                name: web
              spec:
                image: ghcr.io/org/app:v1.0.0 # {"$imagepolicy": "flux-system:app"}
            """;

        var (text, plan) = Rewrite(original);

        Assert.Equal(original.Replace("v1.0.0", "v2.0.0"), text);
        var change = plan.Updates.Single().Changes.Single();
        Assert.Equal(("m.yaml", new ObjectIdentity("v1", "List", "", "")), (change.RelativePath, change.Object));
    }
}
