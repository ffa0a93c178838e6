using System.Management.Automation;
using TazLab.ImageAutomation.Engine.Diagnostics;

namespace TazLab.ImageAutomation.Errors;

/// <summary>Turns the engine's failures into ErrorRecords with a category, the failing item and a recommended action.</summary>
internal static class ErrorRecords
{
    /// <summary>The parameter that changes a limit the engine names in words ("raise the response limit").</summary>
    private static readonly Dictionary<string, string> LimitParameters = new(StringComparer.Ordinal)
    {
        ["RegistryResponseTooLarge"] = "-MaxResponseMB",
    };

    public static ErrorRecord From(AutomationException exception)
    {
        var record = new ErrorRecord(exception, exception.ErrorId, Category(exception.Kind), exception.Target);
        if (exception.RecommendedAction is not null)
        {
            var action = LimitParameters.TryGetValue(exception.ErrorId, out var parameter)
                ? $"{exception.RecommendedAction} (parameter {parameter})"
                : exception.RecommendedAction;
            record.ErrorDetails = new ErrorDetails(exception.Message) { RecommendedAction = action };
        }

        return record;
    }

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
        _ => ErrorCategory.NotSpecified,
    };
}
