using System.Management.Automation;
using System.Reflection;

namespace TazLab.ImageAutomation.Loading;

/// <summary>
/// Windows PowerShell 5.1 has one load context: the engine, YamlDotNet, LibGit2Sharp and the .NET Core backports
/// are served from <c>dependencies/</c> when the runtime fails to find them, and only for the names found there, so
/// another module's copy of a shared assembly is never answered with ours nor ours replaced by theirs.
/// </summary>
public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
{
    private static readonly string DependencyDirectory =
        Path.Combine(Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location)!, "dependencies");

    // Also as the assembly's module initializer, so the handler is there before anything of this assembly runs: if
    // Windows PowerShell's import loads every type for analysis, CmdletLog's engine interface is asked for then.
    [System.Runtime.CompilerServices.ModuleInitializer]
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA2255", Justification = "This library is a PowerShell module: its loader must run first.")]
    internal static void Subscribe() => new ModuleInitializer().OnImport();

    public void OnImport()
    {
        // Import-Module -Force calls this again in the same process: subscribe once.
        AppDomain.CurrentDomain.AssemblyResolve -= ResolveDependency;
        AppDomain.CurrentDomain.AssemblyResolve += ResolveDependency;
    }

    public void OnRemove(PSModuleInfo psModuleInfo) => AppDomain.CurrentDomain.AssemblyResolve -= ResolveDependency;

    private static Assembly? ResolveDependency(object? sender, ResolveEventArgs args)
    {
        var name = new AssemblyName(args.Name).Name;
        if (string.IsNullOrEmpty(name) || name.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0)
        {
            return null;
        }

        // Any version asked for gets ours (the binding redirects a host's .config would give). LoadFrom returns the
        // copy already loaded from this path, and probes this folder for what the assembly itself references.
        var path = Path.Combine(DependencyDirectory, name + ".dll");
        return File.Exists(path) ? Assembly.LoadFrom(path) : null;
    }
}
