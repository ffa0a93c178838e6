using System.Diagnostics;
using TazLab.ImageAutomation.Engine.Diagnostics;

namespace TazLab.ImageAutomation.Engine.Git;

/// <summary>Signs a commit buffer the way git does, by running <c>gpg</c> or <c>ssh-keygen -Y sign</c>.</summary>
internal static class CommitSigner
{
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

        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new AutomationException(ErrorKind.ObjectNotFound, "SigningProgramNotFound",
                $"Signing the commit needs '{program}', which is not on PATH.", program, $"Install {program}, or sign in the other signing format.", e);
        }

        using (process)
        {
            var error = process.StandardError.ReadToEndAsync();
            var output = process.StandardOutput.ReadToEndAsync();
            process.StandardInput.Write(input);
            process.StandardInput.Close();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw new AutomationException(ErrorKind.InvalidOperation, "CommitSigningFailed",
                    $"'{program}' could not sign the commit (exit code {process.ExitCode}): {error.Result.Trim()}", program,
                    "Check that the signing key is a usable secret key without a passphrase prompt.");
            }

            return output.Result;
        }
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
