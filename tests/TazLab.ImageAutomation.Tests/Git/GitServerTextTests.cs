using TazLab.ImageAutomation.Engine.Git;

namespace TazLab.ImageAutomation.Tests.Git;

/// <summary>What a server or hook says is shown without credentials and with control characters made visible.</summary>
public class GitServerTextTests
{
    private static readonly GitCredential Credential = new("automation", "s3cret/Token+42");

    [Theory]
    [InlineData("denied for s3cret/Token+42", "denied for ***")]
    [InlineData("denied for s3cret%2FToken%2B42", "denied for ***")]
    [InlineData("fatal: Authentication failed for 'https://automation:anything@git.example/repo.git'", "fatal: Authentication failed for 'https://git.example/repo.git'")]
    [InlineData("red \u001b[31mtext\u001b[0m\r\nnext\tline\u0007", "red \\u001B[31mtext\\u001B[0m\nnext\\tline\\u0007")]
    [InlineData("a C1 control \u009b2J", "a C1 control \\u009B2J")]
    [InlineData("echoed YXV0b21hdGlvbjpzM2NyZXQvVG9rZW4rNDI= back", "echoed *** back")]
    public void ScrubsCredentialsAndControlCharacters(string text, string expected) =>
        Assert.Equal(expected, GitServerText.Scrub(text, Credential));

    [Fact]
    public void CutsAMessageOfTooManyLines()
    {
        var scrubbed = GitServerText.Scrub(string.Join("\n", Enumerable.Range(0, 250).Select(i => $"line {i}")), Credential);
        Assert.Equal(GitServerText.MaxLines + 1, scrubbed.Split('\n').Length);
        Assert.EndsWith("(150 more lines)", scrubbed);
    }

    [Fact]
    public void RedactsTheUserInfoOfAUrl() =>
        Assert.Equal("https://git.example/repo.git", GitServerText.RedactUrl("https://automation:s3cret@git.example/repo.git"));
}
