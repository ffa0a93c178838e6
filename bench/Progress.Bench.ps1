<#
.SYNOPSIS
    What Write-Progress costs: the issue's long runs (a 3,000-file audit and rewrite, a 21-page listing of 20,001 tags
    from a real registry) with progress shown ($ProgressPreference = 'Continue') against the same runs silenced, in
    interleaved rounds of one session. The peer is our own silenced run: the floor progress must stay on.
#>
param([Parameter(Mandatory)] [string] $ModulePath, [int] $Runs = 7, [int] $Warmup = 1)

$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot 'BenchHelpers.psm1') -Force
Import-Module (Join-Path $PSScriptRoot '../tests/Pester/TestHelpers.psm1') -Force
Import-Module (Join-Path $PSScriptRoot '../tests/Pester/Helpers/Progress.psm1') -Force
Import-Module $ModulePath -Force

$tree = New-TestDirectory
$registry = Start-TestRegistry
try {
    foreach ($i in 0..2999) {
        $folder = Join-Path $tree ('app{0:00}' -f ($i % 50))
        [IO.Directory]::CreateDirectory($folder) | Out-Null
        [IO.File]::WriteAllText((Join-Path $folder ('deploy{0:0000}.yaml' -f $i)), "image: example/app:1.0.0 # {`"`$imagepolicy`": `"flux-system:app`"}`n")
    }
    Add-TestRegistryTagRange -Registry $registry -Repository team/many -Count 20001
    $image = "$($registry.Address)/team/many"
    $tag = '2.0.0'
    $scenarios = [ordered]@{
        'Get-ImageSetter, 3,000 files'            = { Get-ImageSetter -Path $tree | Out-Null }
        # Each run moves every marker (2.0.0 <-> 1.0.0), so every run rewrites all 3,000 files.
        'Update-ImageSetter, 3,000 files'         = {
            $script:tag = if ($script:tag -eq '2.0.0') { '1.0.0' } else { '2.0.0' }
            [pscustomobject]@{ Policy = 'app'; Image = 'example/app'; Tag = $script:tag } | Update-ImageSetter -Path $tree | Out-Null
        }
        'Get-RegistryTag, 21 pages / 20,001 tags' = { Get-RegistryTag -Image $image | Out-Null }
    }

    $times = @{}
    for ($round = -$Warmup; $round -lt $Runs; $round++) {
        foreach ($name in $scenarios.Keys) {
            # ABBA: which goes first alternates, so neither always runs on the other's warm (or dirty) page cache.
            $preferences = if ($round % 2) { 'SilentlyContinue', 'Continue' } else { 'Continue', 'SilentlyContinue' }
            foreach ($preference in $preferences) {
                $ProgressPreference = $preference
                $watch = [Diagnostics.Stopwatch]::StartNew()
                & $scenarios[$name]
                $elapsed = $watch.Elapsed.TotalMilliseconds
                $ProgressPreference = 'Continue'
                if ($round -ge 0) { $times["$name|$preference"] += @($elapsed) }
            }
        }
    }

    function Get-Median([double[]] $values) {
        $sorted = @($values | Sort-Object); $middle = [int][math]::Floor($sorted.Count / 2)
        if ($sorted.Count % 2) { $sorted[$middle] } else { ($sorted[$middle - 1] + $sorted[$middle]) / 2 }
    }
    $rows = foreach ($name in $scenarios.Keys) {
        New-BenchRow -Scenario "$name, progress shown" -OursMs (Get-Median $times["$name|Continue"]) `
            -Peer 'same, progress silenced' -PeerMs (Get-Median $times["$name|SilentlyContinue"]) -Target '<= 1.05'
    }
    $rows | Format-Table -AutoSize | Out-String -Width 200 | Out-Host
}
finally {
    Stop-TestRegistry $registry
    Remove-Item $tree -Recurse -Force -ErrorAction Ignore
}
