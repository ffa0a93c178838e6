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

    /// <summary>Every field chain the template reads, with its position (for rejecting fields that no longer exist).</summary>
    internal IEnumerable<(int Position, IReadOnlyList<string> Fields)> FieldChains() => FieldChains(root);

    private static IEnumerable<(int, IReadOnlyList<string>)> FieldChains(Node node)
    {
        switch (node)
        {
            case FieldNode field:
                yield return (field.Position, field.Fields);
                break;
            case VariableNode { Name: "$" } variable:
                yield return (variable.Position, variable.Fields);
                break;
        }

        foreach (var child in Children(node))
        {
            foreach (var chain in FieldChains(child))
            {
                yield return chain;
            }
        }
    }

    private static IEnumerable<Node> Children(Node node) => node switch
    {
        ListNode list => list.Nodes,
        ActionNode action => [action.Pipeline],
        BranchNode branch => branch.Else is null ? [branch.Pipeline, branch.Body] : [branch.Pipeline, branch.Body, branch.Else],
        PipelineNode pipeline => pipeline.Commands,
        CommandNode command => command.Arguments,
        ChainNode chain => [chain.Pipeline],
        _ => [],
    };
}
