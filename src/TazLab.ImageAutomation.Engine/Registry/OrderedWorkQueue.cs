using TazLab.ImageAutomation.Engine.Diagnostics;

namespace TazLab.ImageAutomation.Engine.Registry;

/// <summary>
/// Runs work items concurrently, at most <c>throttleLimit</c> at a time, and hands the results back in the order the
/// items were added. Each item logs into its own buffer, so its messages come out next to its result on the
/// caller's thread: a cmdlet can then do all its WriteObject/WriteVerbose/WriteError on the pipeline thread.
/// </summary>
public sealed class OrderedWorkQueue<T> : IDisposable
{
    private readonly SemaphoreSlim slots;
    private readonly CancellationToken cancellationToken;
    private readonly Queue<(Task<T> Task, BufferedEngineLog Log)> pending = new();

    public OrderedWorkQueue(int throttleLimit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(throttleLimit, 1);
        slots = new SemaphoreSlim(throttleLimit);
        this.cancellationToken = cancellationToken;
    }

    /// <summary>Queues one item; it starts on the thread pool as soon as a slot is free.</summary>
    public void Add(Func<IEngineLog, CancellationToken, Task<T>> work)
    {
        var log = new BufferedEngineLog();
        pending.Enqueue((Task.Run(() => RunAsync(work, log)), log));
    }

    /// <summary>The finished items at the head of the queue, in order, without waiting for the rest.</summary>
    public IEnumerable<WorkOutcome<T>> TakeFinished() => Take(wait: false);

    /// <summary>Every remaining item in order, waiting for each.</summary>
    /// <param name="waitFor">How to wait for an item to finish (a cmdlet writes progress meanwhile); by default simply waits.</param>
    public IEnumerable<WorkOutcome<T>> TakeAll(Action<WaitHandle>? waitFor = null) => Take(wait: true, waitFor);

    public void Dispose() => slots.Dispose();

    private IEnumerable<WorkOutcome<T>> Take(bool wait, Action<WaitHandle>? waitFor = null)
    {
        while (pending.Count > 0 && (wait || pending.Peek().Task.IsCompleted))
        {
            var (task, log) = pending.Dequeue();
            (waitFor ?? (handle => handle.WaitOne()))(((IAsyncResult)task).AsyncWaitHandle);
            yield return task.IsCompletedSuccessfully
                ? new WorkOutcome<T>(task.Result, null, log.Entries)
                : new WorkOutcome<T>(default, task.Exception?.InnerException ?? new OperationCanceledException(cancellationToken), log.Entries);
        }
    }

    private async Task<T> RunAsync(Func<IEngineLog, CancellationToken, Task<T>> work, BufferedEngineLog log)
    {
        await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await work(log, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            slots.Release();
        }
    }
}

/// <summary>One finished work item: its value or its exception, and what it logged.</summary>
public sealed record WorkOutcome<T>(T? Value, Exception? Error, IReadOnlyList<LogEntry> Log);

