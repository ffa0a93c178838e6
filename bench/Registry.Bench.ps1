<#
.SYNOPSIS
    Tag listing from Debian's docker-registry on loopback, measured in one run:
    - one repository with 10,000 tags: Get-RegistryTag in a warm session against curl of the same URL (the floor: one
      HTTP request, no parsing) and 'skopeo list-tags' (the peer);
    - 50 repositories with 200 tags each: one Get-RegistryTag call with -ThrottleLimit 4 against the same images
      listed one call at a time.
#>
param([Parameter(Mandatory)] [string] $ModulePath, [int] $TagCount = 10000, [int] $ImageCount = 50, [int] $TagsPerImage = 200)

$ErrorActionPreference = 'Stop'
Import-Module $ModulePath -Force
Import-Module (Join-Path $PSScriptRoot 'BenchHelpers.psm1') -Force
Import-Module (Join-Path $PSScriptRoot '../tests/Pester/TestHelpers.psm1') -Force
Import-Module (Join-Path $PSScriptRoot '../tests/Pester/Helpers/Registry.psm1') -Force

foreach ($tool in 'curl', 'skopeo') {
    if (-not (Get-Command $tool -ErrorAction Ignore)) { throw "The registry bench compares against $tool; install it (apt-get install $tool)." }
}

function Assert-Count([string] $What, [int] $Actual, [int] $Expected) {
    if ($Actual -ne $Expected) { throw "$What gave $Actual tags, expected $Expected." }
}

$registry = Start-TestRegistry
try {
    # Written straight into the registry's storage: 10,000 manifest PUTs would take minutes and measure nothing we care about.
    Add-TestRegistryTag -Registry $registry -Repository bench/app -Tag (1..$TagCount | ForEach-Object { "1.0.$_" }) | Out-Null
    $image = "$($registry.Address)/bench/app"
    $url = "http://$($registry.Address)/v2/bench/app/tags/list?n=1000"
    Assert-Count 'Get-RegistryTag' @(Get-RegistryTag -Image $image).Count $TagCount
    Assert-Count 'skopeo list-tags' (skopeo list-tags --tls-verify=false "docker://$image" | ConvertFrom-Json).Tags.Count $TagCount
    Assert-Count 'curl' (curl -sf $url | ConvertFrom-Json).tags.Count $TagCount

    $ours = Measure-Median { Get-RegistryTag -Image $image }
    $curl = Measure-Median { curl -sf $url -o /dev/null }
    $skopeo = Measure-Median { skopeo list-tags --tls-verify=false "docker://$image" }

    $images = 1..$ImageCount | ForEach-Object {
        Add-TestRegistryTag -Registry $registry -Repository "bench/many$_" -Tag (1..$TagsPerImage | ForEach-Object { "2.0.$_" }) | Out-Null
        "$($registry.Address)/bench/many$_"
    }
    Assert-Count 'Get-RegistryTag of many images' @(Get-RegistryTag -Image $images).Count ($ImageCount * $TagsPerImage)
    $concurrent = Measure-Median -Runs 5 { Get-RegistryTag -Image $images -ThrottleLimit 4 }
    $oneByOne = Measure-Median -Runs 5 { foreach ($one in $images) { Get-RegistryTag -Image $one } }

    @(
        New-BenchRow -Scenario "list $TagCount tags" -OursMs $ours -Peer 'curl (floor)' -PeerMs $curl -Target '<= 2x curl'
        New-BenchRow -Scenario "list $TagCount tags" -OursMs $ours -Peer 'skopeo list-tags' -PeerMs $skopeo -Target '<= 1x skopeo'
        New-BenchRow -Scenario "$ImageCount images x $TagsPerImage tags, -ThrottleLimit 4" -OursMs $concurrent -Peer 'one by one' -PeerMs $oneByOne -Target '< 1x'
    ) | Format-Table -AutoSize | Out-String -Width 200 | Write-Host
}
finally {
    Stop-TestRegistry $registry
}
