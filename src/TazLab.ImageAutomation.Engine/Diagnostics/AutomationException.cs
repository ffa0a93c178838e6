namespace TazLab.ImageAutomation.Engine.Diagnostics;

/// <summary>What kind of failure an <see cref="AutomationException"/> reports; the cmdlets map it to an ErrorCategory.</summary>
public enum ErrorKind
{
    InvalidArgument,
    ObjectNotFound,
    ConnectionError,
    AuthenticationError,
    PermissionDenied,
    LimitsExceeded,
    OperationTimeout,
    ParserError,
    InvalidData,
    InvalidOperation,
    ResourceBusy,
    WriteError,
    ResourceUnavailable,
}

/// <summary>
/// The one exception type the engine throws for expected failures. It carries a stable error id, the kind,
/// the item that failed (image, file, repository) and a hint for the user, so the cmdlets can build an
/// ErrorRecord without parsing messages. Messages never contain credentials.
/// </summary>
public sealed class AutomationException : Exception
{
    public AutomationException(ErrorKind kind, string errorId, string message, object? target = null,
        string? recommendedAction = null, Exception? inner = null)
        : base(message, inner)
    {
        Kind = kind;
        ErrorId = errorId;
        Target = target;
        RecommendedAction = recommendedAction;
    }

    public ErrorKind Kind { get; }
    public string ErrorId { get; }
    public object? Target { get; }
    public string? RecommendedAction { get; }

    /// <summary>The settings <see cref="RecommendedAction"/> refers to, for the caller to name as its user sets them.</summary>
    public IReadOnlyList<Setting> Settings { get; init; } = [];
}
