using TazLab.ImageAutomation.Engine.Diagnostics;
using TazLab.ImageAutomation.Engine.FluxObjects;

namespace TazLab.ImageAutomation.Engine.Automation;

/// <summary>How one automation's run ended.</summary>
public enum AutomationStatus
{
    /// <summary><c>spec.suspend: true</c>: not run.</summary>
    Skipped,

    /// <summary>Every marker already holds its policy's value: no commit.</summary>
    UpToDate,

    /// <summary>A dry run (-WhatIf): this commit would be made.</summary>
    WouldCommit,

    /// <summary>Committed in the working copy, not pushed.</summary>
    Committed,

    /// <summary>Committed and pushed.</summary>
    Pushed,

    /// <summary>Stopped by an error (see Errors); nothing was written or committed for it, unless it failed after the commit.</summary>
    Failed,
}

/// <summary>What one ImageUpdateAutomation did (or, in a dry run, would do). Plain data: readable as a table, ConvertTo-Json friendly.</summary>
public sealed record AutomationResult
{
    public required string Name { get; init; }
    public required string Namespace { get; init; }

    /// <summary>The automation's file, relative to the repository root.</summary>
    public required string File { get; init; }

    /// <summary>The working copy the automation ran in.</summary>
    public required string Repository { get; init; }

    /// <summary>An <see cref="AutomationStatus"/> name (a string, so JSON logs read it).</summary>
    public string Status { get; init; } = nameof(AutomationStatus.Failed);

    /// <summary>Why there is no commit (skipped, up to date, failed), or empty.</summary>
    public string Reason { get; init; } = "";

    /// <summary>Each selected policy's outcome.</summary>
    public IReadOnlyList<PolicyResult> Policies { get; init; } = [];

    /// <summary>Each marker whose value changes (or, refused as a downgrade, would have).</summary>
    public IReadOnlyList<MarkerChange> Changes { get; init; } = [];

    /// <summary>Changed files, relative to the repository root.</summary>
    public IReadOnlyList<string> ChangedFiles { get; init; } = [];

    /// <summary>A unified diff per changed file.</summary>
    public IReadOnlyList<FileDiff> Diffs { get; init; } = [];

    /// <summary>The commit message, rendered from the automation's template.</summary>
    public string Message { get; init; } = "";

    public string Commit { get; init; } = "";
    public string Branch { get; init; } = "";
    public bool Pushed { get; init; }

    /// <summary>Flux's event text (<c>pushed commit '…' to branch '…'</c>), or what was committed.</summary>
    public string Summary { get; init; } = "";

    public IReadOnlyList<string> Warnings { get; init; } = [];
    public IReadOnlyList<string> Errors { get; init; } = [];

    public double DurationSeconds { get; init; }

    public override string ToString() => $"{Namespace}/{Name}: {Status}{(Reason.Length > 0 ? $" ({Reason})" : "")}";
}

/// <summary>The tag one policy selected for an automation, or why it selected none.</summary>
public sealed record PolicyResult(string Policy, string Image, string Tag, string Digest, int CandidateCount, int MatchedCount, string Error)
{
    public override string ToString() => Error.Length > 0 ? $"{Policy}: {Error}" : $"{Policy}: {Image}:{Tag}{(Digest.Length > 0 ? "@" + Digest : "")}";
}

/// <summary>One marker's old → new value. <see cref="Applied"/> is false for a refused downgrade (the file keeps the old value).</summary>
/// <param name="File">Relative to the repository root.</param>
public sealed record MarkerChange(string File, int Line, string Setter, string OldValue, string NewValue, bool Applied)
{
    public override string ToString() => $"{File}:{Line}: {OldValue} -> {NewValue}{(Applied ? "" : " (downgrade refused)")}";
}

/// <summary>A unified diff (<c>--- a/… +++ b/…</c>) of one changed file.</summary>
public sealed record FileDiff(string File, string Diff)
{
    public override string ToString() => Diff;
}

/// <summary>An error of one automation, with the Flux object it is about (so the caller can name the field the user wrote).</summary>
public sealed record AutomationFailure(string Automation, FluxObject? Subject, AutomationException Error);

/// <summary>What one run over one repository gave: a result per automation, the errors behind them, and objects that did not load.</summary>
public sealed record AutomationRun(string Repository, IReadOnlyList<AutomationResult> Results, IReadOnlyList<AutomationFailure> Failures,
    IReadOnlyList<AutomationException> LoadProblems, IReadOnlyList<LogEntry> Log);
