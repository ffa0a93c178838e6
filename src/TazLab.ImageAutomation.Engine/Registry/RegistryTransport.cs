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
    /// <param name="scrub">Makes server text (here: exception messages) safe to log.</param>
    /// <exception cref="AutomationException">No answer, or a body above <see cref="RegistryOptions.MaxResponseBytes"/> (nothing of it is kept).</exception>
    public async Task<RegistryResponse> SendAsync(Func<HttpRequestMessage> build, RegistryOptions options, RequestSubject subject,
        IEngineLog log, Func<string?, string> scrub, CancellationToken ct)
    {
        var retry = options.Retry;
        var time = options.Cache.Time;
        for (var attempt = 0; ; attempt++)
        {
            using var request = build();
            HttpResponseMessage? response = null;
            try
            {
                response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
                var body = await ReadBodyAsync(response, options.MaxResponseBytes, subject, ct).ConfigureAwait(false);
                var result = new RegistryResponse(response, body);
                response = null;
                if (!RetriedStatuses.Contains(result.Status) || attempt >= retry.MaxRetries)
                {
                    return result;
                }

                var delay = RetryAfter(result, time) ?? Backoff(retry, attempt);
                if (delay > retry.MaxRetryAfter)
                {
                    log.Verbose($"{Capitalised(subject.Server)} answered {(int)result.Status} and asks to wait {delay.TotalSeconds:0} s, longer than the {retry.MaxRetryAfter.TotalSeconds:0} s allowed; giving up.");
                    return result;
                }

                result.Dispose();
                log.Verbose($"{Capitalised(subject.Server)} answered {(int)result.Status}; retry {attempt + 1} of {retry.MaxRetries} in {delay.TotalSeconds:0.##} s.");
                await WaitToRetryAsync(delay, $"Answered {(int)result.Status}", attempt, subject, options, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpRequestException or IOException && !ct.IsCancellationRequested)
            {
                response?.Dispose();
                if (!IsTransient(e) || attempt >= retry.MaxRetries || request.Options.TryGetValue(CertificateProblem, out _))
                {
                    throw Describe(subject, e, request, scrub);
                }

                var delay = Backoff(retry, attempt);
                log.Verbose($"Connection to {subject.Server} failed ({scrub(e.Message)}); retry {attempt + 1} of {retry.MaxRetries} in {delay.TotalSeconds:0.##} s.");
                await WaitToRetryAsync(delay, "Connection failed", attempt, subject, options, ct).ConfigureAwait(false);
            }
            catch
            {
                response?.Dispose();
                throw;
            }
        }
    }

    /// <summary>The wait before retry <paramref name="attempt"/> + 1, shown as a progress bar of its own while it lasts.</summary>
    private static async Task WaitToRetryAsync(TimeSpan delay, string why, int attempt, RequestSubject subject, RegistryOptions options, CancellationToken ct)
    {
        var activity = $"Waiting for {subject.Server} ('{subject.Image}')";
        options.Progress?.Report(new ProgressReport(activity) { Status = $"{why}; retrying in {delay.TotalSeconds:0.#} s (retry {attempt + 1} of {options.Retry.MaxRetries})" });
        using var finished = options.Progress.FinishedAtEnd(activity);
        await Task.Delay(delay, options.Cache.Time, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// The whole body, or a LimitsExceeded error as soon as it is known to exceed <paramref name="limit"/>: from
    /// Content-Length before reading, else after reading one byte past the limit (decompressed bytes count).
    /// </summary>
    private static async Task<byte[]> ReadBodyAsync(HttpResponseMessage response, long limit, RequestSubject subject, CancellationToken ct)
    {
        if (response.RequestMessage?.Method == HttpMethod.Head)
        {
            return []; // its Content-Length is the size of the body a GET would get
        }

        if (response.Content.Headers.ContentLength is { } announced && announced > limit)
        {
            throw TooLarge(subject, limit, $" (it announced {announced} bytes)");
        }

        using var stream = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        if (response.Content.Headers.ContentLength is { } length)
        {
            // The usual case: read straight into a buffer of the announced size, no copies. A body that ends early
            // fails the read (retried as a dropped connection); HttpClient never hands over more than announced.
            var exact = new byte[length];
            await stream.ReadExactlyAsync(exact, ct).ConfigureAwait(false);
            return exact;
        }

        using var body = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, ct).ConfigureAwait(false)) > 0)
        {
            if (body.Length + read > limit)
            {
                throw TooLarge(subject, limit, "");
            }

            body.Write(chunk, 0, read);
        }

        return body.ToArray();
    }

    private static AutomationException TooLarge(RequestSubject subject, long limit, string announced) =>
        new(ErrorKind.LimitsExceeded, "RegistryResponseTooLarge",
            $"{Capitalised(subject.Server)} sent a response larger than the {limit}-byte limit{announced} for image '{subject.Image}'; it was not read, and nothing is listed for the image.",
            subject.Image, "If the registry really holds that many tags, raise the response limit; otherwise the registry or a proxy in between is misbehaving.")
        { Settings = [Setting.MaxResponseSize] };

    private static string Capitalised(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];

    /// <summary>True when TLS could not start because the server speaks plain HTTP, not because its certificate was refused.</summary>
    public static bool IsPlainHttpServer(Exception e, HttpRequestMessage request) =>
        e is HttpRequestException { HttpRequestError: HttpRequestError.SecureConnectionError }
        && !request.Options.TryGetValue(CertificateProblem, out _);

    /// <summary>The error for a request that got no HTTP answer: an untrusted certificate, or no connection at all; naming the server that failed.</summary>
    public static AutomationException Describe(RequestSubject subject, Exception e, HttpRequestMessage request, Func<string?, string> scrub) =>
        request.Options.TryGetValue(CertificateProblem, out var problem)
            ? new(ErrorKind.ConnectionError, "RegistryCertificateUntrusted",
                $"The TLS certificate of {subject.Server} is not trusted ({problem}) for image '{subject.Image}'.",
                subject.Image, "Trust the CA certificate that signed it, or skip the certificate check to accept any certificate.")
                { Settings = [Setting.RegistryCertificate, Setting.SkipCertificateCheck] }
            : new(ErrorKind.ConnectionError, "RegistryUnreachable",
                $"Cannot reach {subject.Server} for image '{subject.Image}': {scrub(e.Message)}",
                subject.Image, subject.TokenService is null
                    ? "Check that the registry is running and that the host and port are right."
                    : "Check that the token service the registry names is running and reachable from here.", e);

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
                // DER, as on every target (net10.0 calls Import obsolete in favour of X509CertificateLoader, which net8.0 and net472 lack).
#pragma warning disable SYSLIB0057
                certificates.Import(path);
#pragma warning restore SYSLIB0057
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
/// <param name="TokenService">The token service's URL when the request goes there rather than to the registry.</param>
internal sealed record RequestSubject(string Image, string Registry, Uri? Mirror = null, string? TokenService = null)
{
    /// <summary>The registry quoted for messages, with the mirror when one is used.</summary>
    public string Name => Mirror is null ? $"'{Registry}'" : $"'{Registry}' (mirror {Mirror.GetLeftPart(UriPartial.Authority)})";

    /// <summary>The server a request goes to, for messages: <c>registry 'r'</c>, or <c>token service URL of registry 'r'</c>.</summary>
    public string Server => TokenService is null ? $"registry {Name}" : $"token service {TextScrubber.Scrub(TokenService)} of registry {Name}";
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
