namespace TazLab.ImageAutomation;

/// <summary>A setter marker Get-ImageSetter found, with the value it marks now.</summary>
public sealed class ImageSetter
{
    /// <summary>Absolute path of the file.</summary>
    public string Path { get; init; } = "";

    /// <summary>Path relative to the -Path searched, '/'-separated.</summary>
    public string RelativePath { get; init; } = "";

    public int Line { get; init; }

    public int Column { get; init; }

    /// <summary>The marker's value: <c>ns:policy</c>, <c>ns:policy:tag</c>, <c>ns:policy:name</c> or <c>ns:policy:digest</c>.</summary>
    public string Setter { get; init; } = "";

    /// <summary>The policy the marker names (<c>namespace:name</c>): what a selection's Policy must be to set it.</summary>
    public string Policy { get; init; } = "";

    /// <summary>The marked value as it is in the file now.</summary>
    public string Value { get; init; } = "";

    /// <summary>Kubernetes identity of the document the value is in (empty when absent).</summary>
    public string ApiVersion { get; init; } = "";

    public string Kind { get; init; } = "";

    public string Name { get; init; } = "";

    public string Namespace { get; init; } = "";

    public override string ToString() => $"{RelativePath}:{Line}: {Setter} = {Value}";
}
