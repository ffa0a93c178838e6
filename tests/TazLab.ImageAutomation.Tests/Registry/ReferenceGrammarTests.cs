using TazLab.ImageAutomation.Engine.Diagnostics;
using TazLab.ImageAutomation.Engine.Registry;
using TazLab.ImageAutomation.Engine.Setters;

namespace TazLab.ImageAutomation.Tests.Registry;

/// <summary>Tags, digests and names are checked over the whole string: a final line feed is not "the end" (.NET's '$' thinks it is).</summary>
public class ReferenceGrammarTests
{
    private const string Sha256 = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    [Theory]
    [InlineData("1.0.0", true)]
    [InlineData("_x", true)]
    [InlineData("v1_2-3.4", true)]
    [InlineData("9.9.9\n", false)]
    [InlineData("9.9.9\r", false)]
    [InlineData("\n9.9.9", false)]
    [InlineData("", false)]
    [InlineData(".x", false)]
    [InlineData("-x", false)]
    [InlineData("a b", false)]
    [InlineData("ä", false)]
    public void TagsAreCheckedOverTheWholeString(string tag, bool valid)
    {
        Assert.Equal(valid, ReferenceGrammar.IsTag(tag));
    }

    [Fact]
    public void TagsAreAtMost128Characters()
    {
        Assert.True(ReferenceGrammar.IsTag(new string('a', 128)));
        Assert.False(ReferenceGrammar.IsTag(new string('a', 129)));
    }

    [Theory]
    [InlineData(Sha256, true)]
    [InlineData(Sha256 + "\n", false)]
    [InlineData("sha256:0123", false)]
    [InlineData("SHA256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", false)]
    [InlineData("sha512:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", true)]
    [InlineData("sha512:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", false)]
    [InlineData("md5:0123456789abcdef0123456789abcdef", false)]
    [InlineData("sha256:0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef", false)]
    public void DigestsAreCheckedOverTheWholeString(string digest, bool valid)
    {
        Assert.Equal(valid, ReferenceGrammar.IsDigest(digest));
    }

    [Theory]
    [InlineData("ghcr.io/org/app\n")]
    [InlineData("org/app\n")]
    [InlineData("ghcr.io\n/org/app")]
    [InlineData("gh cr.io/org/app")]
    [InlineData("ghcr.io:50x/org/app")]
    [InlineData("-ghcr.io/org/app")]
    public void ImageNamesWithALineBreakOrABadHostAreRefused(string image)
    {
        var error = Assert.Throws<AutomationException>(() => ImageReference.Parse(image));

        Assert.Equal("InvalidImageName", error.ErrorId);
        Assert.DoesNotContain("\n", error.Message);
    }

    [Theory]
    [InlineData("org/")]
    [InlineData("ghcr.io/")]
    [InlineData("ORG/")]
    public void AVeryLongImageNameIsQuotedShort(string start)
    {
        var image = start + new string('a', 1024 * 1024);

        var error = Assert.Throws<AutomationException>(() => ImageReference.Parse(image + "-"));

        Assert.InRange(error.Message.Length, 1, 600);
        Assert.InRange(error.RecommendedAction!.Length, 1, 600);
    }

    [Theory]
    [InlineData("", "ghcr.io/org/app:1.0", true)]
    [InlineData("", "ghcr.io/org/app:1.0@" + Sha256, true)]
    [InlineData("", "ghcr.io/org/app:1.0\n", false)]
    [InlineData("", "ghcr.io/org/app:1.0@" + Sha256 + "\n", false)]
    [InlineData("", "ghcr.io/org/app", false)]
    [InlineData("tag", "1.0", true)]
    [InlineData("tag", "1.0\n", false)]
    [InlineData("name", "ghcr.io/org/app", true)]
    [InlineData("name", "ghcr.io/org/app\n", false)]
    [InlineData("digest", Sha256, true)]
    [InlineData("digest", "", true)]
    [InlineData("digest", Sha256 + "\n", false)]
    [InlineData("other", "1.0", false)]
    public void SetterValuesAreCheckedByWhatTheMarkerWrites(string suffix, string value, bool valid)
    {
        Assert.Equal(valid, ReferenceGrammar.IsSetterValue(suffix, value));
    }

    [Fact]
    public void APolicyWithALineBreakInItsTagIsRefusedBeforeAnyFileIsRead()
    {
        var error = Assert.Throws<AutomationException>(() => SetterPolicy.FromSelection("app", "ghcr.io/org/app", "9.9.9\n", null));

        Assert.Equal("SetterPolicyTagInvalid", error.ErrorId);
        Assert.DoesNotContain("\n", error.Message);
    }

    [Fact]
    public void APolicyWithALineBreakInItsDigestIsRefused()
    {
        var error = Assert.Throws<AutomationException>(() => SetterPolicy.FromSelection("app", "ghcr.io/org/app", "1.0", Sha256 + "\n"));

        Assert.Equal("SetterPolicyDigestInvalid", error.ErrorId);
    }

    [Fact]
    public void A_very_long_range_or_tag_is_quoted_short_with_its_length()
    {
        var range = ">=1.0.0 " + new string('x', 1024 * 1024);
        var tag = "1" + new string('a', 1024 * 1024);

        var rangeError = Assert.Throws<AutomationException>(() => new TazLab.ImageAutomation.Engine.Policies.TagPolicy(
            TazLab.ImageAutomation.Engine.Policies.PolicyKind.SemVer, semVerRange: range));
        var tagError = Assert.Throws<AutomationException>(() => SetterPolicy.FromSelection("app", "ghcr.io/org/app", tag, null));

        Assert.InRange(rangeError.Message.Length, 1, 600);
        Assert.Contains($"({range.Length} characters)", rangeError.Message);
        Assert.InRange(tagError.Message.Length, 1, 400);
        Assert.Contains($"({tag.Length} characters)", tagError.Message);
    }
}
