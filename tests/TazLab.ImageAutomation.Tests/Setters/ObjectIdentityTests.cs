using TazLab.ImageAutomation.Engine.Setters;
using TazLab.ImageAutomation.Engine.Templates;

namespace TazLab.ImageAutomation.Tests.Setters;

/// <summary>
/// The object a change belongs to, as kyaml's <c>RNode.GetMeta</c> (yaml/rnode.go) reads it: a field that is null
/// (<c>~</c>, <c>null</c>, empty, <c>!!null</c>) or not a scalar is the empty string; a quoted "null" is the text.
/// </summary>
public sealed class ObjectIdentityTests
{
    private const string Marker = """# {"$imagepolicy": "ns:p"}""";

    [Theory]
    [InlineData("apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  namespace: prod\n", "v1", "Pod", "web", "prod")]
    [InlineData("apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  namespace: ~\n", "v1", "Pod", "web", "")]
    [InlineData("apiVersion: v1\nkind: Pod\nmetadata:\n  name: null\n  namespace: NULL\n", "v1", "Pod", "", "")]
    [InlineData("apiVersion: Null\nkind:\nmetadata: {name: web, namespace: }\n", "", "", "web", "")]
    [InlineData("apiVersion: v1\nkind: !!null ''\nmetadata:\n  name: !!null\n", "v1", "", "", "")]
    [InlineData("apiVersion: v1\nkind: Pod\nmetadata:\n  name: \"null\"\n  namespace: '~'\n", "v1", "Pod", "null", "~")]
    [InlineData("apiVersion: v1\nkind: Pod\nmetadata:\n  name: !!str null\n", "v1", "Pod", "null", "")]
    [InlineData("apiVersion: [v1]\nkind: {a: b}\nmetadata:\n  name: web\n", "", "", "web", "")]
    [InlineData("apiVersion: v1\nkind: Pod\nmetadata: ~\n", "v1", "Pod", "", "")]
    public void Null_fields_are_empty_strings_as_kyaml_GetMeta_gives(string head, string apiVersion, string kind, string name, string ns)
    {
        using var tree = new SetterTestTree();
        tree.Write("m.yaml", head + $"spec:\n  image: org/app:v1 {Marker}\n");

        var plan = tree.Engine().Plan(tree.Root, SetterPolicy.Index([new SetterPolicy("ns:p", "org/app", "v2", null)]));
        var listed = tree.Engine().FindMarkers(tree.Root).Markers.Single();

        var expected = new ObjectIdentity(apiVersion, kind, name, ns);
        var change = plan.Updates.Single().Changes.Single();
        Assert.Equal(expected, change.Object);
        Assert.Equal(expected, listed.Object);
        var key = new ChangedFiles([ChangedValue.From(change)]).Objects.Keys.Single();
        Assert.Equal(new TemplateObject(apiVersion, kind, name, ns), key);
    }
}
