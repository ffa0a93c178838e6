<#
.SYNOPSIS
    Runs every *.Tests.ps1 under tests/Pester against the built module and writes the counts as JSON.
    build.ps1 -Task Test starts it in a fresh pwsh.
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $ToolsPath,
    [Parameter(Mandatory)] [string] $ResultFile
)

$ErrorActionPreference = 'Stop'
$pester = Get-ChildItem (Join-Path $ToolsPath 'Pester') -Filter Pester.psd1 -Recurse | Select-Object -First 1
Import-Module $pester.FullName -Force

# Test files read these to find the module and the test dependencies.
$env:TAZLAB_MODULE_PATH = $ModulePath
$env:TAZLAB_TOOLS_PATH = $ToolsPath

$configuration = New-PesterConfiguration
# The examples' own Pester tests run too, so what the README shows keeps working.
$configuration.Run.Path = @($PSScriptRoot, (Join-Path $PSScriptRoot '../../examples'))
$configuration.Run.PassThru = $true
$configuration.Output.Verbosity = 'Normal'
$result = Invoke-Pester -Configuration $configuration

New-Item -ItemType Directory -Force -Path (Split-Path $ResultFile) | Out-Null
@{
    Passed = $result.PassedCount
    # Failed containers (a BeforeAll that threw) hide their tests from FailedCount: count them too.
    Failed = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
} | ConvertTo-Json | Set-Content $ResultFile
exit ([int] ($result.Result -ne 'Passed'))
