namespace TazLab.ImageAutomation.Engine.Templates;

/// <summary>
/// A parsed Go <c>text/template</c> (the subset commit-message templates use: actions, pipelines, variables,
/// <c>if</c>/<c>else</c>/<c>with</c>/<c>range</c>/<c>break</c>/<c>continue</c>, trim markers, comments) with Go's
/// builtin functions and the common Sprig string functions (<see cref="TemplateFunctions"/>).
/// Data is plain .NET objects: public properties are fields, <see cref="System.Collections.IDictionary"/> is a map
/// (ranged in sorted key order) and <see cref="System.Collections.IList"/> is a slice.
/// </summary>
public sealed class GoTemplate
{
    private readonly ListNode root;

    private GoTemplate(string name, string text, ListNode root)
    {
        Name = name;
        Text = text;
        this.root = root;
    }

    public string Name { get; }
    public string Text { get; }

    /// <exception cref="TemplateError">The text does not parse; the message quotes the position.</exception>
    public static GoTemplate Parse(string name, string text)
    {
        try
        {
            return new GoTemplate(name, text, TemplateParser.Parse(text, TemplateFunctions.IsDefined));
        }
        catch (TemplateException e)
        {
            throw new TemplateError(name, text, e.Position, e.Message, executing: false);
        }
    }

    /// <exception cref="TemplateError">Execution failed (unknown field, wrong argument type, ...); the message quotes the position.</exception>
    public string Execute(object? data)
    {
        try
        {
            return new TemplateExecutor(data).Run(root);
        }
        catch (TemplateException e)
        {
            throw new TemplateError(Name, Text, e.Position, e.Message, executing: true);
        }
    }
}
