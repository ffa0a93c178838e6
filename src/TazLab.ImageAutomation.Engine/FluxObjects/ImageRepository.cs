namespace TazLab.ImageAutomation.Engine.FluxObjects;

/// <summary>Flux's ImageRepository: where an image's tags are listed from. Binds by property name to Get-RegistryTag.</summary>
public sealed record ImageRepository : FluxObject
{
    public override string Kind => "ImageRepository";

    /// <summary><c>spec.image</c>: the image repository without tag or digest, verbatim (what setters write).</summary>
    public required string Image { get; init; }

    /// <summary><c>spec.timeout</c> as written, empty when absent (Flux then uses the interval).</summary>
    public string Timeout { get; init; } = "";

    /// <summary><c>spec.exclusionList</c>; empty means Flux's default (<c>^.*\.sig$</c>).</summary>
    public IReadOnlyList<string> ExclusionList { get; init; } = [];

    /// <summary><c>spec.insecure</c>: plain HTTP allowed.</summary>
    public bool Insecure { get; init; }

    /// <summary><c>spec.provider</c>: generic, aws, azure or gcp.</summary>
    public string Provider { get; init; } = "generic";

    /// <summary><c>spec.secretRef.name</c>: a docker-registry Secret, which cannot be read outside the cluster.</summary>
    public string SecretRef { get; init; } = "";

    /// <summary><c>spec.serviceAccountName</c>.</summary>
    public string ServiceAccountName { get; init; } = "";

    /// <summary><c>spec.certSecretRef.name</c>.</summary>
    public string CertSecretRef { get; init; } = "";

    /// <summary><c>spec.proxySecretRef.name</c>.</summary>
    public string ProxySecretRef { get; init; } = "";
}
