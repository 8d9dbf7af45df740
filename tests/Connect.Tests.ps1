Set-StrictMode -Version Latest

BeforeAll {
    $script:emulator = $null
    Import-Module -Name (Join-Path -Path $PSScriptRoot -ChildPath 'TestHelpers/TurnstileTestHelpers.psm1') -Force
    $script:emulator = Start-TurnstileTestSession

    $script:apiTokenText = ConvertFrom-TurnstileTestSecureString -SecureString $script:emulator.ApiToken
    $script:baseUriText = $script:emulator.BaseUri.AbsoluteUri.TrimEnd('/')
    $script:variableNames = @(
        'CLOUDFLARE_API_TOKEN'
        'CLOUDFLARE_EMAIL'
        'CLOUDFLARE_API_KEY'
        'CLOUDFLARE_ACCOUNT_ID'
        'CLOUDFLARE_BASE_URL'
    )
}

AfterAll {
    Stop-TurnstileTestSession -Emulator $script:emulator
}

Describe 'Connect-Turnstile' {
    BeforeEach {
        # A developer's own Cloudflare variables must neither leak into these tests nor be lost by them.
        $script:savedVariables = @{}
        foreach ($name in $script:variableNames) {
            $script:savedVariables[$name] = [System.Environment]::GetEnvironmentVariable($name)
            [System.Environment]::SetEnvironmentVariable($name, $null)
        }

        Reset-TurnstileEmulator -Emulator $script:emulator
        Connect-TurnstileTestEmulator -Emulator $script:emulator
        $script:widget = Add-TurnstileEmulatorWidget -Emulator $script:emulator -Name 'connect-check'
    }

    AfterEach {
        foreach ($name in $script:variableNames) {
            [System.Environment]::SetEnvironmentVariable($name, $script:savedVariables[$name])
        }
    }

    Context 'ApiToken parameter set' {
        It 'verifies the token and returns the connection with -PassThru' {
            $before = Get-TurnstileEmulatorStatistic -Emulator $script:emulator

            $connection = Connect-Turnstile -ApiToken $script:emulator.ApiToken -AccountId $script:emulator.AccountId -ApiBaseUri $script:emulator.BaseUri -PassThru

            $after = Get-TurnstileEmulatorStatistic -Emulator $script:emulator
            $connection.GetType().FullName | Should -Be 'TurnstileWidgets.TurnstileConnection'
            $connection.AuthenticationScheme | Should -Be 'ApiToken'
            $connection.AccountId | Should -Be $script:emulator.AccountId
            $connection.ApiBaseUri.AbsoluteUri.TrimEnd('/') | Should -Be $script:baseUriText
            $connection.TokenStatus | Should -Be 'active'
            ($after.verify_token_requests - $before.verify_token_requests) | Should -Be 1
        }

        It 'writes nothing without -PassThru' {
            $output = Connect-Turnstile -ApiToken $script:emulator.ApiToken -AccountId $script:emulator.AccountId -ApiBaseUri $script:emulator.BaseUri

            $output | Should -BeNullOrEmpty
            (Get-TurnstileWidget).Sitekey | Should -Be $script:widget.sitekey
        }

        It 'fails with TurnstileAuthenticationFailed for a wrong token' {
            $wrongToken = ConvertTo-TurnstileTestSecureString -Text ('wrong-' + (Get-TurnstileRandomHex -Length 16))

            $record = {
                Connect-Turnstile -ApiToken $wrongToken -AccountId $script:emulator.AccountId -ApiBaseUri $script:emulator.BaseUri -ErrorAction Stop
            } | Should -Throw -ErrorId 'TurnstileAuthenticationFailed,*' -PassThru

            $record.CategoryInfo.Category | Should -Be ([System.Management.Automation.ErrorCategory]::AuthenticationError)
        }

        It 'keeps the earlier connection when a new one fails' {
            $wrongToken = ConvertTo-TurnstileTestSecureString -Text ('wrong-' + (Get-TurnstileRandomHex -Length 16))

            # A failed Connect-Turnstile is a terminating error, which -ErrorAction SilentlyContinue would not suppress.
            {
                Connect-Turnstile -ApiToken $wrongToken -AccountId $script:emulator.AccountId -ApiBaseUri $script:emulator.BaseUri
            } | Should -Throw -ErrorId 'TurnstileAuthenticationFailed,*'

            # The earlier connection is kept and can be named, but a command without -Connection refuses until a connect
            # succeeds: the user meant to leave it, and a runbook that goes on must not act on it (perhaps another account).
            (Get-TurnstileConnection).AuthenticationScheme | Should -Be 'ApiToken'
            (Get-TurnstileWidget -Connection 'default').Sitekey | Should -Be $script:widget.sitekey
            { Get-TurnstileWidget } | Should -Throw -ErrorId 'TurnstileNotConnected,*'
            Connect-TurnstileTestEmulator -Emulator $script:emulator
            (Get-TurnstileWidget).Sitekey | Should -Be $script:widget.sitekey
        }
    }

    Context 'ApiKey parameter set' {
        It 'connects with an email and a Global API key' {
            $connection = Connect-Turnstile -Email $script:emulator.Email -ApiKey $script:emulator.ApiKey -AccountId $script:emulator.AccountId -ApiBaseUri $script:emulator.BaseUri -PassThru

            $connection.AuthenticationScheme | Should -Be 'ApiKey'
            $connection.TokenStatus | Should -BeNullOrEmpty
            (Get-TurnstileWidget).Sitekey | Should -Be $script:widget.sitekey
        }

        It 'fails with TurnstileAuthenticationFailed for a wrong key' {
            $wrongKey = ConvertTo-TurnstileTestSecureString -Text ('wrong-' + (Get-TurnstileRandomHex -Length 16))

            $record = {
                Connect-Turnstile -Email $script:emulator.Email -ApiKey $wrongKey -AccountId $script:emulator.AccountId -ApiBaseUri $script:emulator.BaseUri -ErrorAction Stop
            } | Should -Throw -ErrorId 'TurnstileAuthenticationFailed,*' -PassThru

            $record.CategoryInfo.Category | Should -Be ([System.Management.Automation.ErrorCategory]::AuthenticationError)
        }
    }

    Context 'Environment parameter set' {
        It 'connects from CLOUDFLARE_API_TOKEN, CLOUDFLARE_ACCOUNT_ID and CLOUDFLARE_BASE_URL' {
            [System.Environment]::SetEnvironmentVariable('CLOUDFLARE_API_TOKEN', $script:apiTokenText)
            [System.Environment]::SetEnvironmentVariable('CLOUDFLARE_ACCOUNT_ID', $script:emulator.AccountId)
            [System.Environment]::SetEnvironmentVariable('CLOUDFLARE_BASE_URL', $script:baseUriText)

            $connection = Connect-Turnstile -PassThru

            $connection.AuthenticationScheme | Should -Be 'ApiToken'
            $connection.AccountId | Should -Be $script:emulator.AccountId
            $connection.ApiBaseUri.AbsoluteUri.TrimEnd('/') | Should -Be $script:baseUriText
            (Get-TurnstileWidget).Sitekey | Should -Be $script:widget.sitekey
        }

        It 'connects from CLOUDFLARE_EMAIL and CLOUDFLARE_API_KEY' {
            [System.Environment]::SetEnvironmentVariable('CLOUDFLARE_EMAIL', $script:emulator.Email)
            [System.Environment]::SetEnvironmentVariable('CLOUDFLARE_API_KEY', (ConvertFrom-TurnstileTestSecureString -SecureString $script:emulator.ApiKey))
            [System.Environment]::SetEnvironmentVariable('CLOUDFLARE_ACCOUNT_ID', $script:emulator.AccountId)
            [System.Environment]::SetEnvironmentVariable('CLOUDFLARE_BASE_URL', $script:baseUriText)

            $connection = Connect-Turnstile -PassThru

            $connection.AuthenticationScheme | Should -Be 'ApiKey'
            (Get-TurnstileWidget).Sitekey | Should -Be $script:widget.sitekey
        }

        It 'prefers the token when both a token and a key are set' {
            [System.Environment]::SetEnvironmentVariable('CLOUDFLARE_API_TOKEN', $script:apiTokenText)
            [System.Environment]::SetEnvironmentVariable('CLOUDFLARE_EMAIL', $script:emulator.Email)
            [System.Environment]::SetEnvironmentVariable('CLOUDFLARE_API_KEY', 'not-the-key')
            [System.Environment]::SetEnvironmentVariable('CLOUDFLARE_ACCOUNT_ID', $script:emulator.AccountId)
            [System.Environment]::SetEnvironmentVariable('CLOUDFLARE_BASE_URL', $script:baseUriText)

            (Connect-Turnstile -PassThru).AuthenticationScheme | Should -Be 'ApiToken'
        }

        It 'lets parameters win over the environment variables' {
            [System.Environment]::SetEnvironmentVariable('CLOUDFLARE_API_TOKEN', $script:apiTokenText)
            [System.Environment]::SetEnvironmentVariable('CLOUDFLARE_ACCOUNT_ID', (Get-TurnstileRandomHex -Length 32))
            [System.Environment]::SetEnvironmentVariable('CLOUDFLARE_BASE_URL', 'http://127.0.0.1:9/client/v4')

            $connection = Connect-Turnstile -AccountId $script:emulator.AccountId -ApiBaseUri $script:emulator.BaseUri -PassThru

            $connection.AccountId | Should -Be $script:emulator.AccountId
            $connection.ApiBaseUri.AbsoluteUri.TrimEnd('/') | Should -Be $script:baseUriText
        }

        It 'fails with a message naming the variables when no credential is given anywhere' {
            [System.Environment]::SetEnvironmentVariable('CLOUDFLARE_ACCOUNT_ID', $script:emulator.AccountId)
            [System.Environment]::SetEnvironmentVariable('CLOUDFLARE_BASE_URL', $script:baseUriText)

            $record = { Connect-Turnstile -ErrorAction Stop } | Should -Throw -PassThru

            $text = @($record.Exception.Message; if ($record.ErrorDetails) { $record.ErrorDetails.Message }) -join ' '
            $text | Should -Match 'CLOUDFLARE_API_TOKEN'
        }
    }
}

Describe 'Get-TurnstileConnection' {
    BeforeEach {
        Reset-TurnstileEmulator -Emulator $script:emulator
        Connect-TurnstileTestEmulator -Emulator $script:emulator
    }

    It 'shows the connection without any secret' {
        $connection = Get-TurnstileConnection

        $connection.GetType().FullName | Should -Be 'TurnstileWidgets.TurnstileConnection'
        @($connection.PSObject.Properties.Name | Sort-Object) |
            Should -Be @('AccountId', 'ApiBaseUri', 'AuthenticationScheme', 'ConnectedOn', 'IsDefault', 'Name', 'OperationTimeout', 'RequestTimeout', 'SiteverifyUri', 'TokenStatus')
        ($connection | Format-List -Property * | Out-String) | Should -Not -Match ([regex]::Escape($script:apiTokenText))
        ($connection | ConvertTo-Json -Depth 4) | Should -Not -Match ([regex]::Escape($script:apiTokenText))
    }

    It 'writes nothing and no error when not connected' {
        Disconnect-Turnstile

        $output = Get-TurnstileConnection -ErrorVariable problems

        $output | Should -BeNullOrEmpty
        $problems | Should -BeNullOrEmpty
    }
}

Describe 'Disconnect-Turnstile' {
    BeforeEach {
        Reset-TurnstileEmulator -Emulator $script:emulator
        Connect-TurnstileTestEmulator -Emulator $script:emulator
    }

    AfterEach {
        Connect-TurnstileTestEmulator -Emulator $script:emulator
    }

    It 'makes <Name> fail with the terminating error TurnstileNotConnected' -ForEach @(
        @{ Name = 'Get-TurnstileWidget'; Command = { Get-TurnstileWidget } }
        @{ Name = 'Get-TurnstileWidget -Sitekey'; Command = { Get-TurnstileWidget -Sitekey '0x4AAAAAAAMissingWidget0' } }
        @{ Name = 'New-TurnstileWidget'; Command = { New-TurnstileWidget -Name 'not-connected' -Domain 'example.com' -Confirm:$false } }
        @{ Name = 'Set-TurnstileWidget'; Command = { Set-TurnstileWidget -Sitekey '0x4AAAAAAAMissingWidget0' -Mode 'invisible' -Confirm:$false } }
        @{ Name = 'Remove-TurnstileWidget'; Command = { Remove-TurnstileWidget -Sitekey '0x4AAAAAAAMissingWidget0' -Confirm:$false } }
        @{ Name = 'Invoke-TurnstileSecretRotation'; Command = { Invoke-TurnstileSecretRotation -Sitekey '0x4AAAAAAAMissingWidget0' -Force } }
    ) {
        Disconnect-Turnstile
        $before = Get-TurnstileEmulatorStatistic -Emulator $script:emulator

        # No -ErrorAction Stop: the error must be terminating on its own.
        $record = $Command | Should -Throw -ErrorId 'TurnstileNotConnected,*' -PassThru

        $record.CategoryInfo.Category | Should -Be ([System.Management.Automation.ErrorCategory]::InvalidOperation)
        "$($record.Exception.Message) $($record.ErrorDetails)" | Should -Match 'Connect-Turnstile'
        (Get-TurnstileEmulatorStatistic -Emulator $script:emulator).total_requests | Should -Be $before.total_requests
    }

    It 'raises no error when not connected' {
        Disconnect-Turnstile

        { Disconnect-Turnstile -ErrorAction Stop } | Should -Not -Throw
        Get-TurnstileConnection | Should -BeNullOrEmpty
    }

    It 'writes nothing' {
        Disconnect-Turnstile | Should -BeNullOrEmpty
    }
}
