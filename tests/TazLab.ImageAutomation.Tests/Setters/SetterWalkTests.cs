using System.Text;
using TazLab.ImageAutomation.Engine.Diagnostics;
using TazLab.ImageAutomation.Engine.Setters;

namespace TazLab.ImageAutomation.Tests.Setters;

/// <summary>
/// The walk's order, faults and early stop, with files screened one at a time and screened ahead on a second thread:
/// both ways give the same files, bytes, problems and reports in the same order.
/// </summary>
public sealed class SetterWalkTests
{
    private const string Marker = "# {\"$imagepolicy\": \"flux-system:app\"}";

    public static TheoryData<bool> Ways => new() { false, true };

    private static List<ScreenedFile> Screen(SetterTestTree tree, bool ahead, List<AutomationException> problems, SetterTree.CandidateRead? read = null,
        List<string>? leftovers = null, IProgress<ProgressReport>? progress = null, long maxFileSize = 1_000_000)
    {
        using var way = SetterTree.UseScreeningAhead(ahead);
        return SetterTree.ScreenedFiles(tree.Root, maxFileSize, tree.Log, problems, SetterTestTree.AsRead, read, leftovers, progress, "walk").ToList();
    }

    /// <summary>Go's filepath.Walk order, computed on its own: entries sorted by name, directories entered where they sort.</summary>
    private static IEnumerable<string> LexicalOrder(string root, string directory)
    {
        foreach (var entry in new DirectoryInfo(directory).EnumerateFileSystemInfos().OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            if (entry is DirectoryInfo)
            {
                foreach (var file in LexicalOrder(root, entry.FullName))
                {
                    yield return file;
                }
            }
            else
            {
                yield return Path.GetRelativePath(root, entry.FullName);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Ways))]
    public void Files_come_in_lexical_depth_first_order_with_their_own_bytes_on_wide_and_deep_trees(bool ahead)
    {
        using var tree = new SetterTestTree();
        string[] names = ["a", "a-b", "a.b", "a0", "B", "_x", "Z", "zz", "é", "a b"];
        for (var i = 0; i < 1500; i++)
        {
            tree.Write($"wide/f-{i}.yaml", $"image: a {Marker}\n# wide/f-{i}.yaml\n");
        }

        foreach (var first in names)
        {
            foreach (var second in names)
            {
                tree.Write($"{first}/{second}.yaml", $"image: a {Marker}\n# {first}/{second}.yaml\n");
                tree.Write($"{first}/{second}/deeper/{first}.yml", $"image: a {Marker}\n# {first}/{second}/deeper/{first}.yml\n");
            }
        }

        var problems = new List<AutomationException>();
        var files = Screen(tree, ahead, problems);

        Assert.Empty(problems);
        var expected = LexicalOrder(tree.Root, tree.Root).ToList();
        Assert.Equal(1500 + 2 * names.Length * names.Length, expected.Count);
        Assert.Equal(expected, files.Select(f => f.RelativePath));
        Assert.All(files, f => Assert.Equal($"image: a {Marker}\n# {f.RelativePath}\n", Encoding.UTF8.GetString(f.Bytes)));
        Assert.All(files, f => Assert.Equal(tree.PathOf(f.RelativePath), f.Path));
    }

    [Theory]
    [MemberData(nameof(Ways))]
    public void Progress_reports_every_file_in_order_and_leftovers_are_collected_in_order(bool ahead)
    {
        using var tree = new SetterTestTree();
        for (var i = 0; i < 300; i++)
        {
            tree.Write($"d{i % 7}/f{i:d3}.yaml", i % 3 == 0 ? $"image: a {Marker}\n" : "image: a\n");
        }

        tree.Write("d3/.f.yaml.tazlab-0123456789abcdef0123456789abcdef.tmp", "x");
        tree.Write("d5/.g.yaml.tazlab-0123456789abcdef0123456789abcdef.tmp", "x");
        var reports = new List<ProgressReport>();
        var leftovers = new List<string>();

        var files = Screen(tree, ahead, [], leftovers: leftovers, progress: new SynchronousProgress(reports));

        var visited = LexicalOrder(tree.Root, tree.Root).ToList();
        Assert.Equal(visited.Select(tree.PathOf), reports.Select(r => r.Current));
        Assert.Equal(Enumerable.Range(0, visited.Count).Select(i => (long)i), reports.Select(r => r.Done));
        Assert.All(reports, r => Assert.Equal("walk", r.Activity));
        Assert.Equal(["d3/.f.yaml.tazlab-0123456789abcdef0123456789abcdef.tmp", "d5/.g.yaml.tazlab-0123456789abcdef0123456789abcdef.tmp"],
            leftovers.Select(l => Path.GetRelativePath(tree.Root, l)));
        Assert.Equal(100, files.Count);
    }

    [Theory]
    [MemberData(nameof(Ways))]
    public void Unreadable_and_vanished_files_are_problems_in_walk_order_and_the_walk_goes_on(bool ahead)
    {
        using var tree = new SetterTestTree();
        for (var i = 0; i < 200; i++)
        {
            tree.Write($"d{i % 4}/f{i:d3}.yaml", $"image: a {Marker}\n");
        }

        // Deleted between the listing and the open, as another process might; and refused, as a file of another user is.
        SetterTree.CandidateRead read = (string path, bool listedRegular, ref byte[] buffer, int limit, out int length) =>
        {
            if (path.EndsWith("7.yaml", StringComparison.Ordinal))
            {
                File.Delete(path);
            }

            return path.EndsWith("5.yaml", StringComparison.Ordinal)
                ? throw new UnauthorizedAccessException("Permission denied")
                : CandidateReader.Read(path, listedRegular, ref buffer, limit, out length);
        };
        var problems = new List<AutomationException>();
        var order = LexicalOrder(tree.Root, tree.Root).ToList();

        var files = Screen(tree, ahead, problems, read);

        var failing = order.Where(p => p.EndsWith("5.yaml", StringComparison.Ordinal) || p.EndsWith("7.yaml", StringComparison.Ordinal)).ToList();
        Assert.Equal(failing.Select(tree.PathOf), problems.Select(p => (string?)p.Target));
        Assert.All(problems, p => Assert.Equal((ErrorKind.PermissionDenied, "SetterFileUnreadable"), (p.Kind, p.ErrorId)));
        Assert.Equal(order.Except(failing), files.Select(f => f.RelativePath));
    }

    [Theory]
    [MemberData(nameof(Ways))]
    public void A_directory_that_cannot_be_listed_is_a_problem_in_walk_order(bool ahead)
    {
        if (OperatingSystem.IsWindows() || Environment.UserName == "root")
        {
            return; // modes are Unix's, and root lists any directory whatever its mode
        }

        using var tree = new SetterTestTree();
        tree.Write("a.yaml", $"image: a {Marker}\n");
        tree.Write("b/x.yaml", $"image: a {Marker}\n");
        tree.Write("c.yaml", "image: a\n");
        tree.Write("d/y.yaml", $"image: a {Marker}\n");
        File.SetUnixFileMode(tree.PathOf("b"), UnixFileMode.None);
        SetterTree.CandidateRead read = (string path, bool listedRegular, ref byte[] buffer, int limit, out int length) =>
            path.EndsWith("c.yaml", StringComparison.Ordinal) ? throw new IOException("Input/output error") : CandidateReader.Read(path, listedRegular, ref buffer, limit, out length);
        var problems = new List<AutomationException>();
        try
        {
            var files = Screen(tree, ahead, problems, read);

            Assert.Equal(["a.yaml", "d/y.yaml"], files.Select(f => f.RelativePath));
            Assert.Equal([("SetterDirectoryUnreadable", (string?)tree.PathOf("b")), ("SetterFileUnreadable", tree.PathOf("c.yaml"))],
                problems.Select(p => (p.ErrorId, (string?)p.Target)));
        }
        finally
        {
            File.SetUnixFileMode(tree.PathOf("b"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    [Theory]
    [MemberData(nameof(Ways))]
    public void A_tree_that_vanished_before_its_walk_is_one_directory_problem(bool ahead)
    {
        using var tree = new SetterTestTree();
        var gone = tree.PathOf("gone");
        var problems = new List<AutomationException>();

        using var way = SetterTree.UseScreeningAhead(ahead);
        var files = SetterTree.ScreenedFiles(gone, 1_000_000, tree.Log, problems, SetterTestTree.AsRead).ToList();

        Assert.Empty(files);
        var problem = Assert.Single(problems);
        Assert.Equal((ErrorKind.PermissionDenied, "SetterDirectoryUnreadable", gone), (problem.Kind, problem.ErrorId, (string?)problem.Target));
    }

    [Theory]
    [MemberData(nameof(Ways))]
    public async Task Fifos_link_loops_and_dangling_links_are_skipped_without_blocking(bool ahead)
    {
        using var tree = new SetterTestTree();
        tree.Write("a.yaml", $"image: a {Marker}\n");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", tree.PathOf("b-fifo.yaml")))
        {
            mkfifo.WaitForExit();
            Assert.Equal(0, mkfifo.ExitCode);
        }

        File.CreateSymbolicLink(tree.PathOf("c-loop.yaml"), "d-loop.yaml");
        File.CreateSymbolicLink(tree.PathOf("d-loop.yaml"), "c-loop.yaml");
        File.CreateSymbolicLink(tree.PathOf("e-dangling.yaml"), "missing.txt");
        Directory.CreateSymbolicLink(tree.PathOf("f-dir-loop"), ".");
        tree.Write("g.yaml", $"image: a {Marker}\n");
        var problems = new List<AutomationException>();

        var files = await Task.Run(() => Screen(tree, ahead, problems)).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(["a.yaml", "g.yaml"], files.Select(f => f.RelativePath));
        Assert.Empty(problems);
        Assert.Contains(tree.Log.Verbose, v => v.StartsWith("b-fifo.yaml:") && v.Contains("not a regular file"));
        Assert.Contains(tree.Log.Verbose, v => v.StartsWith("c-loop.yaml:") && v.Contains("does not resolve"));
        Assert.Contains(tree.Log.Verbose, v => v.StartsWith("e-dangling.yaml:") && v.Contains("not a file"));
    }

    [Theory]
    [MemberData(nameof(Ways))]
    public void Size_limit_warnings_come_in_walk_order(bool ahead)
    {
        using var tree = new SetterTestTree();
        for (var i = 0; i < 150; i++)
        {
            tree.Write($"f{i:d3}.yaml", i % 50 == 0 ? $"image: a {Marker}\n{new string('#', 300)}\n" : $"image: a {Marker}\n");
        }

        var files = Screen(tree, ahead, [], maxFileSize: 200);

        Assert.Equal(147, files.Count);
        Assert.Equal(new[] { "f000.yaml", "f050.yaml", "f100.yaml" }.Select(f => $"{f}: above the 200-byte file size limit; skipped."), tree.Log.Warnings);
    }

    [Fact]
    public void Marked_files_held_ahead_beyond_the_memory_bound_are_read_again_in_order()
    {
        using var tree = new SetterTestTree();
        for (var i = 0; i < 120; i++)
        {
            tree.Write($"f{i:d3}.yaml", $"image: a {Marker}\n{new string('#', 10_000)}\n# {i}\n");
        }

        using var bound = SetterTree.UseLookAheadBytes(25_000);
        var files = Screen(tree, ahead: true, []);

        Assert.Equal(Enumerable.Range(0, 120).Select(i => $"f{i:d3}.yaml"), files.Select(f => f.RelativePath));
        Assert.All(files, (f, i) => Assert.EndsWith($"# {i}\n", Encoding.UTF8.GetString(f.Bytes)));
    }

    [Fact]
    public void Stopping_early_stops_the_reading_and_releases_every_descriptor()
    {
        using var tree = new SetterTestTree();
        for (var i = 0; i < 3000; i++)
        {
            tree.Write($"d{i % 30}/f{i:d4}.yaml", $"image: a {Marker}\n");
        }

        var reads = 0;
        SetterTree.CandidateRead read = (string path, bool listedRegular, ref byte[] buffer, int limit, out int length) =>
        {
            Interlocked.Increment(ref reads);
            return CandidateReader.Read(path, listedRegular, ref buffer, limit, out length);
        };
        using var way = SetterTree.UseScreeningAhead(true);

        var firstThree = SetterTree.ScreenedFiles(tree.Root, 1_000_000, tree.Log, [], SetterTestTree.AsRead, read).Take(3).ToList();
        var readsAtStop = Volatile.Read(ref reads);
        Thread.Sleep(300);

        Assert.Equal(3, firstThree.Count);
        Assert.Equal(readsAtStop, Volatile.Read(ref reads));
        Assert.True(readsAtStop < 3000, $"{readsAtStop} files were read for 3");
        Assert.Empty(DescriptorsInto(tree.Root));
    }

    [Theory]
    [MemberData(nameof(Ways))]
    public void An_unexpected_failure_while_reading_reaches_the_consumer_after_the_files_before_it(bool ahead)
    {
        using var tree = new SetterTestTree();
        for (var i = 0; i < 400; i++)
        {
            tree.Write($"f{i:d3}.yaml", $"image: a {Marker}\n");
        }

        SetterTree.CandidateRead read = (string path, bool listedRegular, ref byte[] buffer, int limit, out int length) =>
            path.EndsWith("f300.yaml", StringComparison.Ordinal) ? throw new InvalidOperationException("a defect") : CandidateReader.Read(path, listedRegular, ref buffer, limit, out length);
        var seen = new List<string>();
        using var way = SetterTree.UseScreeningAhead(ahead);

        var e = Assert.Throws<InvalidOperationException>(() =>
        {
            foreach (var file in SetterTree.ScreenedFiles(tree.Root, 1_000_000, tree.Log, [], SetterTestTree.AsRead, read))
            {
                seen.Add(file.RelativePath);
            }
        });

        Assert.Equal("a defect", e.Message);
        Assert.Equal(Enumerable.Range(0, 300).Select(i => $"f{i:d3}.yaml"), seen);
    }

    public static TheoryData<bool, long?> WaysAndBounds => new() { { false, null }, { true, null }, { true, 20_000 } };

    /// <summary>Good files and files that parse with each of the three problems, in a tree of four directories.</summary>
    private static void WriteParseFailures(SetterTestTree tree, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var name = $"d{i % 4}/f{i:d4}.yaml";
            var good = Encoding.UTF8.GetBytes($"image: a {Marker}\n# {name}\n");
            tree.Write(name, (i % 23) switch
            {
                3 => Encoding.UTF8.GetBytes($"image: a {Marker}\nports: [80, 443\n"),
                11 => Encoding.UTF8.GetBytes($"image: a {Marker}\ndeep: {new string('[', 150)}{new string(']', 150)}\n"),
                19 => [.. good, 0xFF, 0xFE, (byte)'\n'],
                _ => good,
            });
        }
    }

    /// <summary>The walk's results and problems as one sequence: each problem where it was reported among the files.</summary>
    private static List<string> Events<T>(IEnumerable<T> walk, List<AutomationException> problems, Func<T, string> describe)
    {
        var events = new List<string>();
        var reported = 0;
        void Drain()
        {
            events.AddRange(problems.Skip(reported).Select(p => $"{p.ErrorId} {p.Target}: {p.Message}"));
            reported = problems.Count;
        }

        foreach (var item in walk)
        {
            Drain();
            events.Add(describe(item));
        }

        Drain();
        return events;
    }

    [Theory]
    [MemberData(nameof(WaysAndBounds))]
    public void Parse_failures_among_good_files_are_problems_at_their_walk_position(bool ahead, long? heldBytes)
    {
        using var tree = new SetterTestTree();
        WriteParseFailures(tree, 600);
        var expected = new List<string>();
        foreach (var relative in LexicalOrder(tree.Root, tree.Root))
        {
            var file = new ScreenedFile(tree.PathOf(relative), relative, tree.Bytes(relative), tree.PathOf(relative));
            try
            {
                expected.Add($"{SetterEngine.ParseMarked.Apply(file).Scan.Markers.Count} in {relative}");
            }
            catch (AutomationException e)
            {
                expected.Add($"{e.ErrorId} {e.Target}: {e.Message}");
            }
        }

        var problems = new List<AutomationException>();
        using var way = SetterTree.UseScreeningAhead(ahead);
        using var bound = heldBytes is { } held ? SetterTree.UseLookAheadBytes(held) : null;
        var events = Events(SetterTree.ScreenedFiles(tree.Root, 1_000_000, tree.Log, problems, SetterEngine.ParseMarked), problems,
            f => $"{f.Scan.Markers.Count} in {f.File.RelativePath}");

        Assert.Equal(["SetterFileInvalidYaml", "SetterFileNotUtf8", "SetterFileTooDeep"],
            problems.Select(p => p.ErrorId).Distinct().Order(StringComparer.Ordinal));
        Assert.All(problems, p => Assert.Equal(ErrorKind.ParserError, p.Kind));
        Assert.Equal(600 - 3 * 26, events.Count(e => e.StartsWith("1 in ", StringComparison.Ordinal)));
        Assert.Equal(expected, events);
    }

    [Fact]
    public void Stopping_early_after_a_parse_failure_stops_the_work_and_its_thread_and_releases_every_descriptor()
    {
        using var tree = new SetterTestTree();
        tree.Write("a/f0.yaml", $"image: a {Marker}\n");
        tree.Write("a/f1.yaml", $"image: a {Marker}\nports: [80, 443\n");
        for (var i = 2; i < 3000; i++)
        {
            tree.Write($"d{i % 30}/f{i:d4}.yaml", $"image: a {Marker}\n");
        }

        var consumer = Thread.CurrentThread;
        var others = new System.Collections.Concurrent.ConcurrentDictionary<Thread, bool>();
        var parses = 0;
        var work = new MarkedFileWork<SetterEngine.ParsedFile>(file =>
        {
            Interlocked.Increment(ref parses);
            if (Thread.CurrentThread != consumer)
            {
                others.TryAdd(Thread.CurrentThread, true);
            }

            return SetterEngine.ParseMarked.Apply(file);
        }, SetterEngine.ParseMarked.HeldPerByte);
        var problems = new List<AutomationException>();
        using var way = SetterTree.UseScreeningAhead(true);

        var firstThree = SetterTree.ScreenedFiles(tree.Root, 1_000_000, tree.Log, problems, work).Take(3).ToList();
        var parsesAtStop = Volatile.Read(ref parses);
        var running = others.Keys.Where(t => t.IsAlive).ToList();
        var descriptors = DescriptorsInto(tree.Root);
        Thread.Sleep(300);

        Assert.Equal(["a/f0.yaml", "d0/f0030.yaml", "d0/f0060.yaml"], firstThree.Select(f => f.File.RelativePath));
        Assert.Equal([("SetterFileInvalidYaml", (object?)tree.PathOf("a/f1.yaml"))], problems.Select(p => (p.ErrorId, p.Target)));
        Assert.Equal(parsesAtStop, Volatile.Read(ref parses));
        Assert.True(parsesAtStop < 3000, $"{parsesAtStop} files were parsed for 3");
        Assert.NotEmpty(others);
        Assert.Empty(running);
        Assert.Empty(descriptors);
    }

    [Theory]
    [MemberData(nameof(Ways))]
    public void An_unexpected_failure_in_the_work_on_a_file_reaches_the_consumer_after_the_files_before_it(bool ahead)
    {
        using var tree = new SetterTestTree();
        for (var i = 0; i < 400; i++)
        {
            tree.Write($"f{i:d3}.yaml", $"image: a {Marker}\n");
        }

        var work = new MarkedFileWork<ScreenedFile>(
            file => file.RelativePath == "f300.yaml" ? throw new InvalidOperationException("a defect") : file, HeldPerByte: 1);
        var seen = new List<string>();
        using var way = SetterTree.UseScreeningAhead(ahead);

        var e = Assert.Throws<InvalidOperationException>(() =>
        {
            foreach (var file in SetterTree.ScreenedFiles(tree.Root, 1_000_000, tree.Log, [], work))
            {
                seen.Add(file.RelativePath);
            }
        });

        Assert.Equal("a defect", e.Message);
        Assert.Equal(Enumerable.Range(0, 300).Select(i => $"f{i:d3}.yaml"), seen);
    }

    /// <summary>This process's open descriptors of files and directories under <paramref name="root"/> (other tests run meanwhile).</summary>
    internal static List<string> DescriptorsInto(string root) =>
        Directory.GetFileSystemEntries("/proc/self/fd").Select(fd =>
        {
            try
            {
                return new FileInfo(fd).LinkTarget;
            }
            catch (IOException)
            {
                return null; // closed meanwhile
            }
        }).OfType<string>().Where(target => target == root || target.StartsWith(root + "/", StringComparison.Ordinal)).ToList();

    /// <summary>Records reports on the reporting thread, unlike <see cref="Progress{T}"/>.</summary>
    private sealed class SynchronousProgress(List<ProgressReport> reports) : IProgress<ProgressReport>
    {
        public void Report(ProgressReport value) => reports.Add(value);
    }
}
