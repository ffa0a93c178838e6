using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using TazLab.ImageAutomation.Engine.Diagnostics;

namespace TazLab.ImageAutomation.Engine.Registry;

/// <summary>
/// HTTP for registries: pooled clients per TLS setting (connection reuse matters when a session lists many images),
/// certificate checks with an extra CA, and retries with backoff. Responses are read whole, so a connection
/// dropped mid-body is retried like one dropped before the headers.
/// </summary>
internal sealed class RegistryTransport
{
    private static readonly ConcurrentDictionary<(string? CaPath, bool Skip), RegistryTransport> Pool = new();
    private static readonly HttpRequestOptionsKey<string> CertificateProblem = new("TazLab.ImageAutomation.CertificateProblem");
    private static readonly HashSet<HttpStatusCode> RetriedStatuses =
    [
        HttpStatusCode.RequestTimeout, HttpStatusCode.TooManyRequests, HttpStatusCode.BadGateway,
        HttpStatusCode.ServiceUnavailable, HttpStatusCode.GatewayTimeout,
    ];

    private readonly HttpClient http;

    private RegistryTransport(X509Certificate2Collection? extraRoots, bool skipCertificateCheck)
    {
        var handler = new HttpClientHandler
        {
            AutomaticDecompression = DecompressionMethods.All,
            // .NET drops the Authorization header when following a redirect, so credentials never follow one.
            AllowAutoRedirect = true,
            ServerCertificateCustomValidationCallback = (request, certificate, chain, errors) =>
            {
                if (skipCertificateCheck || errors == SslPolicyErrors.None
                    || (errors == SslPolicyErrors.RemoteCertificateChainErrors && ChainsTo(certificate, chain, extraRoots)))
                {
                    return true;
                }

                request.Options.Set(CertificateProblem, errors.ToString());
                return false;
            },
        };
        http = new HttpClient(handler) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
    }

    public static RegistryTransport For(RegistryOptions options)
    {
        var caPath = options.CertificatePath is null ? null : Path.GetFullPath(options.CertificatePath);
        var roots = caPath is null ? null : LoadCertificates(caPath);
        return Pool.GetOrAdd((caPath, options.SkipCertificateCheck), key => new RegistryTransport(roots, key.Skip));
    }

    /// <summary>
    /// Sends the request built by <paramref name="build"/> (once per attempt), retrying transient failures.
    /// A retryable status that outlives the retries is returned for the caller to report.
    /// </summary>
    public async Task<RegistryResponse> SendAsync(Func<HttpRequestMessage> build, RetryOptions retry, RequestSubject subject,
        IEngineLog log, TimeProvider time, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            using var request = build();
            HttpResponseMessage? response = null;
            try
            {
                response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
                var body = await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
                var result = new RegistryResponse(response, body);
                response = null;
                if (!RetriedStatuses.Contains(result.Status) || attempt >= retry.MaxRetries)
                {
                    return result;
                }

                var delay = RetryAfter(result, time) ?? Backoff(retry, attempt);
                if (delay > retry.MaxRetryAfter)
                {
                    log.Verbose($"Registry {subject.Name} answered {(int)result.Status} and asks to wait {delay.TotalSeconds:0} s, longer than the {retry.MaxRetryAfter.TotalSeconds:0} s allowed; giving up.");
                    return result;
                }

                result.Dispose();
                log.Verbose($"Registry {subject.Name} answered {(int)result.Status}; retry {attempt + 1} of {retry.MaxRetries} in {delay.TotalSeconds:0.##} s.");
                await Task.Delay(delay, time, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpRequestException or IOException && !ct.IsCancellationRequested)
            {
                response?.Dispose();
                if (!IsTransient(e) || attempt >= retry.MaxRetries || request.Options.TryGetValue(CertificateProblem, out _))
                {
                    throw Describe(subject, e, request);
                }

                var delay = Backoff(retry, attempt);
                log.Verbose($"Connection to {subject.Name} failed ({e.Message}); retry {attempt + 1} of {retry.MaxRetries} in {delay.TotalSeconds:0.##} s.");
                await Task.Delay(delay, time, ct).ConfigureAwait(false);
            }
        }
    }

    /// <summary>True when TLS could not start because the server speaks plain HTTP, not because its certificate was refused.</summary>
    public static bool IsPlainHttpServer(Exception e, HttpRequestMessage request) =>
        e is HttpRequestException { HttpRequestError: HttpRequestError.SecureConnectionError }
        && !request.Options.TryGetValue(CertificateProblem, out _);

    /// <summary>The error for a request that got no HTTP answer: an untrusted certificate, or no connection at all.</summary>
    public static AutomationException Describe(RequestSubject subject, Exception e, HttpRequestMessage request) =>
        request.Options.TryGetValue(CertificateProblem, out var problem)
            ? new(ErrorKind.ConnectionError, "RegistryCertificateUntrusted",
                $"The TLS certificate of registry {subject.Name} is not trusted ({problem}) for image '{subject.Image}'.",
                subject.Image, "Trust the CA certificate that signed it, or skip the certificate check to accept any certificate.")
                { Settings = [Setting.RegistryCertificate, Setting.SkipCertificateCheck] }
            : new(ErrorKind.ConnectionError, "RegistryUnreachable",
                $"Cannot reach registry {subject.Name} for image '{subject.Image}': {e.Message}",
                subject.Image, "Check that the registry is running and that the host and port are right.", e);

    public HttpClient Http => http;

    private static bool IsTransient(Exception e)
    {
        if (e is HttpRequestException { HttpRequestError: HttpRequestError.ResponseEnded } or IOException)
        {
            return true;
        }

        for (var inner = e.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (inner is SocketException { SocketErrorCode: SocketError.ConnectionReset or SocketError.ConnectionAborted }
                || inner is HttpIOException { HttpRequestError: HttpRequestError.ResponseEnded })
            {
                return true;
            }
        }

        return false;
    }

    private static TimeSpan Backoff(RetryOptions retry, int attempt)
    {
        var exponential = Math.Min(retry.MaxDelay.TotalMilliseconds, retry.BaseDelay.TotalMilliseconds * Math.Pow(2, attempt));
        // Full-range jitter in [50 %, 100 %] so concurrent listings do not retry in lockstep.
        return TimeSpan.FromMilliseconds(exponential * (0.5 + (Random.Shared.NextDouble() / 2)));
    }

    private static TimeSpan? RetryAfter(RegistryResponse response, TimeProvider time)
    {
        var header = response.Message.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        if (header?.Date is { } date)
        {
            var wait = date - time.GetUtcNow();
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        return null;
    }

    private static bool ChainsTo(X509Certificate? certificate, X509Chain? presented, X509Certificate2Collection? roots)
    {
        if (roots is null || certificate is null)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (presented is not null)
        {
            foreach (var element in presented.ChainElements)
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        using var leaf = new X509Certificate2(certificate);
        return chain.Build(leaf);
    }

    private static X509Certificate2Collection LoadCertificates(string path)
    {
        var certificates = new X509Certificate2Collection();
        try
        {
            certificates.ImportFromPemFile(path);
            if (certificates.Count == 0)
            {
                certificates.Import(path);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            throw new AutomationException(ErrorKind.InvalidArgument, "CertificateFileInvalid",
                $"Cannot read CA certificates from '{path}': {e.Message}", path,
                "Give a readable PEM or DER file holding the registry's CA certificate.", e) { Settings = [Setting.RegistryCertificate] };
        }

        if (certificates.Count == 0)
        {
            throw new AutomationException(ErrorKind.InvalidArgument, "CertificateFileInvalid",
                $"'{path}' holds no certificate.", path, "Give a PEM or DER file holding the registry's CA certificate.")
                { Settings = [Setting.RegistryCertificate] };
        }

        return certificates;
    }
}

/// <summary>What a request is for, to name it in messages.</summary>
/// <param name="Mirror">The mirror actually contacted, if any.</param>
internal sealed record RequestSubject(string Image, string Registry, Uri? Mirror = null)
{
    /// <summary>The registry quoted for messages, with the mirror when one is used.</summary>
    public string Name => Mirror is null ? $"'{Registry}'" : $"'{Registry}' (mirror {Mirror.GetLeftPart(UriPartial.Authority)})";
}

/// <summary>A response whose body has been read in full.</summary>
internal sealed class RegistryResponse(HttpResponseMessage message, byte[] body) : IDisposable
{
    public HttpResponseMessage Message { get; } = message;

    public byte[] Body { get; } = body;

    public HttpStatusCode Status => Message.StatusCode;

    public string? Header(string name) =>
        Message.Headers.NonValidated.TryGetValues(name, out var values) ? values.FirstOrDefault()
        : Message.Content.Headers.NonValidated.TryGetValues(name, out var content) ? content.FirstOrDefault() : null;

    public IEnumerable<string> Headers(string name) =>
        Message.Headers.NonValidated.TryGetValues(name, out var values) ? values : [];

    public void Dispose() => Message.Dispose();
}
