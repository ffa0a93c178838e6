# The built layout (build.ps1 -Task Build) and the loader that picks its binary module by edition.
BeforeDiscovery {
    $hasDesktopBuild = Test-Path (Join-Path $env:TAZLAB_MODULE_PATH 'bin/net472')
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $modulePath = Get-TestModulePath
    $core = Join-Path $modulePath 'bin/net8.0'
    $desktop = Join-Path $modulePath 'bin/net472'
}

Describe 'The module layout' {
    It 'keeps the cmdlets assembly alone in bin/net8.0 and the engine, its dependencies and every runtime''s libgit2 in dependencies/' {
        (Get-ChildItem $core -File).Name | Sort-Object | Should -Be @('TazLab.ImageAutomation.dll', 'TazLab.ImageAutomation.pdb')
        foreach ($assembly in 'TazLab.ImageAutomation.Engine.dll', 'LibGit2Sharp.dll', 'YamlDotNet.dll') {
            Join-Path $core "dependencies/$assembly" | Should -Exist
        }
        foreach ($rid in 'linux-x64', 'linux-arm64', 'linux-musl-x64', 'linux-musl-arm64', 'osx-x64', 'osx-arm64', 'win-x64', 'win-x86', 'win-arm64') {
            @(Get-ChildItem (Join-Path $core "dependencies/runtimes/$rid/native") -File -Filter '*git2-*').Count | Should -Be 1 -Because "$rid needs its libgit2"
        }
    }

    # Built only where the engine compiles for net472 (README, "Windows PowerShell 5.1"): skipped until then.
    It 'lays out bin/net472 the same way, with libgit2 where LibGit2Sharp looks on .NET Framework (lib/win32/<arch>)' -Skip:(-not $hasDesktopBuild) {
        (Get-ChildItem $desktop -File).Name | Sort-Object | Should -Be @('TazLab.ImageAutomation.dll', 'TazLab.ImageAutomation.pdb')
        foreach ($assembly in 'TazLab.ImageAutomation.Engine.dll', 'LibGit2Sharp.dll', 'YamlDotNet.dll') {
            Join-Path $desktop "dependencies/$assembly" | Should -Exist
        }
        @(Get-ChildItem (Join-Path $desktop 'dependencies/lib/win32/x64') -File -Filter 'git2-*.dll').Count | Should -Be 1
    }
}

Describe 'The loader' {
    BeforeAll {
        $module = Import-Module $modulePath -Force -PassThru
        # The psm1's own choice, asked for other editions and versions than this process's.
        function Get-LoaderChoice { param([string] $Edition, $Version, [string] $Root = $modulePath) & $module { Get-BinaryModulePath @args } -Edition $Edition -Version $Version -Root $Root }
    }

    It 'imports bin/net8.0 on PowerShell 7.4 and later' {
        $module.NestedModules[0].Path | Should -Be (Join-Path $core 'TazLab.ImageAutomation.dll')
        Get-LoaderChoice -Edition Core -Version ([version]'7.4.0') | Should -Be (Join-Path $core 'TazLab.ImageAutomation.dll')
    }

    It 'names the version it needs below PowerShell 7.4' {
        { Get-LoaderChoice -Edition Core -Version ([version]'7.2.6') } | Should -Throw '*needs PowerShell 7.4.0 or later; this is PowerShell 7.2.6*'
    }

    It 'loads no other module and no third-party assembly at import (each would cost every scheduled run)' {
        $result = Invoke-ChildPwsh -Script @"
Import-Module '$modulePath'
(Get-Module).Name -join ','
([AppDomain]::CurrentDomain.GetAssemblies().GetName().Name | Where-Object { `$_ -match 'TazLab|YamlDotNet|LibGit2Sharp' }) -join ','
"@
        $result.Error | Should -BeNullOrEmpty
        $modules, $assemblies = $result.Output.Trim() -split "\r?\n"
        $modules | Should -Be 'TazLab.ImageAutomation'
        $assemblies | Should -Be 'TazLab.ImageAutomation'
    }

    It 'picks bin/net472 on Windows PowerShell, and says so when this copy has none' {
        $fake = New-TestDirectory
        try {
            New-Item -ItemType Directory -Path (Join-Path $fake 'bin/net472') | Out-Null
            { Get-LoaderChoice -Edition Desktop -Version ([version]'5.1') -Root $fake } | Should -Throw '*no Windows PowerShell 5.1 build (bin/net472)*PowerShell 7.4 or later*'
            Set-Content (Join-Path $fake 'bin/net472/TazLab.ImageAutomation.dll') ''
            Get-LoaderChoice -Edition Desktop -Version ([version]'5.1') -Root $fake | Should -Be (Join-Path $fake 'bin/net472/TazLab.ImageAutomation.dll')
        }
        finally { Remove-Item $fake -Recurse -Force }
    }
}
