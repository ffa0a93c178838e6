# The walking skeleton's promise: the four commands piped together, against a real registry and against an OCI layout,
# end with the updated image committed on the bare remote.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-TestModulePath) -Force
    $examples = Join-Path $PSScriptRoot '../../examples' | Resolve-Path

    function New-BlogRepository {
        param([string] $Image)
        New-TestGitRepository -Branch master -Files @{
            'apps/base/hugo-blog/deployment.yaml' = @"
apiVersion: apps/v1
kind: Deployment
metadata:
  name: hugo-blog
  namespace: hugo-blog

spec:
  template:
    spec:
      containers:
        - name: hugo-blog
          image: ${Image}:blog-45-a1b2c3d # {"`$imagepolicy": "flux-system:hugo-blog"}
"@
            'apps/base/hugo-wiki/deployment.yaml' = "image: tazzo/tazlab-wiki:wiki-12-e4f5a6b # {`"`$imagepolicy`": `"flux-system:hugo-wiki`"}`n"
        }
    }

    function Invoke-BlogPipeline {
        param([string] $Image, [string] $Clone)
        Push-Location $Clone
        try {
            Get-RegistryTag -Image $Image |
                Select-ImagePolicyTag -Policy flux-system:hugo-blog -Pattern '^blog-(?P<value>[0-9]+)-.*$' -Extract '$value' -Numerical |
                Update-ImageSetter -Path ./apps/base/hugo-blog |
                Submit-AutomationCommit -RepositoryPath . -AuthorName fluxcdbot -AuthorEmail fluxcdbot@tazlab.net -Message 'chore: self-update hugo-blog image [skip ci]' -Push
        }
        finally { Pop-Location }
    }
}

Describe 'The pipeline against Debian''s docker-registry' {
    BeforeAll {
        $registry = Start-TestRegistry
        Push-TestImage -Address $registry.Address -Repository tazzo/tazlab-blog -Tag 'blog-9-abcdef0', 'blog-45-a1b2c3d', 'blog-46-0f1e2d3', 'latest' | Out-Null
        $image = "$($registry.Address)/tazzo/tazlab-blog"
        $repository = New-BlogRepository -Image $image
        $commit = Invoke-BlogPipeline -Image $image -Clone $repository.Clone
    }
    AfterAll {
        Stop-TestRegistry $registry
        Remove-Item $repository.Root -Recurse -Force -ErrorAction Ignore
    }

    It 'lists every tag with the image and the registry' {
        $tags = Get-RegistryTag -Image $image
        $tags.Tag | Sort-Object | Should -Be (@('blog-45-a1b2c3d', 'blog-46-0f1e2d3', 'blog-9-abcdef0', 'latest') | Sort-Object)
        $tags | ForEach-Object { $_.Image | Should -Be $image; $_.Registry | Should -Be $registry.Address; $_.Repository | Should -Be 'tazzo/tazlab-blog' }
    }

    It 'pushes one commit with the fluxcdbot author and the message' {
        $commit.Pushed | Should -BeTrue
        $commit.Branch | Should -Be 'master'
        Invoke-Git --git-dir $repository.Origin rev-parse master | Should -Be $commit.Sha
        Invoke-Git --git-dir $repository.Origin log -1 --format='%an <%ae>|%s' master | Should -Be 'fluxcdbot <fluxcdbot@tazlab.net>|chore: self-update hugo-blog image [skip ci]'
        $commit.Summary | Should -Be "pushed commit '$($commit.Sha.Substring(0, 7))' to branch 'master'"
    }

    It 'changes only the image reference of the marked line, in the commit on the remote' {
        $diff = Invoke-Git --git-dir $repository.Origin diff --unified=0 master~1 master
        $changed = @($diff | Where-Object { $_ -match '^[-+][^-+]' })
        $changed | Should -Be @(
            "-          image: ${image}:blog-45-a1b2c3d # {`"`$imagepolicy`": `"flux-system:hugo-blog`"}",
            "+          image: ${image}:blog-46-0f1e2d3 # {`"`$imagepolicy`": `"flux-system:hugo-blog`"}")
        $commit.Files | Should -Be @('apps/base/hugo-blog/deployment.yaml')
    }

    It 'makes no commit when the repository already holds the newest tag' {
        $again = Invoke-BlogPipeline -Image $image -Clone $repository.Clone
        $again | Should -BeNullOrEmpty
        Invoke-Git --git-dir $repository.Origin rev-parse master | Should -Be $commit.Sha
    }
}

Describe 'The pipeline against an OCI image layout' {
    BeforeAll {
        $repository = New-BlogRepository -Image 'tazzo/tazlab-blog'
        $commit = Invoke-BlogPipeline -Image "ocidir://$examples/registry/tazzo/tazlab-blog" -Clone $repository.Clone
    }
    AfterAll { Remove-Item $repository.Root -Recurse -Force -ErrorAction Ignore }

    It 'names tags by the image the layout''s annotations give, with their digests' {
        $tags = Get-RegistryTag -Image "ocidir://$examples/registry/tazzo/tazlab-blog"
        $tags.Count | Should -Be 5
        $tags | ForEach-Object { $_.Image | Should -Be 'tazzo/tazlab-blog'; $_.Digest | Should -Match '^sha256:[0-9a-f]{64}$' }
    }

    It 'commits the newest build to the bare remote' {
        $commit.Pushed | Should -BeTrue
        Invoke-Git --git-dir $repository.Origin rev-parse master | Should -Be $commit.Sha
        Invoke-Git --git-dir $repository.Origin show master:apps/base/hugo-blog/deployment.yaml |
            Should -Contain '          image: tazzo/tazlab-blog:blog-46-0f1e2d3 # {"$imagepolicy": "flux-system:hugo-blog"}'
    }

    It 'leaves other apps'' markers alone' {
        Invoke-Git --git-dir $repository.Origin show master:apps/base/hugo-wiki/deployment.yaml |
            Should -Be 'image: tazzo/tazlab-wiki:wiki-12-e4f5a6b # {"$imagepolicy": "flux-system:hugo-wiki"}'
    }
}
