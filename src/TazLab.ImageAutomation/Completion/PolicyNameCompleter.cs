using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using TazLab.ImageAutomation.Engine.Completion;

namespace TazLab.ImageAutomation.Completion;

/// <summary>Completes -Policy with the <c>namespace:name</c> of the ImagePolicy objects and setter markers under -Path (when typed) or the current location.</summary>
internal sealed class PolicyNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters) =>
        CompletionInput.Matching(LocalNames.Policies(CompletionInput.Directory(fakeBoundParameters, "Path")), wordToComplete);
}
