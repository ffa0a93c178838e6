BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $modulePath = Get-TestModulePath
    $manifestPath = Join-Path $modulePath 'TazLab.ImageAutomation.psd1'
    $yamlDotNet16 = Join-Path (Get-TestToolsPath) 'YamlDotNet/16.3.0/YamlDotNet.dll'

    # A script for a child pwsh: rewrites one marked value with Update-ImageSetter and commits it, printing the
    # resulting values so the test can check the module really parsed YAML and wrote through libgit2.
    function Get-SetterAndCommitScript {
        param([string] $Clone)
        return @"
`$ErrorActionPreference = 'Stop'
`$change = [pscustomobject]@{ Policy = 'flux-system:app'; Image = 'example/app'; Tag = '2.0.0' } |
    Update-ImageSetter -Path '$Clone'
`$commit = `$change | Submit-AutomationCommit -RepositoryPath '$Clone' -AuthorEmail bot@tazlab.net -Message 'update app'
"NEW=`$(`$change.NewValue)"
"SHA=`$(`$commit.Sha)"
"@
    }

    function New-MarkedRepository {
        New-TestGitRepository -Files @{ 'deploy.yaml' = "spec:`n  image: example/app:1.0.0 # {`"`$imagepolicy`": `"flux-system:app`"}`n" }
    }
}

Describe 'The module manifest' {
    It 'passes Test-ModuleManifest' {
        { Test-ModuleManifest -Path $manifestPath -ErrorAction Stop } | Should -Not -Throw
    }

    It 'exports exactly the cmdlets it lists' {
        $result = Invoke-ChildPwsh -Script @"
`$module = Import-Module '$modulePath' -PassThru
(Get-Command -Module TazLab.ImageAutomation).Name | Sort-Object
"@
        $result.ExitCode | Should -Be 0
        $exported = @($result.Output -split "`n" | ForEach-Object Trim | Where-Object { $_ })
        $listed = (Import-PowerShellDataFile $manifestPath).CmdletsToExport | Sort-Object
        $exported | Should -Be $listed
    }

    It 'lists no third-party assembly as RequiredAssemblies or NestedModules' {
        $manifest = Import-PowerShellDataFile $manifestPath
        $manifest.Keys | Should -Not -Contain 'RequiredAssemblies'
        $manifest.Keys | Should -Not -Contain 'NestedModules'
    }

    It 'declares an output type on every cmdlet' {
        Import-Module $modulePath -Force
        foreach ($command in Get-Command -Module TazLab.ImageAutomation) {
            $command.OutputType.Count | Should -BeGreaterThan 0 -Because "$($command.Name) should declare [OutputType]"
        }
    }
}

Describe 'Importing in a fresh pwsh' {
    It 'prints no warning and no error' {
        $result = Invoke-ChildPwsh -Script "Import-Module '$modulePath' -WarningAction Continue 3>&1 2>&1; 'imported'"
        $result.ExitCode | Should -Be 0
        $result.Output.Trim() | Should -Be 'imported'
        $result.Error | Should -BeNullOrEmpty
    }

    It 'loads libgit2 from the module folder and commits to a temporary repository' {
        $repository = New-MarkedRepository
        try {
            $result = Invoke-ChildPwsh -Script ("Import-Module '$modulePath'`n" + (Get-SetterAndCommitScript $repository.Clone))
            $result.Error | Should -BeNullOrEmpty
            $result.ExitCode | Should -Be 0
            $result.Output | Should -Match 'NEW=example/app:2.0.0'
            $sha = ([regex]::Match($result.Output, 'SHA=([0-9a-f]{40})')).Groups[1].Value
            (git -C $repository.Clone rev-parse HEAD) | Should -Be $sha
            (git -C $repository.Clone show HEAD:deploy.yaml) -join "`n" | Should -Match 'image: example/app:2.0.0 # '
        }
        finally { Remove-Item $repository.Root -Recurse -Force -ErrorAction Ignore }
    }
}

Describe 'Dependency isolation from other modules'' YamlDotNet' {
    BeforeAll {
        # What the check prints: the YamlDotNet versions loaded, and whether the other copy still works on its own.
        $probe = @'
"VERSIONS=" + ((([AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'YamlDotNet' } |
    ForEach-Object { $_.GetName().Version.ToString() }) | Sort-Object) -join ',')
$other = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Version -eq [version]'16.0.0.0' -and $_.GetName().Name -eq 'YamlDotNet' }
$deserializer = $other.GetType('YamlDotNet.Serialization.DeserializerBuilder')::new().Build()
"OTHER=" + $deserializer.Deserialize([IO.StringReader]::new('answer: 42'), [object])['answer']
$ours = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'TazLab.ImageAutomation.Engine' }
"ENGINECONTEXT=" + [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($ours).Name
'@
    }

    It 'keeps its own YamlDotNet when YamlDotNet 16.3.0 is loaded into the default context <When> the module' -ForEach @(
        @{ When = 'before'; OtherFirst = $true }
        @{ When = 'after'; OtherFirst = $false }
    ) {
        Test-Path $yamlDotNet16 | Should -BeTrue
        $repository = New-MarkedRepository
        try {
            $loadOther = "Add-Type -Path '$yamlDotNet16'"
            $useModule = "Import-Module '$modulePath'`n" + (Get-SetterAndCommitScript $repository.Clone)
            $steps = if ($OtherFirst) { $loadOther, $useModule } else { $useModule, $loadOther }
            $result = Invoke-ChildPwsh -Script (($steps + $probe) -join "`n")
            $result.Error | Should -BeNullOrEmpty
            $result.Output | Should -Match 'NEW=example/app:2.0.0'
            $result.Output | Should -Match 'VERSIONS=16\.0\.0\.0,18\.0\.0\.0'
            $result.Output | Should -Match 'OTHER=42'
            $result.Output | Should -Match 'ENGINECONTEXT=TazLab.ImageAutomation'
        }
        finally { Remove-Item $repository.Root -Recurse -Force -ErrorAction Ignore }
    }
}
