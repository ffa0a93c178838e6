using System.Diagnostics;
using System.Text;
using TazLab.ImageAutomation.Engine.Diagnostics;
using TazLab.ImageAutomation.Engine.Setters;

namespace TazLab.ImageAutomation.Tests.Setters;

/// <summary>The Linux system-call reader and the managed fallback screen a tree identically.</summary>
public sealed class CandidateReaderTests
{
    private const string Marker = "# {\"$imagepolicy\": \"flux-system:app\"}";

    public static TheoryData<string> Readers => new() { "linux", "managed" };

    private static SetterTree.CandidateRead Reader(string name) =>
        name == "linux" ? CandidateReader.LinuxRead : CandidateReader.ManagedRead;

    [Theory]
    [MemberData(nameof(Readers))]
    public void Both_readers_screen_the_same_files_with_the_same_bytes(string reader)
    {
        Assert.True(CandidateReader.LinuxReadSupported, "these tests run on Linux x64 or arm64");
        using var outside = new SetterTestTree();
        var secret = outside.Write("secret.yaml", $"image: a {Marker}\n");
        using var tree = new SetterTestTree();
        var large = $"{new string('#', 200_000)}\nimage: a {Marker}\n";
        var atLimit = $"image: a {Marker}\n".PadRight(300_000 - 1, ' ') + "\n";
        tree.Write("a-marked.yaml", $"image: a {Marker}\n");
        tree.Write("b-unmarked.yaml", "image: a\n");
        tree.Write("c-empty.yaml", "");
        tree.Write("d-large.yaml", large);
        tree.Write("e-at-limit.yaml", atLimit);
        tree.Write("f-over-limit.yaml", atLimit + "#");
        tree.Write("target.txt", $"image: b {Marker}\n");
        File.CreateSymbolicLink(tree.PathOf("g-link.yaml"), "target.txt");
        File.CreateSymbolicLink(tree.PathOf("h-outside.yaml"), secret);
        using (var mkfifo = Process.Start("mkfifo", tree.PathOf("i-fifo.yaml")))
        {
            mkfifo.WaitForExit();
        }

        var problems = new List<AutomationException>();
        var files = SetterTree.ScreenedFiles(tree.Root, 300_000, tree.Log, problems, SetterTestTree.AsRead, Reader(reader)).ToList();

        Assert.Empty(problems);
        Assert.Equal(
            [
                ("a-marked.yaml", $"image: a {Marker}\n"),
                ("d-large.yaml", large),
                ("e-at-limit.yaml", atLimit),
                ("g-link.yaml", $"image: b {Marker}\n"),
            ],
            files.Select(f => (f.RelativePath, Encoding.UTF8.GetString(f.Bytes))));
        Assert.Equal(["f-over-limit.yaml: above the 300000-byte file size limit; skipped."], tree.Log.Warnings);
        Assert.Single(tree.Log.Verbose, v => v.StartsWith("h-outside.yaml: a link to") && v.EndsWith("outside the tree; not followed."));
    }

    [Theory]
    [InlineData("linux", false)]
    [InlineData("linux", true)]
    [InlineData("managed", false)]
    [InlineData("managed", true)]
    public void Files_above_a_megabyte_keep_their_own_bytes_and_the_files_after_them_theirs(string reader, bool ahead)
    {
        // A buffer grown past 1 MiB becomes the marked file's bytes, or is dropped (an unmarked file, one above the limit), and reading goes on in a new one.
        using var tree = new SetterTestTree();
        string File(int size, bool marked) => (marked ? $"image: a {Marker}\n" : "image: a\n").PadRight(size - 1, '#') + "\n";
        var written = new[]
        {
            ("a.yaml", File(2 << 20, marked: true)),
            ("b.yaml", File(100, marked: true)),
            ("c.yaml", File(3 << 20, marked: false)),
            ("d.yaml", File(1 << 20, marked: true)),
            ("e.yaml", File(3 << 20, marked: true)),
            ("e2-over-limit.yaml", File(5 << 20, marked: true)),
            ("f.yaml", File(2 << 20, marked: true)),
            ("g.yaml", File(200, marked: true)),
        };
        foreach (var (name, text) in written)
        {
            tree.Write(name, text);
        }

        using var screening = SetterTree.UseScreeningAhead(ahead);
        var problems = new List<AutomationException>();
        var files = SetterTree.ScreenedFiles(tree.Root, 4 << 20, tree.Log, problems, SetterTestTree.AsRead, Reader(reader)).ToList();

        Assert.Empty(problems);
        Assert.Equal(written.Where(w => w.Item1 is not ("c.yaml" or "e2-over-limit.yaml")), files.Select(f => (f.RelativePath, Encoding.UTF8.GetString(f.Bytes))));
        Assert.Equal(["e2-over-limit.yaml: above the 4194304-byte file size limit; skipped."], tree.Log.Warnings);
        Assert.Equal(files.Count, files.Select(f => f.Bytes).Distinct(ReferenceEqualityComparer.Instance).Count());
    }

    [Theory]
    [MemberData(nameof(Readers))]
    public void A_file_that_cannot_be_opened_is_an_IOException(string reader)
    {
        byte[] buffer = new byte[16];

        Assert.ThrowsAny<IOException>(() => Reader(reader)("/nonexistent/x.yaml", false, ref buffer, 100, out _));
    }

    public static TheoryData<bool> Listings => new() { true, false };

    /// <summary>Whether the listing said regular (no stat, the first short read is the end) or could not say (a stat first, the size it gives).</summary>
    [Theory]
    [MemberData(nameof(Listings))]
    public void A_file_is_read_whole_to_the_limit_from_a_small_buffer_and_one_byte_over_it_is_the_limit(bool listedRegular)
    {
        using var tree = new SetterTestTree();
        const int Limit = 100_001;
        foreach (var size in new[] { 0, 1, 15, 16, 17, 4096, Limit - 1, Limit, Limit + 1, 3 * Limit })
        {
            var text = string.Concat(Enumerable.Range(0, size).Select(i => (char)('a' + (i % 26))));
            var path = tree.Write($"f{size}.yaml", text);
            var buffer = new byte[16];

            var status = CandidateReader.LinuxRead(path, listedRegular, ref buffer, Limit, out var read);

            Assert.Equal(size == 0 ? ReadStatus.Nothing : ReadStatus.Read, status);
            Assert.Equal(Math.Min(size, Limit), read);
            Assert.Equal(text[..Math.Min(size, Limit)], Encoding.UTF8.GetString(buffer, 0, read));
            Assert.True(buffer.Length <= Limit);
        }
    }

    /// <summary>One array of the file's size, not a series of doublings (a large marked file's buffer becomes its bytes uncopied).</summary>
    [Theory]
    [MemberData(nameof(Listings))]
    public void A_file_larger_than_the_buffer_grows_it_once_to_its_size(bool listedRegular)
    {
        using var tree = new SetterTestTree();
        const int Size = 100_000;
        var path = tree.Write("large.yaml", new string('a', Size));
        var buffer = new byte[16];

        Assert.Equal(ReadStatus.Read, CandidateReader.LinuxRead(path, listedRegular, ref buffer, 1_000_000, out var read));

        Assert.Equal(Size, read);
        Assert.Equal(Size, buffer.Length);
    }

    [Fact]
    public async Task A_fifo_swapped_in_after_the_listing_said_regular_is_not_waited_for()
    {
        using var tree = new SetterTestTree();
        var fifo = tree.PathOf("fifo.yaml");
        using (var mkfifo = Process.Start("mkfifo", fifo))
        {
            mkfifo.WaitForExit();
        }

        var status = await Task.Run(() =>
        {
            var buffer = new byte[16];
            return CandidateReader.LinuxRead(fifo, true, ref buffer, 100, out _);
        }).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(ReadStatus.Nothing, status);
    }

    [Fact]
    public void A_fifo_the_listing_did_not_call_regular_is_not_a_regular_file()
    {
        using var tree = new SetterTestTree();
        var fifo = tree.PathOf("fifo.yaml");
        using (var mkfifo = Process.Start("mkfifo", fifo))
        {
            mkfifo.WaitForExit();
        }

        var buffer = new byte[16];

        Assert.Equal(ReadStatus.NotRegularFile, CandidateReader.LinuxRead(fifo, false, ref buffer, 100, out _));
    }
}
