using System.Management.Automation;
using System.Reflection;
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

    // libgit2 is laid out once for every .NET build (bin/net8.0 and bin/net10.0), in bin/net8.0's dependencies.
    private static readonly string NativeDirectory =
        Path.GetFullPath(Path.Combine(BinaryDirectory, "..", "net8.0", "dependencies", "runtimes"));

    private static readonly Lazy<EngineLoadContext> Context = new(() => new EngineLoadContext(DependencyDirectory, NativeDirectory));

    public void OnImport()
    {
        // Import-Module -Force calls this again in the same process: subscribe once.
        AssemblyLoadContext.Default.Resolving -= ResolveEngine;
        AssemblyLoadContext.Default.Resolving += ResolveEngine;
    }

    public void OnRemove(PSModuleInfo psModuleInfo) => AssemblyLoadContext.Default.Resolving -= ResolveEngine;

    private static Assembly? ResolveEngine(AssemblyLoadContext context, AssemblyName name) =>
        name.Name == EngineAssemblyName && Directory.Exists(DependencyDirectory)
            ? Context.Value.LoadFromAssemblyName(name)
            : null;
}
