# Helpers for Submit-AutomationCommit's tests: a repository of two apps with setter markers, and a real git server
# over HTTP (lighttpd running git's own git-http-backend) with Basic authentication.

$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1')

function Get-AppDeployment {
    param([Parameter(Mandatory)] [string] $App, [Parameter(Mandatory)] [string] $Tag)
    return @"
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-$App
  namespace: apps
spec:
  template:
    spec:
      containers:
      - name: app
        image: registry.example/app-${App}:$Tag # {"`$imagepolicy": "flux-system:app-$App"}

"@
}

<#
.SYNOPSIS
    A bare origin holding apps/a and apps/b (markers flux-system:app-a and :app-b) and a clone; the origin refuses forced pushes.
#>
function New-AppsRepository {
    $repository = New-TestGitRepository -Files @{
        'apps/a/deploy.yaml' = Get-AppDeployment -App a -Tag 1.0.0
        'apps/b/deploy.yaml' = Get-AppDeployment -App b -Tag 1.0.0
        'README.md'          = "# apps`n"
    }
    Invoke-Git --git-dir $repository.Origin config receive.denyNonFastForwards true
    return $repository
}

<#
.SYNOPSIS
    What a person does: clone, edit a file, commit and push with the git CLI.
#>
function Invoke-PersonPush {
    param([Parameter(Mandatory)] $Repository, [Parameter(Mandatory)] [string] $File, [Parameter(Mandatory)] [string] $Content)
    $person = Join-Path $Repository.Root "person-$([guid]::NewGuid().ToString('N').Substring(0, 6))"
    Invoke-Git clone --quiet $Repository.Origin $person
    [IO.File]::WriteAllText((Join-Path $person $File), $Content)
    Invoke-Git -C $person -c user.name=person -c user.email=person@tazlab.net commit --quiet --all --message "A person edits $File"
    Invoke-Git -C $person push --quiet origin HEAD
    return Invoke-Git -C $person rev-parse HEAD
}

<#
.SYNOPSIS
    Serves the bare repositories beside -Origin over http://127.0.0.1:PORT/git/<name> with one user; returns Url, UserName, Password.
#>
function Start-TestGitServer {
    param([Parameter(Mandatory)] [string] $Origin)
    $lighttpd = (Get-Command lighttpd -ErrorAction Ignore)?.Source ?? '/usr/sbin/lighttpd'
    if (-not (Test-Path $lighttpd)) { throw 'The HTTP git tests need lighttpd: apt-get install lighttpd.' }
    $folder = New-TestDirectory
    $listener = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
    $listener.Start(); $port = $listener.LocalEndpoint.Port; $listener.Stop()
    $password = "pw-$([guid]::NewGuid().ToString('N').Substring(0, 16))"
    Set-Content -Path (Join-Path $folder 'users') -Value "automation:$password"
    $config = Join-Path $folder 'lighttpd.conf'
    $template = Get-Content -Raw (Join-Path $PSScriptRoot 'GitHttpServer.lighttpd.conf')
    Set-Content -Path $config -Value $template.Replace('@FOLDER@', $folder).Replace('@PORT@', "$port").Replace('@PROJECT_ROOT@', (Split-Path $Origin))
    $process = Start-Process -FilePath $lighttpd -ArgumentList '-D', '-f', $config -PassThru -RedirectStandardError (Join-Path $folder 'stderr.log')
    for ($i = 0; $i -lt 100; $i++) {
        $client = [Net.Sockets.TcpClient]::new()
        try { $client.Connect([Net.IPAddress]::Loopback, $port); break } catch { Start-Sleep -Milliseconds 50 } finally { $client.Dispose() }
    }
    return [pscustomobject]@{
        Url = "http://127.0.0.1:$port/git/$(Split-Path $Origin -Leaf)"; UserName = 'automation'; Password = $password
        Process = $process; Folder = $folder
    }
}

function Stop-TestGitServer {
    param([Parameter(Mandatory)] $Server)
    if (-not $Server.Process.HasExited) { $Server.Process.Kill(); $Server.Process.WaitForExit() }
    Remove-Item $Server.Folder -Recurse -Force -ErrorAction Ignore
}

Export-ModuleMember -Function Get-AppDeployment, New-AppsRepository, Invoke-PersonPush, Start-TestGitServer, Stop-TestGitServer
