using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Text;
using TazLab.ImageAutomation.Commands;

namespace TazLab.ImageAutomation.Tests.Cmdlets;

/// <summary>The cmdlets hosted in-process through Microsoft.PowerShell.SDK: binding by property name between them.</summary>
public sealed class InProcessPipelineTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("tazlab-inproc-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    private static System.Management.Automation.PowerShell NewShell()
    {
        var state = InitialSessionState.CreateDefault2();
        foreach (var type in new[] { typeof(SelectImagePolicyTagCommand), typeof(UpdateImageSetterCommand) })
        {
            var attribute = (CmdletAttribute)Attribute.GetCustomAttribute(type, typeof(CmdletAttribute))!;
            state.Commands.Add(new SessionStateCmdletEntry($"{attribute.VerbName}-{attribute.NounName}", type, null));
        }

        return System.Management.Automation.PowerShell.Create(state);
    }

    [Fact]
    public void Selection_binds_into_the_setter_and_only_the_value_bytes_change()
    {
        var path = Path.Combine(directory, "deploy.yaml");
        var original = "\uFEFF---\r\n# app\r\nspec:\r\n\r\n  image: example/app:blog-9-x   # {\"$imagepolicy\": \"flux-system:app\"}\r\n";
        File.WriteAllBytes(path, Encoding.UTF8.GetBytes(original));

        using var shell = NewShell();
        shell.AddScript("""
            param($Path)
            'blog-9-x', 'blog-10-y', 'latest' |
                Select-ImagePolicyTag -Image example/app -Policy flux-system:app -Pattern '^blog-(?P<n>[0-9]+)-' -Extract '$n' -Numerical |
                Update-ImageSetter -Path $Path
            """).AddArgument(directory);
        var output = shell.Invoke();

        Assert.Empty(shell.Streams.Error);
        var change = Assert.IsType<ImageSetterChange>(Assert.Single(output).BaseObject);
        Assert.Equal(("example/app:blog-9-x", "example/app:blog-10-y", 5, "deploy.yaml"), (change.OldValue, change.NewValue, change.Line, change.RelativePath));
        Assert.Equal(original.Replace("blog-9-x", "blog-10-y"), Encoding.UTF8.GetString(File.ReadAllBytes(path)));
    }

    [Theory]
    [InlineData("-Alphabetical")]
    [InlineData("-Numerical -Pattern '^(?P<n>[0-9]+)' -Extract '$n'")]
    public void A_tag_with_a_line_break_is_not_selected_and_never_written(string policy)
    {
        var path = Path.Combine(directory, "deploy.yaml");
        const string original = "a: example/app:1.0.0 # {\"$imagepolicy\": \"flux-system:app\"}\nb: \"1.0.0\" # {\"$imagepolicy\": \"flux-system:app:tag\"}\nc: '1.0.0' # {\"$imagepolicy\": \"flux-system:app:tag\"}\n";
        File.WriteAllText(path, original);

        using var shell = NewShell();
        shell.AddScript($$"""
            param($Path)
            '1.0.0', "9.9.9`n", "8.8.8`r`n" | Select-ImagePolicyTag -Image example/app -Policy app {{policy}} -Verbose | Update-ImageSetter -Path $Path
            """).AddArgument(directory);
        var output = shell.Invoke();

        Assert.Empty(shell.Streams.Error);
        Assert.Equal(3, output.Count); // each marker reported as already holding 1.0.0, nothing written
        Assert.All(output, o => Assert.Equal((true, false), ((bool)o.Properties["AlreadyCurrent"].Value, (bool)o.Properties["Written"].Value)));
        Assert.Equal(original, File.ReadAllText(path));
        Assert.Contains(shell.Streams.Verbose, v => v.Message.Contains(@"'9.9.9\n'") && v.Message.Contains("control character"));
    }

    [Fact]
    public async Task A_response_above_the_limit_is_LimitsExceeded_naming_the_parameter_that_raises_it()
    {
        await using var registry = new TazLab.ImageAutomation.Tests.Registry.Support.FakeRegistry(request => request.Method == "HEAD"
            ? new TazLab.ImageAutomation.Tests.Registry.Support.FakeResponse(200) // no digest header: the manifest is fetched
            : new TazLab.ImageAutomation.Tests.Registry.Support.FakeResponse(200) { ContentLength = 2L * 1024 * 1024, WriteBody = (_, _) => Task.CompletedTask });

        using var shell = NewShell();
        shell.AddScript($"Select-ImagePolicyTag -Tag 1.0 -Image {registry.Host}/test/app -Alphabetical -DigestReflection Always -MaxResponseMB 1");
        var output = shell.Invoke();

        Assert.Empty(output);
        var error = Assert.Single(shell.Streams.Error);
        Assert.Equal((ErrorCategory.LimitsExceeded, "RegistryResponseTooLarge"), (error.CategoryInfo.Category, error.FullyQualifiedErrorId.Split(',')[0]));
        Assert.Contains("1048576-byte limit", error.Exception.Message);
        Assert.EndsWith("(set with -MaxResponseMB)", error.ErrorDetails.RecommendedAction);
    }

    [Fact]
    public void WhatIf_writes_nothing_and_emits_what_it_would_change()
    {
        var path = Path.Combine(directory, "deploy.yaml");
        const string original = "image: example/app:1 # {\"$imagepolicy\": \"flux-system:app\"}\n";
        File.WriteAllText(path, original);

        using var shell = NewShell();
        shell.AddScript("""
            param($Path)
            [pscustomobject]@{ Policy = 'app'; Image = 'example/app'; Tag = '2' } | Update-ImageSetter -Path $Path -WhatIf
            """).AddArgument(directory);
        var output = shell.Invoke();

        var change = Assert.Single(output);
        Assert.Equal(false, change.Properties["Written"].Value);
        Assert.Equal("example/app:2", change.Properties["NewValue"].Value);
        Assert.Equal(original, File.ReadAllText(path));
    }
}
