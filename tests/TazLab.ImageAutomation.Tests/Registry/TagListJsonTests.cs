using System.Text;
using System.Text.Json;
using TazLab.ImageAutomation.Engine.Registry;

namespace TazLab.ImageAutomation.Tests.Registry;

public class TagListJsonTests
{
    [Theory]
    [InlineData("""{"name":"a/b","tags":["1.0","latest"]}""", "1.0|latest")]
    [InlineData("""{"tags":["a\u0062c"],"name":"x"}""", "abc")]
    [InlineData("""{"name":"a/b","tags":null}""", "")]
    [InlineData("""{"name":"a/b","tags":[]}""", "")]
    [InlineData("""{"name":"a/b"}""", "")]
    [InlineData("""["1.0"]""", "")]
    [InlineData("""{"tags":["1.0",null,7,{"tags":["nested"]},["x"],"2.0"]}""", "1.0|||||2.0")]
    [InlineData("""{"tags":["old"],"tags":["new"]}""", "new")]
    [InlineData("""{"other":{"tags":["deep"]},"tags":["top"]}""", "top")]
    public void ReadsTheTopLevelTags(string json, string expected)
    {
        var tags = new List<string>();
        TagListJson.Read(Encoding.UTF8.GetBytes(json), tags);
        Assert.Equal(expected, string.Join("|", tags));
    }

    [Theory]
    [InlineData("")]
    [InlineData("""{"tags":["1.0"]""")]
    [InlineData("""{"tags":"1.0"}""")]
    [InlineData("""{"tags":{"a":1}}""")]
    [InlineData("""{"tags":[]} {"tags":[]}""")]
    [InlineData("""{"tags":[]} trailing""")]
    public void RefusesWhatIsNotATagList(string json)
    {
        Assert.ThrowsAny<JsonException>(() => TagListJson.Read(Encoding.UTF8.GetBytes(json), []));
    }

    [Fact]
    public void RefusesNestingBeyondTheReadersDepth()
    {
        var deep = """{"tags":[""" + new string('[', 100) + new string(']', 100) + "]}";
        Assert.ThrowsAny<JsonException>(() => TagListJson.Read(Encoding.UTF8.GetBytes(deep), []));
    }
}
