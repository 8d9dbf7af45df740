Set-StrictMode -Version Latest

# A hostile tester's findings on issues 17 (the module as people use it) and 19 (analytics and siteverify), each one a
# test first. The emulator's control endpoints set up what a user cannot (a name another tool wrote, events, a
# siteverify that answers nonsense); what the user sees is read through Out-String at the widths they use.

BeforeAll {
    $script:emulator = $null
    Import-Module -Name (Join-Path -Path $PSScriptRoot -ChildPath 'TestHelpers/TurnstileTestHelpers.psm1') -Force
    $script:emulator = Start-TurnstileTestSession


    function Set-DriftedName {
        # The emulator's PATCH: the API holds a name another tool wrote (the module refuses to send one like it).
        param([string] $Sitekey, [string] $Name)
        $body = @{ name = $Name }
        $null = Invoke-TurnstileEmulatorControl -Emulator $script:emulator -Method Patch -Path "widgets/$Sitekey" -Body $body
    }

    function Test-ActsOnTerminal {
        # True when the text holds a character that would act rather than show: C0 controls other than line breaks, DEL,
        # C1 controls, and the bidirectional overrides and isolates.
        param([string] $Text)
        $Text -match "[\x00-\x09\x0B\x0C\x0E-\x1F\x7F-\x9F\u202A-\u202E\u2066-\u2069]"
    }

    $script:evilName = "e`e[2Jv`u{202E}il"
    $script:siteverifyUri = [uri]($script:emulator.ControlUri.GetLeftPart([System.UriPartial]::Authority) + '/turnstile/v0/siteverify')
    Connect-Turnstile -ApiBaseUri $script:emulator.BaseUri -ApiToken $script:emulator.ApiToken -AccountId $script:emulator.AccountId -SiteverifyUri $script:siteverifyUri -ErrorAction Stop
}

AfterAll {
    Stop-TurnstileTestSession -Emulator $script:emulator
}

Describe 'Text from the API in the analytics and secret-check views' {
    BeforeAll {
        $script:widgets = Initialize-TurnstileEmulatorWidget -Emulator $script:emulator -Name @('viewed')
        $script:sitekey = $script:widgets['viewed'].sitekey
        Set-DriftedName -Sitekey $script:sitekey -Name $script:evilName
        # A visitor's page sets the action: whatever it holds reaches the analytics rows.
        $events = @(
            @{ sitekey = $script:sitekey; event_type = 'challenge_issued'; count = 3; action = "sign`e[2Jup`u{202E}"; hostname = "h`e]0;x`a.example.com" }
        )
        $null = Invoke-TurnstileEmulatorControl -Emulator $script:emulator -Method Post -Path 'events' -Body @{ events = $events }
    }

    It 'shows the analytics <View> by <GroupBy> at <Width> columns without a character that acts on the terminal' -ForEach @(
        @{ View = 'table'; Width = 80; GroupBy = 'Action'; Render = { param($Rows, $Width) $Rows | Out-String -Width $Width } }
        @{ View = 'table'; Width = 120; GroupBy = 'Hostname'; Render = { param($Rows, $Width) $Rows | Out-String -Width $Width } }
        @{ View = 'list'; Width = 80; GroupBy = 'Action'; Render = { param($Rows, $Width) $Rows | Format-List | Out-String -Width $Width } }
        @{ View = 'list'; Width = 80; GroupBy = 'Hostname'; Render = { param($Rows, $Width) $Rows | Format-List | Out-String -Width $Width } }
    ) {
        $rows = @(Get-TurnstileWidget -Sitekey $script:sitekey | Get-TurnstileAnalytics -GroupBy $GroupBy)
        $rows.Count | Should -BeGreaterThan 0
        $shown = & $Render $rows $Width
        Test-ActsOnTerminal $shown | Should -BeFalse -Because "the view showed: $($shown -replace '\e', '<ESC>')"
        $shown | Should -BeLike "*e$([char]0x241B)``[2Jv*"
    }

    It 'shows a secret check at <Width> columns without a character that acts on the terminal' -ForEach @(
        @{ Width = 80 }
        @{ Width = 120 }
    ) {
        $check = Get-TurnstileWidget -Sitekey $script:sitekey | Test-TurnstileWidgetSecret
        $check.Accepted | Should -BeTrue
        $shown = $check | Out-String -Width $Width
        Test-ActsOnTerminal $shown | Should -BeFalse -Because "the view showed: $($shown -replace '\e', '<ESC>')"
        $shown | Should -BeLike "*e$([char]0x241B)``[2Jv*"
        $shown | Should -BeLike '*invalid-input-response*'
    }

    It 'keeps the values themselves as the API gave them (only the views change)' {
        $row = @(Get-TurnstileWidget -Sitekey $script:sitekey | Get-TurnstileAnalytics -GroupBy Action) | Where-Object Issued -GT 0
        $row.Name | Should -BeExactly $script:evilName
        $row.Group | Should -BeExactly "sign`e[2Jup`u{202E}"
    }
}

Describe 'Test-TurnstileWidgetSecret when siteverify is not where the connection points' {
    BeforeAll {
        $script:widgets = Initialize-TurnstileEmulatorWidget -Emulator $script:emulator -Name @('probe')
        $script:sitekey = $script:widgets['probe'].sitekey
        $script:secret = ConvertTo-TurnstileTestSecureString -Text 'not-the-secret-but-never-shown-0123456789'
        # A port that refuses: the OS gives a free one, which is closed again before use.
        $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $listener.Start()
        $script:closedPort = ([System.Net.IPEndPoint]$listener.LocalEndpoint).Port
        $listener.Stop()
    }

    AfterEach {
        Disconnect-Turnstile -Name 'elsewhere'
    }

    It 'names -SiteverifyUri, not -ApiBaseUri, when <Case>' -ForEach @(
        @{ Case = 'nothing listens there'; Id = 'TurnstileConnectionFailed'; Uri = { "http://127.0.0.1:$script:closedPort/turnstile/v0/siteverify" } }
        @{ Case = 'something else answers there (JSON that is not siteverify''s)'; Id = 'TurnstileApiError'; Uri = { $script:emulator.BaseUri.AbsoluteUri.TrimEnd('/') + '/graphql' } }
    ) {
        $connection = Connect-Turnstile -Name 'elsewhere' -ApiBaseUri $script:emulator.BaseUri -ApiToken $script:emulator.ApiToken -AccountId $script:emulator.AccountId -SiteverifyUri (& $Uri) -PassThru -ErrorAction Stop
        Test-TurnstileWidgetSecret -Sitekey $script:sitekey -Secret $script:secret -Connection $connection -ErrorVariable failed -ErrorAction SilentlyContinue
        $failed.Count | Should -Be 1
        $failed[0].FullyQualifiedErrorId | Should -BeLike "$Id,*"
        $failed[0].ErrorDetails.RecommendedAction | Should -BeLike '*-SiteverifyUri*'
        $failed[0].ErrorDetails.RecommendedAction | Should -Not -BeLike '*-ApiBaseUri*'
        $failed[0].ErrorDetails.RecommendedAction | Should -Not -BeLike "*Cloudflare's message*"
        "$($failed[0]) $($failed[0].Exception.Message)" | Should -Not -BeLike '*may have reached the API and taken effect*'
    }

    It 'shows the siteverify URL with the connection it belongs to' {
        $uri = "http://127.0.0.1:$script:closedPort/turnstile/v0/siteverify"
        $null = Connect-Turnstile -Name 'elsewhere' -ApiBaseUri $script:emulator.BaseUri -ApiToken $script:emulator.ApiToken -AccountId $script:emulator.AccountId -SiteverifyUri $uri -ErrorAction Stop
        (Get-TurnstileConnection -Name 'elsewhere' | Format-List | Out-String -Width 120) | Should -BeLike "*SiteverifyUri*$uri*"
    }

    It 'says that -Secret is empty, not that the widget came from a listing' {
        $connection = Connect-Turnstile -Name 'elsewhere' -ApiBaseUri $script:emulator.BaseUri -ApiToken $script:emulator.ApiToken -AccountId $script:emulator.AccountId -SiteverifyUri $script:siteverifyUri -PassThru -ErrorAction Stop
        Test-TurnstileWidgetSecret -Sitekey $script:sitekey -Secret ([securestring]::new()) -Connection $connection -ErrorVariable failed -ErrorAction SilentlyContinue
        $failed.Count | Should -Be 1
        $failed[0].FullyQualifiedErrorId | Should -BeLike 'TurnstileSecretMissing,*'
        $failed[0].Exception.Message | Should -BeLike '*-Secret*'
        $failed[0].Exception.Message | Should -Not -BeLike '*listing*'
    }
}

Describe 'An exported file of an account whose API holds a name with a control character' {
    BeforeEach {
        $script:widgets = Initialize-TurnstileEmulatorWidget -Emulator $script:emulator -Name @('plain', 'drifted')
        $script:sitekey = $script:widgets['drifted'].sitekey
        Set-DriftedName -Sitekey $script:sitekey -Name $script:evilName
        $script:path = Join-Path -Path $TestDrive -ChildPath 'widgets.json'
        Export-TurnstileWidget -Path $script:path
    }

    It 'compares to nothing to do, and a Sync of it writes nothing' {
        $plan = @(Compare-TurnstileWidget -Path $script:path -ErrorVariable failed -ErrorAction SilentlyContinue)
        $failed.Count | Should -Be 0
        $plan.Count | Should -Be 0
        $before = Get-TurnstileEmulatorStatistic -Emulator $script:emulator
        Sync-TurnstileWidget -Path $script:path -Confirm:$false -ErrorVariable syncFailed -ErrorAction SilentlyContinue
        $syncFailed.Count | Should -Be 0
        $after = Get-TurnstileEmulatorStatistic -Emulator $script:emulator
        $after.update_requests - $before.update_requests | Should -Be 0
    }

    It 'applies another change of that widget, keeping the name it holds' {
        $entries = @(Get-Content -LiteralPath $script:path -Raw | ConvertFrom-Json)
        ($entries | Where-Object Sitekey -EQ $script:sitekey).Mode = 'invisible'
        ConvertTo-Json -InputObject $entries -Depth 5 | Set-Content -LiteralPath $script:path
        Sync-TurnstileWidget -Path $script:path -Confirm:$false -ErrorAction Stop
        $widget = Get-TurnstileWidget -Sitekey $script:sitekey
        $widget.Mode | Should -Be 'invisible'
        $widget.Name | Should -BeExactly $script:evilName
    }

    It 'still refuses to give that widget another name with a control character' {
        $entries = @(Get-Content -LiteralPath $script:path -Raw | ConvertFrom-Json)
        ($entries | Where-Object Sitekey -EQ $script:sitekey).Name = "other`e[31m"
        ConvertTo-Json -InputObject $entries -Depth 5 | Set-Content -LiteralPath $script:path
        $before = Get-TurnstileEmulatorStatistic -Emulator $script:emulator
        Sync-TurnstileWidget -Path $script:path -Confirm:$false -ErrorVariable failed -ErrorAction SilentlyContinue
        @($failed | Where-Object { "$_" -like '*control character*' }).Count | Should -BeGreaterThan 0
        $after = Get-TurnstileEmulatorStatistic -Emulator $script:emulator
        $after.update_requests - $before.update_requests | Should -Be 0
    }
}

Describe 'Get-TurnstileAnalytics -Sitekey with a value that cannot be a sitekey' {
    It 'is refused before anything is read, without a warning that the account has no such widget' {
        $null = Initialize-TurnstileEmulatorWidget -Emulator $script:emulator -Name @('counted')
        $before = Get-TurnstileEmulatorStatistic -Emulator $script:emulator
        # Terminating, like the command's other refusals of its parameters (a range, a budget).
        $failed = $null
        try {
            $null = Get-TurnstileAnalytics -Sitekey 'not a key' -WarningVariable warned -WarningAction SilentlyContinue -ErrorAction Stop
        }
        catch [TurnstileWidgets.TurnstileCommandException] {
            $failed = $_
        }
        $after = Get-TurnstileEmulatorStatistic -Emulator $script:emulator
        $failed | Should -Not -BeNullOrEmpty
        $failed.FullyQualifiedErrorId | Should -BeLike 'TurnstileValidationFailed,*'
        $failed.Exception.Message | Should -BeLike '-Sitekey*'
        $warned.Count | Should -Be 0
        $after.total_requests - $before.total_requests | Should -Be 0
    }
}

Describe 'Get-TurnstileWidget | Export-Csv, then Import-Csv | Compare-/Sync-TurnstileWidget' {
    BeforeEach {
        $script:widgets = Initialize-TurnstileEmulatorWidget -Emulator $script:emulator -Name @('csv-one', 'csv-two')
        $script:csv = Join-Path -Path $TestDrive -ChildPath 'widgets.csv'
        Get-TurnstileWidget | Export-Csv -LiteralPath $script:csv
    }

    It 'reads the exported rows, whose CreatedOn, ModifiedOn, AccountId and other reported columns are not settings' {
        $plan = @(Import-Csv -LiteralPath $script:csv | Compare-TurnstileWidget -ErrorVariable failed -ErrorAction SilentlyContinue)
        $failed.Count | Should -Be 0
        $plan.Count | Should -Be 0
    }

    It 'applies an edited row and nothing else' {
        $rows = @(Import-Csv -LiteralPath $script:csv)
        ($rows | Where-Object Name -EQ 'csv-two').Mode = 'invisible'
        ($rows | Where-Object Name -EQ 'csv-two').Domains = 'csv-two.example.com;www.csv-two.example.com'
        $rows | Export-Csv -LiteralPath $script:csv
        $before = Get-TurnstileEmulatorStatistic -Emulator $script:emulator
        Import-Csv -LiteralPath $script:csv | Sync-TurnstileWidget -Confirm:$false -ErrorAction Stop
        $after = Get-TurnstileEmulatorStatistic -Emulator $script:emulator
        $after.update_requests - $before.update_requests | Should -Be 1
        $widget = Get-TurnstileWidget -Name 'csv-two'
        $widget.Mode | Should -Be 'invisible'
        @($widget.Domains) | Should -Be @('csv-two.example.com', 'www.csv-two.example.com')
    }

    It 'still refuses a column that is neither a setting nor reported by Get-TurnstileWidget (a typo)' {
        $rows = @(Import-Csv -LiteralPath $script:csv | Select-Object -Property *, @{ Name = 'Moed'; Expression = { 'invisible' } })
        $null = $rows | Compare-TurnstileWidget -ErrorVariable failed -ErrorAction SilentlyContinue
        @($failed | Where-Object { "$_" -like "*'Moed' is not a widget property*" }).Count | Should -BeGreaterThan 0
    }
}
