using System.Text;

namespace TazLab.ImageAutomation.Engine.Automation;

/// <summary>
/// A unified diff of a setter update. Setters replace values inside lines and never add or remove one, so lines are
/// compared position by position; a file whose line count changed anyway is shown as one hunk.
/// </summary>
public static class UnifiedDiff
{
    private const int Context = 3;

    /// <param name="file">The path shown after <c>a/</c> and <c>b/</c>.</param>
    public static string Create(string file, string before, string after)
    {
        var old = SplitLines(before);
        var @new = SplitLines(after);
        var text = new StringBuilder().Append("--- a/").Append(file).Append('\n').Append("+++ b/").Append(file).Append('\n');
        if (old.Length != @new.Length)
        {
            AppendHunk(text, old, 0, old.Length, @new, 0, @new.Length);
            return text.ToString();
        }

        var changed = Enumerable.Range(0, old.Length).Where(i => old[i] != @new[i]).ToList();
        var i = 0;
        while (i < changed.Count)
        {
            var start = Math.Max(0, changed[i] - Context);
            var end = Math.Min(old.Length, changed[i] + Context + 1);
            while (i + 1 < changed.Count && changed[i + 1] - Context <= end)
            {
                i++;
                end = Math.Min(old.Length, changed[i] + Context + 1);
            }

            AppendHunk(text, old, start, end - start, @new, start, end - start, sameLines: true);
            i++;
        }

        return text.ToString();
    }

    private static void AppendHunk(StringBuilder text, string[] old, int oldStart, int oldCount, string[] @new, int newStart, int newCount, bool sameLines = false)
    {
        text.Append($"@@ -{oldStart + 1},{oldCount} +{newStart + 1},{newCount} @@\n");
        if (!sameLines)
        {
            foreach (var line in old.Skip(oldStart).Take(oldCount)) text.Append('-').Append(line).Append('\n');
            foreach (var line in @new.Skip(newStart).Take(newCount)) text.Append('+').Append(line).Append('\n');
            return;
        }

        for (var k = 0; k < oldCount; k++)
        {
            var (a, b) = (old[oldStart + k], @new[newStart + k]);
            if (a == b)
            {
                text.Append(' ').Append(a).Append('\n');
            }
            else
            {
                text.Append('-').Append(a).Append('\n').Append('+').Append(b).Append('\n');
            }
        }
    }

    private static string[] SplitLines(string text)
    {
        var lines = text.Split('\n');
        return text.EndsWith('\n') ? lines[..^1] : lines;
    }
}
