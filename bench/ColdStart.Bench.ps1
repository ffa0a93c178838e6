<#
.SYNOPSIS
    Cold start, as a scheduled script pays it: whole pwsh processes. Bare 'pwsh -NoProfile -c exit' (the floor),
    'Import-Module' of an empty manifest (what any module costs), 'Import-Module', and the demo pipeline of one app from its OCI layout (Get-RegistryTag | Select-ImagePolicyTag |
    Update-ImageSetter | Submit-AutomationCommit -Push), in interleaved rounds of the same run.
.DESCRIPTION
    Each pipeline round gets a fresh copy of the same bare origin and clone (untimed), so every round rewrites the
    image line, commits and pushes. Medians over -Runs rounds after -Warmup rounds. Each process also prints the CPU
    time it used (user + system, all threads), which a loaded machine inflates far less than the wall time.
    The same treatment for every row: each round starts at the next row (no row always follows the same one), and
    each row has its own cache directory (XDG_CACHE_HOME). pwsh keeps a startup profile there that the next pwsh
    process replays on a background JIT thread; shared, each row replayed the profile of whichever row ran before it
    (the import always the empty manifest's, bare always the pipeline's), and the import row read ~50 ms higher than
    measured alone. Own, each row meets the profile of its own previous run, as a scheduled script does.
#>
param([Parameter(Mandatory)] [string] $ModulePath, [int] $Runs = 15, [int] $Warmup = 2)

$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot 'BenchHelpers.psm1') -Force
Import-Module (Join-Path $PSScriptRoot '../tests/Pester/TestHelpers.psm1') -Force

# The pwsh running the bench, as a command line for child processes (pwsh may be a dotnet tool: 'dotnet pwsh.dll').
$process = [Environment]::ProcessPath
$pwsh = if ([IO.Path]::GetFileNameWithoutExtension($process) -eq 'dotnet') { @($process, (Join-Path $PSHOME 'pwsh.dll')) } else { @($process) }

$examples = Join-Path $PSScriptRoot '../examples'
$work = Join-Path ([IO.Path]::GetTempPath()) "tazlab-coldstart-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
try {
    # A pristine origin and clone of the example GitOps repository, copied afresh before each pipeline round.
    $pristine = Join-Path $work 'pristine'
    $seed = Join-Path $work 'seed'
    New-Item -ItemType Directory -Force -Path $seed | Out-Null
    Copy-Item (Join-Path $examples 'gitops/*') $seed -Recurse
    Invoke-Git -C $seed init --quiet --initial-branch master
    Invoke-Git -C $seed add --all
    Invoke-Git -C $seed -c user.name=bench -c user.email=bench@tazlab.net commit --quiet --message 'Initial GitOps repository'
    Invoke-Git clone --quiet --bare $seed (Join-Path $pristine 'origin.git')
    Invoke-Git clone --quiet (Join-Path $pristine 'origin.git') (Join-Path $pristine 'clone')
    $round = Join-Path $work 'round'

    # PowerShell's own cost of importing a module: a manifest with nothing in it.
    $empty = Join-Path $work 'Empty'
    New-Item -ItemType Directory -Force -Path $empty | Out-Null
    Set-Content (Join-Path $empty 'Empty.psd1') "@{ ModuleVersion = '1.0' }"

    $module = (Resolve-Path $ModulePath).Path
    $layout = Join-Path (Resolve-Path $examples).Path 'registry/tazzo/tazlab-blog'
    $clone = Join-Path $round 'clone'
    $scripts = [ordered]@{
        bare     = '$null'
        empty    = "Import-Module '$empty'"
        import   = "Import-Module '$module'"
        pipeline = "`$ErrorActionPreference = 'Stop'; Import-Module '$module'; " +
            "Get-RegistryTag -Image 'ocidir://$layout' | " +
            "Select-ImagePolicyTag -Policy flux-system:hugo-blog -Pattern '^blog-(?P<value>[0-9]+)-.*$' -Extract '`$value' -Numerical | " +
            "Update-ImageSetter -Path '$clone/apps/base/hugo-blog' | " +
            "Submit-AutomationCommit -RepositoryPath '$clone' -AuthorName fluxcdbot -AuthorEmail fluxcdbot@tazlab.net -Message 'chore: bench' -Push | Out-Null"
    }

    $cpuReport = '; [Console]::WriteLine(''CPU='' + [Diagnostics.Process]::GetCurrentProcess().TotalProcessorTime.TotalMilliseconds)'
    $times = @{}; $cpu = @{}; $caches = @{}
    foreach ($name in $scripts.Keys) {
        $times[$name] = [Collections.Generic.List[double]]::new(); $cpu[$name] = [Collections.Generic.List[double]]::new()
        $caches[$name] = New-Item -ItemType Directory -Force -Path (Join-Path $work "cache-$name")
    }
    $names = @($scripts.Keys)
    $savedCache = $env:XDG_CACHE_HOME
    foreach ($i in 1..($Warmup + $Runs)) {
        $first = $i % $names.Count
        foreach ($name in @($names[$first..($names.Count - 1)]) + @(if ($first) { $names[0..($first - 1)] })) {
            if ($name -eq 'pipeline') {
                Remove-Item $round -Recurse -Force -ErrorAction Ignore
                Copy-Item $pristine $round -Recurse
                # The clone's remote points at the pristine origin; point it at this round's copy.
                Invoke-Git -C $clone remote set-url origin (Join-Path $round 'origin.git')
            }
            $env:XDG_CACHE_HOME = $caches[$name].FullName
            $watch = [Diagnostics.Stopwatch]::StartNew()
            $output = & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -Command ($scripts[$name] + $cpuReport)
            $watch.Stop()
            $env:XDG_CACHE_HOME = $savedCache
            if ($LASTEXITCODE -ne 0) { throw "The $name process failed with exit code $LASTEXITCODE." }
            if ($name -eq 'pipeline' -and -not (Invoke-Git -C (Join-Path $round 'origin.git') log --oneline -1 master | Select-String 'chore: bench')) {
                throw 'The pipeline process pushed no commit.'
            }
            if ($i -gt $Warmup) {
                $times[$name].Add($watch.Elapsed.TotalMilliseconds)
                $cpu[$name].Add([double] (@($output) -match '^CPU=' -replace '^CPU=')[-1])
            }
        }
    }

    function Get-Median([Collections.Generic.List[double]] $values) {
        $sorted = @($values | Sort-Object)
        $middle = [int][math]::Floor($sorted.Count / 2)
        if ($sorted.Count % 2) { return $sorted[$middle] }
        return ($sorted[$middle - 1] + $sorted[$middle]) / 2
    }
    $bare = Get-Median $times.bare; $bareCpu = Get-Median $cpu.bare
    # Wall time against bare pwsh, with the excess over it and the same for CPU time.
    function New-ColdRow([string] $Scenario, [string] $Name, [string] $Target = '') {
        $wall = Get-Median $times[$Name]; $processor = Get-Median $cpu[$Name]
        New-BenchRow -Scenario $Scenario -OursMs $wall -Peer 'bare pwsh (floor)' -PeerMs $bare -Target $Target |
            Add-Member -NotePropertyName 'Over bare ms' -NotePropertyValue ([math]::Round($wall - $bare)) -PassThru |
            Add-Member -NotePropertyName 'CPU ms' -NotePropertyValue ([math]::Round($processor)) -PassThru |
            Add-Member -NotePropertyName 'CPU over bare ms' -NotePropertyValue ([math]::Round($processor - $bareCpu)) -PassThru
    }
    $rows = @(
        New-ColdRow -Scenario 'cold: pwsh -NoProfile -c exit' -Name bare
        New-ColdRow -Scenario 'cold: Import-Module of an empty manifest (any module)' -Name empty
        New-ColdRow -Scenario 'cold: Import-Module' -Name import -Target '<= +100 ms over bare'
        New-ColdRow -Scenario 'cold: demo pipeline from the OCI layout, with push' -Name pipeline -Target '<= +400 ms over bare'
    )
    $rows | Format-Table -AutoSize | Out-String -Width 200 | Out-Host
}
finally {
    $env:XDG_CACHE_HOME = $savedCache
    Remove-Item $work -Recurse -Force -ErrorAction Ignore
}
