<#
.SYNOPSIS
    Runs the sample GitOps repository's own Flux objects with Invoke-ImageAutomation: no server, no network.
.DESCRIPTION
    examples/gitops holds the seed's three automations (hugo-blog, hugo-wiki, mnemosyne-mcp) and a semver one on a
    ghcr.io image with a HelmRelease (tazlab-docs). It is committed to a temporary bare 'origin' and cloned, as Flux
    would. Tags come from the OCI image layouts under examples/registry, given as registry mirrors, so the objects
    run unedited. The first run commits and pushes one commit per automation; the second commits nothing.
#>
param(
    # The built module folder (build.ps1 passes out/TazLab.ImageAutomation).
    [Parameter(Mandatory)] [string] $ModulePath
)

$ErrorActionPreference = 'Stop'
Import-Module $ModulePath -Force

$examples = $PSScriptRoot
$work = Join-Path ([IO.Path]::GetTempPath()) "tazlab-demo-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
$origin = Join-Path $work 'origin.git'
$clone = Join-Path $work 'tazlab-k8s'

function git { & (Get-Command git -CommandType Application | Select-Object -First 1) @args; if ($LASTEXITCODE) { throw "git $args failed" } }

try {
    # The GitOps repository, as it stands before automation: a bare origin and a working clone on 'master'.
    $seed = Join-Path $work 'seed'
    New-Item -ItemType Directory -Force -Path $seed | Out-Null
    Copy-Item (Join-Path $examples 'gitops/*') $seed -Recurse
    git -C $seed init --quiet --initial-branch master
    git -C $seed -c user.name=demo -c user.email=demo@tazlab.net add --all
    git -C $seed -c user.name=demo -c user.email=demo@tazlab.net commit --quiet --message 'Initial GitOps repository'
    git clone --quiet --bare $seed $origin
    git clone --quiet $origin $clone

    # Docker Hub and ghcr.io images, served from OCI layouts on disk (<directory>/<repository>).
    $mirror = @{
        'docker.io' = "ocidir://$(Join-Path $examples registry)"
        'ghcr.io'   = "ocidir://$(Join-Path $examples registry/ghcr.io)"
    }

    Write-Host "`n== The repository's Flux objects ==" -ForegroundColor Cyan
    Get-ImageAutomation -Path (Join-Path $clone infrastructure/automation) | Format-Table | Out-Host

    Write-Host "== Invoke-ImageAutomation $clone -RegistryMirror `$mirror -Push ==" -ForegroundColor Cyan
    $results = Invoke-ImageAutomation $clone -RegistryMirror $mirror -Push
    $results | Format-Table | Out-Host
    foreach ($result in $results) {
        Write-Host "$($result.Namespace)/$($result.Name): $($result.Summary)" -ForegroundColor Green
        Write-Host "$($result.Message.TrimEnd())`n"
    }

    Write-Host "== Commits on origin/master ==" -ForegroundColor Cyan
    git -C $origin log --format='%h %an <%ae> %s' master | Out-Host
    Write-Host "`n== What automation changed (every other byte of each file is untouched) ==" -ForegroundColor Cyan
    $results.Diffs.Diff | Out-Host

    Write-Host "== A second run: everything is up to date, nothing is committed ==" -ForegroundColor Cyan
    $again = Invoke-ImageAutomation $clone -RegistryMirror $mirror -Push
    $again | Format-Table | Out-Host
    if ($again.Status | Where-Object { $_ -ne 'UpToDate' }) { throw 'The second run should have committed nothing.' }
}
finally {
    Remove-Item $work -Recurse -Force -ErrorAction Ignore
}
