namespace TazLab.ImageAutomation.Engine.Setters;

/// <summary>The Kubernetes object a document describes (empty strings when a field is absent), as Flux's commit templates see it.</summary>
public sealed record ObjectIdentity(string ApiVersion, string Kind, string Name, string Namespace)
{
    public static readonly ObjectIdentity Empty = new("", "", "", "");
}

/// <summary>One marked value that changed. <see cref="Line"/> and <see cref="Column"/> are 1-based, in characters.</summary>
/// <param name="Setter">The marker's <c>$imagepolicy</c> value (<c>ns:policy</c>, <c>ns:policy:tag</c>, ...).</param>
/// <param name="Policy">The policy whose value was written.</param>
public sealed record SetterChange(
    string Path, string RelativePath, int Line, int Column, string Setter, string OldValue, string NewValue,
    ObjectIdentity Object, SetterPolicy Policy);

/// <summary>A file whose marked values change: its new bytes and what changed in it.</summary>
public sealed record FileUpdate(string Path, string RelativePath, byte[] NewContent, IReadOnlyList<SetterChange> Changes)
{
    /// <summary>The bytes the update was computed from; pass to <see cref="AtomicFile.Write"/> so a file edited meanwhile is not overwritten.</summary>
    public byte[]? OriginalContent { get; init; }

    /// <summary>The file to replace, as the walk found it: <see cref="Path"/> itself, or the target of the link it is. Null: resolved when written.</summary>
    internal string? Target { get; init; }
}

/// <summary>A setter marker found in a file, with the value it currently marks.</summary>
public sealed record SetterMarker(
    string Path, string RelativePath, int Line, int Column, string Setter, string Value, ObjectIdentity Object)
{
    /// <summary>The policy the marker names: <see cref="Setter"/> without its <c>:tag</c>/<c>:name</c>/<c>:digest</c> suffix.</summary>
    public string Policy => SetterEngine.SplitSetter(Setter).Key;
}

/// <summary>Every marker in a tree, and the files that could not be read.</summary>
public sealed record MarkerInventory(IReadOnlyList<SetterMarker> Markers, IReadOnlyList<Diagnostics.AutomationException> Problems);
