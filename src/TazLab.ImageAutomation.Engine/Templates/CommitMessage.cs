using TazLab.ImageAutomation.Engine.Diagnostics;

namespace TazLab.ImageAutomation.Engine.Templates;

/// <summary>Renders a commit message the way Flux's image-automation-controller does (section 1.3.2 of the reference).</summary>
public static class CommitMessage
{
    public const string DefaultMessage = "Update from image update automation";

    private const string TemplateName = "commit message";
    private const string TemplateDocs = "See: https://fluxcd.io/flux/components/image/imageupdateautomations/#message-template";

    /// <summary>Renders <paramref name="template"/> (Go text/template syntax; null or empty = Flux's default message).</summary>
    /// <exception cref="AutomationException">The template does not parse, uses a field Flux removed, or fails to run.</exception>
    public static string Render(string? template, CommitTemplateData data)
    {
        if (string.IsNullOrEmpty(template))
        {
            return DefaultMessage;
        }

        GoTemplate parsed;
        try
        {
            parsed = GoTemplate.Parse(TemplateName, template);
        }
        catch (TemplateError e)
        {
            throw new AutomationException(ErrorKind.ParserError, "CommitTemplateInvalid",
                $"unable to create commit message template from spec: {e.Message}", template,
                $"Fix the template at line {e.Line}, column {e.Column}.");
        }

        try
        {
            return parsed.Execute(data);
        }
        catch (TemplateError e) when (RemovedField(e.Message) is { } removed)
        {
            // Flux's text, and where the field is.
            throw new AutomationException(ErrorKind.InvalidArgument, "CommitTemplateRemovedField",
                $"{removed} {TemplateDocs} (template: {TemplateName}:{e.Line}:{e.Column})", template,
                "Rewrite the template for Flux v1's data: .Changed.FileChanges, .Changed.Objects or .Changed.Changes.");
        }
        catch (TemplateError e)
        {
            throw new AutomationException(ErrorKind.InvalidData, "CommitTemplateFailed",
                $"failed to run template from spec: {e.Message}", template,
                "Use only the fields .AutomationObject, .Changed.FileChanges, .Changed.Objects, .Changed.Changes and .Values.");
        }
    }

    /// <summary>
    /// Flux v1 recognises templates written for v1beta1/v1beta2 data from the execution error (IAC source.go
    /// <c>checkRemovedTemplateField</c>), so a removed field in a branch that is not taken still renders.
    /// </summary>
    private static string? RemovedField(string error) =>
        error.Contains("can't evaluate field Updated in type source.TemplateData", StringComparison.Ordinal)
            ? "template uses removed '.Updated' field. Please use '.Changed' instead."
            : error.Contains("can't evaluate field ImageResult in type update.Result", StringComparison.Ordinal)
                ? "template uses removed '.Changed.ImageResult' field. Please use '.Changed.FileChanges' or '.Changed.Objects' instead."
                : null;
}
