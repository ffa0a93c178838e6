namespace TazLab.ImageAutomation;

/// <summary>Flux's ImagePolicy <c>digestReflectionPolicy</c>: when the selected tag's manifest digest is looked up.</summary>
public enum DigestReflectionPolicy
{
    /// <summary>No digest: setters write <c>image:tag</c>.</summary>
    Never,

    /// <summary>Use the digest the tag source already reported (OCI layouts do), else ask the registry.</summary>
    IfNotPresent,

    /// <summary>Always ask the registry (a HEAD of the tag's manifest).</summary>
    Always,
}
