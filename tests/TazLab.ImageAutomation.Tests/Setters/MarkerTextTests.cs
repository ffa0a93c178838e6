using TazLab.ImageAutomation.Engine.Setters;
using YamlDotNet.Core;

namespace TazLab.ImageAutomation.Tests.Setters;

/// <summary>What counts as a marker comment (flux-image-automation.md 2.3) and how a new value is written (2.3, 5.14).</summary>
public sealed class MarkerTextTests
{
    [Theory]
    [InlineData("""# {"$imagepolicy": "ns:p"}""", "ns:p")]
    [InlineData("""#{"$imagepolicy":"ns:p:tag"}""", "ns:p:tag")]
    [InlineData("""### {"$imagepolicy": "ns:p"}   """, "ns:p")]
    [InlineData("""# {  "$imagepolicy"  :  "ns:p" , "note": "extra string keys are fine" }""", "ns:p")]
    [InlineData("""# {"$imagepolicy": "ns:p", "other": null}""", "ns:p")]
    [InlineData("""# {"$imagepolicy": "ns:p", "n": 1}""", null)]
    [InlineData("""# {"$imagepolicy": "ns:p"} and more""", null)]
    [InlineData("""# {'$imagepolicy': 'ns:p'}""", null)]
    [InlineData("""# {$imagepolicy: ns:p}""", null)]
    [InlineData("""# {"$imagepolicy": ""}""", null)]
    [InlineData("""# {"$imagepolicy": null}""", null)]
    [InlineData("""# ["$imagepolicy", "ns:p"]""", null)]
    [InlineData("""# see {"$imagepolicy": "ns:p"}""", null)]
    [InlineData("# {\"$imagepolicy\": \"ns:p\"}\n# a second line", null)]
    public void Marker_comments_are_parsed_as_Flux_does(string comment, string? setter) =>
        Assert.Equal(setter, MarkerScanner.ParseMarker(comment));

    [Theory]
    [InlineData("v1.0.1", ScalarStyle.Plain, "v1.0.1")]
    [InlineData("ghcr.io/org/app:v1@sha256:00", ScalarStyle.Plain, "ghcr.io/org/app:v1@sha256:00")]
    [InlineData("20240101", ScalarStyle.Plain, "\"20240101\"")]
    [InlineData("1.10", ScalarStyle.Plain, "\"1.10\"")]
    [InlineData("1e3", ScalarStyle.Plain, "\"1e3\"")]
    [InlineData("0777", ScalarStyle.Plain, "\"0777\"")]
    [InlineData("0x1F", ScalarStyle.Plain, "\"0x1F\"")]
    [InlineData("yes", ScalarStyle.Plain, "\"yes\"")]
    [InlineData("Off", ScalarStyle.Plain, "\"Off\"")]
    [InlineData("~", ScalarStyle.Plain, "\"~\"")]
    [InlineData("", ScalarStyle.Plain, "\"\"")]
    [InlineData("20240101", ScalarStyle.SingleQuoted, "'20240101'")]
    [InlineData("it's", ScalarStyle.SingleQuoted, "'it''s'")]
    [InlineData("a\"b", ScalarStyle.DoubleQuoted, "\"a\\\"b\"")]
    public void New_values_keep_the_old_style_and_read_back_as_strings(string value, ScalarStyle style, string expected) =>
        Assert.Equal(expected, ScalarText.Render(value, style, inFlow: false));

    [Fact]
    public void Plain_values_with_flow_indicators_are_quoted_only_inside_flow_collections()
    {
        Assert.Equal("a,b", ScalarText.Render("a,b", ScalarStyle.Plain, inFlow: false));
        Assert.Equal("\"a,b\"", ScalarText.Render("a,b", ScalarStyle.Plain, inFlow: true));
    }

    [Fact]
    public void Block_scalars_are_not_rewritten_in_place()
    {
        Assert.Null(ScalarText.Render("v1", ScalarStyle.Literal, inFlow: false));
        Assert.Null(ScalarText.Render("v1", ScalarStyle.Folded, inFlow: false));
    }
}
