# The built layout (build.ps1 -Task Build) and the loader that picks its binary module by edition.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $modulePath = Get-TestModulePath
    $core = Join-Path $modulePath 'bin/net8.0'
    $readyToRun = Join-Path $modulePath 'bin/net10.0-linux-x64'
    $desktop = Join-Path $modulePath 'bin/net472'

    # The names of the assemblies a file references, read from its metadata without loading it.
    function Get-AssemblyReference {
        param([string] $Path)
        $stream = [IO.File]::OpenRead($Path)
        try {
            $pe = [Reflection.PortableExecutable.PEReader]::new($stream)
            $reader = [Reflection.Metadata.PEReaderExtensions]::GetMetadataReader($pe)
            foreach ($handle in $reader.AssemblyReferences) { $reader.GetString($reader.GetAssemblyReference($handle).Name) }
            $pe.Dispose()
        }
        finally { $stream.Dispose() }
    }
}

Describe 'The module layout' {
    It 'keeps the cmdlets assembly alone in bin/net8.0 and the engine, its dependencies and every runtime''s libgit2 in dependencies/' {
        (Get-ChildItem $core -File).Name | Sort-Object | Should -Be @('TazLab.ImageAutomation.dll', 'TazLab.ImageAutomation.pdb')
        foreach ($assembly in 'TazLab.ImageAutomation.Engine.dll', 'LibGit2Sharp.dll', 'YamlDotNet.dll') {
            Join-Path $core "dependencies/$assembly" | Should -Exist
        }
        foreach ($rid in 'linux-x64', 'linux-arm64', 'linux-musl-x64', 'linux-musl-arm64', 'osx-x64', 'osx-arm64', 'win-x64', 'win-x86', 'win-arm64') {
            @(Get-ChildItem (Join-Path $core "dependencies/runtimes/$rid/native") -File -Filter '*git2-*').Count | Should -Be 1 -Because "$rid needs its libgit2"
        }
    }

    It 'has the engine, YamlDotNet and LibGit2Sharp ReadyToRun-compiled for linux-x64 alone in bin/net10.0-linux-x64' {
        (Get-ChildItem $readyToRun -Recurse).Name | Sort-Object |
            Should -Be @('LibGit2Sharp.dll', 'TazLab.ImageAutomation.Engine.dll', 'TazLab.ImageAutomation.Engine.pdb', 'YamlDotNet.dll')
        foreach ($assembly in Get-ChildItem $readyToRun -Filter '*.dll') {
            $stream = [IO.File]::OpenRead($assembly.FullName)
            try {
                $headers = [Reflection.PortableExecutable.PEReader]::new($stream).PEHeaders
                $headers.CorHeader.ManagedNativeHeaderDirectory.Size | Should -BeGreaterThan 0 -Because "$($assembly.Name) carries ReadyToRun code"
                # A ReadyToRun image's machine is its architecture's XOR its OS's value (Linux: 0x7B79).
                [int] $headers.CoffHeader.Machine | Should -Be (0x8664 -bxor 0x7B79) -Because "$($assembly.Name) is compiled for linux-x64"
            }
            finally { $stream.Dispose() }
        }
    }

    # Windows PowerShell 5.1 cannot run here (README, "what is verified where"): the layout and the references are what
    # this machine can check.
    It 'lays out bin/net472 the same way, with libgit2 where LibGit2Sharp looks on .NET Framework (lib/win32/x64, x86, arm64)' {
        (Get-ChildItem $desktop -File).Name | Sort-Object | Should -Be @('TazLab.ImageAutomation.dll', 'TazLab.ImageAutomation.pdb')
        foreach ($assembly in 'TazLab.ImageAutomation.Engine.dll', 'LibGit2Sharp.dll', 'YamlDotNet.dll', 'System.Memory.dll', 'System.Text.Json.dll', 'Microsoft.IO.Redist.dll') {
            Join-Path $desktop "dependencies/$assembly" | Should -Exist
        }
        foreach ($arch in 'x64', 'x86', 'arm64') {
            @(Get-ChildItem (Join-Path $desktop "dependencies/lib/win32/$arch") -File -Filter 'git2-*.dll').Count | Should -Be 1 -Because "Windows $arch needs its libgit2"
        }
        Join-Path $desktop 'dependencies/runtimes' | Should -Not -Exist
    }

    It 'builds bin/net472 for .NET Framework: its assemblies reference mscorlib, not .NET''s System.Runtime' {
        foreach ($file in (Join-Path $desktop 'TazLab.ImageAutomation.dll'), (Join-Path $desktop 'dependencies/TazLab.ImageAutomation.Engine.dll')) {
            $references = @(Get-AssemblyReference $file)
            $references | Should -Contain 'mscorlib' -Because $file
            $references | Should -Not -Contain 'System.Runtime' -Because $file
        }
    }

    It 'has in dependencies/ every assembly bin/net472 references that .NET Framework 4.7.2 does not provide' {
        $packages = (dotnet nuget locals global-packages --list) -replace '^global-packages:\s*', ''
        $framework = Get-ChildItem (Join-Path $packages 'microsoft.netframework.referenceassemblies.net472') -Directory | Sort-Object Name | Select-Object -Last 1
        $frameworkDirectory = Join-Path $framework.FullName 'build/.NETFramework/v4.7.2'
        $provided = @((Get-ChildItem $frameworkDirectory, (Join-Path $frameworkDirectory 'Facades') -File -Filter '*.dll').BaseName) +
            @((Get-ChildItem (Join-Path $desktop 'dependencies') -File -Filter '*.dll').BaseName)
        $assemblies = @(Get-Item (Join-Path $desktop 'TazLab.ImageAutomation.dll')) + @(Get-ChildItem (Join-Path $desktop 'dependencies') -File -Filter '*.dll')
        $missing = foreach ($assembly in $assemblies) {
            Get-AssemblyReference $assembly.FullName | Where-Object { $_ -notin $provided -and $_ -ne 'System.Management.Automation' } | ForEach-Object { "$($assembly.Name) -> $_" }
        }
        $missing | Should -BeNullOrEmpty
    }
}

Describe 'The loader' {
    BeforeAll {
        $module = Import-Module $modulePath -Force -PassThru
        # The psm1's own choice, asked for other editions and versions than this process's: its Get-BinaryModulePath,
        # which PowerShell 7.4+ never defines (the psm1's first branch imports bin/net8.0 without it).
        $loader = [Management.Automation.Language.Parser]::ParseFile((Join-Path $modulePath 'TazLab.ImageAutomation.psm1'), [ref] $null, [ref] $null)
        $choice = $loader.Find({ param($ast) $ast -is [Management.Automation.Language.FunctionDefinitionAst] -and $ast.Name -eq 'Get-BinaryModulePath' }, $true)
        $choose = [scriptblock]::Create($choice.Extent.Text + "`nGet-BinaryModulePath @args")
        function Get-LoaderChoice { param([string] $Edition, $Version, [string] $Root = $modulePath) & $choose -Edition $Edition -Version $Version -Root $Root }
    }

    It 'imports bin/net8.0 on PowerShell 7.4 and later' {
        $module.NestedModules[0].Path | Should -Be (Join-Path $core 'TazLab.ImageAutomation.dll')
        Get-LoaderChoice -Edition Core -Version ([version]'7.4.0') | Should -Be (Join-Path $core 'TazLab.ImageAutomation.dll')
    }

    It 'imports on PowerShell 7.4+ without defining Get-BinaryModulePath (each statement run costs every cold import)' {
        & $module { Get-Command Get-BinaryModulePath -ErrorAction Ignore } | Should -BeNullOrEmpty
    }

    It 'takes that first branch exactly where Get-BinaryModulePath would choose bin/net8.0' {
        # The first branch's condition, asked about other versions than this process's.
        $branch = $loader.Find({ param($ast) $ast -is [Management.Automation.Language.IfStatementAst] }, $false)
        $condition = $branch.Clauses[0].Item1.Extent.Text
        $condition | Should -Match '\$PSVersionTable\.PSVersion'
        $fastPath = [scriptblock]::Create('param($Version) ' + ($condition -replace '\$PSVersionTable\.PSVersion', '$Version'))
        foreach ($version in [semver]'7.3.11', [semver]'7.4.0-preview.6', [semver]'7.4.0', [semver]'7.10.0', [semver]'10.0.0', [version]'5.1.19041.1') {
            $edition = if ($version -is [version]) { 'Desktop' } else { 'Core' }
            $chosen = try { Get-LoaderChoice -Edition $edition -Version $version -Root $modulePath } catch { $null }
            [bool] (& $fastPath $version) | Should -Be ($chosen -eq (Join-Path $core 'TazLab.ImageAutomation.dll')) -Because "PowerShell $version"
        }
    }

    It 'names the version it needs below PowerShell 7.4' {
        { Get-LoaderChoice -Edition Core -Version ([version]'7.2.6') } | Should -Throw '*needs PowerShell 7.4.0 or later; this is PowerShell 7.2.6*'
    }

    It 'compares the SemanticVersion PowerShell reports as a version, not as text' {
        # The loader compares $PSVersionTable.PSVersion with the string '7.4.0' (cheaper to JIT than a [version]).
        Get-LoaderChoice -Edition Core -Version ([semver]'7.10.0') | Should -Be (Join-Path $core 'TazLab.ImageAutomation.dll')
        Get-LoaderChoice -Edition Core -Version ([semver]'10.0.0') | Should -Be (Join-Path $core 'TazLab.ImageAutomation.dll')
        { Get-LoaderChoice -Edition Core -Version ([semver]'7.3.11') } | Should -Throw '*this is PowerShell 7.3.11*'
        { Get-LoaderChoice -Edition Core -Version ([semver]'7.4.0-preview.6') } | Should -Throw '*this is PowerShell 7.4.0-preview.6*'
    }

    It 'loads no other module and no third-party assembly at import (each would cost every scheduled run)' {
        $result = Invoke-ChildPwsh -Script @"
Import-Module '$modulePath'
(Get-Module).Name -join ','
([AppDomain]::CurrentDomain.GetAssemblies().GetName().Name | Where-Object { `$_ -match 'TazLab|YamlDotNet|LibGit2Sharp' }) -join ','
"@
        $result.Error | Should -BeNullOrEmpty
        $modules, $assemblies = $result.Output.Trim() -split "\r?\n"
        $modules | Should -Be 'TazLab.ImageAutomation'
        $assemblies | Should -Be 'TazLab.ImageAutomation'
    }

    # Compiled methods on the pipeline's thread for the same commands, with and without the ReadyToRun images, in the
    # same runtime: only precompiled code that the runtime accepts makes the difference.
    It 'runs the ReadyToRun images on .NET 10, linux-x64, and the IL where they are missing' -Skip:(-not ($IsLinux -and [Environment]::Version.Major -eq 10 -and [Runtime.InteropServices.RuntimeInformation]::ProcessArchitecture -eq 'X64')) {
        $examples = (Resolve-Path (Join-Path $PSScriptRoot '../../examples')).Path
        $work = New-TestDirectory
        try {
            $withoutImages = Join-Path $work 'TazLab.ImageAutomation'
            Copy-Item $modulePath $withoutImages -Recurse
            Remove-Item (Join-Path $withoutImages 'bin/net10.0-linux-x64') -Recurse -Force
            $runs = foreach ($module in $modulePath, $withoutImages) {
                $result = Invoke-ChildPwsh -Script @"
`$ErrorActionPreference = 'Stop'
Import-Module '$module'
`$before = [System.Runtime.JitInfo]::GetCompiledMethodCount(`$true)
`$null = Get-RegistryTag -Image 'ocidir://$examples/registry/tazzo/tazlab-blog' |
    Select-ImagePolicyTag -Policy flux-system:hugo-blog -Pattern '^blog-(?P<value>[0-9]+)-.*$' -Extract '`$value' -Numerical
`$null = Get-ImageSetter -Path '$examples/gitops'
"JIT=`$([System.Runtime.JitInfo]::GetCompiledMethodCount(`$true) - `$before)"
"ENGINE=`$(([AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -eq 'TazLab.ImageAutomation.Engine' }).Location)"
"@
                $result.Error | Should -BeNullOrEmpty
                [pscustomobject]@{
                    Jit    = [int] [regex]::Match($result.Output, 'JIT=(\d+)').Groups[1].Value
                    Engine = [regex]::Match($result.Output, 'ENGINE=(.+)').Groups[1].Value.Trim()
                }
            }
            $precompiled, $jitOnly = $runs
            $precompiled.Engine | Should -Be (Join-Path $readyToRun 'TazLab.ImageAutomation.Engine.dll')
            $jitOnly.Engine | Should -Be (Join-Path $withoutImages 'bin/net8.0/dependencies/TazLab.ImageAutomation.Engine.dll')
            $precompiled.Jit | Should -BeLessThan ($jitOnly.Jit * 0.75) -Because "with the images the commands compiled $($precompiled.Jit) methods, without them $($jitOnly.Jit)"
        }
        finally { Remove-Item $work -Recurse -Force -ErrorAction Ignore }
    }

    # The setters tell a link from a file by errno (ELOOP); compiled ReadyToRun, a SetLastError stub once gave a stale
    # errno (ENOENT) on a method's first call in a process, so a link that was the walk's first file became an error.
    It 'tells links and FIFOs apart in a fresh process, in the ReadyToRun images and the IL alike' -Skip:$IsWindows {
        $work = New-TestDirectory
        try {
            $tree = Join-Path $work 'tree'
            New-Item -ItemType Directory -Path (Join-Path $tree 'a') | Out-Null
            Set-Content (Join-Path $tree 'a/one.yaml') 'image: x/a:1.0.0 # {"$imagepolicy": "ns:a"}'
            New-Item -ItemType SymbolicLink -Path (Join-Path $tree 'a/0-link.yaml') -Target (Join-Path $tree 'a/one.yaml') | Out-Null
            & mkfifo (Join-Path $tree 'a/1-fifo.yaml')
            $withoutImages = Join-Path $work 'TazLab.ImageAutomation'
            Copy-Item $modulePath $withoutImages -Recurse
            Remove-Item (Join-Path $withoutImages 'bin/net10.0-linux-x64') -Recurse -Force -ErrorAction Ignore
            foreach ($module in $modulePath, $withoutImages) {
                $result = Invoke-ChildPwsh -Script @"
Import-Module '$module'
`$found = @(Get-ImageSetter -Path '$tree' -ErrorVariable problems -ErrorAction SilentlyContinue)
"FOUND=`$(`$found.RelativePath -join ',');PROBLEMS=`$(`$problems.Count)"
"@
                $result.Error | Should -BeNullOrEmpty
                $result.Output | Should -Match 'FOUND=a/one.yaml;PROBLEMS=0' -Because "the module at $module"
            }
        }
        finally { Remove-Item $work -Recurse -Force -ErrorAction Ignore }
    }

    It 'is removed whole by Remove-Module (the binary module nested in it too), and imports again' {
        $result = Invoke-ChildPwsh -Script @"
Import-Module '$modulePath'
Remove-Module TazLab.ImageAutomation
"AFTER=`$((Get-Module -All).Name -join ',');`$([bool] (Get-Command Get-RegistryTag -ErrorAction Ignore))"
Import-Module '$modulePath'
"AGAIN=`$((Get-Module -All).Name -join ',');`$((Get-Command Get-RegistryTag).Source)"
"@
        $result.Error | Should -BeNullOrEmpty
        $result.Output | Should -Match 'AFTER=;False'
        $result.Output | Should -Match 'AGAIN=TazLab.ImageAutomation,TazLab.ImageAutomation;TazLab.ImageAutomation'
    }

    It 'picks bin/net472 on Windows PowerShell, and says so when this copy has none' {
        $fake = New-TestDirectory
        try {
            New-Item -ItemType Directory -Path (Join-Path $fake 'bin/net472') | Out-Null
            { Get-LoaderChoice -Edition Desktop -Version ([version]'5.1') -Root $fake } | Should -Throw '*no Windows PowerShell 5.1 build (bin/net472)*PowerShell 7.4 or later*'
            Set-Content (Join-Path $fake 'bin/net472/TazLab.ImageAutomation.dll') ''
            Get-LoaderChoice -Edition Desktop -Version ([version]'5.1') -Root $fake | Should -Be (Join-Path $fake 'bin/net472/TazLab.ImageAutomation.dll')
        }
        finally { Remove-Item $fake -Recurse -Force }
    }
}
