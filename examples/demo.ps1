<#
.SYNOPSIS
    Runs the seed's three image automations on the shipped examples: no server, no network.
.DESCRIPTION
    Tags come from the OCI image layouts under examples/registry (one per image); the GitOps repository is a copy of
    examples/gitops, committed to a temporary bare 'origin' and cloned, as Flux would. Each app's pipeline selects the
    newest build, rewrites its marked image line, commits and pushes. The script prints the commits and the diff.
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

    $apps = @(
        @{ App = 'hugo-blog'; Image = 'tazzo/tazlab-blog'; Prefix = 'blog' }
        @{ App = 'hugo-wiki'; Image = 'tazzo/tazlab-wiki'; Prefix = 'wiki' }
        @{ App = 'mnemosyne-mcp'; Image = 'tazzo/mnemosyne-mcp'; Prefix = 'mcp' }
    )
    foreach ($app in $apps) {
        Write-Host "`n== $($app.App): tags of $($app.Image) from an OCI layout ==" -ForegroundColor Cyan
        $layout = Join-Path $examples "registry/$($app.Image)"
        $commit = Get-RegistryTag -Image "ocidir://$layout" |
            Select-ImagePolicyTag -Policy "flux-system:$($app.App)" -Pattern "^$($app.Prefix)-(?P<value>[0-9]+)-.*$" -Extract '$value' -Numerical |
            Tee-Object -Variable selection |
            Update-ImageSetter -Path (Join-Path $clone "apps/base/$($app.App)") |
            Tee-Object -Variable changes |
            Submit-AutomationCommit -RepositoryPath $clone -AuthorName fluxcdbot -AuthorEmail fluxcdbot@tazlab.net `
                -Message "chore: self-update $($app.App) image [skip ci]" -Push
        Write-Host "selected  $($selection.Tag)  ($($selection.MatchedCount) of $($selection.CandidateCount) tags match policy $($selection.Policy))"
        foreach ($change in $changes) { Write-Host "changed   $($change.RelativePath):$($change.Line)  $($change.OldValue) -> $($change.NewValue)" }
        Write-Host "committed $($commit.Summary): $($commit.Message)"
    }

    Write-Host "`n== Commits on origin/master ==" -ForegroundColor Cyan
    git -C $origin log --format='%h %an <%ae> %s' master | Out-Host
    Write-Host "`n== What automation changed (every other byte of each file is untouched) ==" -ForegroundColor Cyan
    git -C $clone --no-pager diff --stat HEAD~3 HEAD | Out-Host
    git -C $clone --no-pager diff HEAD~3 HEAD | Out-Host
}
finally {
    Remove-Item $work -Recurse -Force -ErrorAction Ignore
}
