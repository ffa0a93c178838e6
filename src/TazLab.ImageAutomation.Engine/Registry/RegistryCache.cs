using System.Collections.Concurrent;

namespace TazLab.ImageAutomation.Engine.Registry;

/// <summary>
/// What the client learned about registries: which scheme a host speaks, which challenge it answers with,
/// and the tokens it issued. Shared across clients (and so across cmdlet calls in one session) by default.
/// Tokens are keyed by a hash of the credential, never by the credential itself.
/// </summary>
internal sealed class RegistryCache(TimeProvider time)
{
    /// <summary>Tokens are dropped this long before they expire, for clock skew and request time.</summary>
    private static readonly TimeSpan ExpirySkew = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<string, string> schemes = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, AuthChallenge> challenges = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<TokenKey, (string Token, DateTimeOffset ExpiresAt)> tokens = new();

    public static RegistryCache Shared { get; } = new(TimeProvider.System);

    public TimeProvider Time { get; } = time;

    public string? SchemeFor(string host) => schemes.TryGetValue(host, out var scheme) ? scheme : null;

    public void RememberScheme(string host, string scheme) => schemes[host] = scheme;

    public void ForgetScheme(string host) => schemes.TryRemove(host, out _);

    /// <param name="origin">scheme://host:port of the registry.</param>
    public AuthChallenge? ChallengeFor(string origin) => challenges.TryGetValue(origin, out var challenge) ? challenge : null;

    public void RememberChallenge(string origin, AuthChallenge challenge) => challenges[origin] = challenge;

    public void ForgetChallenge(string origin) => challenges.TryRemove(origin, out _);

    public string? TokenFor(TokenKey key) =>
        tokens.TryGetValue(key, out var cached) && cached.ExpiresAt - ExpirySkew > Time.GetUtcNow() ? cached.Token : null;

    public void RememberToken(TokenKey key, string token, DateTimeOffset expiresAt) => tokens[key] = (token, expiresAt);

    public void ForgetToken(TokenKey key) => tokens.TryRemove(key, out _);
}

/// <param name="Account">A hash of the credential, or empty for anonymous tokens.</param>
internal readonly record struct TokenKey(string Realm, string Service, string Scope, string Account);
