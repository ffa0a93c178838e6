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

        RejectRemovedFields(parsed);
        try
        {
            return parsed.Execute(data);
        }
        catch (TemplateError e)
        {
            throw new AutomationException(ErrorKind.InvalidData, "CommitTemplateFailed",
                $"failed to run template from spec: {e.Message}", template,
                "Use only the fields .AutomationObject, .Changed.FileChanges, .Changed.Objects, .Changed.Changes and .Values.");
        }
    }

    /// <summary>Flux v1 refuses templates written for v1beta1/v1beta2 data (<c>.Updated</c>, <c>.Changed.ImageResult</c>).</summary>
    private static void RejectRemovedFields(GoTemplate template)
    {
        foreach (var (position, fields) in template.FieldChains())
        {
            var removed = fields switch
            {
                ["Updated", ..] => "template uses removed '.Updated' field. Please use '.Changed' instead.",
                ["Changed", "ImageResult", ..] => "template uses removed '.Changed.ImageResult' field. Please use '.Changed.FileChanges' or '.Changed.Objects' instead.",
                _ => null,
            };
            if (removed is not null)
            {
                var where = new TemplateError(TemplateName, template.Text, position, removed, executing: false);
                throw new AutomationException(ErrorKind.InvalidArgument, "CommitTemplateRemovedField",
                    $"{removed} {TemplateDocs} (template: {TemplateName}:{where.Line}:{where.Column})", template.Text,
                    "Rewrite the template for Flux v1's data: .Changed.FileChanges, .Changed.Objects or .Changed.Changes.");
            }
        }
    }
}
