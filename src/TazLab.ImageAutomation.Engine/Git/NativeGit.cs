using LibGit2Sharp;
using TazLab.ImageAutomation.Engine.Diagnostics;

namespace TazLab.ImageAutomation.Engine.Git;

/// <summary>
/// libgit2 is native code, loaded on the first LibGit2Sharp call, and only the git operations make one: listing,
/// selection and the setters run in hosts that forbid native libraries (Azure Automation's cloud sandbox). A git
/// operation asks here first, so a host that cannot load libgit2 gets an error that says so and where to run instead,
/// rather than LibGit2Sharp's TypeInitializationException.
/// </summary>
internal static class NativeGit
{
    /// <exception cref="AutomationException">libgit2 cannot be loaded in this process.</exception>
    public static void EnsureLoaded()
    {
        try
        {
            _ = GlobalSettings.Version.Features; // the first call into libgit2
        }
        catch (Exception e) when (e is TypeInitializationException or DllNotFoundException or BadImageFormatException or EntryPointNotFoundException)
        {
            throw Unavailable(e);
        }
    }

    internal static AutomationException Unavailable(Exception e)
    {
        var cause = e;
        while (cause.InnerException is not null)
        {
            cause = cause.InnerException;
        }

        return new AutomationException(ErrorKind.ResourceUnavailable, "GitNativeLibraryUnavailable",
            "The git operation needs libgit2, a native library, and this host could not load it " +
            $"(a sandbox that forbids native code, such as Azure Automation's cloud jobs, or a platform without a libgit2 build): {TextScrubber.Neutralise(cause.Message)}",
            "libgit2",
            "Run the commit and push where native code is allowed: on an Azure Automation Hybrid Runbook Worker, or in pwsh on a machine or CI agent. " +
            "Get-RegistryTag, Select-ImagePolicyTag, Get-ImageSetter and Update-ImageSetter need no native code and work here.", e);
    }
}
