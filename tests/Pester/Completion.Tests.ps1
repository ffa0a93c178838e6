# Tab completion as an operator meets it (TabExpansion2), in a clone of the seed GitOps repository: policy names, images,
# remotes, branches, automation names and ocidir:// directories, from local files only (these completed file names before).
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'Helpers/Setters.psm1') -Force
    Import-Module (Get-TestModulePath) -Force
    $examples = Join-Path $PSScriptRoot '../../examples' | Resolve-Path

    function Get-Completion([string] $Line) {
        @((TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches.CompletionText)
    }

    $files = @{ 'apps/extra/marker-only.yaml' = New-MarkedDeployment -Name extra -Setter 'team:marker-only' }
    foreach ($file in Get-ChildItem "$examples/gitops" -Recurse -File) {
        $files[[IO.Path]::GetRelativePath("$examples/gitops", $file.FullName)] = [IO.File]::ReadAllText($file.FullName)
    }
    $repository = New-TestGitRepository -Files $files -Branch master
    Invoke-Git -C $repository.Clone remote add upstream 'https://git.invalid/tazzo/gitops.git'
    Invoke-Git -C $repository.Clone branch image-updates
    $elsewhere = New-TestDirectory
    $policies = 'flux-system:hugo-blog', 'flux-system:hugo-wiki', 'flux-system:mnemosyne-mcp', 'flux-system:tazlab-docs', 'team:marker-only'
}
AfterAll { Remove-Item $repository.Root, $elsewhere -Recurse -Force -ErrorAction Ignore }

Describe 'Completion in a GitOps repository' {
    BeforeAll { Push-Location $repository.Clone }
    AfterAll { Pop-Location }

    It '-Policy of <Command> offers the ImagePolicy objects'' and the markers'' policy names' -ForEach @(
        @{ Command = 'Update-ImageSetter -Path .' }
        @{ Command = 'Select-ImagePolicyTag' }
    ) {
        Get-Completion "$Command -Policy " | Should -Be $policies
        Get-Completion "$Command -Policy flux-system:hu" | Should -Be 'flux-system:hugo-blog', 'flux-system:hugo-wiki'
        Get-Completion "$Command -Policy TEAM:" | Should -Be 'team:marker-only'
    }

    It '-Image of <Command> offers the images of the ImageRepository objects' -ForEach @(
        @{ Command = 'Get-RegistryTag' }
        @{ Command = 'Select-ImagePolicyTag' }
        @{ Command = 'Update-ImageSetter' }
    ) {
        Get-Completion "$Command -Image " | Should -Be 'ghcr.io/tazzo/tazlab-docs', 'tazzo/mnemosyne-mcp', 'tazzo/tazlab-blog', 'tazzo/tazlab-wiki'
        Get-Completion "$Command -Image tazzo/tazlab-" | Should -Be 'tazzo/tazlab-blog', 'tazzo/tazlab-wiki'
    }

    It '-Remote of <Command> offers the repository''s remotes' -ForEach @(
        @{ Command = 'Submit-AutomationCommit' }
        @{ Command = 'Invoke-ImageAutomation' }
    ) {
        Get-Completion "$Command -Remote " | Should -Be 'origin', 'upstream'
        Get-Completion "$Command -Remote up" | Should -Be 'upstream'
    }

    It '-PushBranch offers local and remote-tracking branches, each once' {
        Get-Completion 'Submit-AutomationCommit -PushBranch ' | Should -Be 'image-updates', 'master'
    }

    It '-Name of Invoke-ImageAutomation offers the automations, with their namespace once a / is typed' {
        Get-Completion 'Invoke-ImageAutomation -Name ' | Should -Be 'hugo-blog', 'hugo-wiki', 'mnemosyne-mcp', 'tazlab-docs'
        Get-Completion 'Invoke-ImageAutomation -Name flux-system/hugo-w' | Should -Be 'flux-system/hugo-wiki'
    }

    It 'offers no file names where it has nothing to offer' {
        Get-Completion 'Update-ImageSetter -Path . -Policy a' | Should -BeNullOrEmpty -Because 'the file names ./apps and others start with a'
    }
}

Describe 'Completion from elsewhere' {
    BeforeAll { Push-Location $elsewhere }
    AfterAll { Pop-Location }

    It 'reads the repository named by -RepositoryPath for -Remote, -PushBranch and -Name' {
        Get-Completion "Submit-AutomationCommit -RepositoryPath '$($repository.Clone)' -Remote " | Should -Be 'origin', 'upstream'
        Get-Completion "Submit-AutomationCommit -RepositoryPath '$($repository.Clone)' -PushBranch im" | Should -Be 'image-updates'
        Get-Completion "Invoke-ImageAutomation -RepositoryPath '$($repository.Clone)' -Name tazlab" | Should -Be 'tazlab-docs'
    }

    It 'reads the -Path typed for Update-ImageSetter -Policy' {
        Get-Completion "Update-ImageSetter -Path '$($repository.Clone)/apps/extra' -Policy " | Should -Be 'team:marker-only'
    }

    It 'offers nothing outside a repository, and nothing from an empty directory' {
        Get-Completion 'Submit-AutomationCommit -Remote ' | Should -BeNullOrEmpty
        Get-Completion 'Select-ImagePolicyTag -Policy ' | Should -BeNullOrEmpty
    }

    It 'does not block on a FIFO named like a manifest' -Skip:(-not (Get-Command mkfifo -ErrorAction Ignore)) {
        $root = New-TestDirectory
        try {
            & mkfifo (Join-Path $root 'pipe.yaml')
            [IO.File]::WriteAllText((Join-Path $root 'policy.yaml'), (Get-Content -Raw "$examples/gitops/infrastructure/automation/hugo-blog/automation.yaml"))
            Get-Completion "Update-ImageSetter -Path '$root' -Policy " | Should -Be 'flux-system:hugo-blog'
        }
        finally { Remove-Item $root -Recurse -Force }
    }
}

Describe 'Completion of ocidir:// paths' {
    BeforeAll { Push-Location $examples }
    AfterAll { Pop-Location }

    It 'offers the directories after the prefix, relative to the current location' {
        Get-Completion 'Get-RegistryTag -Image ocidir://registry/' | Should -Be 'ocidir://registry/ghcr.io', 'ocidir://registry/tazzo'
        Get-Completion 'Get-RegistryTag -Image ocidir://registry/tazzo/tazlab-' | Should -Be 'ocidir://registry/tazzo/tazlab-blog', 'ocidir://registry/tazzo/tazlab-wiki'
    }

    It 'offers the directories of an absolute path, quoted when they hold a space' {
        $root = New-TestDirectory
        try {
            New-Item -ItemType Directory "$root/my layout", "$root/other" | Out-Null
            Get-Completion "Get-RegistryTag -Image ocidir://$root/my" | Should -Be "'ocidir://$root/my layout'"
        }
        finally { Remove-Item $root -Recurse -Force }
    }
}
