<#
.SYNOPSIS
    Builds the module's MAML help (en-US/TazLab.ImageAutomation.dll-Help.xml) and about topic from docs/help.
.DESCRIPTION
    platyPS is not on NuGet, so this small converter does its job for our markdown, writing MAML laid out as
    platyPS writes it (so Get-Help shows syntax, "Default value", "Accept pipeline input" and "Accept wildcard
    characters" the way it does for PowerShell's own commands). The prose (synopsis, description, examples,
    parameter text, notes) comes from docs/help/<Command>.md; syntax, parameter attributes, inputs, outputs and the
    online link come from the built cmdlets themselves, so they cannot drift.

    A page is strict: it fails the build when a command has no page or a page no command; a SYNOPSIS, DESCRIPTION,
    EXAMPLES or PARAMETERS section is missing; a parameter is missing from either side or has no description; a
    parameter's default is neither stated ("Default value: ..." on its own line) nor derivable (switches are False,
    parameters mandatory in every set have none, a value the cmdlet initialises is read from it), or is stated
    differently from the cmdlet's; there are fewer than two examples, they are not numbered 1..n, none is a pipeline
    between two of the module's commands, or one uses a parameter its command does not have; the cmdlet has no
    HelpUri pointing at its page; an [OutputType] is not described under OUTPUTS, or OUTPUTS names a type the cmdlet
    does not declare. about_*.help.txt files are checked for their headings and copied beside the MAML. build.ps1
    runs this in a child pwsh after laying out the module.

    Page layout (platyPS's, less what code knows): '## SYNOPSIS', '## DESCRIPTION', '## EXAMPLES' with
    '### Example N: Title' and a ```powershell block, '## PARAMETERS' with '### -Name' and its text (plus
    'Default value: ...' when code cannot tell it), '## OUTPUTS' with '### <TypeName>', optional '## NOTES'.
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $DocsPath,
    # Where the help goes; the module's en-US folder by default (tests check a page elsewhere).
    [string] $OutputPath = (Join-Path $ModulePath 'en-US')
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$module = Import-Module $ModulePath -PassThru -Force
$commands = @(Get-Command -Module $module.Name -CommandType Cmdlet | Sort-Object Name)
$commonParameters = [System.Management.Automation.Cmdlet]::CommonParameters
$helpUriBase = 'https://github.com/tazlab/TazLab.ImageAutomation/blob/main/docs/help'
$aboutTopic = "about_$($module.Name)"
# The sections every about topic has, and the concepts ours must explain (each a heading in capitals).
$aboutHeadings = 'TOPIC', 'SHORT DESCRIPTION', 'LONG DESCRIPTION', 'MARKERS', 'POLICIES', 'THE PIPELINE', 'FLUX OBJECTS',
    'CREDENTIALS', 'WHAT IS COMMITTED AND PUSHED', 'DEVIATIONS FROM FLUX', 'SEE ALSO'
# What platyPS writes for the ShouldProcess parameters, used unless a page says more.
$standardText = @{
    WhatIf  = 'Shows what would happen if the cmdlet runs. The cmdlet is not run.'
    Confirm = 'Prompts you for confirmation before running the cmdlet.'
}
$standardAliases = @{ WhatIf = 'wi'; Confirm = 'cf' }

$maml = 'http://schemas.microsoft.com/maml/2004/10'
$commandNs = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
$dev = 'http://schemas.microsoft.com/maml/dev/2004/10'
$problems = [Collections.Generic.List[string]]::new()

# Splits a help page into '## ' sections and each section into '### ' subsections (text kept verbatim, code blocks
# included: a '#' line inside ``` is code, not a heading).
function Read-HelpPage {
    param([string] $Path)
    $sections = [ordered]@{}
    $section = $null; $sub = $null; $inCode = $false
    foreach ($line in Get-Content $Path) {
        if ($line -match '^```') { $inCode = -not $inCode }
        if (-not $inCode -and $line -match '^## (.+)$') { $section = $Matches[1].Trim(); $sections[$section] = [ordered]@{ '' = [Collections.Generic.List[string]]::new() }; $sub = ''; continue }
        if ($null -eq $section) { continue }
        if (-not $inCode -and $line -match '^### (.+)$') { $sub = $Matches[1].Trim(); $sections[$section][$sub] = [Collections.Generic.List[string]]::new(); continue }
        $sections[$section][$sub].Add($line)
    }
    return $sections
}

function Get-Paragraphs {
    param([string[]] $Lines)
    $text = ($Lines -join "`n").Trim()
    if (-not $text) { return @() }
    return @($text -split "\n\s*\n" | ForEach-Object { ($_ -split "`n" | ForEach-Object Trim) -join ' ' })
}

function Write-Paragraphs {
    param([Xml.XmlWriter] $Writer, [string] $Element, [string[]] $Paragraphs)
    $Writer.WriteStartElement('maml', $Element, $maml)
    foreach ($paragraph in $Paragraphs) { $Writer.WriteElementString('maml', 'para', $maml, $paragraph) }
    $Writer.WriteEndElement()
}

function Write-Type {
    param([Xml.XmlWriter] $Writer, [string] $Name)
    $Writer.WriteStartElement('dev', 'type', $dev)
    $Writer.WriteElementString('maml', 'name', $maml, $Name)
    $Writer.WriteElementString('maml', 'uri', $maml, '')
    $Writer.WriteEndElement()
}

# The ParameterAttribute of each parameter set the parameter belongs to.
function Get-ParameterAttributes {
    param([System.Management.Automation.ParameterMetadata] $Parameter)
    return @($Parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] })
}

# platyPS's wording: "True (ByPropertyName, ByValue)", "True (ByValue)" or "False", over all parameter sets.
function Get-PipelineInput {
    param([System.Management.Automation.ParameterAttribute[]] $Attributes)
    $kinds = @()
    if ($Attributes | Where-Object ValueFromPipelineByPropertyName) { $kinds += 'ByPropertyName' }
    if ($Attributes | Where-Object ValueFromPipeline) { $kinds += 'ByValue' }
    if ($kinds) { return "True ($($kinds -join ', '))" }
    return 'False'
}

function Get-ValidValues {
    param([System.Management.Automation.ParameterMetadata] $Parameter)
    $set = $Parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.ValidateSetAttribute] } | Select-Object -First 1
    if ($set) { return @($set.ValidValues) }
    if ($Parameter.ParameterType.IsEnum) { return [Enum]::GetNames($Parameter.ParameterType) }
    return @()
}

# The default the cmdlet itself gives a parameter, as text, or $null when code cannot know it (a value computed
# later, such as "the checked-out branch", or an empty placeholder such as PSCredential.Empty).
function Get-DerivedDefault {
    param($Instance, [System.Management.Automation.ParameterMetadata] $Parameter, [System.Management.Automation.ParameterAttribute[]] $Attributes)
    if ($Parameter.SwitchParameter) { return 'False' }
    if (-not ($Attributes | Where-Object { -not $_.Mandatory })) { return 'None' }
    $value = $Instance.($Parameter.Name)
    if ($null -eq $value -or $value -is [pscredential] -or $value -is [Collections.IDictionary]) { return $null }
    if ($value -is [string]) { return $(if ($value) { $value } else { $null }) }
    if ($value -is [Collections.IEnumerable]) { $items = @($value); return $(if ($items.Count) { $items -join ', ' } else { $null }) }
    return [string] $value
}

# Splits a parameter's page text into its description and its "Default value:" line.
function Split-ParameterText {
    param([string[]] $Lines)
    $stated = $null
    $description = foreach ($line in $Lines) {
        if ($line -match '^\s*Default value:\s*(.*?)\s*$') { $stated = $Matches[1] } else { $line }
    }
    return @{ Description = @(Get-Paragraphs $description); Default = $stated }
}

# Whether an example's code pipes one module command into another, and its calls of module commands.
function Get-ExampleCalls {
    param([string] $Code)
    $tokens = $null; $errors = $null
    $ast = [System.Management.Automation.Language.Parser]::ParseInput($Code, [ref] $tokens, [ref] $errors)
    # A pipeline joins two module commands when one is an element and a later element is (or holds, as in
    # ForEach-Object { ... }) another.
    $joined = @($ast.FindAll({ $args[0] -is [System.Management.Automation.Language.PipelineAst] }, $true) | Where-Object {
            $elements = @($_.PipelineElements)
            $first = @(0..($elements.Count - 1) | Where-Object { $elements[$_] -is [System.Management.Automation.Language.CommandAst] -and $elements[$_].GetCommandName() -in $commands.Name }) | Select-Object -First 1
            $null -ne $first -and @($elements | Select-Object -Skip ($first + 1) | Where-Object {
                    $_.FindAll({ $args[0] -is [System.Management.Automation.Language.CommandAst] -and $args[0].GetCommandName() -in $commands.Name }, $true) }).Count -gt 0
        })
    $calls = @($ast.FindAll({ $args[0] -is [System.Management.Automation.Language.CommandAst] }, $true) | Where-Object { $_.GetCommandName() -in $commands.Name })
    return @{ Errors = $errors; JoinsModuleCommands = $joined.Count -gt 0; Calls = $calls }
}

function Test-Examples {
    param($Command, $Examples, [string] $Page)
    $titles = @($Examples.Keys | Where-Object { $_ })
    if ($titles.Count -lt 2) { $problems.Add("${Page}: has $($titles.Count) example(s); give at least two, one a pipeline between two of the module's commands") }
    for ($i = 0; $i -lt $titles.Count; $i++) {
        if ($titles[$i] -notmatch "^Example $($i + 1)(:\s+\S.*)?$") { $problems.Add("${Page}: example '$($titles[$i])' should be 'Example $($i + 1): <title>' (examples are numbered 1..n in order)") }
    }
    $pipelineExample = $false
    foreach ($title in $titles) {
        $code = (($Examples[$title] -join "`n") -replace '(?s)^.*?```powershell\n(.*?)\n```.*$', '$1')
        $parsed = Get-ExampleCalls $code
        if ($parsed.Errors) { $problems.Add("${Page}: example '$title' does not parse: $($parsed.Errors[0].Message)"); continue }
        if ($parsed.JoinsModuleCommands -and $Command.Name -in $parsed.Calls.ForEach({ $_.GetCommandName() })) { $pipelineExample = $true }
        foreach ($call in $parsed.Calls) {
            $called = $commands | Where-Object Name -eq $call.GetCommandName()
            foreach ($parameter in $call.CommandElements | Where-Object { $_ -is [System.Management.Automation.Language.CommandParameterAst] }) {
                $known = try { $called.ResolveParameter($parameter.ParameterName) } catch { $null }
                if (-not $known) { $problems.Add("${Page}: example '$title' passes -$($parameter.ParameterName) to $($called.Name), which has no such parameter") }
            }
        }
    }
    if ($titles.Count -and -not $pipelineExample) { $problems.Add("${Page}: no example runs $($Command.Name) with a pipeline between two of the module's commands (such as Get-RegistryTag ... | Select-ImagePolicyTag ...)") }
}

function Write-Parameter {
    param([Xml.XmlWriter] $Writer, $Help, [bool] $Required, [string] $Position, [bool] $InSyntax)
    $Writer.WriteStartElement('command', 'parameter', $commandNs)
    $Writer.WriteAttributeString('required', "$Required".ToLowerInvariant())
    $Writer.WriteAttributeString('variableLength', 'true')
    $Writer.WriteAttributeString('globbing', "$($Help.Globbing)".ToLowerInvariant())
    $Writer.WriteAttributeString('pipelineInput', $Help.PipelineInput)
    $Writer.WriteAttributeString('position', $Position)
    $Writer.WriteAttributeString('aliases', $Help.Aliases)
    $Writer.WriteElementString('maml', 'name', $maml, $Help.Name)
    Write-Paragraphs $Writer 'description' $Help.Description
    if ($Help.ValidValues) {
        $Writer.WriteStartElement('command', 'parameterValueGroup', $commandNs)
        foreach ($value in $Help.ValidValues) {
            $Writer.WriteStartElement('command', 'parameterValue', $commandNs)
            $Writer.WriteAttributeString('required', 'false'); $Writer.WriteAttributeString('command', 'variableLength', $commandNs, 'false')
            $Writer.WriteString($value); $Writer.WriteEndElement()
        }
        $Writer.WriteEndElement()
    }
    elseif (-not $InSyntax -or -not $Help.Switch) {
        # Switches show no value in the syntax; in the parameter list platyPS still names their type.
        $Writer.WriteStartElement('command', 'parameterValue', $commandNs)
        $Writer.WriteAttributeString('required', "$(-not $Help.Switch)".ToLowerInvariant()); $Writer.WriteAttributeString('variableLength', 'false')
        $Writer.WriteString($Help.TypeName); $Writer.WriteEndElement()
    }
    Write-Type $Writer $Help.TypeFullName
    $Writer.WriteElementString('dev', 'defaultValue', $dev, $Help.Default)
    $Writer.WriteEndElement()
}

function Get-ParameterHelp {
    param($Command, $Instance, $Page, [string] $PagePath)
    $result = [ordered]@{}
    $sections = $Page['PARAMETERS']
    foreach ($parameter in $Command.Parameters.Values | Where-Object { $_.Name -notin $commonParameters }) {
        $attributes = Get-ParameterAttributes $parameter
        $key = "-$($parameter.Name)"
        $text = Split-ParameterText $(if ($sections.Contains($key)) { $sections[$key] } else { @() })
        $standard = $standardText.ContainsKey($parameter.Name)
        if (-not $sections.Contains($key) -and -not $standard) { $problems.Add("${PagePath}: parameter -$($parameter.Name) is not documented (add a '### -$($parameter.Name)' section under PARAMETERS)"); continue }
        if (-not $text.Description) {
            if (-not $standard) { $problems.Add("${PagePath}: parameter -$($parameter.Name) has no description") }
            $text.Description = @($standardText[$parameter.Name])
        }
        $derived = if ($standard) { 'False' } else { Get-DerivedDefault $Instance $parameter $attributes }
        $default = $text.Default
        if ($null -eq $default -and $null -eq $derived) {
            $problems.Add("${PagePath}: parameter -$($parameter.Name) has no default (the command cannot tell it): add a line 'Default value: <value or None>' to its section")
        }
        elseif ($null -eq $default) { $default = $derived }
        elseif (-not $default) { $problems.Add("${PagePath}: parameter -$($parameter.Name) has an empty 'Default value:' line") }
        elseif ($null -ne $derived -and $default.IndexOf($derived, [StringComparison]::OrdinalIgnoreCase) -lt 0) {
            $problems.Add("${PagePath}: parameter -$($parameter.Name) states the default '$default', but the command's default is '$derived'")
        }
        $aliases = @($parameter.Aliases) + @(if ($standard) { $standardAliases[$parameter.Name] }) | Where-Object { $_ } | Select-Object -Unique
        $result[$parameter.Name] = @{
            Name          = $parameter.Name
            Description   = $text.Description
            Default       = $default
            PipelineInput = Get-PipelineInput $attributes
            Globbing      = [bool] ($parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] })
            Aliases       = $(if ($aliases) { $aliases -join ', ' } else { 'none' })
            Required      = -not ($attributes | Where-Object { -not $_.Mandatory })
            Position      = $(if (($attributes | Where-Object Position -ge 0)) { "$(($attributes | Where-Object Position -ge 0)[0].Position)" } else { 'named' })
            Switch        = $parameter.SwitchParameter
            TypeName      = $parameter.ParameterType.Name
            TypeFullName  = $parameter.ParameterType.FullName
            ValidValues   = @(Get-ValidValues $parameter)
            PipelineTypes = $(if ($attributes | Where-Object { $_.ValueFromPipeline -or $_.ValueFromPipelineByPropertyName }) { $parameter.ParameterType.FullName })
        }
    }
    foreach ($extra in $sections.Keys | Where-Object { $_ } | ForEach-Object { $_.TrimStart('-') } | Where-Object { $_ -notin $result.Keys -and $_ -notin $Command.Parameters.Keys }) {
        $problems.Add("${PagePath}: documents -$extra, which $($Command.Name) does not have")
    }
    return $result
}

function Write-CommandHelp {
    param([Xml.XmlWriter] $Writer, $Command)
    $pagePath = "docs/help/$($Command.Name).md"
    $file = Join-Path $DocsPath "$($Command.Name).md"
    if (-not (Test-Path $file)) { $problems.Add("$($Command.Name) has no help page $pagePath"); return }
    $page = Read-HelpPage $file
    $absent = @('SYNOPSIS', 'DESCRIPTION', 'EXAMPLES', 'PARAMETERS' | Where-Object { -not $page.Contains($_) })
    if ($absent) { $problems.Add("${pagePath}: has no section: $($absent -join ', ')"); return }
    foreach ($section in 'SYNOPSIS', 'DESCRIPTION') { if (-not (Get-Paragraphs $page[$section][''])) { $problems.Add("${pagePath}: the $section section is empty") } }
    $expectedUri = "$helpUriBase/$($Command.Name).md"
    if ($Command.HelpUri -ne $expectedUri) { $problems.Add("$($Command.Name): [Cmdlet(..., HelpUri = `"$expectedUri`")] is missing or differs ('$($Command.HelpUri)')") }

    $parameters = Get-ParameterHelp $Command ([Activator]::CreateInstance($Command.ImplementingType)) $page $pagePath
    Test-Examples $Command $page['EXAMPLES'] $pagePath

    $Writer.WriteStartElement('command', 'command', $commandNs)
    $Writer.WriteAttributeString('xmlns', 'maml', $null, $maml)
    $Writer.WriteAttributeString('xmlns', 'dev', $null, $dev)
    $Writer.WriteStartElement('command', 'details', $commandNs)
    $Writer.WriteElementString('command', 'name', $commandNs, $Command.Name)
    $Writer.WriteElementString('command', 'verb', $commandNs, $Command.Verb)
    $Writer.WriteElementString('command', 'noun', $commandNs, $Command.Noun)
    Write-Paragraphs $Writer 'description' (Get-Paragraphs $page['SYNOPSIS'][''])
    $Writer.WriteEndElement()
    Write-Paragraphs $Writer 'description' (Get-Paragraphs $page['DESCRIPTION'][''])

    $Writer.WriteStartElement('command', 'syntax', $commandNs)
    foreach ($set in $Command.ParameterSets) {
        $Writer.WriteStartElement('command', 'syntaxItem', $commandNs)
        $Writer.WriteElementString('maml', 'name', $maml, $Command.Name)
        # Positional parameters first, in position order, then the others in the order the cmdlet declares them.
        $order = @($parameters.Keys)
        foreach ($parameter in $set.Parameters | Where-Object { $parameters.Contains($_.Name) } | Sort-Object { if ($_.Position -ge 0) { $_.Position } else { [int]::MaxValue } }, { $order.IndexOf($_.Name) }) {
            Write-Parameter $Writer $parameters[$parameter.Name] $parameter.IsMandatory $(if ($parameter.Position -ge 0) { "$($parameter.Position)" } else { 'named' }) $true
        }
        $Writer.WriteEndElement()
    }
    $Writer.WriteEndElement()

    $Writer.WriteStartElement('command', 'parameters', $commandNs)
    foreach ($help in $parameters.Values) { Write-Parameter $Writer $help $help.Required $help.Position $false }
    $Writer.WriteEndElement()

    $Writer.WriteStartElement('command', 'inputTypes', $commandNs)
    $inputTypes = @($parameters.Values | Where-Object PipelineTypes | Group-Object PipelineTypes | Sort-Object Name)
    foreach ($type in $inputTypes) {
        $Writer.WriteStartElement('command', 'inputType', $commandNs)
        Write-Type $Writer $type.Name
        Write-Paragraphs $Writer 'description' @("Bound from the pipeline to $(($type.Group | ForEach-Object { "-$($_.Name) ($($_.PipelineInput -replace '^True \((.*)\)$', '$1'))" }) -join ', ').")
        $Writer.WriteEndElement()
    }
    if (-not $inputTypes) {
        $Writer.WriteStartElement('command', 'inputType', $commandNs)
        Write-Type $Writer 'None'
        Write-Paragraphs $Writer 'description' @("$($Command.Name) takes no pipeline input.")
        $Writer.WriteEndElement()
    }
    $Writer.WriteEndElement()

    $outputText = if ($page.Contains('OUTPUTS')) { $page['OUTPUTS'] } else { @{} }
    foreach ($named in $outputText.Keys | Where-Object { $_ -and $_ -notin $Command.OutputType.Name }) { $problems.Add("${pagePath}: OUTPUTS names $named, which is not in $($Command.Name)'s [OutputType]") }
    foreach ($undescribed in $Command.OutputType.Name | Where-Object { -not $outputText.Contains($_) -or -not (Get-Paragraphs $outputText[$_]) }) {
        $problems.Add("${pagePath}: output type $undescribed is not described (add '### $undescribed' with its text under '## OUTPUTS')")
    }
    $Writer.WriteStartElement('command', 'returnValues', $commandNs)
    foreach ($type in $Command.OutputType.Name) {
        $Writer.WriteStartElement('command', 'returnValue', $commandNs)
        Write-Type $Writer $type
        Write-Paragraphs $Writer 'description' $(if ($outputText.Contains($type)) { Get-Paragraphs $outputText[$type] } else { @() })
        $Writer.WriteEndElement()
    }
    $Writer.WriteEndElement()

    if ($page.Contains('NOTES')) {
        $Writer.WriteStartElement('maml', 'alertSet', $maml)
        Write-Paragraphs $Writer 'alert' (Get-Paragraphs $page['NOTES'][''])
        $Writer.WriteEndElement()
    }

    $Writer.WriteStartElement('command', 'examples', $commandNs)
    foreach ($title in $page['EXAMPLES'].Keys | Where-Object { $_ }) {
        $lines = ($page['EXAMPLES'][$title] -join "`n")
        if ($lines -notmatch '(?s)```powershell\n(.*?)\n```(.*)') { $problems.Add("${pagePath}: example '$title' has no powershell code block"); continue }
        $Writer.WriteStartElement('command', 'example', $commandNs)
        # platyPS pads titles with dashes to about 64 characters; long titles get none.
        $dashes = '-' * [Math]::Max(0, [Math]::Floor((64 - $title.Length - 2) / 2))
        $Writer.WriteElementString('maml', 'title', $maml, "$dashes $title $dashes".Trim())
        $Writer.WriteElementString('dev', 'code', $dev, $Matches[1])
        $Writer.WriteStartElement('dev', 'remarks', $dev)
        foreach ($paragraph in Get-Paragraphs ($Matches[2] -split "`n")) { $Writer.WriteElementString('maml', 'para', $maml, $paragraph) }
        # An empty last paragraph puts a blank line between one example's remarks and the next title.
        $Writer.WriteElementString('maml', 'para', $maml, '')
        $Writer.WriteEndElement()
        $Writer.WriteEndElement()
    }
    $Writer.WriteEndElement()

    $Writer.WriteStartElement('command', 'relatedLinks', $commandNs)
    foreach ($link in @(@{ Text = 'Online Version:'; Uri = $expectedUri }, @{ Text = $aboutTopic; Uri = '' })) {
        $Writer.WriteStartElement('maml', 'navigationLink', $maml)
        $Writer.WriteElementString('maml', 'linkText', $maml, $link.Text)
        $Writer.WriteElementString('maml', 'uri', $maml, $link.Uri)
        $Writer.WriteEndElement()
    }
    $Writer.WriteEndElement()
    $Writer.WriteEndElement()
}

$pages = @(Get-ChildItem $DocsPath -Filter '*.md' | ForEach-Object BaseName)
foreach ($orphan in $pages | Where-Object { $_ -notin $commands.Name }) { $problems.Add("docs/help/$orphan.md documents no exported command") }

$outputDirectory = $OutputPath
New-Item -ItemType Directory -Force -Path $outputDirectory | Out-Null
$settings = [Xml.XmlWriterSettings]@{ Indent = $true; Encoding = [Text.UTF8Encoding]::new($false) }
$writer = [Xml.XmlWriter]::Create((Join-Path $outputDirectory "$($module.Name).dll-Help.xml"), $settings)
$writer.WriteStartElement('helpItems', 'http://msh')
$writer.WriteAttributeString('schema', 'maml')
foreach ($command in $commands) { Write-CommandHelp $writer $command }
$writer.WriteEndElement()
$writer.Dispose()

# About topics are plain text (docs/help/about_*.help.txt), copied as they are.
$aboutFile = Join-Path $DocsPath "$aboutTopic.help.txt"
if (-not (Test-Path $aboutFile)) { $problems.Add("docs/help/$aboutTopic.help.txt is missing") }
else {
    $lines = @(Get-Content $aboutFile)
    foreach ($heading in $aboutHeadings | Where-Object { $_ -notin $lines }) { $problems.Add("docs/help/$aboutTopic.help.txt has no '$heading' heading (a line of its own)") }
    if ($lines.Count -lt 2 -or $lines[1].Trim() -ne $aboutTopic) { $problems.Add("docs/help/$aboutTopic.help.txt should name the topic on its second line ('    $aboutTopic')") }
    foreach ($i in 0..($lines.Count - 1) | Where-Object { $lines[$_].Length -gt 80 }) { $problems.Add("docs/help/$aboutTopic.help.txt line $($i + 1) is longer than 80 characters") }
}
foreach ($about in Get-ChildItem $DocsPath -Filter 'about_*.help.txt') { Copy-Item $about.FullName $outputDirectory }

if ($problems.Count) {
    # One problem a line, on stderr, so the build log reads as a list.
    [Console]::Error.WriteLine("The help pages do not match the commands ($($problems.Count) problem(s)):")
    foreach ($problem in $problems) { [Console]::Error.WriteLine("  $problem") }
    exit 1
}
