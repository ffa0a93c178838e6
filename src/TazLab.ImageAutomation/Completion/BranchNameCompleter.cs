using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using TazLab.ImageAutomation.Engine.Completion;

namespace TazLab.ImageAutomation.Completion;

/// <summary>Completes -PushBranch with the local and remote-tracking branches of the repository at -RepositoryPath (when typed) or the current location.</summary>
internal sealed class BranchNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters) =>
        CompletionInput.Matching(LocalNames.Branches(CompletionInput.Directory(fakeBoundParameters, "RepositoryPath")), wordToComplete);
}
