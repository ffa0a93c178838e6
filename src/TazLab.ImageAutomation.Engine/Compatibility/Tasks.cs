namespace System.Threading.Tasks;

/// <summary>.NET Core's task members (the TimeProvider delay comes from Microsoft.Bcl.TimeProvider).</summary>
internal static class TaskPolyfill
{
    extension(Task task)
    {
        public bool IsCompletedSuccessfully => task.Status == TaskStatus.RanToCompletion;
    }

    extension(Task)
    {
        public static Task Delay(TimeSpan delay, TimeProvider timeProvider, CancellationToken cancellationToken) =>
            timeProvider.Delay(delay, cancellationToken);
    }
}
