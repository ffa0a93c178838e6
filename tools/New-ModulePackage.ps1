<#
.SYNOPSIS
    Packages a laid-out module folder: a .nupkg for Install-PSResource and a zip for Azure Automation.
.DESCRIPTION
    The .nupkg is made by Publish-PSResource into a temporary local repository, exactly as a publish to a gallery
    would pack it. The zip holds the module folder at its root, bin/net10.0-linux-x64 left out, with the native libgit2 of -ZipRuntime only (Azure
    Automation cloud jobs run on Windows x64, Hybrid Workers on Windows or Linux x64), so it stays small and every path
    stays under Azure Automation's 140-character limit; the module folder itself is left untouched.
    build.ps1 -Task Package runs this in a child pwsh, and so does tests/Pester/Package.Tests.ps1.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $OutputPath,
    [string[]] $ZipRuntime = @('win-x64', 'linux-x64')
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$ModulePath = (Resolve-Path $ModulePath).Path
$moduleName = Split-Path $ModulePath -Leaf
New-Item -ItemType Directory -Force -Path $OutputPath | Out-Null
$OutputPath = (Resolve-Path $OutputPath).Path
$work = Join-Path ([IO.Path]::GetTempPath()) "tazlab-package-$([guid]::NewGuid().ToString('N'))"
New-Item -ItemType Directory -Path $work | Out-Null

try {
    # PSResourceGet keeps its repository list per user; off Windows it lives under XDG_DATA_HOME, so point that at the
    # work folder and the user's own list is never touched (on Windows the temporary entry is removed below). It must
    # exist: .NET answers an empty path for a missing one, and PSResourceGet would then write into the current folder.
    if (-not $IsWindows) { $env:XDG_DATA_HOME = (New-Item -ItemType Directory -Path (Join-Path $work 'xdg')).FullName }
    $repositoryName = "TazLabPackage$([guid]::NewGuid().ToString('N').Substring(0, 8))"
    $repository = Join-Path $work 'repository'
    New-Item -ItemType Directory -Path $repository | Out-Null
    Register-PSResourceRepository -Name $repositoryName -Uri $repository -Trusted
    try {
        Publish-PSResource -Path $ModulePath -Repository $repositoryName
    }
    finally {
        Unregister-PSResourceRepository -Name $repositoryName
    }
    $nupkg = Get-ChildItem $repository -Filter "$moduleName.*.nupkg" | Select-Object -First 1
    if (-not $nupkg) { throw "Publish-PSResource wrote no $moduleName nupkg into $repository." }
    Copy-Item $nupkg.FullName $OutputPath -Force
    Write-Host "Packaged $(Join-Path $OutputPath $nupkg.Name)"

    # The zip: a copy of the module folder with the other runtimes' libgit2 removed (runtimes/<rid>/ on .NET,
    # lib/win32/<arch>/ on .NET Framework), and without bin/net10.0-linux-x64: Azure Automation runs PowerShell 7.2 and 7.4
    # (.NET 8 at most), where those ReadyToRun images for .NET 10 go unused.
    $stage = Join-Path $work 'zip'
    $stagedModule = Join-Path $stage $moduleName
    New-Item -ItemType Directory -Path $stage | Out-Null
    Copy-Item $ModulePath $stagedModule -Recurse
    Remove-Item (Join-Path $stagedModule 'bin/net10.0-linux-x64') -Recurse -Force -ErrorAction Ignore
    $keptArchitectures = $ZipRuntime | Where-Object { $_ -like 'win-*' } | ForEach-Object { $_.Substring(4) }
    Get-ChildItem $stagedModule -Directory -Recurse | Where-Object {
        ($_.Parent.Name -eq 'runtimes' -and $_.Name -notin $ZipRuntime) -or
        ($_.Parent.Name -eq 'win32' -and $_.Parent.Parent.Name -eq 'lib' -and $_.Name -notin $keptArchitectures)
    } | Remove-Item -Recurse -Force
    $zip = Join-Path $OutputPath "$moduleName.zip"
    Remove-Item $zip -ErrorAction Ignore
    Add-Type -AssemblyName System.IO.Compression.FileSystem
    [IO.Compression.ZipFile]::CreateFromDirectory($stagedModule, $zip, [IO.Compression.CompressionLevel]::Optimal, $true)
    Write-Host "Packaged $zip"
}
finally {
    Remove-Item $work -Recurse -Force -ErrorAction Ignore
}
