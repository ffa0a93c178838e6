using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using TazLab.ImageAutomation.Engine.Completion;

namespace TazLab.ImageAutomation.Completion;

/// <summary>Completes -Image with the images of the ImageRepository objects under the current location, and after
/// <c>ocidir://</c> with directories.</summary>
internal sealed class ImageNameCompleter : IArgumentCompleter
{
    private const string OciPrefix = "ocidir://";

    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var word = CompletionInput.Unquoted(wordToComplete);
        return word.StartsWith(OciPrefix, StringComparison.OrdinalIgnoreCase)
            ? OciDirectories(word[OciPrefix.Length..], wordToComplete)
            : CompletionInput.Matching(LocalNames.Images(CompletionInput.CurrentDirectory()), wordToComplete);
    }

    /// <summary><c>ocidir://dir/pre</c> → <c>ocidir://dir/prefix-match</c> for each subdirectory of <c>dir</c> starting with <c>pre</c>.</summary>
    private static IEnumerable<CompletionResult> OciDirectories(string path, string wordToComplete)
    {
        var cut = path.LastIndexOfAny(['/', '\\']) + 1;
        var (typedParent, prefix) = (path[..cut], path[cut..]);
        var parent = CompletionInput.Resolve(typedParent.Length == 0 ? "." : typedParent);
        var candidates = LocalNames.Directories(parent, prefix).Select(name => OciPrefix + typedParent + name);
        return CompletionInput.Matching(candidates, wordToComplete, "an OCI layout directory");
    }
}
