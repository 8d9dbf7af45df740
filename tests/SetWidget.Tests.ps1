Set-StrictMode -Version Latest

BeforeAll {
    $script:emulator = $null
    Import-Module -Name (Join-Path -Path $PSScriptRoot -ChildPath 'TestHelpers/TurnstileTestHelpers.psm1') -Force
    $script:emulator = Start-TurnstileTestSession

    function Get-StoredWidget {
        [CmdletBinding()]
        param([Parameter(Mandatory)] [string] $Sitekey)
        Get-TurnstileEmulatorWidget -Emulator $script:emulator | Where-Object -Property sitekey -EQ -Value $Sitekey
    }
}

AfterAll {
    Stop-TurnstileTestSession -Emulator $script:emulator
}

Describe 'Set-TurnstileWidget' {
    BeforeEach {
        Reset-TurnstileEmulator -Emulator $script:emulator
        $widgetParameters = @{
            Emulator       = $script:emulator
            Name           = 'shop'
            Domain         = @('a.example.com', 'b.example.com')
            Mode           = 'invisible'
            ClearanceLevel = 'interactive'
            BotFightMode   = $true
        }
        $script:shop = Add-TurnstileEmulatorWidget @widgetParameters
        $script:blog = Add-TurnstileEmulatorWidget -Emulator $script:emulator -Name 'blog' -Domain 'blog.example.com' -Mode 'non-interactive'
        $script:news = Add-TurnstileEmulatorWidget -Emulator $script:emulator -Name 'news' -Domain 'news.example.com' -Mode 'invisible'
    }

    Context 'Partial updates' {
        It 'changes only the name and keeps every other setting' {
            Set-TurnstileWidget -Sitekey $script:shop.sitekey -Name 'shop renamed' -Confirm:$false

            $stored = Get-StoredWidget -Sitekey $script:shop.sitekey
            $stored.name | Should -Be 'shop renamed'
            $stored.domains | Should -Be @('a.example.com', 'b.example.com')
            $stored.mode | Should -Be 'invisible'
            $stored.clearance_level | Should -Be 'interactive'
            $stored.bot_fight_mode | Should -BeTrue
            $stored.region | Should -Be 'world'
        }

        It 'takes the sitekey by position' {
            Set-TurnstileWidget $script:blog.sitekey -Mode 'managed' -Confirm:$false

            (Get-StoredWidget -Sitekey $script:blog.sitekey).mode | Should -Be 'managed'
        }

        It 'turns a switch setting off with -BotFightMode:$false and leaves the others' {
            Set-TurnstileWidget -Sitekey $script:shop.sitekey -BotFightMode:$false -Confirm:$false

            $stored = Get-StoredWidget -Sitekey $script:shop.sitekey
            $stored.bot_fight_mode | Should -BeFalse
            $stored.mode | Should -Be 'invisible'
        }

        It 'replaces every domain with -Domain' {
            Set-TurnstileWidget -Sitekey $script:shop.sitekey -Domain 'c.example.com' -Confirm:$false

            (Get-StoredWidget -Sitekey $script:shop.sitekey).domains | Should -Be @('c.example.com')
        }

        It 'adds and removes domains with -AddDomain and -RemoveDomain' {
            Set-TurnstileWidget -Sitekey $script:shop.sitekey -AddDomain 'c.example.com' -RemoveDomain 'a.example.com' -Confirm:$false

            @((Get-StoredWidget -Sitekey $script:shop.sitekey).domains | Sort-Object) | Should -Be @('b.example.com', 'c.example.com')
        }

        It 'refuses -Domain together with -AddDomain before any update' {
            $before = Get-TurnstileEmulatorStatistic -Emulator $script:emulator

            Set-TurnstileWidget -Sitekey $script:shop.sitekey -Domain 'c.example.com' -AddDomain 'd.example.com' -Confirm:$false -ErrorVariable problems -ErrorAction SilentlyContinue

            $problems.Count | Should -Be 1
            $problems[0].FullyQualifiedErrorId | Should -BeLike 'TurnstileValidationFailed,*'
            $problems[0].CategoryInfo.Category | Should -Be ([System.Management.Automation.ErrorCategory]::InvalidArgument)
            (Get-TurnstileEmulatorStatistic -Emulator $script:emulator).update_requests | Should -Be $before.update_requests
            (Get-StoredWidget -Sitekey $script:shop.sitekey).domains | Should -Be @('a.example.com', 'b.example.com')
        }

        It 'sends no update when nothing would change, and says so in a verbose message' {
            $before = Get-TurnstileEmulatorStatistic -Emulator $script:emulator

            $verbose = @(Set-TurnstileWidget -Sitekey $script:shop.sitekey -Mode 'invisible' -Confirm:$false -Verbose 4>&1 |
                    Where-Object { $_ -is [System.Management.Automation.VerboseRecord] })

            (Get-TurnstileEmulatorStatistic -Emulator $script:emulator).update_requests | Should -Be $before.update_requests
            ($verbose.Message -join "`n") | Should -Match '(?i)nothing to change'
        }
    }

    Context 'Region' {
        It 'refuses a region change with TurnstileRegionChangeRefused before any update' {
            $before = Get-TurnstileEmulatorStatistic -Emulator $script:emulator

            Set-TurnstileWidget -Sitekey $script:shop.sitekey -Region 'china' -Confirm:$false -ErrorVariable problems -ErrorAction SilentlyContinue

            $problems.Count | Should -Be 1
            $problems[0].FullyQualifiedErrorId | Should -BeLike 'TurnstileRegionChangeRefused,*'
            $problems[0].CategoryInfo.Category | Should -Be ([System.Management.Automation.ErrorCategory]::InvalidArgument)
            $problems[0].TargetObject | Should -Be $script:shop.sitekey
            (Get-TurnstileEmulatorStatistic -Emulator $script:emulator).update_requests | Should -Be $before.update_requests
            (Get-StoredWidget -Sitekey $script:shop.sitekey).region | Should -Be 'world'
        }

        It 'accepts the current region as no change' {
            Set-TurnstileWidget -Sitekey $script:shop.sitekey -Region 'world' -Name 'same region' -Confirm:$false -ErrorVariable problems

            $problems | Should -BeNullOrEmpty
            (Get-StoredWidget -Sitekey $script:shop.sitekey).name | Should -Be 'same region'
        }
    }

    Context 'Output' {
        It 'writes nothing by default' {
            Set-TurnstileWidget -Sitekey $script:shop.sitekey -Name 'quiet' -Confirm:$false | Should -BeNullOrEmpty
        }

        It 'returns the changed widget with -PassThru' {
            $widget = Set-TurnstileWidget -Sitekey $script:shop.sitekey -Mode 'managed' -PassThru -Confirm:$false

            $widget.GetType().FullName | Should -Be 'TurnstileWidgets.TurnstileWidget'
            $widget.Sitekey | Should -Be $script:shop.sitekey
            $widget.Mode | Should -Be 'managed'
            $widget.Name | Should -Be 'shop'
        }
    }

    Context 'Pipeline input' {
        It 'changes every widget with Get-TurnstileWidget | Set-TurnstileWidget -Mode managed' {
            Get-TurnstileWidget | Set-TurnstileWidget -Mode 'managed' -Confirm:$false

            $stored = @(Get-TurnstileEmulatorWidget -Emulator $script:emulator)
            $stored.Count | Should -Be 3
            $stored | ForEach-Object { $_.mode | Should -Be 'managed' }
            (Get-StoredWidget -Sitekey $script:shop.sitekey).bot_fight_mode | Should -BeTrue
        }

        It 'binds objects with a Sitekey property by property name' {
            $rows = @(
                [pscustomobject]@{ Sitekey = $script:blog.sitekey }
                [pscustomobject]@{ Sitekey = $script:news.sitekey }
            )

            $rows | Set-TurnstileWidget -ClearanceLevel 'jschallenge' -Confirm:$false

            (Get-StoredWidget -Sitekey $script:blog.sitekey).clearance_level | Should -Be 'jschallenge'
            (Get-StoredWidget -Sitekey $script:news.sitekey).clearance_level | Should -Be 'jschallenge'
            (Get-StoredWidget -Sitekey $script:shop.sitekey).clearance_level | Should -Be 'interactive'
        }

        It 'writes a non-terminating TurnstileWidgetNotFound and goes on with the other widgets' {
            $rows = @(
                [pscustomobject]@{ Sitekey = '0x4AAAAAAAMissingWidget0' }
                [pscustomobject]@{ Sitekey = $script:news.sitekey }
            )

            $rows | Set-TurnstileWidget -Mode 'managed' -Confirm:$false -ErrorVariable problems -ErrorAction SilentlyContinue

            $problems.Count | Should -Be 1
            $problems[0].FullyQualifiedErrorId | Should -BeLike 'TurnstileWidgetNotFound,*'
            $problems[0].TargetObject | Should -Be '0x4AAAAAAAMissingWidget0'
            (Get-StoredWidget -Sitekey $script:news.sitekey).mode | Should -Be 'managed'
        }
    }

    Context 'ShouldProcess' {
        It 'changes nothing with -WhatIf' {
            Get-TurnstileWidget | Set-TurnstileWidget -Mode 'managed' -Name 'what if' -WhatIf

            (Get-TurnstileEmulatorStatistic -Emulator $script:emulator).update_requests | Should -Be 0
            (Get-StoredWidget -Sitekey $script:shop.sitekey).name | Should -Be 'shop'
        }
    }
}
