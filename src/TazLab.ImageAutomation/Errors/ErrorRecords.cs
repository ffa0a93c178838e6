using System.Management.Automation;
using TazLab.ImageAutomation.Engine.Diagnostics;

namespace TazLab.ImageAutomation.Errors;

/// <summary>Turns the engine's failures into ErrorRecords with a category, the failing item and a recommended action.</summary>
internal static class ErrorRecords
{
    public static ErrorRecord From(AutomationException exception)
    {
        var record = new ErrorRecord(exception, exception.ErrorId, Category(exception.Kind), exception.Target);
        if (exception.RecommendedAction is not null)
        {
            record.ErrorDetails = new ErrorDetails(exception.Message) { RecommendedAction = exception.RecommendedAction };
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
