# The help a user reads: Get-Help on the built module, and the generator's refusal of an incomplete page.
BeforeDiscovery {
    $commandNames = (Import-PowerShellDataFile (Join-Path $env:TAZLAB_MODULE_PATH 'TazLab.ImageAutomation.psd1')).CmdletsToExport
    # Each fault is on its own page or place, so one run of the generator reports them all.
    $generatorFaults = @(
        @{ Case = 'a parameter has no default stated and none is derivable'; Page = 'Get-RegistryTag.md'
            Pattern = '(?s)(### -CertificatePath\n.*?)\nDefault value: [^\n]*\n'; Replacement = '$1'
            Expected = 'Get-RegistryTag.md: parameter -CertificatePath has no default' }
        @{ Case = 'a stated default contradicts the cmdlet'; Page = 'Get-RegistryTag.md'
            Pattern = '### -ThrottleLimit\n'; Replacement = "### -ThrottleLimit`nDefault value: 8`n"
            Expected = "Get-RegistryTag.md: parameter -ThrottleLimit states the default '8', but the command's default is '4'" }
        @{ Case = 'a parameter is missing from the page'; Page = 'Update-ImageSetter.md'
            Pattern = '(?s)### -Namespace\n.*?(?=\n##)'; Replacement = ''
            Expected = 'Update-ImageSetter.md: parameter -Namespace is not documented' }
        @{ Case = 'a parameter has no description'; Page = 'Get-ImageSetter.md'
            Pattern = '(?s)(### -MaxFileSize\n).*?(?=\n##|\z)'; Replacement = '$1'
            Expected = 'Get-ImageSetter.md: parameter -MaxFileSize has no description' }
        @{ Case = 'two examples carry the same number'; Page = 'Get-RegistryTag.md'
            Pattern = '### Example 4:'; Replacement = '### Example 3:'
            Expected = "Get-RegistryTag.md: example 'Example 3: *' should be 'Example 4: <title>'" }
        @{ Case = 'an example passes a parameter its command does not have'; Page = 'Get-RegistryTag.md'
            Pattern = '(?<=```powershell\nGet-RegistryTag) '; Replacement = ' -NoSuchParameter '
            Expected = 'Get-RegistryTag.md: example * passes -NoSuchParameter to Get-RegistryTag, which has no such parameter' }
        @{ Case = 'no example pipes one module command into another'; Page = 'Submit-AutomationCommit.md'
            Pattern = '\|(?=\s*Submit-AutomationCommit)'; Replacement = "`n"
            Expected = 'Submit-AutomationCommit.md: no example runs Submit-AutomationCommit with a pipeline' }
        @{ Case = 'an output type is not described'; Page = 'Select-ImagePolicyTag.md'
            Pattern = '### TazLab\.ImageAutomation\.ImagePolicySelection\n'; Replacement = ''
            Expected = 'Select-ImagePolicyTag.md: output type TazLab.ImageAutomation.ImagePolicySelection is not described' }
        @{ Case = 'the about topic lacks a concept'; Page = 'about_TazLab.ImageAutomation.help.txt'
            Pattern = '(?m)^CREDENTIALS$'; Replacement = 'LOGINS'
            Expected = "about_TazLab.ImageAutomation.help.txt has no 'CREDENTIALS' heading" }
    )
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $modulePath = Get-TestModulePath
    Import-Module $modulePath -Force
    $moduleCommands = @((Get-Command -Module TazLab.ImageAutomation).Name)
    $commonParameters = [System.Management.Automation.Cmdlet]::CommonParameters
    $repositoryRoot = Resolve-Path (Join-Path $PSScriptRoot '../..')

    # How a parameter binds from the pipeline, from the cmdlet's own metadata (over all its parameter sets).
    function Get-PipelineBinding {
        param([System.Management.Automation.ParameterMetadata] $Parameter)
        $attributes = @($Parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] })
        return @{ ByValue = [bool] ($attributes | Where-Object ValueFromPipeline); ByPropertyName = [bool] ($attributes | Where-Object ValueFromPipelineByPropertyName) }
    }

    # Runs tools/Build-Help.ps1 on a copy of docs/help changed by $Change, writing into a temporary folder.
    function Invoke-HelpBuild {
        param([scriptblock] $Change)
        $root = New-TestDirectory
        try {
            $docs = Join-Path $root 'help'
            Copy-Item (Join-Path $repositoryRoot 'docs/help') $docs -Recurse
            & $Change $docs
            $script = "& '$(Join-Path $repositoryRoot 'tools/Build-Help.ps1')' -ModulePath '$modulePath' -DocsPath '$docs' -OutputPath '$(Join-Path $root 'out')'; exit `$LASTEXITCODE"
            return Invoke-ChildPwsh -Script $script
        }
        finally { Remove-Item $root -Recurse -Force -ErrorAction Ignore }
    }

    function Edit-Page {
        param([string] $Path, [string] $Pattern, [string] $Replacement)
        $text = Get-Content $Path -Raw
        if ($text -notmatch $Pattern) { throw "$Path has nothing matching $Pattern" }
        Set-Content -Path $Path -Value ($text -replace $Pattern, $Replacement) -NoNewline
    }
}

Describe 'Get-Help <_>' -ForEach $commandNames {
    BeforeAll {
        $command = Get-Command $_
        $help = Get-Help $_ -Full
    }

    It 'has a written synopsis and description' {
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis | Should -Not -BeLike "*$($command.Name) *[<]CommonParameters[>]*" -Because 'auto-generated help only repeats the syntax'
        ($help.Description.Text -join '') | Should -Not -BeNullOrEmpty
    }

    It 'has at least two examples, numbered 1..n, one a pipeline between two module commands' {
        $examples = @($help.Examples.Example)
        $examples.Count | Should -BeGreaterOrEqual 2
        for ($i = 0; $i -lt $examples.Count; $i++) {
            $examples[$i].Title | Should -Match "(^|-+ )Example $($i + 1)(:| -|$)" -Because "example $($i + 1) of $($command.Name) must carry its own number"
        }
        $names = ($moduleCommands | ForEach-Object { [regex]::Escape($_) }) -join '|'
        @($examples | Where-Object { $_.Code -match "(?s)\b($names)\b[^|]*\|.*\b($names)\b" -and $_.Code -match "\b$([regex]::Escape($command.Name))\b" }).Count |
            Should -BeGreaterThan 0 -Because "$($command.Name) needs an example piping one module command into another"
    }

    It 'describes every parameter with its default value, pipeline input and wildcard support' {
        $documented = @{}
        foreach ($parameter in $help.Parameters.Parameter) { $documented[$parameter.Name] = $parameter }
        foreach ($parameter in $command.Parameters.Values | Where-Object Name -notin $commonParameters) {
            $documented.ContainsKey($parameter.Name) | Should -BeTrue -Because "-$($parameter.Name) of $($command.Name) needs help"
            $entry = $documented[$parameter.Name]
            ($entry.Description.Text -join '') | Should -Not -BeNullOrEmpty -Because "-$($parameter.Name) needs a description"
            "$($entry.DefaultValue)" | Should -Not -BeNullOrEmpty -Because "-$($parameter.Name) needs a default value"
            $binding = Get-PipelineBinding $parameter
            $entry.PipelineInput -like 'True*' | Should -Be ($binding.ByValue -or $binding.ByPropertyName) -Because "-$($parameter.Name)'s pipeline input"
            $entry.PipelineInput -match 'ByValue' | Should -Be $binding.ByValue -Because "-$($parameter.Name) binds by value or not"
            $entry.PipelineInput -match 'ByPropertyName' | Should -Be $binding.ByPropertyName -Because "-$($parameter.Name) binds by property name or not"
            $entry.Globbing | Should -Be "$([bool] ($parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] }))".ToLowerInvariant()
        }
    }

    It 'states the defaults the cmdlet itself sets' {
        $instance = [Activator]::CreateInstance($command.ImplementingType)
        foreach ($entry in $help.Parameters.Parameter) {
            $value = $instance.($entry.Name)
            if ($value -is [int] -or $value -is [long] -or ($value -is [string] -and $value)) {
                $entry.DefaultValue | Should -BeLike "*$value*" -Because "-$($entry.Name) of $($command.Name) defaults to $value"
            }
        }
    }

    It 'shows the common parameters, and -WhatIf and -Confirm where it supports ShouldProcess, in every syntax' {
        $syntaxItems = @($help.Syntax.SyntaxItem)
        $syntaxItems.Count | Should -Be $command.ParameterSets.Count
        ($help.Syntax | Out-String -Width 1000) | Should -Match '\[<CommonParameters>\]'
        $supportsShouldProcess = $command.Parameters.ContainsKey('WhatIf')
        foreach ($item in $syntaxItems) {
            $names = @($item.Parameter.Name)
            ('WhatIf' -in $names) | Should -Be $supportsShouldProcess -Because "-WhatIf belongs in the syntax exactly when $($command.Name) supports ShouldProcess"
            ('Confirm' -in $names) | Should -Be $supportsShouldProcess -Because "-Confirm belongs in the syntax exactly when $($command.Name) supports ShouldProcess"
        }
    }

    It 'lists as OUTPUTS exactly its [OutputType], and as INPUTS the types of its pipeline parameters' {
        @($help.ReturnValues.ReturnValue.Type.Name) | Should -Be @($command.OutputType.Name)
        $pipelineTypes = @($command.Parameters.Values | Where-Object { (Get-PipelineBinding $_).Values -contains $true } | ForEach-Object { $_.ParameterType.FullName } | Sort-Object -Unique)
        if (-not $pipelineTypes) { $pipelineTypes = @('None') }
        @($help.InputTypes.InputType.Type.Name | Sort-Object) | Should -Be $pipelineTypes
    }

    It 'links its online page (HelpUri) and the about topic' {
        $uri = "https://github.com/tazlab/TazLab.ImageAutomation/blob/main/docs/help/$($command.Name).md"
        $command.HelpUri | Should -Be $uri
        @($help.RelatedLinks.NavigationLink.Uri) | Should -Contain $uri
        @($help.RelatedLinks.NavigationLink.LinkText) | Should -Contain 'about_TazLab.ImageAutomation'
    }
}

Describe 'about_TazLab.ImageAutomation' {
    It 'is found by Get-Help and explains the concepts' {
        $text = Get-Help about_TazLab.ImageAutomation | Out-String
        foreach ($heading in 'MARKERS', 'POLICIES', 'THE PIPELINE', 'FLUX OBJECTS', 'CREDENTIALS', 'WHAT IS COMMITTED AND PUSHED', 'DEVIATIONS FROM FLUX') {
            $text | Should -Match "(?m)^$heading\s*$"
        }
        $text | Should -Match '\$imagepolicy'
    }

    It 'is found without importing the module, as for an installed one (on PSModulePath)' {
        $result = Invoke-ChildPwsh -Script @"
`$env:PSModulePath = '$(Split-Path $modulePath)' + [IO.Path]::PathSeparator + `$env:PSModulePath
(Get-Help about_TazLab.ImageAutomation | Out-String) -match '(?m)^THE PIPELINE'
[bool] (Get-Module TazLab.ImageAutomation)
"@
        $result.Error | Should -BeNullOrEmpty
        ($result.Output -split '\r?\n' | Where-Object { $_ }) | Should -Be 'True', 'False'
    }
}

Describe 'The help generator (tools/Build-Help.ps1)' -ForEach @(@{ Faults = $generatorFaults }) {
    BeforeAll {
        $result = Invoke-HelpBuild { param($docs) foreach ($fault in $Faults) { Edit-Page (Join-Path $docs $fault.Page) $fault.Pattern $fault.Replacement } }
    }

    It 'fails the build' {
        $result.ExitCode | Should -Be 1
        $result.Error | Should -Match 'The help pages do not match the commands'
    }

    It 'names page and parameter when <Case>' -ForEach $Faults {
        $result.Error | Should -BeLike "*$Expected*"
    }
}
