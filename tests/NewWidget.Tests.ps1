Set-StrictMode -Version Latest

BeforeAll {
    $script:emulator = $null
    Import-Module -Name (Join-Path -Path $PSScriptRoot -ChildPath 'TestHelpers/TurnstileTestHelpers.psm1') -Force
    $script:emulator = Start-TurnstileTestSession
}

AfterAll {
    Stop-TurnstileTestSession -Emulator $script:emulator
}

Describe 'New-TurnstileWidget' {
    BeforeEach {
        Reset-TurnstileEmulator -Emulator $script:emulator
    }

    Context 'Parameters' {
        It 'creates a widget with every setting given' {
            $parameters = @{
                Name           = 'shop login'
                Domain         = @('shop.example.com', 'www.shop.example.com')
                Mode           = 'invisible'
                Region         = 'world'
                ClearanceLevel = 'interactive'
                BotFightMode   = $true
                EphemeralId    = $true
                Offlabel       = $true
                Confirm        = $false
            }

            $widget = New-TurnstileWidget @parameters

            $widget.GetType().FullName | Should -Be 'TurnstileWidgets.TurnstileWidget'
            $widget.Sitekey | Should -Not -BeNullOrEmpty
            $widget.Name | Should -Be 'shop login'
            $widget.Domains | Should -Be @('shop.example.com', 'www.shop.example.com')
            $widget.Mode | Should -Be 'invisible'
            $widget.ClearanceLevel | Should -Be 'interactive'
            $widget.BotFightMode | Should -BeTrue
            $widget.EphemeralId | Should -BeTrue
            $widget.Offlabel | Should -BeTrue
            $widget.AccountId | Should -Be $script:emulator.AccountId

            $stored = @(Get-TurnstileEmulatorWidget -Emulator $script:emulator)
            $stored.Count | Should -Be 1
            $stored[0].sitekey | Should -Be $widget.Sitekey
            $stored[0].mode | Should -Be 'invisible'
            $stored[0].bot_fight_mode | Should -BeTrue
        }

        It 'defaults to managed mode in the world region' {
            $widget = New-TurnstileWidget -Name 'defaults' -Domain 'example.com' -Confirm:$false

            $widget.Mode | Should -Be 'managed'
            $widget.Region | Should -Be 'world'
            $widget.BotFightMode | Should -BeFalse
        }

        It 'returns the new secret as a SecureString only' {
            $widget = New-TurnstileWidget -Name 'secret check' -Domain 'example.com' -Confirm:$false

            $widget.Secret | Should -BeOfType ([System.Security.SecureString])
            $widget.PlainTextSecret | Should -BeNullOrEmpty
            Test-TurnstileEmulatorSecret -Emulator $script:emulator -Secret $widget.Secret | Should -BeTrue
        }

        It 'also returns the secret as text with -AsPlainText' {
            $widget = New-TurnstileWidget -Name 'plain text' -Domain 'example.com' -AsPlainText -Confirm:$false

            $widget.PlainTextSecret | Should -Not -BeNullOrEmpty
            $widget.PlainTextSecret | Should -Be (ConvertFrom-TurnstileTestSecureString -SecureString $widget.Secret)
        }

        It 'accepts -Domains as an alias of -Domain' {
            (New-TurnstileWidget -Name 'alias' -Domains 'alias.example.com' -Confirm:$false).Domains |
                Should -Be @('alias.example.com')
        }
    }

    Context 'Pipeline input' {
        It 'creates one widget per Import-Csv row, reading true/false columns as switches' {
            $path = Join-Path -Path $TestDrive -ChildPath 'widgets.csv'
            @(
                'Name,Domain,Mode,BotFightMode,EphemeralId,Offlabel'
                'csv-shop,shop.example.com,managed,true,false,no'
                'csv-blog,blog.example.com,non-interactive,false,1,yes'
                'csv-news,news.example.com,invisible,0,0,0'
            ) | Set-Content -LiteralPath $path -Encoding utf8

            $widgets = @(Import-Csv -LiteralPath $path | New-TurnstileWidget -Confirm:$false)

            $widgets.Count | Should -Be 3
            $byName = @{}
            foreach ($stored in Get-TurnstileEmulatorWidget -Emulator $script:emulator) {
                $byName[$stored.name] = $stored
            }
            $byName.Count | Should -Be 3
            $byName['csv-shop'].mode | Should -Be 'managed'
            $byName['csv-shop'].bot_fight_mode | Should -BeTrue
            $byName['csv-shop'].ephemeral_id | Should -BeFalse
            $byName['csv-shop'].offlabel | Should -BeFalse
            $byName['csv-blog'].mode | Should -Be 'non-interactive'
            $byName['csv-blog'].bot_fight_mode | Should -BeFalse
            $byName['csv-blog'].ephemeral_id | Should -BeTrue
            $byName['csv-blog'].offlabel | Should -BeTrue
            $byName['csv-news'].mode | Should -Be 'invisible'
            $byName['csv-news'].bot_fight_mode | Should -BeFalse
            $byName['csv-news'].domains | Should -Be @('news.example.com')
        }

        It 'binds ConvertFrom-Json objects by property name, domains through the Domains alias' {
            $json = @'
[
  { "name": "json-login", "domains": ["login.example.com", "www.login.example.com"], "mode": "non-interactive", "botFightMode": true },
  { "name": "json-contact", "domains": ["contact.example.com"], "clearanceLevel": "jschallenge" }
]
'@

            $widgets = @($json | ConvertFrom-Json | New-TurnstileWidget -Confirm:$false)

            $widgets.Count | Should -Be 2
            $widgets[0].Name | Should -Be 'json-login'
            $widgets[0].Domains | Should -Be @('login.example.com', 'www.login.example.com')
            $widgets[0].Mode | Should -Be 'non-interactive'
            $widgets[0].BotFightMode | Should -BeTrue
            $widgets[1].Name | Should -Be 'json-contact'
            $widgets[1].Mode | Should -Be 'managed'
            $widgets[1].ClearanceLevel | Should -Be 'jschallenge'
        }

        It 'copies listed widgets, since a widget has the properties New-TurnstileWidget binds' {
            $null = Add-TurnstileEmulatorWidget -Emulator $script:emulator -Name 'original' -Domain 'copy.example.com' -Mode 'invisible'

            $copy = Get-TurnstileWidget | New-TurnstileWidget -Confirm:$false

            $copy.Name | Should -Be 'original'
            $copy.Mode | Should -Be 'invisible'
            $copy.Domains | Should -Be @('copy.example.com')
            @(Get-TurnstileEmulatorWidget -Emulator $script:emulator).Count | Should -Be 2
        }
    }

    Context 'Validation' {
        It 'refuses <Case> with TurnstileValidationFailed before sending any request' -ForEach @(
            @{ Case = 'a name longer than 254 characters'; Name = ('n' * 255); Domain = @('example.com') }
            @{ Case = 'a domain with a scheme and path'; Name = 'bad domain'; Domain = @('https://example.com/login') }
        ) {
            $before = Get-TurnstileEmulatorStatistic -Emulator $script:emulator

            $output = New-TurnstileWidget -Name $Name -Domain $Domain -Confirm:$false -ErrorVariable problems -ErrorAction SilentlyContinue

            $output | Should -BeNullOrEmpty
            $problems.Count | Should -Be 1
            $problems[0].FullyQualifiedErrorId | Should -BeLike 'TurnstileValidationFailed,*'
            $problems[0].CategoryInfo.Category | Should -Be ([System.Management.Automation.ErrorCategory]::InvalidArgument)
            $after = Get-TurnstileEmulatorStatistic -Emulator $script:emulator
            $after.create_requests | Should -Be $before.create_requests
        }

        It 'goes on with the other pipeline items after one is refused' {
            $rows = @(
                [pscustomobject]@{ Name = 'first'; Domain = 'first.example.com' }
                [pscustomobject]@{ Name = 'bad'; Domain = 'http://bad.example.com/' }
                [pscustomobject]@{ Name = 'third'; Domain = 'third.example.com' }
            )

            $widgets = @($rows | New-TurnstileWidget -Confirm:$false -ErrorVariable problems -ErrorAction SilentlyContinue)

            @($widgets.Name) | Should -Be @('first', 'third')
            $problems.Count | Should -Be 1
            $problems[0].FullyQualifiedErrorId | Should -BeLike 'TurnstileValidationFailed,*'
            @(Get-TurnstileEmulatorWidget -Emulator $script:emulator).Count | Should -Be 2
        }

        It 'stops at the first refused item with -ErrorAction Stop' {
            $rows = @(
                [pscustomobject]@{ Name = 'bad'; Domain = 'http://bad.example.com/' }
                [pscustomobject]@{ Name = 'second'; Domain = 'second.example.com' }
            )

            { $rows | New-TurnstileWidget -Confirm:$false -ErrorAction Stop } |
                Should -Throw -ErrorId 'TurnstileValidationFailed,*'

            Get-TurnstileEmulatorWidget -Emulator $script:emulator | Should -BeNullOrEmpty
        }
    }

    Context 'ShouldProcess' {
        It 'creates nothing with -WhatIf' {
            $output = New-TurnstileWidget -Name 'what if' -Domain 'example.com' -WhatIf

            $output | Should -BeNullOrEmpty
            (Get-TurnstileEmulatorStatistic -Emulator $script:emulator).create_requests | Should -Be 0
            Get-TurnstileEmulatorWidget -Emulator $script:emulator | Should -BeNullOrEmpty
        }

        It 'creates nothing from a pipeline with -WhatIf' {
            $rows = 1..3 | ForEach-Object { [pscustomobject]@{ Name = "what-if-$_"; Domain = 'example.com' } }

            $rows | New-TurnstileWidget -WhatIf | Should -BeNullOrEmpty

            (Get-TurnstileEmulatorStatistic -Emulator $script:emulator).create_requests | Should -Be 0
        }
    }
}
