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
    [MemberData(nameof(Readers))]
    public void A_file_that_cannot_be_opened_is_an_IOException(string reader)
    {
        byte[] buffer = new byte[16];

        Assert.ThrowsAny<IOException>(() => Reader(reader)("/nonexistent/x.yaml", ref buffer, 100, out _));
    }
}
