namespace TazLab.ImageAutomation.Engine.FluxObjects;

/// <summary>
/// An <c>image.toolkit.fluxcd.io</c> object read from a repository's YAML (<c>v1</c> or <c>v1beta2</c>; the spec fields
/// are the same), with the file and line it came from.
/// </summary>
public abstract record FluxObject
{
    /// <summary>The namespace of an object whose metadata names none, as in Flux's default install.</summary>
    public const string DefaultNamespace = "flux-system";

    public required string ApiVersion { get; init; }

    public abstract string Kind { get; }

    public required string Name { get; init; }

    public required string Namespace { get; init; }

    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>Absolute path of the file.</summary>
    public required string File { get; init; }

    /// <summary>Path relative to the directory that was read, '/'-separated.</summary>
    public required string RelativePath { get; init; }

    /// <summary>0-based position of the document in its file.</summary>
    public int DocumentIndex { get; init; }

    /// <summary>1-based line where the document's object starts.</summary>
    public int Line { get; init; }

    /// <summary><c>spec.interval</c> as written (Flux's duration syntax, e.g. <c>1m</c>, <c>1h30m</c>).</summary>
    public string Interval { get; init; } = "";

    /// <summary><c>spec.suspend</c>: Flux skips the object.</summary>
    public bool Suspend { get; init; }

    public override string ToString() => $"{Kind} {Namespace}/{Name} ({RelativePath}:{Line})";
}

/// <summary>A reference to another object by name, in the referring object's namespace unless one is given.</summary>
public sealed record ObjectReference(string Name, string Namespace)
{
    public override string ToString() => $"{Namespace}/{Name}";
}

/// <summary>Where a problem in a Flux object is: file, document, the object as far as it was read, and the field.</summary>
public sealed record FluxObjectLocation(string File, string RelativePath, int DocumentIndex, int Line, string Kind, string Name, string Namespace, string Field)
{
    public override string ToString() => $"{RelativePath} document {DocumentIndex} ({Kind} {Namespace}/{Name}) {Field}";
}
