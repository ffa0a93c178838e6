using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using TazLab.ImageAutomation.Engine.Diagnostics;

namespace TazLab.ImageAutomation.Engine.Registry;

/// <summary>
/// Lists tags through the OCI distribution API (<c>GET /v2/&lt;name&gt;/tags/list</c>) and looks up manifest digests,
/// with the token/Basic handshakes, credential sources, TLS rules, mirrors and retries described in docs/registry.md.
/// Safe to use from several threads at once.
/// </summary>
public sealed partial class RegistryClient
{
    /// <summary>Tags asked for per page: go-containerregistry's (and so Flux's) size; ECR rejects more.</summary>
    public const int PageSize = 1000;

    private static readonly string[] ManifestMediaTypes =
    [
        "application/vnd.oci.image.index.v1+json",
        "application/vnd.oci.image.manifest.v1+json",
        "application/vnd.docker.distribution.manifest.list.v2+json",
        "application/vnd.docker.distribution.manifest.v2+json",
    ];

    private readonly RegistryOptions options;
    private readonly RegistryTransport transport;
    private readonly RegistryMirrors mirrors;
    private readonly ConcurrentDictionary<string, Task<RegistryCredential?>> credentials = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Hosts that refused our credentials with DENIED: later images there go anonymous without asking again.</summary>
    private readonly ConcurrentDictionary<string, bool> refusedCredentials = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lazy<DockerConfigCredentials?> dockerConfig;

    /// <exception cref="AutomationException">A mirror URL or CA file is invalid.</exception>
    public RegistryClient(RegistryOptions? options = null)
    {
        this.options = options ?? new RegistryOptions();
        mirrors = new RegistryMirrors(this.options.Mirrors, this.options.AllowInsecureHttp);
        transport = RegistryTransport.For(this.options);
        dockerConfig = new Lazy<DockerConfigCredentials?>(() => DockerConfigCredentials.Load(this.options.GetEnvironmentVariable, this.options.Timeout));
    }

    /// <summary>
    /// Every tag of <paramref name="image"/> minus those Flux's default exclusion list drops (cosign signatures), each once,
    /// in ordinal order (registries return directory order or oldest-first, so their order means nothing).
    /// </summary>
    public Task<IReadOnlyList<ListedTag>> ListTagsAsync(ImageReference image, IEngineLog? log, CancellationToken cancellationToken) =>
        ListTagsAsync(image, TagExclusion.Default, log, cancellationToken);

    /// <summary>Every tag of <paramref name="image"/> minus those <paramref name="exclusion"/> drops, each once, in ordinal order.</summary>
    public async Task<IReadOnlyList<ListedTag>> ListTagsAsync(ImageReference image, TagExclusion exclusion, IEngineLog? log, CancellationToken cancellationToken)
    {
        using var finished = options.Progress.FinishedAtEnd(ListingActivity(image));
        return await RunAsync(image, log, s => ListPagesAsync(s, exclusion), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The progress bar of one image's listing.</summary>
    private static string ListingActivity(ImageReference image) => $"Listing tags of '{image.Original}'";

    /// <summary>
    /// The digest of the manifest or index <paramref name="tag"/> points at (<c>Docker-Content-Digest</c> of a HEAD,
    /// which Docker Hub does not count as a pull), as Flux's digest reflection fetches it.
    /// </summary>
    public async Task<string> GetDigestAsync(ImageReference image, string tag, IEngineLog? log, CancellationToken cancellationToken)
    {
        if (!ReferenceGrammar.IsTag(tag))
        {
            throw new AutomationException(ErrorKind.InvalidArgument, "InvalidTag",
                $"{TextScrubber.Quote(tag)} is not a valid tag for image {TextScrubber.Quote(image.Original)}.", tag,
                "Tags are 1 to 128 characters of letters, digits, '_', '.' and '-', not starting with '.' or '-'.");
        }

        return await RunAsync(image, log, s => HeadDigestAsync(s, tag), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs <paramref name="work"/> in a new session. When the scheme remembered for the host turns out wrong (another
    /// server now answers on that port: TLS where there was plain HTTP, or the reverse), it is found out again and the
    /// work runs once more.
    /// </summary>
    private async Task<T> RunAsync<T>(ImageReference image, IEngineLog? log, Func<Session, Task<T>> work, CancellationToken ct)
    {
        var session = await StartAsync(image, log, ct).ConfigureAwait(false);
        try
        {
            return await session.RunAsync(work, options.Timeout).ConfigureAwait(false);
        }
        catch (AutomationException e) when (session.SchemeRemembered && e.ErrorId is "RegistryUnreachable" or "RegistryRequestFailed")
        {
            session.Log.Verbose($"Registry {session.Subject.Name} no longer answers like before; checking whether it speaks HTTPS or HTTP.");
            options.Cache.ForgetScheme(session.Host);
            session = await StartAsync(image, log, ct).ConfigureAwait(false);
            return await session.RunAsync(work, options.Timeout).ConfigureAwait(false);
        }
    }

    private async Task<IReadOnlyList<ListedTag>> ListPagesAsync(Session session, TagExclusion exclusion)
    {
        var image = session.Image;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var visited = new HashSet<string>(StringComparer.Ordinal);
        var next = new Uri(session.BaseUri, $"v2/{image.Repository}/tags/list?n={PageSize}");
        var pageTags = new List<string>();
        var excluded = 0;
        var invalid = 0;
        for (var page = 1; next is not null; page++)
        {
            options.Progress?.Report(new ProgressReport(ListingActivity(image), seen.Count, null, "tags") { Current = $"Page {page}: {session.Scrub(next.PathAndQuery)}" });
            if (page > options.MaxPages)
            {
                session.Log.Warning($"Stopped listing '{image.Original}' after {options.MaxPages} pages; tags on later pages are missing. The registry may be paging in small steps or looping.");
                break;
            }

            if (!visited.Add(next.AbsoluteUri))
            {
                session.Log.Warning($"Registry {session.Subject.Name} sent a Link back to a page already read ({TextScrubber.Quote(session.Scrub(next.PathAndQuery))}) for '{image.Original}'; stopped there.");
                break;
            }

            session.Log.Verbose($"GET {next}");
            using var response = await session.SendAsync(HttpMethod.Get, next, "application/json").ConfigureAwait(false);
            if (response.Status != HttpStatusCode.OK)
            {
                throw Failure(session, response, "list tags of");
            }

            pageTags.Clear();
            ReadTags(session, response, pageTags);
            foreach (var tag in pageTags)
            {
                if (!ReferenceGrammar.IsTag(tag))
                {
                    // Not usable in an image reference: Nexus sends empty entries, Artifactory digests ("sha256:…").
                    invalid++;
                }
                else if (exclusion.IsExcluded(tag))
                {
                    excluded++;
                }
                else
                {
                    seen.Add(tag);
                }
            }

            next = NextPage(session, next, response);
        }

        session.Log.Verbose($"'{image.Original}': {seen.Count} tags{(excluded > 0 ? $" ({excluded} excluded by {string.Join(", ", exclusion.Patterns)})" : "")}."
            + (invalid > 0 ? $" Dropped {invalid} entries that are not valid tag names." : ""));
        var sorted = seen.ToArray();
        Array.Sort(sorted, StringComparer.Ordinal);
        return Array.ConvertAll(sorted, tag => new ListedTag(image.Original, image.Canonical, image.Registry, image.Repository, tag, null));
    }

    private static async Task<string> HeadDigestAsync(Session session, string tag)
    {
        var uri = new Uri(session.BaseUri, $"v2/{session.Image.Repository}/manifests/{tag}");
        session.Log.Verbose($"HEAD {uri}");
        using (var head = await session.SendAsync(HttpMethod.Head, uri, ManifestMediaTypes).ConfigureAwait(false))
        {
            if (head.Status != HttpStatusCode.OK)
            {
                throw Failure(session, head, $"find tag '{tag}' of");
            }

            if (head.Header("Docker-Content-Digest") is { Length: > 0 } digest)
            {
                return ReferenceGrammar.IsDigest(digest) ? digest : throw new AutomationException(ErrorKind.InvalidData, "RegistryDigestInvalid",
                    $"Registry {session.Subject.Name} sent {TextScrubber.Quote(session.Scrub(digest))} as the digest of tag '{tag}' of '{session.Image.Original}'; that is not a digest.",
                    session.Image.Original, "The registry or a proxy in between is misbehaving; report it to its operator.");
            }
        }

        // The header is optional in the OCI spec; the digest is by definition the sha256 of the manifest bytes.
        session.Log.Verbose($"GET {uri} (the registry sent no Docker-Content-Digest)");
        using var get = await session.SendAsync(HttpMethod.Get, uri, ManifestMediaTypes).ConfigureAwait(false);
        if (get.Status != HttpStatusCode.OK)
        {
            throw Failure(session, get, $"find tag '{tag}' of");
        }

        return "sha256:" + Convert.ToHexString(SHA256.HashData(get.Body)).ToLowerInvariant();
    }

    private async Task<Session> StartAsync(ImageReference image, IEngineLog? log, CancellationToken ct)
    {
        var mirror = mirrors.For(image.Registry);
        var host = mirror?.Authority ?? image.ApiHost;
        var subject = new RequestSubject(image.Original, image.Registry, mirror);
        var session = new Session(this, image, subject, host, log ?? NullEngineLog.Instance, ct);
        try
        {
            session.SchemeRemembered = mirror is null && options.Cache.SchemeFor(host) is not null;
            session.BaseUri = mirror ?? await ResolveBaseUriAsync(session, host).ConfigureAwait(false);
            session.Credential = refusedCredentials.ContainsKey(host) ? null : await CredentialForAsync(host, session.Log, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw session.TimedOut(options.Timeout);
        }

        if (session.Credential is not null)
        {
            session.Log.Verbose($"Using {session.Credential} for {host}.");
        }

        return session;
    }

    private Task<RegistryCredential?> CredentialForAsync(string host, IEngineLog log, CancellationToken ct)
    {
        if (options.Credential is not null)
        {
            return Task.FromResult<RegistryCredential?>(options.Credential);
        }

        // One lookup per host per client, so fifty images on one registry run the credential helper once.
        return credentials.GetOrAdd(host, h => dockerConfig.Value is { } config ? config.FindAsync(h, log, ct) : Task.FromResult<RegistryCredential?>(null));
    }

    /// <summary>
    /// HTTPS, except that loopback registries (and any registry with AllowInsecureHttp) may speak plain HTTP:
    /// like go-containerregistry, try HTTPS first and fall back only when the server does not speak TLS at all.
    /// A certificate that fails verification is an error, never a reason to fall back.
    /// </summary>
    private async Task<Uri> ResolveBaseUriAsync(Session session, string host)
    {
        var https = new Uri($"https://{host}/");
        if (!options.AllowInsecureHttp && !RegistryMirrors.IsLoopback(host))
        {
            return https;
        }

        if (options.Cache.SchemeFor(host) is { } known)
        {
            return new Uri($"{known}://{host}/");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(session.CancellationToken);
        timeout.CancelAfter(options.Timeout);
        using var probe = new HttpRequestMessage(HttpMethod.Get, new Uri(https, "v2/"));
        string scheme;
        try
        {
            using var answer = await transport.Http.SendAsync(probe, timeout.Token).ConfigureAwait(false);
            scheme = "https";
        }
        catch (HttpRequestException e) when (RegistryTransport.IsPlainHttpServer(e, probe))
        {
            scheme = "http";
        }
        catch (HttpRequestException e)
        {
            throw RegistryTransport.Describe(session.Subject, e, probe, session.Scrub);
        }

        session.Log.Verbose($"{host} speaks {scheme.ToUpperInvariant()}.");
        options.Cache.RememberScheme(host, scheme);
        return new Uri($"{scheme}://{host}/");
    }

    private static void ReadTags(Session session, RegistryResponse response, List<string> tags)
    {
        try
        {
            TagListJson.Read(response.Body, tags);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            throw new AutomationException(ErrorKind.InvalidData, "RegistryResponseInvalid",
                $"Registry {session.Subject.Name} sent a tag list for '{session.Image.Original}' that is not valid JSON.",
                session.Image.Original, "Retry later; if it persists the registry or a proxy in between is truncating responses.", e);
        }
    }

    /// <summary>The next page from <c>Link: &lt;…&gt;; rel="next"</c>, taken verbatim and resolved against the request; same origin only.</summary>
    private static Uri? NextPage(Session session, Uri current, RegistryResponse response)
    {
        if (LinkHeader.NextTarget(response.Headers("Link")) is not { } target)
        {
            return null;
        }

        if (!Uri.TryCreate(current, target, out var next) || (next.Scheme != Uri.UriSchemeHttp && next.Scheme != Uri.UriSchemeHttps))
        {
            session.Log.Warning($"Registry {session.Subject.Name} sent an unusable Link {TextScrubber.Quote(session.Scrub(target))} for '{session.Image.Original}'; stopped there.");
            return null;
        }

        if (Uri.Compare(next, current, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) != 0)
        {
            session.Log.Warning($"Registry {session.Subject.Name} sent a Link to another origin ({next.GetLeftPart(UriPartial.Authority)}) for '{session.Image.Original}'; not followed, so credentials stay with the registry.");
            return null;
        }

        return next;
    }

    /// <param name="server">Who answered, when not the registry (its token service).</param>
    internal static AutomationException Failure(Session session, RegistryResponse response, string action, string? server = null)
    {
        var (codes, messages) = RegistryErrors(response.Body);
        var image = session.Image.Original;
        var where = server ?? $"registry {session.Subject.Name}";
        // All of it server text: a registry may echo the request's Authorization header or send terminal escapes.
        var status = session.Scrub($"{(int)response.Status} {response.Message.ReasonPhrase}{(codes.Length > 0 ? $" {codes}" : "")}{(messages.Length > 0 ? $": {messages}" : "")}");
        var who = session.Credential is null ? "anonymously" : $"as {session.Credential}";
        return response.Status switch
        {
            HttpStatusCode.Unauthorized => new AutomationException(ErrorKind.AuthenticationError, "RegistryAuthenticationFailed",
                $"Could not {action} '{image}': {where} refused access {who} ({status}).", image,
                session.Credential is null
                    ? "Give a registry credential, or log in with 'docker login' so config.json holds credentials for this registry."
                    : "Check the user name and password or token, and that it may pull this repository.")
                { Settings = [Setting.RegistryCredential] },
            HttpStatusCode.Forbidden => new AutomationException(ErrorKind.PermissionDenied, "RegistryPermissionDenied",
                $"Could not {action} '{image}': {where} denied access {who} ({status}).", image,
                "Check that the account may pull this repository."),
            HttpStatusCode.NotFound => new AutomationException(ErrorKind.ObjectNotFound, "RegistryRepositoryNotFound",
                $"Could not {action} '{image}': {where} does not know it ({status}).", image,
                "Check the image name (and tag) for typos, and that it was pushed to this registry."),
            // 429 Too Many Requests, a name .NET Framework's enum lacks.
            (HttpStatusCode)429 => new AutomationException(ErrorKind.LimitsExceeded, "RegistryRateLimited",
                $"Could not {action} '{image}': {where} is rate limiting requests ({status}) and still was after retries.", image,
                "Wait and try again, list fewer images at once, or authenticate for a higher limit.")
                { Settings = [Setting.RegistryConcurrency, Setting.RegistryCredential] },
            >= HttpStatusCode.InternalServerError or HttpStatusCode.RequestTimeout => new AutomationException(ErrorKind.ConnectionError, "RegistryUnavailable",
                $"Could not {action} '{image}': {where} answered {status}.", image, "The registry is failing; retry later."),
            _ => new AutomationException(ErrorKind.InvalidOperation, "RegistryRequestFailed",
                $"Could not {action} '{image}': {where} answered {status}.", image,
                "Check the image name and that the address is a registry (plain HTTP to a TLS port answers 400)."),
        };
    }

    /// <summary>The <c>errors[].code</c> and <c>errors[].message</c> of a registry error body, when it is one.</summary>
    private static (string Codes, string Messages) RegistryErrors(byte[] body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.ValueKind == JsonValueKind.Object
                && json.RootElement.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array)
            {
                var list = errors.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.Object).ToList();
                string Join(string name) => string.Join("; ", list
                    .Select(e => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null)
                    .Where(v => !string.IsNullOrEmpty(v)).Distinct());
                return (Join("code"), Join("message"));
            }
        }
        catch (JsonException)
        {
        }

        return ("", "");
    }
}
