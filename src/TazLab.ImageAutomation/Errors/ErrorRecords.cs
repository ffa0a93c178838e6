using System.Management.Automation;
using TazLab.ImageAutomation.Engine.Diagnostics;

namespace TazLab.ImageAutomation.Errors;

/// <summary>Turns the engine's failures into ErrorRecords with a category, the failing item and a recommended action.</summary>
internal static class ErrorRecords
{
    /// <param name="nameSetting">How the user sets each <see cref="Setting"/> the remedy refers to (a parameter, a YAML
    /// field in a file); by default the parameter the module's cmdlets share for it.</param>
    public static ErrorRecord From(AutomationException exception, Func<Setting, string?>? nameSetting = null)
    {
        var record = new ErrorRecord(exception, exception.ErrorId, Category(exception.Kind), exception.Target);
        if (exception.RecommendedAction is not null)
        {
            record.ErrorDetails = new ErrorDetails(exception.Message)
            {
                RecommendedAction = WithSettings(exception.RecommendedAction, exception.Settings, nameSetting ?? ParameterFor),
            };
        }

        return record;
    }

    /// <summary>The remedy followed by where its settings are set: "… (set with -TimeoutSec)".</summary>
    public static string WithSettings(string action, IReadOnlyList<Setting> settings, Func<Setting, string?> nameSetting)
    {
        var names = settings.Select(nameSetting).OfType<string>().Distinct().ToList();
        return names.Count == 0 ? action : $"{action} (set with {string.Join(" or ", names)})";
    }

    /// <summary>The parameter the module's cmdlets use for a setting.</summary>
    public static string? ParameterFor(Setting setting) => setting switch
    {
        Setting.RegistryCredential => "-Credential",
        Setting.RegistryCertificate => "-CertificatePath",
        Setting.SkipCertificateCheck => "-SkipCertificateCheck",
        Setting.InsecureHttp => "-AllowInsecureHttp",
        Setting.RegistryTimeout => "-TimeoutSec",
        Setting.RegistryConcurrency => "-ThrottleLimit",
        Setting.RegistryMirror => "-RegistryMirror",
        Setting.ExclusionList => "-ExcludePattern",
        Setting.TagFilter => "-Pattern and -Extract",
        Setting.UpdatePath => "-Path",
        Setting.MaxFileSize => "-MaxFileSize",
        Setting.PushBranch => "-PushBranch",
        Setting.GitRemote => "-Remote",
        Setting.GitCredential => "-Credential",
        Setting.RepositoryPath => "-RepositoryPath",
        Setting.MaxResponseSize => "-MaxResponseMB",
        _ => null,
    };

    public static ErrorRecord Create(string errorId, ErrorCategory category, object? target, string message, string? recommendedAction = null)
    {
        var record = new ErrorRecord(new PSArgumentException(message), errorId, category, target);
        if (recommendedAction is not null)
        {
            record.ErrorDetails = new ErrorDetails(message) { RecommendedAction = recommendedAction };
        }

        return record;
    }

    private static ErrorCategory Category(ErrorKind kind) => kind switch
    {
        ErrorKind.InvalidArgument => ErrorCategory.InvalidArgument,
        ErrorKind.ObjectNotFound => ErrorCategory.ObjectNotFound,
        ErrorKind.ConnectionError => ErrorCategory.ConnectionError,
        ErrorKind.AuthenticationError => ErrorCategory.AuthenticationError,
        ErrorKind.PermissionDenied => ErrorCategory.PermissionDenied,
        ErrorKind.LimitsExceeded => ErrorCategory.LimitsExceeded,
        ErrorKind.OperationTimeout => ErrorCategory.OperationTimeout,
        ErrorKind.ParserError => ErrorCategory.ParserError,
        ErrorKind.InvalidData => ErrorCategory.InvalidData,
        ErrorKind.InvalidOperation => ErrorCategory.InvalidOperation,
        ErrorKind.ResourceBusy => ErrorCategory.ResourceBusy,
        ErrorKind.WriteError => ErrorCategory.WriteError,
        ErrorKind.ResourceUnavailable => ErrorCategory.ResourceUnavailable,
        _ => ErrorCategory.NotSpecified,
    };
}
