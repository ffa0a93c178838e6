namespace System.Text.RegularExpressions;

/// <summary>
/// .NET 7's attribute; on .NET Framework the Compatibility.Generators project implements the methods it marks.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
internal sealed class GeneratedRegexAttribute : Attribute
{
    public GeneratedRegexAttribute(string pattern)
        : this(pattern, RegexOptions.None)
    {
    }

    public GeneratedRegexAttribute(string pattern, RegexOptions options)
        : this(pattern, options, Timeout.Infinite)
    {
    }

    public GeneratedRegexAttribute(string pattern, RegexOptions options, int matchTimeoutMilliseconds)
    {
        Pattern = pattern;
        Options = options;
        MatchTimeoutMilliseconds = matchTimeoutMilliseconds;
    }

    public string Pattern { get; }

    public RegexOptions Options { get; }

    public int MatchTimeoutMilliseconds { get; }
}
