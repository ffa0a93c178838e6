using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;

namespace TazLab.ImageAutomation.Tests.Registry.Support;

/// <summary>
/// A token service for docker-registry's <c>auth.token</c>: RS256 JWTs with the signing certificate in <c>x5c</c>,
/// the claims distribution 2.8 checks, and the pull access asked for in <c>scope</c>.
/// Optionally demands Basic credentials (wrong ones get 401, or 403 DENIED without a challenge like ghcr.io).
/// </summary>
internal sealed class TokenIssuer : IAsyncDisposable
{
    public const string Service = "test-registry";
    public const string Issuer = "test-issuer";

    private readonly X509Certificate2 signer = TestCertificates.CreateSigningCertificate();
    private int issued;

    /// <param name="username">When set, these credentials get tokens (Basic, or the password as an OAuth2 refresh token).</param>
    /// <param name="anonymous">Whether requests without credentials get tokens; by default only when no username is set.</param>
    /// <param name="deniedWithoutChallenge">Wrong credentials get ghcr.io's answer: 403 DENIED without WWW-Authenticate.</param>
    public TokenIssuer(string? username = null, string? password = null, bool? anonymous = null, bool deniedWithoutChallenge = false)
    {
        var anonymousAllowed = anonymous ?? username is null;
        Server = new FakeRegistry(request =>
        {
            var expected = username is null ? null : "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{username}:{password}"));
            var refreshToken = request.Method == "POST" && request.Body.Contains("grant_type=refresh_token")
                ? Uri.UnescapeDataString(request.Body.Split('&').First(p => p.StartsWith("refresh_token=")).Split('=')[1]) : null;
            var presented = request.Authorization is not null || refreshToken is not null;
            var allowed = presented ? username is not null && (request.Authorization == expected || refreshToken == password) : anonymousAllowed;
            if (!allowed)
            {
                return presented && deniedWithoutChallenge
                    ? FakeResponse.Error(403, "DENIED", "requested access to the resource is denied")
                    : FakeResponse.Error(401, "UNAUTHORIZED", "authentication required");
            }

            Interlocked.Increment(ref issued);
            var scopes = request.Method == "POST"
                ? request.Body.Split('&').Where(p => p.StartsWith("scope=")).Select(p => Uri.UnescapeDataString(p[6..].Replace('+', ' ')))
                : request.Target.Split('?').ElementAtOrDefault(1)?.Split('&').Where(p => p.StartsWith("scope=")).Select(p => Uri.UnescapeDataString(p[6..])) ?? [];
            var token = Sign(scopes.ToList());
            IssuedTokens.Add(token);
            if (presented)
            {
                TokensForCredentials.Add(token);
            }
            return new FakeResponse(200, JsonSerializer.Serialize(new { token, access_token = token, expires_in = 300, issued_at = DateTimeOffset.UtcNow.ToString("O") }));
        });
    }

    public FakeRegistry Server { get; }

    public string Realm => new Uri(Server.BaseUri, "token").AbsoluteUri;

    public System.Collections.Concurrent.ConcurrentBag<string> IssuedTokens { get; } = [];

    public System.Collections.Concurrent.ConcurrentBag<string> TokensForCredentials { get; } = [];

    /// <summary>Tokens handed out so far.</summary>
    public int Issued => issued;

    /// <summary>The YAML for docker-registry's <c>auth</c> section; writes the root certificate bundle into <paramref name="directory"/>.</summary>
    public string RegistryAuthYaml(string directory)
    {
        var bundle = Path.Combine(directory, "token.crt");
        File.WriteAllText(bundle, signer.ExportCertificatePem());
        return $"""
            auth:
              token:
                realm: {Realm}
                service: {Service}
                issuer: {Issuer}
                rootcertbundle: {bundle}
            """;
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        signer.Dispose();
    }

    private string Sign(List<string> scopes)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var access = scopes.SelectMany(s => s.Split(' ')).Select(scope =>
        {
            // repository:<name>:<actions>; the name may hold a host:port, so split from both ends.
            var first = scope.IndexOf(':');
            var last = scope.LastIndexOf(':');
            return new { type = scope[..first], name = scope[(first + 1)..last], actions = scope[(last + 1)..].Split(',') };
        });
        var header = new { alg = "RS256", typ = "JWT", x5c = new[] { Convert.ToBase64String(signer.RawData) } };
        var claims = new { iss = Issuer, aud = Service, sub = "tester", exp = now + 300, nbf = now - 10, iat = now, jti = Guid.NewGuid().ToString("N"), access };
        var signingInput = $"{Base64Url(JsonSerializer.SerializeToUtf8Bytes(header))}.{Base64Url(JsonSerializer.SerializeToUtf8Bytes(claims))}";
        using var key = signer.GetRSAPrivateKey()!;
        var signature = key.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return signingInput + "." + Base64Url(signature);
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
