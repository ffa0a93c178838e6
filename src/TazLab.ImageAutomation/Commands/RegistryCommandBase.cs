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
    public PSCredential? Credential { get; set; }

    /// <summary>A PEM or DER file with CA certificates to trust besides the system's.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? CertificatePath { get; set; }

    /// <summary>Accept any TLS certificate.</summary>
    [Parameter]
    public SwitchParameter SkipCertificateCheck { get; set; }

    /// <summary>Allow plain HTTP to registries that are not on loopback (Flux's <c>insecure</c>).</summary>
    [Parameter]
    public SwitchParameter AllowInsecureHttp { get; set; }

    /// <summary>Registry → mirror URL, e.g. <c>@{ 'docker.io' = 'https://mirror.example:5000' }</c>.</summary>
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
    protected RegistryOptions BuildRegistryOptions(IReadOnlyList<string>? excludePatterns = null) => new()
    {
        Credential = Credential is null || Credential == PSCredential.Empty ? null
            : new RegistryCredential(Credential.UserName, Credential.GetNetworkCredential().Password),
        CertificatePath = CertificatePath is null ? null : GetUnresolvedProviderPathFromPSPath(CertificatePath),
        SkipCertificateCheck = SkipCertificateCheck,
        AllowInsecureHttp = AllowInsecureHttp,
        ExcludePatterns = excludePatterns,
        Mirrors = RegistryMirror?.Cast<DictionaryEntry>().ToDictionary(e => e.Key.ToString()!, e => e.Value?.ToString() ?? "", StringComparer.OrdinalIgnoreCase),
        Timeout = TimeSpan.FromSeconds(TimeoutSec),
        MaxResponseBytes = MaxResponseMB * 1024L * 1024,
    };
}
