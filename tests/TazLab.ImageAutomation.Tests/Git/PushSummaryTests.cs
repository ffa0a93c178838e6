using TazLab.ImageAutomation.Engine.Git;

namespace TazLab.ImageAutomation.Tests.Git;

/// <summary>Flux's TestPushResult_Summary table (reference section 3.7).</summary>
public class PushSummaryTests
{
    private const string Revision = "a47b32f4814810acac804df5054ec37cbfdbfb53";
    private const string Default = "Update from image update automation";

    [Theory]
    [InlineData(Revision, Default, "", "pushed commit 'a47b32f' to branch 'test-branch'\nUpdate from image update automation")]
    [InlineData(Revision, "test commit message", "", "pushed commit 'a47b32f' to branch 'test-branch'\ntest commit message")]
    [InlineData(Revision, "", "", "pushed commit 'a47b32f' to branch 'test-branch'")]
    [InlineData(Revision, Default, "refs/heads/auto:refs/heads/smth/else,refs/heads/auto:refs/heads/foo",
        "pushed commit 'a47b32f' to branch 'test-branch' and refspecs 'refs/heads/auto:refs/heads/smth/else', 'refs/heads/auto:refs/heads/foo'\nUpdate from image update automation")]
    [InlineData("foo", Default, "", "pushed commit 'foo' to branch 'test-branch'\nUpdate from image update automation")]
    public void MatchesFlux(string revision, string message, string refspecs, string expected)
    {
        var list = refspecs.Length == 0 ? [] : refspecs.Split(',');
        Assert.Equal(expected, CommitOutcome.PushSummary(revision, "test-branch", list, message));
    }

    [Fact]
    public void AnEmptyRevisionIsAnError()
    {
        var error = Assert.Throws<ArgumentException>(() => CommitOutcome.PushSummary("", "test-branch", [], Default));
        Assert.StartsWith("empty push commit revision", error.Message, StringComparison.Ordinal);
    }
}
