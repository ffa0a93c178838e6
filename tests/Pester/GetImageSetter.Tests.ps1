# Get-ImageSetter: the audit listing of every marker in a tree.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'Helpers/Setters.psm1') -Force
    Import-Module (Get-TestModulePath) -Force
}

Describe 'Get-ImageSetter' {
    BeforeAll {
        $root = New-ManifestTree -Parent $TestDrive -Files @{
            'apps/web/deployment.yaml' = New-MarkedDeployment
            'apps/web/kustomization.yaml' = "images:`n  - name: web`n    newTag: '1.0.0' # {`"`$imagepolicy`": `"other-ns:web:tag`"}`n"
            'apps/broken.yaml' = "a: b: c # {`"`$imagepolicy`": `"flux-system:web`"}`n"
            'apps/notes.yaml' = "# nothing marked here`n"
        }
    }

    It 'lists every marker with file, line, setter, policy and current value, whatever policy it names' {
        Push-Location $root
        try { $markers = Get-ImageSetter -ErrorAction SilentlyContinue }
        finally { Pop-Location }

        $markers | Should -HaveCount 2
        $markers[0].PSObject.TypeNames[0] | Should -Be 'TazLab.ImageAutomation.ImageSetter'
        $markers | ForEach-Object { "$($_.RelativePath):$($_.Line):$($_.Column)|$($_.Setter)|$($_.Policy)|$($_.Value)|$($_.Kind)/$($_.Name)" } |
            Should -Be @(
                'apps/web/deployment.yaml:11:18|flux-system:web|flux-system:web|ghcr.io/org/web:1.0.0|Deployment/web',
                'apps/web/kustomization.yaml:3:13|other-ns:web:tag|other-ns:web|1.0.0|/')
        $markers[0].Path | Should -Be (Join-Path $root 'apps/web/deployment.yaml')
    }

    It 'reports a file it cannot parse as a non-terminating error and lists the rest' {
        $markers = Get-ImageSetter -Path $root -ErrorVariable failures -ErrorAction SilentlyContinue

        $failures | Should -HaveCount 1
        $failures[0].CategoryInfo.Category | Should -Be 'ParserError'
        $failures[0].Exception.Message | Should -Match ([regex]::Escape("$root/apps/broken.yaml"))
        $markers | Should -HaveCount 2
    }

    It 'writes nothing' {
        $before = Get-ChildItem $root -Recurse -File | ForEach-Object { Get-FileHash $_ }

        Get-ImageSetter -Path $root -ErrorAction SilentlyContinue | Out-Null

        (Get-ChildItem $root -Recurse -File | ForEach-Object { Get-FileHash $_ }).Hash | Should -Be $before.Hash
    }

    It 'has help with examples' {
        $help = Get-Help Get-ImageSetter -Full
        $help.Synopsis | Should -Match 'setter marker'
        @($help.Examples.Example).Count | Should -BeGreaterThan 0
        ($help.Parameters.Parameter | Where-Object Name -eq 'Path').Description.Text | Should -Match 'directory'
    }
}
