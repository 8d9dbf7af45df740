Set-StrictMode -Version Latest

BeforeAll {
    $script:emulator = $null
    Import-Module -Name (Join-Path -Path $PSScriptRoot -ChildPath 'TestHelpers/TurnstileTestHelpers.psm1') -Force
    $script:emulator = Start-TurnstileTestSession

    $script:names = @('login-shop', 'signup', 'checkout-login', 'login-form', 'newsletter')
    $script:missingSitekey = '0x4AAAAAAAMissingWidget0'

    function Get-StoredName {
        [CmdletBinding()]
        param()
        @(Get-TurnstileEmulatorWidget -Emulator $script:emulator | ForEach-Object -MemberName name | Sort-Object)
    }
}

AfterAll {
    Stop-TurnstileTestSession -Emulator $script:emulator
}

Describe 'Remove-TurnstileWidget' {
    BeforeEach {
        $script:byName = Initialize-TurnstileEmulatorWidget -Emulator $script:emulator -Name $script:names
    }

    It 'removes exactly the widgets matched by Get-TurnstileWidget -Filter name:login | Remove-TurnstileWidget -Confirm:$false' {
        Get-TurnstileWidget -Filter name:login | Remove-TurnstileWidget -Confirm:$false

        Get-StoredName | Should -Be @('newsletter', 'signup')
        (Get-TurnstileEmulatorStatistic -Emulator $script:emulator).delete_requests | Should -Be 3
    }

    It 'removes widgets named by sitekey, by position' {
        Remove-TurnstileWidget $script:byName['signup'].sitekey, $script:byName['newsletter'].sitekey -Confirm:$false

        Get-StoredName | Should -Be @('checkout-login', 'login-form', 'login-shop')
    }

    It 'removes without a prompt with -Force' {
        Remove-TurnstileWidget -Sitekey $script:byName['signup'].sitekey -Force

        Get-StoredName | Should -Not -Contain 'signup'
    }

    It 'binds objects with a Sitekey property by property name' {
        $rows = @(
            [pscustomobject]@{ Sitekey = $script:byName['login-form'].sitekey; Reason = 'retired' }
            [pscustomobject]@{ Sitekey = $script:byName['newsletter'].sitekey; Reason = 'retired' }
        )

        $rows | Remove-TurnstileWidget -Force

        Get-StoredName | Should -Be @('checkout-login', 'login-shop', 'signup')
    }

    It 'writes nothing by default' {
        Remove-TurnstileWidget -Sitekey $script:byName['signup'].sitekey -Force | Should -BeNullOrEmpty
    }

    It 'returns each removed widget with -PassThru' {
        $removed = @(Get-TurnstileWidget -Name 'login-*' | Remove-TurnstileWidget -Force -PassThru)

        @($removed.Name | Sort-Object) | Should -Be @('login-form', 'login-shop')
        $removed | ForEach-Object { $_.GetType().FullName | Should -Be 'TurnstileWidgets.TurnstileWidget' }
    }

    Context 'ShouldProcess' {
        It 'removes nothing with -WhatIf' {
            Get-TurnstileWidget | Remove-TurnstileWidget -WhatIf

            (Get-StoredName).Count | Should -Be $script:names.Count
        }

        It 'removes nothing with -WhatIf even when -Force is given too' {
            Remove-TurnstileWidget -Sitekey $script:byName['signup'].sitekey -Force -WhatIf
            Get-TurnstileWidget | Remove-TurnstileWidget -Force -WhatIf

            (Get-StoredName).Count | Should -Be $script:names.Count
            (Get-TurnstileEmulatorStatistic -Emulator $script:emulator).delete_requests | Should -Be 0
        }
    }

    Context 'Errors' {
        It 'writes a non-terminating TurnstileWidgetNotFound and removes the rest' {
            $sitekeys = @($script:byName['signup'].sitekey, $script:missingSitekey, $script:byName['newsletter'].sitekey)

            Remove-TurnstileWidget -Sitekey $sitekeys -Confirm:$false -ErrorVariable problems -ErrorAction SilentlyContinue

            $problems.Count | Should -Be 1
            $problems[0].FullyQualifiedErrorId | Should -BeLike 'TurnstileWidgetNotFound,*'
            $problems[0].CategoryInfo.Category | Should -Be ([System.Management.Automation.ErrorCategory]::ObjectNotFound)
            $problems[0].TargetObject | Should -Be $script:missingSitekey
            Get-StoredName | Should -Be @('checkout-login', 'login-form', 'login-shop')
        }

        It 'goes on after a widget that is already gone in a pipeline' {
            $listed = @(Get-TurnstileWidget -Filter name:login)
            Remove-TurnstileWidget -Sitekey $script:byName['login-form'].sitekey -Force

            $listed | Remove-TurnstileWidget -Force -ErrorVariable problems -ErrorAction SilentlyContinue

            $problems.Count | Should -Be 1
            $problems[0].FullyQualifiedErrorId | Should -BeLike 'TurnstileWidgetNotFound,*'
            Get-StoredName | Should -Be @('newsletter', 'signup')
        }
    }
}
