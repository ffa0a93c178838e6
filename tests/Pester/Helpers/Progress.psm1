# Helpers for the progress tests and bench: thousands of registry tags, fast.

$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot 'Registry.psm1')

<#
.SYNOPSIS
    Tags one image 1.0.1 .. 1.0.<Count>, written straight into the registry's storage as Add-TestRegistryTag does, but
    in one tight loop: its per-tag function calls take minutes for twenty thousand tags on a busy machine.
#>
function Add-TestRegistryTagRange {
    param([Parameter(Mandatory)] $Registry, [Parameter(Mandatory)] [string] $Repository, [Parameter(Mandatory)] [int] $Count)
    $digest = Add-TestRegistryTag -Registry $Registry -Repository $Repository -Tag '1.0.1'
    $hex = $digest.Substring('sha256:'.Length)
    $tags = Join-Path $Registry.Directory "data/docker/registry/v2/repositories/$Repository/_manifests/tags"
    for ($i = 2; $i -le $Count; $i++) {
        $tag = "$tags/1.0.$i"
        $null = [IO.Directory]::CreateDirectory("$tag/current")
        $null = [IO.Directory]::CreateDirectory("$tag/index/sha256/$hex")
        [IO.File]::WriteAllText("$tag/current/link", $digest)
        [IO.File]::WriteAllText("$tag/index/sha256/$hex/link", $digest)
    }
}

Export-ModuleMember -Function Add-TestRegistryTagRange
