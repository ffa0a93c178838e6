using TazLab.ImageAutomation.Engine.Registry;

namespace TazLab.ImageAutomation.Tests.Registry;

public class LinkHeaderTests
{
    [Theory]
    [InlineData("</v2/foo/tags/list?last=b&n=2>; rel=\"next\"", "/v2/foo/tags/list?last=b&n=2")]
    [InlineData("<https://quay.io/v2/coreos/etcd/tags/list?next_page=gAAAA%3D%3D&n=50>; rel=\"next\"", "https://quay.io/v2/coreos/etcd/tags/list?next_page=gAAAA%3D%3D&n=50")]
    [InlineData("</v2/a/tags/list?last=x>;rel=next", "/v2/a/tags/list?last=x")]
    [InlineData("</prev?a=1,2>; rel=\"prev\", </next?b=3;4>; rel=\"next\"", "/next?b=3;4")]
    [InlineData("</both>; title=\"a, b\"; rel=\"prev next\"", "/both")]
    [InlineData("</v2/x/tags/list?n=1>; REL=\"Next\"", "/v2/x/tags/list?n=1")]
    public void FindsTheNextTargetVerbatim(string header, string expected)
    {
        Assert.Equal(expected, LinkHeader.NextTarget([header]));
    }

    [Theory]
    [InlineData("</v2/foo/tags/list?last=b>; rel=\"prev\"")]
    [InlineData("garbage")]
    [InlineData("</unterminated; rel=\"next\"")]
    public void ReturnsNullWithoutANextLink(string header)
    {
        Assert.Null(LinkHeader.NextTarget([header]));
    }

    [Fact]
    public void LooksAcrossSeveralHeaderLines()
    {
        Assert.Equal("/second", LinkHeader.NextTarget(["</first>; rel=\"prev\"", "</second>; rel=\"next\""]));
    }
}
