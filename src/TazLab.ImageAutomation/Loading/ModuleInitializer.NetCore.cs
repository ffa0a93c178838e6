using System.Management.Automation;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;

namespace TazLab.ImageAutomation.Loading;

/// <summary>
/// Answers the default context's request for the engine assembly by loading it into <see cref="EngineLoadContext"/>;
/// everything the engine references then resolves inside that context.
/// </summary>
public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
{
    private const string EngineAssemblyName = "TazLab.ImageAutomation.Engine";

    private static readonly string BinaryDirectory = Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location)!;

    private static readonly string DependencyDirectory = Path.Combine(BinaryDirectory, "dependencies");

    private static readonly Lazy<EngineLoadContext> Context = new(() => new EngineLoadContext(DependencyDirectory, ReadyToRunDirectory()));

    public void OnImport()
    {
        // Import-Module -Force calls this again in the same process: subscribe once.
        AssemblyLoadContext.Default.Resolving -= ResolveEngine;
        AssemblyLoadContext.Default.Resolving += ResolveEngine;
    }

    public void OnRemove(PSModuleInfo psModuleInfo) => AssemblyLoadContext.Default.Resolving -= ResolveEngine;

    /// <summary>
    /// bin/net10.0-linux-x64: the engine, YamlDotNet and LibGit2Sharp compiled ahead of time for .NET 10 on glibc
    /// linux-x64 (build.ps1), so a cold process does not JIT-compile them. Used there only: a runtime refuses a
    /// ReadyToRun image for another OS or architecture outright (BadImageFormatException) and ignores its code on
    /// another .NET version; everywhere else the IL in dependencies/ runs, as it always did.
    /// </summary>
    private static string? ReadyToRunDirectory()
    {
        var directory = Path.GetFullPath(Path.Combine(BinaryDirectory, "..", "net10.0-linux-x64"));
        return Environment.Version.Major == 10 && OperatingSystem.IsLinux() && !EngineLoadContext.IsMusl()
            && RuntimeInformation.ProcessArchitecture == Architecture.X64 && Directory.Exists(directory) ? directory : null;
    }

    private static Assembly? ResolveEngine(AssemblyLoadContext context, AssemblyName name) =>
        name.Name == EngineAssemblyName && Directory.Exists(DependencyDirectory)
            ? Context.Value.LoadFromAssemblyName(name)
            : null;
}
