using System.Text;
using TazLab.ImageAutomation.Engine.Diagnostics;
using TazLab.ImageAutomation.Engine.Setters;

namespace TazLab.ImageAutomation.Tests.Setters;

/// <summary>A temporary directory of manifests, with a log that records what the engine reported.</summary>
internal sealed class SetterTestTree : IDisposable
{
    public SetterTestTree()
    {
        Root = Directory.CreateTempSubdirectory("setters-").FullName;
    }

    /// <summary>The walk's work that keeps each marked file as read.</summary>
    public static MarkedFileWork<ScreenedFile> AsRead { get; } = new(file => file, HeldPerByte: 1);

    public string Root { get; }

    public RecordingLog Log { get; } = new();

    public static string FixturePath(params string[] parts) =>
        Path.Combine([AppContext.BaseDirectory, "Setters", "Fixtures", .. parts]);

    /// <summary>A tree holding a copy of one fixture directory.</summary>
    public static SetterTestTree FromFixture(params string[] parts)
    {
        var tree = new SetterTestTree();
        var source = FixturePath(parts);
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            tree.Write(Path.GetRelativePath(source, file), File.ReadAllBytes(file));
        }

        return tree;
    }

    public string PathOf(string relative) => Path.Combine(Root, relative);

    public string Write(string relative, string text) => Write(relative, Encoding.UTF8.GetBytes(text));

    public string Write(string relative, byte[] bytes)
    {
        var path = PathOf(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    public byte[] Bytes(string relative) => File.ReadAllBytes(PathOf(relative));

    public string Text(string relative) => File.ReadAllText(PathOf(relative));

    public SetterEngine Engine(long maxFileSize = SetterEngine.DefaultMaxFileSize) => new(Log, maxFileSize);

    /// <summary>Plans with the given policies and writes every update, as Update-ImageSetter does.</summary>
    public SetterPlan Apply(params SetterPolicy[] policies)
    {
        var plan = Engine().Plan(Root, SetterPolicy.Index(policies));
        Assert.All(AtomicFile.WriteAll(plan.Updates), Assert.Null);
        return plan;
    }

    public void Dispose()
    {
        foreach (var file in Directory.EnumerateFiles(Root, "*", SearchOption.AllDirectories))
        {
            File.SetAttributes(file, FileAttributes.Normal);
        }

        Directory.Delete(Root, recursive: true);
    }
}

internal sealed class RecordingLog : IEngineLog
{
    public List<string> Verbose { get; } = [];

    public List<string> Warnings { get; } = [];

    void IEngineLog.Verbose(string message) => Verbose.Add(message);

    void IEngineLog.Warning(string message) => Warnings.Add(message);
}
