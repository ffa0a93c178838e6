using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;

namespace TazLab.ImageAutomation.Loading;

/// <summary>
/// The module's own load context: the engine, YamlDotNet and LibGit2Sharp come from <c>dependencies/</c> here,
/// whatever versions other modules have put into PowerShell's default context.
/// </summary>
/// <param name="readyToRunDirectory">Where to look first: ReadyToRun images of the same assemblies, or null.</param>
internal sealed class EngineLoadContext(string dependencyDirectory, string? readyToRunDirectory) : AssemblyLoadContext("TazLab.ImageAutomation")
{
    protected override Assembly? Load(AssemblyName assemblyName)
    {
        foreach (var directory in new[] { readyToRunDirectory, dependencyDirectory })
        {
            var path = directory is null ? null : Path.Combine(directory, assemblyName.Name + ".dll");
            if (File.Exists(path))
            {
                return LoadFromAssemblyPath(path);
            }
        }

        return null;
    }

    /// <summary>
    /// libgit2 ships as <c>runtimes/&lt;rid&gt;/native/lib git2-&lt;hash&gt;.so</c>; inside pwsh neither LibGit2Sharp's own
    /// resolver nor the host's deps.json finds it there, so map the name to this platform's file ourselves.
    /// </summary>
    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
    {
        var name = Path.GetFileNameWithoutExtension(unmanagedDllName);
        if (name.StartsWith("lib", StringComparison.Ordinal))
        {
            name = name[3..];
        }

        if (!name.StartsWith("git2", StringComparison.Ordinal))
        {
            return IntPtr.Zero;
        }

        var file = OperatingSystem.IsWindows() ? $"{name}.dll"
            : OperatingSystem.IsMacOS() ? $"lib{name}.dylib"
            : $"lib{name}.so";
        foreach (var rid in RuntimeIdentifiers())
        {
            var path = Path.Combine(dependencyDirectory, "runtimes", rid, "native", file);
            if (File.Exists(path))
            {
                return LoadUnmanagedDllFromPath(path);
            }
        }

        return IntPtr.Zero;
    }

    private static IEnumerable<string> RuntimeIdentifiers()
    {
        var arch = RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 => "x64",
            Architecture.X86 => "x86",
            Architecture.Arm64 => "arm64",
            Architecture.Arm => "arm",
            var other => other.ToString().ToLowerInvariant(),
        };
        if (OperatingSystem.IsWindows())
        {
            yield return $"win-{arch}";
        }
        else if (OperatingSystem.IsMacOS())
        {
            yield return $"osx-{arch}";
        }
        else
        {
            if (IsMusl())
            {
                yield return $"linux-musl-{arch}";
            }

            yield return $"linux-{arch}";
        }
    }

    // Alpine and other musl systems carry the musl loader instead of glibc's.
    internal static bool IsMusl() =>
        Directory.Exists("/lib") && Directory.EnumerateFiles("/lib", "ld-musl-*").Any();
}
