using LibGit2Sharp;
using TazLab.ImageAutomation.Engine.Diagnostics;
using TazLab.ImageAutomation.Engine.Git;

namespace TazLab.ImageAutomation.Engine.Automation;

/// <summary>A clone in a temporary folder, deleted on dispose: Flux's way of running, for runbooks with no working copy.</summary>
public sealed class TemporaryClone : IDisposable
{
    private TemporaryClone(string path) => Path = path;

    /// <summary>The clone's working directory.</summary>
    public string Path { get; }

    /// <param name="branch">The branch to check out; null for the remote's default branch.</param>
    /// <exception cref="AutomationException">The clone failed (unknown URL, branch or credentials).</exception>
    public static TemporaryClone Create(string url, string? branch, GitCredential? credential, IEngineLog? log = null)
    {
        NativeGit.EnsureLoaded();
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"tazlab-automation-{Guid.NewGuid():N}");
        var options = new CloneOptions { BranchName = branch };
        if (credential is not null)
        {
            options.FetchOptions.CredentialsProvider = (_, _, _) => new UsernamePasswordCredentials { Username = credential.UserName, Password = credential.Secret };
        }

        (log ?? NullEngineLog.Instance).Verbose($"Cloning {Redacted(url)}{(branch is null ? "" : $" (branch {branch})")} into {path}.");
        try
        {
            Repository.Clone(url, path, options);
            return new TemporaryClone(path);
        }
        catch (LibGit2SharpException e)
        {
            Delete(path);
            var message = credential is null ? e.Message : e.Message.Replace(credential.Secret, "***", StringComparison.Ordinal);
            throw new AutomationException(ErrorKind.ConnectionError, "GitCloneFailed",
                $"Could not clone {Redacted(url)}{(branch is null ? "" : $" at branch '{branch}'")}: {message}", Redacted(url),
                "Check the URL, the branch and the git credential.", e);
        }
    }

    public void Dispose() => Delete(Path);

    private static void Delete(string path)
    {
        if (!Directory.Exists(path))
        {
            return;
        }

        // git marks its object files read-only, which Windows refuses to delete.
        foreach (var file in Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories))
        {
            File.SetAttributes(file, FileAttributes.Normal);
        }

        Directory.Delete(path, recursive: true);
    }

    /// <summary>The URL without a user or password it may carry.</summary>
    private static string Redacted(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.UserInfo.Length > 0 ? url.Replace(uri.UserInfo + "@", "", StringComparison.Ordinal) : url;
}
