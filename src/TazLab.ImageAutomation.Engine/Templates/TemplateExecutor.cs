using System.Collections;
using System.Reflection;
using System.Text;

namespace TazLab.ImageAutomation.Engine.Templates;

/// <summary>Walks a parsed template over a data object, with text/template's semantics for dot, variables and control flow.</summary>
internal sealed class TemplateExecutor(object? data)
{
    private sealed class BreakSignal : Exception;

    private sealed class ContinueSignal : Exception;

    private readonly StringBuilder output = new();
    private readonly List<(string Name, object? Value)> variables = [("$", data)];

    public string Run(ListNode root)
    {
        Walk(data, root);
        return output.ToString();
    }

    private void Walk(object? dot, Node node)
    {
        switch (node)
        {
            case ListNode list:
                foreach (var child in list.Nodes)
                {
                    Walk(dot, child);
                }

                break;
            case TextNode text:
                output.Append(text.Text);
                break;
            case ActionNode action:
                var value = EvaluatePipeline(dot, action.Pipeline, declare: true);
                if (action.Pipeline.Variables.Count == 0)
                {
                    output.Append(GoFormat.Sprint(value));
                }

                break;
            case BranchNode branch:
                var mark = variables.Count;
                try
                {
                    WalkBranch(dot, branch);
                }
                finally
                {
                    variables.RemoveRange(mark, variables.Count - mark);
                }

                break;
            case BreakNode:
                throw new BreakSignal();
            case ContinueNode:
                throw new ContinueSignal();
        }
    }

    private void WalkBranch(object? dot, BranchNode branch)
    {
        if (branch.Kind == BranchKind.Range)
        {
            WalkRange(dot, branch);
            return;
        }

        var value = EvaluatePipeline(dot, branch.Pipeline, declare: true);
        if (GoValues.IsTrue(value))
        {
            Walk(branch.Kind == BranchKind.With ? value : dot, branch.Body);
        }
        else if (branch.Else is not null)
        {
            Walk(dot, branch.Else);
        }
    }

    private void WalkRange(object? dot, BranchNode branch)
    {
        var value = EvaluatePipeline(dot, branch.Pipeline, declare: false);
        IEnumerable<(object? Key, object? Element)> items = value switch
        {
            null or NoValue => [],
            IDictionary map => GoValues.SortedKeys(map).Select(k => ((object?)k, map[k])).ToList(),
            string => throw new TemplateException(branch.Position, $"range can't iterate over {value}"),
            IEnumerable list => list.Cast<object?>().Select((e, i) => ((object?)(long)i, e)).ToList(),
            _ when GoValues.AsInteger(value) is { } count => Enumerable.Range(0, (int)Math.Max(0, count)).Select(i => ((object?)(long)i, (object?)(long)i)).ToList(),
            _ => throw new TemplateException(branch.Position, $"range can't iterate over {GoFormat.Sprint(value)}"),
        };

        var mark = variables.Count;
        var any = false;
        foreach (var (key, element) in items)
        {
            any = true;
            variables.RemoveRange(mark, variables.Count - mark);
            var names = branch.Pipeline.Variables;
            if (names.Count == 1)
            {
                variables.Add((names[0], element));
            }
            else if (names.Count == 2)
            {
                variables.Add((names[0], key));
                variables.Add((names[1], element));
            }

            try
            {
                Walk(element, branch.Body);
            }
            catch (ContinueSignal)
            {
            }
            catch (BreakSignal)
            {
                break;
            }
        }

        if (!any && branch.Else is not null)
        {
            Walk(dot, branch.Else);
        }
    }

    private object? EvaluatePipeline(object? dot, PipelineNode pipeline, bool declare)
    {
        object? value = null;
        var hasFinal = false;
        foreach (var command in pipeline.Commands)
        {
            value = EvaluateCommand(dot, command, hasFinal, value);
            hasFinal = true;
        }

        if (declare)
        {
            foreach (var name in pipeline.Variables)
            {
                if (pipeline.IsAssignment)
                {
                    var index = variables.FindLastIndex(v => v.Name == name);
                    if (index < 0)
                    {
                        throw new TemplateException(pipeline.Position, $"undefined variable: {name}");
                    }

                    variables[index] = (name, value);
                }
                else
                {
                    variables.Add((name, value));
                }
            }
        }

        return value;
    }

    private object? EvaluateCommand(object? dot, CommandNode command, bool hasFinal, object? final)
    {
        var first = command.Arguments[0];
        if (first is FunctionNode function)
        {
            return Call(dot, function, command.Arguments.Skip(1).ToList(), hasFinal, final);
        }

        if (command.Arguments.Count > 1 || hasFinal)
        {
            throw new TemplateException(first.Position, $"can't give argument to non-function {Describe(first)}");
        }

        return EvaluateArgument(dot, first);
    }

    private object? EvaluateArgument(object? dot, Node node) => node switch
    {
        DotNode => dot,
        LiteralNode literal => literal.Value,
        FieldNode field => Fields(dot, field.Fields, field),
        VariableNode variable => Fields(Variable(variable), variable.Fields, variable),
        ChainNode chain => Fields(EvaluatePipeline(dot, chain.Pipeline, declare: true), chain.Fields, chain),
        FunctionNode function => Call(dot, function, [], hasFinal: false, final: null),
        _ => throw new TemplateException(node.Position, "unexpected node"),
    };

    private object? Variable(VariableNode node)
    {
        var index = variables.FindLastIndex(v => v.Name == node.Name);
        return index >= 0 ? variables[index].Value : throw new TemplateException(node.Position, $"undefined variable \"{node.Name}\"");
    }

    private object? Call(object? dot, FunctionNode function, IReadOnlyList<Node> argumentNodes, bool hasFinal, object? final)
    {
        var count = argumentNodes.Count + (hasFinal ? 1 : 0);
        var definition = TemplateFunctions.Get(function.Name);
        if (count < definition.MinArgs || (definition.MaxArgs >= 0 && count > definition.MaxArgs))
        {
            var wanted = definition.MaxArgs == definition.MinArgs ? $"{definition.MinArgs}" : $"at least {definition.MinArgs}";
            throw new TemplateException(function.Position, $"at <{function.Name}>: wrong number of args for {function.Name}: want {wanted} got {count}");
        }

        if (function.Name is "and" or "or")
        {
            // Go stops evaluating at the first argument that decides the result.
            object? value = null;
            var stopWhen = function.Name == "or";
            for (var i = 0; i < count; i++)
            {
                value = i < argumentNodes.Count ? EvaluateArgument(dot, argumentNodes[i]) : final;
                if (GoValues.IsTrue(value) == stopWhen)
                {
                    break;
                }
            }

            return value;
        }

        var arguments = argumentNodes.Select(a => EvaluateArgument(dot, a)).ToList();
        if (hasFinal)
        {
            arguments.Add(final);
        }

        try
        {
            return definition.Invoke([.. arguments]);
        }
        catch (ArgumentException e)
        {
            throw new TemplateException(function.Position, $"at <{function.Name}>: error calling {function.Name}: {e.Message}");
        }
    }

    private static object? Fields(object? receiver, IReadOnlyList<string> names, Node node)
    {
        foreach (var name in names)
        {
            receiver = Field(receiver, name, node);
        }

        return receiver;
    }

    private static object? Field(object? receiver, string name, Node node)
    {
        switch (receiver)
        {
            case NoValue:
                return NoValue.Instance;
            case null:
                throw new TemplateException(node.Position, $"at <{Describe(node)}>: nil pointer evaluating interface {{}}.{name}");
            case IDictionary map when GoTypes.Generic(map.GetType(), typeof(IDictionary<,>)) is not { } types || types[0] == typeof(string):
                return map.Contains(name) ? map[name] : NoValue.Instance;
            case IGoStruct structure when GoTypes.TryGetField(structure, name, out var field):
                return field;
        }

        // Go methods (.Changed.Changes, .Changed.Objects) are properties here.
        var property = receiver is IDictionary ? null : receiver.GetType().GetProperty(name, BindingFlags.Public | BindingFlags.Instance);
        return property is not null && property.GetIndexParameters().Length == 0
            ? property.GetValue(receiver)
            : throw new TemplateException(node.Position, $"at <{Describe(node)}>: can't evaluate field {name} in type {GoTypes.NameOf(receiver)}");
    }

    private static string Describe(Node node) => node switch
    {
        FieldNode field => "." + string.Join(".", field.Fields),
        VariableNode variable => variable.Name + string.Concat(variable.Fields.Select(f => "." + f)),
        ChainNode chain => "(...)" + string.Concat(chain.Fields.Select(f => "." + f)),
        DotNode => ".",
        LiteralNode literal => GoFormat.Sprint(literal.Value),
        _ => node.GetType().Name,
    };
}
