Set-StrictMode -Version Latest

# Never a silent wrong write (issue 15): readings are not trusted past this session's own writes, values the API
# adds later pass through verbatim, pacing keeps its rules under -MaxBlockWait, a block is said once, -Prune removes
# only from a sound plan, and concurrent writers in one process neither lose updates nor crash. The emulator's
# counters (/__emulator/stats) are the witness of what was sent.

BeforeAll {
    $script:emulator = $null
    Import-Module -Name (Join-Path -Path $PSScriptRoot -ChildPath 'TestHelpers/TurnstileTestHelpers.psm1') -Force
    Import-Module -Name (Join-Path -Path $PSScriptRoot -ChildPath 'TestHelpers/TurnstileChildProcess.psm1') -Force
    $script:emulator = Start-TurnstileTestSession
    $script:manifest = (Get-Module -Name TurnstileWidgets).Path

    function Invoke-Control {
        # A control endpoint of this file's emulator (seed, faults, the PATCH that simulates API drift).
        param([string] $Method = 'Post', [string] $Path, [object] $Body)
        $parameters = @{
            Method      = $Method
            Uri         = [uri]($script:emulator.ControlUri.AbsoluteUri.TrimEnd('/') + '/' + $Path)
            ContentType = 'application/json'
            Body        = if ($null -eq $Body) { '{}' } else { ConvertTo-Json -InputObject $Body -Depth 5 -Compress }
            ErrorAction = 'Stop'
        }
        Invoke-RestMethod @parameters
    }

    function Set-RateLimit {
        param([AllowNull()] [string] $Limit, [AllowNull()] [Nullable[int]] $BlockSeconds)
        $null = Invoke-Control -Path 'faults' -Body @{ rate_limit = $Limit; rate_limit_block = $BlockSeconds }
    }

    function Get-Delta {
        param([psobject] $Before)
        $after = Get-TurnstileEmulatorStatistic -Emulator $script:emulator
        [pscustomobject]@{
            Total       = $after.total_requests - $Before.total_requests
            Get         = $after.get_requests - $Before.get_requests
            Update      = $after.update_requests - $Before.update_requests
            Delete      = $after.delete_requests - $Before.delete_requests
            RateLimited = $after.rate_limited_responses - $Before.rate_limited_responses
        }
    }

    function Invoke-Api {
        # Straight to the emulator's API, not through the module under test.
        param([string] $Suffix)
        $parameters = @{
            Uri         = [uri]($script:emulator.BaseUri.AbsoluteUri.TrimEnd('/') + "/accounts/$($script:emulator.AccountId)/challenges/widgets" + $Suffix)
            Headers     = Get-TurnstileTestAuthorization -Emulator $script:emulator
            ErrorAction = 'Stop'
        }
        Invoke-RestMethod @parameters
    }

    function Get-LiveWidget {
        # Every page, however many widgets.
        param([string] $Prefix)
        $page = 1
        do {
            $answer = Invoke-Api -Suffix "?per_page=1000&page=$page&filter=name:$Prefix"
            $answer.result | Where-Object { $_.name -like "$Prefix*" }
            $page++
        } while (@($answer.result).Count -eq 1000)
    }

    function Get-ApiWidget {
        param([string] $Sitekey)
        (Invoke-Api -Suffix "/$Sitekey").result
    }

    function Write-DesiredFile {
        param([string] $Name, [string] $Text)
        $path = Join-Path -Path $TestDrive -ChildPath $Name
        Set-Content -LiteralPath $path -Value $Text -Encoding utf8
        $path
    }
}

AfterAll {
    Set-RateLimit -Limit $null -BlockSeconds $null
    Stop-TurnstileTestSession -Emulator $script:emulator
}

Describe 'A reading is never trusted past this session''s own write' {
    BeforeAll {
        Reset-TurnstileEmulator -Emulator $script:emulator
        $null = Invoke-Control -Path 'seed' -Body @{ count = 2500; name_prefix = 'twice-' }
    }

    It 'pipes the same 2,500 objects to Set twice: every widget changes both times, about one request a widget' {
        $held = @(Get-TurnstileWidget -Filter 'name:twice-')
        $held.Count | Should -Be 2500
        @($held | Where-Object Mode -NE 'managed').Count | Should -Be 0

        $held | Set-TurnstileWidget -Mode invisible
        @(Get-LiveWidget -Prefix 'twice-' | Where-Object mode -NE 'invisible').Count | Should -Be 0

        $before = Get-TurnstileEmulatorStatistic -Emulator $script:emulator
        $held | Set-TurnstileWidget -Mode managed
        $delta = Get-Delta -Before $before

        @(Get-LiveWidget -Prefix 'twice-' | Where-Object mode -NE 'managed').Count | Should -Be 0
        $delta.Update | Should -Be 2500
        $delta.Total | Should -BeLessOrEqual 2750 -Because 'the answer to this session''s own PUT is the newest reading (<= 1.1 requests a widget)'
    }

    It 'sets one widget to invisible and back from the same object' {
        $widget = Get-TurnstileWidget -Filter 'name:twice-' -First 1 -Skip 10
        $widget | Set-TurnstileWidget -Mode invisible
        $widget | Set-TurnstileWidget -Mode managed
        (Get-ApiWidget $widget.Sitekey).mode | Should -Be 'managed'
    }

    It 'reads again, and says the widget is gone, after Remove then Set from the same object' {
        $widget = Get-TurnstileWidget -Filter 'name:twice-' -First 1 -Skip 11
        $widget | Remove-TurnstileWidget -Force
        $widget | Set-TurnstileWidget -Mode invisible -ErrorVariable failed -ErrorAction SilentlyContinue
        $failed.Count | Should -Be 1
        $failed[0].FullyQualifiedErrorId | Should -BeLike 'TurnstileWidgetNotFound*'
    }

    It 'does not take "nothing to change" from a reading older than a rotation or a Sync' {
        $widget = Get-TurnstileWidget -Filter 'name:twice-' -First 1 -Skip 12
        $null = $widget | Invoke-TurnstileSecretRotation -Force
        $widget | Set-TurnstileWidget -Mode invisible
        $file = Write-DesiredFile -Name 'back.json' -Text (ConvertTo-Json -InputObject @(@{ Sitekey = $widget.Sitekey; Mode = 'managed' }))
        Sync-TurnstileWidget -Path $file
        $widget | Set-TurnstileWidget -Mode invisible
        (Get-ApiWidget $widget.Sitekey).mode | Should -Be 'invisible'
    }
}

Describe 'Values the API adds later pass through verbatim' {
    BeforeAll {
        $script:drifted = Initialize-TurnstileEmulatorWidget -Emulator $script:emulator -Name @('future')
        $script:sitekey = $script:drifted['future'].sitekey
        $script:patched = Invoke-Control -Method Patch -Path "widgets/$($script:sitekey)" -Body @{ mode = 'adaptive'; clearance_level = 'super_clearance' }
    }

    It 'the emulator stores the drifted values and answers them' {
        $script:patched.result.mode | Should -Be 'adaptive'
        $script:patched.result.clearance_level | Should -Be 'super_clearance'
    }

    It 'Get shows them as the API sent them' {
        $widget = Get-TurnstileWidget -Sitekey $script:sitekey
        $widget.Mode | Should -Be 'adaptive'
        $widget.ClearanceLevel | Should -Be 'super_clearance'
    }

    It 'Set -AddDomain carries them over unchanged' {
        Set-TurnstileWidget -Sitekey $script:sitekey -AddDomain 'shop.example.com'
        $live = Get-ApiWidget $script:sitekey
        $live.domains | Should -Contain 'shop.example.com'
        $live.mode | Should -Be 'adaptive'
        $live.clearance_level | Should -Be 'super_clearance'
    }

    It 'Export writes them, Compare of that export finds nothing, and a Sync that adds a domain keeps them' {
        $file = Join-Path -Path $TestDrive -ChildPath 'future.json'
        $null = Get-TurnstileWidget -Filter 'name:future' | Export-TurnstileWidget -Path $file
        $exported = Get-Content -LiteralPath $file -Raw | ConvertFrom-Json
        $exported[0].Mode | Should -Be 'adaptive'
        $exported[0].ClearanceLevel | Should -Be 'super_clearance'
        @(Compare-TurnstileWidget -Path $file).Count | Should -Be 0

        $exported[0].Domains = @($exported[0].Domains) + 'blog.example.com'
        ConvertTo-Json -InputObject @($exported) -Depth 5 | Set-Content -LiteralPath $file -Encoding utf8
        $change = @(Compare-TurnstileWidget -Path $file)
        $change.Count | Should -Be 1
        @($change[0].Changes.Property) | Should -Be @('Domains')
        Sync-TurnstileWidget -Path $file
        $live = Get-ApiWidget $script:sitekey
        $live.domains | Should -Contain 'blog.example.com'
        $live.mode | Should -Be 'adaptive'
        $live.clearance_level | Should -Be 'super_clearance'
    }

    It 'Set -Mode managed is a change from the unknown mode, and is sent' {
        $before = Get-TurnstileEmulatorStatistic -Emulator $script:emulator
        Set-TurnstileWidget -Sitekey $script:sitekey -Mode managed
        (Get-Delta -Before $before).Update | Should -Be 1
        $live = Get-ApiWidget $script:sitekey
        $live.mode | Should -Be 'managed'
        $live.clearance_level | Should -Be 'super_clearance'
    }
}

Describe 'Sync -Prune removes only from a sound plan' {
    BeforeEach {
        Reset-TurnstileEmulator -Emulator $script:emulator
        $null = Invoke-Control -Path 'seed' -Body @{ count = 50; name_prefix = 'live-' }
        # Seeded names carry the emulator's running number: take two real ones.
        $script:liveNames = @(Get-LiveWidget -Prefix 'live-' | Select-Object -First 2 -ExpandProperty name)
    }

    It 'removes nothing when <Case>' -ForEach @(
        @{ Case = 'an entry names no widget and has no Domains'; Json = '[{"Name":"live-typo"}]' }
        @{ Case = 'an entry has a blank Name'; Json = '[{"Name":"","Domains":["a.example.com"]}]' }
        @{ Case = 'an entry has neither Name nor Sitekey'; Json = '[{"Mode":"managed"}]' }
        @{ Case = 'an entry names a sitekey no widget has'; Json = '[{"Sitekey":"0x4AAAAAAAAAAAAAAAAAAAAA","Name":"x"}]' }
        @{ Case = 'an entry cannot be read'; Json = '[{"Name":"FIRST","Colour":"blue"}]' }
        @{ Case = 'a mixed file has one bad entry'; Json = '[{"Name":"FIRST"},{"Name":"SECOND"},{"Name":"live-typo"}]' }
    ) {
        $file = Write-DesiredFile -Name 'bad.json' -Text $Json.Replace('FIRST', $script:liveNames[0]).Replace('SECOND', $script:liveNames[1])
        $before = Get-TurnstileEmulatorStatistic -Emulator $script:emulator

        Sync-TurnstileWidget -Path $file -Prune -Force -ErrorVariable failed -ErrorAction SilentlyContinue -InformationVariable summary

        (Get-Delta -Before $before).Delete | Should -Be 0
        @(Get-LiveWidget -Prefix 'live-').Count | Should -Be 50
        @($failed.FullyQualifiedErrorId) | Should -Contain 'TurnstileDesiredSyncRefused,TurnstileWidgets.Commands.SyncTurnstileWidgetCommand'
        ($summary | Out-String) | Should -Match '0 removed'
    }

    It 'removes nothing from a CSV with blank Name cells' {
        $csv = Write-DesiredFile -Name 'blank.csv' -Text "Name,Domains`n$($script:liveNames[0]),`n,a.example.com"
        Import-Csv -LiteralPath $csv | Sync-TurnstileWidget -Prune -Force -ErrorAction SilentlyContinue
        @(Get-LiveWidget -Prefix 'live-').Count | Should -Be 50
    }

    It 'refuses an empty desired state (<Case>) without -AllowEmptyDesiredState, -Force or not' -ForEach @(
        @{ Case = 'a JSON []'; Kind = 'json'; Text = '[]' }
        @{ Case = 'a .psd1 with no widgets'; Kind = 'psd1'; Text = '@{ Widgets = @() }' }
        @{ Case = 'a header-only CSV'; Kind = 'csv'; Text = 'Name,Domains' }
        @{ Case = 'an empty pipeline'; Kind = 'pipeline'; Text = '' }
    ) {
        $sync = switch ($Kind) {
            'json' { { Sync-TurnstileWidget -Path (Write-DesiredFile -Name 'empty.json' -Text $Text) -Prune -Force } }
            'psd1' { { Sync-TurnstileWidget -Path (Write-DesiredFile -Name 'empty.psd1' -Text $Text) -Prune -Force } }
            'csv' { { Import-Csv -LiteralPath (Write-DesiredFile -Name 'empty.csv' -Text $Text) | Sync-TurnstileWidget -Prune -Force } }
            default { { @() | Sync-TurnstileWidget -Prune -Force } }
        }

        $sync | Should -Throw -ErrorId 'TurnstileDesiredStateEmpty,TurnstileWidgets.Commands.SyncTurnstileWidgetCommand'
        @(Get-LiveWidget -Prefix 'live-').Count | Should -Be 50
    }

    It 'refuses an export of a filter that matched nothing, and removes everything only with -AllowEmptyDesiredState' {
        $file = Join-Path -Path $TestDrive -ChildPath 'nothing.json'
        $null = Get-TurnstileWidget -Filter 'name:no-such-' | Export-TurnstileWidget -Path $file
        { Sync-TurnstileWidget -Path $file -Prune -Force } | Should -Throw -ErrorId 'TurnstileDesiredStateEmpty*'
        @(Get-LiveWidget -Prefix 'live-').Count | Should -Be 50

        Sync-TurnstileWidget -Path $file -Prune -Force -AllowEmptyDesiredState -WarningVariable warned -WarningAction SilentlyContinue
        @(Get-LiveWidget -Prefix 'live-').Count | Should -Be 0
        ($warned | Out-String) | Should -Match 'removes every live widget .+ all 50 of them'
    }

    It 'refuses a file with two entries of the same name as a whole, naming both entries' {
        $file = Write-DesiredFile -Name 'dup.json' -Text '[{"Name":"new-one","Domains":["a.example.com"]},{"Name":"new-one","Domains":["b.example.com"]},{"Name":"new-two","Domains":["c.example.com"]}]'
        $before = Get-TurnstileEmulatorStatistic -Emulator $script:emulator

        Sync-TurnstileWidget -Path $file -Prune -Force -ErrorVariable failed -ErrorAction SilentlyContinue

        $delta = Get-Delta -Before $before
        $delta.Delete | Should -Be 0
        (Get-TurnstileEmulatorStatistic -Emulator $script:emulator).create_requests - $before.create_requests | Should -Be 0
        $duplicate = @($failed | Where-Object FullyQualifiedErrorId -Like 'TurnstileDesiredEntryDuplicate*')
        $duplicate.Count | Should -Be 1
        $duplicate[0].ToString() | Should -Match 'entry 2 of dup\.json.+entry 1 of dup\.json'
    }

    It 'in a non-interactive host, stops before any write with its own error naming what it would remove' {
        $file = Write-DesiredFile -Name 'keep-one.json' -Text ('[{"Name":"' + $script:liveNames[0] + '"}]')
        $result = Invoke-TurnstileChildPowerShell -Emulator $script:emulator -Script "Sync-TurnstileWidget -Path '$file' -Prune; 'id=' + `$Error[0].FullyQualifiedErrorId"

        $result.Text | Should -Match 'id=TurnstileConfirmationUnavailable'
        $result.Text | Should -Match 'cannot ask for confirmation'
        $result.Text | Should -Match 'would remove 49 widget'
        $result.Text | Should -Match '-Force'
        $result.Text | Should -Not -Match 'NonInteractive mode'
        @(Get-LiveWidget -Prefix 'live-').Count | Should -Be 50
    }
}

Describe 'Pacing keeps its rules whatever -MaxBlockWait says, and a block is said once' {
    AfterEach {
        Set-RateLimit -Limit $null -BlockSeconds $null
    }

    It 'spreads a bulk job under -MaxBlockWait 0 without a single 429' {
        Reset-TurnstileEmulator -Emulator $script:emulator
        $null = Invoke-Control -Path 'seed' -Body @{ count = 60; name_prefix = 'paced-' }
        Set-RateLimit -Limit '20/2' -BlockSeconds 30
        $before = Get-TurnstileEmulatorStatistic -Emulator $script:emulator

        # Its own credential (email and key), so its budget starts empty and this file's other requests do not count.
        Connect-Turnstile -Name paced -ApiBaseUri $script:emulator.BaseUri -Email $script:emulator.Email -ApiKey $script:emulator.ApiKey -AccountId $script:emulator.AccountId -MaxBlockWait 0
        try {
            Get-TurnstileWidget -Connection paced -Filter 'name:paced-' | Remove-TurnstileWidget -Connection paced -Force -ErrorVariable failed
        }
        finally {
            Disconnect-Turnstile -Name paced
            Connect-TurnstileTestEmulator -Emulator $script:emulator
        }

        $failed | Should -BeNullOrEmpty
        $delta = Get-Delta -Before $before
        $delta.RateLimited | Should -Be 0
        $delta.Delete | Should -Be 60
    }

    It 'warns once about a block another client started: how long, why, and that Ctrl+C stops it' {
        Initialize-TurnstileEmulatorWidget -Emulator $script:emulator -Name @('blk-a', 'blk-b', 'blk-c') | Out-Null
        # A short window, so the block (2 s) is the only long wait; the quota per window covers the whole pipeline.
        Set-RateLimit -Limit '5/3' -BlockSeconds 2
        # Another client spends the quota of the same credential.
        $headers = Get-TurnstileTestAuthorization -Emulator $script:emulator
        foreach ($i in 1..5) {
            try { $null = Invoke-RestMethod -Uri "$($script:emulator.BaseUri)/user/tokens/verify" -Headers $headers } catch { $null = $_ }
        }

        $warnings = & { Get-TurnstileWidget -Filter 'name:blk-' | Remove-TurnstileWidget -Force } 3>&1 | Where-Object { $_ -is [System.Management.Automation.WarningRecord] }
        Set-RateLimit -Limit $null -BlockSeconds $null

        @(Get-LiveWidget -Prefix 'blk-').Count | Should -Be 0
        $block = @($warnings | Where-Object { $_.Message -match 'refusing requests with this credential for' })
        $block.Count | Should -BeGreaterOrEqual 1
        $block[0].Message | Should -Match '429'
        $block[0].Message | Should -Match 'Ctrl\+C'
        @($warnings | Where-Object { $_.Message -match 'refusing requests' } | Select-Object -ExpandProperty Message -Unique).Count | Should -Be $block.Count -Because 'one warning per block'
    }
}

# ForEach-Object -Parallel is PowerShell 7's.
Describe 'Concurrent writers in one process' -Tag 'PowerShell7' {
    It 'lands all 8 parallel -AddDomain on one widget, 20 times over' {
        $widget = (Initialize-TurnstileEmulatorWidget -Emulator $script:emulator -Name @('crowd'))['crowd']
        $sitekey = $widget.sitekey
        $manifest = $script:manifest
        foreach ($round in 1..20) {
            Set-TurnstileWidget -Sitekey $sitekey -Domain 'crowd.example.com'
            $added = 1..8 | ForEach-Object { "r$round-add$_.example.com" }
            $added | ForEach-Object -ThrottleLimit 8 -Parallel {
                Import-Module $using:manifest
                Set-TurnstileWidget -Sitekey $using:sitekey -AddDomain $_
            }
            $live = Get-ApiWidget $sitekey
            foreach ($domain in $added) {
                $live.domains | Should -Contain $domain -Because "round $round"
            }
        }
    }

    It 'connects under the default name in parallel while others list and write, without ObjectDisposedException' {
        Reset-TurnstileEmulator -Emulator $script:emulator
        $null = Invoke-Control -Path 'seed' -Body @{ count = 20; name_prefix = 'busy-' }
        $emulator = $script:emulator
        $manifest = $script:manifest
        $results = 1..80 | ForEach-Object -ThrottleLimit 8 -Parallel {
            Import-Module $using:manifest
            $e = $using:emulator
            $out = try {
                switch ($_ % 4) {
                    0 { Connect-Turnstile -ApiBaseUri $e.BaseUri -ApiToken $e.ApiToken -AccountId $e.AccountId -ErrorAction Stop }
                    1 { $null = @(Get-TurnstileWidget -Filter 'name:busy-' -ErrorAction Stop) }
                    2 { Get-TurnstileWidget -Filter 'name:busy-' -First 3 -ErrorAction Stop | Set-TurnstileWidget -Mode invisible -ErrorAction Stop }
                    3 {
                        $created = New-TurnstileWidget -Name "temp-$_" -Domain 'temp.example.com' -ErrorAction Stop
                        $created | Remove-TurnstileWidget -Force -ErrorAction Stop
                    }
                }
                'ok'
            }
            catch {
                $_.Exception.GetType().FullName + ': ' + $_.Exception.Message
            }
            $out
        }

        @($results | Where-Object { $_ -match 'ObjectDisposed' }) | Should -BeNullOrEmpty
        @($results | Where-Object { $_ -ne 'ok' }) | Should -BeNullOrEmpty
        @(Get-LiveWidget -Prefix 'temp-').Count | Should -Be 0
    }

    It 'finishes a pipeline on its connection when another runspace disconnects it, and then gives the module''s error' {
        Reset-TurnstileEmulator -Emulator $script:emulator
        $null = Invoke-Control -Path 'seed' -Body @{ count = 30; name_prefix = 'gone-' }
        Connect-Turnstile -Name busy -ApiBaseUri $script:emulator.BaseUri -ApiToken $script:emulator.ApiToken -AccountId $script:emulator.AccountId
        $script:seen = 0
        try {
            Get-TurnstileWidget -Connection busy -Filter 'name:gone-' | ForEach-Object {
                $script:seen++
                if ($script:seen -eq 5) {
                    # Another runspace removes the connection while both commands of this pipeline are using it.
                    $other = [powershell]::Create()
                    $null = $other.AddScript("Import-Module '$($script:manifest)'; Disconnect-Turnstile -Name busy").Invoke()
                    $other.Dispose()
                }
                $_
            } | Remove-TurnstileWidget -Connection busy -Force -ErrorVariable failed -ErrorAction SilentlyContinue
        }
        finally {
            Connect-TurnstileTestEmulator -Emulator $script:emulator
        }

        $failed | Should -BeNullOrEmpty
        @(Get-LiveWidget -Prefix 'gone-').Count | Should -Be 0
        { Get-TurnstileWidget -Connection busy } | Should -Throw -ExpectedMessage "*No connection is named 'busy'*"
    }
}
