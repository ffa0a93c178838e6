using System.Management.Automation;
using TazLab.ImageAutomation.Errors;

namespace TazLab.ImageAutomation.Commands;

/// <summary>Resolves user paths through the PowerShell provider, so relative paths follow $PWD (not the process directory) and '~' works.</summary>
internal static class PathResolution
{
    public static string ExistingDirectory(PSCmdlet cmdlet, string path, string parameterName)
    {
        var resolved = cmdlet.GetUnresolvedProviderPathFromPSPath(path);
        if (File.Exists(resolved))
        {
            cmdlet.ThrowTerminatingError(ErrorRecords.Create("PathIsFile", ErrorCategory.InvalidArgument, path,
                $"The -{parameterName} '{path}' is a file; -{parameterName} takes a directory.",
                $"Pass -{parameterName} the directory that holds it ('{Path.GetDirectoryName(resolved)}')."));
        }

        if (!Directory.Exists(resolved))
        {
            cmdlet.ThrowTerminatingError(ErrorRecords.Create("DirectoryNotFound", ErrorCategory.ObjectNotFound, path,
                $"The -{parameterName} directory '{path}' does not exist.",
                $"Pass -{parameterName} an existing directory (resolved here as '{resolved}')."));
        }

        return resolved.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar) is { Length: > 0 } trimmed ? trimmed : resolved;
    }
}
