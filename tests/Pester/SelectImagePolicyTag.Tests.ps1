# Select-ImagePolicyTag: parameter sets, pipeline input, grouping per image, and the errors for bad input.
# The selection rules themselves are proven by the xunit conformance suite (tests/TazLab.ImageAutomation.Tests/Policies);
# its selection vectors run here once more, through the cmdlet.
BeforeDiscovery {
    $conformance = Join-Path $PSScriptRoot '../TazLab.ImageAutomation.Tests/Policies/Conformance'
    $selectionCases = foreach ($file in Get-ChildItem $conformance -Filter '*.json' | Sort-Object Name) {
        foreach ($group in (Get-Content $file -Raw | ConvertFrom-Json).groups | Where-Object kind -EQ 'selection') {
            foreach ($case in $group.cases) { @{ Name = "$($file.BaseName) | $($group.test) | $($case.label)"; Case = $case } }
        }
    }
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-TestModulePath) -Force
}

Describe 'Select-ImagePolicyTag' {
    Context 'upstream selection vectors through the cmdlet' {
        It '<Name>' -ForEach $selectionCases {
            $arguments = @{ Tag = [string[]] @($Case.tags); Image = 'example/app' }
            if ($Case.policy.PSObject.Properties.Name -contains 'semver') { $arguments.SemVer = $Case.policy.semver }
            else {
                $kind = $Case.policy.PSObject.Properties.Name | Select-Object -First 1
                $arguments[$kind] = $true
                if ($Case.policy.$kind) { $arguments.Order = $Case.policy.$kind }
            }
            if ($Case.PSObject.Properties.Name -contains 'pattern') { $arguments.Pattern = $Case.pattern }
            if ($Case.PSObject.Properties.Name -contains 'extract') { $arguments.Extract = $Case.extract }

            if ($Case.error -in 'InvalidSemVerRange', 'InvalidTagPattern') {
                $thrown = { Select-ImagePolicyTag @arguments } | Should -Throw -PassThru
                $thrown.FullyQualifiedErrorId | Should -BeLike "$($Case.error),*"
                return
            }

            $selection = Select-ImagePolicyTag @arguments -ErrorVariable failures -ErrorAction SilentlyContinue
            if ($Case.error) {
                $selection | Should -BeNullOrEmpty
                $failures[0].FullyQualifiedErrorId | Should -BeLike "$($Case.error),*"
            }
            elseif ($null -eq $Case.expect) {
                $selection | Should -BeNullOrEmpty
                $failures[0].FullyQualifiedErrorId | Should -BeLike 'PolicyNoMatchingTag,*'
            }
            else {
                $failures.Count | Should -Be 0
                $selection.Tag | Should -BeExactly $Case.expect
            }
        }
    }

    Context 'policies and input' {
        It 'selects by a semver range from -Tag' {
            $tags = '1.0.0', 'v1.2.0', '1.3.0-rc.1', '2.0.0', 'latest'
            $selection = Select-ImagePolicyTag -Tag $tags -SemVer '>=1.0.0 <2.0.0'
            $selection.Tag | Should -Be 'v1.2.0'
            $selection.CandidateCount | Should -Be 5
            $selection.MatchedCount | Should -Be 2 -Because 'latest is not a version, 2.0.0 is outside and the prerelease is excluded'
        }

        It 'includes prereleases when the range names one' {
            (Select-ImagePolicyTag -Tag '1.0.0', '1.1.0-rc.1' -SemVer '>=1.0.0-0').Tag | Should -Be '1.1.0-rc.1'
        }

        It 'takes plain strings from the pipeline' {
            ('build-7', 'build-12', 'latest' | Select-ImagePolicyTag -Pattern '^build-(?P<n>[0-9]+)$' -Extract '$n' -Numerical).Tag |
                Should -Be 'build-12'
        }

        It 'orders alphabetically, Desc selecting the smallest' {
            (Select-ImagePolicyTag -Tag 'xenial', 'zesty', 'artful' -Alphabetical).Tag | Should -Be 'zesty'
            (Select-ImagePolicyTag -Tag 'xenial', 'zesty', 'artful' -Alphabetical -Order Desc).Tag | Should -Be 'artful'
        }

        It 'numbers $1 as Go does when named and unnamed groups are mixed' {
            (Select-ImagePolicyTag -Tag 'a-9-1', 'a-2-30' -Pattern '^(?P<prefix>[a-z])-(\d+)-(\d+)$' -Extract '$2' -Numerical).Tag |
                Should -Be 'a-9-1' -Because 'Go group 2 is the first unnamed group (9 and 2), where .NET would number it 1'
        }

        It 'groups RegistryTag objects per image and copies the image name verbatim' {
            $tags = @(
                [TazLab.ImageAutomation.RegistryTag]@{ Image = 'tazzo/tazlab-blog'; Tag = '1.0.0' }
                [TazLab.ImageAutomation.RegistryTag]@{ Image = 'ghcr.io/org/app'; Tag = '2.1.0' }
                [TazLab.ImageAutomation.RegistryTag]@{ Image = 'tazzo/tazlab-blog'; Tag = '1.1.0' }
                [TazLab.ImageAutomation.RegistryTag]@{ Image = 'ghcr.io/org/app'; Tag = '2.0.0' }
            )
            $selections = $tags | Select-ImagePolicyTag -SemVer '*' -Policy 'flux-system:apps'
            $selections.Count | Should -Be 2
            $selections[0].Image | Should -Be 'tazzo/tazlab-blog' -Because 'Flux writes ImageRepository spec.image verbatim'
            $selections[0].Reference | Should -Be 'tazzo/tazlab-blog:1.1.0'
            $selections[0].Policy | Should -Be 'flux-system:apps'
            $selections[0].CandidateCount | Should -Be 2
            $selections[1].Reference | Should -Be 'ghcr.io/org/app:2.1.0'
        }

        It 'uses the Tag and Image of RegistryTag objects given to -Tag, not their Reference' {
            $tags = @(
                [TazLab.ImageAutomation.RegistryTag]@{ Image = 'tazzo/tazlab-blog'; Tag = '1.0.0' }
                [TazLab.ImageAutomation.RegistryTag]@{ Image = 'tazzo/tazlab-blog'; Tag = '1.1.0' }
            )
            $selection = Select-ImagePolicyTag -Tag $tags -SemVer '*' -Policy 'flux-system:blog'
            $selection.Reference | Should -Be 'tazzo/tazlab-blog:1.1.0'
            $selection.CandidateCount | Should -Be 2
        }

        It 'takes a RegistryTagList whole, piped or given to -Tag' {
            $list = [TazLab.ImageAutomation.RegistryTagList]@{ Image = 'example/app'; Tag = [string[]] ('1.0.0', '1.2.0', 'latest') }
            ($list | Select-ImagePolicyTag -SemVer '^1.0').Reference | Should -Be 'example/app:1.2.0'
            (Select-ImagePolicyTag -Tag $list -SemVer '^1.0').CandidateCount | Should -Be 3
        }

        It 'writes PolicyNoMatchingTag for a RegistryTagList without tags, as for -Tag @()' {
            $empty = [TazLab.ImageAutomation.RegistryTagList]@{ Image = 'example/empty' }
            $selection = $empty | Select-ImagePolicyTag -SemVer '*' -Policy 'flux-system:app' -ErrorVariable failures -ErrorAction SilentlyContinue
            $selection | Should -BeNullOrEmpty
            $failures.Count | Should -Be 1
            $failures[0].FullyQualifiedErrorId | Should -BeLike 'PolicyNoMatchingTag,*'
            $failures[0].Exception.Message | Should -Match "No tag to select from for image 'example/empty'"
        }

        It 'refuses an object that is not a tag, saying what a tag can be' {
            $selection = [pscustomobject]@{ Name = 'x' } | Select-ImagePolicyTag -SemVer '*' -ErrorVariable failures -ErrorAction SilentlyContinue
            $selection | Should -BeNullOrEmpty
            $failures[0].FullyQualifiedErrorId | Should -BeLike 'TagInputInvalid,*'
            $failures[0].ErrorDetails.RecommendedAction | Should -Match 'RegistryTag'
        }

        It 'binds Image and Tag by property name from any object' {
            $selection = [pscustomobject]@{ Image = 'example/app'; Tag = 'v1.0.0', 'v1.0.1' } | Select-ImagePolicyTag -SemVer '1.0.x'
            $selection.Reference | Should -Be 'example/app:v1.0.1'
        }

        It 'selects the same tag whatever the input order, also for ties' {
            $tags = '1.0.0', 'v1.0.0', '1.0.0+build.1'
            (Select-ImagePolicyTag -Tag $tags -SemVer '*').Tag | Should -Be 'v1.0.0'
            [array]::Reverse($tags)
            (Select-ImagePolicyTag -Tag $tags -SemVer '*').Tag | Should -Be 'v1.0.0'
        }
    }

    Context 'no candidate' {
        It 'writes a non-terminating ObjectNotFound error naming the image and policy, and keeps going' {
            $objects = @(
                [pscustomobject]@{ Image = 'example/none'; Tag = 'latest' }
                [pscustomobject]@{ Image = 'example/app'; Tag = '1.0.0' }
            )
            $selections = $objects | Select-ImagePolicyTag -SemVer '>=1.0.0' -Policy 'flux-system:app' -ErrorVariable failures -ErrorAction SilentlyContinue
            $selections.Reference | Should -Be 'example/app:1.0.0'
            $failures.Count | Should -Be 1
            $failures[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
            $failures[0].FullyQualifiedErrorId | Should -BeLike 'PolicyNoMatchingTag,*'
            $failures[0].TargetObject | Should -Be 'example/none'
            $failures[0].Exception.Message | Should -Match "image 'example/none'"
            $failures[0].Exception.Message | Should -Match "policy 'flux-system:app' \(semver range '>=1.0.0'\)"
            $failures[0].ErrorDetails.RecommendedAction | Should -Match 'AllowEmpty'
        }

        It 'says when there were no tags at all' {
            Select-ImagePolicyTag -Tag @() -Image example/empty -Alphabetical -ErrorVariable failures -ErrorAction SilentlyContinue
            $failures[0].Exception.Message | Should -Match "No tag to select from for image 'example/empty'"
        }

        It 'emits nothing and no error with -AllowEmpty' {
            $selection = Select-ImagePolicyTag -Tag 'latest' -SemVer '*' -AllowEmpty -ErrorVariable failures
            $selection | Should -BeNullOrEmpty
            $failures.Count | Should -Be 0
        }
    }

    Context 'bad input' {
        It 'stops on an invalid range, naming it' {
            $thrown = { Select-ImagePolicyTag -Tag '1.0.0' -SemVer '*-*' } | Should -Throw -PassThru
            $thrown.CategoryInfo.Category | Should -Be 'InvalidArgument'
            $thrown.FullyQualifiedErrorId | Should -BeLike 'InvalidSemVerRange,*'
            $thrown.Exception.Message | Should -Match ([regex]::Escape("'*-*'"))
        }

        It 'stops on look-around, which RE2 does not have' {
            $thrown = { Select-ImagePolicyTag -Tag 'a' -Alphabetical -Pattern '^(?!dev)' } | Should -Throw -PassThru
            $thrown.FullyQualifiedErrorId | Should -BeLike 'InvalidTagPattern,*'
            $thrown.Exception.Message | Should -Match 'look-ahead'
        }

        It 'rejects an order that is not Asc or Desc, listing both' {
            $thrown = { Select-ImagePolicyTag -Tag 'a' -Alphabetical -Order Sideways } | Should -Throw -PassThru
            $thrown.FullyQualifiedErrorId | Should -BeLike 'ParameterArgumentValidationError,*'
            $thrown.Exception.Message | Should -Match 'Sideways(.|\n)*Asc,Desc'
        }

        It 'says that semver has no order, as Flux' {
            $thrown = { Select-ImagePolicyTag -Tag '1.0.0' -SemVer '*' -Order Desc } | Should -Throw -PassThru
            $thrown.FullyQualifiedErrorId | Should -BeLike 'SemVerPolicyHasNoOrder,*'
            $thrown.CategoryInfo.Category | Should -Be 'InvalidArgument'
            $thrown.Exception.Message | Should -Match 'semver policy always selects the highest version'
            $thrown.ErrorDetails.RecommendedAction | Should -Match 'Remove -Order'
        }

        It 'needs a policy choice' {
            { Select-ImagePolicyTag -Tag '1.0.0' } | Should -Throw -ExpectedMessage '*Parameter set cannot be resolved*'
        }

        It 'writes an InvalidData error naming a tag that is not a number, suggesting -Pattern, and keeps going' {
            $objects = @(
                [pscustomobject]@{ Image = 'example/bad'; Tag = '1', 'latest' }
                [pscustomobject]@{ Image = 'example/good'; Tag = '1', '2' }
            )
            $selections = $objects | Select-ImagePolicyTag -Numerical -ErrorVariable failures -ErrorAction SilentlyContinue
            $selections.Reference | Should -Be 'example/good:2'
            $failures.Count | Should -Be 1
            $failures[0].CategoryInfo.Category | Should -Be 'InvalidData'
            $failures[0].FullyQualifiedErrorId | Should -BeLike 'NumericalPolicyInvalidValue,*'
            $failures[0].TargetObject | Should -BeExactly 'example/bad' -Because 'the target is the image the user gave'
            $failures[0].Exception.Message | Should -Match "'latest'"
            $failures[0].ErrorDetails.RecommendedAction | Should -Match '-Pattern'
        }
    }
}
