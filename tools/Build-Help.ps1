<#
.SYNOPSIS
    Builds the module's MAML help (en-US/TazLab.ImageAutomation.dll-Help.xml) from docs/help/<Command>.md.
.DESCRIPTION
    platyPS is not on NuGet, so this small converter does its job for our markdown: the prose (synopsis, description,
    examples, parameter text, notes) comes from docs/help; syntax, parameter attributes, inputs and outputs come from
    the built cmdlets themselves, so they can never drift. A command without a page, a page without a command, or a
    parameter missing from either side fails the build. build.ps1 runs it in a child pwsh after laying out the module.
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $DocsPath
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$module = Import-Module $ModulePath -PassThru -Force
$commands = Get-Command -Module $module.Name -CommandType Cmdlet | Sort-Object Name
$common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters

# Splits a help page into '## ' sections and each section into '### ' subsections (text kept verbatim).
function Read-HelpPage {
    param([string] $Path)
    $sections = [ordered]@{}
    $section = $null; $sub = $null
    foreach ($line in Get-Content $Path) {
        if ($line -match '^## (.+)$') { $section = $Matches[1].Trim(); $sections[$section] = [ordered]@{ '' = [Collections.Generic.List[string]]::new() }; $sub = ''; continue }
        if ($null -eq $section) { continue }
        if ($line -match '^### (.+)$') { $sub = $Matches[1].Trim(); $sections[$section][$sub] = [Collections.Generic.List[string]]::new(); continue }
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

function Get-PipelineInput {
    param($Attribute)
    $kinds = @()
    if ($Attribute.ValueFromPipeline) { $kinds += 'ByValue' }
    if ($Attribute.ValueFromPipelineByPropertyName) { $kinds += 'ByPropertyName' }
    if ($kinds) { return "True ($($kinds -join ', '))" }
    return 'False'
}

$maml = 'http://schemas.microsoft.com/maml/2004/10'
$commandNs = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
$dev = 'http://schemas.microsoft.com/maml/dev/2004/10'
$problems = [Collections.Generic.List[string]]::new()

$pages = @(Get-ChildItem $DocsPath -Filter '*.md' | ForEach-Object BaseName)
foreach ($orphan in $pages | Where-Object { $_ -notin $commands.Name }) { $problems.Add("docs/help/$orphan.md documents no exported command") }

$outputDirectory = Join-Path $ModulePath 'en-US'
New-Item -ItemType Directory -Force -Path $outputDirectory | Out-Null
$settings = [Xml.XmlWriterSettings]@{ Indent = $true; Encoding = [Text.UTF8Encoding]::new($false) }
$writer = [Xml.XmlWriter]::Create((Join-Path $outputDirectory 'TazLab.ImageAutomation.dll-Help.xml'), $settings)
$writer.WriteStartElement('helpItems', 'http://msh')
$writer.WriteAttributeString('schema', 'maml')
foreach ($command in $commands) {
    $pagePath = Join-Path $DocsPath "$($command.Name).md"
    if (-not (Test-Path $pagePath)) { $problems.Add("$($command.Name) has no help page docs/help/$($command.Name).md"); continue }
    $page = Read-HelpPage $pagePath
    $absent = @('SYNOPSIS', 'DESCRIPTION', 'EXAMPLES', 'PARAMETERS' | Where-Object { -not $page.Contains($_) })
    if ($absent) { $problems.Add("docs/help/$($command.Name).md has no section: $($absent -join ', ')"); continue }
    $parameters = @($command.Parameters.Values | Where-Object { $_.Name -notin $common })
    $documented = @($page['PARAMETERS'].Keys | Where-Object { $_ } | ForEach-Object { $_.TrimStart('-') })
    foreach ($missing in $parameters.Name | Where-Object { $_ -notin $documented }) { $problems.Add("$($command.Name) -$missing is not documented") }
    foreach ($extra in $documented | Where-Object { $_ -notin $parameters.Name }) { $problems.Add("docs/help/$($command.Name).md documents -$extra, which the command does not have") }

    $writer.WriteStartElement('command', 'command', $commandNs)
    $writer.WriteAttributeString('xmlns', 'maml', $null, $maml)
    $writer.WriteAttributeString('xmlns', 'dev', $null, $dev)
    $writer.WriteStartElement('command', 'details', $commandNs)
    $writer.WriteElementString('command', 'name', $commandNs, $command.Name)
    $writer.WriteElementString('command', 'verb', $commandNs, $command.Verb)
    $writer.WriteElementString('command', 'noun', $commandNs, $command.Noun)
    Write-Paragraphs $writer 'description' (Get-Paragraphs $page['SYNOPSIS'][''])
    $writer.WriteEndElement()
    Write-Paragraphs $writer 'description' (Get-Paragraphs $page['DESCRIPTION'][''])

    $writer.WriteStartElement('command', 'syntax', $commandNs)
    foreach ($set in $command.ParameterSets) {
        $writer.WriteStartElement('command', 'syntaxItem', $commandNs)
        $writer.WriteElementString('maml', 'name', $maml, $command.Name)
        foreach ($parameter in $set.Parameters | Where-Object { $_.Name -notin $common }) {
            $writer.WriteStartElement('command', 'parameter', $commandNs)
            $writer.WriteAttributeString('required', "$($parameter.IsMandatory)".ToLowerInvariant())
            $writer.WriteAttributeString('position', $(if ($parameter.Position -ge 0) { "$($parameter.Position)" } else { 'named' }))
            $writer.WriteElementString('maml', 'name', $maml, $parameter.Name)
            if ($parameter.ParameterType -ne [System.Management.Automation.SwitchParameter]) {
                $writer.WriteElementString('command', 'parameterValue', $commandNs, $parameter.ParameterType.Name)
            }
            $writer.WriteEndElement()
        }
        $writer.WriteEndElement()
    }
    $writer.WriteEndElement()

    $writer.WriteStartElement('command', 'parameters', $commandNs)
    foreach ($parameter in $parameters) {
        $attribute = $parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] } | Select-Object -First 1
        $writer.WriteStartElement('command', 'parameter', $commandNs)
        $writer.WriteAttributeString('required', "$($attribute.Mandatory)".ToLowerInvariant())
        $writer.WriteAttributeString('globbing', 'false')
        $writer.WriteAttributeString('pipelineInput', (Get-PipelineInput $attribute))
        $writer.WriteAttributeString('position', $(if ($attribute.Position -ge 0) { "$($attribute.Position)" } else { 'named' }))
        $writer.WriteAttributeString('aliases', $(if ($parameter.Aliases.Count) { $parameter.Aliases -join ', ' } else { 'none' }))
        $writer.WriteElementString('maml', 'name', $maml, $parameter.Name)
        $text = if ($page['PARAMETERS'].Contains("-$($parameter.Name)")) { $page['PARAMETERS']["-$($parameter.Name)"] } else { @() }
        Write-Paragraphs $writer 'description' (Get-Paragraphs $text)
        $writer.WriteElementString('command', 'parameterValue', $commandNs, $parameter.ParameterType.Name)
        $writer.WriteStartElement('dev', 'type', $dev)
        $writer.WriteElementString('maml', 'name', $maml, $parameter.ParameterType.FullName)
        $writer.WriteEndElement()
        $writer.WriteEndElement()
    }
    $writer.WriteEndElement()

    $writer.WriteStartElement('command', 'inputTypes', $commandNs)
    $inputTypes = $parameters | Where-Object { $_.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] -and ($_.ValueFromPipeline -or $_.ValueFromPipelineByPropertyName) } } |
        ForEach-Object { $_.ParameterType.FullName } | Sort-Object -Unique
    foreach ($type in $inputTypes) {
        $writer.WriteStartElement('command', 'inputType', $commandNs)
        $writer.WriteStartElement('dev', 'type', $dev); $writer.WriteElementString('maml', 'name', $maml, $type); $writer.WriteEndElement()
        $writer.WriteEndElement()
    }
    $writer.WriteEndElement()
    $writer.WriteStartElement('command', 'returnValues', $commandNs)
    foreach ($type in $command.OutputType.Name) {
        $writer.WriteStartElement('command', 'returnValue', $commandNs)
        $writer.WriteStartElement('dev', 'type', $dev); $writer.WriteElementString('maml', 'name', $maml, $type); $writer.WriteEndElement()
        $writer.WriteEndElement()
    }
    $writer.WriteEndElement()

    if ($page.Contains('NOTES')) {
        $writer.WriteStartElement('maml', 'alertSet', $maml)
        Write-Paragraphs $writer 'alert' (Get-Paragraphs $page['NOTES'][''])
        $writer.WriteEndElement()
    }

    $writer.WriteStartElement('command', 'examples', $commandNs)
    foreach ($title in $page['EXAMPLES'].Keys | Where-Object { $_ }) {
        $lines = ($page['EXAMPLES'][$title] -join "`n")
        if ($lines -notmatch '(?s)```powershell\n(.*?)\n```(.*)') { $problems.Add("$($command.Name) example '$title' has no powershell code block"); continue }
        $writer.WriteStartElement('command', 'example', $commandNs)
        $writer.WriteElementString('maml', 'title', $maml, "-------------------------- $title --------------------------")
        $writer.WriteElementString('dev', 'code', $dev, $Matches[1])
        $writer.WriteStartElement('dev', 'remarks', $dev)
        foreach ($paragraph in Get-Paragraphs ($Matches[2] -split "`n")) { $writer.WriteElementString('maml', 'para', $maml, $paragraph) }
        $writer.WriteEndElement()
        $writer.WriteEndElement()
    }
    $writer.WriteEndElement()
    $writer.WriteEndElement()
}
$writer.WriteEndElement()
$writer.Dispose()

if ($problems.Count) {
    Write-Error ("The help pages do not match the commands:`n  " + ($problems -join "`n  "))
    exit 1
}
