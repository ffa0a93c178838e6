using System.Text.Json;
using TazLab.ImageAutomation.Engine.Setters;
using YamlDotNet.Core;

namespace TazLab.ImageAutomation.Tests.Setters;

/// <summary>
/// How a new value is written over a plain scalar, against what Flux writes (Quoting/flux-quoting.json, produced by Go
/// with go-yaml v2/v3 and kyaml's FormatNonStringStyle rule). Where Flux quotes, we quote; where Flux writes it plain,
/// so do we. Flux sometimes picks single quotes when a plain scalar is impossible; we always use double quotes there.
/// </summary>
public sealed class QuotingTests
{
    private static readonly Lazy<Dictionary<string, (string Value, string Flux)>> Cases = new(Load);

    public static TheoryData<string> Names() => [.. Cases.Value.Keys];

    [Theory]
    [MemberData(nameof(Names))]
    public void New_values_are_quoted_where_Flux_quotes_them(string name)
    {
        var (value, flux) = Cases.Value[name];

        var ours = ScalarText.Render(value, ScalarStyle.Plain, inFlow: false);

        if (flux == value)
        {
            Assert.Equal(value, ours);
        }
        else if (flux.StartsWith('"'))
        {
            Assert.Equal(flux, ours);
        }
        else
        {
            Assert.StartsWith("\"", ours);
        }
    }

    private static Dictionary<string, (string, string)> Load()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Setters", "Quoting", "flux-quoting.json");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        var cases = new Dictionary<string, (string, string)>(StringComparer.Ordinal);
        foreach (var group in document.RootElement.GetProperty("groups").EnumerateArray())
        {
            var groupName = group.GetProperty("name").GetString();
            foreach (var item in group.GetProperty("cases").EnumerateArray())
            {
                var value = item[0].GetString()!;
                cases.Add($"{groupName}: {JsonSerializer.Serialize(value)}", (value, item[1].GetString()!));
            }
        }

        return cases;
    }
}
