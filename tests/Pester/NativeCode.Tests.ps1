# libgit2 is the module's only native code. Listing, selection and the setters must run in hosts that forbid native
# libraries (Azure Automation's cloud sandbox), and a git operation there must say why it cannot run and where it can.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $modulePath = Get-TestModulePath
    $examples = (Resolve-Path (Join-Path $PSScriptRoot '../../examples')).Path

    # The laid-out module with every native libgit2 removed: what a host that cannot load native code sees.
    $work = New-TestDirectory
    $withoutNative = Join-Path $work 'TazLab.ImageAutomation'
    Copy-Item $modulePath $withoutNative -Recurse
    Remove-Item (Join-Path $withoutNative 'bin/net8.0/dependencies/runtimes') -Recurse -Force

    # Lists, selects and rewrites the example blog app in a copy of the GitOps folder, then reports what was loaded.
    function Get-NoGitScript {
        param([string] $Module, [string] $GitOps)
        return @"
`$ErrorActionPreference = 'Stop'
Import-Module '$Module'
`$change = Get-RegistryTag -Image 'ocidir://$examples/registry/tazzo/tazlab-blog' |
    Select-ImagePolicyTag -Policy flux-system:hugo-blog -Pattern '^blog-(?P<value>[0-9]+)-.*$' -Extract '`$value' -Numerical |
    Update-ImageSetter -Path '$GitOps'
"CHANGED=`$(@(`$change).Count)"
"SETTERS=`$(@(Get-ImageSetter -Path '$GitOps').Count)"
"MANAGED=" + ((([AppDomain]::CurrentDomain.GetAssemblies()).GetName().Name -match 'LibGit2Sharp') -join ',')
"NATIVE=" + (`$IsLinux -and (Get-Content /proc/self/maps | Select-String -SimpleMatch 'libgit2' -Quiet))
"@
    }
}

AfterAll { Remove-Item $work -Recurse -Force -ErrorAction Ignore }

Describe 'Native code only where needed' {
    It 'lists, selects and rewrites setters without loading LibGit2Sharp or libgit2 (<Layout>)' -ForEach @(
        @{ Layout = 'the shipped layout'; Hidden = $false }
        @{ Layout = 'no native libgit2 in the module'; Hidden = $true }
    ) {
        $gitOps = Join-Path $work "gitops-$Hidden"
        Copy-Item (Join-Path $examples 'gitops') $gitOps -Recurse
        $module = if ($Hidden) { $withoutNative } else { $modulePath }
        $result = Invoke-ChildPwsh -Script (Get-NoGitScript -Module $module -GitOps $gitOps)
        $result.Error | Should -BeNullOrEmpty
        $result.ExitCode | Should -Be 0
        $result.Output | Should -Match 'CHANGED=1\b'
        $result.Output | Should -Match 'SETTERS=[1-9]'
        $result.Output | Should -Match 'MANAGED=\r?\n'
        $result.Output | Should -Match 'NATIVE=False'
    }

    It 'fails a commit with an error naming libgit2 and where to run when libgit2 cannot load' {
        $repository = New-TestGitRepository -Files @{ 'deploy.yaml' = "image: example/app:1.0.0 # {`"`$imagepolicy`": `"flux-system:app`"}`n" }
        try {
            $result = Invoke-ChildPwsh -Script @"
Import-Module '$withoutNative'
`$change = [pscustomobject]@{ Policy = 'flux-system:app'; Image = 'example/app'; Tag = '2.0.0' } | Update-ImageSetter -Path '$($repository.Clone)'
try { `$change | Submit-AutomationCommit -RepositoryPath '$($repository.Clone)' -AuthorEmail bot@tazlab.net -Message 'update' -ErrorAction Stop }
catch {
    "ID=`$(`$_.FullyQualifiedErrorId)"
    "CATEGORY=`$(`$_.CategoryInfo.Category)"
    "MESSAGE=`$(`$_.Exception.Message)"
    "ACTION=`$(`$_.ErrorDetails.RecommendedAction)"
}
"@
            $result.ExitCode | Should -Be 0
            $result.Output | Should -Match 'ID=GitNativeLibraryUnavailable,'
            $result.Output | Should -Match 'CATEGORY=ResourceUnavailable'
            $result.Output | Should -Match 'MESSAGE=The git operation needs libgit2, a native library, and this host could not load it'
            $result.Output | Should -Match 'ACTION=.*Hybrid Runbook Worker.*Update-ImageSetter need no native code'
            (git -C $repository.Clone log --oneline | Measure-Object).Count | Should -Be 1 -Because 'nothing was committed'
        }
        finally { Remove-Item $repository.Root -Recurse -Force -ErrorAction Ignore }
    }
}
