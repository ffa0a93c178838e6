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

    [Fact]
    public void A_tree_deeper_than_the_descriptors_held_is_walked_down_and_up_with_every_path_named_right_and_a_bounded_number_held()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // descriptors are read through /proc
        }

        using var tree = new SetterTestTree();
        var chain = string.Join("/", Enumerable.Range(0, 40).Select(i => $"d{i}"));
        var paths = new List<string>();
        for (var depth = 40; depth >= 0; depth -= 1)
        {
            // Down to each depth's two files, and from the deepest back up: siblings, then the parents' files.
            var directory = string.Join("/", chain.Split('/').Take(depth));
            foreach (var name in new[] { "x.yaml", "y.yaml" })
            {
                paths.Add(tree.Write(depth == 0 ? name : $"{directory}/{name}", "x: 1\n"));
            }
        }

        paths = [.. paths.Order(StringComparer.Ordinal)];
        var mostHeld = 0;
        using (var opener = new RelativeOpener())
        {
            foreach (var path in paths.Concat(paths.AsEnumerable().Reverse()))
            {
                var fd = opener.From(path, out var relative);
                if (fd != RelativeOpener.AsGiven)
                {
                    Assert.Equal(path, $"{new FileInfo($"/proc/self/fd/{fd}").LinkTarget}/{relative}");
                    Assert.True(File.Exists(Path.Combine(new FileInfo($"/proc/self/fd/{fd}").LinkTarget!, relative)));
                }
                else
                {
                    Assert.Equal(path, relative);
                }

                mostHeld = Math.Max(mostHeld, SetterWalkTests.DescriptorsInto(tree.Root).Count());
            }
        }

        Assert.InRange(mostHeld, 2, 16);
        Assert.Empty(SetterWalkTests.DescriptorsInto(tree.Root));
    }
}
