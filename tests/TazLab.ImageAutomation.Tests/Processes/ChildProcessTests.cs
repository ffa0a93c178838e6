using System.ComponentModel;
using TazLab.ImageAutomation.Engine.Processes;

namespace TazLab.ImageAutomation.Tests.Processes;

/// <summary>Every program the engine runs is bounded: in time (with its children), in output, and never through a shell.</summary>
public class ChildProcessTests
{
    [Fact]
    public void GivesTheProgramItsInputAndItsArgumentsVerbatim()
    {
        var result = ChildProcess.Run("sh", ["-c", "printf '%s|' \"$0\"; cat; echo oops >&2; exit 3", "a b;$(x)"], "from stdin", TimeSpan.FromSeconds(30));

        Assert.Equal(3, result.ExitCode);
        Assert.Equal("a b;$(x)|from stdin", result.Output);
        Assert.Equal("oops\n", result.Error);
    }

    [Fact]
    public async Task EndsAProgramThatRunsTooLongWithTheChildrenItStarted()
    {
        var marker = Path.Combine(Path.GetTempPath(), $"child-{Guid.NewGuid():N}");
        var script = $"sleep 300 & echo $! > '{marker}'; wait";

        var error = await Assert.ThrowsAsync<ChildProcessTimeoutException>(() =>
            ChildProcess.RunAsync("sh", ["-c", script], null, TimeSpan.FromSeconds(1), CancellationToken.None));

        Assert.Contains("'sh' did not finish within 1 seconds", error.Message);
        var sleeper = int.Parse(File.ReadAllText(marker).Trim());
        File.Delete(marker);
        Assert.True(EndsWithin(sleeper, TimeSpan.FromSeconds(10)), "the program's child 'sleep' outlived the time-out");
    }

    [Fact]
    public async Task ACancelledRunEndsTheProgram()
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(1));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            ChildProcess.RunAsync("sleep", ["300"], null, TimeSpan.FromMinutes(5), cancel.Token));
    }

    [Fact]
    public void KeepsOnlyTheCappedStartOfEndlessOutput()
    {
        var result = ChildProcess.Run("sh", ["-c", "head -c 20000000 /dev/zero | tr '\\0' x"], null, TimeSpan.FromSeconds(60));

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(ChildProcess.MaxOutputChars, result.Output.Length);
    }

    [Fact]
    public void AProgramThatIsNotThereCannotStart() =>
        Assert.Throws<Win32Exception>(() => ChildProcess.Run("/nonexistent/tazlab-program", [], null, TimeSpan.FromSeconds(5)));

    [Fact]
    public void FindsAProgramOnThePathGiven()
    {
        Assert.Equal("/bin/sh", ChildProcess.FindOnPath("sh", "/nonexistent:/bin"));
        Assert.Null(ChildProcess.FindOnPath("sh", "/nonexistent"));
    }

    // A killed orphan is reaped by init a moment later; kill -0 fails once it is gone.
    private static bool EndsWithin(int pid, TimeSpan wait)
    {
        var until = DateTime.UtcNow + wait;
        while (ChildProcess.Run("kill", ["-0", pid.ToString()], null, TimeSpan.FromSeconds(5)).ExitCode == 0)
        {
            if (DateTime.UtcNow > until)
            {
                return false;
            }

            Thread.Sleep(50);
        }

        return true;
    }
}
