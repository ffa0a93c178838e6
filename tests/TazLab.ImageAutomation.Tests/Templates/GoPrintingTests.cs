using System.Text.Json;
using TazLab.ImageAutomation.Engine.Diagnostics;
using TazLab.ImageAutomation.Engine.Templates;

namespace TazLab.ImageAutomation.Tests.Templates;

/// <summary>
/// Commit messages rendered over Flux's data exactly as Flux renders them: Go's fmt printing of the template data,
/// Go's builtins, Sprig's functions and Flux's removed-field check. Every expected string in GoPrinting/cases.json was
/// produced by Go (text/template, fmt, Sprig, over copies of Flux's types: tools/goref/templates), not by this module.
/// </summary>
public sealed class GoPrintingTests
{
    private static readonly Lazy<Dictionary<string, JsonElement>> Cases = new(Load);

    public static TheoryData<string> Names() => [.. Cases.Value.Keys];

    [Theory]
    [MemberData(nameof(Names))]
    public void Renders_byte_identically_to_Flux(string name)
    {
        var c = Cases.Value[name];
        var template = c.GetProperty("template").GetString()!;
        var data = Data(c.GetProperty("data"));

        if (c.TryGetProperty("expected", out var expected))
        {
            Assert.Equal(expected.GetString(), CommitMessage.Render(template, data));
        }
        else
        {
            var error = Assert.Throws<AutomationException>(() => CommitMessage.Render(template, data));
            Assert.Contains(c.GetProperty("errorPart").GetString()!, error.Message, StringComparison.Ordinal);
        }
    }

    private static CommitTemplateData Data(JsonElement data)
    {
        var automation = data.GetProperty("automation").GetString()!.Split('/', 2);
        var values = data.TryGetProperty("values", out var v) ? v.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!) : null;
        var changes = data.GetProperty("changes").EnumerateArray().Select(c => new ChangedValue(
            c.GetProperty("file").GetString()!,
            new TemplateObject(c.GetProperty("apiVersion").GetString()!, c.GetProperty("kind").GetString()!,
                c.GetProperty("name").GetString()!, c.GetProperty("namespace").GetString()!),
            new TemplateChange(c.GetProperty("old").GetString()!, c.GetProperty("new").GetString()!, c.GetProperty("setter").GetString()!)));
        return new CommitTemplateData(new AutomationObjectName(automation[0], automation[1]), new ChangedFiles(changes), values);
    }

    private static Dictionary<string, JsonElement> Load()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Templates", "GoPrinting", "cases.json")));
        var cases = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var c in document.RootElement.EnumerateArray())
        {
            if (string.IsNullOrWhiteSpace(c.GetProperty("upstream").GetString()))
            {
                throw new InvalidDataException($"case '{c.GetProperty("name")}' names no upstream source");
            }

            cases.Add(c.GetProperty("name").GetString()!, c.Clone());
        }

        return cases;
    }
}
