using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using TazLab.ImageAutomation.Engine.Diagnostics;

namespace TazLab.ImageAutomation.Engine.Registry;

/// <summary>Lists tags through the OCI distribution API (<c>GET /v2/&lt;name&gt;/tags/list</c>).</summary>
public sealed class RegistryClient
{
    private const int PageSize = 1000;
    private const int MaxPages = 10_000;

    // One pooled client for the process: connection reuse matters when a runbook lists many images.
    private static readonly HttpClient SharedHttp = new(new SocketsHttpHandler
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        AutomaticDecompression = DecompressionMethods.All,
    })
    {
        Timeout = System.Threading.Timeout.InfiniteTimeSpan,
    };

    private readonly HttpClient http;
    private readonly IEngineLog log;

    public RegistryClient(IEngineLog? log = null, HttpClient? http = null)
    {
        this.http = http ?? SharedHttp;
        this.log = log ?? NullEngineLog.Instance;
    }

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    public async Task<IReadOnlyList<ListedTag>> ListTagsAsync(ImageReference image, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        var baseUri = new Uri($"{SchemeFor(image.ApiHost)}://{image.ApiHost}/");
        var next = new Uri(baseUri, $"v2/{image.Repository}/tags/list?n={PageSize}");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var tags = new List<ListedTag>();
        string? bearer = null;
        try
        {
            for (var page = 0; next is not null; page++)
            {
                if (page == MaxPages)
                {
                    log.Warning($"Stopped listing '{image.Original}' after {MaxPages} pages.");
                    break;
                }

                log.Verbose($"GET {next}");
                var (response, token) = await SendAsync(image, next, bearer, timeout.Token).ConfigureAwait(false);
                bearer = token;
                using (response)
                {
                    await EnsureSuccessAsync(image, response).ConfigureAwait(false);
                    foreach (var tag in await ReadTagsAsync(image, response, timeout.Token).ConfigureAwait(false))
                    {
                        if (seen.Add(tag))
                        {
                            tags.Add(new ListedTag(image.Original, image.Canonical, image.Registry, image.Repository, tag, null));
                        }
                    }

                    next = NextPage(next, response);
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new AutomationException(ErrorKind.OperationTimeout, "RegistryTimeout",
                $"Listing tags of '{image.Original}' at registry '{image.Registry}' took longer than {Timeout.TotalSeconds:0.#} s.",
                image.Original, "Raise -TimeoutSec, or check the registry's health.");
        }
        catch (HttpRequestException e)
        {
            throw new AutomationException(ErrorKind.ConnectionError, "RegistryUnreachable",
                $"Cannot reach registry '{image.Registry}' to list tags of '{image.Original}': {e.Message}",
                image.Original, "Check that the registry is running and that the host and port are right.", e);
        }

        return tags;
    }

    internal static string SchemeFor(string host)
    {
        var hostOnly = host.StartsWith('[') ? host[..(host.IndexOf(']') + 1)] : host.Split(':')[0];
        var loopback = hostOnly is "localhost" or "[::1]" || hostOnly.EndsWith(".localhost", StringComparison.Ordinal)
            || (IPAddress.TryParse(hostOnly.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
        return loopback ? "http" : "https";
    }

    private async Task<(HttpResponseMessage Response, string? Bearer)> SendAsync(
        ImageReference image, Uri uri, string? bearer, CancellationToken ct)
    {
        var response = await http.SendAsync(Get(uri, bearer), HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Unauthorized || bearer is not null)
        {
            return (response, bearer);
        }

        var challenge = response.Headers.WwwAuthenticate.FirstOrDefault(h => h.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase));
        if (challenge?.Parameter is null)
        {
            return (response, bearer);
        }

        response.Dispose();
        var token = await FetchAnonymousTokenAsync(image, challenge.Parameter, ct).ConfigureAwait(false);
        var retried = await http.SendAsync(Get(uri, token), HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
        return (retried, token);
    }

    private async Task<string> FetchAnonymousTokenAsync(ImageReference image, string challenge, CancellationToken ct)
    {
        var parameters = ParseChallengeParameters(challenge);
        if (!parameters.TryGetValue("realm", out var realm))
        {
            throw new AutomationException(ErrorKind.AuthenticationError, "RegistryChallengeInvalid",
                $"Registry '{image.Registry}' asked for a token without naming a realm.", image.Original);
        }

        var query = new List<string>();
        if (parameters.TryGetValue("service", out var service))
        {
            query.Add("service=" + Uri.EscapeDataString(service));
        }

        query.Add("scope=" + Uri.EscapeDataString($"repository:{image.Repository}:pull"));
        var tokenUri = new Uri(realm + (realm.Contains('?') ? "&" : "?") + string.Join("&", query));
        log.Verbose($"GET {tokenUri.GetLeftPart(UriPartial.Path)} (anonymous token)");
        using var response = await http.GetAsync(tokenUri, ct).ConfigureAwait(false);
        await EnsureSuccessAsync(image, response).ConfigureAwait(false);
        using var json = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false), cancellationToken: ct).ConfigureAwait(false);
        foreach (var name in new[] { "token", "access_token" })
        {
            if (json.RootElement.TryGetProperty(name, out var value) && value.GetString() is { Length: > 0 } token)
            {
                return token;
            }
        }

        throw new AutomationException(ErrorKind.AuthenticationError, "RegistryTokenMissing",
            $"The token service of registry '{image.Registry}' answered without a token.", image.Original);
    }

    internal static Dictionary<string, string> ParseChallengeParameters(string parameter)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var i = 0;
        while (i < parameter.Length)
        {
            while (i < parameter.Length && (parameter[i] == ',' || char.IsWhiteSpace(parameter[i]))) i++;
            var eq = parameter.IndexOf('=', i);
            if (eq < 0) break;
            var key = parameter[i..eq].Trim();
            i = eq + 1;
            string value;
            if (i < parameter.Length && parameter[i] == '"')
            {
                var sb = new System.Text.StringBuilder();
                for (i++; i < parameter.Length && parameter[i] != '"'; i++)
                {
                    if (parameter[i] == '\\' && i + 1 < parameter.Length) i++;
                    sb.Append(parameter[i]);
                }

                i++;
                value = sb.ToString();
            }
            else
            {
                var end = parameter.IndexOf(',', i);
                if (end < 0) end = parameter.Length;
                value = parameter[i..end].Trim();
                i = end;
            }

            result[key] = value;
        }

        return result;
    }

    private static HttpRequestMessage Get(Uri uri, string? bearer)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return request;
    }

    private static async Task EnsureSuccessAsync(ImageReference image, HttpResponseMessage response)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var body = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
        var code = RegistryErrorCode(body);
        var where = $"registry '{image.Registry}' for image '{image.Original}'";
        var status = $"{(int)response.StatusCode} {response.ReasonPhrase}{(code is null ? "" : $" ({code})")}";
        throw response.StatusCode switch
        {
            HttpStatusCode.Unauthorized => new AutomationException(ErrorKind.AuthenticationError, "RegistryAuthenticationFailed",
                $"Authentication failed at {where}: {status}.", image.Original, "Pass -Credential or log in with 'docker login'."),
            HttpStatusCode.Forbidden => new AutomationException(ErrorKind.PermissionDenied, "RegistryPermissionDenied",
                $"Access denied at {where}: {status}.", image.Original, "Check that the account may pull this repository."),
            HttpStatusCode.NotFound => new AutomationException(ErrorKind.ObjectNotFound, "RegistryRepositoryNotFound",
                $"Repository not found at {where}: {status}.", image.Original, "Check the image name for typos."),
            HttpStatusCode.TooManyRequests => new AutomationException(ErrorKind.LimitsExceeded, "RegistryRateLimited",
                $"Rate limited by {where}: {status}.", image.Original, "Wait and try again, or authenticate to get a higher limit."),
            _ => new AutomationException(ErrorKind.ConnectionError, "RegistryRequestFailed",
                $"Request to {where} failed: {status}.", image.Original, null),
        };
    }

    private static string? RegistryErrorCode(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array)
            {
                return string.Join(", ", errors.EnumerateArray()
                    .Select(e => e.TryGetProperty("code", out var c) ? c.GetString() : null)
                    .Where(c => c is not null));
            }
        }
        catch (JsonException)
        {
        }

        return null;
    }

    private static async Task<IEnumerable<string>> ReadTagsAsync(ImageReference image, HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            using var json = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false), cancellationToken: ct).ConfigureAwait(false);
            if (!json.RootElement.TryGetProperty("tags", out var tags) || tags.ValueKind == JsonValueKind.Null)
            {
                return [];
            }

            return tags.EnumerateArray().Select(t => t.GetString()).Where(t => !string.IsNullOrEmpty(t)).Select(t => t!).ToList();
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            throw new AutomationException(ErrorKind.InvalidData, "RegistryResponseInvalid",
                $"Registry '{image.Registry}' sent a tag list for '{image.Original}' that is not valid JSON: {e.Message}",
                image.Original, null, e);
        }
    }

    /// <summary>The <c>rel="next"</c> target of a <c>Link</c> header, resolved against the request, same origin only.</summary>
    internal static Uri? NextPage(Uri current, HttpResponseMessage response)
    {
        if (!response.Headers.TryGetValues("Link", out var links))
        {
            return null;
        }

        foreach (var link in links.SelectMany(l => l.Split(',')))
        {
            var open = link.IndexOf('<');
            var close = link.IndexOf('>', open + 1);
            if (open < 0 || close < 0 || !link[(close + 1)..].Contains("rel=\"next\"", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var target = new Uri(current, link[(open + 1)..close]);
            return Uri.Compare(target, current, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0
                ? target
                : null;
        }

        return null;
    }
}
