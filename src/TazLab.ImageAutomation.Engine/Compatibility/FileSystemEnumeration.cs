global using EnumerationOptions = Microsoft.IO.EnumerationOptions;
global using FileSystemEntry = Microsoft.IO.Enumeration.FileSystemEntry;

namespace System.IO.Enumeration
{
    /// <summary>.NET Core's low-allocation directory enumeration, from Microsoft.IO.Redist on .NET Framework.</summary>
    internal sealed class FileSystemEnumerable<TResult>(
        string directory,
        Microsoft.IO.Enumeration.FileSystemEnumerable<TResult>.FindTransform transform,
        Microsoft.IO.EnumerationOptions? options = null)
        : Microsoft.IO.Enumeration.FileSystemEnumerable<TResult>(directory, transform, options);
}

namespace System.IO
{
    internal static class DirectoryEnumerationPolyfill
    {
        extension(Directory)
        {
            public static IEnumerable<string> EnumerateFiles(string path, string searchPattern, Microsoft.IO.EnumerationOptions options) =>
                Microsoft.IO.Directory.EnumerateFiles(path, searchPattern, options);
        }

        extension(DirectoryInfo directory)
        {
            public IEnumerable<DirectoryInfo> EnumerateDirectories(string searchPattern, Microsoft.IO.EnumerationOptions options) =>
                Microsoft.IO.Directory.EnumerateDirectories(directory.FullName, searchPattern, options).Select(path => new DirectoryInfo(path));
        }
    }
}
