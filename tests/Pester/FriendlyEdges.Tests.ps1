# What a new user meets at the edges: -Verbose sentences that tell an idempotent run from a run that found nothing,
# a warning for a selection no marker names, a file given where a directory is wanted, and errors whose TargetObject is
# the value the user gave (a policy name, a file path).
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'Helpers/Setters.psm1') -Force
    Import-Module (Get-TestModulePath) -Force

    function Get-Verbose { process { if ($_ -is [Management.Automation.VerboseRecord]) { $_.Message } } }
    $web = [pscustomobject]@{ Policy = 'flux-system:web'; Image = 'ghcr.io/org/web'; Tag = '1.1.0' }
}

Describe 'Update-ImageSetter -Verbose' {
    BeforeEach {
        $root = New-ManifestTree -Parent $TestDrive -Files @{
            'web.yaml' = New-MarkedDeployment
            'team.yaml' = New-MarkedDeployment -Name team -Setter 'team:web'
        }
    }

    It 'says which marker changes, and on a second run that it is already current' {
        $first = $web | Update-ImageSetter -Path $root -Verbose 4>&1 | Get-Verbose
        $second = $web | Update-ImageSetter -Path $root -Verbose 4>&1 | Get-Verbose

        $first | Should -Contain "web.yaml:11: the marker 'flux-system:web' changes from 'ghcr.io/org/web:1.0.0' to 'ghcr.io/org/web:1.1.0'."
        $second | Should -Contain "web.yaml:11: the marker 'flux-system:web' already holds 'ghcr.io/org/web:1.1.0'; it is already current."
        $second | Should -Not -Match 'changes from'
    }

    It 'says a marker no selection is for was left alone' {
        $verbose = $web | Update-ImageSetter -Path $root -Verbose 4>&1 | Get-Verbose
        $verbose | Should -Contain "team.yaml:11: no selection is for the marker 'team:web', so it was left alone."
    }
}

Describe 'Update-ImageSetter with a selection no marker names' {
    It 'warns, naming the policy and the policies the markers name' {
        $root = New-ManifestTree -Parent $TestDrive -Files @{
            'web.yaml' = New-MarkedDeployment
            'team.yaml' = New-MarkedDeployment -Name team -Setter 'team:web'
        }
        $typo = [pscustomobject]@{ Policy = 'wbe'; Image = 'ghcr.io/org/web'; Tag = '1.1.0' }

        $changes = $typo, $web | Update-ImageSetter -Path $root -WarningVariable warnings -WarningAction SilentlyContinue

        $changes.RelativePath | Should -Be 'web.yaml'
        $warnings.Message | Should -Be "No marker under '$root' names the policy 'flux-system:wbe', so nothing was set for it; the markers there name 'flux-system:web', 'team:web'."
    }

    It 'says when there is no marker at all under -Path' {
        $root = New-ManifestTree -Parent $TestDrive -Files @{ 'plain.yaml' = "kind: ConfigMap`n" }
        $web | Update-ImageSetter -Path $root -WarningVariable warnings -WarningAction SilentlyContinue | Should -BeNullOrEmpty
        $warnings.Message | Should -Be "No marker under '$root' names the policy 'flux-system:web', so nothing was set for it; no marker was found there."
    }

    It 'does not warn about a policy whose marker is already current' {
        $root = New-ManifestTree -Parent $TestDrive -Files @{ 'web.yaml' = New-MarkedDeployment -Image 'ghcr.io/org/web:1.1.0' }
        $web | Update-ImageSetter -Path $root -WarningVariable warnings | Where-Object { $_.OldValue -ne $_.NewValue } | Should -BeNullOrEmpty
        $warnings | Should -BeNullOrEmpty
    }
}

Describe 'Submit-AutomationCommit -Verbose with nothing to commit' {
    It 'says the branch already holds the values, when the same changes come in again' {
        $repository = New-TestGitRepository -Files @{ 'web.yaml' = New-MarkedDeployment }
        $changes = $web | Update-ImageSetter -Path $repository.Clone
        $changes | Submit-AutomationCommit -RepositoryPath $repository.Clone -AuthorEmail fluxcdbot@tazlab.net | Should -Not -BeNullOrEmpty

        $again = $changes | Submit-AutomationCommit -RepositoryPath $repository.Clone -AuthorEmail fluxcdbot@tazlab.net -Verbose 4>&1

        @($again | Where-Object { $_ -isnot [Management.Automation.VerboseRecord] }) | Should -BeNullOrEmpty
        $again | Get-Verbose | Should -Contain "Branch 'main' already holds the new values, so there is nothing to commit and nothing was pushed."
    }
}

Describe 'A file given where a directory is wanted' {
    BeforeAll {
        $repository = New-TestGitRepository -Files @{ 'web.yaml' = New-MarkedDeployment }
        $file = Join-Path $repository.Clone 'web.yaml'
        $cases = @(
            @{ Command = 'Update-ImageSetter'; Parameter = 'Path'; Run = { $web | Update-ImageSetter -Path $file } }
            @{ Command = 'Get-ImageSetter'; Parameter = 'Path'; Run = { Get-ImageSetter -Path $file } }
            @{ Command = 'Submit-AutomationCommit'; Parameter = 'RepositoryPath'; Run = { $web | Update-ImageSetter -Path $repository.Clone -WhatIf | Submit-AutomationCommit -RepositoryPath $file -AuthorEmail a@tazlab.net } }
            @{ Command = 'Invoke-ImageAutomation'; Parameter = 'RepositoryPath'; Run = { Invoke-ImageAutomation -RepositoryPath $file } }
        )
    }

    It '<Command> -<Parameter> says it is a file, not that it does not exist' -ForEach @(
        @{ Command = 'Update-ImageSetter'; Parameter = 'Path' }
        @{ Command = 'Get-ImageSetter'; Parameter = 'Path' }
        @{ Command = 'Submit-AutomationCommit'; Parameter = 'RepositoryPath' }
        @{ Command = 'Invoke-ImageAutomation'; Parameter = 'RepositoryPath' }
    ) {
        $run = ($cases | Where-Object Command -eq $Command).Run
        $thrown = { & $run } | Should -Throw -PassThru
        $thrown.FullyQualifiedErrorId | Should -BeLike "PathIsFile,*"
        $thrown.CategoryInfo.Category | Should -Be InvalidArgument
        $thrown.TargetObject | Should -Be $file
        $thrown.Exception.Message | Should -Be "The -$Parameter '$file' is a file; -$Parameter takes a directory."
        $thrown.ErrorDetails.RecommendedAction | Should -Be "Pass -$Parameter the directory that holds it ('$($repository.Clone)')."
        Invoke-Git -C $repository.Clone status --porcelain | Should -BeNullOrEmpty
    }
}

Describe 'TargetObject is what the user gave' {
    It 'is the policy name for a selection Update-ImageSetter cannot use' {
        $root = New-ManifestTree -Parent $TestDrive -Files @{ 'web.yaml' = New-MarkedDeployment }
        [pscustomobject]@{ Policy = 'web'; Image = 'ghcr.io/org/web'; Tag = 'not a tag' } |
            Update-ImageSetter -Path $root -ErrorVariable failures -ErrorAction SilentlyContinue

        $failures | Should -HaveCount 1
        $failures[0].TargetObject | Should -BeOfType [string]
        $failures[0].TargetObject | Should -Be 'flux-system:web'
    }

    It 'is the file path for a file Get-ImageSetter and Update-ImageSetter cannot read' {
        $root = New-ManifestTree -Parent $TestDrive -Files @{ 'bad.yaml' = "a: [`n# {`"`$imagepolicy`": `"flux-system:web`"}`n" }
        Get-ImageSetter -Path $root -ErrorVariable listed -ErrorAction SilentlyContinue
        $web | Update-ImageSetter -Path $root -ErrorVariable updated -ErrorAction SilentlyContinue -WarningAction SilentlyContinue

        foreach ($failure in $listed, $updated) {
            $failure | Should -HaveCount 1
            $failure[0].TargetObject | Should -BeOfType [string]
            $failure[0].TargetObject | Should -Be (Join-Path $root 'bad.yaml')
        }
    }

    It 'is the path for a directory Submit-AutomationCommit finds no repository in' {
        $root = New-ManifestTree -Parent $TestDrive -Files @{ 'web.yaml' = New-MarkedDeployment }
        $thrown = { $web | Update-ImageSetter -Path $root -WhatIf | Submit-AutomationCommit -RepositoryPath $root -AuthorEmail a@tazlab.net } |
            Should -Throw -PassThru
        $thrown.TargetObject | Should -BeOfType [string]
        $thrown.TargetObject | Should -Be $root
    }

    It 'is the policy name or the update path for an automation Invoke-ImageAutomation cannot run' {
        $examples = Join-Path $PSScriptRoot '../../examples' | Resolve-Path
        $automation = [IO.File]::ReadAllText("$examples/gitops/infrastructure/automation/hugo-blog/automation.yaml")
        $repository = New-TestGitRepository -Branch master -Files @{
            'apps/base/hugo-blog/blog.yaml' = New-MarkedDeployment -Setter 'flux-system:blog'
            'blog.yaml' = $automation -replace '\^blog-', '^nothing-' -replace 'name: hugo-blog', 'name: blog'
            'moved.yaml' = $automation -replace 'name: hugo-blog', 'name: moved' -replace 'path: ./apps/base/hugo-blog', 'path: ./apps/moved'
        }
        $mirror = @{ 'docker.io' = "ocidir://$examples/registry" }

        Invoke-ImageAutomation $repository.Clone -RegistryMirror $mirror -ErrorVariable failures -ErrorAction SilentlyContinue | Out-Null

        $failures | Should -HaveCount 2
        $failures | ForEach-Object { $_.TargetObject | Should -BeOfType [string] }
        ($failures | Where-Object FullyQualifiedErrorId -like 'PolicyNoMatchingTag,*').TargetObject | Should -Be 'flux-system:blog'
        ($failures | Where-Object FullyQualifiedErrorId -like 'UpdatePathNotFound,*').TargetObject | Should -Be './apps/moved'
    }
}
