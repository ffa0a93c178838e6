using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace TazLab.ImageAutomation.Tests.Registry.Support;

/// <summary>
/// Debian's docker-registry (distribution 2.8) in its own temp directory on 127.0.0.1 and a port it picks itself;
/// ready once it logs "listening on" (a second registry on a busy port would die while the first kept answering).
/// </summary>
internal sealed partial class DockerRegistry : IAsyncDisposable
{
    private readonly Process process;

    private DockerRegistry(Process process, string directory, string host, bool tls)
    {
        this.process = process;
        Directory = directory;
        Host = host;
        BaseUri = new Uri($"{(tls ? "https" : "http")}://{host}/");
    }

    public string Directory { get; }

    /// <summary>127.0.0.1:port</summary>
    public string Host { get; }

    public Uri BaseUri { get; }

    private string StorageRoot => Path.Combine(Directory, "data");

    /// <param name="authYaml">An <c>auth:</c> section, or empty for an anonymous registry.</param>
    /// <param name="tls">Serve HTTPS with a certificate from <see cref="TestCertificates"/>; its CA ends up in ca.crt.</param>
    public static async Task<DockerRegistry> StartAsync(string authYaml = "", bool tls = false, string? directory = null)
    {
        directory ??= NewDirectory();
        var tlsYaml = "";
        if (tls)
        {
            var (_, certificate, key) = TestCertificates.WriteServerCertificate(directory);
            tlsYaml = $"  tls: {{ certificate: {certificate}, key: {key} }}";
        }

        var config = Path.Combine(directory, "config.yml");
        File.WriteAllText(config, $"""
            version: 0.1
            log: {"{"} level: info, accesslog: {"{"} disabled: true {"}"} {"}"}
            storage:
              filesystem: {"{"} rootdirectory: {Path.Combine(directory, "data")} {"}"}
            http:
              addr: 127.0.0.1:0
              secret: test-secret
            {tlsYaml}
            {authYaml}
            """);
        var start = new ProcessStartInfo("docker-registry", ["serve", config])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        var process = Process.Start(start)!;
        var listening = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var log = new StringBuilder();
        void OnLine(object _, DataReceivedEventArgs e)
        {
            if (e.Data is null)
            {
                listening.TrySetException(new InvalidOperationException($"docker-registry exited before listening:\n{log}"));
                return;
            }

            lock (log)
            {
                log.AppendLine(e.Data);
            }

            if (ListeningLine().Match(e.Data) is { Success: true } match)
            {
                listening.TrySetResult(match.Groups[1].Value);
            }
        }

        process.ErrorDataReceived += OnLine;
        process.OutputDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        var host = await listening.Task.WaitAsync(TimeSpan.FromSeconds(20));
        return new DockerRegistry(process, directory, host, tls);
    }

    /// <summary>A registry that takes RS256 tokens from <paramref name="tokens"/> (auth.token).</summary>
    public static Task<DockerRegistry> StartWithTokenAuthAsync(TokenIssuer tokens)
    {
        var directory = NewDirectory();
        return StartAsync(tokens.RegistryAuthYaml(directory), directory: directory);
    }

    /// <summary>A registry with one htpasswd user, its entry made by apache2-utils' <c>htpasswd -B</c> (bcrypt).</summary>
    public static Task<DockerRegistry> StartWithBasicAuthAsync(string user, string password)
    {
        var directory = NewDirectory();
        return StartAsync(HtpasswdAuthYaml(directory, user, password), directory: directory);
    }

    public static string NewDirectory()
    {
        var directory = Path.Combine(Path.GetTempPath(), "tazlab-registry-" + Guid.NewGuid().ToString("N")[..12]);
        System.IO.Directory.CreateDirectory(directory);
        return directory;
    }

    private static string HtpasswdAuthYaml(string directory, string user, string password)
    {
        var file = Path.Combine(directory, "htpasswd");
        var htpasswd = Process.Start(new ProcessStartInfo("htpasswd", ["-Bbn", user, password]) { RedirectStandardOutput = true })!;
        File.WriteAllText(file, htpasswd.StandardOutput.ReadToEnd());
        htpasswd.WaitForExit();
        return $"""
            auth:
              htpasswd: {"{"} realm: test-realm, path: {file} {"}"}
            """;
    }

    /// <summary>
    /// Tags one small OCI image in <paramref name="repository"/> under every name in <paramref name="tags"/>, written straight
    /// into the storage layout docker-registry's filesystem driver uses (blobs, revision link, one directory per tag):
    /// the registry serves them as if pushed, whatever auth it demands, and ten thousand tags take a second instead of minutes.
    /// </summary>
    /// <returns>The manifest digest every tag points at.</returns>
    public string AddTags(string repository, IEnumerable<string> tags, string variant = "")
    {
        var config = WriteBlob(Encoding.UTF8.GetBytes($$$"""{"architecture":"amd64","os":"linux","config":{"Labels":{"v":"{{{variant}}}"}},"rootfs":{"type":"layers","diff_ids":[]}}"""));
        var manifestBytes = Encoding.UTF8.GetBytes(
            $$$"""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{{{config.Digest}}}","size":{{{config.Size}}}},"layers":[]}""");
        var manifest = WriteBlob(manifestBytes);
        var repo = Path.Combine(StorageRoot, "docker/registry/v2/repositories", repository);
        WriteLink(Path.Combine(repo, "_layers/sha256", config.Hex), config.Digest);
        WriteLink(Path.Combine(repo, "_manifests/revisions/sha256", manifest.Hex), manifest.Digest);
        foreach (var tag in tags)
        {
            WriteLink(Path.Combine(repo, "_manifests/tags", tag, "current"), manifest.Digest);
            WriteLink(Path.Combine(repo, "_manifests/tags", tag, "index/sha256", manifest.Hex), manifest.Digest);
        }

        return manifest.Digest;
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(); // SIGKILL: tests need no graceful drain
            await process.WaitForExitAsync();
        }

        process.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private (string Digest, string Hex, int Size) WriteBlob(byte[] bytes)
    {
        var hex = Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant();
        var path = Path.Combine(StorageRoot, "docker/registry/v2/blobs/sha256", hex[..2], hex, "data");
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        return ("sha256:" + hex, hex, bytes.Length);
    }

    private static void WriteLink(string directory, string digest)
    {
        System.IO.Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "link"), digest);
    }

    [GeneratedRegex(@"listening on (127\.0\.0\.1:\d+)")]
    private static partial Regex ListeningLine();
}
