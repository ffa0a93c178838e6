using TazLab.ImageAutomation.Engine.Setters;

namespace TazLab.ImageAutomation.Tests.Setters;

/// <summary>The walk opens each path from a directory it shares with the path before; the path named is the path opened.</summary>
public sealed class RelativeOpenerTests
{
    [Fact]
    public void Each_path_is_named_relative_to_a_directory_it_is_in_and_no_descriptor_outlives_the_opener()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // descriptors are read through /proc
        }

        using var tree = new SetterTestTree();
        string[] relatives =
        [
            "a.yaml", "apps", "apps/one", "apps/one/x.yaml", "apps/one/y.yaml", "apps/two", "apps/two/z.yaml",
            "apps/two/deeper/w.yaml", "apps/three/v.yaml", "b.yaml", "c/d/e/f.yaml", "c/d/g.yaml", "c/h.yaml",
        ];
        foreach (var relative in relatives)
        {
            if (relative.EndsWith(".yaml", StringComparison.Ordinal))
            {
                tree.Write(relative, "x: 1\n");
            }
            else
            {
                Directory.CreateDirectory(tree.PathOf(relative));
            }
        }

        var paths = relatives.Select(tree.PathOf).ToList();
        var fromDirectories = 0;

        using (var opener = new RelativeOpener())
        {
            foreach (var path in paths)
            {
                var fd = opener.From(path, out var relative);
                if (fd == RelativeOpener.AsGiven)
                {
                    Assert.Equal(path, relative);
                    continue;
                }

                fromDirectories++;
                var directory = new FileInfo($"/proc/self/fd/{fd}").LinkTarget;
                Assert.False(Path.IsPathRooted(relative), relative);
                Assert.Equal(path, $"{directory}/{relative}");
            }

            Assert.NotEmpty(SetterWalkTests.DescriptorsInto(tree.Root)); // the directory last used is held until disposed
            Assert.Equal((RelativeOpener.AsGiven, "/etc/hostname"), (opener.From("/etc/hostname", out var outside), outside));
        }

        Assert.Empty(SetterWalkTests.DescriptorsInto(tree.Root));
        Assert.True(fromDirectories >= paths.Count - 1, $"{fromDirectories} of {paths.Count} paths named relative to a directory");
    }
}
