namespace TazLab.ImageAutomation;

/// <summary>One marked value Update-ImageSetter changed (or found already holding the selected value), with what Flux's
/// commit templates know about it.</summary>
public sealed class ImageSetterChange
{
    /// <summary>Absolute path of the file.</summary>
    public string Path { get; init; } = "";

    /// <summary>Path relative to <see cref="UpdatePath"/>, '/'-separated (Flux's FileChanges key).</summary>
    public string RelativePath { get; init; } = "";

    /// <summary>The -Path the setters ran on (Flux's <c>spec.update.path</c>), absolute.</summary>
    public string UpdatePath { get; init; } = "";

    public int Line { get; init; }

    public int Column { get; init; }

    /// <summary>The marker's value: <c>ns:policy</c>, <c>ns:policy:tag</c>, <c>ns:policy:name</c> or <c>ns:policy:digest</c>.</summary>
    public string Setter { get; init; } = "";

    public string OldValue { get; init; } = "";

    public string NewValue { get; init; } = "";

    /// <summary>Kubernetes identity of the document the value is in (empty when absent).</summary>
    public string ApiVersion { get; init; } = "";

    public string Kind { get; init; } = "";

    public string Name { get; init; } = "";

    public string Namespace { get; init; } = "";

    /// <summary>The selection that was applied (<c>namespace:name</c>, image, tag, digest), so a commit can re-apply it after a push race.</summary>
    public string Policy { get; init; } = "";

    public string Image { get; init; } = "";

    public string Tag { get; init; } = "";

    public string Digest { get; init; } = "";

    /// <summary>False under -WhatIf (the change was computed, not written) and for a value that was already current.</summary>
    public bool Written { get; init; } = true;

    /// <summary>The marker already held the selected value, so the file was not touched. Submit-AutomationCommit still
    /// applies it to the branch, which may not hold it yet (an earlier run's push failed).</summary>
    public bool AlreadyCurrent { get; init; }

    public override string ToString() => AlreadyCurrent ? $"{RelativePath}:{Line}: {NewValue} (already current)" : $"{RelativePath}:{Line}: {OldValue} -> {NewValue}";
}
