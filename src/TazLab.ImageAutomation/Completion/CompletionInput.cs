using System.Collections;
using System.Management.Automation;

namespace TazLab.ImageAutomation.Completion;

/// <summary>What the completers share: where to look (the current location, or a directory parameter already typed) and how to offer names.</summary>
internal static class CompletionInput
{
    /// <summary>The session's current file-system location. Asked of a nested pipeline: a completer runs inside the
    /// completion pipeline, where the runspace's SessionStateProxy refuses calls.</summary>
    public static string CurrentDirectory()
    {
        using var shell = PowerShell.Create(RunspaceMode.CurrentRunspace);
        var location = shell.AddCommand(@"Microsoft.PowerShell.Management\Get-Location").AddParameter("PSProvider", "FileSystem")
            .Invoke<PathInfo>().FirstOrDefault();
        return location?.ProviderPath ?? Environment.CurrentDirectory;
    }

    /// <summary>The directory a parameter already on the command line names (the first one of an array), resolved from the current location; else the current location.</summary>
    public static string Directory(IDictionary fakeBoundParameters, string parameterName)
    {
        var value = fakeBoundParameters.Contains(parameterName) ? fakeBoundParameters[parameterName] : null;
        var given = value switch
        {
            string s => s,
            IEnumerable many => many.OfType<object>().Select(o => o.ToString()).FirstOrDefault(),
            _ => null,
        };
        return string.IsNullOrWhiteSpace(given) ? CurrentDirectory() : Resolve(given);
    }

    /// <summary>A path as typed: relative to the current location, '~' for the home directory.</summary>
    public static string Resolve(string path)
    {
        if (path == "~" || path.StartsWith("~/", StringComparison.Ordinal) || path.StartsWith("~\\", StringComparison.Ordinal))
        {
            path = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), path.Substring(1).TrimStart('/', '\\'));
        }

        // Combine keeps an absolute path as it is.
        return Path.GetFullPath(Path.Combine(CurrentDirectory(), path));
    }

    /// <summary>The word without the quote the user opened it with.</summary>
    public static string Unquoted(string wordToComplete) => wordToComplete.TrimStart('\'', '"');

    /// <summary>The names starting with the word (ignoring case), quoted where PowerShell needs it.</summary>
    public static IEnumerable<CompletionResult> Matching(IEnumerable<string> names, string wordToComplete)
    {
        var word = Unquoted(wordToComplete);
        return names.Where(n => n.StartsWith(word, StringComparison.OrdinalIgnoreCase))
            .Select(n => new CompletionResult(Quoted(n), n, CompletionResultType.ParameterValue, n));
    }

    private static string Quoted(string text) =>
        text.IndexOfAny([' ', '\t', '\'', '"', '$', '`', ';', '(', ')', '{', '}', '@', '&', '|', '#', ',']) < 0
            ? text
            : "'" + text.Replace("'", "''") + "'";
}
