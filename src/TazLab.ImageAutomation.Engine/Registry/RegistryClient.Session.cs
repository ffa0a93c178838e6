using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using TazLab.ImageAutomation.Engine.Diagnostics;

namespace TazLab.ImageAutomation.Engine.Registry;

public sealed partial class RegistryClient
{
    /// <summary>One image's conversation with its registry: where, as whom, and the Authorization header in use.</summary>
    internal sealed class Session(RegistryClient client, ImageReference image, RequestSubject subject, string host, IEngineLog log, CancellationToken ct)
    {
        private readonly HashSet<string> secrets = new(StringComparer.Ordinal);
        private CancellationToken requestToken = ct;
        private RegistryCredential? credential;
        private string? authorization;

        public ImageReference Image { get; } = image;

        public RequestSubject Subject { get; } = subject;

        public IEngineLog Log { get; } = log;

        public CancellationToken CancellationToken { get; } = ct;

        public Uri BaseUri { get; set; } = null!;

        /// <summary>host[:port] contacted: the registry's API host or its mirror.</summary>
        public string Host { get; } = host;

        /// <summary>Whether the scheme came from what an earlier session learned rather than from a probe now.</summary>
        public bool SchemeRemembered { get; set; }

        public RegistryCredential? Credential
        {
            get => credential;
            set
            {
                credential = value;
                RememberSecrets(value?.Secret, value?.BasicHeaderValue);
            }
        }

        /// <summary>The header value sent with every request; a secret, so never logged.</summary>
        private string? Authorization
        {
            get => authorization;
            set
            {
                authorization = value;
                RememberSecrets(value, value?[(value.IndexOf(' ') + 1)..]);
            }
        }

        /// <summary>Server text made safe to show: without any secret this session sent (even one since dropped), escapes neutralised.</summary>
        public string Scrub(string? serverText)
        {
            lock (secrets)
            {
                return TextScrubber.Scrub(serverText, secrets);
            }
        }

        private void RememberSecrets(params string?[] values)
        {
            lock (secrets)
            {
                secrets.UnionWith(values.Where(v => !string.IsNullOrEmpty(v))!);
            }
        }

        private string Origin => BaseUri.GetLeftPart(UriPartial.Authority);

        private string Scope => $"repository:{Image.Repository}:pull";

        private RegistryOptions Options => client.options;

        public async Task<T> RunAsync<T>(Func<Session, Task<T>> work, TimeSpan timeout)
        {
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(CancellationToken);
            limit.CancelAfter(timeout);
            requestToken = limit.Token;
            try
            {
                return await work(this).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!CancellationToken.IsCancellationRequested)
            {
                throw TimedOut(timeout);
            }
        }

        public AutomationException TimedOut(TimeSpan timeout) =>
            new(ErrorKind.OperationTimeout, "RegistryTimeout",
                $"Registry {Subject.Name} did not finish answering for '{Image.Original}' within {timeout.TotalSeconds:0.#} s.",
                Image.Original, "Raise the registry timeout, or check the registry's health.") { Settings = [Setting.RegistryTimeout] };

        /// <summary>
        /// Sends one request, answering an authentication challenge when the registry raises one, and falling back
        /// to anonymous access once when credentials are refused with DENIED and no challenge (ghcr.io's answer to stale logins).
        /// </summary>
        public async Task<RegistryResponse> SendAsync(HttpMethod method, Uri uri, params string[] accept)
        {
            Authorization ??= await CachedAuthorizationAsync().ConfigureAwait(false);
            var answeredChallenge = false;
            while (true)
            {
                var authorization = Authorization;
                var response = await client.transport.SendAsync(() => Request(method, uri, accept, authorization), Options, Subject, Log,
                    Scrub, requestToken).ConfigureAwait(false);
                ReportRateLimit(response);
                if (response.Status == HttpStatusCode.Unauthorized && !answeredChallenge
                    && AuthChallenge.Preferred(AuthChallenge.Parse(response.Headers("WWW-Authenticate"))) is { } challenge)
                {
                    answeredChallenge = true;
                    Options.Cache.RememberChallenge(Origin, challenge.WithoutRequestDetails());
                    var answer = await AuthorizeAsync(challenge, fresh: true).ConfigureAwait(false);
                    if (answer is null || answer == authorization)
                    {
                        return response; // nothing new to answer with: no credential for Basic, or the same one refused
                    }

                    response.Dispose();
                    Authorization = answer;
                    continue;
                }

                if (IsDeniedWithoutChallenge(response) && Credential is not null)
                {
                    response.Dispose();
                    FallBackToAnonymous();
                    answeredChallenge = false;
                    Authorization = await CachedAuthorizationAsync().ConfigureAwait(false);
                    continue;
                }

                return response;
            }
        }

        private void FallBackToAnonymous()
        {
            Log.Warning($"Registry {Subject.Name} refused {Credential} with DENIED; listing '{Image.Original}' and other images there anonymously instead.");
            client.refusedCredentials[Host] = true;
            Credential = null;
            Authorization = null;
        }

        private static bool IsDeniedWithoutChallenge(RegistryResponse response) =>
            response.Status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden
            && !response.Headers("WWW-Authenticate").Any()
            && RegistryErrors(response.Body).Codes.Contains("DENIED", StringComparison.Ordinal);

        /// <summary>
        /// Authorization for a registry whose challenge is already known, so a warm session skips the 401 round trip.
        /// A remembered challenge that no longer works (the registry was reconfigured) is forgotten; the registry will say anew.
        /// </summary>
        private async Task<string?> CachedAuthorizationAsync()
        {
            if (Options.Cache.ChallengeFor(Origin) is not { } known)
            {
                return null;
            }

            try
            {
                return await AuthorizeAsync(known, fresh: false).ConfigureAwait(false);
            }
            catch (AutomationException)
            {
                Options.Cache.ForgetChallenge(Origin);
                return null;
            }
        }

        private async Task<string?> AuthorizeAsync(AuthChallenge challenge, bool fresh)
        {
            if (challenge.IsBasic)
            {
                return Credential is null ? null : "Basic " + Credential.BasicHeaderValue;
            }

            if (challenge["realm"] is not { } realmText || !Uri.TryCreate(realmText, UriKind.Absolute, out var realm)
                || (realm.Scheme != Uri.UriSchemeHttps && realm.Scheme != Uri.UriSchemeHttp))
            {
                throw new AutomationException(ErrorKind.AuthenticationError, "RegistryChallengeInvalid",
                    $"Registry {Subject.Name} asked for a token for '{Image.Original}' without naming a usable realm URL.",
                    Image.Original, "The registry's auth configuration is broken; report it to its operator.");
            }

            // The scope a challenge names (insufficient_scope) is asked for too; some token services read only the first.
            var scopes = new[] { Scope, challenge["scope"] ?? "" }.Where(s => s.Length > 0).Distinct().ToArray();
            var service = challenge["service"] ?? "";
            var key = new TokenKey(realm.AbsoluteUri, service, string.Join(" ", scopes), Credential?.CacheKey ?? "");
            if (fresh)
            {
                Options.Cache.ForgetToken(key);
            }
            else if (Options.Cache.TokenFor(key) is { } cached)
            {
                return "Bearer " + cached;
            }

            var token = await FetchTokenAsync(realm, service, scopes, key).ConfigureAwait(false);
            return "Bearer " + token;
        }

        private async Task<string> FetchTokenAsync(Uri realm, string service, string[] scopes, TokenKey key)
        {
            if (Credential is not null && realm.Scheme == Uri.UriSchemeHttp && !Options.AllowInsecureHttp && !RegistryMirrors.IsLoopback(realm.Authority))
            {
                throw new AutomationException(ErrorKind.AuthenticationError, "RegistryRealmInsecure",
                    $"Registry {Subject.Name} wants credentials sent to the plain-HTTP token service {Scrub(realm.GetLeftPart(UriPartial.Path))}; refused.",
                    Image.Original, "Use a registry whose token service is HTTPS, or allow plain HTTP if you accept sending the password unencrypted.")
                { Settings = [Setting.InsecureHttp] };
            }

            Log.Verbose(Scrub($"Token for {string.Join(" ", scopes)} from {realm.GetLeftPart(UriPartial.Path)}") + $" ({(Credential is null ? "anonymous" : Credential.ToString())}).");
            using var response = await client.transport.SendAsync(() => TokenRequest(realm, service, scopes), Options,
                Subject with { TokenService = realm.GetLeftPart(UriPartial.Path) }, Log, Scrub, requestToken).ConfigureAwait(false);
            if (response.Status != HttpStatusCode.OK)
            {
                if (Credential is not null && IsDeniedWithoutChallenge(response))
                {
                    FallBackToAnonymous();
                    return await FetchTokenAsync(realm, service, scopes, key with { Account = "" }).ConfigureAwait(false);
                }

                throw TokenFailure(realm, response);
            }

            var (token, expiresAt) = ReadToken(response.Body);
            Options.Cache.RememberToken(key, token, expiresAt);
            return token;
        }

        private HttpRequestMessage TokenRequest(Uri realm, string service, string[] scopes)
        {
            var fields = new List<KeyValuePair<string, string>>();
            if (service.Length > 0)
            {
                fields.Add(new("service", service));
            }

            fields.AddRange(scopes.Select(s => new KeyValuePair<string, string>("scope", s)));
            if (Credential is { IsIdentityToken: true })
            {
                // docker's identity token is an OAuth2 refresh token (distribution oauth.md).
                fields.AddRange([new("grant_type", "refresh_token"), new("client_id", "tazlab-imageautomation"), new("refresh_token", Credential.Secret)]);
                return new HttpRequestMessage(HttpMethod.Post, realm) { Content = new FormUrlEncodedContent(fields) };
            }

            if (Credential is not null)
            {
                fields.Add(new("account", Credential.Username));
            }

            var query = string.Join("&", fields.Select(f => $"{Uri.EscapeDataString(f.Key)}={Uri.EscapeDataString(f.Value)}"));
            var request = new HttpRequestMessage(HttpMethod.Get, new Uri(realm + (realm.Query.Length > 0 ? "&" : "?") + query));
            if (Credential is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Credential.BasicHeaderValue);
            }

            return request;
        }

        private (string Token, DateTimeOffset ExpiresAt) ReadToken(byte[] body)
        {
            try
            {
                using var json = JsonDocument.Parse(body);
                var root = json.RootElement;
                string? Text(string name) => root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
                var token = Text("token") is { Length: > 0 } t ? t : Text("access_token");
                if (string.IsNullOrEmpty(token))
                {
                    throw new JsonException("no token");
                }

                // expires_in defaults to 60 s and is never less (distribution token.md); issued_at defaults to now.
                var lifetime = root.TryGetProperty("expires_in", out var e) && e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out var seconds)
                    ? Math.Max(seconds, 60) : 60;
                var now = Options.Cache.Time.GetUtcNow();
                var issued = Text("issued_at") is { } at && DateTimeOffset.TryParse(at, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var parsed) && parsed < now ? parsed : now;
                return (token, issued.AddSeconds(lifetime));
            }
            catch (JsonException)
            {
                throw new AutomationException(ErrorKind.AuthenticationError, "RegistryTokenMissing",
                    $"The token service of registry {Subject.Name} answered without a token for '{Image.Original}'.",
                    Image.Original, "The registry's token service is misbehaving; retry later or report it.");
            }
        }

        private AutomationException TokenFailure(Uri realm, RegistryResponse response)
        {
            var service = realm.GetLeftPart(UriPartial.Path);
            if (response.Status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                return new AutomationException(ErrorKind.AuthenticationError, "RegistryAuthenticationFailed",
                    $"The token service {Scrub(service)} of registry {Subject.Name} refused {(Credential is null ? "anonymous access" : Credential.ToString())} for '{Image.Original}' ({Scrub($"{(int)response.Status} {response.Message.ReasonPhrase}")}).",
                    Image.Original, Credential is null
                        ? "Give a registry credential, or log in with 'docker login' so config.json holds credentials for this registry."
                        : "Check the user name and password or token.")
                { Settings = [Setting.RegistryCredential] };
            }

            return Failure(this, response, "get a token to read", $"the token service {Scrub(service)} of registry {Subject.Name}");
        }

        private void ReportRateLimit(RegistryResponse response)
        {
            if (response.Header("ratelimit-remaining") is { } remaining)
            {
                var limit = response.Header("ratelimit-limit");
                Log.Verbose(Scrub($"Docker Hub pull limit: {remaining.Split(';')[0]} left{(limit is null ? "" : $" of {limit.Split(';')[0]}")} (window {remaining.Split(";w=").ElementAtOrDefault(1) ?? "?"} s)."));
            }
        }

        private static HttpRequestMessage Request(HttpMethod method, Uri uri, string[] accept, string? authorization)
        {
            var request = new HttpRequestMessage(method, uri);
            foreach (var type in accept)
            {
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(type));
            }

            if (authorization is not null)
            {
                request.Headers.TryAddWithoutValidation("Authorization", authorization);
            }

            return request;
        }
    }
}
