using TazLab.ImageAutomation.Engine.Processes;
using System.Text;
using System.Text.Json;
using TazLab.ImageAutomation.Engine.Diagnostics;

namespace TazLab.ImageAutomation.Engine.Registry;

/// <summary>
/// Credentials from docker's <c>config.json</c> (<c>$DOCKER_CONFIG/config.json</c> or <c>~/.docker/config.json</c>):
/// a <c>credHelpers</c> entry for the host, else <c>credsStore</c>, each run as <c>docker-credential-&lt;name&gt; get</c>;
/// then the <c>auths</c> entry (<c>auth</c>, <c>username</c>+<c>password</c> or <c>identitytoken</c>).
/// </summary>
internal sealed class DockerConfigCredentials
{
    /// <summary>The key docker uses for Docker Hub in config.json and in helper requests.</summary>
    public const string DockerHubServerUrl = "https://index.docker.io/v1/";

    private readonly TimeSpan helperTimeout;
    private readonly string path;
    private readonly Dictionary<string, JsonElement> auths;
    private readonly Dictionary<string, string> helpers;
    private readonly string? store;
    private readonly Func<string, string?> environment;

    private DockerConfigCredentials(string path, JsonElement root, Func<string, string?> environment, TimeSpan helperTimeout)
    {
        this.path = path;
        this.helperTimeout = helperTimeout;
        this.environment = environment;
        // Several keys can name one host (https://index.docker.io/v1/ and docker.io); the first one wins.
        auths = new Dictionary<string, JsonElement>(StringComparer.OrdinalIgnoreCase);
        foreach (var entry in ReadObject(root, "auths"))
        {
            auths.TryAdd(Hostname(entry.Name), entry.Value.Clone());
        }

        helpers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var entry in ReadObject(root, "credHelpers").Where(p => p.Value.ValueKind == JsonValueKind.String))
        {
            helpers.TryAdd(Hostname(entry.Name), entry.Value.GetString()!);
        }
        store = root.TryGetProperty("credsStore", out var s) && s.ValueKind == JsonValueKind.String && s.GetString() is { Length: > 0 } name
            ? name : null;
    }

    /// <summary>The config file docker would read, or null when there is none.</summary>
    /// <param name="helperTimeout">How long a credential helper may take before it and its children are ended (default 30 s).</param>
    public static DockerConfigCredentials? Load(Func<string, string?> environment, TimeSpan? helperTimeout = null)
    {
        var directory = environment("DOCKER_CONFIG") is { Length: > 0 } configured
            ? configured
            : (environment("HOME") ?? environment("USERPROFILE")) is { Length: > 0 } home ? Path.Combine(home, ".docker") : null;
        var file = directory is null ? null : Path.Combine(directory, "config.json");
        if (file is null || !File.Exists(file))
        {
            return null;
        }

        try
        {
            using var json = JsonDocument.Parse(File.ReadAllBytes(file));
            return json.RootElement.ValueKind == JsonValueKind.Object ? new DockerConfigCredentials(file, json.RootElement.Clone(), environment, helperTimeout ?? TimeSpan.FromSeconds(30)) : null;
        }
        catch (JsonException e)
        {
            // JsonException text can quote the offending bytes; the file holds secrets, so only the position is reported.
            throw new AutomationException(ErrorKind.InvalidData, "DockerConfigInvalid",
                $"Docker config '{file}' is not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}).", file,
                "Fix or remove the file, or set DOCKER_CONFIG to a directory with a valid config.json.");
        }
    }

    /// <summary>The credential for a registry host, or null for anonymous access.</summary>
    /// <param name="host">host[:port] as contacted; Docker Hub under any of its names.</param>
    public async Task<RegistryCredential?> FindAsync(string host, IEngineLog log, CancellationToken ct)
    {
        var key = IsDockerHub(host) ? Hostname(DockerHubServerUrl) : host;
        var helper = helpers.TryGetValue(key, out var named) ? named : store;
        if (helper is not null)
        {
            var fromHelper = await RunHelperAsync(helper, IsDockerHub(host) ? DockerHubServerUrl : host, log, ct).ConfigureAwait(false);
            if (fromHelper is not null)
            {
                return fromHelper;
            }
        }

        return auths.TryGetValue(key, out var entry) ? FromAuthsEntry(key, entry) : null;
    }

    public static bool IsDockerHub(string host) =>
        host is "docker.io" or ImageReference.DockerHubCanonicalHost or ImageReference.DockerHubApiHost;

    /// <summary>docker/cli's ConvertToHostname: keys may be URLs (<c>https://host:5000/v2/</c>) or bare hosts.</summary>
    internal static string Hostname(string key)
    {
        var host = key;
        foreach (var scheme in new[] { "http://", "https://" })
        {
            if (host.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
            {
                host = host[scheme.Length..];
            }
        }

        var slash = host.IndexOf('/');
        host = slash < 0 ? host : host[..slash];
        return IsDockerHub(host) ? ImageReference.DockerHubCanonicalHost : host;
    }

    private RegistryCredential? FromAuthsEntry(string key, JsonElement entry)
    {
        var source = $"'auths' of {path}";
        if (String(entry, "identitytoken") is { Length: > 0 } identityToken)
        {
            return new RegistryCredential(String(entry, "username") ?? "<token>", identityToken, source, isIdentityToken: true);
        }

        if (String(entry, "auth") is { Length: > 0 } auth)
        {
            string decoded;
            try
            {
                decoded = Encoding.UTF8.GetString(Convert.FromBase64String(auth));
            }
            catch (FormatException)
            {
                throw new AutomationException(ErrorKind.InvalidData, "DockerConfigInvalid",
                    $"The 'auth' value for '{key}' in '{path}' is not base64.", path, "Run 'docker login' again for that registry.");
            }

            var colon = decoded.IndexOf(':');
            if (colon < 0)
            {
                throw new AutomationException(ErrorKind.InvalidData, "DockerConfigInvalid",
                    $"The 'auth' value for '{key}' in '{path}' is not base64 of 'user:password'.", path, "Run 'docker login' again for that registry.");
            }

            return new RegistryCredential(decoded[..colon], decoded[(colon + 1)..], source);
        }

        return String(entry, "username") is { Length: > 0 } user && String(entry, "password") is { } password
            ? new RegistryCredential(user, password, source)
            : null;
    }

    private async Task<RegistryCredential?> RunHelperAsync(string helper, string serverUrl, IEngineLog log, CancellationToken ct)
    {
        var program = "docker-credential-" + helper;
        var executable = FindOnPath(program);
        if (executable is null)
        {
            log.Warning($"{path} names credential helper '{program}' but it is not on PATH; trying other sources, then anonymous access.");
            return null;
        }

        ChildProcessResult result;
        try
        {
            result = await ChildProcess.RunAsync(executable, ["get"], serverUrl, helperTimeout, ct).ConfigureAwait(false);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            log.Warning($"Cannot run '{executable}' ({e.Message}); trying other sources, then anonymous access.");
            return null;
        }
        catch (ChildProcessTimeoutException)
        {
            log.Warning($"'{program} get' did not answer within {helperTimeout.TotalSeconds:0.#} s; trying other sources, then anonymous access.");
            return null;
        }

        if (result.ExitCode != 0)
        {
            // Helpers answer "credentials not found in native keychain" on stdout; that output carries no secret.
            if (!result.Output.Contains("credentials not found", StringComparison.OrdinalIgnoreCase))
            {
                log.Warning($"'{program} get' failed with exit code {result.ExitCode} for {serverUrl}; trying other sources, then anonymous access.");
            }

            return null;
        }

        try
        {
            using var json = JsonDocument.Parse(result.Output);
            var username = String(json.RootElement, "Username") ?? "";
            var secret = String(json.RootElement, "Secret") ?? "";
            return secret.Length == 0 ? null : new RegistryCredential(username, secret, program, isIdentityToken: username == "<token>");
        }
        catch (JsonException)
        {
            log.Warning($"'{program} get' did not print JSON credentials for {serverUrl}; trying other sources, then anonymous access.");
            return null;
        }
    }

    private string? FindOnPath(string program) => ChildProcess.FindOnPath(program, environment("PATH"));

    private static IEnumerable<JsonProperty> ReadObject(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object ? value.EnumerateObject() : [];

    private static string? String(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
