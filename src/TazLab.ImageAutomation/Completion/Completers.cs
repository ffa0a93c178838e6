using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using TazLab.ImageAutomation.Engine.Completion;

namespace TazLab.ImageAutomation.Completion;

/// <summary>A completer offering names read from local files (see <see cref="LocalNames"/>): those starting with the word typed.</summary>
internal abstract class LocalNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters) =>
        CompletionInput.Matching(Names(fakeBoundParameters, CompletionInput.Unquoted(wordToComplete)), wordToComplete);

    /// <param name="word">What is typed so far, without an opening quote.</param>
    protected abstract IEnumerable<string> Names(IDictionary fakeBoundParameters, string word);
}

/// <summary>-Policy: the <c>namespace:name</c> of the ImagePolicy objects and setter markers under -Path (when typed) or the current location.</summary>
internal sealed class PolicyNameCompleter : LocalNameCompleter
{
    protected override IEnumerable<string> Names(IDictionary fakeBoundParameters, string word) =>
        LocalNames.Policies(CompletionInput.Directory(fakeBoundParameters, "Path"));
}

/// <summary>-Image: the images of the ImageRepository objects under the current location; after <c>ocidir://</c>, directories.</summary>
internal sealed class ImageNameCompleter : LocalNameCompleter
{
    private const string OciPrefix = "ocidir://";

    protected override IEnumerable<string> Names(IDictionary fakeBoundParameters, string word)
    {
        if (!word.StartsWith(OciPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return LocalNames.Images(CompletionInput.CurrentDirectory());
        }

        // ocidir://dir/pre -> ocidir://dir/<each subdirectory of dir starting with pre>
        var path = word[OciPrefix.Length..];
        var cut = path.LastIndexOfAny(['/', '\\']) + 1;
        var (typedParent, prefix) = (path[..cut], path[cut..]);
        var parent = CompletionInput.Resolve(typedParent.Length == 0 ? "." : typedParent);
        return LocalNames.Directories(parent, prefix).Select(name => OciPrefix + typedParent + name);
    }
}

/// <summary>-Remote: the remotes of the repository at -RepositoryPath (when typed) or the current location.</summary>
internal sealed class RemoteNameCompleter : LocalNameCompleter
{
    protected override IEnumerable<string> Names(IDictionary fakeBoundParameters, string word) =>
        LocalNames.Remotes(CompletionInput.Directory(fakeBoundParameters, "RepositoryPath"));
}

/// <summary>-PushBranch: the local and remote-tracking branches of the repository at -RepositoryPath (when typed) or the current location.</summary>
internal sealed class BranchNameCompleter : LocalNameCompleter
{
    protected override IEnumerable<string> Names(IDictionary fakeBoundParameters, string word) =>
        LocalNames.Branches(CompletionInput.Directory(fakeBoundParameters, "RepositoryPath"));
}

/// <summary>Invoke-ImageAutomation -Name: the ImageUpdateAutomations under -RepositoryPath (when typed) or the current location,
/// as <c>name</c>, or <c>namespace/name</c> once a '/' is typed.</summary>
internal sealed class AutomationNameCompleter : LocalNameCompleter
{
    protected override IEnumerable<string> Names(IDictionary fakeBoundParameters, string word) =>
        LocalNames.Automations(CompletionInput.Directory(fakeBoundParameters, "RepositoryPath"))
            .Select(a => word.IndexOf('/') >= 0 ? $"{a.Namespace}/{a.Name}" : a.Name)
            .Distinct(StringComparer.Ordinal);
}
