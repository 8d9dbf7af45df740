Set-StrictMode -Version Latest

BeforeAll {
    $script:emulator = $null
    Import-Module -Name (Join-Path -Path $PSScriptRoot -ChildPath 'TestHelpers/TurnstileTestHelpers.psm1') -Force
    $script:emulator = Start-TurnstileTestSession
    $script:siteverifyUri = [uri]("http://127.0.0.1:$($script:emulator.BaseUri.Port)/turnstile/v0/siteverify")
    Connect-Turnstile -ApiBaseUri $script:emulator.BaseUri -ApiToken $script:emulator.ApiToken -AccountId $script:emulator.AccountId -SiteverifyUri $script:siteverifyUri -ErrorAction Stop

    function Send-ControlRequest {
        # A POST to one of the emulator's control endpoints (the helper module does not export its own).
        [CmdletBinding()]
        param([Parameter(Mandatory)] [string] $Path, [Parameter(Mandatory)] [object] $Body)
        $uri = $script:emulator.ControlUri.AbsoluteUri.TrimEnd('/') + '/' + $Path
        Invoke-RestMethod -Method Post -Uri $uri -ContentType 'application/json' -Body (ConvertTo-Json -InputObject $Body -Depth 10 -Compress) -ErrorAction Stop
    }

    function Invoke-Siteverify {
        # What an app's server does: a form POST with the secret and the visitor's token.
        [CmdletBinding()]
        param([Parameter(Mandatory)] [string] $Secret, [Parameter(Mandatory)] [string] $Response, [Parameter()] [string] $IdempotencyKey)
        $form = @{ secret = $Secret; response = $Response }
        if ($IdempotencyKey) { $form.idempotency_key = $IdempotencyKey }
        Invoke-RestMethod -Method Post -Uri $script:siteverifyUri -Body $form -ErrorAction Stop
    }

    function New-VisitorToken {
        [CmdletBinding()]
        param([Parameter(Mandatory)] [string] $Sitekey)
        (Send-ControlRequest -Path 'tokens' -Body @{ sitekey = $Sitekey; action = 'login' }).token
    }
}

AfterAll {
    Stop-TurnstileTestSession -Emulator $script:emulator
}

Describe 'siteverify on the emulator, as an app server sees it' {
    BeforeAll {
        $script:widget = (Initialize-TurnstileEmulatorWidget -Emulator $script:emulator -Name 'app')['app']
    }

    It 'accepts a visitor token once; a second redemption is timeout-or-duplicate' {
        $token = New-VisitorToken -Sitekey $script:widget.sitekey

        $first = Invoke-Siteverify -Secret $script:widget.secret -Response $token
        $first.success | Should -BeTrue
        $first.action | Should -Be 'login'
        $second = Invoke-Siteverify -Secret $script:widget.secret -Response $token
        $second.success | Should -BeFalse
        $second.'error-codes' | Should -Be @('timeout-or-duplicate')
    }

    It 'lets a retry with the same idempotency_key succeed again' {
        $token = New-VisitorToken -Sitekey $script:widget.sitekey
        $key = [guid]::NewGuid().ToString()

        (Invoke-Siteverify -Secret $script:widget.secret -Response $token -IdempotencyKey $key).success | Should -BeTrue
        (Invoke-Siteverify -Secret $script:widget.secret -Response $token -IdempotencyKey $key).success | Should -BeTrue
        (Invoke-Siteverify -Secret $script:widget.secret -Response $token -IdempotencyKey ([guid]::NewGuid().ToString())).'error-codes' | Should -Be @('timeout-or-duplicate')
    }

    It 'expires a token after 300 s on the emulator clock' {
        $token = New-VisitorToken -Sitekey $script:widget.sitekey
        $null = Send-ControlRequest -Path 'clock/advance' -Body @{ seconds = 301 }

        (Invoke-Siteverify -Secret $script:widget.secret -Response $token).'error-codes' | Should -Be @('timeout-or-duplicate')
    }

    It 'refuses a wrong secret with invalid-input-secret' {
        $token = New-VisitorToken -Sitekey $script:widget.sitekey

        (Invoke-Siteverify -Secret '0x4AAAAAAAnotTheSecret000000000000' -Response $token).'error-codes' | Should -Be @('invalid-input-secret')
    }

    It 'answers the dummy token for the published test secrets as documented' {
        $dummy = 'XXXX.DUMMY.TOKEN.XXXX'
        (Invoke-Siteverify -Secret '1x0000000000000000000000000000000AA' -Response $dummy).success | Should -BeTrue
        (Invoke-Siteverify -Secret '2x0000000000000000000000000000000AA' -Response $dummy).'error-codes' | Should -Be @('invalid-input-response')
        (Invoke-Siteverify -Secret '3x0000000000000000000000000000000AA' -Response $dummy).'error-codes' | Should -Be @('timeout-or-duplicate')
    }
}

Describe 'Test-TurnstileWidgetSecret' {
    BeforeEach {
        $script:widgets = Initialize-TurnstileEmulatorWidget -Emulator $script:emulator -Name 'login', 'signup'
    }

    It 'keeps -SiteverifyUri with the connection' {
        (Get-TurnstileConnection).SiteverifyUri | Should -Be $script:siteverifyUri
    }

    It 'proves the new secret after a rotation: ... | Invoke-TurnstileSecretRotation | Test-TurnstileWidgetSecret' {
        $checks = @(Get-TurnstileWidget -Name 'login' | Invoke-TurnstileSecretRotation -Force | Test-TurnstileWidgetSecret)

        $checks.Count | Should -Be 1
        $checks[0].GetType().FullName | Should -Be 'TurnstileWidgets.TurnstileSecretCheck'
        $checks[0].Sitekey | Should -Be $script:widgets['login'].sitekey
        $checks[0].Name | Should -Be 'login'
        $checks[0].Accepted | Should -BeTrue
        $checks[0].ErrorCodes | Should -Be @('invalid-input-response')
        @((Get-TurnstileEmulatorStatistic -Emulator $script:emulator).siteverify_requests) | Should -Be 1
    }

    It 'accepts the previous secret during the grace period, and refuses it after' {
        $old = ConvertTo-TurnstileTestSecureString -Text $script:widgets['signup'].secret
        $null = Get-TurnstileWidget -Name 'signup' | Invoke-TurnstileSecretRotation -Force

        (Test-TurnstileWidgetSecret -Sitekey $script:widgets['signup'].sitekey -Secret $old).Accepted | Should -BeTrue
        $null = Send-ControlRequest -Path 'clock/advance' -Body @{ seconds = 7201 }
        $after = Test-TurnstileWidgetSecret -Sitekey $script:widgets['signup'].sitekey -Secret $old
        $after.Accepted | Should -BeFalse
        $after.ErrorCodes | Should -Be @('invalid-input-secret')
    }

    It 'refuses the previous secret at once after -InvalidateImmediately' {
        $old = ConvertTo-TurnstileTestSecureString -Text $script:widgets['signup'].secret
        $null = Get-TurnstileWidget -Name 'signup' | Invoke-TurnstileSecretRotation -InvalidateImmediately -Force

        (Test-TurnstileWidgetSecret -Sitekey $script:widgets['signup'].sitekey -Secret $old).Accepted | Should -BeFalse
    }

    It 'refuses a wrong secret' {
        $wrong = ConvertTo-TurnstileTestSecureString -Text '0x4AAAAAAAnotTheSecret000000000000'
        $check = Test-TurnstileWidgetSecret $script:widgets['login'].sitekey $wrong

        $check.Accepted | Should -BeFalse
        $check.ErrorCodes | Should -Be @('invalid-input-secret')
    }

    It 'takes the published test secrets as known' {
        foreach ($text in '1x0000000000000000000000000000000AA', '2x0000000000000000000000000000000AA', '3x0000000000000000000000000000000AA') {
            (Test-TurnstileWidgetSecret -Sitekey '1x00000000000000000000AA' -Secret (ConvertTo-TurnstileTestSecureString -Text $text)).Accepted | Should -BeTrue
        }
    }

    It 'binds Sitekey and Secret by property name' {
        $row = [pscustomobject]@{ Sitekey = $script:widgets['login'].sitekey; Secret = ConvertTo-TurnstileTestSecureString -Text $script:widgets['login'].secret }

        ($row | Test-TurnstileWidgetSecret).Accepted | Should -BeTrue
    }

    It 'says a listed widget carries no secret, and tests the rest' {
        $checks = @(Get-TurnstileWidget | Test-TurnstileWidgetSecret -ErrorVariable failures -ErrorAction SilentlyContinue)

        $checks.Count | Should -Be 0
        $failures.Count | Should -Be 2
        $failures[0].FullyQualifiedErrorId | Should -Be 'TurnstileSecretMissing,TurnstileWidgets.Commands.TestTurnstileWidgetSecretCommand'
        $failures[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
    }

    It 'never shows the secret in output, -Verbose or -Debug' {
        $plain = $script:widgets['login'].secret
        $secret = ConvertTo-TurnstileTestSecureString -Text $plain

        # Preferences rather than -Debug: with -Debug the module writes debug lines to the host, past any redirection.
        $VerbosePreference = 'Continue'
        $DebugPreference = 'Continue'
        $everything = Test-TurnstileWidgetSecret -Sitekey $script:widgets['login'].sitekey -Secret $secret *>&1 | Out-String
        $VerbosePreference = 'SilentlyContinue'
        $DebugPreference = 'SilentlyContinue'

        $everything | Should -Match 'POST /turnstile/v0/siteverify -> 200'
        $everything | Should -Not -Match ([regex]::Escape($plain))
    }
}

Describe 'Connect-Turnstile -SiteverifyUri' {
    It 'refuses a URL that is not http(s) with a clear error' {
        { Connect-Turnstile -ApiBaseUri $script:emulator.BaseUri -ApiToken $script:emulator.ApiToken -AccountId $script:emulator.AccountId -SiteverifyUri 'ftp://example.com/siteverify' -ErrorAction Stop } |
            Should -Throw -ErrorId 'TurnstileSiteverifyUriInvalid,TurnstileWidgets.Commands.ConnectTurnstileCommand'
    }

    It 'defaults to the siteverify of the API it connects to, so secrets rehearsed on the emulator never leave for Cloudflare' {
        Connect-Turnstile -Name 'plain' -ApiBaseUri $script:emulator.BaseUri -ApiToken $script:emulator.ApiToken -AccountId $script:emulator.AccountId
        try {
            (Get-TurnstileConnection -Name 'plain').SiteverifyUri | Should -Be $script:siteverifyUri
            $sitekey = (Initialize-TurnstileEmulatorWidget -Emulator $script:emulator -Name 'derived')['derived'].sitekey
            $rotated = Invoke-TurnstileSecretRotation -Sitekey $sitekey -Connection 'plain' -Force
            $check = $rotated | Test-TurnstileWidgetSecret -Connection 'plain'
            $check.Accepted | Should -BeTrue
        }
        finally {
            Disconnect-Turnstile -Name 'plain'
        }
    }
}
