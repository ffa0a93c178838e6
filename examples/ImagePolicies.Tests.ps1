<#
    A Pester test a runbook author can copy: it asserts which tag each of a repository's ImagePolicies selects from a
    fixed tag list, with no registry and no network, so a change to a policy (a range, a pattern) is caught before
    Flux acts on it. Point $automation at your repository's Flux objects and list the tags you expect to be chosen.
    (The module's own test suite runs this file against the sample repository in examples/gitops.)
#>
BeforeAll {
    # In your repository: Import-Module TazLab.ImageAutomation
    Import-Module ($env:TAZLAB_MODULE_PATH ?? 'TazLab.ImageAutomation') -Force
    $automation = Join-Path $PSScriptRoot 'gitops/infrastructure/automation'
    $policies = Get-ImageAutomation -Path $automation | Where-Object Kind -eq ImagePolicy

    # Tags as a registry might list them, builds and releases mixed, cosign signatures included.
    $tags = 'blog-9-a1b2c3d', 'blog-46-0f1e2d3', 'blog-100-9f8e7d6', 'wiki-13-77aa88b', 'mcp-43-9d0e1f2a',
    '1.2.3', '1.10.0', '2.0.0-rc.1', 'latest', 'sha256-0f1e.sig'
    $selected = @{}
    foreach ($selection in $policies | Select-ImagePolicyTag -Tag $tags -AllowEmpty) { $selected[$selection.Policy] = $selection.Tag }
}

Describe 'The ImagePolicies of the GitOps repository' {
    It 'loads every policy without an error' {
        Get-ImageAutomation -Path $automation -ErrorVariable problems -ErrorAction SilentlyContinue | Out-Null
        $problems | Should -BeNullOrEmpty
    }

    It '<Policy> selects <Expected>' -ForEach @(
        @{ Policy = 'flux-system:hugo-blog'; Expected = 'blog-100-9f8e7d6' }    # numerical on the build number, not byte order
        @{ Policy = 'flux-system:hugo-wiki'; Expected = 'wiki-13-77aa88b' }
        @{ Policy = 'flux-system:mnemosyne-mcp'; Expected = 'mcp-43-9d0e1f2a' }
        @{ Policy = 'flux-system:tazlab-docs'; Expected = '1.10.0' }            # the highest 1.x release; no prerelease
    ) {
        $selected[$Policy] | Should -Be $Expected
    }
}
