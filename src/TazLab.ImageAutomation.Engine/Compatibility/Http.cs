using System.Net;

namespace System.Net.Http;

/// <summary>.NET Core's HTTP names .NET Framework lacks (429 has no enum member there; Brotli is not offered).</summary>
internal static class HttpPolyfill
{
    extension(HttpStatusCode)
    {
        public static HttpStatusCode TooManyRequests => (HttpStatusCode)429;
    }

    extension(DecompressionMethods)
    {
        public static DecompressionMethods All => DecompressionMethods.GZip | DecompressionMethods.Deflate;
    }

    extension(HttpContent content)
    {
        /// <summary>The stream; .NET Framework cannot cancel getting it, so the token is checked first only.</summary>
        public Task<Stream> ReadAsStreamAsync(CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return content.ReadAsStreamAsync();
        }
    }
}

/// <summary>.NET 6's unvalidated header view: on .NET Framework, the headers themselves.</summary>
internal static class HttpHeadersPolyfill
{
    extension(System.Net.Http.Headers.HttpHeaders headers)
    {
        public System.Net.Http.Headers.HttpHeaders NonValidated => headers;
    }
}
