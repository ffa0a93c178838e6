<#
.SYNOPSIS
    Tag listing from Debian's docker-registry on loopback: Get-RegistryTag in a warm session against curl of the
    same URL (the floor: one HTTP request, no parsing).
#>
param([Parameter(Mandatory)] [string] $ModulePath, [int] $TagCount = 1000)

$ErrorActionPreference = 'Stop'
Import-Module $ModulePath -Force
Import-Module (Join-Path $PSScriptRoot 'BenchHelpers.psm1') -Force
Import-Module (Join-Path $PSScriptRoot '../tests/Pester/TestHelpers.psm1') -Force

$registry = Start-TestRegistry
try {
    Push-TestImage -Address $registry.Address -Repository bench/app -Tag (1..$TagCount | ForEach-Object { "1.0.$_" }) | Out-Null
    $image = "$($registry.Address)/bench/app"
    $listed = @(Get-RegistryTag -Image $image).Count
    if ($listed -ne $TagCount) { throw "Get-RegistryTag listed $listed tags, expected $TagCount." }

    $ours = Measure-Median { Get-RegistryTag -Image $image }
    $curl = Measure-Median { curl -sf "http://$($registry.Address)/v2/bench/app/tags/list?n=1000" -o /dev/null }
    New-BenchRow -Scenario "list $TagCount tags" -OursMs $ours -Peer 'curl (floor)' -PeerMs $curl -Target '<= 2x curl' | Format-Table -AutoSize | Out-Host
}
finally {
    Stop-TestRegistry $registry
}
