using System.Text.RegularExpressions;
using TazLab.ImageAutomation.Engine.Policies;

namespace TazLab.ImageAutomation.Tests.Policies;

public class TieredRegexTests
{
    [Fact]
    public void RunsInterpretedForTheFirstThousandInputsThenCompiledWithTheSameMatches()
    {
        var tiered = new TieredRegex(@"^blog-(?<value>[0-9]+)-(?<sha>[a-f0-9]+)$", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        var plain = new Regex(@"^blog-(?<value>[0-9]+)-(?<sha>[a-f0-9]+)$", RegexOptions.CultureInvariant);

        for (var i = 0; i < 1500; i++)
        {
            var input = i % 3 == 0 ? $"blog-{i}-ab{i:x}" : $"wiki-{i}";
            var regex = tiered.Current;
            Assert.Equal(i >= 999, regex.Options.HasFlag(RegexOptions.Compiled));
            var (expected, actual) = (plain.Match(input), regex.Match(input));
            Assert.Equal(expected.Success, actual.Success);
            Assert.Equal(expected.Groups["value"].Value, actual.Groups["value"].Value);
            Assert.Equal(expected.Groups["sha"].Value, actual.Groups["sha"].Value);
        }

        Assert.False(tiered.Interpreted.Options.HasFlag(RegexOptions.Compiled));
        Assert.Equal(TimeSpan.FromSeconds(1), tiered.Current.MatchTimeout);
    }
}
