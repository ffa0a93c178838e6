# Select-ImagePolicyTag -DigestReflection (Flux's digestReflectionPolicy), against Debian's docker-registry.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-TestModulePath) -Force
    $examples = Join-Path $PSScriptRoot '../../examples' | Resolve-Path

    $registry = Start-TestRegistry
    $digests = Push-TestImage -Address $registry.Address -Repository team/app -Tag '1.0.0', '1.2.0', '2.0.0-rc.1'
    $image = "$($registry.Address)/team/app"
}
AfterAll { Stop-TestRegistry $registry }

Describe 'Digest reflection' {
    It 'Never (the default) selects the tag without a digest' {
        $selection = Get-RegistryTag -Image $image | Select-ImagePolicyTag -Policy flux-system:app -SemVer '^1.0'
        $selection.Tag | Should -Be '1.2.0'
        $selection.Digest | Should -BeNullOrEmpty
        $selection.Reference | Should -Be "${image}:1.2.0"
    }

    It 'Always asks the registry for the selected tag''s manifest digest' {
        $selection = Get-RegistryTag -Image $image | Select-ImagePolicyTag -Policy flux-system:app -SemVer '^1.0' -DigestReflection Always
        $selection.Digest | Should -Be $digests['1.2.0']
        $selection.Reference | Should -Be "${image}:1.2.0@$($digests['1.2.0'])"
    }

    It 'IfNotPresent asks the registry when the tag source reported no digest' {
        $selection = '1.0.0', '1.2.0' | Select-ImagePolicyTag -Image $image -Policy flux-system:app -SemVer '^1.0' -DigestReflection IfNotPresent
        $selection.Digest | Should -Be $digests['1.2.0']
    }

    It 'IfNotPresent uses the digest an OCI layout reported, without asking any registry' {
        $layout = Join-Path $examples 'registry/tazzo/tazlab-blog'
        $expected = (Get-Content (Join-Path $layout 'index.json') -Raw | ConvertFrom-Json).manifests |
            Where-Object { $_.annotations.'org.opencontainers.image.ref.name' -eq 'tazzo/tazlab-blog:blog-46-0f1e2d3' } | ForEach-Object digest
        # The image names Docker Hub, which this machine cannot reach: a lookup would fail.
        $selection = Get-RegistryTag -Image "ocidir://$layout" |
            Select-ImagePolicyTag -Policy flux-system:hugo-blog -Pattern '^blog-(?P<n>[0-9]+)-' -Extract '$n' -Numerical -DigestReflection IfNotPresent -TimeoutSec 5
        $selection.Digest | Should -Be $expected
    }

    It 'makes the full-image setter write image:tag@digest' {
        $directory = New-TestDirectory
        try {
            Set-Content (Join-Path $directory 'deploy.yaml') "image: ${image}:1.0.0 # {`"`$imagepolicy`": `"flux-system:app`"}"
            $change = Get-RegistryTag -Image $image |
                Select-ImagePolicyTag -Policy flux-system:app -SemVer '^1.0' -DigestReflection Always |
                Update-ImageSetter -Path $directory
            $change.NewValue | Should -Be "${image}:1.2.0@$($digests['1.2.0'])"
            Get-Content (Join-Path $directory 'deploy.yaml') | Should -Be "image: ${image}:1.2.0@$($digests['1.2.0']) # {`"`$imagepolicy`": `"flux-system:app`"}"
        }
        finally { Remove-Item $directory -Recurse -Force }
    }

    It 'looks the digest up with the credentials the tags were listed with' {
        . {
            Import-Module (Join-Path $PSScriptRoot 'Helpers/Registry.psm1') -Force
            $private = Start-TestBasicAuthRegistry -User ci -Password 'Digest-Pw-81'
            $savedDockerConfig = $env:DOCKER_CONFIG
            $env:DOCKER_CONFIG = New-TestDirectory
        }
        try {
            $expected = Add-TestRegistryTag -Registry $private -Repository team/api -Tag '1.0.0', '1.1.0'
            $credential = [pscredential]::new('ci', (ConvertTo-SecureString 'Digest-Pw-81' -AsPlainText -Force))
            $listed = "$($private.Address)/team/api"
            $selection = Get-RegistryTag -Image $listed -Credential $credential |
                Select-ImagePolicyTag -SemVer '*' -DigestReflection Always -ErrorVariable failures -ErrorAction SilentlyContinue
            $failures | Should -BeNullOrEmpty
            $selection.Reference | Should -Be "${listed}:1.1.0@$expected"
            (Get-RegistryTag -Image $listed -Credential $credential -AsList | Select-ImagePolicyTag -SemVer '*' -DigestReflection Always).Digest |
                Should -Be $expected
        }
        finally {
            Remove-Item $env:DOCKER_CONFIG -Recurse -Force -ErrorAction Ignore
            $env:DOCKER_CONFIG = $savedDockerConfig
            Stop-TestRegistryWithFiles $private
        }
    }

    It 'writes a NotFound error naming the tag when the registry has no such manifest' {
        $selection = 'un-pushed.1.0' | Select-ImagePolicyTag -Image $image -Policy flux-system:app -Alphabetical -DigestReflection Always -ErrorVariable failures -ErrorAction SilentlyContinue
        $selection | Should -BeNullOrEmpty
        $failures.Count | Should -Be 1
        $failures[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $failures[0].Exception.Message | Should -Match 'un-pushed\.1\.0'
    }
}
