using TazLab.ImageAutomation.Engine.Diagnostics;
using TazLab.ImageAutomation.Engine.Registry;

namespace TazLab.ImageAutomation.Tests.Registry;

public class TagExclusionTests
{
    [Fact]
    public void DefaultsToCosignSignatures()
    {
        var exclusion = new TagExclusion(null);

        Assert.True(exclusion.IsExcluded("sha256-3f1a.sig"));
        Assert.False(exclusion.IsExcluded("sha256-3f1a.att"));
        Assert.False(exclusion.IsExcluded("1.2.3"));
        Assert.Equal(exclusion.Patterns, new TagExclusion([]).Patterns);
    }

    [Fact]
    public void AGivenListReplacesTheDefault()
    {
        var exclusion = new TagExclusion(["^dev-", "rc"]);

        Assert.False(exclusion.IsExcluded("sha256-3f1a.sig"));
        Assert.True(exclusion.IsExcluded("dev-123"));
        Assert.True(exclusion.IsExcluded("1.0.0-rc1")); // unanchored, like Go's MatchString
        Assert.False(exclusion.IsExcluded("1.0.0"));
    }

    [Fact]
    public void AcceptsGoNamedGroups()
    {
        Assert.True(new TagExclusion(["^(?P<major>[0-9]+)-old$"]).IsExcluded("12-old"));
    }

    [Theory]
    [InlineData("([a-z]")]
    [InlineData("(a)\\1")]
    [InlineData("foo(?=bar)")]
    public void RejectsWhatRe2RejectsWithTheOffendingPattern(string pattern)
    {
        var error = Assert.Throws<AutomationException>(() => new TagExclusion(["ok", pattern]));

        Assert.Equal(ErrorKind.InvalidArgument, error.Kind);
        Assert.Equal("InvalidExcludePattern", error.ErrorId);
        Assert.Contains(pattern, error.Message);
    }

    [Theory]
    [InlineData("sha256-0f1e2d.sig")]
    [InlineData("a.sig")]
    [InlineData("1.0.sig1")]
    [InlineData("sig")]
    [InlineData("v1.sigs")]
    [InlineData("x.SIG")]
    [InlineData("1.0.0")]
    public void TheDefaultListExcludesWhatItsPatternMatches(string tag)
    {
        var pattern = new System.Text.RegularExpressions.Regex(TagExclusion.DefaultPatterns[0]);

        Assert.Equal(pattern.IsMatch(tag), TagExclusion.Default.IsExcluded(tag));
        Assert.Equal(pattern.IsMatch(tag), new TagExclusion([@"^.*\.sig$"]).IsExcluded(tag));
    }
}
