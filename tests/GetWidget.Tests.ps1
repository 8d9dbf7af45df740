Set-StrictMode -Version Latest

BeforeAll {
    $script:emulator = $null
    Import-Module -Name (Join-Path -Path $PSScriptRoot -ChildPath 'TestHelpers/TurnstileTestHelpers.psm1') -Force
    $script:emulator = Start-TurnstileTestSession

    # Lower-case names, so the emulator's ordinal sort and PowerShell's agree on the order.
    $script:names = @('login-shop', 'signup', 'checkout-login', 'login-form', 'newsletter')
    $script:missingSitekey = '0x4AAAAAAAMissingWidget0'
}

AfterAll {
    Stop-TurnstileTestSession -Emulator $script:emulator
}

Describe 'Get-TurnstileWidget' {
    BeforeEach {
        $script:byName = Initialize-TurnstileEmulatorWidget -Emulator $script:emulator -Name $script:names
        $script:created = @($script:byName.Values)
    }

    Context 'List parameter set' {
        It 'lists every widget of the account' {
            $widgets = @(Get-TurnstileWidget)

            $widgets.Count | Should -Be $script:names.Count
            $widgets | ForEach-Object { $_.GetType().FullName | Should -Be 'TurnstileWidgets.TurnstileWidget' }
            @($widgets.Sitekey | Sort-Object) | Should -Be @($script:created.sitekey | Sort-Object)
            $widgets | ForEach-Object { $_.AccountId | Should -Be $script:emulator.AccountId }
        }

        It 'gives listed widgets no secret' {
            $widgets = @(Get-TurnstileWidget)

            $widgets | ForEach-Object {
                $_.Secret | Should -BeNullOrEmpty
                $_.PlainTextSecret | Should -BeNullOrEmpty
            }
            $listing = $widgets | Format-List -Property * | Out-String
            foreach ($widget in $script:created) {
                $listing | Should -Not -Match ([regex]::Escape($widget.secret))
            }
        }

        It 'maps the API fields to the widget properties' {
            $widget = Get-TurnstileWidget -Filter 'name:signup'

            $widget.Name | Should -Be 'signup'
            $widget.Domains | Should -Be @('signup.example.com')
            $widget.Mode | Should -Be 'managed'
            $widget.Region | Should -Be 'world'
            $widget.ClearanceLevel | Should -Be 'no_clearance'
            $widget.BotFightMode | Should -BeFalse
            $widget.CreatedOn | Should -BeOfType ([System.DateTimeOffset])
            $widget.ToString() | Should -Be "signup ($($script:byName['signup'].sitekey))"
        }

        It 'passes -Filter name:<text> to the API as a case-insensitive substring match' {
            $widgets = @(Get-TurnstileWidget -Filter 'name:LOGIN')

            @($widgets.Name | Sort-Object) | Should -Be @('checkout-login', 'login-form', 'login-shop')
        }

        It 'passes -Filter sitekey:<text> to the API' {
            $sitekey = $script:byName['newsletter'].sitekey

            $widgets = @(Get-TurnstileWidget -Filter "sitekey:$sitekey")

            $widgets.Count | Should -Be 1
            $widgets[0].Name | Should -Be 'newsletter'
        }

        It 'refuses a filter on an unsupported field with TurnstileValidationFailed' {
            $record = { Get-TurnstileWidget -Filter 'mode:managed' -ErrorAction Stop } |
                Should -Throw -ErrorId 'TurnstileValidationFailed,*' -PassThru

            $record.CategoryInfo.Category | Should -Be ([System.Management.Automation.ErrorCategory]::InvalidArgument)
        }

        It 'sorts by name with -SortBy Name' {
            (Get-TurnstileWidget -SortBy Name).Name |
                Should -Be @('checkout-login', 'login-form', 'login-shop', 'newsletter', 'signup')
        }

        It 'sorts descending with -Descending' {
            (Get-TurnstileWidget -SortBy Name -Descending).Name |
                Should -Be @('signup', 'newsletter', 'login-shop', 'login-form', 'checkout-login')
        }

        It 'sorts by sitekey with -SortBy Sitekey' {
            [string[]] $expected = $script:created.sitekey
            [System.Array]::Sort($expected, [System.StringComparer]::Ordinal)

            (Get-TurnstileWidget -SortBy Sitekey).Sitekey | Should -Be $expected
        }
    }

    Context 'ByName parameter set' {
        It 'matches the whole name against <Pattern>, case-insensitively' -ForEach @(
            @{ Pattern = 'login*'; Expected = @('login-form', 'login-shop') }
            @{ Pattern = '*LOGIN'; Expected = @('checkout-login') }
            @{ Pattern = 'l?gin-*'; Expected = @('login-form', 'login-shop') }
            @{ Pattern = 'signup'; Expected = @('signup') }
            @{ Pattern = '*'; Expected = @('checkout-login', 'login-form', 'login-shop', 'newsletter', 'signup') }
            @{ Pattern = 'login-[fs]*'; Expected = @('login-form', 'login-shop') }
        ) {
            @(Get-TurnstileWidget -Name $Pattern).Name | Sort-Object | Should -Be $Expected
        }

        It 'writes nothing and no error when no name matches' {
            $widgets = Get-TurnstileWidget -Name 'no-such-widget*' -ErrorVariable problems

            $widgets | Should -BeNullOrEmpty
            $problems | Should -BeNullOrEmpty
        }

        It 'combines -Name with -SortBy and -Descending' {
            (Get-TurnstileWidget -Name '*login*' -SortBy Name -Descending).Name |
                Should -Be @('login-shop', 'login-form', 'checkout-login')
        }
    }

    Context 'Paging' {
        It 'returns only the first widgets with -First' {
            (Get-TurnstileWidget -SortBy Name -First 2).Name | Should -Be @('checkout-login', 'login-form')
        }

        It 'skips widgets with -Skip' {
            (Get-TurnstileWidget -SortBy Name -Skip 3).Name | Should -Be @('newsletter', 'signup')
        }

        It 'combines -Skip and -First' {
            (Get-TurnstileWidget -SortBy Name -Skip 1 -First 2).Name | Should -Be @('login-form', 'login-shop')
        }

        It 'writes the total count first with -IncludeTotalCount' {
            $output = @(Get-TurnstileWidget -SortBy Name -First 1 -IncludeTotalCount)

            $output.Count | Should -Be 2
            [uint64]$output[0].PSObject.BaseObject | Should -Be ([uint64]$script:names.Count)
            $output[1].Name | Should -Be 'checkout-login'
        }
    }

    Context 'BySitekey parameter set' {
        It 'takes the sitekey by position and returns the widget with its secret as a SecureString' {
            $expected = $script:byName['signup']

            $widget = Get-TurnstileWidget $expected.sitekey

            $widget.Name | Should -Be 'signup'
            $widget.Secret | Should -BeOfType ([System.Security.SecureString])
            ConvertFrom-TurnstileTestSecureString -SecureString $widget.Secret | Should -Be $expected.secret
            $widget.PlainTextSecret | Should -BeNullOrEmpty
        }

        It 'fills PlainTextSecret with -AsPlainText' {
            $expected = $script:byName['newsletter']

            $widget = Get-TurnstileWidget -Sitekey $expected.sitekey -AsPlainText

            $widget.PlainTextSecret | Should -Be $expected.secret
            ConvertFrom-TurnstileTestSecureString -SecureString $widget.Secret | Should -Be $expected.secret
        }

        It 'takes several sitekeys from the pipeline by value' {
            $sitekeys = @($script:byName['signup'].sitekey, $script:byName['login-form'].sitekey)

            $widgets = @($sitekeys | Get-TurnstileWidget)

            @($widgets.Name) | Should -Be @('signup', 'login-form')
            $widgets | ForEach-Object { $_.Secret | Should -Not -BeNullOrEmpty }
        }

        It 'takes the sitekey from the pipeline by property name' {
            $rows = @(
                [pscustomobject]@{ Sitekey = $script:byName['checkout-login'].sitekey; Note = 'from a CSV file' }
                [pscustomobject]@{ Sitekey = $script:byName['newsletter'].sitekey; Note = 'from a CSV file' }
            )

            @($rows | Get-TurnstileWidget).Name | Should -Be @('checkout-login', 'newsletter')
        }

        It 'reads listed widgets again in full when they are piped back in' {
            $widgets = @(Get-TurnstileWidget -Filter 'name:login' | Get-TurnstileWidget)

            $widgets.Count | Should -Be 3
            $widgets | ForEach-Object {
                ConvertFrom-TurnstileTestSecureString -SecureString $_.Secret | Should -Be $script:byName[$_.Name].secret
            }
        }

        It 'writes a non-terminating TurnstileWidgetNotFound and goes on with the other sitekeys' {
            $sitekeys = @($script:missingSitekey, $script:byName['signup'].sitekey)

            $widgets = @(Get-TurnstileWidget -Sitekey $sitekeys -ErrorVariable problems -ErrorAction SilentlyContinue)

            $widgets.Count | Should -Be 1
            $widgets[0].Name | Should -Be 'signup'
            $problems.Count | Should -Be 1
            $problems[0].FullyQualifiedErrorId | Should -BeLike 'TurnstileWidgetNotFound,*'
            $problems[0].CategoryInfo.Category | Should -Be ([System.Management.Automation.ErrorCategory]::ObjectNotFound)
            $problems[0].TargetObject | Should -Be $script:missingSitekey
        }
    }
}
