# Loader: imports the binary module built for this edition (bin/net472 for Windows PowerShell 5.1, bin/net8.0 for
# PowerShell 7.4+), or stops with a message naming what to run instead.
# Only core-engine commands and .NET calls here: Join-Path, Test-Path or any Microsoft.PowerShell.* command would
# autoload its module (~0.1 s of every import). Only types pwsh has touched before, too: reading [Environment]::Version
# here cost a cold import ~0.1 s of CPU (PowerShell reflects over a type on its first use). Which engine images load
# (ReadyToRun ones on .NET 10, linux-x64) is decided in C#, by Loading/ModuleInitializer.
function Get-BinaryModulePath {
    param([string] $Edition, $Version, [string] $Root)
    if ($Edition -eq 'Desktop') {
        $path = [IO.Path]::Combine($Root, 'bin', 'net472', 'TazLab.ImageAutomation.dll')
        if (-not [IO.File]::Exists($path)) {
            throw "This copy of TazLab.ImageAutomation has no Windows PowerShell 5.1 build (bin/net472). Run it in PowerShell 7.4 or later (https://aka.ms/powershell), or install a release that lists 'Desktop' in CompatiblePSEditions."
        }
        return $path
    }

    $minimum = [version]'7.4.0'
    if ($Version -lt $minimum) {
        throw "TazLab.ImageAutomation needs PowerShell $minimum or later; this is PowerShell $Version. Install PowerShell 7.4+ (or 'dotnet tool install PowerShell')."
    }
    return [IO.Path]::Combine($Root, 'bin', 'net8.0', 'TazLab.ImageAutomation.dll')
}

# The binary module is nested in this one: Remove-Module removes both, with no OnRemove here (setting one costs ~200
# JIT-compiled methods of every import).
Import-Module -Name (Get-BinaryModulePath -Edition $PSEdition -Version $PSVersionTable.PSVersion -Root $PSScriptRoot)
