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

        Assert.ThrowsAny<IOException>(() => Reader(reader)("/nonexistent/x.yaml", ref buffer, 100, out _));
    }
}
