# Loader: imports the binary module built for this edition (bin/net472 for Windows PowerShell 5.1, bin/net8.0 for
# PowerShell 7.4+), or stops with a message naming what to run instead.
# Each statement PowerShell runs here is code a cold process JIT-compiles on every import, so PowerShell 7.4+ (nearly
# every run) takes the first branch: one version comparison, and no function defined or called, no [version] or
# [IO.Path] use (the previous body, a function called for every edition, cost ~280 JIT-compiled methods and 20-70 ms
# more per import, timed in-process in paired rounds). Windows PowerShell reports 5.1 and takes the second branch, as
# does an older PowerShell, which Get-BinaryModulePath stops with its message.
# Only core-engine commands and .NET calls, too: Join-Path, Test-Path or any Microsoft.PowerShell.* command would
# autoload its module (~0.1 s of every import). Which engine images load (ReadyToRun ones on .NET 10, linux-x64) is
# decided in C#, by Loading/ModuleInitializer.
# The binary module is nested in this one: Remove-Module removes both, with no OnRemove here (setting one costs ~200
# JIT-compiled methods of every import).
if ($PSVersionTable.PSVersion -ge '7.4.0') {
    Import-Module "$PSScriptRoot/bin/net8.0/TazLab.ImageAutomation.dll"
}
else {
    # The whole choice, for every edition and version (tests/Pester/Layout.Tests.ps1 asks it for each).
    function Get-BinaryModulePath {
        param([string] $Edition, $Version, [string] $Root)
        if ($Edition -eq 'Desktop') {
            $path = [IO.Path]::Combine($Root, 'bin', 'net472', 'TazLab.ImageAutomation.dll')
            if (-not [IO.File]::Exists($path)) {
                throw "This copy of TazLab.ImageAutomation has no Windows PowerShell 5.1 build (bin/net472). Run it in PowerShell 7.4 or later (https://aka.ms/powershell), or install a release that lists 'Desktop' in CompatiblePSEditions."
            }
            return $path
        }

        # Compared with a string, as above: $PSVersionTable.PSVersion is a SemanticVersion on PowerShell 6+, which a
        # string converts to directly (a [version] costs more JIT than the rest of this file).
        if ($Version -lt '7.4.0') {
            throw "TazLab.ImageAutomation needs PowerShell 7.4.0 or later; this is PowerShell $Version. Install PowerShell 7.4+ (or 'dotnet tool install PowerShell')."
        }
        return [IO.Path]::Combine($Root, 'bin', 'net8.0', 'TazLab.ImageAutomation.dll')
    }

    Import-Module -Name (Get-BinaryModulePath -Edition $PSEdition -Version $PSVersionTable.PSVersion -Root $PSScriptRoot)
}
