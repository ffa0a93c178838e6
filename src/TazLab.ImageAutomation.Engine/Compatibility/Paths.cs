namespace System.IO;

/// <summary>.NET Core's <c>Path.GetRelativePath</c> and <c>Path.Join</c>, for Windows paths (the .NET Framework build runs only there).</summary>
internal static class PathPolyfill
{
    extension(Path)
    {
        /// <summary>Joins two parts with one separator, without Combine's rule that a rooted second part wins.</summary>
        public static string Join(string? path1, string? path2) =>
            string.IsNullOrEmpty(path1) ? path2 ?? string.Empty
            : string.IsNullOrEmpty(path2) ? path1!
            : path1!.EndsWith(Path.DirectorySeparatorChar) || path1.EndsWith(Path.AltDirectorySeparatorChar)
                || path2!.StartsWith(Path.DirectorySeparatorChar) || path2.StartsWith(Path.AltDirectorySeparatorChar)
                ? path1 + path2 : path1 + Path.DirectorySeparatorChar + path2;

        public static string GetRelativePath(string relativeTo, string path)
        {
            var from = Path.GetFullPath(relativeTo).TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar).Split(Path.DirectorySeparatorChar);
            var to = Path.GetFullPath(path).TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar).Split(Path.DirectorySeparatorChar);
            var common = 0;
            while (common < from.Length && common < to.Length && string.Equals(from[common], to[common], StringComparison.OrdinalIgnoreCase))
            {
                common++;
            }

            if (common == 0)
            {
                return Path.GetFullPath(path);
            }

            var parts = Enumerable.Repeat("..", from.Length - common).Concat(to.Skip(common)).ToArray();
            return parts.Length == 0 ? "." : string.Join(Path.DirectorySeparatorChar.ToString(), parts);
        }
    }
}
