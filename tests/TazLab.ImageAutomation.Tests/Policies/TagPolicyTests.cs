using TazLab.ImageAutomation.Engine.Diagnostics;
using TazLab.ImageAutomation.Engine.Policies;

namespace TazLab.ImageAutomation.Tests.Policies;

/// <summary>Error reporting and guards that the upstream vectors do not cover.</summary>
public class TagPolicyTests
{
    [Fact]
    public void NumericalFailureNamesTheTagAndSuggestsAPattern()
    {
        var e = Assert.Throws<AutomationException>(() => new TagPolicy(PolicyKind.Numerical).Select(["1", "latest"]));

        Assert.Equal(ErrorKind.InvalidData, e.Kind);
        Assert.Equal("latest", e.Target);
        Assert.Contains("'latest'", e.Message);
        Assert.Contains("pattern", e.RecommendedAction);
        Assert.Equal([Setting.TagFilter], e.Settings);
    }

    [Fact]
    public void NumericalFailureAfterExtractNamesTheValueAndTheTag()
    {
        var policy = new TagPolicy(PolicyKind.Numerical, pattern: "^build-(?P<n>.*)$", extract: "$n");

        var e = Assert.Throws<AutomationException>(() => policy.Select(["build-7", "build-x7"]));

        Assert.Equal("build-x7", e.Target);
        Assert.Contains("'x7' extracted from the tag 'build-x7'", e.Message);
    }

    [Theory]
    [InlineData("^(?P<n>[0-9]+)$", "$n")] // the value is the tag itself
    [InlineData("[0-9]*", "x$0")] // $0 and empty matches
    [InlineData("(?P<n>a)|(?P<n>[0-9])", "$n")] // a name used twice
    [InlineData("^(?P<n>[0-9]*)", "${n}.$$")] // literal text and an escaped dollar
    public void FilterExpandsLikeGoRegexpExpand(string pattern, string extract)
    {
        var regex = GoRegex.Compile(pattern);
        var template = regex.ParseTemplate(extract);
        string[] tags = ["", "7", "12", "a", "b7", "x"];
        var expected = tags.Select(t => regex.Match(t) is { Success: true } m ? (Value: template.Expand(m), Tag: t) : default)
            .Where(e => e.Tag is not null).GroupBy(e => e.Value).ToDictionary(g => g.Key, g => g.Select(e => e.Tag).Order(StringComparer.Ordinal).First());

        Assert.Equal(expected.OrderBy(e => e.Key, StringComparer.Ordinal), Filtered(new TagFilter(regex, extract), tags).OrderBy(e => e.Key, StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("$n")] // values are slices of their tags
    [InlineData("v$n")] // values are expansions of their own
    public void FilterKeepsEachValueOnceInFirstTagOrderWithItsSmallestTag(string extract)
    {
        var random = new Random(13);
        var tags = Enumerable.Range(0, 5000).Select(i => $"b-{random.Next(1500)}-{random.Next(100000):x5}").Distinct().ToArray();
        var regex = GoRegex.Compile("^b-(?P<n>[0-9]+)-");
        var template = regex.ParseTemplate(extract);
        var expected = tags.GroupBy(t => template.Expand(regex.Match(t)), StringComparer.Ordinal)
            .Select(g => KeyValuePair.Create(g.Key, g.Order(StringComparer.Ordinal).First()));

        Assert.Equal(expected, Filtered(new TagFilter(regex, extract), tags));
        Assert.Equal(expected.Count(), new TagPolicy(PolicyKind.Numerical, pattern: "^b-(?P<n>[0-9]+)-", extract: "$n").Select(tags).MatchedCount);
    }

    private static IEnumerable<KeyValuePair<string, string>> Filtered(TagFilter filter, string[] tags)
    {
        var (values, sources) = filter.Apply(tags);
        return values.Zip(sources, (value, tag) => KeyValuePair.Create(value.ToString(), tag));
    }

    [Fact]
    public void SemVerNeedsARange()
    {
        var e = Assert.Throws<AutomationException>(() => new TagPolicy(PolicyKind.SemVer));
        Assert.Equal("SemVerRangeMissing", e.ErrorId);
    }

    [Fact]
    public void InvalidRangeIsAnArgumentErrorWithAnExample()
    {
        var e = Assert.Throws<AutomationException>(() => new TagPolicy(PolicyKind.SemVer, semVerRange: ">= bar"));

        Assert.Equal(ErrorKind.InvalidArgument, e.Kind);
        Assert.Equal(">= bar", e.Target);
        Assert.Contains("'>= bar'", e.Message);
        Assert.Contains("^1.2", e.RecommendedAction);
    }

    [Fact]
    public void APathologicalPatternTimesOutInsteadOfHanging()
    {
        var policy = new TagPolicy(PolicyKind.Alphabetical, pattern: "^(a+)+$");
        var tag = new string('a', 40) + "b";

        var e = Assert.Throws<AutomationException>(() => policy.Select([tag]));

        Assert.Equal(ErrorKind.OperationTimeout, e.Kind);
        Assert.Equal("^(a+)+$", e.Target);
        Assert.Contains(tag, e.Message);
    }

    [Fact]
    public void VersionPartsBeyondUInt64AreNotVersions()
    {
        Assert.NotNull(SemanticVersion.ParseTag("18446744073709551615.0.0"));
        Assert.Null(SemanticVersion.ParseTag("18446744073709551616.0.0"));
    }

    [Fact]
    public void PrereleaseNumbersBeyondUInt64CompareAsWords()
    {
        var huge = SemanticVersion.Parse("1.0.0-18446744073709551616")!;
        var word = SemanticVersion.Parse("1.0.0-a")!;
        var number = SemanticVersion.Parse("1.0.0-99")!;

        Assert.True(huge.CompareTo(number) > 0);
        Assert.True(huge.CompareTo(word) < 0); // '1' sorts before 'a'
    }

    [Fact]
    public void SelectionIsIndependentOfInputOrder()
    {
        string[] tags = ["v1.0.0", "1.0.0", "1.0.0+b", "b-01", "0.9.0"];
        var policy = new TagPolicy(PolicyKind.SemVer, semVerRange: "*");

        var forward = policy.Select(tags).Tag;
        var backward = policy.Select(tags.Reverse().ToArray()).Tag;

        Assert.Equal("v1.0.0", forward);
        Assert.Equal(forward, backward);
    }
}
