namespace TazLab.ImageAutomation.Engine.Setters;

internal static partial class SetterTree
{
    /// <summary>
    /// <see cref="CandidateReader.LinuxRead"/> for a thread screening the walk's files in order: from the second file of
    /// a run in one directory on, each is opened by name relative to a descriptor of the directory, so the kernel
    /// resolves the directory's path once for the run instead of once per file (grep's fts opens files the same way).
    /// A file alone in its directory is opened by its path: a descriptor would cost an open more. Holds at most one
    /// descriptor, between reads too, until <see cref="Dispose"/>.
    /// </summary>
    private sealed class RunReader : IDisposable
    {
        private string? directory;
        private string? previous;
        private int fd = -1;

        public RunReader()
        {
            Read = ReadFile;
        }

        public CandidateRead Read { get; }

        public void Dispose() => CloseDirectory();

        private ReadStatus ReadFile(string path, ref byte[] buffer, int limit, out int read)
        {
            var slash = path.LastIndexOf('/');
            if (fd < 0 || !InDirectory(path, slash, directory!))
            {
                CloseDirectory();
                if (slash > 0 && previous is not null && previous.LastIndexOf('/') == slash && string.CompareOrdinal(previous, 0, path, 0, slash) == 0)
                {
                    fd = CandidateReader.OpenDirectory(path.Substring(0, slash));
                    directory = path.Substring(0, slash);
                }
            }

            previous = path;
            return fd >= 0
                ? CandidateReader.LinuxReadAt(fd, path.Substring(slash + 1), ref buffer, limit, out read)
                : CandidateReader.LinuxRead(path, ref buffer, limit, out read);
        }

        private static bool InDirectory(string path, int slash, string directory) =>
            slash == directory.Length && string.CompareOrdinal(path, 0, directory, 0, slash) == 0;

        private void CloseDirectory()
        {
            if (fd >= 0)
            {
                CandidateReader.CloseDirectory(fd);
                fd = -1;
            }
        }
    }
}
