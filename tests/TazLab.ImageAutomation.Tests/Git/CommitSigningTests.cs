using TazLab.ImageAutomation.Engine.Diagnostics;
using TazLab.ImageAutomation.Engine.Git;
using static TazLab.ImageAutomation.Tests.Git.AppsRemote;

namespace TazLab.ImageAutomation.Tests.Git;

/// <summary>Signed commits, checked by <c>git verify-commit</c> (needs gnupg and openssh-client).</summary>
public class CommitSigningTests
{
    private static SubmitRequest Request(string clone, CommitSigning signing) =>
        new(clone, ApplySetters(clone, Policy("a", "1.0.1")), "fluxcdbot@example.com") { AuthorName = "Flux Bot", Signing = signing };

    [Fact]
    public void AnOpenPgpSignatureFromAKeyFileIsAcceptedByGit()
    {
        using var remote = new AppsRemote();
        var clone = remote.Clone("work");
        var home = Path.Combine(remote.Root, "gnupg");
        Directory.CreateDirectory(home);
        var environment = new Dictionary<string, string> { ["GNUPGHOME"] = home };
        try
        {
            Run("gpg", environment, "--batch", "--passphrase", "", "--quick-gen-key", "Flux Bot <fluxcdbot@example.com>", "ed25519", "sign", "never");
            var keyFile = Path.Combine(remote.Root, "git.asc");
            File.WriteAllText(keyFile, Run("gpg", environment, "--batch", "--armor", "--export-secret-keys"));

            var outcome = new GitAutomation().Submit(Request(clone, new CommitSigning(SigningFormat.OpenPgp, keyFile)))!;

            var (exitCode, _, error) = GitCli.TryRun(clone, environment, "verify-commit", outcome.Sha);
            Assert.True(exitCode == 0, error);
            Assert.Contains("Good signature from \"Flux Bot <fluxcdbot@example.com>\"", error, StringComparison.Ordinal);
            Assert.Equal(outcome.Sha, GitCli.Run(clone, "rev-parse", "HEAD"));
        }
        finally
        {
            Run("gpgconf", environment, "--kill", "all");
        }
    }

    [Fact]
    public void AnOpenPgpKeyIdFromTheUsersKeyringSigns()
    {
        using var remote = new AppsRemote();
        var clone = remote.Clone("work");
        var home = Path.Combine(remote.Root, "gnupg");
        Directory.CreateDirectory(home);
        var environment = new Dictionary<string, string> { ["GNUPGHOME"] = home };
        var previous = Environment.GetEnvironmentVariable("GNUPGHOME");
        try
        {
            Run("gpg", environment, "--batch", "--passphrase", "", "--quick-gen-key", "Flux Bot <fluxcdbot@example.com>", "ed25519", "sign", "never");
            // The signer runs gpg with this process's environment: GNUPGHOME selects "the user's keyring".
            Environment.SetEnvironmentVariable("GNUPGHOME", home);

            var outcome = new GitAutomation().Submit(Request(clone, new CommitSigning(SigningFormat.OpenPgp, "fluxcdbot@example.com")))!;

            var (exitCode, _, error) = GitCli.TryRun(clone, environment, "verify-commit", outcome.Sha);
            Assert.True(exitCode == 0, error);
        }
        finally
        {
            Environment.SetEnvironmentVariable("GNUPGHOME", previous);
            Run("gpgconf", environment, "--kill", "all");
        }
    }

    [Fact]
    public void AnSshSignatureIsAcceptedByGit()
    {
        using var remote = new AppsRemote();
        var clone = remote.Clone("work");
        var key = Path.Combine(remote.Root, "identity");
        Run("ssh-keygen", null, "-q", "-t", "ed25519", "-N", "", "-C", "fluxcdbot", "-f", key);
        var allowedSigners = Path.Combine(remote.Root, "allowed_signers");
        File.WriteAllText(allowedSigners, $"fluxcdbot@example.com namespaces=\"git\" {File.ReadAllText(key + ".pub").Trim()}\n");

        var outcome = new GitAutomation().Submit(Request(clone, new CommitSigning(SigningFormat.Ssh, key)))!;

        var (exitCode, _, error) = GitCli.TryRun(clone, null, "-c", "gpg.format=ssh", "-c", $"gpg.ssh.allowedSignersFile={allowedSigners}", "verify-commit", outcome.Sha);
        Assert.True(exitCode == 0, error);
        Assert.Contains("Good \"git\" signature for fluxcdbot@example.com", error, StringComparison.Ordinal);
    }

    [Fact]
    public void AMissingSshKeyIsAClearErrorAndNothingIsCommitted()
    {
        using var remote = new AppsRemote();
        var clone = remote.Clone("work");
        var head = GitCli.Run(clone, "rev-parse", "HEAD");

        var error = Assert.Throws<AutomationException>(() => new GitAutomation().Submit(Request(clone, new CommitSigning(SigningFormat.Ssh, "/nonexistent/key"))));

        Assert.Equal("SigningKeyNotFound", error.ErrorId);
        Assert.Equal(head, GitCli.Run(clone, "rev-parse", "HEAD"));
    }

    private static string Run(string program, IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        var start = new System.Diagnostics.ProcessStartInfo(program, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = System.Diagnostics.Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? output : throw new InvalidOperationException($"{program} failed: {error.Result}");
    }
}
