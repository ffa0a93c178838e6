using TazLab.ImageAutomation.Engine.Diagnostics;
using TazLab.ImageAutomation.Engine.FluxObjects;
using TazLab.ImageAutomation.Errors;

namespace TazLab.ImageAutomation.Commands;

/// <summary>
/// Names a setting the way a run driven by Flux objects sets it: the YAML field in the object's file where there is one
/// (<c>spec.update.path in infrastructure/automation/hugo-blog/automation.yaml</c>), else Invoke-ImageAutomation's parameter.
/// </summary>
internal static class FluxSettingNames
{
    public static Func<Setting, string?> For(FluxObject? subject) => setting =>
    {
        var field = (setting, subject) switch
        {
            (Setting.ExclusionList, ImageRepository) => "spec.exclusionList",
            (Setting.InsecureHttp, ImageRepository or ImagePolicy) => "spec.insecure",
            (Setting.TagFilter, ImagePolicy) => "spec.filterTags.pattern and spec.filterTags.extract",
            (Setting.UpdatePath, ImageUpdateAutomation) => "spec.update.path",
            (Setting.PushBranch, ImageUpdateAutomation) => "spec.git.push.branch",
            _ => null,
        };
        var parameter = setting switch
        {
            Setting.RegistryCredential => "-RegistryCredential",
            Setting.GitCredential => "-GitCredential",
            _ => ErrorRecords.ParameterFor(setting),
        };
        return field is null ? parameter
            : setting == Setting.InsecureHttp ? $"{field} in {subject!.RelativePath}, or {parameter}"
            : $"{field} in {subject!.RelativePath}";
    };
}
