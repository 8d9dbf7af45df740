Set-StrictMode -Version Latest

BeforeAll {
    $script:emulator = $null
    Import-Module -Name (Join-Path -Path $PSScriptRoot -ChildPath 'TestHelpers/TurnstileTestHelpers.psm1') -Force
    $script:emulator = Start-TurnstileEmulator -AccountCount 2
    $null = Import-TurnstileModuleUnderTest
    $script:staging = $script:emulator.AccountIds[0]
    $script:prod = $script:emulator.AccountIds[1]
    $script:prodView = $script:emulator.PSObject.Copy()
    $script:prodView.AccountId = $script:prod

    function Connect-Named {
        param([Parameter(Mandatory)] [string] $Name, [Parameter(Mandatory)] [string] $AccountId)
        Connect-Turnstile -Name $Name -ApiBaseUri $script:emulator.BaseUri -ApiToken $script:emulator.ApiToken -AccountId $AccountId -ErrorAction Stop
    }
}

AfterAll {
    Stop-TurnstileTestSession -Emulator $script:emulator
}

Describe 'Named connections' {
    BeforeEach {
        Disconnect-Turnstile
        Reset-TurnstileEmulator -Emulator $script:emulator
        $null = Add-TurnstileEmulatorWidget -Emulator $script:emulator -Name 'staging-only' -Domain 'staging.example.com'
        $null = Add-TurnstileEmulatorWidget -Emulator $script:prodView -Name 'prod-only' -Domain 'prod.example.com'
        Connect-Named -Name 'staging' -AccountId $script:staging
        Connect-Named -Name 'prod' -AccountId $script:prod
    }

    It 'keeps both; the most recent is the default' {
        $connections = @(Get-TurnstileConnection)
        $connections.Name | Should -Be @('prod', 'staging')
        $connections.IsDefault | Should -Be @($true, $false)
        $connections[1].AccountId | Should -Be $script:staging
        (Get-TurnstileWidget).Name | Should -Be 'prod-only'
    }

    It 'never shows the token' {
        $plain = ConvertFrom-TurnstileTestSecureString -SecureString $script:emulator.ApiToken
        $text = Get-TurnstileConnection | Format-List -Property * | Out-String
        $text | Should -Not -Match ([regex]::Escape($plain))
        $text | Should -Match 'staging'
    }

    It '-Connection takes a name or a TurnstileConnection on every widget cmdlet' {
        (Get-TurnstileWidget -Connection staging).Name | Should -Be 'staging-only'
        (Get-TurnstileWidget -Connection (Get-TurnstileConnection -Name staging)).Name | Should -Be 'staging-only'
        $created = New-TurnstileWidget -Connection staging -Name 'made-in-staging' -Domain 'made.example.com' -Confirm:$false
        $created.AccountId | Should -Be $script:staging
        Set-TurnstileWidget -Connection staging -Sitekey $created.Sitekey -Mode 'invisible' -Confirm:$false
        Invoke-TurnstileSecretRotation -Connection staging -Sitekey $created.Sitekey -Force | Out-Null
        Remove-TurnstileWidget -Connection staging -Sitekey $created.Sitekey -Force
        (Get-TurnstileEmulatorStatistic -Emulator $script:emulator -AccountId $script:staging).delete_requests | Should -Be 1
        (Get-TurnstileEmulatorStatistic -Emulator $script:emulator -AccountId $script:prod).delete_requests | Should -Be 0
    }

    It 'promotes staging to prod by name in one session' {
        $file = Join-Path -Path $TestDrive -ChildPath 'widgets.json'
        Export-TurnstileWidget -Connection staging -Path $file -ExcludeSitekey
        (Compare-TurnstileWidget -Connection prod -Path $file).Action | Should -Be 'Create'
        Sync-TurnstileWidget -Connection prod -Path $file
        Compare-TurnstileWidget -Connection prod -Path $file | Should -BeNullOrEmpty
        (Get-TurnstileEmulatorWidget -Emulator $script:prodView).name | Should -Contain 'staging-only'
    }

    It 'refuses an unknown name, naming the known ones' {
        { Get-TurnstileWidget -Connection 'nope' } | Should -Throw -ExpectedMessage "*No connection is named 'nope'*prod, staging*"
        Get-TurnstileConnection -Name 'nope' -ErrorVariable problems -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $problems[0].FullyQualifiedErrorId | Should -BeLike 'TurnstileConnectionNotFound,*'
        $problems[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $problems[0].TargetObject | Should -Be 'nope'
    }

    It 'Disconnect -Name ends one; the one before becomes the default; no name ends all' {
        Disconnect-Turnstile -Name prod
        (Get-TurnstileConnection).Name | Should -Be 'staging'
        (Get-TurnstileWidget).Name | Should -Be 'staging-only'
        Disconnect-Turnstile -Name prod -ErrorVariable problems -ErrorAction SilentlyContinue
        $problems[0].FullyQualifiedErrorId | Should -BeLike 'TurnstileConnectionNotFound,*'

        Connect-Named -Name 'prod' -AccountId $script:prod
        Get-TurnstileConnection -Name 'p*' | Disconnect-Turnstile
        (Get-TurnstileConnection).Name | Should -Be 'staging'
        Disconnect-Turnstile
        Get-TurnstileConnection | Should -BeNullOrEmpty
        { Get-TurnstileWidget } | Should -Throw -ErrorId 'TurnstileNotConnected,TurnstileWidgets.Commands.GetTurnstileWidgetCommand'
    }

    It 'connecting under a taken name replaces it, and without -Name the name is default' {
        Connect-Named -Name 'staging' -AccountId $script:prod
        @(Get-TurnstileConnection).Count | Should -Be 2
        (Get-TurnstileConnection -Name staging).AccountId | Should -Be $script:prod
        Connect-Turnstile -ApiBaseUri $script:emulator.BaseUri -ApiToken $script:emulator.ApiToken -AccountId $script:staging
        (Get-TurnstileConnection | Where-Object IsDefault).Name | Should -Be 'default'
    }

    It 'completes connection names with Tab' {
        $line = 'Get-TurnstileWidget -Connection st'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be @('staging')
        $line = 'Disconnect-Turnstile -Name '
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be @('prod', 'staging')
        $line = 'Get-TurnstileWidget -Connection staging -Name '
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be @('staging-only')
        $line = 'Get-TurnstileWidget -Name '
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be @('prod-only')
    }
}
