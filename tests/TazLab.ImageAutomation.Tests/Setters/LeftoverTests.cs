using TazLab.ImageAutomation.Engine.Setters;

namespace TazLab.ImageAutomation.Tests.Setters;

/// <summary>Temporary files a killed update left beside the manifests: recognised, never read as manifests, removed by the next update.</summary>
public sealed class LeftoverTests
{
    private const string Marked = "image: ghcr.io/org/app:v1.0.0 # {\"$imagepolicy\": \"flux-system:app\"}\n";
    private static readonly SetterPolicy App = new("flux-system:app", "ghcr.io/org/app", "v2.0.0", null);

    [Fact]
    public void A_temporary_file_is_named_after_its_target_recognisably_and_is_not_a_manifest_name()
    {
        var name = Path.GetFileName(AtomicFile.TemporaryPath("/tree/apps/deploy.yaml"));

        Assert.StartsWith(".deploy.yaml.tazlab-", name);
        Assert.True(AtomicFile.IsTemporaryName(name));
        Assert.False(SetterTree.IsCandidateName(name));
        Assert.False(AtomicFile.IsTemporaryName(".deploy.yaml.tmp"));
        Assert.False(AtomicFile.IsTemporaryName("deploy.yaml"));
    }

    [Fact]
    public void Leftovers_are_listed_by_the_plan_never_parsed_and_removed()
    {
        using var tree = new SetterTestTree();
        tree.Write("apps/deploy.yaml", Marked);
        var leftover = AtomicFile.TemporaryPath(tree.PathOf("apps/deploy.yaml"));
        File.WriteAllText(leftover, Marked); // what a write killed after its last byte leaves
        var empty = AtomicFile.TemporaryPath(tree.PathOf("apps/deploy.yaml"));
        File.WriteAllText(empty, ""); // and one killed before its first
        var unrelated = tree.Write("apps/.notes.tmp", "mine");

        var plan = tree.Engine().Plan(tree.Root, SetterPolicy.Index([App]));

        Assert.Equal(["apps/deploy.yaml"], plan.Updates.Select(u => u.RelativePath));
        Assert.Equal(new[] { leftover, empty }.Order(StringComparer.Ordinal), plan.Leftovers);
        foreach (var path in plan.Leftovers)
        {
            Assert.True(AtomicFile.RemoveLeftover(path));
        }

        Assert.Equal(new[] { tree.PathOf("apps/deploy.yaml"), unrelated }.Order(StringComparer.Ordinal), Directory.GetFiles(tree.PathOf("apps")).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_temporary_file_still_being_written_is_not_removed()
    {
        using var tree = new SetterTestTree();
        var temporary = AtomicFile.TemporaryPath(tree.PathOf("deploy.yaml"));
        using var writing = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.Read); // as AtomicFile holds it

        Assert.False(AtomicFile.RemoveLeftover(temporary));
        Assert.True(File.Exists(temporary));
        Assert.Equal("", File.ReadAllText(temporary)); // readers are not refused
    }

    [Fact]
    public void Readers_of_the_file_are_never_refused_while_it_is_rewritten()
    {
        using var tree = new SetterTestTree();
        var path = tree.Write("deploy.yaml", "0");
        var refused = 0;
        using var done = new ManualResetEventSlim();
        var reader = new Thread(() =>
        {
            while (!done.IsSet)
            {
                try
                {
                    File.ReadAllText(path);
                }
                catch (IOException)
                {
                    Interlocked.Increment(ref refused);
                }
            }
        });
        reader.Start();

        for (var i = 1; i <= 300; i++)
        {
            AtomicFile.Write(path, System.Text.Encoding.UTF8.GetBytes(i.ToString()));
        }

        done.Set();
        reader.Join();
        Assert.Equal(0, refused);
        Assert.Equal("300", tree.Text("deploy.yaml"));
    }

    [Fact]
    public async Task A_file_replaced_by_a_fifo_after_it_was_read_is_not_waited_for()
    {
        using var tree = new SetterTestTree();
        var pipe = tree.PathOf("deploy.yaml");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", pipe))
        {
            mkfifo.WaitForExit();
        }

        using var writer = new FileStream(pipe, FileMode.Open, FileAccess.ReadWrite); // a writer that never closes it

        var error = await Assert.ThrowsAsync<TazLab.ImageAutomation.Engine.Diagnostics.AutomationException>(() =>
            Task.Run(() => AtomicFile.Write(pipe, "new"u8.ToArray(), expectedCurrent: "old"u8.ToArray())).WaitAsync(TimeSpan.FromSeconds(30)));

        Assert.Equal("SetterFileChanged", error.ErrorId);
    }
}
