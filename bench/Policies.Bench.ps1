<#
.SYNOPSIS
    Tag selection with 100,000 tags: each policy in the engine, and Select-ImagePolicyTag -Tag, against floors
    measured in the same run (plain .NET doing the same job without Flux's semantics); then the same policy at
    1,000,000 tags against ten times its 100,000-tag figure (linear growth), and allocation per tag at both sizes.
#>
param([Parameter(Mandatory)] [string] $ModulePath, [int] $TagCount = 100000, [int] $ScaleCount = 1000000)

$ErrorActionPreference = 'Stop'
Import-Module $ModulePath -Force
Import-Module (Join-Path $PSScriptRoot 'BenchHelpers.psm1') -Force

# The floors, compiled once: what the same work costs in plain .NET.
Add-Type -TypeDefinition @'
using System;
using System.Globalization;
using System.Text.RegularExpressions;

public static class PolicyBenchTags
{
    // The bench's tag shapes, built in C# because a million PowerShell script block calls take longer than the bench.
    public static string[] SemVer(int count)
    {
        var tags = new string[count];
        for (var i = 0; i < count; i++)
        {
            tags[i] = (i % 2 == 1 ? "v" : "") + (i / 10000) + "." + (i / 100 % 100) + "." + (i % 100) + (i % 10 == 0 ? "-rc.1" : "");
        }
        return tags;
    }

    public static string[] Build(int count)
    {
        var tags = new string[count];
        for (var i = 0; i < count; i++)
        {
            tags[i] = "build-" + i + "-" + ((long)i * 7919).ToString("x7", CultureInfo.InvariantCulture);
        }
        return tags;
    }
}

public static class PolicyBenchFloor
{
    // Highest System.Version: no prerelease rules, no range, no Masterminds coercion.
    public static string MaxSystemVersion(string[] tags)
    {
        Version best = null; string bestTag = null;
        foreach (var tag in tags)
        {
            Version v;
            if (Version.TryParse(tag.TrimStart('v'), out v) && (best == null || v > best)) { best = v; bestTag = tag; }
        }
        return bestTag;
    }

    // .NET regex and double.Parse: no RE2 translation, no Go grammar, no tie rules.
    public static string MaxExtractedNumber(Regex regex, string[] tags)
    {
        double best = double.MinValue; string bestTag = null;
        foreach (var tag in tags)
        {
            var m = regex.Match(tag);
            if (!m.Success) continue;
            var n = double.Parse(m.Groups["n"].Value, CultureInfo.InvariantCulture);
            if (n > best) { best = n; bestTag = tag; }
        }
        return bestTag;
    }

    // Flux's own algorithm for alphabetical: sort, then take the end.
    public static string SortOrdinal(string[] tags)
    {
        var copy = (string[])tags.Clone();
        Array.Sort(copy, StringComparer.Ordinal);
        return copy[copy.Length - 1];
    }
}
'@

# The engine lives in the module's own load context; reach its public types through the loaded assembly.
Select-ImagePolicyTag -Tag '1.0.0' -SemVer '*' | Out-Null
$engine = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'TazLab.ImageAutomation.Engine' }
$policyType = $engine.GetType('TazLab.ImageAutomation.Engine.Policies.TagPolicy')
function New-EnginePolicy {
    param([string] $Kind, [string] $Pattern, [string] $Extract, [string] $Range)
    $kindValue = [Enum]::Parse($engine.GetType('TazLab.ImageAutomation.Engine.Policies.PolicyKind'), $Kind)
    $orderValue = [Enum]::Parse($engine.GetType('TazLab.ImageAutomation.Engine.Policies.PolicyOrder'), 'Asc')
    $policyType::new($kindValue, $orderValue, $Pattern, $Extract, $Range)
}

# The unary comma keeps the string[] whole (PowerShell would unroll it into an object[]).
$semverFormat = { param($count) , [PolicyBenchTags]::SemVer($count) }
$buildFormat = { param($count) , [PolicyBenchTags]::Build($count) }
$scenarios = @(
    @{ Name = 'semver >=1.0.0 <9.0.0'; Format = $semverFormat; Policy = @{ Kind = 'SemVer'; Range = '>=1.0.0 <9.0.0' }
        Cmdlet = @{ SemVer = '>=1.0.0 <9.0.0' }; Peer = 'System.Version max (floor)'; Floor = { param($t) [PolicyBenchFloor]::MaxSystemVersion($t) } }
    @{ Name = 'numerical, pattern + extract'; Format = $buildFormat; Policy = @{ Kind = 'Numerical'; Pattern = '^build-(?P<n>[0-9]+)-'; Extract = '$n' }
        Cmdlet = @{ Numerical = $true; Pattern = '^build-(?P<n>[0-9]+)-'; Extract = '$n' }; Peer = '.NET regex + double.Parse (floor)'
        Floor = { param($t) [PolicyBenchFloor]::MaxExtractedNumber([regex]::new('^build-(?<n>[0-9]+)-', 'Compiled, CultureInvariant'), $t) } }
    @{ Name = 'alphabetical'; Format = $buildFormat; Policy = @{ Kind = 'Alphabetical' }
        Cmdlet = @{ Alphabetical = $true }; Peer = "Array.Sort ordinal (Flux's algorithm)"; Floor = { param($t) [PolicyBenchFloor]::SortOrdinal($t) } }
)

$rows = [Collections.Generic.List[object]]::new()
$allocation = [Collections.Generic.List[object]]::new()
foreach ($scenario in $scenarios) {
    $tags = & $scenario.Format $TagCount
    $policyArguments = $scenario.Policy
    $policy = New-EnginePolicy @policyArguments
    $selected = $policy.Select($tags).Tag
    $cmdletArguments = $scenario.Cmdlet
    $viaCmdlet = (Select-ImagePolicyTag -Tag $tags @cmdletArguments).Tag
    if ($viaCmdlet -ne $selected) { throw "$($scenario.Name): the cmdlet selected '$viaCmdlet', the engine '$selected'." }

    $engineMs = Measure-Median { $policy.Select($tags) }
    $floorMs = Measure-Median { & $scenario.Floor $tags }
    $cmdletMs = Measure-Median -Runs 5 { Select-ImagePolicyTag -Tag $tags @cmdletArguments }
    $rows.Add((New-BenchRow -Scenario "engine: $($scenario.Name), $TagCount tags" -OursMs $engineMs -Peer $scenario.Peer -PeerMs $floorMs -Target '< 50 ms'))
    $rows.Add((New-BenchRow -Scenario "Select-ImagePolicyTag -Tag: $($scenario.Name)" -OursMs $cmdletMs -Peer 'engine alone (floor)' -PeerMs $engineMs))

    # Linear growth: the same selection over ten times the tags, against ten times the figure above.
    # Both sizes are timed again here, interleaved, so that both run the same tier of JIT code.
    $scaled = & $scenario.Format $ScaleCount
    $small = [Collections.Generic.List[double]]::new(); $large = [Collections.Generic.List[double]]::new()
    foreach ($round in 1..5) {
        $small.Add((Measure-Median -Runs 3 -Warmup 1 { $policy.Select($tags) }))
        # Three runs per round: a single short run (alphabetical takes a few ms) is at the mercy of a loaded machine.
        $large.Add((Measure-Median -Runs 3 -Warmup 0 { $policy.Select($scaled) }))
    }
    $smallMs = ($small | Sort-Object)[2]; $scaledMs = ($large | Sort-Object)[2]
    $growth = $ScaleCount / $TagCount
    $rows.Add((New-BenchRow -Scenario "engine: $($scenario.Name), $ScaleCount tags" -OursMs $scaledMs -Peer "$growth x the $TagCount-tag figure ($([math]::Round($smallMs, 1)) ms)" `
        -PeerMs ($smallMs * $growth) -Target "<= 1.1 ($ScaleCount <= $(1.1 * $growth)x $TagCount)"))

    # Bytes allocated per tag at both sizes: equal figures mean linear growth.
    $perTag = foreach ($subset in $tags, $scaled) {
        $policy.Select($subset) | Out-Null
        $before = [GC]::GetAllocatedBytesForCurrentThread()
        $policy.Select($subset) | Out-Null
        ([GC]::GetAllocatedBytesForCurrentThread() - $before) / $subset.Count
    }
    $allocation.Add([pscustomobject]@{
        Scenario                   = $scenario.Name
        "Bytes/tag at $TagCount"   = [math]::Round($perTag[0], 1)
        "Bytes/tag at $ScaleCount" = [math]::Round($perTag[1], 1)
        Target                     = if ($scenario.Policy.Kind -eq 'Numerical') { '<= 200' } else { '' }
    })
    $tags = $scaled = $null
}

$rows | Format-Table -AutoSize | Out-String -Width 200 | Out-Host
$allocation | Format-Table -AutoSize | Out-String -Width 200 | Out-Host
