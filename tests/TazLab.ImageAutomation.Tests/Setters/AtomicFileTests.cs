using TazLab.ImageAutomation.Engine.Diagnostics;
using TazLab.ImageAutomation.Engine.Setters;

namespace TazLab.ImageAutomation.Tests.Setters;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class AtomicFileTests
{
    [Theory]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.UserWrite)]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead
        | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute)]
    public void The_file_keeps_its_mode_bits_and_no_temporary_file_is_left(UnixFileMode mode)
    {
        using var tree = new SetterTestTree();
        var path = tree.Write("m.yaml", "old");
        File.SetUnixFileMode(path, mode);

        AtomicFile.Write(path, "new"u8.ToArray());

        Assert.Equal("new", tree.Text("m.yaml"));
        Assert.Equal(mode, File.GetUnixFileMode(path));
        Assert.Equal([path], Directory.GetFiles(tree.Root));
    }

    [Fact]
    public void A_read_only_file_is_refused_and_kept()
    {
        using var tree = new SetterTestTree();
        var path = tree.Write("m.yaml", "old");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.GroupRead);

        var e = Assert.Throws<AutomationException>(() => AtomicFile.Write(path, "new"u8.ToArray()));

        Assert.Equal((ErrorKind.PermissionDenied, "SetterFileReadOnly", path), (e.Kind, e.ErrorId, e.Target));
        Assert.Contains(path, e.Message);
        Assert.Equal("old", tree.Text("m.yaml"));
        Assert.Equal([path], Directory.GetFiles(tree.Root));
    }

    [Fact]
    public void A_file_edited_since_it_was_read_is_not_overwritten()
    {
        using var tree = new SetterTestTree();
        var path = tree.Write("m.yaml", "edited meanwhile");

        var e = Assert.Throws<AutomationException>(() => AtomicFile.Write(path, "new"u8.ToArray(), "as read"u8.ToArray()));

        Assert.Equal((ErrorKind.ResourceBusy, "SetterFileChanged"), (e.Kind, e.ErrorId));
        Assert.Equal("edited meanwhile", tree.Text("m.yaml"));
    }

    [Fact]
    public void A_failed_write_leaves_the_file_as_it_was_and_says_so()
    {
        using var tree = new SetterTestTree();
        var path = tree.Write("m.yaml", "old");
        File.SetUnixFileMode(tree.Root, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        try
        {
            // root may write anywhere; the failure is then provoked by a name too long for a temporary beside it.
            var target = Environment.UserName == "root" ? tree.Write(new string('n', 250), "old") : path;

            var e = Assert.Throws<AutomationException>(() => AtomicFile.Write(target, "new"u8.ToArray()));

            Assert.Equal((ErrorKind.WriteError, "SetterFileWriteFailed"), (e.Kind, e.ErrorId));
            Assert.Equal("old", File.ReadAllText(target));
        }
        finally
        {
            File.SetUnixFileMode(tree.Root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    [Fact]
    public void WriteAll_writes_every_file_and_reports_each_failure_at_its_index()
    {
        using var tree = new SetterTestTree();
        var paths = Enumerable.Range(0, 40).Select(i => tree.Write($"f{i:d2}.yaml", "old")).ToArray();
        File.SetUnixFileMode(paths[7], UnixFileMode.UserRead);
        File.WriteAllText(paths[30], "edited meanwhile");

        var failures = AtomicFile.WriteAll(paths.Select(p => new FileUpdate(p, Path.GetFileName(p), "new"u8.ToArray(), [])
        {
            OriginalContent = "old"u8.ToArray(),
        }).ToList());

        Assert.Equal("SetterFileReadOnly", failures[7]?.ErrorId);
        Assert.Equal("SetterFileChanged", failures[30]?.ErrorId);
        Assert.Equal(38, failures.Count(f => f is null));
        Assert.All(paths.Where((_, i) => i is not (7 or 30)), p => Assert.Equal("new", File.ReadAllText(p)));
        Assert.Equal(["old", "edited meanwhile"], new[] { paths[7], paths[30] }.Select(File.ReadAllText));
        Assert.Equal(40, Directory.GetFiles(tree.Root).Length);
    }

    [Fact]
    public void A_link_is_written_through_and_stays_a_link()
    {
        using var tree = new SetterTestTree();
        var target = tree.Write("real.yaml", "old");
        var link = tree.PathOf("link.yaml");
        File.CreateSymbolicLink(link, "real.yaml");

        AtomicFile.Write(link, "new"u8.ToArray());

        Assert.Equal("real.yaml", new FileInfo(link).LinkTarget);
        Assert.Equal("new", File.ReadAllText(target));
    }
}
