# Update-ImageSetter as users run it: selections from the pipeline, the built module, files on disk.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'Helpers/Setters.psm1') -Force
    Import-Module (Get-TestModulePath) -Force

    function Get-Text([string] $Path) { [IO.File]::ReadAllText($Path) }
}

Describe 'Update-ImageSetter' {
    BeforeEach {
        $root = New-ManifestTree -Parent $TestDrive -Files @{
            'apps/web/deployment.yaml' = New-MarkedDeployment -Newline "`r`n"
            'apps/api/deployment.yaml' = New-MarkedDeployment -Name api -Image 'ghcr.io/org/api:1.0.0' -Setter 'flux-system:api'
            'apps/team/deployment.yaml' = New-MarkedDeployment -Name team -Image 'ghcr.io/org/web:1.0.0' -Setter 'team:web'
        }
        $web = [pscustomobject]@{ Policy = 'flux-system:web'; Image = 'ghcr.io/org/web'; Tag = '1.1.0' }
        $api = [pscustomobject]@{ Policy = 'api'; Image = 'ghcr.io/org/api'; Tag = '2.0.0'; Digest = 'sha256:' + ('ab' * 32) }
    }

    It 'applies every selection from the pipeline in one pass, resolving a relative -Path, and changes only the values' {
        $before = Get-Text "$root/apps/web/deployment.yaml"
        Push-Location $root
        try { $changes = $web, $api | Update-ImageSetter -Path ./apps }
        finally { Pop-Location }

        $changes.Count | Should -Be 2
        Get-Text "$root/apps/web/deployment.yaml" | Should -BeExactly ($before -replace 'web:1\.0\.0', 'web:1.1.0')
        Get-Text "$root/apps/api/deployment.yaml" | Should -BeExactly (New-MarkedDeployment -Name api -Image "ghcr.io/org/api:2.0.0@sha256:$('ab' * 32)" -Setter 'flux-system:api')
        Get-Text "$root/apps/team/deployment.yaml" | Should -BeExactly (New-MarkedDeployment -Name team -Image 'ghcr.io/org/web:1.0.0' -Setter 'team:web')
    }

    It 'emits one change per value with its place, its object and the selection that set it' {
        $change = $web | Update-ImageSetter -Path $root

        $change | Should -HaveCount 1
        $change.PSObject.TypeNames[0] | Should -Be 'TazLab.ImageAutomation.ImageSetterChange'
        $change.Path | Should -Be (Join-Path $root 'apps/web/deployment.yaml')
        $change.RelativePath | Should -Be 'apps/web/deployment.yaml'
        $change.UpdatePath | Should -Be $root
        "$($change.Line):$($change.Column)" | Should -Be '11:18'
        $change.Setter | Should -Be 'flux-system:web'
        $change.OldValue | Should -Be 'ghcr.io/org/web:1.0.0'
        $change.NewValue | Should -Be 'ghcr.io/org/web:1.1.0'
        "$($change.ApiVersion)|$($change.Kind)|$($change.Namespace)|$($change.Name)" | Should -Be 'apps/v1|Deployment|prod|web'
        "$($change.Policy)|$($change.Image)|$($change.Tag)|$($change.Digest)" | Should -Be 'flux-system:web|ghcr.io/org/web|1.1.0|'
    }

    It 'takes a policy without namespace to be in -Namespace' {
        $selection = [pscustomobject]@{ Policy = 'web'; Image = 'ghcr.io/org/web'; Tag = '3.0.0' }

        $change = $selection | Update-ImageSetter -Path $root -Namespace team

        $change.RelativePath | Should -Be 'apps/team/deployment.yaml'
        Get-Text "$root/apps/web/deployment.yaml" | Should -Match 'web:1\.0\.0'
    }

    It 'reports markers naming no selected policy with -Verbose and leaves them alone' {
        $verbose = $web | Update-ImageSetter -Path $root -Verbose 4>&1 | Where-Object { $_ -is [Management.Automation.VerboseRecord] }

        $verbose.Message | Should -Contain "apps/team/deployment.yaml:11: no selection is for the marker 'team:web', so it was left alone."
    }

    It 'writes nothing with -WhatIf, yet emits the changes it would make' {
        $before = Get-ChildItem $root -Recurse -File | ForEach-Object { Get-FileHash $_ }

        $output = $web, $api | Update-ImageSetter -Path $root -WhatIf

        $output.NewValue | Should -Contain 'ghcr.io/org/web:1.1.0' -Because 'a whole pipeline can be dry-run'
        $output.Written | Should -Not -Contain $true
        Get-ChildItem $root -Recurse -File | ForEach-Object { Get-FileHash $_ } | ForEach-Object Hash | Should -Be $before.Hash
    }

    It 'reports invalid YAML as a ParserError naming file and line, and updates the rest' {
        [IO.File]::WriteAllText("$root/apps/broken.yaml", "image: x # {`"`$imagepolicy`": `"flux-system:web`"}`nbad: b: c`n")

        $changes = $web | Update-ImageSetter -Path $root -ErrorVariable failures -ErrorAction SilentlyContinue

        $failures | Should -HaveCount 1
        $failures[0].CategoryInfo.Category | Should -Be 'ParserError'
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'SetterFileInvalidYaml,*'
        $failures[0].Exception.Message | Should -Match ([regex]::Escape("$root/apps/broken.yaml"))
        $failures[0].Exception.Message | Should -Match 'at line 2, column 7'
        $changes.RelativePath | Should -Be 'apps/web/deployment.yaml'
    }

    It 'refuses a read-only file with a clear error, keeps it, and updates the rest' {
        $readOnly = "$root/apps/api/deployment.yaml"
        $before = Get-Text $readOnly
        [IO.File]::SetUnixFileMode($readOnly, [IO.UnixFileMode]'UserRead, GroupRead')

        $changes = $web, $api | Update-ImageSetter -Path $root -ErrorVariable failures -ErrorAction SilentlyContinue

        $failures | Should -HaveCount 1
        $failures[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
        $failures[0].Exception.Message | Should -Be "'$readOnly' is read-only; it was not updated."
        Get-Text $readOnly | Should -BeExactly $before
        $changes.RelativePath | Should -Be 'apps/web/deployment.yaml'
        [IO.File]::SetUnixFileMode($readOnly, [IO.UnixFileMode]'UserRead, UserWrite')
    }

    It 'skips files above -MaxFileSize with a warning' {
        $warnings = $web | Update-ImageSetter -Path $root -MaxFileSize 100 3>&1 | Where-Object { $_ -is [Management.Automation.WarningRecord] }

        $warnings.Message | Should -Contain 'apps/web/deployment.yaml: above the 100-byte file size limit; skipped.'
        Get-Text "$root/apps/web/deployment.yaml" | Should -Match 'web:1\.0\.0'
    }

    It 'names an invalid selection and still applies the others' {
        $bad = [pscustomobject]@{ Policy = 'flux-system:api'; Image = 'ghcr.io/org/api'; Tag = 'not a tag' }

        $changes = $bad, $web | Update-ImageSetter -Path $root -ErrorVariable failures -ErrorAction SilentlyContinue

        $failures[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $failures[0].Exception.Message | Should -Match "tag 'not a tag' of policy 'flux-system:api'"
        $changes.RelativePath | Should -Be 'apps/web/deployment.yaml'
    }

    It 'says how to name the policy of a selection made without -Policy, and still applies the others' {
        $unnamed = Select-ImagePolicyTag -Tag '1.0.0', '1.2.0' -Image 'ghcr.io/org/api' -SemVer '*'

        $changes = $unnamed, $web | Update-ImageSetter -Path $root -ErrorVariable failures -ErrorAction SilentlyContinue

        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'SetterPolicyNameMissing,*'
        $failures[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $failures[0].TargetObject | Should -Be 'ghcr.io/org/api'
        $failures[0].Exception.Message | Should -Match "'ghcr.io/org/api:1.2.0' names no policy"
        $failures[0].ErrorDetails.RecommendedAction | Should -Match 'Select-ImagePolicyTag -Policy'
        $changes.RelativePath | Should -Be 'apps/web/deployment.yaml'
    }

    It 'stops before writing anything when one policy is given two different images' {
        $other = [pscustomobject]@{ Policy = 'web'; Image = 'ghcr.io/org/web'; Tag = '9.9.9' }

        { $web, $other | Update-ImageSetter -Path $root } | Should -Throw -ExpectedMessage "*policy 'flux-system:web' was given twice*"
        Get-Text "$root/apps/web/deployment.yaml" | Should -Match 'web:1\.0\.0'
    }
}

Describe 'Update-ImageSetter killed while it rewrites a large tree' {
    It 'leaves every file wholly old or wholly new, and the next run finishes the job and removes the temporary files' {
        $count = 3000
        $root = Join-Path $TestDrive 'large'
        $padding = ('# ' + ('x' * 78) + "`n") * 100
        $old = (New-MarkedDeployment -Image 'ghcr.io/org/web:1.0.0') + $padding
        $new = (New-MarkedDeployment -Image 'ghcr.io/org/web:1.1.0') + $padding
        New-Item -ItemType Directory -Path $root | Out-Null
        for ($i = 0; $i -lt $count; $i++) { [IO.File]::WriteAllText((Join-Path $root ('m{0:d5}.yaml' -f $i)), $old) }

        $script = Join-Path $TestDrive 'rewrite.ps1'
        Set-Content $script @"
Import-Module '$(Get-TestModulePath)'
[pscustomobject]@{ Policy = 'flux-system:web'; Image = 'ghcr.io/org/web'; Tag = '1.1.0' } | Update-ImageSetter -Path '$root' | Out-Null
"@
        $pwsh = Get-PwshCommand
        $child = Start-Process -FilePath $pwsh[0] -ArgumentList (@($pwsh | Select-Object -Skip 1) + @('-NoProfile', '-File', $script)) -PassThru
        # Kill it as soon as the first file is new: the walk is in order, so the last file is still old then.
        $first = Join-Path $root 'm00000.yaml'
        $deadline = [DateTime]::UtcNow.AddMinutes(2)
        while ([IO.File]::ReadAllText($first) -ne $new -and -not $child.HasExited -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 1 }
        $child.HasExited | Should -BeFalse -Because 'the child must still be writing when it is killed (if it is not, make the tree larger)'
        $child.Kill($true)
        $child.WaitForExit()

        $contents = Get-ChildItem $root -Filter *.yaml | ForEach-Object { [IO.File]::ReadAllText($_.FullName) }
        $contents | Should -HaveCount $count
        $torn = @($contents | Where-Object { $_ -ne $old -and $_ -ne $new })
        $torn.Count | Should -Be 0
        $newCount = @($contents | Where-Object { $_ -eq $new }).Count
        $newCount | Should -BeGreaterThan 0 -Because 'the child was killed after it began writing'
        $newCount | Should -BeLessThan $count -Because 'the child was killed before it finished'

        # The writes in flight at the kill left their temporary files (.NAME.tazlab-GUID.tmp, some empty); the next run removes them.
        $leftovers = @(Get-ChildItem $root -Force -Filter '.*.tmp')
        $removed = [pscustomobject]@{ Policy = 'flux-system:web'; Image = 'ghcr.io/org/web'; Tag = '1.1.0' } |
            Update-ImageSetter -Path $root -Verbose 4>&1 | Where-Object { $_ -is [Management.Automation.VerboseRecord] -and $_.Message -like 'Removed *' }
        @($removed).Count | Should -Be $leftovers.Count
        @(Get-ChildItem $root -Force -Filter '.*.tmp').Count | Should -Be 0
        @(Get-ChildItem $root -Filter *.yaml | Where-Object { [IO.File]::ReadAllText($_.FullName) -ne $new }).Count | Should -Be 0
    }
}
