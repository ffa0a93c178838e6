using System.Collections;
using System.Management.Automation;
using TazLab.ImageAutomation.Engine.Registry;

namespace TazLab.ImageAutomation.Commands;

/// <summary>The parameters that say how to reach a registry, shared by the cmdlets that talk to one.</summary>
public abstract class RegistryCommandBase : PSCmdlet
{
    /// <summary>Registry login for every image; without it docker's config.json is used, then anonymous access.</summary>
    [Parameter]
    [Credential]
    [Alias("RegistryCredential")]
    public PSCredential? Credential { get; set; }

    /// <summary>A PEM or DER file with CA certificates to trust besides the system's.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? CertificatePath { get; set; }

    /// <summary>Accept any TLS certificate.</summary>
    [Parameter]
    public SwitchParameter SkipCertificateCheck { get; set; }

    /// <summary>Allow plain HTTP to registries that are not on loopback (Flux's <c>insecure</c>; bound from an ImageRepository's <c>Insecure</c>).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("Insecure")]
    public SwitchParameter AllowInsecureHttp { get; set; }

    /// <summary>Registry → mirror URL, e.g. <c>@{ 'docker.io' = 'https://mirror.example:5000' }</c>, or
    /// <c>ocidir://&lt;directory&gt;</c> holding one OCI layout per repository.</summary>
    [Parameter]
    public Hashtable? RegistryMirror { get; set; }

    /// <summary>Seconds the registry work for one image may take.</summary>
    [Parameter]
    [ValidateRange(1, 3600)]
    public int TimeoutSec { get; set; } = 30;

    /// <summary>The largest registry response read, in MiB (a body is held in memory, so at most 2047); a larger one fails the image.</summary>
    [Parameter]
    [ValidateRange(1, 2047)]
    public int MaxResponseMB { get; set; } = (int)(RegistryOptions.DefaultMaxResponseBytes / (1024 * 1024));

    /// <summary>The connection options these parameters describe (paths resolved from $PWD, the password unwrapped only here).</summary>
    protected RegistryOptions BuildRegistryOptions() => new()
    {
        Credential = Credential is null || Credential == PSCredential.Empty ? null
            : new RegistryCredential(Credential.UserName, Credential.GetNetworkCredential().Password, "-Credential"),
        CertificatePath = CertificatePath is null ? null : GetUnresolvedProviderPathFromPSPath(CertificatePath),
        SkipCertificateCheck = SkipCertificateCheck,
        AllowInsecureHttp = AllowInsecureHttp,
        Mirrors = RegistryMirrors(this, RegistryMirror),
        Timeout = TimeSpan.FromSeconds(TimeoutSec),
        MaxResponseBytes = MaxResponseMB * 1024L * 1024,
    };

    /// <summary>The parameters above: given to a command, they say how to reach registries instead of what the input carries.</summary>
    protected static readonly string[] ConnectionParameters =
        [nameof(Credential), nameof(CertificatePath), nameof(SkipCertificateCheck), nameof(AllowInsecureHttp), nameof(RegistryMirror), nameof(TimeoutSec), nameof(MaxResponseMB)];

    /// <summary>The record with the user's value as its target (an image, a policy name) instead of what the engine named.</summary>
    protected static ErrorRecord WithTarget(ErrorRecord record, object? target) =>
        new(record.Exception, record.FullyQualifiedErrorId, record.CategoryInfo.Category, target) { ErrorDetails = record.ErrorDetails };

    /// <summary>A -RegistryMirror table as the engine takes it, <c>ocidir://</c> paths resolved from $PWD.</summary>
    internal static Dictionary<string, string>? RegistryMirrors(PSCmdlet cmdlet, Hashtable? table) =>
        table?.Cast<DictionaryEntry>().ToDictionary(
            e => e.Key.ToString()!,
            e => e.Value?.ToString() is { } url && OciLayoutSource.IsLayoutReference(url)
                ? OciLayoutSource.Scheme + cmdlet.GetUnresolvedProviderPathFromPSPath(url[OciLayoutSource.Scheme.Length..])
                : e.Value?.ToString() ?? "",
            StringComparer.OrdinalIgnoreCase);
}
