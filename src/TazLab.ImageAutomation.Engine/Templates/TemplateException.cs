namespace TazLab.ImageAutomation.Engine.Templates;

/// <summary>A parse or execution failure at a character offset of the template text (turned into <see cref="TemplateError"/>).</summary>
internal sealed class TemplateException(int position, string reason) : Exception(reason)
{
    public int Position { get; } = position;
}

/// <summary>
/// A template that does not parse or does not run, with Go's position form: <c>template: NAME:LINE:COLUMN: reason</c>
/// (line 1-based, column the 0-based byte offset in the line, as Go prints them).
/// </summary>
public sealed class TemplateError : Exception
{
    internal TemplateError(string name, string text, int position, string reason, bool executing)
        : base(Format(name, text, position, reason, executing))
    {
        var before = text[..Math.Min(position, text.Length)];
        Line = before.Count(c => c == '\n') + 1;
        Column = before.Length - (before.LastIndexOf('\n') + 1);
        Reason = reason;
        IsParseError = !executing;
    }

    public int Line { get; }
    public int Column { get; }
    public string Reason { get; }
    public bool IsParseError { get; }

    private static string Format(string name, string text, int position, string reason, bool executing)
    {
        var before = text[..Math.Min(position, text.Length)];
        var line = before.Count(c => c == '\n') + 1;
        var column = before.Length - (before.LastIndexOf('\n') + 1);
        return executing
            ? $"template: {name}:{line}:{column}: executing \"{name}\" {reason}"
            : $"template: {name}:{line}:{column}: {reason}";
    }
}
