using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace TazLab.ImageAutomation.Engine.Processes;

/// <summary>What a program printed and how it ended; its text is the program's own, not yet scrubbed.</summary>
internal sealed record ChildProcessResult(int ExitCode, string Output, string Error);

/// <summary>A program that did not finish in time; it was ended with every process it started.</summary>
internal sealed class ChildProcessTimeoutException(string program, TimeSpan timeout)
    : TimeoutException($"'{program}' did not finish within {timeout.TotalSeconds:0.#} seconds.")
{
    public TimeSpan Timeout { get; } = timeout;
}

/// <summary>
/// The one way the engine runs another program (git, gpg, ssh-keygen, docker credential helpers): arguments never
/// through a shell, standard input written then closed, every wait bounded, and on a time-out or a cancellation the
/// program is ended with its whole process tree (a helper script's own children too). Output is kept up to a cap, so
/// a program that prints without end cannot grow the process.
/// </summary>
internal static class ChildProcess
{
    /// <summary>Characters kept of each of standard output and standard error; the rest is read and dropped.</summary>
    public const int MaxOutputChars = 4 * 1024 * 1024;

    /// <param name="configure">Sets the working directory or environment before the start.</param>
    /// <exception cref="Win32Exception">The program could not be started (missing, not executable).</exception>
    /// <exception cref="ChildProcessTimeoutException">It ran longer than <paramref name="timeout"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> was cancelled.</exception>
    public static async Task<ChildProcessResult> RunAsync(string program, IEnumerable<string> arguments, string? input,
        TimeSpan timeout, CancellationToken ct, Action<ProcessStartInfo>? configure = null)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        configure?.Invoke(start);
        using var process = Process.Start(start) ?? throw new Win32Exception($"'{program}' could not be started.");
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        try
        {
            var output = ReadCappedAsync(process.StandardOutput, deadline.Token);
            var error = ReadCappedAsync(process.StandardError, deadline.Token);
            try
            {
                await process.StandardInput.WriteAsync(input.AsMemory(), deadline.Token).ConfigureAwait(false);
                process.StandardInput.Close();
            }
            catch (IOException)
            {
                // The program exited without reading all of its input; its exit code says how it went.
            }

            await process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
            return new ChildProcessResult(process.ExitCode, await output.ConfigureAwait(false), await error.ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new ChildProcessTimeoutException(Path.GetFileName(program), timeout);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(TimeSpan.FromSeconds(5));
            }
        }
    }

    /// <inheritdoc cref="RunAsync"/>
    public static ChildProcessResult Run(string program, IEnumerable<string> arguments, string? input, TimeSpan timeout,
        Action<ProcessStartInfo>? configure = null) =>
        RunAsync(program, arguments, input, timeout, CancellationToken.None, configure).GetAwaiter().GetResult();

    /// <summary>The first file named <paramref name="program"/> (with .exe, .cmd or .bat on Windows) in the folders of <paramref name="path"/>.</summary>
    public static string? FindOnPath(string program, string? path)
    {
        string[] names = OperatingSystem.IsWindows() ? [program + ".exe", program + ".cmd", program + ".bat"] : [program];
        return (path ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .SelectMany(folder => names.Select(name => Path.Combine(folder, name)))
            .FirstOrDefault(File.Exists);
    }

    private static async Task<string> ReadCappedAsync(StreamReader reader, CancellationToken ct)
    {
        var kept = new StringBuilder();
        var buffer = new char[16 * 1024];
        int read;
        while ((read = await reader.ReadAsync(buffer.AsMemory(), ct).ConfigureAwait(false)) > 0)
        {
            kept.Append(buffer, 0, Math.Min(read, MaxOutputChars - kept.Length));
        }

        return kept.ToString();
    }
}
