namespace System.Net.Http;

/// <summary>
/// .NET 8's classification of HTTP failures. .NET Framework does not classify them: every failure is
/// <see cref="HttpRequestError.Unknown"/> there, so only IOExceptions and socket resets count as transient, and a
/// plain-HTTP server behind an https:// address is reported as unreachable.
/// </summary>
internal enum HttpRequestError
{
    Unknown = 0,
    NameResolutionError,
    ConnectionError,
    SecureConnectionError,
    HttpProtocolError,
    ExtendedConnectNotSupported,
    VersionNegotiationError,
    UserAuthenticationError,
    ProxyTunnelError,
    InvalidResponse,
    ResponseEnded,
    ConfigurationLimitExceeded,
}

/// <summary>Never thrown on .NET Framework; declared so the classification compiles unchanged.</summary>
internal sealed class HttpIOException(HttpRequestError httpRequestError, string? message = null) : IOException(message)
{
    public HttpRequestError HttpRequestError { get; } = httpRequestError;
}

internal static class HttpErrorPolyfill
{
    extension(HttpRequestException exception)
    {
        public HttpRequestError HttpRequestError => HttpRequestError.Unknown;
    }
}
