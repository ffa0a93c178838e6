namespace TazLab.ImageAutomation;

/// <summary>The commit Submit-AutomationCommit made, and where it went.</summary>
public sealed class AutomationCommit
{
    /// <summary>Working-copy root.</summary>
    public string Repository { get; init; } = "";

    public string Branch { get; init; } = "";

    public string Sha { get; init; } = "";

    public string Message { get; init; } = "";

    /// <summary>Committed files, relative to the repository root.</summary>
    public string[] Files { get; init; } = [];

    public bool Pushed { get; init; }

    /// <summary><c>remote/branch</c> when pushed.</summary>
    public string PushedTo { get; init; } = "";

    /// <summary>How many commit-and-push attempts it took.</summary>
    public int Attempts { get; init; }

    /// <summary>Flux's event text: <c>pushed commit '&lt;sha7&gt;' to branch '&lt;branch&gt;'</c>.</summary>
    public string Summary { get; init; } = "";

    public override string ToString() => Summary;
}
