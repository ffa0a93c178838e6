namespace TazLab.ImageAutomation.Engine.Diagnostics;

/// <summary>
/// A setting an error's remedy refers to. The engine describes the thing ("the registry timeout"); the caller adds how
/// its user sets it: a cmdlet parameter, or a Flux object's YAML field in a file.
/// </summary>
public enum Setting
{
    RegistryCredential,
    RegistryCertificate,
    SkipCertificateCheck,
    InsecureHttp,
    RegistryTimeout,
    RegistryConcurrency,
    RegistryMirror,
    ExclusionList,
    TagFilter,
    UpdatePath,
    MaxFileSize,
    MaxResponseSize,
    PushBranch,
    GitRemote,
    GitCredential,
    RepositoryPath,
}
