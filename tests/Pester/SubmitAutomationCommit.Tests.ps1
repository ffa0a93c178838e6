# Submit-AutomationCommit against bare origins on disk and a real git server over HTTP with Basic authentication.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'Helpers/Git.psm1') -Force
    Import-Module (Get-TestModulePath) -Force

    function Update-App {
        param([string] $Clone, [string] $App, [string] $Tag)
        Update-ImageSetter -Path (Join-Path $Clone apps) -Policy "flux-system:app-$App" -Image "registry.example/app-$App" -Tag $Tag
    }
}

Describe 'Submit-AutomationCommit' {
    BeforeEach {
        $repository = New-AppsRepository
        $clone = $repository.Clone
        $head = Invoke-Git -C $clone rev-parse HEAD
    }
    AfterEach { Remove-Item $repository.Root -Recurse -Force -ErrorAction Ignore }

    It 'commits only the changed file, warns about other modifications, and reports like Flux' {
        Add-Content -Path (Join-Path $clone apps/b/deploy.yaml) -Value '# local edit'
        $commit = Update-App $clone a 1.0.1 |
            Submit-AutomationCommit -RepositoryPath $clone -AuthorEmail fluxcdbot@tazlab.net -Push -WarningVariable warnings -WarningAction SilentlyContinue

        $commit.Files | Should -Be @('apps/a/deploy.yaml')
        $commit.Pushed | Should -BeTrue
        $commit.PushedTo | Should -Be 'origin/main'
        $commit.Attempts | Should -Be 1
        $commit.Message | Should -Be 'Update from image update automation'
        $commit.Summary | Should -Be "pushed commit '$($commit.Sha.Substring(0, 7))' to branch 'main'"
        Invoke-Git --git-dir $repository.Origin rev-parse main | Should -Be $commit.Sha
        Invoke-Git --git-dir $repository.Origin show --name-only --format= main | Should -Be 'apps/a/deploy.yaml'
        Invoke-Git -C $clone status --porcelain | Should -Be ' M apps/b/deploy.yaml'
        "$warnings" | Should -BeLike '*apps/b/deploy.yaml*'
    }

    It 'makes no commit and emits nothing when no change comes in' {
        $result = @() | Submit-AutomationCommit -RepositoryPath $clone -AuthorEmail fluxcdbot@tazlab.net -Push -Verbose 4>&1
        @($result | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }) | Should -BeNullOrEmpty
        "$result" | Should -BeLike '*nothing to commit*'
        Invoke-Git -C $clone rev-parse HEAD | Should -Be $head
    }

    It 'does nothing with -InputObject $null (a runbook''s run when nothing changed)' {
        $result = Submit-AutomationCommit -InputObject $null -RepositoryPath $clone -AuthorEmail fluxcdbot@tazlab.net -Push
        $result | Should -BeNullOrEmpty
        Invoke-Git -C $clone rev-parse HEAD | Should -Be $head
    }

    It '-WhatIf says which files, which message, which remote and branch' {
        $module = Get-TestModulePath
        $run = Invoke-ChildPwsh -Script @"
Import-Module '$module'
Update-ImageSetter -Path '$clone/apps' -Policy flux-system:app-a -Image registry.example/app-a -Tag 1.0.1 |
    Submit-AutomationCommit -RepositoryPath '$clone' -AuthorEmail fluxcdbot@tazlab.net -Message 'chore: bump app-a' -Push -WhatIf
"@
        $run.ExitCode | Should -Be 0
        $run.Output | Should -BeLike "*Commit 1 file(s) (apps/a/deploy.yaml) on branch 'main' with message 'chore: bump app-a'*"
        $run.Output | Should -BeLike "*'origin' ($($repository.Origin)) branch 'main'*"
        Invoke-Git -C $clone rev-parse HEAD | Should -Be $head
    }

    It 'does nothing with -WhatIf' {
        $changes = Update-App $clone a 1.0.1
        $result = $changes | Submit-AutomationCommit -RepositoryPath $clone -AuthorEmail fluxcdbot@tazlab.net -Push -WhatIf
        $result | Should -BeNullOrEmpty
        Invoke-Git -C $clone rev-parse HEAD | Should -Be $head
        Invoke-Git --git-dir $repository.Origin rev-parse main | Should -Be $head
    }

    It 'renders a Go template with Flux''s data and values' {
        $template = @'
{{ .AutomationObject }} on {{ .Values.cluster }}
{{ range $file, $objects := .Changed.FileChanges -}}
{{ range $object, $changes := $objects -}}
{{ $file }} {{ $object.Kind | lower }}/{{ $object.Name }}: {{ range $changes }}{{ .OldValue }} -> {{ .NewValue }} ({{ .Setter }}){{ end }}
{{ end -}}
{{ end -}}
'@
        $commit = Update-App $clone a 1.0.1 | Submit-AutomationCommit -RepositoryPath $clone -AuthorEmail fluxcdbot@tazlab.net `
            -MessageTemplate $template -MessageTemplateValues @{ cluster = 'prod' } -AutomationObject flux-system/apps
        $commit.Message | Should -Be "flux-system/apps on prod`na/deploy.yaml deployment/app-a: registry.example/app-a:1.0.0 -> registry.example/app-a:1.0.1 (flux-system:app-a)`n"
        Invoke-Git -C $clone log -1 --format=%B | Should -Be @('flux-system/apps on prod', 'a/deploy.yaml deployment/app-a: registry.example/app-a:1.0.0 -> registry.example/app-a:1.0.1 (flux-system:app-a)', '')
    }

    It 'stops on a bad template with its position, committing nothing (<Id>)' -ForEach @(
        @{ Template = "line one`n{{ if .Changed }}"; Id = 'CommitTemplateInvalid'; Category = 'ParserError'; Text = 'commit message:2:*unexpected EOF' }
        @{ Template = '{{ range .Updated.Images }}{{ . }}{{ end }}'; Id = 'CommitTemplateRemovedField'; Category = 'InvalidArgument'; Text = "*removed '.Updated' field*commit message:1:9*" }
        @{ Template = '{{ .Changed.Nope }}'; Id = 'CommitTemplateFailed'; Category = 'InvalidData'; Text = '*commit message:1:3*can''t evaluate field Nope*' }
    ) {
        $changes = Update-App $clone a 1.0.1
        $failure = { $changes | Submit-AutomationCommit -RepositoryPath $clone -AuthorEmail fluxcdbot@tazlab.net -MessageTemplate $Template -Push } |
            Should -Throw -PassThru
        $failure.FullyQualifiedErrorId | Should -BeLike "$Id,*"
        "$($failure.CategoryInfo.Category)" | Should -Be $Category
        $failure.Exception.Message | Should -BeLike "*$Text*"
        Invoke-Git -C $clone rev-parse HEAD | Should -Be $head
    }

    It 'builds on a person''s commit pushed after the setters ran, which survives' {
        $changes = Update-App $clone a 1.0.1
        $personal = Invoke-PersonPush -Repository $repository -File README.md -Content "# edited by a person`n"
        $commit = $changes | Submit-AutomationCommit -RepositoryPath $clone -AuthorEmail fluxcdbot@tazlab.net -Push

        $commit.Attempts | Should -Be 1
        Invoke-Git --git-dir $repository.Origin rev-parse main~1 | Should -Be $personal
        Invoke-Git --git-dir $repository.Origin rev-parse main | Should -Be $commit.Sha
        Invoke-Git --git-dir $repository.Origin show main:README.md | Should -Be '# edited by a person'
        Invoke-Git -C $clone status --porcelain | Should -BeNullOrEmpty
    }

    It 'pushes on the next run what a rejected push left in the working copy' {
        $hook = Join-Path $repository.Origin hooks/pre-receive
        Set-Content -Path $hook -Value "#!/bin/sh`necho 'closed for maintenance' >&2`nexit 1"
        chmod +x $hook
        { Update-App $clone a 1.0.1 | Submit-AutomationCommit -RepositoryPath $clone -AuthorEmail fluxcdbot@tazlab.net -Push -ErrorAction Stop } |
            Should -Throw '*closed for maintenance*'
        Invoke-Git --git-dir $repository.Origin rev-parse main | Should -Be $head
        Remove-Item $hook

        # The value is already in the file: the setters report it as current, and the commit still brings it to the branch.
        $changes = @(Update-App $clone a 1.0.1)
        $changes.Count | Should -Be 1
        $changes[0].AlreadyCurrent | Should -BeTrue
        $changes[0].Written | Should -BeFalse
        $commit = $changes | Submit-AutomationCommit -RepositoryPath $clone -AuthorEmail fluxcdbot@tazlab.net -Push

        $commit.Files | Should -Be @('apps/a/deploy.yaml')
        Invoke-Git --git-dir $repository.Origin rev-parse main | Should -Be $commit.Sha
        (Invoke-Git --git-dir $repository.Origin show main:apps/a/deploy.yaml) -join "`n" | Should -Match 'app-a:1\.0\.1 '
        Invoke-Git -C $clone status --porcelain | Should -BeNullOrEmpty

        # A third run finds the branch holding the value: no commit.
        Update-App $clone a 1.0.1 | Submit-AutomationCommit -RepositoryPath $clone -AuthorEmail fluxcdbot@tazlab.net -Push | Should -BeNullOrEmpty
        Invoke-Git --git-dir $repository.Origin rev-parse main | Should -Be $commit.Sha
    }

    It 'pushes a separate branch and an extra refspec, leaving the checkout alone' {
        $commit = Update-App $clone a 1.0.1 | Submit-AutomationCommit -RepositoryPath $clone -AuthorEmail fluxcdbot@tazlab.net -Push `
            -PushBranch auto -Refspec 'refs/heads/auto:refs/heads/smth/else'
        $commit.Branch | Should -Be 'auto'
        $commit.Summary | Should -Be "pushed commit '$($commit.Sha.Substring(0, 7))' to branch 'auto' and refspecs 'refs/heads/auto:refs/heads/smth/else'"
        Invoke-Git --git-dir $repository.Origin rev-parse auto | Should -Be $commit.Sha
        Invoke-Git --git-dir $repository.Origin rev-parse smth/else | Should -Be $commit.Sha
        Invoke-Git --git-dir $repository.Origin rev-parse main | Should -Be $head
        Invoke-Git -C $clone rev-parse HEAD | Should -Be $head
    }

    It 'signs with an SSH key that git verify-commit accepts' {
        $key = Join-Path $repository.Root identity
        ssh-keygen -q -t ed25519 -N '' -C fluxcdbot -f $key | Out-Null
        $signers = Join-Path $repository.Root allowed_signers
        Set-Content -Path $signers -Value "fluxcdbot@tazlab.net namespaces=`"git`" $((Get-Content "$key.pub").Trim())"
        $commit = Update-App $clone a 1.0.1 | Submit-AutomationCommit -RepositoryPath $clone -AuthorEmail fluxcdbot@tazlab.net -SigningKey $key -SigningFormat SSH

        $verify = git -C $clone -c gpg.format=ssh -c "gpg.ssh.allowedSignersFile=$signers" verify-commit $commit.Sha 2>&1
        $LASTEXITCODE | Should -Be 0
        "$verify" | Should -BeLike '*Good "git" signature for fluxcdbot@tazlab.net*'
    }
}

Describe 'Submit-AutomationCommit over HTTP with Basic authentication' {
    BeforeAll {
        $repository = New-AppsRepository
        $server = Start-TestGitServer -Origin $repository.Origin
        Invoke-Git -C $repository.Clone remote set-url origin $server.Url
    }
    AfterAll {
        Stop-TestGitServer $server
        Remove-Item $repository.Root -Recurse -Force -ErrorAction Ignore
    }

    It 'pushes with a PSCredential' {
        $credential = [pscredential]::new($server.UserName, (ConvertTo-SecureString $server.Password -AsPlainText -Force))
        $commit = Update-App $repository.Clone a 1.0.1 | Submit-AutomationCommit -RepositoryPath $repository.Clone -AuthorEmail fluxcdbot@tazlab.net -Push -Credential $credential
        $commit.Pushed | Should -BeTrue
        Invoke-Git --git-dir $repository.Origin rev-parse main | Should -Be $commit.Sha
    }

    It 'fails with an AuthenticationError that does not contain a wrong password' {
        $wrong = 'Wrong-Password-123'
        $credential = [pscredential]::new($server.UserName, (ConvertTo-SecureString $wrong -AsPlainText -Force))
        $changes = Update-App $repository.Clone b 2.0.0
        $failure = { $changes | Submit-AutomationCommit -RepositoryPath $repository.Clone -AuthorEmail fluxcdbot@tazlab.net -Push -Credential $credential } |
            Should -Throw -PassThru
        "$($failure.CategoryInfo.Category)" | Should -Be 'AuthenticationError'
        $failure.FullyQualifiedErrorId | Should -BeLike 'GitAuthenticationFailed,*'
        ($failure | Out-String) | Should -Not -BeLike "*$wrong*"
        $failure.Exception.Message | Should -BeLike "*user 'automation'*"
    }
}

Describe 'Submit-AutomationCommit killed with kill -9' {
    BeforeAll {
        $repository = New-AppsRepository
        Invoke-Git --git-dir $repository.Origin config core.logAllRefUpdates always
        $clone = $repository.Clone
        $module = Get-TestModulePath
        $pwsh = Get-PwshCommand

        # A -Push run in a worker process of its own (pwsh.dll itself, not the dotnet tool's launcher); kills it
        # -KillAfter milliseconds after its setters ran, or lets it finish. Returns how long the commit and push took.
        function Invoke-KillableRun {
            param([string] $Tag, [int] $KillAfter = -1)
            $script = Join-Path $repository.Root "run-$Tag.ps1"
            Set-Content -Path $script -Value @"
`$ErrorActionPreference = 'Stop'
Import-Module '$module'
`$changes = Update-ImageSetter -Path '$clone/apps' -Policy flux-system:app-a -Image registry.example/app-a -Tag $Tag
[Console]::Out.WriteLine('ready'); [Console]::Out.Flush()
`$changes | Submit-AutomationCommit -RepositoryPath '$clone' -AuthorEmail fluxcdbot@tazlab.net -Push | Out-Null
[Console]::Out.WriteLine('done')
"@
            $start = [Diagnostics.ProcessStartInfo]::new($pwsh[0])
            foreach ($argument in @($pwsh | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-File', $script)) { $start.ArgumentList.Add($argument) }
            $start.RedirectStandardOutput = $true
            $start.RedirectStandardError = $true
            $worker = [Diagnostics.Process]::Start($start)
            try {
                $line = $worker.StandardOutput.ReadLine()
                if ($line -ne 'ready') { throw "the worker did not get ready: $line $($worker.StandardError.ReadToEnd())" }
                $watch = [Diagnostics.Stopwatch]::StartNew()
                if ($KillAfter -ge 0) {
                    Start-Sleep -Milliseconds $KillAfter
                    & kill -9 $worker.Id 2>$null
                }
                $rest = $worker.StandardOutput.ReadToEnd()
                if (-not $worker.WaitForExit(120000)) { throw 'the worker did not exit' }
                if ($KillAfter -lt 0 -and $rest -notlike '*done*') { throw "the unkilled run failed: $($worker.StandardError.ReadToEnd())" }
                return $watch.ElapsedMilliseconds
            }
            finally { $worker.Dispose() }
        }
    }
    AfterAll { Remove-Item $repository.Root -Recurse -Force -ErrorAction Ignore }

    It 'leaves the clone and origin usable at any point, and the next run pushes exactly one commit' {
        # TAZLAB_KILL_RUNS (default 3 to keep the suite fast; the issue's figure is 20).
        $runs = [int]($env:TAZLAB_KILL_RUNS ?? 3)
        $window = [Math]::Max(50, [int](1.2 * (Invoke-KillableRun -Tag 1.0.0-measure)))
        $landed = 0
        for ($i = 1; $i -le $runs; $i++) {
            $origin = Invoke-Git --git-dir $repository.Origin rev-parse main
            Invoke-KillableRun -Tag "1.0.$i" -KillAfter (Get-Random -Maximum $window) | Out-Null
            if ((Invoke-Git --git-dir $repository.Origin rev-parse main) -ne $origin) { $landed++ }

            foreach ($git in @(@('-C', $clone), @('--git-dir', $repository.Origin))) { Invoke-Git @git fsck --no-progress 2>$null }
            @(Get-ChildItem -Recurse -Force -Filter *.lock (Join-Path $clone .git), $repository.Origin) | Should -BeNullOrEmpty
            Invoke-Git -C $clone symbolic-ref HEAD | Should -Be 'refs/heads/main'
            Invoke-Git --git-dir $repository.Origin for-each-ref --format='%(refname)' | Should -Be 'refs/heads/main'

            $before = Invoke-Git --git-dir $repository.Origin rev-parse main
            $commit = Update-App $clone a "2.0.$i" | Submit-AutomationCommit -RepositoryPath $clone -AuthorEmail fluxcdbot@tazlab.net -Push
            Invoke-Git --git-dir $repository.Origin rev-parse main | Should -Be $commit.Sha
            Invoke-Git --git-dir $repository.Origin rev-parse main~1 | Should -Be $before
            Invoke-Git -C $clone rev-parse HEAD | Should -Be $commit.Sha
        }

        Write-Host "kill -9 within ${window} ms of the setters: $runs runs, the killed run's push had landed in $landed"

        # Every update of origin's branch was a fast-forward of the one before.
        $values = @(Invoke-Git --git-dir $repository.Origin log -g --format=%H refs/heads/main)
        for ($i = 0; $i -lt $values.Count - 1; $i++) {
            Invoke-Git --git-dir $repository.Origin merge-base --is-ancestor $values[$i + 1] $values[$i]
        }
    }
}
