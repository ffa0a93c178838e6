# Helpers for the setter tests: small manifest trees written byte for byte.
$ErrorActionPreference = 'Stop'

<#
.SYNOPSIS
    Writes files (relative path -> text, written as UTF-8 without BOM and with no newline translation) under a new
    directory and returns its path.
#>
function New-ManifestTree {
    param([Parameter(Mandatory)] [hashtable] $Files, [string] $Parent = ([IO.Path]::GetTempPath()))
    $root = Join-Path $Parent "manifests-$([guid]::NewGuid().ToString('N').Substring(0, 8))"
    foreach ($name in $Files.Keys) {
        $path = Join-Path $root $name
        New-Item -ItemType Directory -Force -Path (Split-Path $path) | Out-Null
        [IO.File]::WriteAllText($path, $Files[$name])
    }
    return $root
}

<#
.SYNOPSIS
    A Deployment whose container image carries a marker for the given policy.
#>
function New-MarkedDeployment {
    param([string] $Name = 'web', [string] $Image = 'ghcr.io/org/web:1.0.0', [string] $Setter = 'flux-system:web', [string] $Newline = "`n")
    return (@(
        'apiVersion: apps/v1'
        'kind: Deployment'
        'metadata:'
        "  name: $Name"
        '  namespace: prod'
        'spec:'
        '  template:'
        '    spec:'
        '      containers:'
        "        - name: $Name"
        "          image: $Image # {`"`$imagepolicy`": `"$Setter`"}"
        ''
    ) -join $Newline)
}

Export-ModuleMember -Function New-ManifestTree, New-MarkedDeployment
