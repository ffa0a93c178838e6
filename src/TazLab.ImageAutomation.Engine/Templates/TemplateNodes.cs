namespace TazLab.ImageAutomation.Engine.Templates;

// The parse tree of a Go text/template. Every node keeps its character offset in the template text so that
// errors can quote "line:column" the way Go does.

internal abstract record Node(int Position);

internal sealed record ListNode(int Position, IReadOnlyList<Node> Nodes) : Node(Position);

internal sealed record TextNode(int Position, string Text) : Node(Position);

internal sealed record ActionNode(int Position, PipelineNode Pipeline) : Node(Position);

internal enum BranchKind { If, With, Range }

/// <summary><c>if</c>, <c>with</c> and <c>range</c>: a pipeline, the body, and an optional else body.</summary>
internal sealed record BranchNode(int Position, BranchKind Kind, PipelineNode Pipeline, ListNode Body, ListNode? Else) : Node(Position);

internal sealed record BreakNode(int Position) : Node(Position);

internal sealed record ContinueNode(int Position) : Node(Position);

/// <summary>Commands joined by <c>|</c>, optionally declaring (<c>:=</c>) or assigning (<c>=</c>) variables.</summary>
internal sealed record PipelineNode(int Position, IReadOnlyList<string> Variables, bool IsAssignment, IReadOnlyList<CommandNode> Commands) : Node(Position);

internal sealed record CommandNode(int Position, IReadOnlyList<Node> Arguments) : Node(Position);

internal sealed record DotNode(int Position) : Node(Position);

/// <summary><c>.A.B</c>: fields of dot.</summary>
internal sealed record FieldNode(int Position, IReadOnlyList<string> Fields) : Node(Position);

/// <summary><c>$x.A.B</c> (<c>$</c> alone is the data passed to Execute).</summary>
internal sealed record VariableNode(int Position, string Name, IReadOnlyList<string> Fields) : Node(Position);

/// <summary><c>(pipeline).A.B</c>.</summary>
internal sealed record ChainNode(int Position, PipelineNode Pipeline, IReadOnlyList<string> Fields) : Node(Position);

internal sealed record FunctionNode(int Position, string Name) : Node(Position);

internal sealed record LiteralNode(int Position, object? Value) : Node(Position);
