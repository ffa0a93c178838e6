using TazLab.ImageAutomation.Engine.Diagnostics;

namespace TazLab.ImageAutomation.Engine.Registry;

/// <summary>How a <see cref="RegistryClient"/> reaches registries: credentials, TLS, mirrors, limits.</summary>
public sealed record RegistryOptions
{
    /// <summary>Used for every registry when given; otherwise docker's config.json is consulted, then anonymous access.</summary>
    public RegistryCredential? Credential { get; init; }

    /// <summary>A PEM (or DER) file with CA certificates trusted in addition to the system's.</summary>
    public string? CertificatePath { get; init; }

    /// <summary>Accept any TLS certificate. Explicit and never the default.</summary>
    public bool SkipCertificateCheck { get; init; }

    /// <summary>Allow plain HTTP to any registry (Flux's <c>insecure</c>); loopback registries may use it anyway.</summary>
    public bool AllowInsecureHttp { get; init; }

    /// <summary>How long one image may take, all pages, token requests and retries included.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Registry (<c>docker.io</c>, <c>ghcr.io</c>, <c>host:port</c>) → mirror base URL to list it from instead.
    /// <see cref="TagSource"/> also accepts <c>ocidir://&lt;directory&gt;</c>: one OCI layout per repository below it.</summary>
    public IReadOnlyDictionary<string, string>? Mirrors { get; init; }

    /// <summary>The default <see cref="MaxResponseBytes"/>: a single page of a million 128-character tags fits.</summary>
    public const long DefaultMaxResponseBytes = 128L * 1024 * 1024;

    /// <summary>The largest response body read; a larger one fails the image with LimitsExceeded, nothing of it used.</summary>
    public long MaxResponseBytes { get; init; } = DefaultMaxResponseBytes;

    /// <summary>Tag-list pages followed per image before stopping with a warning.</summary>
    public int MaxPages { get; init; } = 1000;

    public RetryOptions Retry { get; init; } = new();

    /// <summary>Where pages listed and retry waits are reported (from worker threads); null reports nothing.</summary>
    public IProgress<ProgressReport>? Progress { get; init; }

    /// <summary>Environment lookup (DOCKER_CONFIG, HOME, PATH); replaceable so tests need not touch the process environment.</summary>
    internal Func<string, string?> GetEnvironmentVariable { get; init; } = Environment.GetEnvironmentVariable;

    /// <summary>Schemes, challenges and tokens learned so far; shared by default so a warm session skips the handshakes.</summary>
    internal RegistryCache Cache { get; init; } = RegistryCache.Shared;
}

/// <summary>Retries of 408, 429, 502, 503, 504 and dropped connections, with exponential backoff and jitter.</summary>
public sealed record RetryOptions
{
    public int MaxRetries { get; init; } = 4;

    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest <c>Retry-After</c> honoured; a registry asking for more fails the image at once.</summary>
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromSeconds(60);
}
