# Shared helpers for the Pester suite: child pwsh processes, a real registry (Debian's docker-registry) on a free
# loopback port, test images pushed over the registry API, and git repositories with a bare origin.

$ErrorActionPreference = 'Stop'

function Get-TestModulePath {
    if (-not $env:TAZLAB_MODULE_PATH) { throw 'TAZLAB_MODULE_PATH is not set: run the suite through build.ps1 -Task Test.' }
    return $env:TAZLAB_MODULE_PATH
}

function Get-TestToolsPath {
    if (-not $env:TAZLAB_TOOLS_PATH) { throw 'TAZLAB_TOOLS_PATH is not set: run the suite through build.ps1 -Task Test.' }
    return $env:TAZLAB_TOOLS_PATH
}

# The pwsh running the tests as a command line for a child (pwsh may be the dotnet tool: 'dotnet pwsh.dll').
function Get-PwshCommand {
    $process = [Environment]::ProcessPath
    if ([IO.Path]::GetFileNameWithoutExtension($process) -eq 'dotnet') { return @($process, (Join-Path $PSHOME 'pwsh.dll')) }
    return @($process)
}

<#
.SYNOPSIS
    Runs a script in a fresh 'pwsh -NoProfile' and returns its exit code and each output stream separately.
#>
function Invoke-ChildPwsh {
    param([Parameter(Mandatory)] [string] $Script, [string] $WorkingDirectory = (Get-Location).Path)
    $pwsh = Get-PwshCommand
    $file = Join-Path ([IO.Path]::GetTempPath()) "tazlab-child-$([guid]::NewGuid().ToString('N')).ps1"
    Set-Content -Path $file -Value $Script
    $stdout = "$file.out"; $stderr = "$file.err"
    try {
        $arguments = @($pwsh | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-File', $file)
        $process = Start-Process -FilePath $pwsh[0] -ArgumentList $arguments -WorkingDirectory $WorkingDirectory `
            -RedirectStandardOutput $stdout -RedirectStandardError $stderr -NoNewWindow -PassThru
        $process.WaitForExit()
        [pscustomobject]@{
            ExitCode = $process.ExitCode
            Output   = (Get-Content $stdout -Raw) ?? ''
            Error    = (Get-Content $stderr -Raw) ?? ''
        }
    }
    finally {
        Remove-Item $file, $stdout, $stderr -ErrorAction Ignore
    }
}

function New-TestDirectory {
    $path = Join-Path ([IO.Path]::GetTempPath()) "tazlab-test-$([guid]::NewGuid().ToString('N').Substring(0, 12))"
    New-Item -ItemType Directory -Path $path | Out-Null
    return $path
}

<#
.SYNOPSIS
    Starts Debian's docker-registry (distribution 2.8) on 127.0.0.1 and a free port; returns Address ('127.0.0.1:PORT').
.PARAMETER ExtraConfig
    YAML appended to the configuration (auth, tls sections).
#>
function Start-TestRegistry {
    param([string] $ExtraConfig = '')
    $directory = New-TestDirectory
    $config = Join-Path $directory 'config.yml'
    @"
version: 0.1
log:
  level: info
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $directory/data
  delete:
    enabled: true
http:
  addr: 127.0.0.1:0
  secret: tazlab-test-secret
$ExtraConfig
"@ | Set-Content -Path $config
    $log = Join-Path $directory 'registry.log'
    $process = Start-Process -FilePath docker-registry -ArgumentList 'serve', $config -RedirectStandardError $log `
        -RedirectStandardOutput (Join-Path $directory 'registry.out') -NoNewWindow -PassThru
    # The registry picks the port (addr :0) and logs it: read it from our own process's log, never guess.
    $deadline = [DateTime]::UtcNow.AddSeconds(20)
    while ([DateTime]::UtcNow -lt $deadline) {
        if ($process.HasExited) { throw "docker-registry exited early: $(Get-Content $log -Raw)" }
        $match = Select-String -Path $log -Pattern 'listening on (127\.0\.0\.1:\d+)' -ErrorAction Ignore | Select-Object -First 1
        if ($match) {
            return [pscustomobject]@{ Process = $process; Address = $match.Matches[0].Groups[1].Value; Directory = $directory }
        }
        Start-Sleep -Milliseconds 50
    }
    $process.Kill()
    throw "docker-registry did not report its port within 20 s: $(Get-Content $log -Raw)"
}

function Stop-TestRegistry {
    param([Parameter(Mandatory)] $Registry)
    if (-not $Registry.Process.HasExited) { $Registry.Process.Kill(); $Registry.Process.WaitForExit(5000) | Out-Null }
    Remove-Item $Registry.Directory -Recurse -Force -ErrorAction Ignore
}

function Send-TestBlob {
    param([string] $Base, [string] $Repository, [byte[]] $Bytes, [hashtable] $Headers)
    $digest = 'sha256:' + [Convert]::ToHexString([Security.Cryptography.SHA256]::HashData($Bytes)).ToLowerInvariant()
    $start = Invoke-WebRequest -Method Post -Uri "$Base/v2/$Repository/blobs/uploads/" -Headers $Headers
    $location = [string] $start.Headers['Location']
    if ($location -notmatch '^https?://') { $location = "$Base$location" }
    $separator = if ($location.Contains('?')) { '&' } else { '?' }
    Invoke-WebRequest -Method Put -Uri "$location$($separator)digest=$digest" -Body $Bytes -ContentType 'application/octet-stream' -Headers $Headers | Out-Null
    return @{ Digest = $digest; Size = $Bytes.Length }
}

<#
.SYNOPSIS
    Pushes a minimal OCI image to a registry under each of the given tags (monolithic blob upload, then manifest PUTs).
    Returns a map tag → manifest digest. Each tag gets its own manifest, so each has its own digest.
#>
function Push-TestImage {
    param(
        [Parameter(Mandatory)] [string] $Address,
        [Parameter(Mandatory)] [string] $Repository,
        [Parameter(Mandatory)] [string[]] $Tag,
        [hashtable] $Headers = @{},
        [string] $Scheme = 'http'
    )
    $base = "${Scheme}://$Address"
    $layer = Send-TestBlob -Base $base -Repository $Repository -Bytes ([byte[]]@(0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0)) -Headers $Headers
    $digests = [ordered]@{}
    foreach ($name in $Tag) {
        $config = Send-TestBlob -Base $base -Repository $Repository -Headers $Headers -Bytes ([Text.Encoding]::UTF8.GetBytes(
            (@{ architecture = 'amd64'; os = 'linux'; config = @{ Labels = @{ tag = $name } }; rootfs = @{ type = 'layers'; diff_ids = @() } } | ConvertTo-Json -Compress -Depth 5)))
        $manifest = [Text.Encoding]::UTF8.GetBytes((@{
                    schemaVersion = 2
                    mediaType     = 'application/vnd.oci.image.manifest.v1+json'
                    config        = @{ mediaType = 'application/vnd.oci.image.config.v1+json'; digest = $config.Digest; size = $config.Size }
                    layers        = @(@{ mediaType = 'application/vnd.oci.image.layer.v1.tar+gzip'; digest = $layer.Digest; size = $layer.Size })
                } | ConvertTo-Json -Compress -Depth 5))
        $response = Invoke-WebRequest -Method Put -Uri "$base/v2/$Repository/manifests/$name" -Body $manifest `
            -ContentType 'application/vnd.oci.image.manifest.v1+json' -Headers $Headers
        $digests[$name] = [string] $response.Headers['Docker-Content-Digest']
    }
    return $digests
}

function Invoke-Git {
    & git @args
    if ($LASTEXITCODE -ne 0) { throw "git $args failed with exit code $LASTEXITCODE" }
}

<#
.SYNOPSIS
    Makes a git repository holding the given files (relative path → content), a bare 'origin' of it, and a clone.
    Returns Root, Origin (bare) and Clone, all absolute.
#>
function New-TestGitRepository {
    param([Parameter(Mandatory)] [hashtable] $Files, [string] $Branch = 'main')
    $root = New-TestDirectory
    $seed = Join-Path $root 'seed'
    foreach ($entry in $Files.GetEnumerator()) {
        $path = Join-Path $seed $entry.Key
        New-Item -ItemType Directory -Force -Path (Split-Path $path) | Out-Null
        [IO.File]::WriteAllText($path, $entry.Value)
    }
    Invoke-Git -C $seed init --quiet --initial-branch $Branch
    Invoke-Git -C $seed add --all
    Invoke-Git -C $seed -c user.name=test -c user.email=test@tazlab.net commit --quiet --message 'Initial commit'
    $origin = Join-Path $root 'origin.git'
    $clone = Join-Path $root 'clone'
    Invoke-Git clone --quiet --bare $seed $origin
    Invoke-Git clone --quiet $origin $clone
    return [pscustomobject]@{ Root = $root; Origin = $origin; Clone = $clone }
}

Export-ModuleMember -Function Get-TestModulePath, Get-TestToolsPath, Get-PwshCommand, Invoke-ChildPwsh, New-TestDirectory,
    Start-TestRegistry, Stop-TestRegistry, Push-TestImage, Invoke-Git, New-TestGitRepository
