<#
.SYNOPSIS
    One changed file in a 20,000-file repository: Submit-AutomationCommit in a warm session against
    'git add <file> && git commit' with the git CLI, each in its own clone of the same repository; then the same with
    -Push to a bare origin on disk of its own against 'git add && git commit && git push'.
.DESCRIPTION
    Each round first changes the file (untimed: Update-ImageSetter for ours, a file write for git), then times only
    the commit. Medians over -Runs rounds after -Warmup rounds.
#>
param([Parameter(Mandatory)] [string] $ModulePath, [int] $FileCount = 20000, [int] $Runs = 15, [int] $Warmup = 3)

$ErrorActionPreference = 'Stop'
Import-Module $ModulePath -Force
Import-Module (Join-Path $PSScriptRoot 'BenchHelpers.psm1') -Force
Import-Module (Join-Path $PSScriptRoot '../tests/Pester/TestHelpers.psm1') -Force

function New-LargeRepository {
    param([string] $Root, [int] $Files)
    $seed = Join-Path $Root 'seed'
    foreach ($i in 0..($Files - 1)) {
        $folder = Join-Path $seed ('apps/group-{0:d3}/app-{1:d5}' -f [int][math]::Floor($i / 100), $i)
        [IO.Directory]::CreateDirectory($folder) | Out-Null
        $image = "registry.example/app-${i}:1.0.0 # {`"`$imagepolicy`": `"flux-system:app-$i`"}"
        [IO.File]::WriteAllText((Join-Path $folder 'deploy.yaml'), "apiVersion: apps/v1`nkind: Deployment`nmetadata:`n  name: app-$i`nspec:`n  image: $image`n")
    }
    Invoke-Git -C $seed init --quiet --initial-branch main
    Invoke-Git -C $seed add --all
    Invoke-Git -C $seed -c user.name=bench -c user.email=bench@tazlab.net commit --quiet --message 'Initial commit'
    return $seed
}

# Times only -Timed; -Prepare runs before each round, untimed. Returns the median in milliseconds.
function Measure-Round {
    param([scriptblock] $Prepare, [scriptblock] $Timed)
    $times = foreach ($round in 1..($Warmup + $Runs)) {
        $state = & $Prepare $round
        $watch = [Diagnostics.Stopwatch]::StartNew()
        & $Timed $state | Out-Null
        $watch.Stop()
        if ($round -gt $Warmup) { $watch.Elapsed.TotalMilliseconds }
    }
    $sorted = @($times | Sort-Object)
    return $sorted[[int][math]::Floor($sorted.Count / 2)]
}

$root = New-TestDirectory
try {
    $seed = New-LargeRepository -Root $root -Files $FileCount
    $ours = Join-Path $root 'ours'; $theirs = Join-Path $root 'git'
    Invoke-Git clone --quiet $seed $ours
    Invoke-Git clone --quiet $seed $theirs
    $app = 'apps/group-000/app-00007'
    # For the push rows: a bare origin on disk and a clone of it, for each side.
    $clones = @{}
    foreach ($side in 'ours-push', 'git-push') {
        Invoke-Git clone --quiet --bare $seed (Join-Path $root "$side.git")
        Invoke-Git clone --quiet (Join-Path $root "$side.git") (Join-Path $root $side)
        $clones[$side] = Join-Path $root $side
    }

    $oursMs = Measure-Round -Prepare {
        param($round)
        Update-ImageSetter -Path (Join-Path $ours $app) -Policy flux-system:app-7 -Image registry.example/app-7 -Tag "2.0.$round"
    } -Timed {
        param($changes)
        $commit = $changes | Submit-AutomationCommit -RepositoryPath $ours -AuthorEmail bench@tazlab.net -Message 'bench'
        if (-not $commit) { throw 'Submit-AutomationCommit made no commit.' }
    }

    $gitMs = Measure-Round -Prepare {
        param($round)
        $file = Join-Path $theirs "$app/deploy.yaml"
        [IO.File]::WriteAllText($file, ([IO.File]::ReadAllText($file) -replace 'app-7:[0-9.]+', "app-7:2.0.$round"))
        return "$app/deploy.yaml"
    } -Timed {
        param($file)
        git -C $theirs add $file
        git -C $theirs -c user.name=bench -c user.email=bench@tazlab.net commit --quiet --message bench
        if ($LASTEXITCODE -ne 0) { throw 'git commit failed.' }
    }

    $oursPushMs = Measure-Round -Prepare {
        param($round)
        Update-ImageSetter -Path (Join-Path $clones['ours-push'] $app) -Policy flux-system:app-7 -Image registry.example/app-7 -Tag "2.0.$round"
    } -Timed {
        param($changes)
        $commit = $changes | Submit-AutomationCommit -RepositoryPath $clones['ours-push'] -AuthorEmail bench@tazlab.net -Message 'bench' -Push
        if (-not $commit.Pushed) { throw 'Submit-AutomationCommit did not push.' }
    }

    $gitPushMs = Measure-Round -Prepare {
        param($round)
        $file = Join-Path $clones['git-push'] "$app/deploy.yaml"
        [IO.File]::WriteAllText($file, ([IO.File]::ReadAllText($file) -replace 'app-7:[0-9.]+', "app-7:2.0.$round"))
        return "$app/deploy.yaml"
    } -Timed {
        param($file)
        git -C $clones['git-push'] add $file
        git -C $clones['git-push'] -c user.name=bench -c user.email=bench@tazlab.net commit --quiet --message bench
        git -C $clones['git-push'] push --quiet origin HEAD
        if ($LASTEXITCODE -ne 0) { throw 'git push failed.' }
    }

    $expected = 1 + $Warmup + $Runs
    foreach ($repository in @($(Join-Path $ours .git), (Join-Path $root 'ours-push.git'))) {
        $count = [int](Invoke-Git --git-dir $repository rev-list --count main)
        if ($count -ne $expected) { throw "Expected $expected commits in '$repository', found $count." }
    }
    @(
        New-BenchRow -Scenario "commit 1 of $FileCount files" -OursMs $oursMs -Peer 'git add + git commit' -PeerMs $gitMs -Target '<= 1x git'
        New-BenchRow -Scenario "commit + push to a bare origin on disk" -OursMs $oursPushMs -Peer 'git add + commit + push' -PeerMs $gitPushMs -Target '<= 1x git'
    ) | Format-Table -AutoSize | Out-Host
}
finally {
    Remove-Item $root -Recurse -Force -ErrorAction Ignore
}
