using System.Text;
using TazLab.ImageAutomation.Engine.Diagnostics;

namespace TazLab.ImageAutomation.Tests.Diagnostics;

public class TextScrubberTests
{
    [Fact]
    public void Removes_a_secret_as_sent_url_encoded_and_base64_encoded()
    {
        const string secret = "p@ss word/+";
        var text = $"got {secret}, {Uri.EscapeDataString(secret)} and {Convert.ToBase64String(Encoding.UTF8.GetBytes(secret))}";

        var scrubbed = TextScrubber.Scrub(text, secret, null, "");

        Assert.Equal("got ***, *** and ***", scrubbed);
    }

    [Theory]
    [InlineData("header Authorization: Basic Y2k6cGFzc3dvcmQ= was refused", "header Authorization: Basic *** was refused")]
    [InlineData("map[Authorization:[Bearer eyJhbGciOi.eyJzdWIi.c2ln]]", "map[Authorization:[Bearer ***]]")]
    [InlineData("GET /token?account=ci&password=hunter2&scope=x", "GET /token?account=ci&password=***&scope=x")]
    [InlineData("{\"refresh_token\": \"abc.def\"}", "{\"refresh_token\": \"***\"}")]
    [InlineData("the token service is down", "the token service is down")]
    public void Masks_credentials_it_was_not_told_about(string text, string expected)
    {
        Assert.Equal(expected, TextScrubber.Scrub(text));
    }

    [Fact]
    public void Escapes_control_characters_so_nothing_reaches_the_terminal_raw()
    {
        var scrubbed = TextScrubber.Scrub("a\u001b[2J\u001b]0;title\u0007b\r\nWARNING: x\u009b\u202e\u0000");

        Assert.Equal(@"a\u001B[2J\u001B]0;title\u0007b\r\nWARNING: x\u009B\u202E\u0000", scrubbed);
    }

    [Fact]
    public void Shortens_long_server_text_keeping_start_and_end()
    {
        var text = "start" + new string('x', 1_000_000) + "end";

        var scrubbed = TextScrubber.Scrub(text);

        Assert.Equal(TextScrubber.MaxServerTextLength, scrubbed.Length);
        Assert.StartsWith("startxxx", scrubbed);
        Assert.EndsWith("xxxend", scrubbed);
        Assert.Contains("…", scrubbed);
    }

    [Fact]
    public void Quotes_short_values_as_they_are_and_long_ones_shortened_with_their_length()
    {
        Assert.Equal("'1.0'", TextScrubber.Quote("1.0"));
        Assert.Equal(@"'9.9.9\n'", TextScrubber.Quote("9.9.9\n"));

        var quoted = TextScrubber.Quote("1" + new string('a', 1_048_576));

        Assert.StartsWith("'1aaa", quoted);
        Assert.EndsWith("aaa' (1048577 characters)", quoted);
        Assert.True(quoted.Length < 130);
    }
}
