using System.Text;

namespace TazLab.ImageAutomation.Engine.Git;

/// <summary>
/// The one place git text from outside (a server's or hook's message, a library's error) is made safe to show: the
/// credential's secret and any <c>user:password@</c> in a URL are removed, and control characters are shown as
/// <c>\xNN</c> so a hostile server cannot rewrite the terminal. Line breaks and tabs stay.
/// </summary>
internal static class GitServerText
{
    public static string Scrub(string text, GitCredential? credential)
    {
        if (credential is { Secret.Length: > 0 } known)
        {
            text = text.Replace(known.Secret, "***", StringComparison.Ordinal)
                .Replace(Uri.EscapeDataString(known.Secret), "***", StringComparison.Ordinal);
        }

        var result = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
            {
                continue;
            }

            if (c is '\n' or '\t' || !char.IsControl(c))
            {
                result.Append(c);
            }
            else
            {
                result.Append($"\\x{(int)c:X2}");
            }
        }

        return RedactUserInfo(result.ToString());
    }

    /// <summary>A URL without the user and password it may carry.</summary>
    public static string RedactUrl(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.UserInfo.Length > 0
            ? new UriBuilder(uri) { UserName = "", Password = "" }.Uri.ToString()
            : url;

    /// <summary>Removes <c>scheme://user:password@</c> user info anywhere in the text.</summary>
    private static string RedactUserInfo(string text) =>
        System.Text.RegularExpressions.Regex.Replace(text, @"(?<scheme>[a-zA-Z][a-zA-Z0-9+.-]*://)[^/@\s]+@", "${scheme}");
}
