using System.Text.Json;
using TazLab.ImageAutomation.Engine.Diagnostics;
using TazLab.ImageAutomation.Engine.Templates;

namespace TazLab.ImageAutomation.Tests.Templates;

/// <summary>
/// The commit-message vectors of reference section 3.7, one folder each under Vectors/: template.txt, data.json
/// (automation, values, changes) and what must come out: expected.txt (exact), contains.txt (lines that must
/// appear) or error.txt (error id, then the message text that must appear).
/// </summary>
public class CommitMessageVectorTests
{
    private static readonly string VectorRoot = Path.Combine(AppContext.BaseDirectory, "Templates", "Vectors");

    private static IEnumerable<string> VectorNames() =>
        Directory.GetDirectories(VectorRoot).Select(Path.GetFileName).Order(StringComparer.Ordinal)!;

    public static TheoryData<string> Vectors() => new(VectorNames());

    [Fact]
    public void EveryVectorStatesAnOutcome()
    {
        Assert.True(VectorNames().Count() >= 8);
        foreach (var name in VectorNames())
        {
            var outcomes = new[] { "expected.txt", "contains.txt", "error.txt" }.Count(f => File.Exists(Path.Combine(VectorRoot, name, f)));
            Assert.True(outcomes == 1, $"{name} must have exactly one of expected.txt, contains.txt, error.txt");
        }
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void RendersLikeFlux(string name)
    {
        var directory = Path.Combine(VectorRoot, name);
        var template = File.ReadAllText(Path.Combine(directory, "template.txt"));
        var data = LoadData(Path.Combine(directory, "data.json"));

        if (File.Exists(Path.Combine(directory, "error.txt")))
        {
            var lines = File.ReadAllLines(Path.Combine(directory, "error.txt"));
            var error = Assert.Throws<AutomationException>(() => CommitMessage.Render(template, data));
            Assert.Equal(lines[0], error.ErrorId);
            Assert.Contains(lines[1], error.Message, StringComparison.Ordinal);
            return;
        }

        var message = CommitMessage.Render(template, data);
        if (File.Exists(Path.Combine(directory, "expected.txt")))
        {
            Assert.Equal(File.ReadAllText(Path.Combine(directory, "expected.txt")), message);
        }
        else
        {
            foreach (var line in File.ReadAllLines(Path.Combine(directory, "contains.txt")))
            {
                Assert.Contains(line + "\n", message, StringComparison.Ordinal);
            }
        }
    }

    private static CommitTemplateData LoadData(string path)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(path));
        var root = json.RootElement;
        var automation = root.GetProperty("automation").GetString()!.Split('/');
        var values = root.TryGetProperty("values", out var v)
            ? v.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!)
            : null;
        var changes = root.GetProperty("changes").EnumerateArray().Select(c => new ChangedValue(
            c.GetProperty("file").GetString()!,
            new TemplateObject(c.GetProperty("apiVersion").GetString()!, c.GetProperty("kind").GetString()!,
                c.GetProperty("name").GetString()!, c.GetProperty("namespace").GetString()!),
            new TemplateChange(c.GetProperty("old").GetString()!, c.GetProperty("new").GetString()!, c.GetProperty("setter").GetString()!)));
        return new CommitTemplateData(new AutomationObjectName(automation[0], automation[1]), new ChangedFiles(changes), values);
    }
}
