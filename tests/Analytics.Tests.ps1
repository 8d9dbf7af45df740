Set-StrictMode -Version Latest

BeforeAll {
    $script:emulator = $null
    Import-Module -Name (Join-Path -Path $PSScriptRoot -ChildPath 'TestHelpers/TurnstileTestHelpers.psm1') -Force
    $script:emulator = Start-TurnstileTestSession

    function Send-ControlRequest {
        # A POST to one of the emulator's control endpoints (the helper module does not export its own).
        [CmdletBinding()]
        param([Parameter(Mandatory)] [string] $Path, [Parameter(Mandatory)] [object] $Body)
        $uri = $script:emulator.ControlUri.AbsoluteUri.TrimEnd('/') + '/' + $Path
        Invoke-RestMethod -Method Post -Uri $uri -ContentType 'application/json' -Body (ConvertTo-Json -InputObject $Body -Depth 10 -Compress) -ErrorAction Stop
    }

    function Add-TestEvent {
        # Records events through the emulator's control endpoint: one entry per (sitekey, type, days ago, count).
        [CmdletBinding()]
        param(
            [Parameter(Mandatory)] [string] $Sitekey,
            [Parameter(Mandatory)] [string] $EventType,
            [Parameter(Mandatory)] [int] $DaysAgo,
            [Parameter()] [int] $Count = 1,
            [Parameter()] [string] $Country = 'DE',
            [Parameter()] [string] $Hostname = 'example.com',
            [Parameter()] [string] $Action = 'login'
        )
        $at = [datetime]::UtcNow.Date.AddDays(-$DaysAgo).AddHours(10).ToString('yyyy-MM-ddTHH:mm:ssZ', [cultureinfo]::InvariantCulture)
        $body = @{ events = @(@{ sitekey = $Sitekey; event_type = $EventType; count = $Count; datetime = $at; country_code = $Country; hostname = $Hostname; action = $Action }) }
        $null = Send-ControlRequest -Path 'events' -Body $body
    }

    function Get-GraphQlRequestCount {
        [CmdletBinding()]
        param()
        $stats = Get-TurnstileEmulatorStatistic -Emulator $script:emulator
        [int]$stats.graphql_requests
    }

    function Initialize-SeededAccount {
        # busy: used on two days; quiet: only siteverify failures three days ago; idle-1/idle-2: nothing.
        [CmdletBinding()]
        param()
        $widgets = Initialize-TurnstileEmulatorWidget -Emulator $script:emulator -Name 'busy', 'quiet', 'idle-1', 'idle-2'
        Add-TestEvent -Sitekey $widgets['busy'].sitekey -EventType challenge_issued -DaysAgo 1 -Count 10
        Add-TestEvent -Sitekey $widgets['busy'].sitekey -EventType challenge_issued -DaysAgo 2 -Count 5 -Country 'FR'
        Add-TestEvent -Sitekey $widgets['busy'].sitekey -EventType challenge_non_interactive_solved -DaysAgo 1 -Count 6
        Add-TestEvent -Sitekey $widgets['busy'].sitekey -EventType challenge_interactive_solved -DaysAgo 2 -Count 3
        Add-TestEvent -Sitekey $widgets['busy'].sitekey -EventType challenge_non_interactive_siteverify_solved -DaysAgo 1 -Count 7
        Add-TestEvent -Sitekey $widgets['busy'].sitekey -EventType challenge_siteverify_failed_double_redemption -DaysAgo 1 -Count 2
        Add-TestEvent -Sitekey $widgets['busy'].sitekey -EventType challenge_some_future_type -DaysAgo 1 -Count 4
        Add-TestEvent -Sitekey $widgets['quiet'].sitekey -EventType challenge_siteverify_failed_invalid_token -DaysAgo 3 -Count 1
        $widgets
    }
}

AfterAll {
    Stop-TurnstileTestSession -Emulator $script:emulator
}

Describe 'Get-TurnstileAnalytics' {
    BeforeEach {
        $script:widgets = Initialize-SeededAccount
    }

    It 'gives one row per piped widget, with the totals of the seeded events and zeros for idle widgets' {
        $rows = @(Get-TurnstileWidget | Get-TurnstileAnalytics)

        $rows.Count | Should -Be 4
        $rows | ForEach-Object { $_.GetType().FullName | Should -Be 'TurnstileWidgets.TurnstileWidgetAnalytics' }
        $busy = $rows | Where-Object Name -eq 'busy'
        $busy.Sitekey | Should -Be $script:widgets['busy'].sitekey
        $busy.Issued | Should -Be 15
        $busy.Solved | Should -Be 9
        $busy.SiteverifySucceeded | Should -Be 7
        $busy.SiteverifyFailed | Should -Be 2
        $busy.SolveRate | Should -Be 0.6
        $busy.EventCounts['challenge_some_future_type'] | Should -Be 4
        $busy.EventCounts['challenge_issued'] | Should -Be 15
        $quiet = $rows | Where-Object Name -eq 'quiet'
        $quiet.Issued | Should -Be 0
        $quiet.SiteverifyFailed | Should -Be 1
        foreach ($idle in @($rows | Where-Object Name -like 'idle-*')) {
            $idle.Issued | Should -Be 0
            $idle.Solved | Should -Be 0
            $idle.SiteverifySucceeded | Should -Be 0
            $idle.SiteverifyFailed | Should -Be 0
            $idle.SolveRate | Should -Be 0
            $idle.EventCounts.Count | Should -Be 0
        }
    }

    It 'covers every widget of the account when given none, and says the range' {
        $until = [datetime]::UtcNow
        $rows = @(Get-TurnstileAnalytics -Since $until.AddDays(-2.5) -Until $until)

        @($rows.Name | Sort-Object) | Should -Be @('busy', 'idle-1', 'idle-2', 'quiet')
        ($rows | Where-Object Name -eq 'busy').Issued | Should -Be 15
        ($rows | Where-Object Name -eq 'quiet').SiteverifyFailed | Should -Be 0
        $rows[0].Until.UtcDateTime | Should -Be $until
        ($rows[0].Until - $rows[0].Since).TotalDays | Should -Be 2.5
    }

    It 'counts nothing, and not the whole account, when the pipeline brings no widget' {
        $before = Get-GraphQlRequestCount

        $rows = @(Get-TurnstileWidget -Name 'no-such-widget*' | Get-TurnstileAnalytics)
        $none = @(@() | Get-TurnstileAnalytics)

        $rows.Count | Should -Be 0
        $none.Count | Should -Be 0
        Get-GraphQlRequestCount | Should -Be $before
    }

    It 'defaults to the last 7 days' {
        $row = Get-TurnstileAnalytics -Sitekey $script:widgets['busy'].sitekey

        ($row.Until - $row.Since).TotalDays | Should -Be 7
        ([datetimeoffset]::Now - $row.Until).TotalMinutes | Should -BeLessThan 5
    }

    It 'takes -Sitekey and objects with a Sitekey property, and names them from one listing' {
        $rows = @([pscustomobject]@{ Sitekey = $script:widgets['busy'].sitekey }, [pscustomobject]@{ Sitekey = $script:widgets['idle-1'].sitekey } | Get-TurnstileAnalytics)

        $rows.Name | Should -Be @('busy', 'idle-1')
        $rows[0].Issued | Should -Be 15
    }

    It 'gives a row with no name and a warning for a sitekey the account does not have' {
        $rows = @(Get-TurnstileAnalytics -Sitekey '0x4AAAAAAAGoneWidget00000' -WarningVariable warnings -WarningAction SilentlyContinue)

        $rows.Count | Should -Be 1
        $rows[0].Name | Should -Be ''
        $rows[0].Issued | Should -Be 0
        "$warnings" | Should -Match '0x4AAAAAAAGoneWidget00000'
    }

    Context '-GroupBy' {
        It 'splits by day, one row per day with events' {
            $rows = @(Get-TurnstileAnalytics -Sitekey $script:widgets['busy'].sitekey -GroupBy Day)

            $rows.Count | Should -Be 2
            $day1 = [datetime]::UtcNow.Date.AddDays(-1).ToString('yyyy-MM-dd', [cultureinfo]::InvariantCulture)
            $day2 = [datetime]::UtcNow.Date.AddDays(-2).ToString('yyyy-MM-dd', [cultureinfo]::InvariantCulture)
            $rows.Group | Should -Be @($day2, $day1)
            ($rows | Where-Object Group -eq $day1).Issued | Should -Be 10
            ($rows | Where-Object Group -eq $day2).Solved | Should -Be 3
            $rows | ForEach-Object { $_.GroupBy | Should -Be 'Day' }
        }

        It 'splits by country and keeps a row of zeros for an idle widget' {
            $rows = @(Get-TurnstileAnalytics -Sitekey $script:widgets['busy'].sitekey, $script:widgets['idle-2'].sitekey -GroupBy Country)

            ($rows | Where-Object Group -eq 'DE').Issued | Should -Be 10
            ($rows | Where-Object Group -eq 'FR').Issued | Should -Be 5
            $idle = @($rows | Where-Object Name -eq 'idle-2')
            $idle.Count | Should -Be 1
            $idle[0].Group | Should -BeNullOrEmpty
            $idle[0].Issued | Should -Be 0
        }

        It 'splits by hour, hostname and action' {
            (@(Get-TurnstileAnalytics -Sitekey $script:widgets['busy'].sitekey -GroupBy Hour)).Count | Should -Be 2
            (Get-TurnstileAnalytics -Sitekey $script:widgets['busy'].sitekey -GroupBy Hostname).Group | Should -Be 'example.com'
            (Get-TurnstileAnalytics -Sitekey $script:widgets['busy'].sitekey -GroupBy Action).Group | Should -Be 'login'
        }
    }

    Context 'range errors' {
        It 'refuses -Until before -Since before sending anything' {
            $before = Get-GraphQlRequestCount
            { Get-TurnstileAnalytics -Since (Get-Date) -Until (Get-Date).AddDays(-1) -ErrorAction Stop } |
                Should -Throw -ErrorId 'TurnstileAnalyticsRangeInvalid,TurnstileWidgets.Commands.GetTurnstileAnalyticsCommand'
            Get-GraphQlRequestCount | Should -Be $before
        }

        It 'says the allowed range when -Since to -Until is wider than the settings allow, before any data query' {
            $before = Get-GraphQlRequestCount
            $failure = { Get-TurnstileAnalytics -Since (Get-Date).AddDays(-40) -ErrorAction Stop } |
                Should -Throw -ErrorId 'TurnstileAnalyticsRangeTooLarge,TurnstileWidgets.Commands.GetTurnstileAnalyticsCommand' -PassThru
            $failure.CategoryInfo.Category | Should -Be 'InvalidArgument'
            $failure.ErrorDetails.Message | Should -Match '-Since .* spans 40 days; .* at most 31 days'
            # The settings query only.
            (Get-GraphQlRequestCount) - $before | Should -Be 1
        }

        It 'says how far back the data goes when -Since is older than the API keeps' {
            $failure = { Get-TurnstileAnalytics -Since (Get-Date).AddDays(-100) -Until (Get-Date).AddDays(-95) -ErrorAction Stop } |
                Should -Throw -ErrorId 'TurnstileAnalyticsDataTooOld,TurnstileWidgets.Commands.GetTurnstileAnalyticsCommand' -PassThru
            $failure.ErrorDetails.Message | Should -Match 'the last 90 days'
            # Every module error is a TurnstileCommandException (issue 17); the engine's classified exception is inside it.
            $failure.Exception | Should -BeOfType ([TurnstileWidgets.TurnstileCommandException])
            $failure.Exception.InnerException.Kind | Should -Be 'DataTooOld'
        }
    }

    It 'shows the default table in at most 80 columns' {
        $lines = (Get-TurnstileWidget | Get-TurnstileAnalytics -GroupBy Hour | Format-Table | Out-String -Width 200) -split "`r?`n"

        $lines | Where-Object { $_.TrimEnd().Length -gt 80 } | Should -BeNullOrEmpty
        ($lines -join "`n") | Should -Match 'Sitekey\s+Name\s+Group\s+Issued\s+Solved\s+Verified\s+Failed'
    }
}

Describe 'The clean-up runbook' {
    It 'removes exactly the widgets with no challenge issued in 30 days' {
        $widgets = Initialize-SeededAccount
        $statsBefore = Get-TurnstileEmulatorStatistic -Emulator $script:emulator

        $output = Get-TurnstileWidget | Get-TurnstileAnalytics -Since (Get-Date).AddDays(-30) | Where-Object Issued -eq 0 | Remove-TurnstileWidget -Confirm:$false -PassThru

        @($output.Name | Sort-Object) | Should -Be @('idle-1', 'idle-2', 'quiet')
        @(Get-TurnstileEmulatorWidget -Emulator $script:emulator | ForEach-Object -MemberName name) | Should -Be @('busy')
        $stats = Get-TurnstileEmulatorStatistic -Emulator $script:emulator
        $stats.delete_requests - $statsBefore.delete_requests | Should -Be 3
        $stats.graphql_requests - $statsBefore.graphql_requests | Should -Be 2
        $null = $widgets
    }

    It 'asks before each removal by default (ConfirmImpact High), and -WhatIf removes nothing' {
        $null = Initialize-SeededAccount

        Get-TurnstileWidget | Get-TurnstileAnalytics -Since (Get-Date).AddDays(-30) | Where-Object Issued -eq 0 | Remove-TurnstileWidget -WhatIf

        @(Get-TurnstileEmulatorWidget -Emulator $script:emulator).Count | Should -Be 4
    }
}

Describe '3,000 piped widgets' {
    It 'cost their listing pages and a few GraphQL queries, never one per widget' {
        Reset-TurnstileEmulator -Emulator $script:emulator
        $null = Send-ControlRequest -Path 'seed' -Body @{ count = 3000; name_prefix = 'bulk-' }
        $some = @(Get-TurnstileEmulatorWidget -Emulator $script:emulator | Select-Object -First 3)
        foreach ($widget in $some) {
            Add-TestEvent -Sitekey $widget.sitekey -EventType challenge_issued -DaysAgo 1 -Count 2
        }
        $before = Get-TurnstileEmulatorStatistic -Emulator $script:emulator

        $rows = @(Get-TurnstileWidget | Get-TurnstileAnalytics)

        $after = Get-TurnstileEmulatorStatistic -Emulator $script:emulator
        $rows.Count | Should -Be 3000
        @($rows | Where-Object Issued -gt 0).Count | Should -Be 3
        # 3 listing pages of 1,000; 1 settings query + 1 count query per 1,000 sitekeys.
        $after.list_requests - $before.list_requests | Should -Be 3
        $after.graphql_requests - $before.graphql_requests | Should -Be 4
    }
}
