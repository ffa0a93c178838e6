using TazLab.ImageAutomation.Engine.Diagnostics;

namespace TazLab.ImageAutomation.Engine.Setters;

/// <summary>Replaces a file's content so that a reader (or a crash) sees either all of the old bytes or all of the new.</summary>
public static class AtomicFile
{
    /// <summary>Files written at once by <see cref="WriteAll"/>: their flushes overlap and the file system commits them together.</summary>
    private const int ConcurrentWrites = 16;

    /// <summary>
    /// Writes each update as <see cref="Write"/> does, several at a time. A write mostly waits for its flush to disk, and
    /// overlapping them makes 200 files take about the time of 15. The writers are threads of their own: blocked
    /// thread-pool threads would only be added slowly.
    /// </summary>
    /// <param name="progress">Told of each file written (from the writer threads).</param>
    /// <returns>For each update, in order, null when it was written, or why it was not.</returns>
    public static AutomationException?[] WriteAll(IReadOnlyList<FileUpdate> updates, IProgress<ProgressReport>? progress = null)
    {
        const string Activity = "Writing manifests";
        using var finished = progress.FinishedAtEnd(Activity);
        var failures = new AutomationException?[updates.Count];
        var next = -1;
        var written = 0;
        void WriteNext()
        {
            for (int i; (i = Interlocked.Increment(ref next)) < updates.Count;)
            {
                try
                {
                    Write(updates[i].Path, updates[i].NewContent, updates[i].OriginalContent, updates[i].Target);
                }
                catch (Exception e)
                {
                    // Caught whatever it is: an exception escaping a thread of its own would end the process.
                    failures[i] = e as AutomationException ?? WriteFailed(updates[i].Path, e);
                }

                progress?.Report(new ProgressReport(Activity, Interlocked.Increment(ref written), updates.Count, "files") { Current = updates[i].Path });
            }
        }

        var writers = Enumerable.Range(0, Math.Min(ConcurrentWrites, updates.Count)).Select(_ => new Thread(WriteNext)).ToList();
        writers.ForEach(writer => writer.Start());
        writers.ForEach(writer => writer.Join());
        return failures;
    }

    private static AutomationException WriteFailed(string path, Exception e) =>
        new(ErrorKind.WriteError, "SetterFileWriteFailed", $"'{path}' could not be written ({e.Message}); it was left as it was.", path,
            "Check that the file and its directory are writable and the disk is not full.", e);

    /// <summary>Whether the file still holds exactly <paramref name="expected"/>, read without blocking (it may have become a FIFO since).</summary>
    private static bool StillHolds(string path, byte[] expected)
    {
        var buffer = new byte[expected.Length + 1];
        return CandidateReader.Read(path, ref buffer, buffer.Length, out var read) == ReadStatus.Read
            && buffer.AsSpan(0, read).SequenceEqual(expected);
    }

    private const string TemporaryMarker = ".tazlab-";
    private const string TemporarySuffix = ".tmp";

    /// <summary>
    /// A new temporary path beside <paramref name="target"/>: <c>.NAME.tazlab-GUID.tmp</c>, hidden, not a manifest name
    /// (so never screened), and recognisable by <see cref="IsTemporaryName"/> when a killed run leaves it behind.
    /// </summary>
    public static string TemporaryPath(string target) =>
        Path.Combine(Path.GetDirectoryName(target)!, $".{Path.GetFileName(target)}{TemporaryMarker}{Guid.NewGuid():N}{TemporarySuffix}");

    /// <summary>Whether a file name is one <see cref="TemporaryPath"/> makes.</summary>
    public static bool IsTemporaryName(ReadOnlySpan<char> name)
    {
        const int GuidLength = 32;
        var markerEnd = name.Length - TemporarySuffix.Length - GuidLength;
        var markerStart = markerEnd - TemporaryMarker.Length;
        return markerStart > 1 && name[0] == '.' && name.EndsWith(TemporarySuffix, StringComparison.Ordinal)
            && name[markerStart..markerEnd].SequenceEqual(TemporaryMarker)
            && !name.Slice(markerEnd, GuidLength).ContainsAnyExcept("0123456789abcdef");
    }

    /// <summary>Deletes a temporary file left by an interrupted run; not one a running write still holds open.</summary>
    /// <returns>Whether it was removed (false: in use, or already gone).</returns>
    public static bool RemoveLeftover(string path)
    {
        try
        {
            // A live write holds its temporary open (a shared lock) until it is renamed, so this exclusive open fails.
            using (new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.None))
            {
            }

            File.Delete(path);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>
    /// Writes a temporary file beside the target (same directory, so the rename cannot cross file systems), flushes it
    /// to disk, gives it the target's mode bits and renames it over the target. A link is written through, to its target.
    /// </summary>
    /// <param name="expectedCurrent">When given, the file must still hold exactly these bytes, so an edit made since they were read is not lost.</param>
    /// <param name="target">The file <paramref name="path"/> resolves to, when the caller resolved it (the walk does); otherwise resolved here.
    /// A path the walk read without following a link is its own target: the rename replaces that directory entry and follows nothing.</param>
    /// <exception cref="AutomationException">The file is read-only, changed meanwhile, or could not be written; it is then left as it was.</exception>
    public static void Write(string path, byte[] content, byte[]? expectedCurrent = null, string? target = null)
    {
        target ??= SetterTree.RealPath(path);
        string? temporary = null;
        try
        {
            if (File.GetAttributes(target).HasFlag(FileAttributes.ReadOnly))
            {
                throw new AutomationException(ErrorKind.PermissionDenied, "SetterFileReadOnly",
                    $"'{path}' is read-only; it was not updated.", path,
                    "Make the file writable (chmod u+w) if it should be updated, or keep it out of the update path.")
                { Settings = [Setting.UpdatePath] };
            }

            if (expectedCurrent is not null && !StillHolds(target, expectedCurrent))
            {
                throw new AutomationException(ErrorKind.ResourceBusy, "SetterFileChanged",
                    $"'{path}' changed after it was read; it was not updated.", path, "Run the update again.");
            }

            temporary = TemporaryPath(target);
            // FileShare.Read takes a shared lock (flock) for as long as the stream is open: RemoveLeftover's exclusive one
            // then fails, and readers of the file once it is renamed are not refused.
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.Read };
            var mode = OperatingSystem.IsWindows() ? default : File.GetUnixFileMode(target);
            if (!OperatingSystem.IsWindows())
            {
                // Created with the target's bits (the umask may only narrow them) so the content is never more readable than before.
                options.UnixCreateMode = mode;
            }

            using (var stream = File.Open(temporary, options))
            {
                stream.Write(content);
                stream.Flush(flushToDisk: true);
                if (!OperatingSystem.IsWindows())
                {
                    // Renamed while still open, and so still locked: another run's cleanup never takes it for a leftover.
                    File.SetUnixFileMode(temporary, mode);
                    File.Move(temporary, target, overwrite: true);
                    temporary = null;
                }
            }

            if (temporary is not null)
            {
                File.Move(temporary, target, overwrite: true);
                temporary = null;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw WriteFailed(path, e);
        }
        finally
        {
            if (temporary is not null && File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }
}
