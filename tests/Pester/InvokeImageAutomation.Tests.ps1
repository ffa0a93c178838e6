# Get-ImageAutomation and Invoke-ImageAutomation on the seed's GitOps repository (examples/gitops), against Debian's
# docker-registry (tags pushed here) and a bare origin on disk.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-TestModulePath) -Force
    $gitops = Join-Path $PSScriptRoot '../../examples/gitops' | Resolve-Path

    $registry = Start-TestRegistry
    Push-TestImage -Address $registry.Address -Repository tazzo/tazlab-blog -Tag 'blog-9-a1b2c3d', 'blog-45-a1b2c3d', 'blog-46-0f1e2d3', 'latest' | Out-Null
    Push-TestImage -Address $registry.Address -Repository tazzo/tazlab-wiki -Tag 'wiki-12-e4f5a6b', 'wiki-13-77aa88b' | Out-Null
    Push-TestImage -Address $registry.Address -Repository tazzo/mnemosyne-mcp -Tag 'mcp-42-7ba6c96d', 'mcp-43-9d0e1f2a' | Out-Null
    Push-TestImage -Address $registry.Address -Repository tazzo/tazlab-docs -Tag '1.0.0', '1.1.0', '1.2.3', '2.0.0-rc.1' | Out-Null
    # The objects name Docker Hub and ghcr.io images; both are served by the local registry without editing the files.
    $mirror = @{ 'docker.io' = "http://$($registry.Address)"; 'ghcr.io' = "http://$($registry.Address)" }

    function New-SeedRepository {
        param([scriptblock] $Edit)
        $files = @{}
        foreach ($file in Get-ChildItem $gitops -Recurse -File) {
            $files[[IO.Path]::GetRelativePath($gitops, $file.FullName)] = [IO.File]::ReadAllText($file.FullName)
        }
        if ($Edit) { $files = & $Edit $files }
        New-TestGitRepository -Files $files -Branch master
    }

    function Get-OriginLog { param($Repository) Invoke-Git -C $Repository.Origin log --format='%an <%ae>|%s' master }
    $expectedMessages = 'chore: self-update hugo-blog image [skip ci]', 'chore: self-update hugo-wiki image [skip ci]',
    'chore: self-update mnemosyne-mcp image [skip ci]', 'chore: self-update tazlab-docs [skip ci]'
}
AfterAll { Stop-TestRegistry $registry }

Describe 'Get-ImageAutomation' {
    It 'reads the seed objects with file and line, and pipes them into Get-RegistryTag and Select-ImagePolicyTag' {
        $objects = Get-ImageAutomation -Path (Join-Path $gitops infrastructure)
        ($objects | Where-Object Kind -eq ImageUpdateAutomation).Name | Should -Be 'hugo-blog', 'hugo-wiki', 'mnemosyne-mcp', 'tazlab-docs'
        $blog = $objects | Where-Object { $_.Kind -eq 'ImagePolicy' -and $_.Name -eq 'hugo-blog' }
        $blog.RelativePath | Should -Be 'automation/hugo-blog/automation.yaml'
        $blog.Line | Should -Be 10

        $tags = $objects | Where-Object { $_.Kind -eq 'ImageRepository' -and $_.Name -eq 'hugo-blog' } | Get-RegistryTag -RegistryMirror $mirror
        $tags.Tag | Should -Be 'blog-45-a1b2c3d', 'blog-46-0f1e2d3', 'blog-9-a1b2c3d', 'latest'

        $selection = $blog | Select-ImagePolicyTag -Tag $tags.Tag
        $selection.Reference | Should -Be 'tazzo/tazlab-blog:blog-46-0f1e2d3'
        $selection.Policy | Should -Be 'flux-system:hugo-blog'
    }

    It 'writes one non-terminating error per malformed object, naming file, document and field, and emits the rest' {
        $root = New-TestDirectory
        Copy-Item (Join-Path $gitops 'infrastructure/automation/hugo-blog/automation.yaml') "$root/good.yaml"
        (Get-Content -Raw "$root/good.yaml") -replace 'interval: 1m', 'interval: 1 minute' -replace 'name: hugo-blog', 'name: broken' |
            Set-Content "$root/bad.yaml"

        $objects = Get-ImageAutomation $root -ErrorVariable problems -ErrorAction SilentlyContinue

        $objects.Count | Should -Be 3
        $problems.TargetObject.Field | Should -Be 'spec.interval', 'spec.interval', 'spec.imageRepositoryRef.name' -Because 'the repository and the automation have a bad interval, so the policy names a repository that did not load'
        $problems.TargetObject.RelativePath | Sort-Object -Unique | Should -Be 'bad.yaml'
        $problems.CategoryInfo.Category | Sort-Object -Unique | Should -Be InvalidData
        $problems[0].Exception.Message | Should -BeLike 'bad.yaml, document 0 (ImageRepository flux-system/broken): spec.interval (line 8)*'
        $problems.FullyQualifiedErrorId | Should -BeLike 'FluxObjectInvalid,*'
    }
}

Describe 'Invoke-ImageAutomation' {
    It 'makes the seed automations'' commits with their messages and author, pushes them, and commits nothing on a second run' {
        $repository = New-SeedRepository

        $results = Invoke-ImageAutomation $repository.Clone -RegistryMirror $mirror -Push

        $results.Status | Should -Be Pushed, Pushed, Pushed, Pushed
        $log = Get-OriginLog $repository
        $log[0..3] | Should -Be ($expectedMessages[3..0] | ForEach-Object { "fluxcdbot <fluxcdbot@tazlab.net>|$_" })
        $docs = $results | Where-Object Name -eq tazlab-docs
        $docs.Message | Should -Be "chore: self-update tazlab-docs [skip ci]`n`n- helmrelease.yaml (HelmRelease tazlab-docs): 1.1.0 -> 1.2.3`n"
        $docs.Changes.OldValue | Should -Be '1.1.0'
        $docs.Summary | Should -BeLike "pushed commit '*' to branch 'master'"
        Get-Content (Join-Path $repository.Clone apps/base/hugo-blog/deployment.yaml) | Should -Contain '          image: tazzo/tazlab-blog:blog-46-0f1e2d3 # {"$imagepolicy": "flux-system:hugo-blog"}'
        ($results | ConvertTo-Json -Depth 5 | ConvertFrom-Json).Status | Should -Be Pushed, Pushed, Pushed, Pushed

        $again = Invoke-ImageAutomation $repository.Clone -RegistryMirror $mirror -Push
        $again.Status | Should -Be UpToDate, UpToDate, UpToDate, UpToDate
        Get-OriginLog $repository | Should -Be $log
    }

    It '-WhatIf writes, commits and pushes nothing, yet reports each change, the diffs and the messages' {
        $repository = New-SeedRepository
        $head = Invoke-Git -C $repository.Origin rev-parse master

        $results = Invoke-ImageAutomation $repository.Clone -AutomationPath infrastructure/automation -RegistryMirror $mirror -Push -WhatIf

        $results.Status | Should -Be WouldCommit, WouldCommit, WouldCommit, WouldCommit
        $results.Message[0..2] | Should -Be $expectedMessages[0..2]
        $blog = $results[0]
        $blog.Changes.NewValue | Should -Be 'tazzo/tazlab-blog:blog-46-0f1e2d3'
        $blog.Diffs.Diff | Should -BeLike "--- a/apps/base/hugo-blog/deployment.yaml`n+++ b/apps/base/hugo-blog/deployment.yaml`n@@ *`n-*blog-45-a1b2c3d*`n+*blog-46-0f1e2d3*"
        Invoke-Git -C $repository.Clone status --porcelain | Should -BeNullOrEmpty
        Invoke-Git -C $repository.Origin rev-parse master | Should -Be $head
    }

    It 'a template that fails makes no commit for its automation, leaves its files, and the others proceed' {
        $repository = New-SeedRepository -Edit {
            param($files)
            $key = 'infrastructure/automation/hugo-wiki/automation.yaml'
            $files[$key] = $files[$key] -replace "messageTemplate: .*", "messageTemplate: '{{ .Updated }}'"
            $files
        }

        $results = Invoke-ImageAutomation $repository.Clone -RegistryMirror $mirror -Push -ErrorVariable errors -ErrorAction SilentlyContinue

        $results.Status | Should -Be Pushed, Failed, Pushed, Pushed
        $results[1].Errors | Should -BeLike "*removed '.Updated' field*"
        $errors.FullyQualifiedErrorId | Should -BeLike 'CommitTemplateRemovedField,*'
        (Get-OriginLog $repository).Count | Should -Be 4 -Because 'three commits on top of the initial one'
        Invoke-Git -C $repository.Clone status --porcelain | Should -BeNullOrEmpty -Because 'the failed automation wrote nothing'

        { Invoke-ImageAutomation $repository.Clone -RegistryMirror $mirror -ErrorAction Stop } | Should -Throw
    }

    It 'a registry that fails for one image leaves the other automations committing' {
        $repository = New-SeedRepository -Edit {
            param($files)
            $key = 'infrastructure/automation/mnemosyne-mcp/automation.yaml'
            $files[$key] = $files[$key] -replace 'image: tazzo/mnemosyne-mcp', 'image: tazzo/not-pushed'
            $files
        }

        $results = Invoke-ImageAutomation $repository.Clone -RegistryMirror $mirror -Push -ErrorVariable errors -ErrorAction SilentlyContinue

        $results.Status | Should -Be Pushed, Pushed, Failed, Pushed -Because 'policies that fail are left out, as Flux keeps only policies with a latest ref'
        ($results | Where-Object Name -eq mnemosyne-mcp).Policies.Where({ $_.Policy -eq 'flux-system:mnemosyne-mcp' }).Error | Should -BeLike '*tazzo/not-pushed*'
        $errors.FullyQualifiedErrorId | Sort-Object -Unique | Should -BeLike 'RegistryRepositoryNotFound,*'
        (Get-OriginLog $repository).Count | Should -Be 4
    }

    It 'refuses a downgrade with a warning, and applies it with -AllowDowngrade' {
        $repository = New-SeedRepository -Edit {
            param($files)
            $key = 'apps/base/tazlab-docs/helmrelease.yaml'
            $files[$key] = $files[$key] -replace 'tag: 1.1.0', 'tag: 1.9.0'
            $files
        }

        $result = Invoke-ImageAutomation $repository.Clone -Name tazlab-docs -RegistryMirror $mirror -WarningVariable warnings -WarningAction SilentlyContinue

        $result.Status | Should -Be UpToDate
        $result.Changes.Applied | Should -Be $false
        $result.Warnings | Should -Be "Downgrade refused: policy 'flux-system:tazlab-docs' would move apps/base/tazlab-docs/helmrelease.yaml:19 from '1.9.0' to '1.2.3'."
        $warnings.Message | Should -Contain "helmrelease.yaml:19: policy 'flux-system:tazlab-docs' (semver range '>=1.0.0 <2.0.0') orders the proposed '1.2.3' below the current '1.9.0'; the marker was left alone. Allow downgrades to apply it." -Because ($warnings.Message -join "`n")
        Get-Content (Join-Path $repository.Clone apps/base/tazlab-docs/helmrelease.yaml) | Should -Contain '      tag: 1.9.0 # {"$imagepolicy": "flux-system:tazlab-docs:tag"}'

        $allowed = Invoke-ImageAutomation $repository.Clone -Name tazlab-docs -RegistryMirror $mirror -AllowDowngrade
        $allowed.Status | Should -Be Committed
        $allowed.Changes.NewValue | Should -Be '1.2.3'
    }

    It 'Update-ImageSetter refuses the same downgrade when the selection carries its policy' {
        $root = New-TestDirectory
        Set-Content "$root/values.yaml" 'tag: 1.9.0 # {"$imagepolicy": "flux-system:docs:tag"}'
        $select = { '1.0.0', '1.2.3' | Select-ImagePolicyTag -Image ghcr.io/tazzo/tazlab-docs -SemVer '<2.0.0' -Policy flux-system:docs }

        & $select | Update-ImageSetter -Path $root -WarningVariable warnings -WarningAction SilentlyContinue | Should -BeNullOrEmpty
        $warnings.Message | Should -BeLike "*orders the proposed '1.2.3' below the current '1.9.0'*"
        (& $select | Update-ImageSetter -Path $root -AllowDowngrade).NewValue | Should -Be '1.2.3'
    }

    It 'v1beta2 objects behave as v1' {
        $repository = New-SeedRepository -Edit {
            param($files)
            foreach ($key in @($files.Keys -like 'infrastructure/*')) { $files[$key] = $files[$key] -replace 'image.toolkit.fluxcd.io/v1', 'image.toolkit.fluxcd.io/v1beta2' }
            $files
        }

        $results = Invoke-ImageAutomation $repository.Clone -RegistryMirror $mirror -Push

        $results.Status | Should -Be Pushed, Pushed, Pushed, Pushed
        (Get-OriginLog $repository)[0..3] | Should -Be ($expectedMessages[3..0] | ForEach-Object { "fluxcdbot <fluxcdbot@tazlab.net>|$_" })
    }

    It 'skips suspended automations and refuses an update path outside the repository, naming the YAML field and file' {
        $repository = New-SeedRepository -Edit {
            param($files)
            $files['infrastructure/automation/hugo-blog/automation.yaml'] = $files['infrastructure/automation/hugo-blog/automation.yaml'] -replace '  interval: 1m\r?\n  sourceRef', "  interval: 1m`n  suspend: true`n  sourceRef"
            $files['infrastructure/automation/hugo-wiki/automation.yaml'] = $files['infrastructure/automation/hugo-wiki/automation.yaml'] -replace 'path: ./apps/base/hugo-wiki', 'path: ../../outside'
            $files
        }

        $results = Invoke-ImageAutomation $repository.Clone -RegistryMirror $mirror -ErrorVariable errors -ErrorAction SilentlyContinue

        $results[0].Status | Should -Be Skipped
        $results[1].Status | Should -Be Failed
        $errors[0].ErrorDetails.RecommendedAction | Should -Be 'Give a path inside the repository, relative to its root. (set with spec.update.path in infrastructure/automation/hugo-wiki/automation.yaml)'
        $results[2].Status | Should -Be Committed
    }

    It 'signs with -SigningKey an automation whose signingKey Secret cannot be read here, and fails it without one' {
        $repository = New-SeedRepository -Edit {
            param($files)
            $key = 'infrastructure/automation/hugo-blog/automation.yaml'
            $files[$key] = $files[$key] -replace '        name: fluxcdbot', "        name: fluxcdbot`n      signingKey:`n        type: ssh`n        secretRef:`n          name: signing"
            $files
        }
        $key = Join-Path $repository.Root signing
        & ssh-keygen -q -t ed25519 -N '' -C test -f $key
        if ($LASTEXITCODE) { throw 'ssh-keygen failed' }

        $unsigned = Invoke-ImageAutomation $repository.Clone -Name hugo-blog -RegistryMirror $mirror -ErrorVariable errors -ErrorAction SilentlyContinue
        $unsigned.Status | Should -Be Failed
        $errors[0].FullyQualifiedErrorId | Should -BeLike 'AutomationSigningKeyMissing,*'
        Invoke-Git -C $repository.Clone status --porcelain | Should -BeNullOrEmpty

        $signed = Invoke-ImageAutomation $repository.Clone -Name hugo-blog -RegistryMirror $mirror -SigningKey $key
        $signed.Status | Should -Be Committed
        (Invoke-Git -C $repository.Clone cat-file commit HEAD) -join "`n" | Should -BeLike '*-----BEGIN SSH SIGNATURE-----*'
    }

    It 'clones a -Url into a temporary folder, pushes, and deletes the clone' {
        $repository = New-SeedRepository

        $results = Invoke-ImageAutomation -Url $repository.Origin -Branch master -Name hugo-blog -RegistryMirror $mirror -Push

        $results.Status | Should -Be Pushed
        (Get-OriginLog $repository)[0] | Should -Be "fluxcdbot <fluxcdbot@tazlab.net>|$($expectedMessages[0])"
        Test-Path $results.Repository | Should -BeFalse
    }

    It 'runs several repositories at once, each listing its images from the same run' {
        $one = New-SeedRepository
        $two = New-SeedRepository

        $results = $one.Clone, $two.Clone | Invoke-ImageAutomation -RegistryMirror $mirror -Push -ThrottleLimit 2

        $results.Count | Should -Be 8
        $results.Status | Sort-Object -Unique | Should -Be Pushed
        (Get-OriginLog $one).Count | Should -Be 5
        (Get-OriginLog $two).Count | Should -Be 5
    }

    It 'warns that a secretRef cannot be read outside the cluster' {
        $repository = New-SeedRepository -Edit {
            param($files)
            $key = 'infrastructure/automation/hugo-blog/automation.yaml'
            $files[$key] = $files[$key] -replace 'image: tazzo/tazlab-blog', "image: tazzo/tazlab-blog`n  secretRef:`n    name: dockerhub"
            $files
        }

        Invoke-ImageAutomation $repository.Clone -Name hugo-blog -RegistryMirror $mirror -WhatIf -WarningVariable warnings -WarningAction SilentlyContinue | Out-Null

        $warnings.Message | Should -Contain "ImageRepository flux-system/hugo-blog (infrastructure/automation/hugo-blog/automation.yaml) names spec.secretRef 'dockerhub', a cluster Secret that cannot be read here; pass -RegistryCredential or log in with 'docker login' instead."
    }
}
