# Write-Progress as users see it, through the streams of a [powershell] host: a listing of many pages from a real
# registry shows the command's bar and one per image under it, forward only, each ending Completed; silenced, nothing.
# The other commands' progress (3,000-file trees, commits, retries, Ctrl+C) is covered in the xunit suite (Cmdlets/ProgressTests).
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'Helpers/Registry.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'Helpers/Progress.psm1') -Force

    # Runs a script in a fresh runspace with the module imported; its output and progress records. Records are
    # written from a command's first moment (no half-second grace), so what is checked does not hang on this machine's speed.
    function Invoke-WithProgress([string] $Script) {
        $shell = [powershell]::Create()
        try {
            $noGrace = "(Get-Command Get-RegistryTag).ImplementingType.Assembly.GetType('TazLab.ImageAutomation.Commands.ProgressWriter').
                GetProperty('Grace', [Reflection.BindingFlags] 'NonPublic, Static').SetValue(`$null, [TimeSpan]::Zero)"
            $null = $shell.AddScript("Import-Module '$(Get-TestModulePath)'; $noGrace; $Script")
            $output = $shell.Invoke()
            $shell.Streams.Error | Should -BeNullOrEmpty
            [pscustomobject]@{ Output = $output; Progress = @($shell.Streams.Progress) }
        }
        finally { $shell.Dispose() }
    }
}

Describe 'Progress of Get-RegistryTag over many pages' {
    BeforeAll {
        $registry = Start-TestRegistry
        # 4 pages of the 1,000 tags asked for (the issue's 21 pages of 20,001 tags are in bench/Progress.Bench.ps1).
        Add-TestRegistryTagRange -Registry $registry -Repository team/many -Count 3001
        Add-TestRegistryTag -Registry $registry -Repository team/few -Tag '1.0.0' | Out-Null
        $many = "$($registry.Address)/team/many"
        $few = "$($registry.Address)/team/few"
    }
    AfterAll { Stop-TestRegistry $registry }

    It 'shows the command bar, a bar per image under it, forward only, each ending Completed' {
        $run = Invoke-WithProgress "Get-RegistryTag -Image '$many', '$few' | Measure-Object | ForEach-Object Count"

        $run.Output | Should -Be 3002
        $records = $run.Progress
        $records[-1].RecordType | Should -Be 'Completed'
        foreach ($bar in $records | Group-Object ActivityId) {
            $bar.Group[-1].RecordType | Should -Be 'Completed' -Because "bar '$($bar.Group[0].Activity)' must end"
            $percents = @($bar.Group.PercentComplete | Where-Object { $_ -ne -1 })
            $percents | Should -Be ($percents | Sort-Object) -Because 'a bar never goes backwards'
            $percents | ForEach-Object { $_ | Should -BeIn (0..100) }
        }

        $command = @($records | Where-Object Activity -EQ 'Listing registry tags')
        $command[-1].PercentComplete | Should -Be 100
        $command.StatusDescription -like '* of 2 images listed' | Should -Not -BeNullOrEmpty -Because 'the total is shown once known'
        $pages = @($records | Where-Object { $_.Activity -eq "Listing tags of '$many'" -and $_.RecordType -eq 'Processing' })
        $pages | Should -Not -BeNullOrEmpty -Because 'a 4-page listing takes long enough to be shown'
        $pages | ForEach-Object { $_.ParentActivityId | Should -Be $command[0].ActivityId }
        $pages[-1].CurrentOperation | Should -Match '^Page \d+: /v2/team/many/tags/list\?'
        $pages[-1].StatusDescription | Should -Match '^[\d,]+ tags$'
    }

    It 'writes no progress record under $ProgressPreference = SilentlyContinue' {
        $run = Invoke-WithProgress "`$ProgressPreference = 'SilentlyContinue'; Get-RegistryTag -Image '$many' | Measure-Object | ForEach-Object Count"

        $run.Output | Should -Be 3001
        $run.Progress | Should -BeNullOrEmpty
    }
}
