using System.Text;
using System.Text.RegularExpressions;
using TazLab.ImageAutomation.Engine.Diagnostics;

namespace TazLab.ImageAutomation.Engine.Git;

/// <summary>
/// Git text from outside (a server's or hook's message, a library's error) made safe to show with the shared
/// <see cref="TextScrubber"/>, line by line so a hook's multi-line message keeps its lines; any <c>user:password@</c>
/// in a URL is removed too.
/// </summary>
internal static partial class GitServerText
{
    /// <summary>Lines of server text shown at most; a hook that prints more is cut with a count.</summary>
    public const int MaxLines = 100;

    public static string Scrub(string text, GitCredential? credential)
    {
        string?[] secrets = credential is { Secret.Length: > 0 } known
            ? [known.Secret, Convert.ToBase64String(Encoding.UTF8.GetBytes($"{known.UserName}:{known.Secret}"))]
            : [];
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var shown = lines.Take(MaxLines).Select(line => TextScrubber.Scrub(UserInfo().Replace(line, "${scheme}"), secrets));
        var result = string.Join("\n", shown);
        return lines.Length > MaxLines ? $"{result}\n… ({lines.Length - MaxLines} more lines)" : result;
    }

    /// <summary>A URL without the user and password it may carry.</summary>
    public static string RedactUrl(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.UserInfo.Length > 0
            ? new UriBuilder(uri) { UserName = "", Password = "" }.Uri.ToString()
            : url;

    // scheme://user:password@ anywhere in a line.
    [GeneratedRegex(@"(?<scheme>[a-zA-Z][a-zA-Z0-9+.-]*://)[^/@\s]+@", RegexOptions.CultureInvariant)]
    private static partial Regex UserInfo();
}
