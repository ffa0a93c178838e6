# Registry helpers for the Get-RegistryTag tests and bench: htpasswd and TLS registries (on top of TestHelpers'
# Start-TestRegistry), thousands of tags written straight into the registry's storage, and a server that never answers.

$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot '../TestHelpers.psm1')

<#
.SYNOPSIS
    Starts docker-registry with htpasswd (bcrypt, from 'htpasswd -B') for one user.
#>
function Start-TestBasicAuthRegistry {
    param([Parameter(Mandatory)] [string] $User, [Parameter(Mandatory)] [string] $Password)
    $directory = New-TestDirectory
    $file = Join-Path $directory 'htpasswd'
    htpasswd -Bbn $User $Password | Set-Content -Path $file
    if ($LASTEXITCODE -ne 0) { throw 'htpasswd failed: install apache2-utils.' }
    $registry = Start-TestRegistry -ExtraConfig "auth:`n  htpasswd:`n    realm: test-realm`n    path: $file"
    $registry | Add-Member -NotePropertyName AuthDirectory -NotePropertyValue $directory -PassThru
}

<#
.SYNOPSIS
    Starts docker-registry over HTTPS with a certificate for 127.0.0.1 signed by a throw-away CA; CaPath is that CA.
#>
function Start-TestTlsRegistry {
    $directory = New-TestDirectory
    $sha256 = [Security.Cryptography.HashAlgorithmName]::SHA256
    $pkcs1 = [Security.Cryptography.RSASignaturePadding]::Pkcs1
    $caKey = [Security.Cryptography.RSA]::Create(2048)
    $caRequest = [Security.Cryptography.X509Certificates.CertificateRequest]::new('CN=TazLab Pester CA', $caKey, $sha256, $pkcs1)
    $caRequest.CertificateExtensions.Add([Security.Cryptography.X509Certificates.X509BasicConstraintsExtension]::new($true, $false, 0, $true))
    $ca = $caRequest.CreateSelfSigned([DateTimeOffset]::UtcNow.AddDays(-1), [DateTimeOffset]::UtcNow.AddDays(2))
    $key = [Security.Cryptography.RSA]::Create(2048)
    $request = [Security.Cryptography.X509Certificates.CertificateRequest]::new('CN=127.0.0.1', $key, $sha256, $pkcs1)
    $names = [Security.Cryptography.X509Certificates.SubjectAlternativeNameBuilder]::new()
    $names.AddIpAddress([Net.IPAddress]::Loopback)
    $request.CertificateExtensions.Add($names.Build())
    $certificate = $request.Create($ca, [DateTimeOffset]::UtcNow.AddHours(-1), [DateTimeOffset]::UtcNow.AddDays(1), [byte[]](1..8))
    $paths = @{ Ca = Join-Path $directory 'ca.crt'; Certificate = Join-Path $directory 'tls.crt'; Key = Join-Path $directory 'tls.key' }
    Set-Content -Path $paths.Ca -Value $ca.ExportCertificatePem()
    Set-Content -Path $paths.Certificate -Value $certificate.ExportCertificatePem()
    Set-Content -Path $paths.Key -Value $key.ExportPkcs8PrivateKeyPem()
    # Appended right after the http section's last key, so the indented block belongs to http.
    $registry = Start-TestRegistry -ExtraConfig "  tls:`n    certificate: $($paths.Certificate)`n    key: $($paths.Key)"
    $registry | Add-Member -NotePropertyName CaPath -NotePropertyValue $paths.Ca
    $registry | Add-Member -NotePropertyName AuthDirectory -NotePropertyValue $directory -PassThru
}

function Stop-TestRegistryWithFiles {
    param([Parameter(Mandatory)] $Registry)
    Stop-TestRegistry $Registry
    Remove-Item $Registry.AuthDirectory -Recurse -Force -ErrorAction Ignore
}

<#
.SYNOPSIS
    Tags one small OCI image under every given name, written straight into the storage layout docker-registry's
    filesystem driver uses (blobs, revision link, one directory per tag). The registry serves these tags as if pushed,
    whatever auth it demands, and ten thousand of them take a second instead of ten thousand manifest PUTs.
    Returns the manifest digest all the tags share.
#>
function Add-TestRegistryTag {
    param([Parameter(Mandatory)] $Registry, [Parameter(Mandatory)] [string] $Repository, [Parameter(Mandatory)] [string[]] $Tag)
    $root = Join-Path $Registry.Directory 'data/docker/registry/v2'
    function Write-Blob([byte[]] $bytes) {
        $hex = [Convert]::ToHexString([Security.Cryptography.SHA256]::HashData($bytes)).ToLowerInvariant()
        $path = Join-Path $root "blobs/sha256/$($hex.Substring(0, 2))/$hex"
        New-Item -ItemType Directory -Force -Path $path | Out-Null
        [IO.File]::WriteAllBytes((Join-Path $path 'data'), $bytes)
        return @{ Digest = "sha256:$hex"; Hex = $hex; Size = $bytes.Length }
    }
    function Write-Link([string] $directory, [string] $digest) {
        [IO.Directory]::CreateDirectory($directory) | Out-Null
        [IO.File]::WriteAllText((Join-Path $directory 'link'), $digest)
    }
    $config = Write-Blob ([Text.Encoding]::UTF8.GetBytes('{"architecture":"amd64","os":"linux","config":{},"rootfs":{"type":"layers","diff_ids":[]}}'))
    $manifest = Write-Blob ([Text.Encoding]::UTF8.GetBytes(
            "{`"schemaVersion`":2,`"mediaType`":`"application/vnd.oci.image.manifest.v1+json`",`"config`":{`"mediaType`":`"application/vnd.oci.image.config.v1+json`",`"digest`":`"$($config.Digest)`",`"size`":$($config.Size)},`"layers`":[]}"))
    $repositoryRoot = Join-Path $root "repositories/$Repository"
    Write-Link (Join-Path $repositoryRoot "_layers/sha256/$($config.Hex)") $config.Digest
    Write-Link (Join-Path $repositoryRoot "_manifests/revisions/sha256/$($manifest.Hex)") $manifest.Digest
    foreach ($name in $Tag) {
        Write-Link (Join-Path $repositoryRoot "_manifests/tags/$name/current") $manifest.Digest
        Write-Link (Join-Path $repositoryRoot "_manifests/tags/$name/index/sha256/$($manifest.Hex)") $manifest.Digest
    }
    return $manifest.Digest
}

<#
.SYNOPSIS
    A TCP port on 127.0.0.1 that accepts connections and never answers: a registry that hangs.
#>
function Start-StalledServer {
    $listener = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
    $listener.Start()
    return [pscustomobject]@{ Listener = $listener; Address = "127.0.0.1:$($listener.LocalEndpoint.Port)" }
}

<#
.SYNOPSIS
    A hostile registry on 127.0.0.1 (what a real one cannot be made to do): it asks for Basic credentials, then answers
    500 with the request's Authorization header, terminal escapes and a fake WARNING line in its error message.
    Stop it with Stop-EchoingServer.
#>
function Start-EchoingServer {
    $listener = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
    $listener.Start()
    $shell = [powershell]::Create()
    $null = $shell.AddScript({
        param($listener)
        while ($true) {
            try { $client = $listener.AcceptTcpClient() } catch { return } # stopped
            try {
                $stream = $client.GetStream()
                if ($stream.ReadByte() -eq 0x16) {
                    # A TLS ClientHello: answer like Go's net/http, so the client falls back to plain HTTP on loopback.
                    $stream.Write([Text.Encoding]::ASCII.GetBytes("HTTP/1.0 400 Bad Request`r`n`r`n"))
                    continue
                }

                $reader = [IO.StreamReader]::new($stream, [Text.Encoding]::ASCII)
                $authorization = $null
                while ($line = $reader.ReadLine()) { if ($line -match '^Authorization:\s*(.*)$') { $authorization = $Matches[1] } }
                if ($null -eq $authorization) {
                    $status = '401 Unauthorized'; $extra = "WWW-Authenticate: Basic realm=`"echo`"`r`n"
                    $body = '{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}'
                }
                else {
                    $status = '500 Internal Server Error'; $extra = ''
                    $body = '{"errors":[{"code":"UNKNOWN","message":"cannot handle map[Authorization:[' + $authorization + ']] \u001b[2J\u001b]0;pwned\u0007\r\nWARNING: fake"}]}'
                }

                $bytes = [Text.Encoding]::UTF8.GetBytes($body)
                $stream.Write([Text.Encoding]::ASCII.GetBytes("HTTP/1.1 $status`r`nContent-Type: application/json`r`nContent-Length: $($bytes.Length)`r`nConnection: close`r`n$extra`r`n"))
                $stream.Write($bytes)
                $stream.Flush()
            }
            catch { }
            finally { $client.Dispose() }
        }
    }).AddArgument($listener)
    $null = $shell.BeginInvoke()
    return [pscustomobject]@{ Listener = $listener; Shell = $shell; Address = "127.0.0.1:$($listener.LocalEndpoint.Port)" }
}

function Stop-EchoingServer($Server) {
    $Server.Listener.Stop()
    $Server.Shell.Stop()
    $Server.Shell.Dispose()
}

Export-ModuleMember -Function Start-TestBasicAuthRegistry, Start-TestTlsRegistry, Stop-TestRegistryWithFiles, Add-TestRegistryTag, Start-StalledServer, Start-EchoingServer, Stop-EchoingServer
