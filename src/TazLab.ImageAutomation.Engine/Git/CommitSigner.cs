using TazLab.ImageAutomation.Engine.Diagnostics;
using TazLab.ImageAutomation.Engine.Processes;

namespace TazLab.ImageAutomation.Engine.Git;

/// <summary>Signs a commit buffer the way git does, by running <c>gpg</c> or <c>ssh-keygen -Y sign</c>.</summary>
internal static class CommitSigner
{
    /// <summary>How long gpg or ssh-keygen may take; signing is local, so only a prompt or a stuck agent takes longer.</summary>
    public static TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(60);

    public static string Sign(CommitSigning signing, string commitBuffer) => signing.Format switch
    {
        SigningFormat.Ssh => SignWithSsh(signing.Key, commitBuffer),
        _ => SignWithGpg(signing.Key, commitBuffer),
    };

    private static string SignWithSsh(string keyFile, string buffer)
    {
        if (!File.Exists(keyFile))
        {
            throw new AutomationException(ErrorKind.ObjectNotFound, "SigningKeyNotFound",
                $"The SSH signing key file '{keyFile}' does not exist.", keyFile, "Give the path of an OpenSSH private key as the signing key.");
        }

        // Like git: with no file argument ssh-keygen signs standard input and writes the signature to standard output.
        return Run("ssh-keygen", ["-Y", "sign", "-n", "git", "-f", keyFile], buffer);
    }

    private static string SignWithGpg(string key, string buffer)
    {
        if (!File.Exists(key))
        {
            return Run("gpg", ["--batch", "--status-fd", "2", "--local-user", key, "--detach-sign", "--armor"], buffer);
        }

        // A key file (Flux's git.asc): import it into a keyring of its own, so the user's keyring is not touched.
        var home = Directory.CreateTempSubdirectory("tia-gpg-").FullName;
        try
        {
            Run("gpg", ["--homedir", home, "--batch", "--import", key], "");
            return Run("gpg", ["--homedir", home, "--batch", "--pinentry-mode", "loopback", "--passphrase", "", "--detach-sign", "--armor"], buffer);
        }
        finally
        {
            TryRun("gpgconf", ["--homedir", home, "--kill", "all"]);
            Directory.Delete(home, recursive: true);
        }
    }

    private static string Run(string program, IReadOnlyList<string> arguments, string input)
    {
        ChildProcessResult result;
        try
        {
            result = ChildProcess.Run(program, arguments, input, Timeout);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new AutomationException(ErrorKind.ObjectNotFound, "SigningProgramNotFound",
                $"Signing the commit needs '{program}', which is not on PATH.", program, $"Install {program}, or sign in the other signing format.", e);
        }
        catch (ChildProcessTimeoutException)
        {
            throw new AutomationException(ErrorKind.OperationTimeout, "CommitSigningTimedOut",
                $"'{program}' did not sign the commit within {Timeout.TotalSeconds:0} seconds and was stopped.", program,
                "Check that the signing key is a usable secret key without a passphrase prompt.");
        }

        if (result.ExitCode != 0)
        {
            throw new AutomationException(ErrorKind.InvalidOperation, "CommitSigningFailed",
                $"'{program}' could not sign the commit (exit code {result.ExitCode}): {TextScrubber.Scrub(result.Error.Trim())}", program,
                "Check that the signing key is a usable secret key without a passphrase prompt.");
        }

        return result.Output;
    }

    private static void TryRun(string program, IReadOnlyList<string> arguments)
    {
        try
        {
            Run(program, arguments, "");
        }
        catch (AutomationException)
        {
            // Stopping a keyring's agent is tidying up; the signature is already made.
        }
    }
}
