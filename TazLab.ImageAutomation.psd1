@{
    RootModule           = 'TazLab.ImageAutomation.psm1'
    ModuleVersion        = '0.1.0'
    GUID                 = '5f0b7a9e-3c41-4d8e-9a57-2b6a1c0e7d14'
    Author               = 'TazLab'
    CompanyName          = 'TazLab'
    Copyright            = '(c) TazLab. All rights reserved.'
    Description          = 'Flux CD image automation as composable PowerShell commands: list registry tags, select the newest by ImagePolicy, rewrite $imagepolicy setter markers byte-exactly, commit and push.'
    PowerShellVersion    = '7.4'
    CompatiblePSEditions = @('Core')
    FormatsToProcess     = @('TazLab.ImageAutomation.Format.ps1xml')
    CmdletsToExport      = @(
        'Get-RegistryTag'
        'Select-ImagePolicyTag'
        'Update-ImageSetter'
        'Get-ImageSetter'
        'Submit-AutomationCommit'
        'Get-ImageAutomation'
        'Invoke-ImageAutomation'
    )
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('Flux', 'GitOps', 'ImageAutomation', 'Kubernetes', 'Registry', 'PSEdition_Core', 'Linux', 'MacOS', 'Windows')
            ReleaseNotes = 'Walking skeleton: the four pipeline commands on their simplest paths.'
        }
    }
}
