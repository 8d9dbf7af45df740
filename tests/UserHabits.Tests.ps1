Set-StrictMode -Version Latest

# The module as PowerShell users reach for it (issue 17): CSV both ways through real files, -Name as a list with
# not-found errors, views at 80 and 120 columns with control characters made visible, messages that name
# parameters, connecting on first use from the environment, catching errors by type, the audit fields, progress
# bars for writes, and the domain limit left to the API.

BeforeAll {
    $script:emulator = $null
    Import-Module -Name (Join-Path -Path $PSScriptRoot -ChildPath 'TestHelpers/TurnstileTestHelpers.psm1') -Force
    Import-Module -Name (Join-Path -Path $PSScriptRoot -ChildPath 'TestHelpers/TurnstileChildProcess.psm1') -Force
    $script:emulator = Start-TurnstileTestSession

    function script:Get-Line {
        param([Parameter(Mandatory, ValueFromPipeline)] [object] $InputObject, [int] $Width)
        end { @(($input | Out-String -Width $Width) -split '\r?\n' | Where-Object { $_.Trim() }) }
    }
}

AfterAll {
    Stop-TurnstileTestSession -Emulator $script:emulator
}

Describe 'CSV both ways' {
    BeforeEach {
        Reset-TurnstileEmulator -Emulator $script:emulator
        $null = Add-TurnstileEmulatorWidget -Emulator $script:emulator -Name 'login-form' -Domain 'example.com', 'www.example.com', 'shop.example.com'
        $null = Add-TurnstileEmulatorWidget -Emulator $script:emulator -Name 'newsletter' -Domain 'news.example.com' -Mode invisible
    }

    It 'writes Domains ;-joined, and Import-Csv | New-TurnstileWidget creates the same widgets from the file' {
        $path = Join-Path -Path $TestDrive -ChildPath 'widgets.csv'
        Get-TurnstileWidget | Export-Csv -LiteralPath $path
        $rows = @(Import-Csv -LiteralPath $path)
        # The API keeps domains in its own order; the cell holds them all, ';'-joined.
        @((($rows | Where-Object Name -EQ 'login-form').Domains -split ';') | Sort-Object) | Should -Be @('example.com', 'shop.example.com', 'www.example.com')
        Get-Content -LiteralPath $path -Raw | Should -Not -Match 'System\.'

        Get-TurnstileWidget | Remove-TurnstileWidget -Force
        $created = @(Import-Csv -LiteralPath $path | New-TurnstileWidget)

        $created.Count | Should -Be 2
        $login = Get-TurnstileWidget -Name 'login-form'
        @($login.Domains | Sort-Object) | Should -Be @('example.com', 'shop.example.com', 'www.example.com')
        (Get-TurnstileWidget -Name 'newsletter').Mode | Should -Be 'invisible'
    }

    It 'updates from a file with Set-TurnstileWidget -Domain { $_.Domains }' {
        $path = Join-Path -Path $TestDrive -ChildPath 'edit.csv'
        Get-TurnstileWidget -Name 'login-form' | Select-Object Sitekey, Domains | Export-Csv -LiteralPath $path
        $row = Import-Csv -LiteralPath $path
        $row.Domains = $row.Domains + ';api.example.com'
        $row | Export-Csv -LiteralPath $path

        Import-Csv -LiteralPath $path | Set-TurnstileWidget -Domain { $_.Domains }

        @((Get-TurnstileWidget -Name 'login-form').Domains | Sort-Object) | Should -Be @('api.example.com', 'example.com', 'shop.example.com', 'www.example.com')
    }

    It 'takes ;-separated domains in -Domain, -AddDomain and -RemoveDomain' {
        $widget = [pscustomobject]@{ Name = 'contact'; Domains = 'example.com;www.example.com'; Mode = 'managed' } | New-TurnstileWidget
        @($widget.Domains | Sort-Object) | Should -Be @('example.com', 'www.example.com')

        $widget | Set-TurnstileWidget -AddDomain 'a.example.com;b.example.com' -RemoveDomain 'www.example.com'
        @((Get-TurnstileWidget -Sitekey $widget.Sitekey).Domains | Sort-Object) | Should -Be @('a.example.com', 'b.example.com', 'example.com')
    }

    It 'says what a System.String[] cell is instead of judging it as a domain' {
        $row = [pscustomobject]@{ Name = 'old-export'; Domains = 'System.String[]' }
        $before = (Get-TurnstileEmulatorStatistic $script:emulator).create_requests

        $failure = $null
        try { $row | New-TurnstileWidget -ErrorAction Stop } catch { $failure = $_ }

        $failure | Should -Not -BeNullOrEmpty
        $failure.Exception.Message | Should -Match 'Export-Csv'
        $failure.Exception.Message | Should -Match "separated by ';'"
        $failure.Exception.Message | Should -Not -Match 'IPv6'
        (Get-TurnstileEmulatorStatistic $script:emulator).create_requests | Should -Be $before
    }
}

Describe 'Get-TurnstileWidget conventions' {
    BeforeAll {
        $script:byName = Initialize-TurnstileEmulatorWidget -Emulator $script:emulator -Name 'login-form', 'newsletter', 'signup'
    }

    It 'takes several names, wildcards or not' {
        $found = @(Get-TurnstileWidget -Name 'newsletter', 'log*')
        @($found.Name | Sort-Object) | Should -Be @('login-form', 'newsletter')
    }

    It 'writes an ObjectNotFound error naming a wildcard-free name that matches nothing, and still emits the others' {
        $found = @(Get-TurnstileWidget -Name 'newsletter', 'no-such-widget', 'zz*' -ErrorVariable failures -ErrorAction SilentlyContinue)

        $found.Name | Should -Be 'newsletter'
        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'TurnstileWidgetNameNotFound,*'
        $failures[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $failures[0].TargetObject | Should -Be 'no-such-widget'
        $failures[0].Exception.Message | Should -Match "'no-such-widget'"
    }

    It 'sets $? to false when a name is not found' {
        $null = Get-TurnstileWidget -Name 'no-such-widget' -ErrorAction SilentlyContinue
        $? | Should -BeFalse
    }

    It 'suggests -Name for a positional value that cannot be a sitekey, without a request' {
        $before = (Get-TurnstileEmulatorStatistic $script:emulator).total_requests
        $null = Get-TurnstileWidget 'login form' -ErrorVariable failures -ErrorAction SilentlyContinue

        $failures[0].Exception.Message | Should -Match "Get-TurnstileWidget -Name 'login form'"
        (Get-TurnstileEmulatorStatistic $script:emulator).total_requests | Should -Be $before
    }

    It 'mentions -Name when a positional name is not found as a sitekey' {
        $null = Get-TurnstileWidget 'login-form' -ErrorVariable failures -ErrorAction SilentlyContinue

        $failures[0].FullyQualifiedErrorId | Should -BeLike 'TurnstileWidgetNotFound,*'
        $failures[0].ErrorDetails.RecommendedAction | Should -Match "Get-TurnstileWidget -Name 'login-form'"
    }
}

Describe 'Views that fit' {
    BeforeAll {
        Reset-TurnstileEmulator -Emulator $script:emulator
        $script:longName = 'a-widget-name-of-thirty-characters'.Substring(0, 30)
        $null = Add-TurnstileEmulatorWidget -Emulator $script:emulator -Name 'login-form' -Domain 'login.example.com', 'www.example.com', 'shop.example.com'
        $null = Add-TurnstileEmulatorWidget -Emulator $script:emulator -Name 'newsletter-signup-footer' -Domain 'news.example.com' -Mode 'non-interactive'
        $null = Add-TurnstileEmulatorWidget -Emulator $script:emulator -Name $script:longName -Domain 'a.example.com'
        # The widest row the caps allow: a first domain longer than 22 characters and more after it.
        $null = Add-TurnstileEmulatorWidget -Emulator $script:emulator -Name 'checkout' -Domain 'checkout.shop.example.com', 'pay.example.com' -Mode 'invisible'
        # A name another tool wrote, with an ESC that would start a terminal escape sequence.
        $null = Add-TurnstileEmulatorWidget -Emulator $script:emulator -Name "red`e[31mname" -Domain 'red.example.com'
    }

    It 'shows whole sitekeys, names up to 24 characters, and the first domain with a count of the rest within <_> columns' -ForEach @(80, 120) {
        $width = $_
        $widgets = @(Get-TurnstileWidget)
        $lines = Get-TurnstileWidget | Get-Line -Width $width

        $lines.Count | Should -Be ($widgets.Count + 2)
        $lines[0] | Should -Match '^Name\s+Sitekey\s+Domains$'
        foreach ($line in $lines) { $line.Length | Should -BeLessOrEqual $width }
        foreach ($widget in $widgets) {
            @($lines | Where-Object { $_.Contains($widget.Sitekey + ' ') }).Count | Should -Be 1
        }
        @($lines | Where-Object { $_ -match '^login-form\s.*\s[a-z]+\.example\.com \(\+2\)(\s|$)' }).Count | Should -Be 1
        @($lines | Where-Object { $_ -match '^newsletter-signup-footer\s.*\snews\.example\.com(\s|$)' }).Count | Should -Be 1
        @($lines | Where-Object { $_.StartsWith($script:longName.Substring(0, 23) + [char]0x2026) }).Count | Should -Be 1
        @($lines | Where-Object { $_ -match ('^checkout\s.*\scheckout\.shop\.example' + [char]0x2026 + ' \(\+1\)$') }).Count | Should -Be 1
        @($lines | Where-Object { $_ -match '\s[a-z]+\.example\.com \(\+2\)$' }).Count | Should -Be 1 -Because 'the first domain and the count are whole'
    }

    It 'never sends a control character from a name to the terminal: <_> view' -ForEach @('Table', 'List', 'Plan') {
        $text = switch ($_) {
            'Table' { Get-TurnstileWidget | Format-Table | Out-String -Width 120 }
            'List' { Get-TurnstileWidget | Format-List | Out-String -Width 120 }
            'Plan' {
                # A desired entry may not name a widget with a control character (issue 16 refuses it before any
                # request), so the widget the API holds under such a name is in the plan as a removal (-Prune).
                $entries = @(Get-TurnstileWidget | Where-Object Name -NotMatch '\p{Cc}' | ForEach-Object { [pscustomobject]@{ Sitekey = $_.Sitekey; Name = $_.Name; Domains = $_.Domains; Mode = 'invisible' } })
                $entries | Compare-TurnstileWidget -Prune | Out-String -Width 120
            }
        }

        $text | Should -Not -Match '\e'
        $text | Should -Match ('red' + [char]0x241B + '\[31mname')
    }

    It 'names such a widget with its control characters made visible in -WhatIf and -Verbose lines' {
        $result = Invoke-TurnstileChildPowerShell -Emulator $script:emulator -Script @'
Get-TurnstileWidget -Name 'red*' | Set-TurnstileWidget -Mode invisible -WhatIf -Verbose
'@
        $result.Text | Should -Match ('red' + [char]0x241B + '\[31mname \(')
        # The helper strips escape sequences from what the child printed: a raw ESC would have left 'redname'.
        $result.Text | Should -Not -Match 'redname'
    }

    It 'shows a plan with one line per changed setting, nothing cut, within <_> columns' -ForEach @(80, 120) {
        $width = $_
        # Not the widget whose name holds a control character: a desired entry may not name it (issue 16).
        $entries = @(Get-TurnstileWidget | Where-Object Name -NotMatch '\p{Cc}' | ForEach-Object {
                [pscustomobject]@{ Sitekey = $_.Sitekey; Name = $_.Name; Domains = @($_.Domains) + 'extra.example.com'; Mode = 'invisible' }
            })
        $entries[0].Name = 'renamed-widget'

        $changes = @($entries | Compare-TurnstileWidget)
        $lines = $changes | Get-Line -Width $width

        foreach ($line in $lines) { $line.Length | Should -BeLessOrEqual $width }
        ($lines -join "`n") | Should -Not -Match ([char]0x2026)
        foreach ($change in $changes) {
            $heading = @($lines | Where-Object { $_ -eq ('Update ' + [TurnstileWidgets.DisplayText]::Visible($change.Name) + ' (' + $change.Sitekey + ')') })
            $heading.Count | Should -Be 1
        }
        @($lines | Where-Object { $_ -eq '    Domains: +extra.example.com' }).Count | Should -Be $changes.Count
        @($lines | Where-Object { $_ -match '^    Mode: (managed|non-interactive) -> invisible$' }).Count | Should -Be @($changes | Where-Object { $_.Changes.Property -contains 'Mode' }).Count
        @($lines | Where-Object { $_ -match '^    Name: .+ -> renamed-widget$' }).Count | Should -Be 1
        @($lines | Where-Object { $_ -eq '    (last modified via api, deployed via api)' }).Count | Should -Be $changes.Count
    }

    It 'puts DeployedVia and LastModifiedVia in the list view and in the plan for updates and removals' {
        $widget = Get-TurnstileWidget -Name 'login-form'
        $widget.DeployedVia | Should -Be 'api'
        $widget.LastModifiedVia | Should -Be 'api'
        ($widget | Format-List | Out-String -Width 80) | Should -Match 'LastModifiedVia : api'

        $keep = @(Get-TurnstileWidget -Name 'login-form' | ForEach-Object { [pscustomobject]@{ Sitekey = $_.Sitekey; Name = $_.Name; Domains = $_.Domains; Mode = 'invisible' } })
        $plan = @($keep | Compare-TurnstileWidget -Prune)
        $removal = @($plan | Where-Object Action -EQ 'Remove')[0]
        $removal.LastModifiedVia | Should -Be 'api'
        $removal.DeployedVia | Should -Be 'api'
        ($plan | Where-Object Action -EQ 'Update').LastModifiedVia | Should -Be 'api'
    }
}

Describe 'Messages in the user''s words' {
    BeforeAll {
        $null = Initialize-TurnstileEmulatorWidget -Emulator $script:emulator -Name 'login-form'
    }

    It 'names -Domain, not the wire field, for a bad domain' {
        $null = New-TurnstileWidget -Name 'x' -Domain 'https://example.com/path' -ErrorVariable failures -ErrorAction SilentlyContinue

        $failures[0].Exception.Message | Should -Match '^-Domain: '
        $failures[0].ErrorDetails.RecommendedAction | Should -Match '-Domain'
        ($failures[0].Exception.Message + $failures[0].ErrorDetails.RecommendedAction) | Should -Not -Match "'domains'"
    }

    It 'names -Filter for a bad filter' {
        $null = Get-TurnstileWidget -Filter 'owner:me' -ErrorVariable failures -ErrorAction SilentlyContinue

        $failures[0].Exception.Message | Should -Match "-Filter 'name:login'"
        ($failures[0].Exception.Message + $failures[0].ErrorDetails.RecommendedAction) | Should -Not -Match "'filter'"
        $failures[0].ErrorDetails.RecommendedAction | Should -Match '-Filter'
    }

    It 'says a refused API token is the token''s problem, not the account''s' {
        $wrong = ConvertTo-TurnstileTestSecureString -Text 'not-the-emulator-token'
        $failure = $null
        try {
            Connect-Turnstile -Name 'wrong-token' -ApiToken $wrong -AccountId $script:emulator.AccountId -ApiBaseUri $script:emulator.BaseUri -ErrorAction Stop
        }
        catch { $failure = $_ }

        $failure.FullyQualifiedErrorId | Should -BeLike 'TurnstileAuthenticationFailed,*'
        $failure.Exception.Message | Should -Match 'API token'
        ($failure.Exception.Message + $failure.ErrorDetails.RecommendedAction) | Should -Not -Match 'account id'
        $failure.ErrorDetails.RecommendedAction | Should -Match "'Turnstile Sites Read' or 'Turnstile Sites Write'"
        # A failed connect stops commands without -Connection until a connect succeeds (BreakLead.Tests): connect again.
        Connect-TurnstileTestEmulator -Emulator $script:emulator
    }

    It 'uses Cloudflare''s permission names in help' {
        $help = Get-Content -Raw -LiteralPath (Join-Path -Path (Get-TurnstileRepositoryRoot) -ChildPath 'en-US/Connect-Turnstile.md')
        $help | Should -Not -Match 'Turnstile: Edit'
        $help | Should -Match 'Turnstile Sites Write'
    }
}

Describe 'Errors caught by type' {
    It 'catch [TurnstileWidgets.TurnstileCommandException] catches a failure, with its id, status, codes and sitekey' {
        $caught = $null
        try {
            Get-TurnstileWidget -Sitekey '0x4AAAAAAAnoSuchWidget' -ErrorAction Stop
        }
        catch [TurnstileWidgets.TurnstileCommandException] {
            $caught = $_.Exception
        }

        $caught | Should -Not -BeNullOrEmpty
        $caught.ErrorId | Should -Be 'TurnstileWidgetNotFound'
        $caught.StatusCode | Should -Be 404
        $caught.CloudflareErrorCodes.Count | Should -BeGreaterThan 0
        $caught.Sitekey | Should -Be '0x4AAAAAAAnoSuchWidget'
        $caught.InnerException.GetType().Name | Should -Be 'TurnstileApiException'
    }

    It 'catches a failure refused before any request the same way' {
        $caught = $null
        try { New-TurnstileWidget -Name 'x' -Domain 'example.com:8080' -ErrorAction Stop }
        catch [TurnstileWidgets.TurnstileCommandException] { $caught = $_.Exception }

        $caught.ErrorId | Should -Be 'TurnstileValidationFailed'
        $caught.StatusCode | Should -BeNullOrEmpty
    }

    It 'works in a fresh PowerShell process too' {
        $result = Invoke-TurnstileChildPowerShell -Emulator $script:emulator -Script @'
try { Get-TurnstileWidget -Sitekey 0x4AAAAAAAnoSuchWidget -ErrorAction Stop; 'not caught' }
catch [TurnstileWidgets.TurnstileCommandException] { 'caught ' + $_.Exception.ErrorId + ' ' + $_.Exception.StatusCode }
'@
        $result.Output | Should -Contain 'caught TurnstileWidgetNotFound 404'
    }
}

Describe 'Connecting on first use' {
    It 'connects from CLOUDFLARE_API_TOKEN, CLOUDFLARE_ACCOUNT_ID and CLOUDFLARE_BASE_URL, and -Verbose says so' {
        $null = Initialize-TurnstileEmulatorWidget -Emulator $script:emulator -Name 'login-form'
        $result = Invoke-TurnstileChildPowerShell -Emulator $script:emulator -NoConnect -Script @'
(Get-TurnstileConnection | Measure-Object).Count
Get-TurnstileWidget -Verbose 4>&1 | ForEach-Object { if ($_ -is [System.Management.Automation.VerboseRecord]) { 'VERBOSE: ' + $_.Message } else { 'WIDGET: ' + $_.Name } }
(Get-TurnstileConnection).Name
'@
        $result.ExitCode | Should -Be 0
        $result.Output[0] | Should -Be '0'
        $result.Output | Should -Contain 'WIDGET: login-form'
        ($result.Output -match '^VERBOSE: .*from CLOUDFLARE_API_TOKEN').Count | Should -BeGreaterThan 0
        ($result.Output -match '^VERBOSE: .*from CLOUDFLARE_ACCOUNT_ID').Count | Should -BeGreaterThan 0
        ($result.Output -match '^VERBOSE: .*from CLOUDFLARE_BASE_URL').Count | Should -BeGreaterThan 0
        $result.Output[-1] | Should -Be 'default'
    }

    It 'still says "not connected" when no credential variable is set' {
        $result = Invoke-TurnstileChildPowerShell -Script @'
try { Get-TurnstileWidget -ErrorAction Stop } catch { $_.FullyQualifiedErrorId }
'@
        $result.Output | Should -Contain 'TurnstileNotConnected,TurnstileWidgets.Commands.GetTurnstileWidgetCommand'
    }
}

Describe 'Progress for writes' {
    BeforeAll {
        $script:manifest = Join-Path -Path (Get-TurnstileRepositoryRoot) -ChildPath 'out/TurnstileWidgets/TurnstileWidgets.psd1'

        # Runs a pipeline in another runspace of this process (the connection is the process's) and returns its progress records.
        function script:Get-ProgressRecord {
            param([Parameter(Mandatory)] [string] $Script)
            $shell = [powershell]::Create()
            try {
                $null = $shell.AddScript("Import-Module '$($script:manifest)'; `$ProgressPreference = 'Continue'; $Script")
                $null = $shell.Invoke()
                $shell.Streams.Error | Should -BeNullOrEmpty
                @($shell.Streams.Progress)
            }
            finally {
                $shell.Dispose()
            }
        }
    }

    It 'Get | Set over 2,500 widgets: the listing bar completes when the listing ends, Set''s own bar counts updates and completes at the end' {
        Reset-TurnstileEmulator -Emulator $script:emulator
        $null = Invoke-RestMethod -Method Post -Uri ([uri]::new($script:emulator.ControlUri, 'seed')) -ContentType 'application/json' -Body (@{ count = 2500; name_prefix = 'bulk-' } | ConvertTo-Json)
        $before = Get-TurnstileEmulatorStatistic $script:emulator

        $records = Get-ProgressRecord -Script 'Get-TurnstileWidget | Set-TurnstileWidget -Mode invisible'

        $after = Get-TurnstileEmulatorStatistic $script:emulator
        ($after.update_requests - $before.update_requests) | Should -Be 2500
        ($after.list_requests - $before.list_requests) | Should -BeGreaterOrEqual 3 -Because '2,500 widgets are three pages of 1,000'
        ($after.get_requests - $before.get_requests) | Should -Be 0

        $listing = @($records | Where-Object ActivityId -EQ 1)
        $set = @($records | Where-Object ActivityId -EQ 12)
        $listingDone = [array]::IndexOf($records, @($listing | Where-Object RecordType -EQ 'Completed')[0])
        $setDone = [array]::IndexOf($records, @($set | Where-Object RecordType -EQ 'Completed')[0])
        $listingDone | Should -BeGreaterOrEqual 0
        $setDone | Should -Be ($records.Count - 1) -Because 'Set''s bar closes when Set''s work ends, after every other record'
        $listingDone | Should -BeLessThan $setDone
        $set[0].Activity | Should -Be 'Updating Turnstile widgets'
        $set[0].PercentComplete | Should -Be -1 -Because 'a pipeline''s total is not known upfront'
        $set[0].StatusDescription | Should -Match '^1 updated$'
        $set[-1].StatusDescription | Should -Match '^2,500 updated; [0-9.]+ widgets/s$'
        # The listing's last page is read while Set is still updating the widgets of the earlier pages.
        $lastSetBeforeListingDone = @($records[0..$listingDone] | Where-Object ActivityId -EQ 12)
        $lastSetBeforeListingDone.Count | Should -BeGreaterThan 0
    }

    It 'New, Remove and rotation show their own bars; a -Sitekey list shows percent and time left' {
        Reset-TurnstileEmulator -Emulator $script:emulator
        $created = Get-ProgressRecord -Script "1..3 | ForEach-Object { [pscustomobject]@{ Name = `"p-`$_`"; Domain = 'example.com' } } | New-TurnstileWidget"
        @($created | Where-Object { $_.ActivityId -eq 11 -and $_.RecordType -eq 'Completed' }).Count | Should -Be 1
        @($created | Where-Object ActivityId -EQ 11)[0].Activity | Should -Be 'Creating Turnstile widgets'

        $sitekeys = @(Get-TurnstileWidget).Sitekey
        $rotated = Get-ProgressRecord -Script ("Invoke-TurnstileSecretRotation -Sitekey '" + ($sitekeys -join "','") + "' -Force")
        $bar = @($rotated | Where-Object ActivityId -EQ 15)
        $bar[0].PercentComplete | Should -Be 33
        $bar[-1].RecordType | Should -Be 'Completed'

        $removed = Get-ProgressRecord -Script ("Remove-TurnstileWidget -Sitekey '" + ($sitekeys -join "','") + "' -Force")
        @($removed | Where-Object ActivityId -EQ 13)[-1].StatusDescription | Should -Match '^3 removed \(3 of 3\)'
    }

    It 'Sync shows the plan''s total' {
        Reset-TurnstileEmulator -Emulator $script:emulator
        $entries = 1..4 | ForEach-Object { [pscustomobject]@{ Name = "sync-$_"; Domains = 'example.com'; Mode = 'managed' } }
        $path = Join-Path -Path $TestDrive -ChildPath 'sync.json'
        $entries | ConvertTo-Json | Set-Content -LiteralPath $path
        $records = Get-ProgressRecord -Script "Sync-TurnstileWidget -Path '$path' -InformationAction Ignore"

        $bar = @($records | Where-Object ActivityId -EQ 14)
        $bar[0].PercentComplete | Should -Be 25
        $bar[0].StatusDescription | Should -Match '^1 created \(1 of 4\)$'
        $bar[-1].RecordType | Should -Be 'Completed'
    }
}

Describe 'Domain limits belong to the API' {
    It 'sends an 11th domain and reports Cloudflare''s refusal naming -Domain and the limit it reported' {
        Reset-TurnstileEmulator -Emulator $script:emulator
        $before = (Get-TurnstileEmulatorStatistic $script:emulator).create_requests
        $domains = 1..11 | ForEach-Object { "d$_.example.com" }

        $null = New-TurnstileWidget -Name 'many-domains' -Domain $domains -ErrorVariable failures -ErrorAction SilentlyContinue

        (Get-TurnstileEmulatorStatistic $script:emulator).create_requests | Should -Be ($before + 1) -Because 'the API, not the module, decides'
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'TurnstileDomainLimitExceeded,*'
        $failures[0].CategoryInfo.Category | Should -Be 'LimitsExceeded'
        $failures[0].Exception.Message | Should -Match '^-Domain: Cloudflare allows at most 10 domains'
        $failures[0].ErrorDetails.RecommendedAction | Should -Match '-Domain at most 10'
    }

    Context 'an emulator rehearsing a larger plan (--max-domains 20)' {
        BeforeAll {
            $script:larger = Start-TurnstileEmulator -ArgumentList '--max-domains', '20'
            Connect-Turnstile -Name 'larger-plan' -ApiBaseUri $script:larger.BaseUri -ApiToken $script:larger.ApiToken -AccountId $script:larger.AccountId -ErrorAction Stop
        }

        AfterAll {
            Disconnect-Turnstile -Name 'larger-plan' -ErrorAction SilentlyContinue
            Stop-TurnstileEmulator -Emulator $script:larger
        }

        It 'creates a widget with 11 domains and updates it to 20, and reports the limit of 20 for 21' {
            $widget = New-TurnstileWidget -Connection 'larger-plan' -Name 'enterprise' -Domain (1..11 | ForEach-Object { "d$_.example.com" }) -ErrorAction Stop
            @($widget.Domains).Count | Should -Be 11

            $widget | Set-TurnstileWidget -Connection 'larger-plan' -AddDomain (12..20 | ForEach-Object { "d$_.example.com" }) -ErrorAction Stop
            @((Get-TurnstileWidget -Connection 'larger-plan' -Sitekey $widget.Sitekey).Domains).Count | Should -Be 20

            $widget | Set-TurnstileWidget -Connection 'larger-plan' -MaxReadAge 0 -AddDomain 'd21.example.com' -ErrorVariable failures -ErrorAction SilentlyContinue
            $failures[0].FullyQualifiedErrorId | Should -BeLike 'TurnstileDomainLimitExceeded,*'
            $failures[0].Exception.Message | Should -Match '^-AddDomain: Cloudflare allows at most 20 domains'
            $failures[0].TargetObject | Should -Be $widget.Sitekey
        }
    }
}
