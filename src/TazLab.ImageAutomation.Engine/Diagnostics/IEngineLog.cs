namespace TazLab.ImageAutomation.Engine.Diagnostics;

/// <summary>Where the engine reports progress it is not failing on. The cmdlets forward it to Verbose/Warning.</summary>
public interface IEngineLog
{
    void Verbose(string message);
    void Warning(string message);
}

/// <summary>A log that drops everything, for callers that do not care.</summary>
public sealed class NullEngineLog : IEngineLog
{
    public static readonly NullEngineLog Instance = new();
    public void Verbose(string message) { }
    public void Warning(string message) { }
}
