Set-StrictMode -Version Latest

# -Debug and -Verbose as users meet them: no prompts in a non-interactive host, lines worth having, never a
# credential or a secret; and the rate limit's waits, paced or blocked, told through -Verbose and progress.

BeforeAll {
    $script:emulator = $null
    Import-Module -Name (Join-Path -Path $PSScriptRoot -ChildPath 'TestHelpers/TurnstileTestHelpers.psm1') -Force
    Import-Module -Name (Join-Path -Path $PSScriptRoot -ChildPath 'TestHelpers/TurnstileChildProcess.psm1') -Force
    $script:emulator = Start-TurnstileTestSession
    $script:token = ConvertFrom-TurnstileTestSecureString $script:emulator.ApiToken

    function Set-RateLimit {
        # It changes the emulator's state, so it takes -WhatIf like every Set- command.
        [CmdletBinding(SupportsShouldProcess)]
        param([AllowNull()] [string] $Limit, [AllowNull()] [Nullable[int]] $BlockSeconds)
        $body = @{ rate_limit = $Limit; rate_limit_block = $BlockSeconds } | ConvertTo-Json -Compress
        if ($PSCmdlet.ShouldProcess($script:emulator.ControlUri, "Set the rate limit to '$Limit'")) {
            $null = Invoke-RestMethod -Method Post -Uri ([uri]::new($script:emulator.ControlUri, 'faults')) -ContentType 'application/json' -Body $body
        }
    }

    # Runs a script in a runspace of this process, where the progress stream can be read back.
    function Invoke-InRunspace {
        param([Parameter(Mandatory)] [string] $Script)
        $powershell = [powershell]::Create()
        try {
            $manifest = Join-Path -Path (Get-TurnstileRepositoryRoot) -ChildPath 'out/TurnstileWidgets/TurnstileWidgets.psd1'
            # The email and key, not the token: the rate limit is counted per credential, so what this runspace
            # runs into leaves the token's budget (the file's own connection) untouched.
            $null = $powershell.AddScript('param($Manifest, $Emulator) Import-Module $Manifest; Connect-Turnstile -ApiBaseUri $Emulator.BaseUri -Email $Emulator.Email -ApiKey $Emulator.ApiKey -AccountId $Emulator.AccountId -NoPacing').AddArgument($manifest).AddArgument($script:emulator)
            $null = $powershell.Invoke()
            $powershell.Commands.Clear()
            $null = $powershell.AddScript($Script)
            $output = $powershell.Invoke()
            [pscustomobject]@{
                Output   = @($output)
                Verbose  = @($powershell.Streams.Verbose | ForEach-Object Message)
                Warnings = @($powershell.Streams.Warning | ForEach-Object Message)
                Debug    = @($powershell.Streams.Debug | ForEach-Object Message)
                Progress = @($powershell.Streams.Progress)
                Errors   = @($powershell.Streams.Error)
            }
        }
        finally {
            $powershell.Dispose()
        }
    }
}

AfterAll {
    Stop-TurnstileTestSession -Emulator $script:emulator
}

Describe '-Debug in a non-interactive host' {
    BeforeEach {
        Set-RateLimit -Limit $null -BlockSeconds $null
        $script:byName = Initialize-TurnstileEmulatorWidget -Emulator $script:emulator -Name @('alpha', 'beta')
    }

    It 'lists without a prompt and writes one line per request: method, path, status, time, attempt, rate-limit headers' {
        Set-RateLimit -Limit '1200/300' -BlockSeconds $null

        $result = Invoke-TurnstileChildPowerShell -Emulator $script:emulator -Script '(Get-TurnstileWidget -Debug | Measure-Object).Count'

        $result.ExitCode | Should -Be 0 -Because $result.Text
        $result.Text | Should -Not -Match 'NonInteractive|Continue with this operation'
        $result.Output[-1] | Should -Be '2'
        $result.Text | Should -Match 'DEBUG: HTTP GET /accounts/[0-9a-f]{32}/challenges/widgets\?page=1&per_page=1000 -> 200 in \d+(\.\d)? m?s \(attempt 1\); Ratelimit: "default";r=\d+;t=\d+; Ratelimit-Policy: "burst";q=1200;w=300'
        $result.Text | Should -Not -Match ([regex]::Escape($script:token))
    }

    It 'creates a widget with -Debug, and no secret reaches the screen' {
        $result = Invoke-TurnstileChildPowerShell -Emulator $script:emulator -Script 'New-TurnstileWidget -Name debugged -Domain example.com -Debug | Out-Null; ''created'''

        $result.ExitCode | Should -Be 0 -Because $result.Text
        $result.Output[-1] | Should -Be 'created'
        $result.Text | Should -Match 'DEBUG: HTTP POST /accounts/[0-9a-f]{32}/challenges/widgets -> 200'
        $created = Get-TurnstileWidget -Name 'debugged' | Get-TurnstileWidget -AsPlainText
        $created.PlainTextSecret | Should -Not -BeNullOrEmpty
        $result.Text | Should -Not -Match ([regex]::Escape($created.PlainTextSecret))
        $result.Text | Should -Not -Match ([regex]::Escape($script:token))
    }

    It 'writes debug lines to the debug stream with $DebugPreference = ''Continue''' {
        $DebugPreference = 'Continue'
        try {
            $lines = @(Get-TurnstileWidget 5>&1 | Where-Object { $_ -is [System.Management.Automation.DebugRecord] })
        }
        finally {
            $DebugPreference = 'SilentlyContinue'
        }

        $lines.Count | Should -Be 1
        $lines[0].Message | Should -Match '^HTTP GET /accounts/.+ -> 200 in '
    }

    It 'updates piped copies with -Debug, warning without a prompt' {
        $result = Invoke-TurnstileChildPowerShell -Emulator $script:emulator -Script 'Get-TurnstileWidget | Select-Object Sitekey, Name | Set-TurnstileWidget -Mode invisible -Debug; ''updated'''

        $result.ExitCode | Should -Be 0 -Because $result.Text
        $result.Output[-1] | Should -Be 'updated'
        $result.Text | Should -Match 'WARNING: Ignoring the piped objects'' Name properties'
        $result.Text | Should -Match 'DEBUG: HTTP PUT /accounts/'
        @(Get-TurnstileEmulatorWidget -Emulator $script:emulator | Where-Object mode -EQ 'invisible').Count | Should -Be 2
    }

    It 'removes with -Debug -Force without a prompt' {
        $sitekey = $script:byName['alpha'].sitekey
        $result = Invoke-TurnstileChildPowerShell -Emulator $script:emulator -Script "Remove-TurnstileWidget -Sitekey '$sitekey' -Force -Debug; 'removed'"

        $result.ExitCode | Should -Be 0 -Because $result.Text
        $result.Output[-1] | Should -Be 'removed'
        @(Get-TurnstileEmulatorWidget -Emulator $script:emulator).name | Should -Be @('beta')
    }
}

Describe 'Rate-limit waits' {
    BeforeEach {
        $null = Initialize-TurnstileEmulatorWidget -Emulator $script:emulator -Name @('alpha', 'beta', 'gamma')
    }

    AfterEach {
        Set-RateLimit -Limit $null -BlockSeconds $null
    }

    It 'waits out a block with one warning that says how long, why and that Ctrl+C stops it, and a countdown' {
        # Two requests a minute, then a 1-second block; -NoPacing (in Invoke-InRunspace) runs into it on purpose.
        Set-RateLimit -Limit '2/60' -BlockSeconds 1

        $result = Invoke-InRunspace -Script '1..3 | ForEach-Object { Get-TurnstileWidget -Name alpha -Verbose } | Measure-Object | ForEach-Object Count'

        $result.Errors | Should -BeNullOrEmpty
        $result.Output[-1] | Should -Be 3
        # Said once, as a warning (not also as a -Verbose retry line): how long, why, and how to stop.
        $warning = @($result.Warnings | Where-Object { $_ -match 'refusing requests with this credential for .+ \(rate limit exceeded, 429.+Ctrl\+C' })
        $warning.Count | Should -BeGreaterOrEqual 1 -Because ($result.Warnings -join "`n")
        @($result.Verbose | Where-Object { $_ -match '429' -and $_ -match '^Retrying|^Waiting' }).Count | Should -Be 0 -Because ($result.Verbose -join "`n")
        $countdown = @($result.Progress | Where-Object { $_.ActivityId -eq 2 -and $_.RecordType -eq 'Processing' })
        $countdown.Count | Should -BeGreaterOrEqual 1
        $countdown[0].Activity | Should -Be 'Waiting for the Cloudflare API rate limit'
        $countdown[0].StatusDescription | Should -Match 'Blocked by the rate limit; going on in'
        $countdown[0].SecondsRemaining | Should -BeGreaterOrEqual 0
        @($result.Progress | Where-Object { $_.ActivityId -eq 2 -and $_.RecordType -eq 'Completed' }).Count | Should -BeGreaterOrEqual 1
    }

    # ForEach-Object -Parallel is PowerShell 7's.
    It 'paces a bulk pipeline from three parallel runspaces without a single 429' -Tag 'PowerShell7' {
        $null = Invoke-RestMethod -Method Post -Uri ([uri]::new($script:emulator.ControlUri, 'seed')) -ContentType 'application/json' -Body (@{ count = 60; name_prefix = 'bulk-' } | ConvertTo-Json)
        Set-RateLimit -Limit '30/2' -BlockSeconds 30
        $before = Get-TurnstileEmulatorStatistic -Emulator $script:emulator

        # A fresh process, as a runbook starts: its rate-limit budget knows nothing of this file's earlier requests.
        # Each runspace imports the module and uses the process's one connection, and so its one budget.
        $script = @'
$manifest = (Get-Module TurnstileWidgets).Path
Get-TurnstileWidget -Name 'bulk-*' | ForEach-Object -ThrottleLimit 3 -Parallel {
    Import-Module $using:manifest
    $_ | Remove-TurnstileWidget -Force
}
'done'
'@
        $result = Invoke-TurnstileChildPowerShell -Emulator $script:emulator -Script $script

        $result.ExitCode | Should -Be 0 -Because $result.Text
        $result.Output[-1] | Should -Be 'done' -Because $result.Text
        $after = Get-TurnstileEmulatorStatistic -Emulator $script:emulator
        $after.rate_limited_responses - $before.rate_limited_responses | Should -Be 0
        $after.delete_requests - $before.delete_requests | Should -Be 60
        @(Get-TurnstileEmulatorWidget -Emulator $script:emulator | Where-Object name -Like 'bulk-*').Count | Should -Be 0
    }
}
