using System.Text.RegularExpressions;

namespace TazLab.ImageAutomation.Engine.Policies;

/// <summary>
/// A regex that runs interpreted for its first <see cref="CompileAfter"/> inputs and compiled after: a compiled regex
/// matches about four times faster, but emitting and JIT-compiling it costs a cold process ~10 ms of CPU, more than a
/// short tag list (a scheduled run's) ever gets back. Both run the same pattern with the same options and groups.
/// </summary>
internal sealed class TieredRegex(string pattern, RegexOptions options, TimeSpan matchTimeout)
{
    private const int CompileAfter = 1000;

    private volatile Regex? compiled;
    private int uses;

    /// <summary>The interpreted regex: for its groups, options and pattern text.</summary>
    public Regex Interpreted { get; } = new(pattern, options, matchTimeout);

    /// <summary>The regex to match the next input with.</summary>
    public Regex Current
    {
        get
        {
            if (compiled is { } ready)
            {
                return ready;
            }

            // One thread counts the threshold and compiles; the others go on interpreted meanwhile.
            if (Interlocked.Increment(ref uses) == CompileAfter)
            {
                compiled = new Regex(pattern, options | RegexOptions.Compiled, matchTimeout);
            }

            return compiled ?? Interpreted;
        }
    }
}
