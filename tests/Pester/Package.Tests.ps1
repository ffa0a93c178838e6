# The two packages build.ps1 -Task Package makes (tools/New-ModulePackage.ps1): the
# .nupkg installed with Install-PSResource from a local file repository, and the Azure Automation zip.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $repositoryRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    $modulePath = Get-TestModulePath
    $manifestPath = Join-Path $modulePath 'TazLab.ImageAutomation.psd1'

    # A child-pwsh script that proves the imported module works end to end: a selection (managed code only) and an
    # update committed through libgit2 (the native library of this platform, from the module's own folder).
    function Get-UseModuleScript {
        param([string] $Clone)
        return @"
`$ErrorActionPreference = 'Stop'
"BASE=`$((Get-Module TazLab.ImageAutomation).ModuleBase)"
`$selection = '1.0.0', '2.0.0', '1.5.0' | Select-ImagePolicyTag -Image example/app -Policy flux-system:app -SemVer '>=1.0.0'
`$change = `$selection | Update-ImageSetter -Path '$Clone'
`$commit = `$change | Submit-AutomationCommit -RepositoryPath '$Clone' -AuthorEmail bot@tazlab.net -Message 'update app'
"NEW=`$(`$change.NewValue)"
"SHA=`$(`$commit.Sha)"
"@
    }

    function Assert-ModuleWorks {
        param($Result, [string] $ExpectedBase, $Repository)
        $Result.Error | Should -BeNullOrEmpty
        $Result.ExitCode | Should -Be 0
        $Result.Output | Should -Match ('BASE=' + [regex]::Escape($ExpectedBase))
        $Result.Output | Should -Match 'NEW=example/app:2.0.0'
        $sha = ([regex]::Match($Result.Output, 'SHA=([0-9a-f]{40})')).Groups[1].Value
        (git -C $Repository.Clone rev-parse HEAD) | Should -Be $sha
    }

    function New-MarkedRepository {
        New-TestGitRepository -Files @{ 'deploy.yaml' = "spec:`n  image: example/app:1.0.0 # {`"`$imagepolicy`": `"flux-system:app`"}`n" }
    }

    $packages = New-TestDirectory
    $packaging = Invoke-ChildPwsh -Script "& '$repositoryRoot/tools/New-ModulePackage.ps1' -ModulePath '$modulePath' -OutputPath '$packages'"
    $version = (Import-PowerShellDataFile $manifestPath).ModuleVersion
    $nupkg = Join-Path $packages "TazLab.ImageAutomation.$version.nupkg"
    $zip = Join-Path $packages 'TazLab.ImageAutomation.zip'
}

AfterAll {
    Remove-Item $packages -Recurse -Force -ErrorAction Ignore
}

Describe 'The .nupkg' {
    It 'is made by Publish-PSResource and holds the whole module, every runtime''s libgit2 included' {
        $packaging.ExitCode | Should -Be 0 -Because $packaging.Error
        $nupkg | Should -Exist
        Add-Type -AssemblyName System.IO.Compression.FileSystem
        $archive = [IO.Compression.ZipFile]::OpenRead($nupkg)
        try {
            $names = $archive.Entries.FullName
            $names | Should -Contain 'TazLab.ImageAutomation.nuspec'
            $names | Should -Contain 'TazLab.ImageAutomation.psd1'
            $names | Should -Contain 'bin/net8.0/TazLab.ImageAutomation.dll'
            $names | Should -Contain 'bin/net10.0-linux-x64/TazLab.ImageAutomation.Engine.dll'
            $expected = (Get-ChildItem (Join-Path $modulePath 'bin/net8.0/dependencies/runtimes') -Directory).Name
            $runtimes = $names | Where-Object { $_ -match '^bin/net8\.0/dependencies/runtimes/([^/]+)/native/' } | ForEach-Object { $Matches[1] }
            @($runtimes | Sort-Object -Unique) | Should -Be @($expected | Sort-Object)
            $names | Should -Contain 'bin/net472/TazLab.ImageAutomation.dll'
            $names | Should -Contain 'bin/net472/dependencies/TazLab.ImageAutomation.Engine.dll'
            $architectures = $names | Where-Object { $_ -match '^bin/net472/dependencies/lib/win32/([^/]+)/git2-[0-9a-f]+\.dll$' } | ForEach-Object { $Matches[1] }
            @($architectures | Sort-Object) | Should -Be @('arm64', 'x64', 'x86')
        }
        finally { $archive.Dispose() }
    }

    # Off Windows, PSResourceGet installs under $HOME and pwsh reads user modules from XDG_DATA_HOME: the child
    # processes get a temporary one of each, so nothing of the real user's is read or changed.
    It 'installs with Install-PSResource from a local file repository, imports by name in a fresh pwsh and works' -Skip:$IsWindows {
        $userHome = New-TestDirectory
        $repository = New-MarkedRepository
        $saved = @{ HOME = $env:HOME; XDG_DATA_HOME = $env:XDG_DATA_HOME }
        try {
            $env:HOME = $userHome
            # It must exist: .NET answers an empty path for a missing one, and PSResourceGet then writes into the current folder.
            $env:XDG_DATA_HOME = (New-Item -ItemType Directory -Path (Join-Path $userHome '.local/share')).FullName
            $install = Invoke-ChildPwsh -Script @"
`$ErrorActionPreference = 'Stop'
Register-PSResourceRepository -Name TazLabLocal -Uri '$packages' -Trusted
Install-PSResource -Name TazLab.ImageAutomation -Repository TazLabLocal -Scope CurrentUser -TrustRepository -Quiet
"INSTALLED=`$((Get-InstalledPSResource -Name TazLab.ImageAutomation).InstalledLocation)"
"@
            $install.Error | Should -BeNullOrEmpty
            $install.ExitCode | Should -Be 0
            $userModules = Join-Path $env:XDG_DATA_HOME 'powershell/Modules'
            $install.Output.Trim() | Should -Be "INSTALLED=$userModules"
            $installed = Join-Path $userModules "TazLab.ImageAutomation/$version"
            Join-Path $installed 'TazLab.ImageAutomation.psd1' | Should -Exist

            $use = Invoke-ChildPwsh -Script ("Import-Module TazLab.ImageAutomation`n" + (Get-UseModuleScript $repository.Clone))
            Assert-ModuleWorks -Result $use -ExpectedBase $installed -Repository $repository
        }
        finally {
            $env:HOME = $saved.HOME
            $env:XDG_DATA_HOME = $saved.XDG_DATA_HOME
            Remove-Item $userHome, $repository.Root -Recurse -Force -ErrorAction Ignore
        }
    }
}

Describe 'The Azure Automation zip' {
    BeforeAll {
        Add-Type -AssemblyName System.IO.Compression.FileSystem
        $archive = [IO.Compression.ZipFile]::OpenRead($zip)
        $entries = @($archive.Entries | Select-Object FullName, Length)
        $archive.Dispose()
    }

    It 'holds the module folder at its root with the manifest at the folder''s root' {
        $entries.FullName | Where-Object { -not $_.StartsWith('TazLab.ImageAutomation/') } | Should -BeNullOrEmpty
        $entries.FullName | Should -Contain 'TazLab.ImageAutomation/TazLab.ImageAutomation.psd1'
        $entries.FullName | Should -Contain 'TazLab.ImageAutomation/TazLab.ImageAutomation.psm1'
        $entries.FullName | Where-Object { $_.Contains('\') } | Should -BeNullOrEmpty
    }

    It 'keeps every path under 140 characters and the whole under 100 MB' {
        $entries.FullName | Where-Object { $_.Length -ge 140 } | Should -BeNullOrEmpty
        (Get-Item $zip).Length | Should -BeLessThan 100MB
        ($entries | Measure-Object Length -Sum).Sum | Should -BeLessThan 100MB
    }

    It 'ships libgit2 for win-x64 and linux-x64 only, and leaves the module folder''s other runtimes in place' {
        $native = $entries.FullName | Where-Object { $_ -match '/native/[^/]+$' }
        $runtimes = $native | ForEach-Object { ($_ -split '/')[-3] } | Sort-Object -Unique
        @($runtimes) | Should -Be @('linux-x64', 'win-x64')
        $native -match '^TazLab\.ImageAutomation/bin/net8\.0/dependencies/runtimes/win-x64/native/git2-[0-9a-f]+\.dll$' | Should -HaveCount 1
        @(Get-ChildItem (Join-Path $modulePath 'bin/net8.0/dependencies/runtimes') -Directory).Count | Should -BeGreaterThan 2
    }

    It 'leaves out the ReadyToRun images for .NET 10 (Azure Automation runs PowerShell 7.2 and 7.4), which the module folder keeps' {
        $entries.FullName | Where-Object { $_.StartsWith('TazLab.ImageAutomation/bin/net10.0') } | Should -BeNullOrEmpty
        $entries.FullName | Should -Contain 'TazLab.ImageAutomation/bin/net8.0/dependencies/TazLab.ImageAutomation.Engine.dll'
        Join-Path $modulePath 'bin/net10.0-linux-x64/TazLab.ImageAutomation.Engine.dll' | Should -Exist
    }

    It 'holds the Windows PowerShell 5.1 build with libgit2 for Windows x64 only (Azure Automation''s sandboxes)' {
        $entries.FullName | Should -Contain 'TazLab.ImageAutomation/bin/net472/TazLab.ImageAutomation.dll'
        $entries.FullName | Should -Contain 'TazLab.ImageAutomation/bin/net472/dependencies/TazLab.ImageAutomation.Engine.dll'
        $desktopNative = @($entries.FullName | Where-Object { $_ -match '^TazLab\.ImageAutomation/bin/net472/dependencies/lib/' -and $_ -notmatch '/$' })
        $desktopNative | Should -HaveCount 1
        $desktopNative[0] | Should -Match '^TazLab\.ImageAutomation/bin/net472/dependencies/lib/win32/x64/git2-[0-9a-f]+\.dll$'
    }

    It 'imports from the extracted folder in a fresh pwsh and commits through libgit2' {
        $extracted = New-TestDirectory
        $repository = New-MarkedRepository
        try {
            [IO.Compression.ZipFile]::ExtractToDirectory($zip, $extracted)
            $module = Join-Path $extracted 'TazLab.ImageAutomation'
            $use = Invoke-ChildPwsh -Script ("Import-Module '$module'`n" + (Get-UseModuleScript $repository.Clone))
            Assert-ModuleWorks -Result $use -ExpectedBase $module -Repository $repository
        }
        finally { Remove-Item $extracted, $repository.Root -Recurse -Force -ErrorAction Ignore }
    }
}
