using TazLab.ImageAutomation.Engine.Diagnostics;
using TazLab.ImageAutomation.Engine.Setters;

namespace TazLab.ImageAutomation.Tests.Setters;

public sealed class SetterPolicyTests
{
    private const string Digest = "sha256:6745aaad46d795c9836632e1fb62f24b7e7f4c843144da8e47a5465c411a14be";

    [Fact]
    public void A_policy_without_namespace_takes_the_default_namespace()
    {
        Assert.Equal("flux-system:hugo-blog", SetterPolicy.FromSelection("hugo-blog", "tazzo/tazlab-blog", "blog-46-0f1e2d3", null).Key);
        Assert.Equal("apps:hugo-blog", SetterPolicy.FromSelection("hugo-blog", "tazzo/tazlab-blog", "blog-46-0f1e2d3", "", "apps").Key);
        Assert.Equal("team:hugo-blog", SetterPolicy.FromSelection("team:hugo-blog", "tazzo/tazlab-blog", "b", null, "apps").Key);
    }

    [Fact]
    public void Each_setter_suffix_gives_Flux_s_value()
    {
        var policy = new SetterPolicy("ns:p", "tazzo/tazlab-blog", "blog-46", Digest);

        Assert.Equal($"tazzo/tazlab-blog:blog-46@{Digest}", policy.ValueFor(""));
        Assert.Equal("blog-46", policy.ValueFor("tag"));
        Assert.Equal("tazzo/tazlab-blog", policy.ValueFor("name"));
        Assert.Equal(Digest, policy.ValueFor("digest"));
        Assert.Null(policy.ValueFor("foo"));
        Assert.Equal("", (policy with { Digest = null }).ValueFor("digest"));
    }

    [Theory]
    [InlineData("flux-system/hugo-blog", "tazzo/blog", "v1", null, "SetterPolicyKeyInvalid")]
    [InlineData("ns:p:tag", "tazzo/blog", "v1", null, "SetterPolicyKeyInvalid")]
    [InlineData("ns:p", "tazzo/blog:v1", "v1", null, "InvalidImageName")]
    [InlineData("ns:p", "Tazzo/Blog", "v1", null, "InvalidImageName")]
    [InlineData("ns:p", "tazzo/blog", "v1 # {}", null, "SetterPolicyTagInvalid")]
    [InlineData("ns:p", "tazzo/blog", "", null, "SetterPolicyTagInvalid")]
    [InlineData("ns:p", "tazzo/blog", "v1", "sha256:abc", "SetterPolicyDigestInvalid")]
    public void Values_that_are_not_an_image_reference_are_refused_with_the_bad_value_named(
        string policy, string image, string tag, string? digest, string errorId)
    {
        var e = Assert.Throws<AutomationException>(() => SetterPolicy.FromSelection(policy, image, tag, digest));

        Assert.Equal((ErrorKind.InvalidArgument, errorId), (e.Kind, e.ErrorId));
        Assert.NotNull(e.RecommendedAction);
    }

    [Fact]
    public void Plan_refuses_an_invalid_policy_before_reading_any_file()
    {
        using var tree = new SetterTestTree();
        tree.Write("m.yaml", """image: a:1 # {"$imagepolicy": "ns:p"}""");

        var e = Assert.Throws<AutomationException>(() =>
            tree.Engine().Plan(tree.Root, new Dictionary<string, SetterPolicy> { ["ns:p"] = new("ns:p", "a", "bad tag", null) }));

        Assert.Contains("'bad tag'", e.Message);
    }

    [Fact]
    public void The_same_policy_twice_is_fine_with_equal_values_and_refused_with_different_ones()
    {
        var policy = new SetterPolicy("ns:p", "a", "1", null);
        Assert.Single(SetterPolicy.Index([policy, policy with { }]));

        var e = Assert.Throws<AutomationException>(() => SetterPolicy.Index([policy, policy with { Tag = "2" }]));
        Assert.Equal("SetterPolicyConflict", e.ErrorId);
        Assert.Contains("'a:1'", e.Message);
        Assert.Contains("'a:2'", e.Message);
    }
}
