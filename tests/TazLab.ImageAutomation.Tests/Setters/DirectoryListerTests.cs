using TazLab.ImageAutomation.Engine.Setters;

namespace TazLab.ImageAutomation.Tests.Setters;

/// <summary>The walk's listing by entry type (Linux) keeps the rules of the listing by attributes (everywhere else).</summary>
public sealed class DirectoryListerTests
{
    [Fact]
    public void Listing_by_entry_type_gives_what_listing_by_attributes_gives()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // entry types are read on Linux only
        }

        using var tree = new SetterTestTree();
        tree.Write("a.yaml", "x: 1\n");
        tree.Write("b.yml", "x: 1\n");
        tree.Write("Kustomization", "x: 1\n");
        tree.Write("notes.txt", "x: 1\n");
        tree.Write("sub/c.yaml", "x: 1\n");
        tree.Write(".hidden/d.yaml", "x: 1\n");
        tree.Write(".git/config.yaml", "x: 1\n");
        tree.Write(".a.yaml.tazlab-0123456789abcdef0123456789abcdef.tmp", "x");
        File.CreateSymbolicLink(tree.PathOf("file-link.yaml"), "a.yaml");
        File.CreateSymbolicLink(tree.PathOf("other-link"), "a.yaml");
        Directory.CreateSymbolicLink(tree.PathOf("dir-link"), "sub");

        var byType = DirectoryLister.LinuxEntries(tree.Root).Select(e => (e.Path, e.IsDirectory)).Order().ToList();
        var byAttributes = DirectoryLister.ManagedEntries(tree.Root).Select(e => (e.Path, e.IsDirectory)).Order().ToList();

        Assert.Equal(byAttributes, byType);
        Assert.Contains((tree.PathOf("sub"), true), byType);
        Assert.Contains((tree.PathOf("file-link.yaml"), false), byType);
        Assert.DoesNotContain(byType, e => e.Path.EndsWith("dir-link", StringComparison.Ordinal) || e.Path.EndsWith(".git", StringComparison.Ordinal));
    }

    [Fact]
    public void Only_regular_files_are_listed_regular_so_that_reading_them_needs_no_stat()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // entry types are read on Linux only
        }

        using var tree = new SetterTestTree();
        tree.Write("a.yaml", "x: 1\n");
        tree.Write("sub/c.yaml", "x: 1\n");
        File.CreateSymbolicLink(tree.PathOf("file-link.yaml"), "a.yaml");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", tree.PathOf("fifo.yaml")))
        {
            mkfifo.WaitForExit();
        }

        var listed = DirectoryLister.LinuxEntries(tree.Root).ToDictionary(e => Path.GetFileName(e.Path), e => e.IsRegularFile);

        Assert.Equal(new Dictionary<string, bool> { ["a.yaml"] = true, ["sub"] = false, ["file-link.yaml"] = false, ["fifo.yaml"] = false }, listed);
        Assert.All(DirectoryLister.ManagedEntries(tree.Root), e => Assert.False(e.IsRegularFile));
    }

    [Fact]
    public void A_directory_that_cannot_be_listed_is_an_error_of_its_own()
    {
        using var tree = new SetterTestTree();
        Assert.ThrowsAny<IOException>(() => DirectoryLister.Entries(tree.PathOf("missing")));
    }
}
