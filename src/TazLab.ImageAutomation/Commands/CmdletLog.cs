using System.Management.Automation;
using TazLab.ImageAutomation.Engine.Diagnostics;

namespace TazLab.ImageAutomation.Commands;

/// <summary>Forwards the engine's messages to the cmdlet's Verbose and Warning streams (call on the pipeline thread only).</summary>
internal sealed class CmdletLog(Cmdlet cmdlet) : IEngineLog
{
    public void Verbose(string message) => cmdlet.WriteVerbose(message);

    public void Warning(string message) => cmdlet.WriteWarning(message);

    /// <summary>Writes what engine work logged on other threads (see <see cref="BufferedEngineLog"/>), in order.</summary>
    public void Replay(IEnumerable<LogEntry> entries)
    {
        foreach (var entry in entries)
        {
            if (entry.IsWarning)
            {
                Warning(entry.Message);
            }
            else
            {
                Verbose(entry.Message);
            }
        }
    }
}
