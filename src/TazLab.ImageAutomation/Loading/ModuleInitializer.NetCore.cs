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

    private static readonly string DependencyDirectory =
        Path.Combine(Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location)!, "dependencies");

    private static readonly Lazy<EngineLoadContext> Context = new(() => new EngineLoadContext(DependencyDirectory));

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
