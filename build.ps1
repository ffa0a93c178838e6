#Requires -Version 7.4
<#
.SYNOPSIS
    Builds, tests, demonstrates, benchmarks and packages TazLab.ImageAutomation.
.DESCRIPTION
    Build    lays the module out under out/TazLab.ImageAutomation/ (what tests, the demo and users import).
    Test     builds, then runs the xunit suite and the Pester suite and prints 'Tests: N passed, M failed'.
    Demo     builds, then runs the pipeline on the shipped examples with no server and no network.
    Bench    builds, then runs every bench/*.Bench.ps1 and prints their tables.
    Package  builds, then writes out/TazLab.ImageAutomation.<version>.nupkg (Install-PSResource from a file or gallery
             repository) and out/TazLab.ImageAutomation.zip (Azure Automation) with tools/New-ModulePackage.ps1.
.EXAMPLE
    dotnet tool restore; dotnet pwsh ./build.ps1 -Task Test
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Demo', 'Bench', 'Package')]
    [string] $Task = 'Build',

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release'
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$root = $PSScriptRoot
$moduleName = 'TazLab.ImageAutomation'
$out = Join-Path $root 'out'
$moduleOut = Join-Path $out $moduleName
$tools = Join-Path $root '.tools'
# RIDs whose libgit2 we ship: every platform PowerShell 7.4+ runs on, less 32-bit ARM and ppc64le.
$nativeRids = 'linux-x64', 'linux-arm64', 'linux-musl-x64', 'linux-musl-arm64', 'osx-x64', 'osx-arm64', 'win-x64', 'win-x86', 'win-arm64'

# Windows PowerShell 5.1 runs on Windows only: its libgit2 for each Windows architecture.
$desktopNativeArchitectures = 'x64', 'x86', 'arm64'

function Invoke-Native {
    param([Parameter(Mandatory)] [scriptblock] $Command, [string] $What)
    & $Command
    if ($LASTEXITCODE -ne 0) { throw "$What failed with exit code $LASTEXITCODE." }
}

function Copy-NativeLibrary {
    param([Parameter(Mandatory)] [string] $From, [Parameter(Mandatory)] [string] $To)
    if (-not (Test-Path $From)) { throw "The publish output has no native libgit2 in $From." }
    New-Item -ItemType Directory -Force -Path $To | Out-Null
    Copy-Item (Join-Path $From '*') $To
}

# The pwsh running this script, as a command line usable for child processes (pwsh may be a dotnet tool: 'dotnet pwsh.dll').
function Get-PwshCommand {
    $process = [Environment]::ProcessPath
    if ([IO.Path]::GetFileNameWithoutExtension($process) -eq 'dotnet') { return @($process, (Join-Path $PSHOME 'pwsh.dll')) }
    return @($process)
}

function Invoke-ChildPwsh {
    param([Parameter(Mandatory)] [string] $File, [string[]] $Arguments = @())
    $pwsh = Get-PwshCommand
    & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -File $File @Arguments | Out-Host
    return $LASTEXITCODE
}

function Invoke-Build {
    $version = (Import-PowerShellDataFile (Join-Path $root "$moduleName.psd1")).ModuleVersion
    $publish = Join-Path $root "obj/publish"
    Remove-Item $publish, $moduleOut -Recurse -Force -ErrorAction Ignore
    New-Item -ItemType Directory -Force -Path $moduleOut | Out-Null
    Copy-Item (Join-Path $root "$moduleName.psd1"), (Join-Path $root 'LICENSE') $moduleOut
    Copy-Item (Join-Path $root "src/$moduleName/Module/*") $moduleOut

    # Layout, per target: the cmdlets assembly alone in bin/<tfm> (PowerShell's default load context); the engine and
    # every third-party file in bin/<tfm>/dependencies, where only the module's own loader looks.
    foreach ($framework in 'net8.0', 'net10.0', 'net472') {
        $published = Join-Path $publish $framework
        # net10.0: the engine, YamlDotNet and LibGit2Sharp compiled ReadyToRun for linux-x64, alone in
        # bin/net10.0-linux-x64; bin/net8.0's cmdlets load them there on .NET 10 (Loading/ModuleInitializer).
        $readyToRun = if ($framework -eq 'net10.0') { @('-r', 'linux-x64', '--self-contained', 'false', '-p:PublishReadyToRun=true') } else { @() }
        Invoke-Native -What "dotnet publish ($framework)" {
            dotnet publish (Join-Path $root "src/$moduleName/$moduleName.csproj") -c $Configuration -f $framework -o $published --nologo -v quiet "-p:Version=$version" @readyToRun
        }
        if ($framework -eq 'net10.0') {
            $images = New-Item -ItemType Directory -Force -Path (Join-Path $moduleOut 'bin/net10.0-linux-x64')
            Get-ChildItem $published -File -Filter '*.dll' | Where-Object Name -ne "$moduleName.dll" | Copy-Item -Destination $images
            Copy-Item (Join-Path $published "$moduleName.Engine.pdb") $images
            continue
        }
        $bin = Join-Path $moduleOut "bin/$framework"
        $dependencies = Join-Path $bin 'dependencies'
        New-Item -ItemType Directory -Force -Path $dependencies | Out-Null
        Copy-Item (Join-Path $published "$moduleName.dll"), (Join-Path $published "$moduleName.pdb") $bin
        Get-ChildItem $published -File -Filter '*.dll' | Where-Object Name -ne "$moduleName.dll" | Copy-Item -Destination $dependencies
        Copy-Item (Join-Path $published "$moduleName.Engine.pdb") $dependencies
        if ($framework -eq 'net8.0') {
            # EngineLoadContext maps libgit2 to runtimes/<rid>/native itself.
            foreach ($rid in $nativeRids) {
                Copy-NativeLibrary -From (Join-Path $published "runtimes/$rid/native") -To (Join-Path $dependencies "runtimes/$rid/native")
            }
        }
        else {
            # On .NET Framework, LibGit2Sharp loads lib/win32/<arch>/git2-<hash>.dll next to itself (its GlobalSettings).
            foreach ($arch in $desktopNativeArchitectures) {
                Copy-NativeLibrary -From (Join-Path $published "lib/win32/$arch") -To (Join-Path $dependencies "lib/win32/$arch")
            }
        }
    }

    # Help is built from docs/help in a child pwsh, against the laid-out cmdlets, so it cannot drift from them.
    if ((Invoke-ChildPwsh -File (Join-Path $root 'tools/Build-Help.ps1') -Arguments @('-ModulePath', $moduleOut, '-DocsPath', (Join-Path $root 'docs/help'))) -ne 0) {
        throw 'Building the help failed (see above).'
    }

    Write-Host "Built $moduleName $version into $moduleOut"
}

# Pester and the YamlDotNet build that the isolation tests load first come from NuGet (no PowerShell Gallery).
function Install-TestDependencies {
    $project = Join-Path $root 'tests/TestDependencies/TestDependencies.csproj'
    Invoke-Native -What 'restoring test dependencies' { dotnet restore $project --nologo -v quiet }
    $packages = (dotnet nuget locals global-packages --list) -replace '^global-packages:\s*', ''
    [xml] $xml = Get-Content $project
    $downloads = $xml.Project.ItemGroup.PackageDownload | ForEach-Object { @{ Name = $_.Include; Version = $_.Version.Trim('[', ']') } }
    foreach ($package in $downloads) {
        $source = Join-Path $packages "$($package.Name.ToLowerInvariant())/$($package.Version)"
        $target = Join-Path $tools "$($package.Name)/$($package.Version)"
        if (-not (Test-Path $target)) {
            New-Item -ItemType Directory -Force -Path $target | Out-Null
            $content = if ($package.Name -eq 'Pester') { Join-Path $source 'tools/*' } else { Join-Path $source 'lib/net8.0/*' }
            Copy-Item $content $target -Recurse
        }
    }
}

# The tests run real servers from Debian packages (.ci/apt-packages.txt); the benches also run their peers
# (.ci/bench-packages.txt). Install the missing ones where we may (CI and fresh machines run as root); elsewhere name them.
function Assert-DebianPackages {
    param([Parameter(Mandatory)] [string] $ListFile)
    $packages = Get-Content (Join-Path $root $ListFile) | Where-Object { $_ -and -not $_.StartsWith('#') }
    if (-not (Get-Command dpkg -ErrorAction Ignore)) {
        Write-Warning "Not a Debian system: make sure these (Debian names) are installed: $($packages -join ', ')."
        return
    }
    $missing = @($packages | Where-Object { dpkg -s $_ 2>&1 | Out-Null; $LASTEXITCODE -ne 0 })
    if ($missing.Count -eq 0) { return }
    if ((id -u) -ne '0') { throw "This task needs these Debian packages: $($missing -join ', '). Install them (sudo apt-get install $($missing -join ' ')) and run again." }
    Write-Host "Installing $($missing -join ', ') with apt-get"
    Invoke-Native -What 'apt-get update' { apt-get update -qq }
    Invoke-Native -What 'apt-get install' { $env:DEBIAN_FRONTEND = 'noninteractive'; apt-get install -y -qq @missing | Out-Null }
}

function Invoke-XunitTests {
    $results = Join-Path $out 'test-results'
    Remove-Item $results -Recurse -Force -ErrorAction Ignore
    dotnet test (Join-Path $root 'tests/TazLab.ImageAutomation.Tests/TazLab.ImageAutomation.Tests.csproj') -c $Configuration --nologo `
        --logger 'trx;LogFileName=xunit.trx' --logger 'console;verbosity=minimal' --results-directory $results | Out-Host
    $trx = Join-Path $results 'xunit.trx'
    if (-not (Test-Path $trx)) { return @{ Passed = 0; Failed = 1; Name = 'xunit (no result file: the build or the run failed)' } }
    [xml] $report = Get-Content $trx
    $counters = $report.TestRun.ResultSummary.Counters
    return @{ Passed = [int] $counters.passed; Failed = [int] $counters.failed + [int] $counters.error + [int] $counters.timeout }
}

function Invoke-PesterTests {
    $resultFile = Join-Path $out 'test-results/pester.json'
    $exit = Invoke-ChildPwsh -File (Join-Path $root 'tests/Pester/Invoke-PesterSuite.ps1') -Arguments @('-ModulePath', $moduleOut, '-ToolsPath', $tools, '-ResultFile', $resultFile)
    if (-not (Test-Path $resultFile)) { return @{ Passed = 0; Failed = 1; Name = "Pester (exit code $exit, no result file)" } }
    $counts = Get-Content $resultFile | ConvertFrom-Json
    return @{ Passed = [int] $counts.Passed; Failed = [int] $counts.Failed }
}

switch ($Task) {
    'Build' { Invoke-Build }
    'Test' {
        Assert-DebianPackages -ListFile '.ci/apt-packages.txt'
        Invoke-Build
        Install-TestDependencies
        $xunit = Invoke-XunitTests
        $pester = Invoke-PesterTests
        $passed = $xunit.Passed + $pester.Passed
        $failed = $xunit.Failed + $pester.Failed
        Write-Host "xunit: $($xunit.Passed) passed, $($xunit.Failed) failed; Pester: $($pester.Passed) passed, $($pester.Failed) failed"
        Write-Host "Tests: $passed passed, $failed failed"
        exit ([int] ($failed -gt 0))
    }
    'Demo' {
        Invoke-Build
        exit (Invoke-ChildPwsh -File (Join-Path $root 'examples/demo.ps1') -Arguments @('-ModulePath', $moduleOut))
    }
    'Bench' {
        Assert-DebianPackages -ListFile '.ci/apt-packages.txt'
        Assert-DebianPackages -ListFile '.ci/bench-packages.txt'
        Invoke-Build
        $failures = 0
        foreach ($bench in Get-ChildItem (Join-Path $root 'bench') -Filter '*.Bench.ps1' | Sort-Object Name) {
            Write-Host "`n== $($bench.BaseName) =="
            if ((Invoke-ChildPwsh -File $bench.FullName -Arguments @('-ModulePath', $moduleOut)) -ne 0) { $failures++ }
        }
        exit ([int] ($failures -gt 0))
    }
    'Package' {
        Invoke-Build
        exit (Invoke-ChildPwsh -File (Join-Path $root 'tools/New-ModulePackage.ps1') -Arguments @('-ModulePath', $moduleOut, '-OutputPath', $out))
    }
}
