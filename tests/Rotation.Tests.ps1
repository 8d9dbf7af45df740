Set-StrictMode -Version Latest

BeforeAll {
    $script:emulator = $null
    Import-Module -Name (Join-Path -Path $PSScriptRoot -ChildPath 'TestHelpers/TurnstileTestHelpers.psm1') -Force
    $script:emulator = Start-TurnstileTestSession

    $script:apiTokenText = ConvertFrom-TurnstileTestSecureString -SecureString $script:emulator.ApiToken
}

AfterAll {
    Stop-TurnstileTestSession -Emulator $script:emulator
}

Describe 'Invoke-TurnstileSecretRotation' {
    BeforeEach {
        $seeded = Initialize-TurnstileEmulatorWidget -Emulator $script:emulator -Name @('shop', 'blog')
        $script:shop = $seeded['shop']
        $script:blog = $seeded['blog']
        $script:oldSecret = ConvertTo-TurnstileTestSecureString -Text $script:shop.secret
    }

    Context 'Rotation' {
        It 'gives the widget a new secret and keeps the old one for the grace period' {
            $widget = Invoke-TurnstileSecretRotation -Sitekey $script:shop.sitekey -Confirm:$false

            $widget.GetType().FullName | Should -Be 'TurnstileWidgets.TurnstileWidget'
            $widget.Sitekey | Should -Be $script:shop.sitekey
            $widget.Secret | Should -BeOfType ([System.Security.SecureString])
            ConvertFrom-TurnstileTestSecureString -SecureString $widget.Secret | Should -Not -Be $script:shop.secret
            Test-TurnstileEmulatorSecret -Emulator $script:emulator -Secret $widget.Secret | Should -BeTrue
            Test-TurnstileEmulatorSecret -Emulator $script:emulator -Secret $script:oldSecret | Should -BeTrue
            $widget.PreviousSecretExpiresOn | Should -Not -BeNullOrEmpty
            # Two hours from now; the margin keeps this a value check, not a timing check.
            $widget.PreviousSecretExpiresOn | Should -BeGreaterThan ([System.DateTimeOffset]::Now.AddMinutes(90))
            $widget.PreviousSecretExpiresOn | Should -BeLessThan ([System.DateTimeOffset]::Now.AddMinutes(150))
        }

        It 'refuses a second rotation inside the grace period with TurnstileSecretRotationRefused' {
            $null = Invoke-TurnstileSecretRotation -Sitekey $script:shop.sitekey -Confirm:$false

            $output = Invoke-TurnstileSecretRotation -Sitekey $script:shop.sitekey -Confirm:$false -ErrorVariable problems -ErrorAction SilentlyContinue

            $output | Should -BeNullOrEmpty
            $problems.Count | Should -Be 1
            $problems[0].FullyQualifiedErrorId | Should -BeLike 'TurnstileSecretRotationRefused,*'
            $problems[0].CategoryInfo.Category | Should -Be ([System.Management.Automation.ErrorCategory]::ResourceBusy)
            $problems[0].TargetObject | Should -Be $script:shop.sitekey
        }

        It 'ends the old secret at once with -InvalidateImmediately -Force, so another rotation is allowed' {
            $first = Invoke-TurnstileSecretRotation -Sitekey $script:shop.sitekey -InvalidateImmediately -Force

            Test-TurnstileEmulatorSecret -Emulator $script:emulator -Secret $script:oldSecret | Should -BeFalse
            Test-TurnstileEmulatorSecret -Emulator $script:emulator -Secret $first.Secret | Should -BeTrue
            $first.PreviousSecretExpiresOn | Should -BeLessThan ([System.DateTimeOffset]::Now.AddMinutes(1))

            $second = Invoke-TurnstileSecretRotation -Sitekey $script:shop.sitekey -Force -ErrorVariable problems

            $problems | Should -BeNullOrEmpty
            ConvertFrom-TurnstileTestSecureString -SecureString $second.Secret |
                Should -Not -Be (ConvertFrom-TurnstileTestSecureString -SecureString $first.Secret)
        }

        It 'rotates every piped widget and goes on after a refusal' {
            $null = Invoke-TurnstileSecretRotation -Sitekey $script:shop.sitekey -Force

            $rotated = @(Get-TurnstileWidget | Invoke-TurnstileSecretRotation -Force -ErrorVariable problems -ErrorAction SilentlyContinue)

            @($rotated.Name) | Should -Be @('blog')
            $problems.Count | Should -Be 1
            $problems[0].FullyQualifiedErrorId | Should -BeLike 'TurnstileSecretRotationRefused,*'
        }

        It 'writes a non-terminating TurnstileWidgetNotFound for an unknown sitekey' {
            $rotated = @(Invoke-TurnstileSecretRotation -Sitekey '0x4AAAAAAAMissingWidget0', $script:blog.sitekey -Force -ErrorVariable problems -ErrorAction SilentlyContinue)

            @($rotated.Name) | Should -Be @('blog')
            $problems[0].FullyQualifiedErrorId | Should -BeLike 'TurnstileWidgetNotFound,*'
        }

        It 'rotates nothing with -WhatIf, even with -Force' {
            Invoke-TurnstileSecretRotation -Sitekey $script:shop.sitekey -Force -WhatIf | Should -BeNullOrEmpty
            Invoke-TurnstileSecretRotation -Sitekey $script:shop.sitekey -InvalidateImmediately -Force -WhatIf | Should -BeNullOrEmpty

            (Get-TurnstileEmulatorStatistic -Emulator $script:emulator).rotate_secret_requests | Should -Be 0
            Test-TurnstileEmulatorSecret -Emulator $script:emulator -Secret $script:oldSecret | Should -BeTrue
        }
    }

    Context 'Secrets stay hidden' {
        BeforeEach {
            $script:rotated = Invoke-TurnstileSecretRotation -Sitekey $script:shop.sitekey -Force
            $script:newSecretText = ConvertFrom-TurnstileTestSecureString -SecureString $script:rotated.Secret
        }

        It 'leaves PlainTextSecret empty without -AsPlainText' {
            $script:rotated.PlainTextSecret | Should -BeNullOrEmpty
        }

        It 'does not show the secret in <View>' -ForEach @(
            @{ View = 'Format-Table'; Render = { param($InputObject) $InputObject | Format-Table -Property * | Out-String -Width 4096 } }
            @{ View = 'Format-List'; Render = { param($InputObject) $InputObject | Format-List -Property * | Out-String -Width 4096 } }
            @{ View = 'the default view'; Render = { param($InputObject) $InputObject | Out-String -Width 4096 } }
            @{ View = 'ConvertTo-Json'; Render = { param($InputObject) $InputObject | ConvertTo-Json -Depth 4 } }
            @{ View = 'ToString'; Render = { param($InputObject) $InputObject.ToString() } }
        ) {
            $text = & $Render $script:rotated

            $text | Should -Not -BeNullOrEmpty
            $text | Should -Not -Match ([regex]::Escape($script:newSecretText))
            $text | Should -Not -Match ([regex]::Escape($script:shop.secret))
        }

        It 'shows the secret as text only with -AsPlainText' {
            $widget = Invoke-TurnstileSecretRotation -Sitekey $script:blog.sitekey -Force -AsPlainText

            $widget.PlainTextSecret | Should -Be (ConvertFrom-TurnstileTestSecureString -SecureString $widget.Secret)
            Test-TurnstileEmulatorSecret -Emulator $script:emulator -Secret $widget.Secret | Should -BeTrue
        }

        It 'keeps the secrets and the token out of -Verbose and -Debug output' {
            $records = @(Invoke-TurnstileSecretRotation -Sitekey $script:blog.sitekey -Force -Verbose -Debug 4>&1 5>&1)
            $widget = $records | Where-Object { $_.GetType().FullName -eq 'TurnstileWidgets.TurnstileWidget' }
            $messages = ($records | Where-Object {
                    $_ -is [System.Management.Automation.VerboseRecord] -or $_ -is [System.Management.Automation.DebugRecord]
                } | ForEach-Object -MemberName Message) -join "`n"

            $messages | Should -Match 'rotate_secret'
            $messages | Should -Not -Match ([regex]::Escape((ConvertFrom-TurnstileTestSecureString -SecureString $widget.Secret)))
            $messages | Should -Not -Match ([regex]::Escape($script:blog.secret))
            $messages | Should -Not -Match ([regex]::Escape($script:apiTokenText))
        }

        It 'keeps the secrets and the token out of a transcript' {
            $path = Join-Path -Path $TestDrive -ChildPath 'rotation-transcript.txt'
            $null = Start-Transcript -LiteralPath $path
            try {
                $widget = Invoke-TurnstileSecretRotation -Sitekey $script:blog.sitekey -Force -Verbose
                $widget | Format-List -Property * | Out-Host
                $widget | Format-Table -Property @('Name', 'Sitekey', 'Secret', 'PreviousSecretExpiresOn') | Out-Host
            }
            finally {
                $null = Stop-Transcript
            }

            $transcript = Get-Content -LiteralPath $path -Raw
            $transcript | Should -Match ([regex]::Escape($script:blog.sitekey))
            $transcript | Should -Not -Match ([regex]::Escape((ConvertFrom-TurnstileTestSecureString -SecureString $widget.Secret)))
            $transcript | Should -Not -Match ([regex]::Escape($script:blog.secret))
            $transcript | Should -Not -Match ([regex]::Escape($script:apiTokenText))
        }
    }
}
