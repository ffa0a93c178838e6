namespace TazLab.ImageAutomation.Engine.Diagnostics;

/// <summary>
/// How far one piece of long work has got, for a progress bar. Reports with the same <see cref="Activity"/> update one
/// bar; each report replaces the last. The engine reports as often as it likes (the cmdlets throttle), from any thread,
/// through an <see cref="IProgress{T}"/> that may be null (nobody is watching).
/// </summary>
/// <param name="Activity">What is being done, the same text for the whole piece of work ("Listing tags of 'example/app'").</param>
/// <param name="Done">How many <paramref name="Unit"/> are done.</param>
/// <param name="Total">How many there are in all, when known (a percentage is then shown).</param>
/// <param name="Unit">What is counted ("files", "pages"); empty when nothing is.</param>
public sealed record ProgressReport(string Activity, long Done = 0, long? Total = null, string Unit = "")
{
    /// <summary>What is happening now, said before the count ("Pushing", "Retrying in 4 s (attempt 2 of 5)").</summary>
    public string? Status { get; init; }

    /// <summary>The item being worked on (a file, a page).</summary>
    public string? Current { get; init; }

    /// <summary>The <see cref="Activity"/> of the work this is a step of: its bar is shown under that one.</summary>
    public string? Parent { get; init; }

    /// <summary>The work is finished: its bar, and the bars of its steps, go away.</summary>
    public bool Completed { get; init; }

    /// <summary>The work is finished (see <see cref="Completed"/>).</summary>
    public static ProgressReport Finished(string activity) => new(activity) { Completed = true };
}

public static class ProgressExtensions
{
    /// <summary>Reports <paramref name="activity"/> finished when disposed, so its bar ends however the work does:
    /// <c>using var _ = progress.FinishedAtEnd(activity);</c></summary>
    public static ProgressFinish FinishedAtEnd(this IProgress<ProgressReport>? progress, string activity) => new(progress, activity);

    /// <summary>The same progress, with reports that name no parent shown as steps of <paramref name="parent"/>.</summary>
    public static IProgress<ProgressReport>? Under(this IProgress<ProgressReport>? progress, string parent) =>
        progress is null ? null : new StepProgress(progress, parent);

    private sealed class StepProgress(IProgress<ProgressReport> inner, string parent) : IProgress<ProgressReport>
    {
        public void Report(ProgressReport value) => inner.Report(value.Parent is null ? value with { Parent = parent } : value);
    }
}

/// <summary>See <see cref="ProgressExtensions.FinishedAtEnd"/>.</summary>
public readonly struct ProgressFinish(IProgress<ProgressReport>? progress, string activity) : IDisposable
{
    public void Dispose() => progress?.Report(ProgressReport.Finished(activity));
}
