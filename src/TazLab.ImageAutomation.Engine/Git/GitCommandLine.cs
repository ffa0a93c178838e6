using TazLab.ImageAutomation.Engine.Diagnostics;
using TazLab.ImageAutomation.Engine.Processes;

namespace TazLab.ImageAutomation.Engine.Git;

/// <summary>The result of one git command: its exit code and its output (not yet scrubbed).</summary>
internal sealed record GitCommandResult(int ExitCode, string Output, string Error);

/// <summary>
/// Runs the git command-line program, for what libgit2 cannot do to a repository on disk: a push that runs the
/// remote's hooks and moves the branch only if it still holds the value seen (receive-pack's ref transaction), and
/// fetches that keep a shallow clone's boundary valid. Found on PATH once; every run is bounded by <see cref="Timeout"/>.
/// </summary>
internal static class GitCommandLine
{
    private static readonly Lazy<string?> Program = new(FindOnPath);

    /// <summary>How long one git command may take before it is killed.</summary>
    public static TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(5);

    public static bool Available => Program.Value is not null;

    /// <exception cref="AutomationException">git is not installed, or it did not finish within <see cref="Timeout"/>.</exception>
    public static GitCommandResult Run(string workingDirectory, string why, params string[] arguments) =>
        Run(workingDirectory, why, null, arguments);

    /// <param name="environment">Extra variables for git (a credential helper's input); never put on the command line.</param>
    public static GitCommandResult Run(string workingDirectory, string why, IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        var program = Program.Value ?? throw new AutomationException(ErrorKind.ObjectNotFound, "GitProgramNotFound",
            $"{why} needs the git command-line program (it runs the repository's hooks and updates its branch atomically), and 'git' is not on PATH.",
            "git", "Install git (e.g. 'apt-get install git'), or use a remote over HTTP(S).");
        try
        {
            var result = ChildProcess.Run(program, arguments, input: null, Timeout, start =>
            {
                start.WorkingDirectory = workingDirectory;

                // No prompt can ever block the run, messages are git's own (parsed by the callers), and a caller's GIT_DIR cannot redirect us.
                start.Environment["GIT_TERMINAL_PROMPT"] = "0";
                start.Environment["LC_ALL"] = "C";
                start.Environment["LANGUAGE"] = "C";
                foreach (var variable in new[] { "GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_ASKPASS", "SSH_ASKPASS" })
                {
                    start.Environment.Remove(variable);
                }

                foreach (var (name, value) in environment ?? new Dictionary<string, string>())
                {
                    start.Environment[name] = value;
                }
            });
            return new GitCommandResult(result.ExitCode, result.Output, result.Error);
        }
        catch (ChildProcessTimeoutException)
        {
            throw new AutomationException(ErrorKind.OperationTimeout, "GitProgramTimedOut",
                $"{why}: 'git {arguments.FirstOrDefault()}' did not finish within {Timeout.TotalSeconds:0} seconds and was stopped.",
                workingDirectory, "Check that the repository is reachable and not locked by another program.");
        }
    }

    private static string? FindOnPath() => ChildProcess.FindOnPath("git", Environment.GetEnvironmentVariable("PATH"));
}
