<#
.SYNOPSIS
    Tag listing from Debian's docker-registry on loopback, each scenario timed in interleaved rounds of one run:
    - one repository with 10,000 tags: Get-RegistryTag in a warm session against curl of the same URL (the floor: one
      HTTP request, no parsing, a whole process) and 'skopeo list-tags' (the peer);
    - the same tags into Select-ImagePolicyTag: piped per tag, and piped as one list per image (-AsList), against
      passing -Tag (...).Tag;
    - 50 repositories with 200 tags each: one Get-RegistryTag call with -ThrottleLimit 4 against the same images
      listed one call at a time, and curl fetching the same 50 URLs four at a time (the registry's own limit: on two
      cores the registry's CPU, not the client, bounds what concurrency gains).
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

<#
.SYNOPSIS
    Times each script block once per round, in the same order every round, after Warmup unmeasured rounds; returns each
    one's median in milliseconds. Interleaving keeps a loaded machine's swings from favouring one side.
#>
function Measure-Interleaved {
    param([Parameter(Mandatory)] [hashtable] $Action, [int] $Runs = 15, [int] $Warmup = 2)
    $names = @($Action.Keys | Sort-Object)
    $times = @{}
    foreach ($name in $names) { $times[$name] = [Collections.Generic.List[double]]::new() }
    for ($round = 0; $round -lt $Warmup + $Runs; $round++) {
        foreach ($name in $names) {
            $watch = [Diagnostics.Stopwatch]::StartNew()
            & $Action[$name] | Out-Null
            if ($round -ge $Warmup) { $times[$name].Add($watch.Elapsed.TotalMilliseconds) }
        }
    }
    $medians = @{}
    foreach ($name in $names) {
        $sorted = @($times[$name] | Sort-Object)
        $middle = [int][math]::Floor($sorted.Count / 2)
        $medians[$name] = if ($sorted.Count % 2) { $sorted[$middle] } else { ($sorted[$middle - 1] + $sorted[$middle]) / 2 }
    }
    return $medians
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
    $expected = (Select-ImagePolicyTag -Tag (Get-RegistryTag -Image $image).Tag -Image $image -SemVer '>=1.0.0').Tag
    foreach ($selected in (Get-RegistryTag -Image $image | Select-ImagePolicyTag -SemVer '>=1.0.0'), (Get-RegistryTag -Image $image -AsList | Select-ImagePolicyTag -SemVer '>=1.0.0')) {
        if ($selected.Tag -ne $expected) { throw "The piped selection gave $($selected.Tag), -Tag gave $expected." }
    }

    # Our tags are kept in a variable, as a script keeps them: piped to Out-Null, each of 10,000 objects would be bound
    # by Out-Null, a cost of that cmdlet, not of listing.
    $listing = Measure-Interleaved @{
        ours   = { $tags = Get-RegistryTag -Image $image }
        curl   = { curl -sf $url -o /dev/null }
        skopeo = { skopeo list-tags --tls-verify=false "docker://$image" }
    }
    $selecting = Measure-Interleaved @{
        piped    = { Get-RegistryTag -Image $image | Select-ImagePolicyTag -SemVer '>=1.0.0' }
        asList   = { Get-RegistryTag -Image $image -AsList | Select-ImagePolicyTag -SemVer '>=1.0.0' }
        tagParam = { Select-ImagePolicyTag -Tag (Get-RegistryTag -Image $image).Tag -Image $image -SemVer '>=1.0.0' }
    }

    $images = 1..$ImageCount | ForEach-Object {
        Add-TestRegistryTag -Registry $registry -Repository "bench/many$_" -Tag (1..$TagsPerImage | ForEach-Object { "2.0.$_" }) | Out-Null
        "$($registry.Address)/bench/many$_"
    }
    Assert-Count 'Get-RegistryTag of many images' @(Get-RegistryTag -Image $images).Count ($ImageCount * $TagsPerImage)
    # curl's config file: one url/output pair per image, fetched over one process's connections.
    $curlConfig = Join-Path $registry.Directory 'many-urls.curlrc'
    $images | ForEach-Object { "url = `"http://$($registry.Address)/v2/$($_.Substring($registry.Address.Length + 1))/tags/list?n=1000`"`noutput = `"/dev/null`"" } |
        Set-Content -Path $curlConfig
    $many = Measure-Interleaved -Runs 7 @{
        concurrent = { $tags = Get-RegistryTag -Image $images -ThrottleLimit 4 }
        oneByOne   = { $tags = foreach ($one in $images) { Get-RegistryTag -Image $one } }
        curl4      = { curl -sf --no-progress-meter --parallel --parallel-max 4 -K $curlConfig }
    }

    @(
        New-BenchRow -Scenario "list $TagCount tags" -OursMs $listing.ours -Peer 'curl (floor, whole process)' -PeerMs $listing.curl -Target '<= 1.2x'
        New-BenchRow -Scenario "list $TagCount tags" -OursMs $listing.ours -Peer 'skopeo list-tags' -PeerMs $listing.skopeo -Target '<= 0.7x'
        New-BenchRow -Scenario "list $TagCount tags | Select-ImagePolicyTag (per tag)" -OursMs $selecting.piped -Peer '-Tag (...).Tag' -PeerMs $selecting.tagParam -Target '(per-tag objects; see -AsList)'
        New-BenchRow -Scenario "list $TagCount tags -AsList | Select-ImagePolicyTag" -OursMs $selecting.asList -Peer '-Tag (...).Tag' -PeerMs $selecting.tagParam -Target '<= 1.3x'
        New-BenchRow -Scenario "$ImageCount images x $TagsPerImage tags, -ThrottleLimit 4" -OursMs $many.concurrent -Peer 'one by one' -PeerMs $many.oneByOne -Target '<= 0.6x'
        New-BenchRow -Scenario "$ImageCount images x $TagsPerImage tags, -ThrottleLimit 4" -OursMs $many.concurrent -Peer 'curl --parallel-max 4 (whole process)' -PeerMs $many.curl4 -Target '(the registry''s limit)'
    ) | Format-Table -AutoSize | Out-String -Width 200 | Write-Host
}
finally {
    # 20,000 tag directories: removed in one call, which Remove-Item -Recurse (in Stop-TestRegistry) takes minutes for.
    if (-not $registry.Process.HasExited) { $registry.Process.Kill(); $registry.Process.WaitForExit(5000) | Out-Null }
    [IO.Directory]::Delete((Join-Path $registry.Directory 'data'), $true)
    Stop-TestRegistry $registry
}
