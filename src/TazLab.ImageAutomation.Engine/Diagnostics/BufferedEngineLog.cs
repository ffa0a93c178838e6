namespace TazLab.ImageAutomation.Engine.Diagnostics;

/// <summary>A message the engine logged: a warning or a verbose line.</summary>
public sealed record LogEntry(bool IsWarning, string Message);

/// <summary>
/// Keeps what engine work logs on other threads, so a cmdlet can write it afterwards on the pipeline thread
/// (PowerShell only accepts stream writes from there).
/// </summary>
public sealed class BufferedEngineLog : IEngineLog
{
    private readonly List<LogEntry> entries = [];

    public IReadOnlyList<LogEntry> Entries
    {
        get
        {
            lock (entries)
            {
                return entries.ToList();
            }
        }
    }

    public void Verbose(string message) => Add(new LogEntry(false, message));

    public void Warning(string message) => Add(new LogEntry(true, message));

    private void Add(LogEntry entry)
    {
        lock (entries)
        {
            entries.Add(entry);
        }
    }
}
