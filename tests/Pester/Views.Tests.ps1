# The module's table and list views (TazLab.ImageAutomation.Format.ps1xml), on real objects from every command, as an
# operator's 120-column terminal shows them.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-TestModulePath) -Force
    $examples = Join-Path $PSScriptRoot '../../examples' | Resolve-Path
    $mirror = @{ 'docker.io' = "ocidir://$examples/registry"; 'ghcr.io' = "ocidir://$examples/registry/ghcr.io" }

    function New-SeedRepository {
        $files = @{}
        foreach ($file in Get-ChildItem "$examples/gitops" -Recurse -File) {
            $files[[IO.Path]::GetRelativePath("$examples/gitops", $file.FullName)] = [IO.File]::ReadAllText($file.FullName)
        }
        New-TestGitRepository -Files $files -Branch master
    }

    # The table's lines: header, dashes, rows (blank lines dropped).
    function Get-TableLine($InputObject) {
        @(($InputObject | Format-Table | Out-String -Width 120) -split '\r?\n' | Where-Object { $_.Trim() })
    }

    # Column labels, split on the dashes line, so labels with spaces would still be whole.
    function Get-TableLabel($InputObject) {
        $lines = Get-TableLine $InputObject
        [regex]::Matches($lines[1], '-+') | ForEach-Object { $lines[0].Substring($_.Index, [Math]::Min($_.Length, $lines[0].Length - $_.Index)).Trim() }
    }

    $seed = New-SeedRepository
    $results = Invoke-ImageAutomation -RepositoryPath $seed.Clone -RegistryMirror $mirror
    $upToDate = Invoke-ImageAutomation -RepositoryPath $seed.Clone -RegistryMirror $mirror

    $repository = New-SeedRepository
    $tags = Get-RegistryTag -Image "ocidir://$examples/registry/tazzo/tazlab-blog"
    $objects = Get-ImageAutomation -Path $repository.Clone
    $selection = $objects | Where-Object { $_.Kind -eq 'ImagePolicy' -and $_.Name -eq 'hugo-blog' } | Select-ImagePolicyTag -Tag $tags.Tag
    $changes = $selection | Update-ImageSetter -Path $repository.Clone
    $commit = $changes | Submit-AutomationCommit -RepositoryPath $repository.Clone -AuthorEmail fluxcdbot@tazlab.net
    $setters = Get-ImageSetter -Path $repository.Clone
}
AfterAll {
    Remove-Item $seed.Root, $repository.Root -Recurse -Force -ErrorAction Ignore
}

Describe 'Table views' {
    It 'shows every automation''s commit, branch and whole change at 120 columns (they were cut off before)' {
        $lines = Get-TableLine $results
        Get-TableLabel $results | Should -Be 'Automation', 'Status', 'Commit', 'Branch', 'Changes', 'Reason'
        $lines.Count | Should -Be 6
        foreach ($result in $results) {
            $row = $lines | Where-Object { $_.StartsWith("$($result.Namespace)/$($result.Name) ") }
            $row | Should -HaveCount 1
            $row | Should -Match "\b$($result.Commit.Substring(0, 7)) +master\b"
            $row | Should -Not -Match '…'
        }
        $lines | Should -Contain ($lines | Where-Object { $_ -match 'tazzo/tazlab-blog: blog-45-a1b2c3d -> blog-46-0f1e2d3' })
        $lines -match 'flux-system/tazlab-docs ' | Should -Match 'Committed +[0-9a-f]{7} +master +1\.1\.0 -> 1\.2\.3'
    }

    It 'shows why an up-to-date automation made no commit' {
        $lines = Get-TableLine $upToDate
        $upToDate.Status | Sort-Object -Unique | Should -Be 'UpToDate'
        $lines -match 'flux-system/hugo-blog ' | Should -Match "UpToDate +$([regex]::Escape($upToDate[0].Reason))"
    }

    It 'shows a registry tag''s image and tag first' {
        Get-TableLabel $tags | Should -Be 'Image', 'Tag', 'Registry'
        (Get-TableLine $tags)[2] | Should -Match '^tazzo/tazlab-blog +blog-44-9e8d7c6 +index\.docker\.io$'
    }

    It 'shows a selection''s policy, image and tag, and how many tags it was offered' {
        Get-TableLabel $selection | Should -Be 'Policy', 'Image', 'Tag', 'MatchedCount/CandidateCount'
        (Get-TableLine $selection)[2] | Should -Match '^flux-system:hugo-blog +tazzo/tazlab-blog +blog-46-0f1e2d3 +4/5$'
    }

    It 'shows a change''s file, line, old and new value whole' {
        Get-TableLabel $changes | Should -Be 'RelativePath', 'Line', 'OldValue', 'NewValue', 'Setter'
        (Get-TableLine $changes)[2] |
            Should -Match '^apps/base/hugo-blog/deployment\.yaml +23 tazzo/tazlab-blog:blog-45-a1b2c3d +tazzo/tazlab-blog:blog-46-0f1e2d3 +flux-syst'
    }

    It 'says a marker that already held the value is already current, instead of repeating it' {
        # Shaped like Update-ImageSetter's output for such a marker (AlreadyCurrent, OldValue equal to NewValue).
        $current = [pscustomobject]@{
            PSTypeName = 'TazLab.ImageAutomation.ImageSetterChange'; RelativePath = 'apps/web.yaml'; Line = 11
            OldValue = 'ghcr.io/org/web:1.1.0'; NewValue = 'ghcr.io/org/web:1.1.0'; Setter = 'flux-system:web'; AlreadyCurrent = $true
        }
        (Get-TableLine $current)[2] | Should -Match '^apps/web\.yaml +11 ghcr\.io/org/web:1\.1\.0 +\(already current\) +flux-system:web$'
    }

    It 'shows a marker''s file, line and value' {
        Get-TableLabel $setters | Should -Be 'RelativePath', 'Line', 'Value', 'Setter'
        Get-TableLine $setters | Should -Contain 'apps/base/tazlab-docs/helmrelease.yaml    19 1.1.0                               flux-system:tazlab-docs:tag'
    }

    It 'shows a commit''s short sha, branch and files' {
        Get-TableLabel $commit | Should -Be 'Sha', 'Branch', 'PushedTo', 'Files'
        (Get-TableLine $commit)[2] | Should -Match "^$($commit.Sha.Substring(0, 7)) master +apps/base/hugo-blog/deployment\.yaml$"
    }

    It 'shows a Flux object''s kind, name, spec and where it is' {
        Get-TableLabel $objects | Should -Be 'Kind', 'Namespace', 'Name', 'Spec', 'Line', 'RelativePath'
        Get-TableLine $objects | Should -Contain ((Get-TableLine $objects) -match '^ImagePolicy +flux-system hugo-blog +Numerical Asc \^blog-')[0]
    }

    It 'labels each column with the property it shows, or says how it is made from them' {
        $mapped = @{ Automation = 'Namespace/Name'; 'MatchedCount/CandidateCount' = 'MatchedCount/CandidateCount'; Spec = 'a summary of the spec' }
        foreach ($item in $results[0], $tags[0], $selection, $changes[0], $setters[0], $commit, $objects[0]) {
            foreach ($label in Get-TableLabel $item) {
                ($mapped.ContainsKey($label) -or $item.PSObject.Properties[$label]) | Should -BeTrue -Because "'$label' of $($item.GetType().Name)"
            }
        }
    }
}

Describe 'List views' {
    It 'lists every change and policy of an automation, one per line' {
        $text = $results | Where-Object Name -eq 'tazlab-docs' | Format-List | Out-String -Width 120
        $text | Should -Match 'Automation\s+: flux-system/tazlab-docs'
        $text | Should -Match 'Changes\s+: apps/base/tazlab-docs/helmrelease\.yaml:19: 1\.1\.0 -> 1\.2\.3'
        $text | Should -Match '(?m)^\s+flux-system:tazlab-docs: ghcr\.io/tazzo/tazlab-docs:1\.2\.3$'
    }

    It 'lists a commit''s whole sha, message and files' {
        $text = $commit | Format-List | Out-String -Width 120
        $text | Should -Match "Sha\s+: $($commit.Sha)"
        $text | Should -Match 'Files\s+: apps/base/hugo-blog/deployment\.yaml'
        $text | Should -Match 'Message\s+: Update from image update automation'
    }
}
