using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using TazLab.ImageAutomation.Engine.Completion;

namespace TazLab.ImageAutomation.Completion;

/// <summary>Completes Invoke-ImageAutomation -Name with the ImageUpdateAutomations under -RepositoryPath (when typed) or the
/// current location: <c>name</c>, or <c>namespace/name</c> once a '/' is typed.</summary>
internal sealed class AutomationNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var automations = LocalNames.Automations(CompletionInput.Directory(fakeBoundParameters, "RepositoryPath"));
        var qualified = CompletionInput.Unquoted(wordToComplete).Contains('/');
        var names = automations.Select(a => qualified ? $"{a.Namespace}/{a.Name}" : a.Name).Distinct(StringComparer.Ordinal);
        return CompletionInput.Matching(names, wordToComplete);
    }
}
