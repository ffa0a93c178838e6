<#
.SYNOPSIS
    Update-ImageSetter and Get-ImageSetter over a synthetic GitOps tree, against grep -rlF '$imagepolicy' (the floor:
    it only finds the marked files) in the same run, and the peak memory of this whole process.
.DESCRIPTION
    Each tree is generated in a temporary directory and deleted afterwards. The bench's own shape: manifests of about
    4.75 KB in 200 app directories (20,000 files, about 95 MB). The deep shape: one app per directory, as GitOps
    repositories lay them out (clusters/<group>/apps/<app>/manifest.yaml, about as many directories as files). Both at
    20,000 files, and the bench shape also at 2,000 and 100,000 (the growth). 200 files are marked in every tree, each
    marker naming a policy; every measured Update-ImageSetter run gets 200 selections with a new tag, so all marked files
    are rewritten each time. The session is warm (module imported, warm-up runs unmeasured); the page cache is warm for
    both tools. A last row scans one marked 10 MiB document (the size limit). Ratio is ours / grep's, same run.
#>
param(
    # The built module folder (build.ps1 passes out/TazLab.ImageAutomation).
    [Parameter(Mandatory)] [string] $ModulePath,
    [int] $Files = 20000,
    [int] $MarkerEvery = 100,
    [int] $Runs = 9,
    # The scaling rows (bench shape) and the deep shape's size; 0 leaves a row out.
    [int[]] $ScaleFiles = @(2000, 100000),
    [int] $DeepFiles = 20000
)

$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot 'BenchHelpers.psm1') -Force
Import-Module $ModulePath -Force

# One manifest of about 4.75 KB: a Deployment with a realistic amount of env, labels and resources, and a Service.
function New-Manifest {
    param([int] $Index, [bool] $Marked)
    $app = 'app-{0:d3}' -f ($Index % 200)
    $image = if ($Marked) { "registry.example.com/team/${app}:1.0.0 # {`"`$imagepolicy`": `"flux-system:$app`"}" } else { "registry.example.com/team/${app}:1.0.0" }
    $env = for ($e = 0; $e -lt 64; $e++) { "            - name: SETTING_$e`n              value: `"value-$Index-$e`"" }
    @"
apiVersion: apps/v1
kind: Deployment
metadata:
  name: $app-$Index
  namespace: $app
  labels:
    app.kubernetes.io/name: $app
    app.kubernetes.io/part-of: platform
spec:
  replicas: 2
  selector:
    matchLabels:
      app.kubernetes.io/name: $app
  template:
    metadata:
      labels:
        app.kubernetes.io/name: $app
    spec:
      containers:
        - name: $app
          image: $image
          resources:
            requests: {cpu: 100m, memory: 128Mi}
            limits: {cpu: 500m, memory: 256Mi}
          env:
$($env -join "`n")
---
apiVersion: v1
kind: Service
metadata:
  name: $app-$Index
  namespace: $app
spec:
  ports:
    - port: 80
      targetPort: 8080

"@
}

# The manifest as a template, filled per file: generating 100,000 files stays a matter of seconds.
$script:template = (New-Manifest -Index 987654321 -Marked $true).Replace(('app-{0:d3}' -f (987654321 % 200)), '@APP@').Replace('987654321', '@INDEX@')
$script:templateUnmarked = (New-Manifest -Index 987654321 -Marked $false).Replace(('app-{0:d3}' -f (987654321 % 200)), '@APP@').Replace('987654321', '@INDEX@')

function New-Tree {
    param([string] $Shape, [int] $Count, [int] $Every)
    $root = Join-Path ([IO.Path]::GetTempPath()) "tazlab-setters-bench-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
    Write-Host "Generating $Count manifests ($Shape shape) under $root ..."
    $made = [Collections.Generic.HashSet[string]]::new()
    for ($i = 0; $i -lt $Count; $i++) {
        # The marked files name 200 different policies (the i-th marked file app-(i mod 200)), so each selection sets one.
        $app = 'app-{0:d3}' -f ($(if ($i % $Every -eq 0) { [long][math]::Floor($i / $Every) } else { $i }) % 200)
        $directory = if ($Shape -eq 'deep') { Join-Path $root ('clusters/group-{0:d2}/apps/app-{1:d6}' -f ($i % 20), $i) } else { Join-Path $root "apps/$app" }
        if ($made.Add($directory)) { [void][IO.Directory]::CreateDirectory($directory) }
        $text = if ($i % $Every -eq 0) { $script:template } else { $script:templateUnmarked }
        [IO.File]::WriteAllText((Join-Path $directory "manifest-$i.yaml"), $text.Replace('@APP@', $app).Replace('@INDEX@', "$i"))
    }
    $root
}

# Round by round, so that the load other processes put on the machine weighs on all three alike; three rounds of
# warm-up (on a loaded machine the JIT takes a while to optimise the hot paths). Medians in ms.
function Measure-Tree {
    param([string] $Root, [int] $Rounds)
    $marked = @(grep -rlF '$imagepolicy' $Root).Count
    $bytes = (Get-ChildItem $Root -Recurse -File | Measure-Object Length -Sum).Sum
    Write-Host ("{0:n1} MB, {1} marked" -f ($bytes / 1MB), $marked)
    $script:round = 0
    $update = {
        $script:round++
        $selections = for ($p = 0; $p -lt 200; $p++) {
            [pscustomobject]@{ Policy = 'flux-system:app-{0:d3}' -f $p; Image = 'registry.example.com/team/app-{0:d3}' -f $p; Tag = "1.0.$script:round" }
        }
        $changes = @($selections | Update-ImageSetter -Path $Root)
        if ($changes.Count -ne $marked) { throw "Update-ImageSetter changed $($changes.Count) values, expected $marked." }
    }
    $list = { Get-ImageSetter -Path $Root | Out-Null }
    # grep as a process of its own, its output read to the end: its time without PowerShell's native-command pipeline.
    $grep = {
        $start = [Diagnostics.ProcessStartInfo]::new('grep', [string[]] @('-rlF', '$imagepolicy', $Root))
        $start.RedirectStandardOutput = $true
        $process = [Diagnostics.Process]::Start($start)
        $null = $process.StandardOutput.ReadToEnd()
        $process.WaitForExit()
    }
    $times = @{}
    foreach ($name in 'grep', 'update', 'list') { $times[$name] = [Collections.Generic.List[double]]::new() }
    $actions = @{ grep = $grep; update = $update; list = $list }
    for ($run = -3; $run -lt $Rounds; $run++) {
        foreach ($name in 'grep', 'update', 'list') {
            $ms = Measure-Median -Action $actions[$name] -Runs 1 -Warmup 0
            if ($run -ge 0) { $times[$name].Add($ms) }
        }
    }
    $median = @{ Marked = $marked }
    foreach ($name in $times.Keys) { $median[$name] = ($times[$name] | Sort-Object)[[int][math]::Floor($Rounds / 2)] }
    $median
}

$grepPeer = "grep -rlF '`$imagepolicy'"
$rows = [Collections.Generic.List[object]]::new()
function Add-TreeRows {
    param([string] $Label, [hashtable] $Median)
    $rows.Add((New-BenchRow -Scenario "Update-ImageSetter, 200 selections, $($Median.Marked) files rewritten$Label" -OursMs $Median.update -Peer $grepPeer -PeerMs $Median.grep -Target 'ratio <= 1'))
    $rows.Add((New-BenchRow -Scenario "Get-ImageSetter (list every marker)$Label" -OursMs $Median.list -Peer $grepPeer -PeerMs $Median.grep -Target 'ratio <= 0.8'))
}

$trees = @(
    @{ Shape = 'bench'; Count = $Files; Every = $MarkerEvery; Label = '' }
    if ($DeepFiles -gt 0) { @{ Shape = 'deep'; Count = $DeepFiles; Every = [math]::Max(1, [int]($DeepFiles / 200)); Label = ", deep tree ($DeepFiles files, one app per folder)" } }
    foreach ($count in $ScaleFiles | Where-Object { $_ -gt 0 }) { @{ Shape = 'bench'; Count = $count; Every = [math]::Max(1, [int]($count / 200)); Label = ", $count files" } }
)
foreach ($tree in $trees) {
    $root = New-Tree -Shape $tree.Shape -Count $tree.Count -Every $tree.Every
    try {
        # The largest trees get fewer rounds: each takes seconds.
        Add-TreeRows -Label $tree.Label -Median (Measure-Tree -Root $root -Rounds ($tree.Count -gt 50000 ? [math]::Min($Runs, 5) : $Runs))
    }
    finally {
        Remove-Item $root -Recurse -Force -ErrorAction Ignore
    }
}

# The peak of the tree rows, before the 10 MiB row (whose own peak is the document in memory, twice: bytes and text).
[GC]::Collect()
$process = [Diagnostics.Process]::GetCurrentProcess()
$process.Refresh()
$treePeakMb = [math]::Round($process.PeakWorkingSet64 / 1MB)

# One marked document at the default size limit (10 MiB), scanned by Get-ImageSetter; grep over the same file.
$root = Join-Path ([IO.Path]::GetTempPath()) "tazlab-setters-bench-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
try {
    [void][IO.Directory]::CreateDirectory($root)
    $writer = [IO.StreamWriter]::new((Join-Path $root 'big.yaml'))
    try {
        $writer.Write("apiVersion: v1`nkind: ConfigMap`nmetadata:`n  name: big`ndata:`n  image: registry.example.com/team/app:1.0.0 # {`"`$imagepolicy`": `"flux-system:app`"}`n")
        for ($k = 0; $writer.BaseStream.Position -lt 10MB - 4KB; $k++) { $writer.Write("  key$k`: `"value number $k of many`"`n") }
    }
    finally { $writer.Dispose() }
    $bigOurs = [Collections.Generic.List[double]]::new(); $bigGrep = [Collections.Generic.List[double]]::new()
    for ($run = -1; $run -lt 5; $run++) {
        $o = Measure-Median -Runs 1 -Warmup 0 -Action { if (@(Get-ImageSetter -Path $root).Count -ne 1) { throw 'The 10 MiB document lost its marker.' } }
        $g = Measure-Median -Runs 1 -Warmup 0 -Action { grep -rlF '$imagepolicy' $root | Out-Null }
        if ($run -ge 0) { $bigOurs.Add($o); $bigGrep.Add($g) }
    }
    $rows.Add((New-BenchRow -Scenario 'Get-ImageSetter, one marked 10 MiB document' -OursMs (($bigOurs | Sort-Object)[2]) -Peer $grepPeer -PeerMs (($bigGrep | Sort-Object)[2]) -Target 'ours <= 1000 ms'))
}
finally {
    Remove-Item $root -Recurse -Force -ErrorAction Ignore
}

[GC]::Collect()
$process = [Diagnostics.Process]::GetCurrentProcess()
$process.Refresh()
$rows | Format-Table -AutoSize | Out-String -Width 250 | Write-Host
$peakMb = [math]::Round($process.PeakWorkingSet64 / 1MB)
Write-Host "Peak working set of this pwsh process (module, tree walks and all): $treePeakMb MB (target < 250 MB); with the 10 MiB row: $peakMb MB"
