namespace TazLab.ImageAutomation.Tests.Registry.Support;

/// <summary>
/// A clock that stands still and a timer that fires at once but remembers how long it was asked to wait,
/// so retry tests can check the backoff and Retry-After delays without sleeping.
/// </summary>
internal sealed class RecordingTimeProvider(DateTimeOffset now) : TimeProvider
{
    private readonly List<TimeSpan> delays = [];

    public DateTimeOffset Now { get; set; } = now;

    public IReadOnlyList<TimeSpan> Delays { get { lock (delays) { return delays.ToList(); } } }

    public override DateTimeOffset GetUtcNow() => Now;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        if (dueTime != Timeout.InfiniteTimeSpan)
        {
            lock (delays)
            {
                delays.Add(dueTime);
            }

            ThreadPool.QueueUserWorkItem(_ => callback(state));
        }

        return new NoTimer();
    }

    private sealed class NoTimer : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => true;

        public void Dispose() { }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
