namespace System.Net.Http;

/// <summary>.NET 5's typed request options, kept in .NET Framework's <c>HttpRequestMessage.Properties</c>.</summary>
internal readonly struct HttpRequestOptionsKey<TValue>(string key)
{
    public string Key { get; } = key;
}

internal sealed class HttpRequestOptions(IDictionary<string, object?> properties)
{
    public void Set<TValue>(HttpRequestOptionsKey<TValue> key, TValue value) => properties[key.Key] = value;

    public bool TryGetValue<TValue>(HttpRequestOptionsKey<TValue> key, out TValue value)
    {
        if (properties.TryGetValue(key.Key, out var stored) && stored is TValue typed)
        {
            value = typed;
            return true;
        }

        value = default!;
        return false;
    }
}

internal static class HttpRequestMessagePolyfill
{
    extension(HttpRequestMessage request)
    {
        public HttpRequestOptions Options => new(request.Properties!);
    }
}
