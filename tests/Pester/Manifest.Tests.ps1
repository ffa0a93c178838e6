# The manifest as a gallery and Get-Module show it: exports, editions, tags, links, release notes.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $repositoryRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    $modulePath = Get-TestModulePath
    $manifestPath = Join-Path $modulePath 'TazLab.ImageAutomation.psd1'
}

Describe 'The manifest' {
    BeforeAll {
        $manifest = Test-ModuleManifest -Path $manifestPath -ErrorAction Stop
        $data = Import-PowerShellDataFile $manifestPath
    }

    It 'passes Test-ModuleManifest and exports nothing but the listed cmdlets' {
        $manifest.Name | Should -Be 'TazLab.ImageAutomation'
        $data.CmdletsToExport.Count | Should -BeGreaterThan 0
        foreach ($key in 'FunctionsToExport', 'VariablesToExport', 'AliasesToExport') {
            @($data[$key]).Count | Should -Be 0 -Because "$key should be @(), never '*'"
        }
    }

    It 'names the editions it runs on and the gallery tags for them' {
        $manifest.CompatiblePSEditions | Should -Contain 'Core'
        foreach ($tag in 'PSEdition_Core', 'Linux', 'Windows', 'MacOS', 'Flux', 'GitOps', 'Kubernetes') {
            $manifest.Tags | Should -Contain $tag
        }
        if ($manifest.CompatiblePSEditions -contains 'Desktop') { $manifest.Tags | Should -Contain 'PSEdition_Desktop' }
    }

    It 'links the project and its licence, which ships at the top of the repository and in the module' {
        $manifest.ProjectUri | Should -Be 'https://github.com/tazlab/TazLab.ImageAutomation'
        $manifest.LicenseUri | Should -Be 'https://github.com/tazlab/TazLab.ImageAutomation/blob/main/LICENSE'
        Join-Path $repositoryRoot 'LICENSE' | Should -Exist
        Get-Content (Join-Path $modulePath 'LICENSE') -Raw | Should -Match 'MIT License'
    }

    It 'has release notes that describe this version and every command' {
        $notes = $manifest.ReleaseNotes
        $notes | Should -Not -Match 'skeleton'
        $notes | Should -Match ([regex]::Escape($data.ModuleVersion))
        foreach ($command in $data.CmdletsToExport) { $notes | Should -Match $command }
        $notes | Should -Match 'Deviations from Flux'
    }
}
