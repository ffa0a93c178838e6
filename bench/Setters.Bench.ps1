<#
.SYNOPSIS
    Update-ImageSetter and Get-ImageSetter over a synthetic GitOps tree, against grep -rlF '$imagepolicy' (the floor:
    it only finds the marked files) in the same run, and the peak memory of this whole process.
.DESCRIPTION
    The tree is generated in a temporary directory and deleted afterwards: 20,000 manifests (about 95 MB) in 200 app
    directories, a marker in every 100th file, each naming its own policy. Every measured Update-ImageSetter run gets
    200 selections with a new tag, so all 200 marked files are rewritten each time. The session is warm (module
    imported, warm-up runs unmeasured); the page cache is warm for both tools.
#>
param(
    # The built module folder (build.ps1 passes out/TazLab.ImageAutomation).
    [Parameter(Mandatory)] [string] $ModulePath,
    [int] $Files = 20000,
    [int] $MarkerEvery = 100,
    [int] $Runs = 9
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

$root = Join-Path ([IO.Path]::GetTempPath()) "tazlab-setters-bench-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
try {
    Write-Host "Generating $Files manifests under $root ..."
    for ($i = 0; $i -lt $Files; $i++) {
        $directory = Join-Path $root ('apps/app-{0:d3}' -f ($i % 200))
        if ($i -lt 200) { New-Item -ItemType Directory -Force -Path $directory | Out-Null }
        [IO.File]::WriteAllText((Join-Path $directory "manifest-$i.yaml"), (New-Manifest -Index $i -Marked ($i % $MarkerEvery -eq 0)))
    }
    $bytes = (Get-ChildItem $root -Recurse -File | Measure-Object Length -Sum).Sum
    $marked = @(grep -rlF '$imagepolicy' $root).Count
    Write-Host ("{0} files, {1:n1} MB, {2} marked" -f $Files, ($bytes / 1MB), $marked)

    $script:round = 0
    $update = {
        $script:round++
        $selections = for ($p = 0; $p -lt 200; $p++) {
            [pscustomobject]@{ Policy = 'flux-system:app-{0:d3}' -f $p; Image = 'registry.example.com/team/app-{0:d3}' -f $p; Tag = "1.0.$script:round" }
        }
        $changes = @($selections | Update-ImageSetter -Path $root)
        if ($changes.Count -ne $marked) { throw "Update-ImageSetter changed $($changes.Count) values, expected $marked." }
    }
    $list = { Get-ImageSetter -Path $root | Out-Null }
    # grep as a process of its own, its output read to the end: its time without PowerShell's native-command pipeline.
    $grep = {
        $start = [Diagnostics.ProcessStartInfo]::new('grep', [string[]] @('-rlF', '$imagepolicy', $root))
        $start.RedirectStandardOutput = $true
        $process = [Diagnostics.Process]::Start($start)
        $null = $process.StandardOutput.ReadToEnd()
        $process.WaitForExit()
    }

    # Round by round, so that the load other processes put on the machine weighs on all three alike.
    $medians = @{}
    foreach ($name in 'grep', 'update', 'list') { $medians[$name] = [Collections.Generic.List[double]]::new() }
    $actions = @{ grep = $grep; update = $update; list = $list }
    for ($run = -2; $run -lt $Runs; $run++) {
        foreach ($name in 'grep', 'update', 'list') {
            $ms = Measure-Median -Action $actions[$name] -Runs 1 -Warmup 0
            if ($run -ge 0) { $medians[$name].Add($ms) }
        }
    }
    $median = @{}
    foreach ($name in $medians.Keys) { $median[$name] = ($medians[$name] | Sort-Object)[[int][math]::Floor($Runs / 2)] }
    [GC]::Collect()
    $process = [Diagnostics.Process]::GetCurrentProcess()
    $process.Refresh()

    @(
        New-BenchRow -Scenario "Update-ImageSetter, 200 selections, $marked files rewritten" -OursMs $median.update -Peer "grep -rlF '`$imagepolicy'" -PeerMs $median.grep -Target 'ratio <= 1'
        New-BenchRow -Scenario "Get-ImageSetter (list every marker)" -OursMs $median.list -Peer "grep -rlF '`$imagepolicy'" -PeerMs $median.grep -Target 'ratio <= 1'
    ) | Format-Table -AutoSize | Out-String -Width 250 | Write-Host
    $peakMb = [math]::Round($process.PeakWorkingSet64 / 1MB)
    Write-Host "Peak working set of this pwsh process (module, tree walks and all): $peakMb MB (target < 250 MB)"
}
finally {
    Remove-Item $root -Recurse -Force -ErrorAction Ignore
}
