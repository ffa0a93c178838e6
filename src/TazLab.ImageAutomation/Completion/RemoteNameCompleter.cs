using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using TazLab.ImageAutomation.Engine.Completion;

namespace TazLab.ImageAutomation.Completion;

/// <summary>Completes -Remote with the remotes of the repository at -RepositoryPath (when typed) or the current location.</summary>
internal sealed class RemoteNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters) =>
        CompletionInput.Matching(LocalNames.Remotes(CompletionInput.Directory(fakeBoundParameters, "RepositoryPath")), wordToComplete);
}
