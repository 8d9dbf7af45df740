Set-StrictMode -Version Latest

# A tester's findings on the late changes (unknown -Mode/-Region/-ClearanceLevel values sent as typed, the name-as-sitekey
# advice, the engine's domain rules), each one a test first, in real pwsh against the emulator.

BeforeAll {
    $script:emulator = $null
    Import-Module -Name (Join-Path -Path $PSScriptRoot -ChildPath 'TestHelpers/TurnstileTestHelpers.psm1') -Force
    $script:emulator = Start-TurnstileTestSession
}

AfterAll {
    Stop-TurnstileTestSession -Emulator $script:emulator
}

Describe 'New-TurnstileWidget with a value this version does not know: the confirmation shows the value sent' {
    BeforeAll {
        Reset-TurnstileEmulator -Emulator $script:emulator
    }

    It '-Mode <Mode>: the action names mode <Mode>, not the default' -ForEach @(
        @{ Mode = 'future-mode' }
        @{ Mode = 'invisibel' }
    ) {
        # Was: ConfirmationText.CreateActionWith read the definition's enum, which holds the default (managed) for a value
        # it does not know, so -WhatIf (and -Confirm, -Verbose) said "mode managed" while the request carried the value typed.
        $verbose = @(New-TurnstileWidget -Name 'unknown-mode' -Domain 'a.example.com' -Mode $Mode -Verbose -ErrorAction SilentlyContinue 4>&1 |
                Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message)
        $action = @($verbose | Where-Object { $_ -like '*Create Turnstile widget*' })
        $action.Count | Should -Be 1 -Because ($verbose -join "`n")
        $action[0] | Should -BeLike "*(mode $Mode;*"
    }

    It '-Region and -ClearanceLevel given: the action names them as sent' {
        $verbose = @(New-TurnstileWidget -Name 'unknown-region' -Domain 'a.example.com' -Region 'mars' -ClearanceLevel 'future_level' -Verbose -ErrorAction SilentlyContinue 4>&1 |
                Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message)
        $action = @($verbose | Where-Object { $_ -like '*Create Turnstile widget*' })
        $action[0] | Should -BeLike '*region mars*'
        $action[0] | Should -BeLike '*clearance level future_level*'
    }
}

Describe 'Set-TurnstileWidget on a widget holding a value the API now refuses: no parameter the user did not give is blamed' {
    BeforeEach {
        $script:held = Initialize-TurnstileEmulatorWidget -Emulator $script:emulator -Name @('held')
        $script:heldKey = $script:held['held'].sitekey
        # Another tool stored a domain that the API (here, the emulator) refuses when it is sent back.
        $null = Invoke-TurnstileEmulatorControl -Emulator $script:emulator -Method Patch -Path "widgets/$script:heldKey" -Body @{ domains = @("odd$([char]7).example.com", 'ok.example.com') }
    }

    It 'Set -Mode only: the refusal of a held domain does not say "Correct -Domain"' {
        # Was: Set-TurnstileWidget's GivenAs mapped the wire field 'domains' to -Domain although the user gave no domain
        # parameter (the list sent was the widget's own): "Correct -Domain and try again."
        $null = Set-TurnstileWidget -Sitekey $script:heldKey -Mode invisible -ErrorVariable failed -ErrorAction SilentlyContinue
        $failed.Count | Should -Be 1
        $failed[0].FullyQualifiedErrorId | Should -BeLike 'TurnstileValidationFailed,*'
        $failed[0].ErrorDetails.RecommendedAction | Should -Not -Match '-Domain\b' -Because $failed[0].ErrorDetails.RecommendedAction
        $failed[0].ErrorDetails.RecommendedAction | Should -Not -Match '-Mode\b' -Because $failed[0].ErrorDetails.RecommendedAction
    }

    It 'a domain the user gives with -Domain is still named -Domain' {
        $null = Set-TurnstileWidget -Sitekey $script:heldKey -Domain 'bad domain!' -ErrorVariable failed -ErrorAction SilentlyContinue
        "$($failed[0])" | Should -BeLike '-Domain:*'
    }
}

Describe 'A refusal that quotes a value with control characters shows them, never acts on them' {
    BeforeAll {
        Reset-TurnstileEmulator -Emulator $script:emulator
        $script:typed = "inv$([char]27)[31mred$([char]10)line$([char]7)"
    }

    It '<Command> -Mode with an escape sequence, a line break and a bell: Cloudflare''s message quotes it made visible' -ForEach @(
        @{ Command = 'New-TurnstileWidget' }
        @{ Command = 'Set-TurnstileWidget' }
    ) {
        # Was: ApiErrors.Format joined Cloudflare's messages as they came; the API quotes the value it refused, so an escape
        # sequence recoloured the terminal and a line break split the error, although the module's own texts (the
        # confirmation, the views) make control characters visible.
        if ($Command -eq 'New-TurnstileWidget') {
            $null = New-TurnstileWidget -Name 'ctl' -Domain 'a.example.com' -Mode $script:typed -ErrorVariable failed -ErrorAction SilentlyContinue
        }
        else {
            $key = (Add-TurnstileEmulatorWidget -Emulator $script:emulator -Name 'ctl-set').sitekey
            $null = Set-TurnstileWidget -Sitekey $key -Mode $script:typed -ErrorVariable failed -ErrorAction SilentlyContinue
        }

        $failed.Count | Should -Be 1
        $failed[0].ErrorDetails.RecommendedAction | Should -Be 'Correct -Mode and try again.'
        foreach ($text in @($failed[0].Exception.Message, $failed[0].ErrorDetails.Message)) {
            $text | Should -Not -Match '[\x00-\x1F\x7F]' -Because $text
            $text | Should -BeLike "*inv$([char]0x241B)``[31mred*"
        }
    }
}

Describe 'A name typed where the sitekey goes, under -WhatIf: the same refusal and advice as without it' {
    BeforeAll {
        Reset-TurnstileEmulator -Emulator $script:emulator
        $script:oddNames = @("it's", 'br[ack]et', "smart$([char]0x2018)quote$([char]0x2019)", 'back`tick')
        foreach ($name in $script:oddNames) { $null = Add-TurnstileEmulatorWidget -Emulator $script:emulator -Name $name }
    }

    It '<Command> <Name> -WhatIf: refused, advising a pipeline that, pasted with -WhatIf, finds that one widget' -ForEach @(
        foreach ($command in 'Remove-TurnstileWidget', 'Invoke-TurnstileSecretRotation') {
            foreach ($name in @("it's", 'br[ack]et', "smart$([char]0x2018)quote$([char]0x2019)", 'back`tick')) { @{ Command = $command; Name = $name } }
        }
    ) {
        # Was: the sitekey was checked only when the request was built, after ShouldProcess, so -WhatIf said
        # 'What if: Performing the operation "Remove Turnstile widget" on target "it's"' for a value the command refuses,
        # and the name-as-sitekey advice came only on the real run.
        $null = & $Command $Name -WhatIf -ErrorVariable failed -ErrorAction SilentlyContinue
        $failed.Count | Should -Be 1
        $failed[0].FullyQualifiedErrorId | Should -BeLike 'TurnstileValidationFailed,*'
        $failed[0].TargetObject | Should -Be $Name
        $advice = $failed[0].ErrorDetails.RecommendedAction
        $match = [regex]::Match($advice, 'pipe that widget in: (Get-TurnstileWidget -Name .+ \| ' + $Command + ')\.$')
        $match.Success | Should -BeTrue -Because $advice

        $script:pasted = @()
        $found = @(& ([scriptblock]::Create($match.Groups[1].Value.Replace(" | $Command", ''))) | ForEach-Object Name)
        $found | Should -Be @($Name) -Because $match.Groups[1].Value
        $null = & ([scriptblock]::Create($match.Groups[1].Value + ' -WhatIf -ErrorVariable +script:pasted -ErrorAction SilentlyContinue'))
        @($script:pasted).Count | Should -Be 0 -Because "$script:pasted"
        @(Get-TurnstileWidget | Where-Object Name -CEQ $Name).Count | Should -Be 1 -Because '-WhatIf changes nothing'
    }
}

Describe 'A Connect-Turnstile that fails leaves no default connection in use' {
    BeforeEach {
        Disconnect-Turnstile
        Connect-TurnstileTestEmulator -Emulator $script:emulator
    }

    AfterAll {
        Disconnect-Turnstile
        Connect-TurnstileTestEmulator -Emulator $script:emulator
    }

    It 'a command after the failed connect refuses (a runbook that goes on writes nothing to the earlier account)' {
        $before = Get-TurnstileEmulatorStatistic -Emulator $script:emulator
        # Statement-terminating, as in a runbook without -ErrorAction Stop: the next statement still runs.
        Connect-TurnstileTestEmulator -Emulator $script:emulator
        $wrong = ConvertTo-TurnstileTestSecureString -Text 'not-the-token'
        $connectFailed = $null
        try { Connect-Turnstile -ApiBaseUri $script:emulator.BaseUri -ApiToken $wrong -AccountId $script:emulator.AccountId } catch { $connectFailed = $_ }
        $connectFailed | Should -Not -BeNullOrEmpty
        $failure = $null
        try { New-TurnstileWidget -Name 'after-failed-connect' -Domain 'example.com' -Confirm:$false -ErrorAction Stop } catch { $failure = $_ }
        $after = Get-TurnstileEmulatorStatistic -Emulator $script:emulator
        ($after.create_requests - $before.create_requests) | Should -Be 0
        $failure.FullyQualifiedErrorId | Should -BeLike 'TurnstileNotConnected,*'
        "$failure" | Should -BeLike "*last Connect-Turnstile (as 'default') failed*"
        $failure.ErrorDetails.RecommendedAction | Should -BeLike '*Connect-Turnstile again*'
    }

    It 'a connect that succeeds afterwards, or Disconnect-Turnstile, ends the refusal' {
        $wrong = ConvertTo-TurnstileTestSecureString -Text 'not-the-token'
        try { Connect-Turnstile -ApiBaseUri $script:emulator.BaseUri -ApiToken $wrong -AccountId $script:emulator.AccountId } catch { $null = $_ }
        Connect-TurnstileTestEmulator -Emulator $script:emulator
        { Get-TurnstileWidget -ErrorAction Stop } | Should -Not -Throw

        try { Connect-Turnstile -ApiBaseUri $script:emulator.BaseUri -ApiToken $wrong -AccountId $script:emulator.AccountId } catch { $null = $_ }
        Disconnect-Turnstile
        $failure = $null
        try { Get-TurnstileWidget -ErrorAction Stop } catch { $failure = $_ }
        "$failure" | Should -BeLike 'Not connected to Cloudflare*'
    }

    It 'a connection named with -Connection is still used: the user chose it' {
        $wrong = ConvertTo-TurnstileTestSecureString -Text 'not-the-token'
        try { Connect-Turnstile -Name 'other' -ApiBaseUri $script:emulator.BaseUri -ApiToken $wrong -AccountId $script:emulator.AccountId } catch { $null = $_ }
        { Get-TurnstileWidget -Connection 'default' -ErrorAction Stop } | Should -Not -Throw
        { Get-TurnstileWidget -ErrorAction Stop } | Should -Throw -ExpectedMessage "*last Connect-Turnstile (as 'other') failed*"
    }
}
