# Shared by the bench/*.Bench.ps1 scripts: timing with warm-up and medians, and one table layout.
$ErrorActionPreference = 'Stop'

<#
.SYNOPSIS
    Runs a script block Warmup times unmeasured, then Runs times measured; returns the median in milliseconds.
#>
function Measure-Median {
    param([Parameter(Mandatory)] [scriptblock] $Action, [int] $Runs = 10, [int] $Warmup = 2)
    for ($i = 0; $i -lt $Warmup; $i++) { & $Action | Out-Null }
    $times = for ($i = 0; $i -lt $Runs; $i++) {
        $watch = [Diagnostics.Stopwatch]::StartNew()
        & $Action | Out-Null
        $watch.Elapsed.TotalMilliseconds
    }
    $sorted = @($times | Sort-Object)
    $middle = [int][math]::Floor($sorted.Count / 2)
    if ($sorted.Count % 2) { return $sorted[$middle] }
    return ($sorted[$middle - 1] + $sorted[$middle]) / 2
}

<#
.SYNOPSIS
    One row of a benchmark table: our figure against the peer's (or the floor's) from the same run.
#>
function New-BenchRow {
    param(
        [Parameter(Mandatory)] [string] $Scenario,
        [Parameter(Mandatory)] [double] $OursMs,
        [Parameter(Mandatory)] [string] $Peer,
        [Parameter(Mandatory)] [double] $PeerMs,
        [string] $Target = ''
    )
    [pscustomobject]@{
        Scenario  = $Scenario
        'Ours ms' = [math]::Round($OursMs, 1)
        Peer      = $Peer
        'Peer ms' = [math]::Round($PeerMs, 1)
        Ratio     = [math]::Round($OursMs / [math]::Max($PeerMs, 0.001), 2)
        Target    = $Target
    }
}

Export-ModuleMember -Function Measure-Median, New-BenchRow
