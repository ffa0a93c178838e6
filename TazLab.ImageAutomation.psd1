@{
    RootModule           = 'TazLab.ImageAutomation.psm1'
    ModuleVersion        = '0.1.0'
    GUID                 = '5f0b7a9e-3c41-4d8e-9a57-2b6a1c0e7d14'
    Author               = 'TazLab'
    CompanyName          = 'TazLab'
    Copyright            = '(c) 2026 TazLab. Released under the MIT License.'
    Description          = 'Flux CD image automation as composable PowerShell commands: list registry tags, select the newest by ImagePolicy, rewrite $imagepolicy setter markers byte-exactly, commit and push.'
    # 5.1 for Windows PowerShell (bin/net472); on PowerShell Core the psm1 loader asks for 7.4 or later, with a message.
    PowerShellVersion    = '5.1'
    CompatiblePSEditions = @('Core', 'Desktop')
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
            Tags         = @('Flux', 'GitOps', 'Kubernetes', 'ImageAutomation', 'Registry', 'PSEdition_Core', 'PSEdition_Desktop', 'Linux', 'MacOS', 'Windows')
            ProjectUri   = 'https://github.com/tazlab/TazLab.ImageAutomation'
            LicenseUri   = 'https://github.com/tazlab/TazLab.ImageAutomation/blob/main/LICENSE'
            ReleaseNotes = @'
0.1.0: Flux CD image automation outside the cluster, for PowerShell 7.4 and later, and a Windows PowerShell 5.1
build (.NET Framework 4.7.2) that is built and checked but not yet run on Windows.

Seven commands that pipe into each other:
- Get-RegistryTag lists tags from any OCI registry (Docker Hub, ghcr.io, private registries with docker's
  config.json or -Credential) or an OCI layout on disk (ocidir://).
- Select-ImagePolicyTag picks the newest tag per image by Flux's semver, numerical or alphabetical policy, with
  -Pattern/-Extract and optional digest reflection.
- Update-ImageSetter rewrites the values marked # {"$imagepolicy": "ns:policy"}, byte-exactly and atomically.
- Get-ImageSetter lists every marker with its current value.
- Submit-AutomationCommit commits exactly the setter values (literal or Flux-template message, optional OpenPGP or
  SSH signing), pushes, and redoes the commit on the new head when the push races; it never force-pushes.
- Get-ImageAutomation reads a repository's ImageRepository, ImagePolicy and ImageUpdateAutomation objects
  (v1, v1beta2); Invoke-ImageAutomation runs them end to end, with -WhatIf showing the diffs and messages.

Deviations from Flux (full list in the README): no silent downgrades (-AllowDowngrade restores Flux), only the marked
bytes of a file change, a push race is retried instead of failing the run, ties between equal tags are deterministic,
invalid YAML is an error naming file and line, and in-cluster Secrets and cloud providers are replaced by
-Credential, docker's config.json and -SigningKey.
'@
        }
    }
}
