# Loader: checks the PowerShell version, then imports the binary module built for this edition.
# (A Windows PowerShell 5.1 build would add a bin/net472 branch here.)
$minimum = [version]'7.4.0'
if ($PSVersionTable.PSVersion -lt $minimum) {
    throw "TazLab.ImageAutomation needs PowerShell $minimum or later; this is PowerShell $($PSVersionTable.PSVersion). Install PowerShell 7.4+ (or 'dotnet tool install PowerShell')."
}

# Only core-engine commands here: Join-Path or any Microsoft.PowerShell.* command would autoload its module (~0.1 s).
$binaryModule = Import-Module -Name "$PSScriptRoot/bin/net8.0/TazLab.ImageAutomation.dll" -PassThru
$ExecutionContext.SessionState.Module.OnRemove = { Remove-Module -ModuleInfo $binaryModule }.GetNewClosure()
