using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace TazLab.ImageAutomation.Tests.Registry.Support;

/// <summary>
/// A tiny HTTP/1.1 server on 127.0.0.1 for what distribution 2.8 cannot do (Link pages, 429, 503, truncated bodies,
/// stalls, resets). Raw TCP, so a test can also drop a connection. One request per connection.
/// </summary>
internal sealed class FakeRegistry : IAsyncDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly Func<FakeRequest, FakeResponse> handler;
    private readonly CancellationTokenSource stopping = new();
    private readonly Task accepting;

    public FakeRegistry(Func<FakeRequest, FakeResponse> handler)
    {
        this.handler = handler;
        listener.Start();
        accepting = AcceptAsync();
    }

    public string Host => $"127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}";

    public Uri BaseUri => new($"http://{Host}/");

    public ConcurrentQueue<FakeRequest> Requests { get; } = new();

    public async ValueTask DisposeAsync()
    {
        stopping.Cancel();
        listener.Stop();
        try
        {
            await accepting;
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }

    private async Task AcceptAsync()
    {
        while (!stopping.IsCancellationRequested)
        {
            var client = await listener.AcceptTcpClientAsync(stopping.Token);
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var request = await ReadRequestAsync(stream);
                if (request is null)
                {
                    return;
                }

                Requests.Enqueue(request);
                var response = handler(request);
                if (response.Delay > TimeSpan.Zero)
                {
                    await Task.Delay(response.Delay, stopping.Token);
                }

                if (response.Reset)
                {
                    client.Client.LingerState = new LingerOption(true, 0); // close with RST
                    return;
                }

                var body = Encoding.UTF8.GetBytes(response.Body);
                var head = new StringBuilder($"HTTP/1.1 {response.Status} {(HttpStatusCode)response.Status}\r\n");
                if (response.WriteBody is null || response.ContentLength is not null)
                {
                    head.Append($"Content-Length: {response.ContentLength ?? body.Length}\r\n");
                }

                head.Append("Connection: close\r\n");
                if (!response.Headers.ContainsKey("Content-Type"))
                {
                    head.Append("Content-Type: application/json\r\n");
                }

                foreach (var (name, value) in response.Headers)
                {
                    head.Append($"{name}: {value}\r\n");
                }

                await stream.WriteAsync(Encoding.ASCII.GetBytes(head.Append("\r\n").ToString()));
                if (request.Method != "HEAD" && response.WriteBody is not null)
                {
                    await response.WriteBody(stream, stopping.Token);
                }
                else if (request.Method != "HEAD")
                {
                    await stream.WriteAsync(body);
                }

                await stream.FlushAsync();
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
            }
        }
    }

    private static async Task<FakeRequest?> ReadRequestAsync(NetworkStream stream)
    {
        var buffer = new List<byte>();
        var one = new byte[1];
        while (!EndsWithBlankLine(buffer))
        {
            if (await stream.ReadAsync(one) == 0)
            {
                return null;
            }

            if (buffer.Count == 0 && one[0] == 0x16)
            {
                // A TLS ClientHello: answer like Go's net/http does, so clients learn this port speaks plain HTTP.
                await stream.WriteAsync("HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n"u8.ToArray());
                return null;
            }

            buffer.Add(one[0]);
        }

        var lines = Encoding.ASCII.GetString(buffer.ToArray()).Split("\r\n");
        var parts = lines[0].Split(' ');
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1).Where(l => l.Length > 0))
        {
            var colon = line.IndexOf(':');
            headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
        }

        var body = "";
        if (headers.TryGetValue("Content-Length", out var length) && int.Parse(length) is > 0 and var size)
        {
            var bytes = new byte[size];
            await stream.ReadExactlyAsync(bytes);
            body = Encoding.UTF8.GetString(bytes);
        }

        return new FakeRequest(parts[0], parts[1], headers, body);
    }

    private static bool EndsWithBlankLine(List<byte> b) =>
        b.Count >= 4 && b[^4] == '\r' && b[^3] == '\n' && b[^2] == '\r' && b[^1] == '\n';
}

internal sealed record FakeRequest(string Method, string Target, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public string Path => Target.Split('?')[0];

    public string? Authorization => Headers.TryGetValue("Authorization", out var value) ? value : null;

    public string? Query(string name) =>
        Target.Contains('?')
            ? Target[(Target.IndexOf('?') + 1)..].Split('&').Select(p => p.Split('=', 2))
                .Where(p => Uri.UnescapeDataString(p[0]) == name).Select(p => Uri.UnescapeDataString(p.ElementAtOrDefault(1) ?? "")).FirstOrDefault()
            : null;
}

internal sealed record FakeResponse(int Status, string Body = "")
{
    public Dictionary<string, string> Headers { get; init; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Wait this long before answering (a slow registry).</summary>
    public TimeSpan Delay { get; init; }

    /// <summary>Drop the connection instead of answering.</summary>
    public bool Reset { get; init; }

    /// <summary>Announce this Content-Length instead of the body's.</summary>
    public long? ContentLength { get; init; }

    /// <summary>Writes the body instead of <see cref="Body"/> (sent without Content-Length unless one is set): a body too big to hold.</summary>
    public Func<Stream, CancellationToken, Task>? WriteBody { get; init; }

    public FakeResponse WithHeader(string name, string value) =>
        this with { Headers = new(Headers, StringComparer.OrdinalIgnoreCase) { [name] = value } };

    public static FakeResponse Tags(IEnumerable<string> tags, string? link = null)
    {
        var response = new FakeResponse(200, System.Text.Json.JsonSerializer.Serialize(new { name = "x", tags }));
        if (link is not null)
        {
            response.Headers["Link"] = link;
        }

        return response;
    }

    public static FakeResponse Error(int status, string code, string message = "") =>
        new(status, $$"""{"errors":[{"code":"{{code}}","message":"{{message}}","detail":null}]}""");
}
