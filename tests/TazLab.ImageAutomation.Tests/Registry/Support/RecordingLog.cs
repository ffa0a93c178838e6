using TazLab.ImageAutomation.Engine.Diagnostics;

namespace TazLab.ImageAutomation.Tests.Registry.Support;

/// <summary>Keeps every verbose and warning line, so tests can assert on them (and on what they must never contain).</summary>
internal sealed class RecordingLog : IEngineLog
{
    private readonly List<string> verbose = [];
    private readonly List<string> warnings = [];

    public IReadOnlyList<string> VerboseLines { get { lock (verbose) { return verbose.ToList(); } } }

    public IReadOnlyList<string> Warnings { get { lock (warnings) { return warnings.ToList(); } } }

    public void Verbose(string message) { lock (verbose) { verbose.Add(message); } }

    public void Warning(string message) { lock (warnings) { warnings.Add(message); } }

    public string All => string.Join("\n", VerboseLines.Concat(Warnings));
}
