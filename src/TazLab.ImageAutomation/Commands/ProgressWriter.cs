using System.Diagnostics;
using System.Management.Automation;
using TazLab.ImageAutomation.Engine.Diagnostics;

namespace TazLab.ImageAutomation.Commands;

/// <summary>
/// Turns one cmdlet's progress reports (see <see cref="ProgressReport"/>) into ProgressRecords. Reports come from any
/// thread; records are written only on the pipeline thread: when reported there, or when the cmdlet waits through
/// <see cref="Run{T}"/> or calls <see cref="Flush"/>. Nothing is written in a command's first half second (see
/// <see cref="Grace"/>); after it, changed counts at most every 200 ms and a new status at once. <see cref="Dispose"/>
/// completes every bar shown and writes nothing after; once the pipeline is stopping nothing is written (see <see cref="Write"/>).
/// </summary>
internal sealed class ProgressWriter : IProgress<ProgressReport>, IDisposable
{
    /// <summary>How long the pipeline thread waits between flushes while engine work runs elsewhere.</summary>
    private static readonly TimeSpan WaitSlice = TimeSpan.FromMilliseconds(100);

    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Nothing is written before a command has run this long: most runs end sooner and then cost no record at all. It
    /// matters: a process's first progress record costs PowerShell 0.3 to 0.8 s (measured on the shared build machine,
    /// output redirected), more than such a run. Tests of the records set it to zero.
    /// </summary>
    internal static TimeSpan Grace { get; set; } = TimeSpan.FromMilliseconds(500);

    private readonly Cmdlet cmdlet;
    private readonly int pipelineThread = Environment.CurrentManagedThreadId;
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private readonly Dictionary<string, Bar> bars = new(StringComparer.Ordinal);
    private readonly List<Bar> finished = [];

    /// <summary>Set when a report from another thread has something to write at once, so a waiting pipeline thread writes it.</summary>
    private readonly AutoResetEvent urgent = new(false);
    private TimeSpan lastWrite = -Interval;
    private int nextActivityId;
    private bool newStep;
    private bool disposed;

    private sealed class Bar(int activityId, ProgressReport latest)
    {
        public int ActivityId { get; } = activityId;
        public ProgressReport Latest { get; set; } = latest;
        public bool Changed { get; set; } = true;
        public bool Shown { get; set; }
        public int Percent { get; set; } = -1;
        public Bar? Parent { get; set; }
    }

    /// <param name="firstActivityId">This command's first ActivityId; its bars count up from there, so commands in one pipeline do not share ids.</param>
    private ProgressWriter(Cmdlet cmdlet, int firstActivityId, bool enabled)
    {
        this.cmdlet = cmdlet;
        nextActivityId = firstActivityId;
        Sink = enabled ? this : null;
    }

    /// <summary>What the engine reports to: null when progress is not shown (-ProgressAction or $ProgressPreference
    /// SilentlyContinue or Ignore), so the engine does not even build its reports.</summary>
    public IProgress<ProgressReport>? Sink { get; }

    /// <summary>A writer for <paramref name="cmdlet"/>; create it on the pipeline thread (BeginProcessing or later).</summary>
    public static ProgressWriter For(PSCmdlet cmdlet, int firstActivityId)
    {
        var preference = cmdlet.MyInvocation.BoundParameters.TryGetValue("ProgressAction", out var action)
            ? action
            : cmdlet.SessionState.PSVariable.GetValue("ProgressPreference");
        var silent = LanguagePrimitives.TryConvertTo<ActionPreference>(preference, out var value)
            && value is ActionPreference.SilentlyContinue or ActionPreference.Ignore;
        return new ProgressWriter(cmdlet, firstActivityId, enabled: !silent);
    }

    public void Report(ProgressReport value)
    {
        if (Sink is null)
        {
            return;
        }

        lock (bars)
        {
            if (disposed)
            {
                return;
            }

            var wasUrgent = newStep;
            if (value.Completed)
            {
                Finish(value.Activity);
                newStep = true;
            }
            else if (bars.TryGetValue(value.Activity, out var bar))
            {
                // A new step ("Pushing") or a total now known is written at once: the thread may block in the step for a
                // while. Counts wait their turn.
                newStep |= value.Status != bar.Latest.Status || value.Total != bar.Latest.Total;
                bar.Latest = value;
                bar.Changed = true;
            }
            else
            {
                bars[value.Activity] = new Bar(nextActivityId++, value)
                {
                    Parent = value.Parent is null ? null : bars.GetValueOrDefault(value.Parent),
                };
                newStep = true;
            }

            // Once per flush, not per report: sixteen writer threads must not keep the pipeline thread spinning.
            if (newStep && !wasUrgent && Environment.CurrentManagedThreadId != pipelineThread)
            {
                urgent.Set();
            }
        }

        Flush();
    }

    /// <summary>Writes what changed, if this is the pipeline thread: finished bars at once, others at most every 200 ms.</summary>
    public void Flush()
    {
        if (Sink is null || Environment.CurrentManagedThreadId != pipelineThread || clock.Elapsed < Grace)
        {
            return;
        }

        List<ProgressRecord> records;
        lock (bars)
        {
            var due = newStep || clock.Elapsed - lastWrite >= Interval;
            if (disposed || (finished.Count == 0 && !due))
            {
                return;
            }

            newStep = false;

            records = finished.Where(b => b.Shown).Select(Completed).ToList();
            finished.Clear();
            if (due)
            {
                foreach (var bar in bars.Values.Where(b => b.Changed).OrderBy(b => b.ActivityId))
                {
                    records.Add(Record(bar));
                }

                lastWrite = clock.Elapsed;
            }
        }

        Write(records);
    }

    /// <summary>Runs engine work on another thread and keeps writing its progress here until it ends; its result or exception.</summary>
    public T Run<T>(Func<T> work)
    {
        if (Sink is null)
        {
            return work();
        }

        var task = Task.Run(work);
        WaitFor(((IAsyncResult)task).AsyncWaitHandle);
        return task.GetAwaiter().GetResult(); // its own exception, not an AggregateException
    }

    /// <summary>Waits on the pipeline thread until <paramref name="done"/> is set, writing progress meanwhile: a new bar or
    /// step at once, counts at least every 100 ms.</summary>
    public void WaitFor(WaitHandle done)
    {
        if (Sink is null)
        {
            done.WaitOne();
            return;
        }

        while (WaitHandle.WaitAny([done, urgent], WaitSlice) != 0)
        {
            Flush();
        }
    }

    /// <summary>Completes every bar shown (also after an error); nothing is written after.</summary>
    public void Dispose()
    {
        if (Sink is null || Environment.CurrentManagedThreadId != pipelineThread)
        {
            return;
        }

        List<ProgressRecord> records;
        lock (bars)
        {
            if (disposed)
            {
                return;
            }

            disposed = true;
            records = finished.Concat(bars.Values.OrderByDescending(b => b.ActivityId)).Where(b => b.Shown).Select(Completed).ToList();
            bars.Clear();
        }

        Write(records);
    }

    /// <summary>
    /// Writes on the pipeline thread. Once the pipeline is stopping (Ctrl+C) PowerShell refuses every write, Completed
    /// records too, and the host clears the bars when the pipeline ends; from then on nothing is written, and the
    /// stop is not turned into an error here: the cmdlet is still waiting for its engine work to wind down.
    /// </summary>
    private void Write(List<ProgressRecord> records)
    {
        try
        {
            foreach (var record in records)
            {
                cmdlet.WriteProgress(record);
            }
        }
        catch (PipelineStoppedException)
        {
            lock (bars)
            {
                disposed = true;
                bars.Clear();
                finished.Clear();
            }
        }
    }

    /// <summary>Removes the bar and the bars of its steps (their Completed records go out with the next flush).</summary>
    private void Finish(string activity)
    {
        if (!bars.Remove(activity, out var bar))
        {
            return;
        }

        foreach (var step in bars.Where(b => b.Value.Parent == bar).Select(b => b.Key).ToList())
        {
            Finish(step);
        }

        finished.Add(bar);
    }

    private ProgressRecord Record(Bar bar)
    {
        var report = bar.Latest;
        if (report.Total is { } total)
        {
            // Never backwards, never above 100, whatever the counts say.
            var percent = total <= 0 ? 100 : (int)Math.Min(Math.Max(report.Done * 100 / total, 0), 100);
            bar.Percent = Math.Max(bar.Percent, percent);
        }

        bar.Changed = false;
        bar.Shown = true;
        return new ProgressRecord(bar.ActivityId, Shown(report.Activity), StatusOf(report))
        {
            PercentComplete = report.Total is null ? -1 : bar.Percent,
            ParentActivityId = bar.Parent is { Shown: true } parent ? parent.ActivityId : -1,
            CurrentOperation = report.Current is null ? null : Shown(report.Current),
        };
    }

    private static ProgressRecord Completed(Bar bar) =>
        new(bar.ActivityId, Shown(bar.Latest.Activity), "Done")
        {
            RecordType = ProgressRecordType.Completed,
            PercentComplete = bar.Percent < 0 ? -1 : 100,
            ParentActivityId = bar.Parent?.ActivityId ?? -1,
        };

    /// <summary>"Reading: 1200 files", "Applying the values: 40 of 3000 files", or just the status (never empty: PowerShell refuses that).</summary>
    private static string StatusOf(ProgressReport report)
    {
        var count = report.Unit.Length == 0 ? ""
            : report.Total is { } total ? $"{report.Done:N0} of {total:N0} {report.Unit}"
            : $"{report.Done:N0} {report.Unit}";
        var text = string.IsNullOrEmpty(report.Status) ? count : count.Length == 0 ? report.Status : $"{report.Status}: {count}";
        return text.Length == 0 ? "Working" : Shown(text);
    }

    /// <summary>Text made safe for the console: names and paths may hold control characters, server text anything.</summary>
    private static string Shown(string text) => text.Length == 0 ? "-" : TextScrubber.Scrub(text);
}
