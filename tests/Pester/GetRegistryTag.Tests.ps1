# Get-RegistryTag as users call it: parameters, pipeline binding, credentials, TLS switches, mirrors, concurrency,
# Ctrl+C, and that no secret reaches any stream. Engine details (paging, retries, token auth) are in the xunit suite.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'Helpers/Registry.psm1') -Force
    Import-Module (Get-TestModulePath) -Force
}

Describe 'Get-RegistryTag against an anonymous registry' {
    BeforeAll {
        $registry = Start-TestRegistry
        $digest = Add-TestRegistryTag -Registry $registry -Repository tazzo/tazlab-blog -Tag 'blog-9-abcdef0', 'blog-45-a1b2c3d', 'latest', 'sha256-0f1e.sig'
        Add-TestRegistryTag -Registry $registry -Repository tazzo/tazlab-wiki -Tag 'wiki-1-aaaaaaa' | Out-Null
        $blog = "$($registry.Address)/tazzo/tazlab-blog"
        $wiki = "$($registry.Address)/tazzo/tazlab-wiki"
    }
    AfterAll { Stop-TestRegistry $registry }

    It 'lists tags in ordinal order without cosign signatures, each with its reference' {
        $tags = Get-RegistryTag -Image $blog
        $tags.Tag | Should -Be 'blog-45-a1b2c3d', 'blog-9-abcdef0', 'latest'
        $tags[0].Reference | Should -Be "${blog}:blog-45-a1b2c3d"
        $tags[0].CanonicalImage | Should -Be $blog
        $tags[0] | Should -BeOfType ([TazLab.ImageAutomation.RegistryTag])
    }

    It '-ExcludePattern replaces the default list' {
        (Get-RegistryTag -Image $blog -ExcludePattern '^latest$').Tag | Should -Be 'blog-45-a1b2c3d', 'blog-9-abcdef0', 'sha256-0f1e.sig'
        (Get-RegistryTag -Image $blog -ExcludePattern @()).Tag | Should -Not -Contain 'sha256-0f1e.sig' -Because 'an empty list means the default'
    }

    It 'stops before listing when an -ExcludePattern does not compile' {
        $thrown = { Get-RegistryTag -Image $blog -ExcludePattern '(?<=x)y' } | Should -Throw -PassThru
        $thrown.FullyQualifiedErrorId | Should -BeLike 'InvalidExcludePattern,*'
        $thrown.CategoryInfo.Category | Should -Be 'InvalidArgument'
    }

    It 'takes images from the pipeline by value and by property name' {
        ($blog, $wiki | Get-RegistryTag).Count | Should -Be 4
        ([pscustomobject]@{ Image = $wiki } | Get-RegistryTag).Tag | Should -Be 'wiki-1-aaaaaaa'
    }

    It 'keeps input order across many concurrent images and writes a failing one as an error in place' {
        $images = @(1..9 | ForEach-Object { if ($_ -eq 5) { "$($registry.Address)/tazzo/missing" } elseif ($_ % 2) { $blog } else { $wiki } })
        $output = Get-RegistryTag -Image $images -ThrottleLimit 4 -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures.Count | Should -Be 1
        $failures[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $failures[0].TargetObject | Should -Be "$($registry.Address)/tazzo/missing"
        $expected = foreach ($image in $images | Where-Object { $_ -notlike '*missing' }) { if ($image -eq $blog) { 'blog-45-a1b2c3d', 'blog-9-abcdef0', 'latest' } else { 'wiki-1-aaaaaaa' } }
        $output.Tag | Should -Be $expected
    }

    It 'lists Docker Hub images from a -RegistryMirror and keeps their names' {
        Add-TestRegistryTag -Registry $registry -Repository library/alpine -Tag '3.20', '3.21' | Out-Null
        $tags = Get-RegistryTag -Image tazzo/tazlab-blog, alpine -RegistryMirror @{ 'docker.io' = "http://$($registry.Address)" }
        $tags.Reference | Should -Be 'tazzo/tazlab-blog:blog-45-a1b2c3d', 'tazzo/tazlab-blog:blog-9-abcdef0', 'tazzo/tazlab-blog:latest', 'alpine:3.20', 'alpine:3.21'
        $tags[-1].CanonicalImage | Should -Be 'index.docker.io/library/alpine'
    }

    It 'refuses a plain-HTTP mirror on another host without -AllowInsecureHttp' {
        $thrown = { Get-RegistryTag -Image alpine -RegistryMirror @{ 'docker.io' = 'http://mirror.example:5000' } } | Should -Throw -PassThru
        $thrown.FullyQualifiedErrorId | Should -BeLike 'InsecureRegistryMirror,*'
    }

    It '-AsList emits one RegistryTagList per image, in input order, with the tags in ordinal order' {
        $lists = Get-RegistryTag -Image $wiki, $blog -AsList
        $lists.Count | Should -Be 2
        $lists[0] | Should -BeOfType ([TazLab.ImageAutomation.RegistryTagList])
        $lists[0].Image | Should -Be $wiki
        $lists[1].Tag | Should -Be 'blog-45-a1b2c3d', 'blog-9-abcdef0', 'latest'
        $lists[1].Count | Should -Be 3
        $lists[1].CanonicalImage | Should -Be $blog
    }

    It 'lists an image whose registry has no tags as an empty RegistryTagList, and warns without -AsList' {
        Add-TestRegistryTag -Registry $registry -Repository tazzo/emptied -Tag 'gone' | Out-Null
        Remove-Item (Join-Path $registry.Directory 'data/docker/registry/v2/repositories/tazzo/emptied/_manifests/tags/gone') -Recurse
        $empty = "$($registry.Address)/tazzo/emptied"
        $list = Get-RegistryTag -Image $empty -AsList
        $list.Count | Should -Be 0
        $list.Image | Should -Be $empty
        $tags = Get-RegistryTag -Image $empty -WarningVariable warnings -WarningAction SilentlyContinue
        $tags | Should -BeNullOrEmpty
        $warnings[0].Message | Should -Match ([regex]::Escape("'$empty' has no tags"))
    }

    It 'names the image as given as the TargetObject of an error about it' {
        Get-RegistryTag -Image 'Not/Valid' -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures[0].TargetObject | Should -BeExactly 'Not/Valid'
        $failures[0].TargetObject | Should -BeOfType ([string])
    }

    It 'shows the requests with -Verbose' {
        $verbose = Get-RegistryTag -Image $wiki -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        $verbose.Message | Should -Contain "GET http://$($registry.Address)/v2/tazzo/tazlab-wiki/tags/list?n=1000"
    }
}

Describe 'Get-RegistryTag credentials' {
    BeforeAll {
        $password = 'Pester-Pw-4417'
        $registry = Start-TestBasicAuthRegistry -User ci -Password $password
        Add-TestRegistryTag -Registry $registry -Repository team/api -Tag '1.0.0' | Out-Null
        $image = "$($registry.Address)/team/api"
        $savedDockerConfig = $env:DOCKER_CONFIG
        $env:DOCKER_CONFIG = New-TestDirectory # empty: the developer's own docker login must not take part
    }
    AfterAll {
        Remove-Item $env:DOCKER_CONFIG -Recurse -Force -ErrorAction Ignore
        $env:DOCKER_CONFIG = $savedDockerConfig
        Stop-TestRegistryWithFiles $registry
    }

    It 'logs in with -Credential' {
        $credential = [pscredential]::new('ci', (ConvertTo-SecureString $password -AsPlainText -Force))
        (Get-RegistryTag -Image $image -Credential $credential).Tag | Should -Be '1.0.0'
    }

    It 'reports an AuthenticationError naming image and registry when no credential is found' {
        Get-RegistryTag -Image $image -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures[0].CategoryInfo.Category | Should -Be 'AuthenticationError'
        $failures[0].Exception.Message | Should -Match ([regex]::Escape("'$image'"))
        $failures[0].ErrorDetails.RecommendedAction | Should -Match 'docker login'
    }

    It 'uses the auths entry of $DOCKER_CONFIG/config.json' {
        $auth = [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes("ci:$password"))
        @{ auths = @{ "$($registry.Address)" = @{ auth = $auth } } } | ConvertTo-Json -Depth 3 | Set-Content (Join-Path $env:DOCKER_CONFIG 'config.json')
        try { (Get-RegistryTag -Image $image).Tag | Should -Be '1.0.0' }
        finally { Remove-Item (Join-Path $env:DOCKER_CONFIG 'config.json') }
    }

    It 'never shows the password, its base64 or an Authorization header in any stream or error, even when the registry echoes it' {
        $config = New-TestDirectory
        $echo = Start-EchoingServer
        try {
            $auth = [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes("ci:$password"))
            @{ auths = @{ "$($registry.Address)" = @{ auth = $auth } } } | ConvertTo-Json -Depth 3 | Set-Content (Join-Path $config 'config.json')
            $result = Invoke-ChildPwsh -Script @"
`$ErrorActionPreference = 'Continue'
`$VerbosePreference = 'Continue'; `$DebugPreference = 'Continue'; `$InformationPreference = 'Continue'
Import-Module '$(Get-TestModulePath)'
`$good = [pscredential]::new('ci', (ConvertTo-SecureString '$password' -AsPlainText -Force))
`$bad = [pscredential]::new('ci', (ConvertTo-SecureString '${password}x' -AsPlainText -Force))
& {
    Get-RegistryTag -Image '$image' -Credential `$good -Verbose -Debug
    Get-RegistryTag -Image '$image' -Credential `$good -AsList | Format-List * -Force
    Get-RegistryTag -Image '$image' -Credential `$good | Format-List * -Force
    Get-RegistryTag -Image '$image' -Credential `$good | Select-ImagePolicyTag -SemVer '*' -DigestReflection Always -Verbose | Format-List * -Force
    Get-RegistryTag -Image '$image', '$($registry.Address)/team/missing' -Credential `$bad -Verbose -Debug
    Get-RegistryTag -Image '$($registry.Address)/team/missing' -Credential `$good -Verbose -Debug
    `$env:DOCKER_CONFIG = '$config'
    Get-RegistryTag -Image '$image' -Verbose -Debug
    Get-RegistryTag -Image '$($echo.Address)/team/api' -Credential `$good -Verbose -Debug
} *>&1 | Out-String -Width 400
`$Error | Format-List * -Force | Out-String -Width 400
`$Error | ForEach-Object { `$_.Exception.ToString(); `$_.ErrorDetails | Format-List * -Force | Out-String }
"@
            $everything = $result.Output + $result.Error
            $everything | Should -Match 'Using user ''ci'' from -Credential' -Because 'the run must have reached the registry'
            $everything | Should -Match 'AuthenticationError|refused access'
            $everything | Should -Not -Match $password
            $everything | Should -Not -Match ([regex]::Escape($auth))
            $everything | Should -Match 'cannot handle map' -Because 'the echoing registry must have been reached'
            $everything | Should -Not -Match '(Basic|Bearer) (?!\*\*\*)' -Because 'an echoed header is shown masked'
            # Its escapes are shown as text, not sent to the terminal, and its line break cannot start a fake warning line.
            $everything | Should -Match ([regex]::Escape('\u001B]0;pwned'))
            # PowerShell may colour its own VERBOSE/ERROR prefixes (depending on the terminal); the server's sequences never pass.
            $everything | Should -Not -Match "`e\[2J|`e\]0;pwned|`a"
            $everything -split "`n" | Where-Object { $_ -match '^\s*WARNING: fake' } | Should -BeNullOrEmpty
        }
        finally {
            Stop-EchoingServer $echo
            Remove-Item $config -Recurse -Force
        }
    }
}

Describe 'Get-RegistryTag over TLS' {
    BeforeAll {
        $registry = Start-TestTlsRegistry
        Add-TestRegistryTag -Registry $registry -Repository team/api -Tag '2.0.0' | Out-Null
        $image = "$($registry.Address)/team/api"
    }
    AfterAll { Stop-TestRegistryWithFiles $registry }

    It 'refuses a certificate it cannot verify, saying what to pass' {
        Get-RegistryTag -Image $image -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'RegistryCertificateUntrusted,*'
        $failures[0].ErrorDetails.RecommendedAction | Should -Match '-CertificatePath'
    }

    It 'verifies the certificate with -CertificatePath' {
        (Get-RegistryTag -Image $image -CertificatePath $registry.CaPath).Tag | Should -Be '2.0.0'
    }

    It 'accepts any certificate with -SkipCertificateCheck' {
        (Get-RegistryTag -Image $image -SkipCertificateCheck).Tag | Should -Be '2.0.0'
    }
}

Describe 'Stopping Get-RegistryTag' {
    It 'gives up on a registry that does not answer within -TimeoutSec, as an OperationTimeout naming the image' {
        $server = Start-StalledServer
        try {
            Get-RegistryTag -Image "$($server.Address)/team/api" -TimeoutSec 1 -ErrorVariable failures -ErrorAction SilentlyContinue
            $failures[0].CategoryInfo.Category | Should -Be 'OperationTimeout'
            $failures[0].FullyQualifiedErrorId | Should -BeLike 'RegistryTimeout,*'
            $failures[0].Exception.Message | Should -Match ([regex]::Escape("'$($server.Address)/team/api'"))
        }
        finally { $server.Listener.Stop() }
    }

    It 'cancels a hanging request promptly when the pipeline is stopped (Ctrl+C)' {
        $server = Start-StalledServer
        $shell = [powershell]::Create()
        try {
            $null = $shell.AddScript("Import-Module '$(Get-TestModulePath)'; Get-RegistryTag -Image '$($server.Address)/team/api' -TimeoutSec 120")
            $null = $shell.BeginInvoke()
            Start-Sleep -Milliseconds 500
            $shell.InvocationStateInfo.State | Should -Be 'Running' -Because 'the request hangs'
            $stopping = $shell.BeginStop($null, $null)
            $stopping.AsyncWaitHandle.WaitOne([TimeSpan]::FromSeconds(30)) | Should -BeTrue -Because 'stopping must not wait for the 120 s timeout'
            $shell.InvocationStateInfo.State | Should -Be 'Stopped'
        }
        finally {
            $shell.Dispose()
            $server.Listener.Stop()
        }
    }
}
