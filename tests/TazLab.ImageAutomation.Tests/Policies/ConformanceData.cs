using System.Text.Json;

namespace TazLab.ImageAutomation.Tests.Policies;

/// <summary>
/// The upstream vectors in Policies/Conformance/*.json: each file names its upstream test file, each group its
/// upstream test function and the kind of case it holds. A case is identified as "file | test | label".
/// </summary>
public static class ConformanceData
{
    private static readonly Lazy<Dictionary<string, (string Kind, JsonElement Case)>> All = new(Load);

    public static IEnumerable<object[]> Ids(string kind) =>
        All.Value.Where(c => c.Value.Kind == kind).Select(c => new object[] { c.Key });

    public static JsonElement Case(string id) => All.Value[id].Case;

    private static Dictionary<string, (string, JsonElement)> Load()
    {
        var cases = new Dictionary<string, (string, JsonElement)>(StringComparer.Ordinal);
        var folder = Path.Combine(AppContext.BaseDirectory, "Policies", "Conformance");
        foreach (var file in Directory.GetFiles(folder, "*.json").Order(StringComparer.Ordinal))
        {
            using var document = JsonDocument.Parse(File.ReadAllText(file));
            var root = document.RootElement.Clone();
            if (string.IsNullOrWhiteSpace(root.GetProperty("upstream").GetString()))
            {
                throw new InvalidDataException($"{file} does not name its upstream source");
            }

            foreach (var group in root.GetProperty("groups").EnumerateArray())
            {
                var test = group.GetProperty("test").GetString();
                var kind = group.GetProperty("kind").GetString()!;
                var index = 0;
                foreach (var item in group.GetProperty("cases").EnumerateArray())
                {
                    var label = Describe(item) ?? index.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    cases.Add($"{Path.GetFileNameWithoutExtension(file)} | {test} | #{index} {label}", (kind, item));
                    index++;
                }
            }
        }

        return cases;
    }

    private static string? Describe(JsonElement item)
    {
        foreach (var name in new[] { "label", "text", "range", "pattern", "order", "a" })
        {
            if (item.TryGetProperty(name, out var value))
            {
                var text = JsonSerializer.Serialize(value.GetString());
                return item.TryGetProperty("version", out var version) ? $"{text} ~ {JsonSerializer.Serialize(version.GetString())}" : text;
            }
        }

        return null;
    }

    public static string? OptionalString(this JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public static string[] Strings(this JsonElement element, string name) =>
        element.GetProperty(name).EnumerateArray().Select(e => e.GetString()!).ToArray();
}
