using System.Net;
using TazLab.ImageAutomation.Engine.Diagnostics;

namespace TazLab.ImageAutomation.Engine.Registry;

/// <summary>
/// The <c>-RegistryMirror</c> table: registry → base URL of a mirror (pull-through cache, air-gapped copy) to list from.
/// Docker Hub may be named <c>docker.io</c>, <c>index.docker.io</c> or <c>registry-1.docker.io</c>.
/// </summary>
internal sealed class RegistryMirrors
{
    private readonly Dictionary<string, Uri> byRegistry = new(StringComparer.OrdinalIgnoreCase);

    public RegistryMirrors(IReadOnlyDictionary<string, string>? table, bool allowInsecureHttp)
    {
        foreach (var (registry, url) in table ?? new Dictionary<string, string>())
        {
            var mirror = Uri.TryCreate(url, UriKind.Absolute, out var parsed) ? parsed : null;
            if (mirror is { UserInfo.Length: > 0 })
            {
                // The URL carries a password, so the message names only what is safe to show.
                throw new AutomationException(ErrorKind.InvalidArgument, "InvalidRegistryMirror",
                    $"The mirror for registry '{registry}' has credentials in its URL ({mirror.Scheme}://…@{mirror.Authority}).", registry,
                    "Remove the user and password from the URL; give them as the registry credential or with docker login instead.")
                { Settings = [Setting.RegistryMirror, Setting.RegistryCredential] };
            }

            if (mirror is null || (mirror.Scheme != Uri.UriSchemeHttps && mirror.Scheme != Uri.UriSchemeHttp)
                || mirror.AbsolutePath != "/" || mirror.Query.Length > 0)
            {
                throw new AutomationException(ErrorKind.InvalidArgument, "InvalidRegistryMirror",
                    $"The mirror '{url}' for registry '{registry}' is not an http(s)://host[:port] URL.", url,
                    "Give each mirror as a base URL such as 'https://mirror.example:5000', without a path, or as ocidir://<directory>.")
                { Settings = [Setting.RegistryMirror] };
            }

            if (mirror.Scheme == Uri.UriSchemeHttp && !allowInsecureHttp && !IsLoopback(mirror.Authority))
            {
                throw new AutomationException(ErrorKind.InvalidArgument, "InsecureRegistryMirror",
                    $"The mirror '{url}' for registry '{registry}' is plain HTTP on a host that is not loopback.", url,
                    "Use an https:// mirror, or allow plain HTTP if you accept unencrypted traffic.")
                { Settings = [Setting.RegistryMirror, Setting.InsecureHttp] };
            }

            byRegistry[Normalise(registry)] = mirror;
        }
    }

    public Uri? For(string registry) => byRegistry.TryGetValue(Normalise(registry), out var mirror) ? mirror : null;

    /// <summary>True for <c>localhost</c>, <c>*.localhost</c> and loopback addresses, with or without a port.</summary>
    public static bool IsLoopback(string hostAndPort)
    {
        var host = hostAndPort.StartsWith('[')
            ? hostAndPort[1..Math.Max(1, hostAndPort.IndexOf(']'))]
            : hostAndPort.Split(':')[0];
        return host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip));
    }

    internal static string Normalise(string registry)
    {
        var host = registry.Trim().TrimEnd('/');
        return DockerConfigCredentials.IsDockerHub(host.ToLowerInvariant()) ? ImageReference.DockerHubCanonicalHost : host;
    }
}
