using System.Globalization;
using System.Text.Json;
using TazLab.ImageAutomation.Engine.Diagnostics;
using TazLab.ImageAutomation.Engine.Policies;

namespace TazLab.ImageAutomation.Tests.Policies;

// Inside the namespace, so it wins over the cmdlets' TazLab.ImageAutomation.PolicyOrder.
using PolicyOrder = TazLab.ImageAutomation.Engine.Policies.PolicyOrder;

/// <summary>Runs every upstream vector in Policies/Conformance against the engine.</summary>
public class ConformanceTests
{
    [Theory]
    [MemberData(nameof(ConformanceData.Ids), "selection", MemberType = typeof(ConformanceData))]
    public void Selection(string id)
    {
        var c = ConformanceData.Case(id);
        var tags = c.Strings("tags");
        if (c.OptionalString("error") is { } errorId)
        {
            var e = Assert.Throws<AutomationException>(() => BuildPolicy(c).Select(tags));
            Assert.Equal(errorId, e.ErrorId);
            return;
        }

        var selection = BuildPolicy(c).Select(tags);
        Assert.Equal(c.OptionalString("expect"), selection.Tag);
        Assert.Equal(tags.Length, selection.CandidateCount);
        if (c.TryGetProperty("matched", out var matched))
        {
            Assert.Equal(matched.GetInt32(), selection.MatchedCount);
        }
    }

    [Theory]
    [MemberData(nameof(ConformanceData.Ids), "range", MemberType = typeof(ConformanceData))]
    public void RangeValidity(string id)
    {
        var c = ConformanceData.Case(id);
        var range = c.OptionalString("range")!;
        if (c.GetProperty("valid").GetBoolean())
        {
            SemVerRange.Parse(range);
        }
        else
        {
            var e = Assert.Throws<AutomationException>(() => SemVerRange.Parse(range));
            Assert.Equal("InvalidSemVerRange", e.ErrorId);
            Assert.Contains($"'{range}'", e.Message);
        }
    }

    [Theory]
    [MemberData(nameof(ConformanceData.Ids), "order", MemberType = typeof(ConformanceData))]
    public void OrderValidity(string id)
    {
        var c = ConformanceData.Case(id);
        var order = c.OptionalString("order");
        if (c.GetProperty("valid").GetBoolean())
        {
            Assert.Equal(order == "DESC" ? PolicyOrder.Desc : PolicyOrder.Asc, TagPolicy.ParseOrder(order));
        }
        else
        {
            var e = Assert.Throws<AutomationException>(() => TagPolicy.ParseOrder(order));
            Assert.Equal($"invalid order argument provided: '{order}', must be one of: ASC, DESC", e.Message);
        }
    }

    [Theory]
    [MemberData(nameof(ConformanceData.Ids), "version", MemberType = typeof(ConformanceData))]
    public void VersionParsing(string id)
    {
        var c = ConformanceData.Case(id);
        var text = c.OptionalString("text")!;
        if (c.TryGetProperty("masterminds", out var masterminds))
        {
            Assert.Equal(masterminds.GetBoolean(), SemanticVersion.Parse(text) is not null);
        }

        Assert.Equal(c.GetProperty("flux").GetBoolean(), SemanticVersion.ParseTag(text) is not null);
        if (SemanticVersion.ParseTag(text) is { } parsed)
        {
            Assert.Equal(text, parsed.Original);
        }
    }

    [Theory]
    [MemberData(nameof(ConformanceData.Ids), "compare", MemberType = typeof(ConformanceData))]
    public void VersionComparison(string id)
    {
        var c = ConformanceData.Case(id);
        var a = SemanticVersion.Parse(c.OptionalString("a")!)!;
        var b = SemanticVersion.Parse(c.OptionalString("b")!)!;
        Assert.Equal(c.GetProperty("expect").GetInt32(), Math.Sign(a.CompareTo(b)));
        Assert.Equal(-c.GetProperty("expect").GetInt32(), Math.Sign(b.CompareTo(a)));
    }

    [Theory]
    [MemberData(nameof(ConformanceData.Ids), "check", MemberType = typeof(ConformanceData))]
    public void ConstraintCheck(string id)
    {
        var c = ConformanceData.Case(id);
        var version = c.OptionalString("version")!;
        var range = SemVerRange.Parse(c.OptionalString("range")!);
        Assert.Equal(c.GetProperty("expect").GetBoolean(), range.IsSatisfiedBy(SemanticVersion.Parse(version)!));
        Assert.Equal(c.GetProperty("fluxTag").GetBoolean(), SemanticVersion.ParseTag(version) is not null);
    }

    [Theory]
    [MemberData(nameof(ConformanceData.Ids), "filter", MemberType = typeof(ConformanceData))]
    public void FilterKeys(string id)
    {
        var c = ConformanceData.Case(id);
        var filter = new TagFilter(GoRegex.Compile(c.OptionalString("pattern")!), c.OptionalString("extract")!);
        var keys = filter.Apply(c.Strings("tags")).Values.Select(k => k.ToString()).Order(StringComparer.Ordinal);
        Assert.Equal(c.Strings("keys"), keys);
    }

    [Theory]
    [MemberData(nameof(ConformanceData.Ids), "float", MemberType = typeof(ConformanceData))]
    public void FloatParsing(string id)
    {
        var c = ConformanceData.Case(id);
        var ok = GoFloat.TryParse(c.OptionalString("text")!, out var value);
        var expected = c.OptionalString("value");
        Assert.Equal(expected is not null, ok);
        if (expected is not null)
        {
            var expectedValue = expected switch
            {
                "+Inf" => double.PositiveInfinity,
                "-Inf" => double.NegativeInfinity,
                _ => double.Parse(expected, NumberStyles.Float, CultureInfo.InvariantCulture),
            };
            Assert.True(expectedValue.Equals(value) && double.IsNegative(expectedValue) == double.IsNegative(value),
                $"expected {expected}, got {value.ToString("R", CultureInfo.InvariantCulture)}");
        }
    }

    [Theory]
    [MemberData(nameof(ConformanceData.Ids), "regex", MemberType = typeof(ConformanceData))]
    public void RegexMatching(string id)
    {
        var c = ConformanceData.Case(id);
        var match = GoRegex.Compile(c.OptionalString("pattern")!).Match(c.OptionalString("input")!);
        Assert.Equal(c.OptionalString("match"), match.Success ? match.Value : null);
    }

    [Theory]
    [MemberData(nameof(ConformanceData.Ids), "regex-invalid", MemberType = typeof(ConformanceData))]
    public void RegexRejection(string id)
    {
        var pattern = ConformanceData.Case(id).OptionalString("pattern")!;
        var e = Assert.Throws<AutomationException>(() => GoRegex.Compile(pattern));
        Assert.Equal("InvalidTagPattern", e.ErrorId);
        Assert.StartsWith($"invalid regular expression pattern '{pattern}': ", e.Message);
    }

    [Theory]
    [MemberData(nameof(ConformanceData.Ids), "expand", MemberType = typeof(ConformanceData))]
    public void Expand(string id)
    {
        var c = ConformanceData.Case(id);
        var regex = GoRegex.Compile(c.OptionalString("pattern")!);
        var match = regex.Match(c.OptionalString("input")!);
        Assert.True(match.Success);
        Assert.Equal(c.OptionalString("result"), regex.ParseTemplate(c.OptionalString("template")!).Expand(match));
    }

    /// <summary>The same vectors through the filter, which expands without a Match object where it can.</summary>
    [Theory]
    [MemberData(nameof(ConformanceData.Ids), "expand", MemberType = typeof(ConformanceData))]
    public void ExpandInFilter(string id)
    {
        var c = ConformanceData.Case(id);
        var filter = new TagFilter(GoRegex.Compile(c.OptionalString("pattern")!), c.OptionalString("template")!);
        Assert.Equal([c.OptionalString("result")!], filter.Apply([c.OptionalString("input")!]).Values.Select(k => k.ToString()));
    }

    private static TagPolicy BuildPolicy(JsonElement c)
    {
        var policy = c.GetProperty("policy");
        var pattern = c.OptionalString("pattern");
        var extract = c.OptionalString("extract");
        if (policy.OptionalString("semver") is { } range)
        {
            return new TagPolicy(PolicyKind.SemVer, pattern: pattern, extract: extract, semVerRange: range);
        }

        var kind = policy.TryGetProperty("numerical", out _) ? PolicyKind.Numerical : PolicyKind.Alphabetical;
        var order = TagPolicy.ParseOrder(policy.OptionalString(kind == PolicyKind.Numerical ? "numerical" : "alphabetical"));
        return new TagPolicy(kind, order, pattern, extract);
    }
}
