namespace TazLab.ImageAutomation.Engine.Registry;

/// <summary>
/// A registry login: a user name and a password, personal access token or identity (refresh) token.
/// The engine's own type so it needs no PowerShell; the cmdlet converts a PSCredential into it.
/// </summary>
/// <remarks><see cref="ToString"/> never shows the secret, so the credential is safe to format into messages.</remarks>
public sealed class RegistryCredential
{
    public RegistryCredential(string username, string secret, string source = "the given credential", bool isIdentityToken = false)
    {
        ArgumentNullException.ThrowIfNull(username);
        ArgumentNullException.ThrowIfNull(secret);
        Username = username;
        Secret = secret;
        Source = source;
        IsIdentityToken = isIdentityToken;
    }

    public string Username { get; }

    /// <summary>The password or token. Only ever sent to a registry or its token service, never written anywhere.</summary>
    public string Secret { get; }

    /// <summary>Where the credential came from, for messages (<c>-Credential</c>, <c>docker config.json</c>, a helper name).</summary>
    public string Source { get; }

    /// <summary>An OAuth2 refresh token (docker's <c>identitytoken</c>, or a helper answering user <c>&lt;token&gt;</c>).</summary>
    public bool IsIdentityToken { get; }

    /// <summary>Identifies the credential in cache keys without revealing it.</summary>
    internal string CacheKey => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(
        System.Text.Encoding.UTF8.GetBytes($"{Username}\0{Secret}\0{IsIdentityToken}")));

    internal string BasicHeaderValue => Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{Username}:{Secret}"));

    public override string ToString() => IsIdentityToken ? $"identity token from {Source}" : $"user '{Username}' from {Source}";
}
