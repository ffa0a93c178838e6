using TazLab.ImageAutomation.Engine.Completion;

namespace TazLab.ImageAutomation.Tests.Completion;

public sealed class LocalNamesTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("tazlab-completion-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    private static string Policy(string name) => $"""
        apiVersion: image.toolkit.fluxcd.io/v1
        kind: ImagePolicy
        metadata:
          name: {name}
        spec:
          imageRepositoryRef:
            name: not-read
          policy:
            semver:
              range: ">=1.0.0"
        """;

    private void Write(string relative, string text)
    {
        var path = Path.Combine(root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    [Fact]
    public void Offers_policies_whose_repository_is_not_read_but_not_those_in_git_invalid_files_or_with_control_characters()
    {
        Write("a/policy.yaml", Policy("web"));
        Write("b/deploy.yaml", "image: x:1 # {\"$imagepolicy\": \"team:api:tag\"}\n");
        Write("c/broken.yaml", "a: [\n# {\"$imagepolicy\": \"team:broken\"}\n");
        Write(".git/hooks.yaml", Policy("in-git"));
        Write("d/hostile.yaml", "image: x:1 # {\"$imagepolicy\": \"team:\\u001b[2Jgone\"}\n");

        Assert.Equal(["flux-system:web", "team:api"], LocalNames.Policies(root));
    }

    [Fact]
    public void Stops_at_the_file_budget()
    {
        for (var i = 0; i < 20; i++)
        {
            Write($"p{i:00}/policy.yaml", Policy($"p{i:00}"));
        }

        Assert.Equal(20, LocalNames.Policies(root).Count);
        Assert.Equal(3, LocalNames.Policies(root, CompletionBudget.Default with { MaxFiles = 3 }).Count);
        Assert.Empty(LocalNames.Policies(root, CompletionBudget.Default with { MaxTime = TimeSpan.Zero }));
        Assert.True(LocalNames.Policies(root, CompletionBudget.Default with { MaxEntries = 5 }).Count < 20);
    }

    [Fact]
    public void Skips_files_above_the_size_budget()
    {
        Write("big.yaml", Policy("big") + "\n# " + new string('x', 4096) + "\n");
        Write("small.yaml", Policy("small"));

        Assert.Equal(["flux-system:small"], LocalNames.Policies(root, CompletionBudget.Default with { MaxFileSize = 1024 }));
    }

    [Fact]
    public void Offers_nothing_for_a_missing_directory_or_one_outside_any_repository()
    {
        Assert.Empty(LocalNames.Policies(Path.Combine(root, "missing")));
        Assert.Empty(LocalNames.Remotes(root));
        Assert.Empty(LocalNames.Branches(root));
    }
}
