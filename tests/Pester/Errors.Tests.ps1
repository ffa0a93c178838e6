# Bad input gets an ErrorRecord with a category, our error id and a message naming the bad value; never a raw exception.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-TestModulePath) -Force

    function Get-FreePort {
        $listener = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
        $listener.Start()
        try { return $listener.LocalEndpoint.Port } finally { $listener.Stop() }
    }
}

Describe 'Errors for bad input' {
    It 'reports a registry that is not listening as a ConnectionError naming the registry, and keeps going' {
        $port = Get-FreePort
        $tags = Get-RegistryTag -Image "127.0.0.1:$port/tazzo/tazlab-blog", "ocidir://$PSScriptRoot/../../examples/registry/tazzo/tazlab-wiki" -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures.Count | Should -Be 1
        $failures[0].CategoryInfo.Category | Should -Be 'ConnectionError'
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'RegistryUnreachable,*'
        $failures[0].Exception.Message | Should -Match ([regex]::Escape("127.0.0.1:$port"))
        $tags.Count | Should -Be 5 -Because 'the second image still lists'
    }

    It 'rejects an image name with upper-case letters, saying which' {
        Get-RegistryTag -Image 'Tazzo/TazLab-Blog' -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'InvalidImageName,*'
        $failures[0].Exception.Message | Should -Be "image 'Tazzo/TazLab-Blog' must be lower case"
        $failures[0].ErrorDetails.RecommendedAction | Should -Match 'tazzo/tazlab-blog'
    }

    It 'rejects a tag in the image name, saying what to remove' {
        Get-RegistryTag -Image 'ghcr.io/org/app:1.0.0' -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures[0].Exception.Message | Should -Be "image 'ghcr.io/org/app:1.0.0' should not include a tag; remove ':1.0.0'"
    }

    It 'stops on a path that does not exist, naming it' {
        $missing = Join-Path ([IO.Path]::GetTempPath()) 'tazlab-no-such-dir'
        $thrown = { [pscustomobject]@{ Policy = 'flux-system:app'; Image = 'example/app'; Tag = '1' } | Update-ImageSetter -Path $missing } |
            Should -Throw -PassThru
        $thrown.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $thrown.FullyQualifiedErrorId | Should -BeLike 'DirectoryNotFound,*'
        $thrown.Exception.Message | Should -Match ([regex]::Escape($missing))
    }

    It 'stops on a repository path that is not a git repository, naming it' {
        $directory = New-TestDirectory
        try {
            $change = [TazLab.ImageAutomation.ImageSetterChange]::new()
            $thrown = { $change | Submit-AutomationCommit -RepositoryPath $directory -AuthorEmail bot@tazlab.net } | Should -Throw -PassThru
            $thrown.CategoryInfo.Category | Should -Be 'ObjectNotFound'
            $thrown.FullyQualifiedErrorId | Should -BeLike 'GitRepositoryNotFound,*'
            $thrown.Exception.Message | Should -Match ([regex]::Escape($directory))
        }
        finally { Remove-Item $directory -Recurse -Force }
    }

    It 'stops on an invalid tag pattern before reading any tag, naming the pattern' {
        $thrown = { 'a', 'b' | Select-ImagePolicyTag -Alphabetical -Pattern '([a-z' } | Should -Throw -PassThru
        $thrown.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $thrown.Exception.Message | Should -Match ([regex]::Escape("'([a-z'"))
    }
}
