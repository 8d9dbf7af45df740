Set-StrictMode -Version Latest

# A second tester's findings on issue 17 (the module as people use it), each one a test first. The emulator's control
# endpoints set up what a user cannot (a domain another tool stored); what the user sees is read through Out-String at
# the widths they use, and a suggested command is run as the user would paste it.

BeforeAll {
    $script:emulator = $null
    Import-Module -Name (Join-Path -Path $PSScriptRoot -ChildPath 'TestHelpers/TurnstileTestHelpers.psm1') -Force
    $script:emulator = Start-TurnstileTestSession

    function Get-TerminalCell {
        # The terminal cells a line takes as PowerShell's table formatting counts them: East Asian Wide and Fullwidth
        # characters two, every other UTF-16 unit one.
        param([string] $Line)
        $cells = 0
        foreach ($c in $Line.ToCharArray()) {
            $code = [int]$c
            $wide = $code -ge 0x1100 -and ($code -le 0x115F -or $code -eq 0x2329 -or $code -eq 0x232A -or
                ($code -ge 0x2E80 -and $code -le 0xA4CF -and $code -ne 0x303F) -or ($code -ge 0xAC00 -and $code -le 0xD7A3) -or
                ($code -ge 0xF900 -and $code -le 0xFAFF) -or ($code -ge 0xFE10 -and $code -le 0xFE19) -or
                ($code -ge 0xFE30 -and $code -le 0xFE6F) -or ($code -ge 0xFF00 -and $code -le 0xFF60) -or
                ($code -ge 0xFFE0 -and $code -le 0xFFE6))
            $cells += if ($wide) { 2 } else { 1 }
        }
        $cells
    }
}

AfterAll {
    Stop-TurnstileTestSession -Emulator $script:emulator
}

Describe 'A name typed where the sitekey goes, with brackets: the suggested -Name command finds that widget' {
    BeforeAll {
        $script:bracketNames = @('a[b', 'x[1] form', 'brk]', 'x1 form')
        Reset-TurnstileEmulator -Emulator $script:emulator
        foreach ($name in $script:bracketNames) { $null = Add-TurnstileEmulatorWidget -Emulator $script:emulator -Name $name }
    }

    It 'Get-TurnstileWidget <Typed>: the suggestion runs without an error and finds <Expected>' -ForEach @(
        @{ Typed = 'a[b'; Expected = @('a[b') }
        @{ Typed = 'x[1] form'; Expected = @('x[1] form') }
        @{ Typed = 'brk]'; Expected = @('brk]') }
        @{ Typed = 'x[1]*'; Expected = @('x[1] form') }
    ) {
        $null = Get-TurnstileWidget $Typed -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures.Count | Should -Be 1
        $text = $failures[0].Exception.Message + ' ' + $failures[0].ErrorDetails.RecommendedAction
        $match = [regex]::Match($text, "use (Get-TurnstileWidget -Name '(?:[^']|'')*')")
        $match.Success | Should -BeTrue -Because $text

        $found = @(& ([scriptblock]::Create($match.Groups[1].Value + ' -ErrorVariable +script:pasted -ErrorAction SilentlyContinue')) | ForEach-Object Name)

        $found | Should -Be $Expected -Because $match.Groups[1].Value
    }

    It 'the pasted suggestion writes no error of its own' {
        $script:pasted = @()
        $null = Get-TurnstileWidget 'a[b' -ErrorVariable failures -ErrorAction SilentlyContinue
        $match = [regex]::Match($failures[0].Exception.Message, "use (Get-TurnstileWidget -Name '(?:[^']|'')*')")
        $null = & ([scriptblock]::Create($match.Groups[1].Value + ' -ErrorVariable +script:pasted -ErrorAction SilentlyContinue'))
        @($script:pasted).Count | Should -Be 0 -Because ($match.Groups[1].Value + ': ' + (@($script:pasted) -join ' | '))
    }
}

Describe 'The widget table at 80 and 120 columns with names in wide characters' {
    BeforeAll {
        Reset-TurnstileEmulator -Emulator $script:emulator
        $script:cjkName = ([string][char]0x6F22 + [char]0x5B57) * 12
        $script:emojiName = [char]::ConvertFromUtf32(0x1F600) * 20
        $null = Add-TurnstileEmulatorWidget -Emulator $script:emulator -Name $script:cjkName -Domain 'cjk.example.com', 'www.cjk.example.com'
        $null = Add-TurnstileEmulatorWidget -Emulator $script:emulator -Name $script:emojiName -Domain 'emoji.example.com'
        $null = Add-TurnstileEmulatorWidget -Emulator $script:emulator -Name 'plain' -Domain 'plain.example.com'
    }

    It 'at <Width> columns: one line per widget within the width, the Domains column whole' -ForEach @(
        @{ Width = 80 }
        @{ Width = 120 }
    ) {
        $text = Get-TurnstileWidget -SortBy Name | Out-String -Width $Width
        $lines = @($text -split '\r?\n' | Where-Object { $_.Trim() })

        $lines[0] | Should -Match '^Name\s+Sitekey\s+Domains$' -Because $text
        $lines.Count | Should -Be 5 -Because $text
        foreach ($line in $lines) { Get-TerminalCell -Line $line | Should -BeLessOrEqual $Width -Because $line }
        $text | Should -Match 'cjk\.example\.com \(\+1\)'
        $text | Should -Match 'emoji\.example\.com'
    }

    It 'cuts a long name between characters, never inside a surrogate pair' {
        $text = Get-TurnstileWidget | Out-String -Width 80
        $text | Should -Not -Match '[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]'
        $text | Should -Match ([regex]::Escape([char]::ConvertFromUtf32(0x1F600) + [char]0x2026))
    }

    It 'keeps the names themselves whole (only the view cuts)' {
        (Get-TurnstileWidget -Name $script:cjkName).Name | Should -Be $script:cjkName
    }
}

Describe 'Set -AddDomain / -RemoveDomain on a widget holding a domain the API stored but this version refuses' {
    BeforeEach {
        $script:held = Initialize-TurnstileEmulatorWidget -Emulator $script:emulator -Name @('held')
        $script:heldKey = $script:held['held'].sitekey
        # Another tool stored a domain this module would refuse to send (the emulator's drift endpoint).
        $null = Invoke-TurnstileEmulatorControl -Emulator $script:emulator -Method Patch -Path "widgets/$script:heldKey" -Body @{ domains = @("odd$([char]7).example.com", 'ok.example.com') }
    }

    It 'sends the domain the user gave and leaves the held one to the API, blaming no parameter for it' {
        # Was (fixed in the engine): WidgetMerge.Merge validated every domain of the merged list whenever the list changed,
        # so a domain the API already holds was refused before sending and blamed on -AddDomain. Now the API judges it
        # (this emulator refuses it, as its own rules say; an API that stored it may accept it again).
        $before = Get-TurnstileEmulatorStatistic -Emulator $script:emulator
        $null = Get-TurnstileWidget -Sitekey $script:heldKey | Set-TurnstileWidget -AddDomain 'new.example.com' -ErrorVariable failed -ErrorAction SilentlyContinue
        $after = Get-TurnstileEmulatorStatistic -Emulator $script:emulator
        ($after.update_requests - $before.update_requests) | Should -Be 1 -Because 'the update is sent; the API decides on the domain it holds'
        @($failed | Where-Object { "$_" -like '-AddDomain:*odd*' }).Count | Should -Be 0 -Because "$failed"
    }

    It 'does not name -RemoveDomain for a domain the user did not give' {
        # Was (fixed in the engine): as above; the refusal quotes the held domain under the parameter the user typed.
        $null = Get-TurnstileWidget -Sitekey $script:heldKey | Set-TurnstileWidget -RemoveDomain 'ok.example.com' -WhatIf -ErrorVariable failed -ErrorAction SilentlyContinue
        @($failed | Where-Object { "$_" -like '-RemoveDomain:*odd*' }).Count | Should -Be 0 -Because "$failed"
    }
}

Describe 'A desired-state entry with an invalid value names the entry''s property, not the wire field' {
    It 'an invalid domain in a piped row: Domains, not domains' {
        # Was (fixed in the engine): DesiredWidget.Validate prefixes the validator's message with the wire field ('domains:');
        # the entry's property is Domains (as Mode, ClearanceLevel...).
        $null = Initialize-TurnstileEmulatorWidget -Emulator $script:emulator -Name @('row')
        $null = [pscustomobject]@{ Name = 'row'; Domains = 'https://row.example.com/path' } | Compare-TurnstileWidget -ErrorVariable failed -ErrorAction SilentlyContinue
        $failed.Count | Should -Be 1
        "$($failed[0])" | Should -Not -MatchExactly '(?<![A-Za-z])domains:' -Because "$($failed[0])"
        "$($failed[0])" | Should -Match 'Domains'
    }
}

Describe 'A refused timing option is told in the user''s words, without the runtime''s parameter note' {
    BeforeAll {
        $null = Initialize-TurnstileEmulatorWidget -Emulator $script:emulator -Name @('timed')
    }

    AfterAll {
        Connect-TurnstileTestEmulator -Emulator $script:emulator
    }

    It '<Case>: names <Parameter>, and no "(Parameter ''...'')" or "Parameter name:"' -ForEach @(
        @{ Case = 'Set-TurnstileWidget -MaxReadAge -1'; Parameter = '-MaxReadAge'; Command = { Get-TurnstileWidget -Name 'timed' | Set-TurnstileWidget -Mode invisible -MaxReadAge ([timespan]::FromSeconds(-1)) -ErrorAction Stop } }
        @{ Case = 'Connect-Turnstile -RequestTimeout 0'; Parameter = '-RequestTimeout'; Command = { Connect-Turnstile -ApiBaseUri $script:emulator.BaseUri -ApiToken $script:emulator.ApiToken -AccountId $script:emulator.AccountId -RequestTimeout 0 -ErrorAction Stop } }
        @{ Case = 'Connect-Turnstile -OperationTimeout 400 days'; Parameter = '-OperationTimeout'; Command = { Connect-Turnstile -ApiBaseUri $script:emulator.BaseUri -ApiToken $script:emulator.ApiToken -AccountId $script:emulator.AccountId -OperationTimeout ([timespan]::FromDays(400)) -ErrorAction Stop } }
        @{ Case = 'Connect-Turnstile -MaxBlockWait -1 s'; Parameter = '-MaxBlockWait'; Command = { Connect-Turnstile -ApiBaseUri $script:emulator.BaseUri -ApiToken $script:emulator.ApiToken -AccountId $script:emulator.AccountId -MaxBlockWait ([timespan]::FromSeconds(-1)) -ErrorAction Stop } }
    ) {
        $failure = $null
        try { & $Command } catch { $failure = $_ }

        $failure | Should -Not -BeNullOrEmpty
        $failure.FullyQualifiedErrorId | Should -BeLike 'TurnstileValidationFailed,*'
        $failure.Exception | Should -BeOfType ([TurnstileWidgets.TurnstileCommandException])
        $failure.Exception.Message | Should -BeLike "$Parameter *"
        $failure.Exception.Message | Should -Not -Match "\(Parameter '|Parameter name:"
    }
}

Describe 'A connection made on first use from the CLOUDFLARE_* variables follows them when they change' {
    BeforeAll {
        # Two accounts, one widget each: which account a listing reads shows which connection it used.
        $script:twoAccounts = Start-TurnstileEmulator -AccountCount 2
        $script:variableNames = @('CLOUDFLARE_API_TOKEN', 'CLOUDFLARE_EMAIL', 'CLOUDFLARE_API_KEY', 'CLOUDFLARE_ACCOUNT_ID', 'CLOUDFLARE_BASE_URL')
        $script:savedVariables = @{}
        foreach ($variable in $script:variableNames) {
            $script:savedVariables[$variable] = [System.Environment]::GetEnvironmentVariable($variable)
            [System.Environment]::SetEnvironmentVariable($variable, $null)
        }
        $script:widgetOf = @{}
        foreach ($account in $script:twoAccounts.AccountIds) {
            Connect-Turnstile -ApiBaseUri $script:twoAccounts.BaseUri -ApiToken $script:twoAccounts.ApiToken -AccountId $account -ErrorAction Stop
            $script:widgetOf[$account] = (New-TurnstileWidget -Name "in-$account" -Domain 'a.example.com' -ErrorAction Stop).Name
        }
    }

    AfterAll {
        foreach ($variable in $script:variableNames) {
            [System.Environment]::SetEnvironmentVariable($variable, $script:savedVariables[$variable])
        }
        Disconnect-Turnstile
        Stop-TurnstileEmulator -Emulator $script:twoAccounts
        Connect-TurnstileTestEmulator -Emulator $script:emulator
    }

    BeforeEach {
        Disconnect-Turnstile
        [System.Environment]::SetEnvironmentVariable('CLOUDFLARE_API_TOKEN', (ConvertFrom-TurnstileTestSecureString -SecureString $script:twoAccounts.ApiToken))
        [System.Environment]::SetEnvironmentVariable('CLOUDFLARE_ACCOUNT_ID', $script:twoAccounts.AccountIds[0])
        [System.Environment]::SetEnvironmentVariable('CLOUDFLARE_BASE_URL', $script:twoAccounts.BaseUri.AbsoluteUri)
    }

    It 'CLOUDFLARE_ACCOUNT_ID set to another account: the next command reads that account, and -Verbose says why' {
        @(Get-TurnstileWidget -ErrorAction Stop).Name | Should -Be $script:widgetOf[$script:twoAccounts.AccountIds[0]]
        [System.Environment]::SetEnvironmentVariable('CLOUDFLARE_ACCOUNT_ID', $script:twoAccounts.AccountIds[1])

        $output = @(Get-TurnstileWidget -Verbose -ErrorAction Stop 4>&1)

        @($output | Where-Object { $_ -is [TurnstileWidgets.TurnstileWidget] }).Name | Should -Be $script:widgetOf[$script:twoAccounts.AccountIds[1]]
        @($output | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -like '*CLOUDFLARE_*changed*' }).Count | Should -Be 1
        (Get-TurnstileConnection).AccountId | Should -Be $script:twoAccounts.AccountIds[1]
    }

    It 'the variables unchanged: no second token check' {
        $null = Get-TurnstileWidget -ErrorAction Stop
        $before = Get-TurnstileEmulatorStatistic -Emulator $script:twoAccounts

        $null = Get-TurnstileWidget -ErrorAction Stop

        $after = Get-TurnstileEmulatorStatistic -Emulator $script:twoAccounts
        $after.verify_token_requests - $before.verify_token_requests | Should -Be 0
    }

    It 'the variables removed after the first use: the connection stays (nothing names another account)' {
        $null = Get-TurnstileWidget -ErrorAction Stop
        foreach ($variable in $script:variableNames) { [System.Environment]::SetEnvironmentVariable($variable, $null) }

        @(Get-TurnstileWidget -ErrorAction Stop).Name | Should -Be $script:widgetOf[$script:twoAccounts.AccountIds[0]]
    }

    It 'a connection made with Connect-Turnstile is kept whatever the variables say' {
        Connect-Turnstile -ApiBaseUri $script:twoAccounts.BaseUri -ApiToken $script:twoAccounts.ApiToken -AccountId $script:twoAccounts.AccountIds[0] -ErrorAction Stop
        [System.Environment]::SetEnvironmentVariable('CLOUDFLARE_ACCOUNT_ID', $script:twoAccounts.AccountIds[1])

        @(Get-TurnstileWidget -ErrorAction Stop).Name | Should -Be $script:widgetOf[$script:twoAccounts.AccountIds[0]]
    }
}

Describe 'Set -AddDomain with -RemoveDomain over the account''s domain limit' {
    It 'says to add fewer with -AddDomain or remove more with -RemoveDomain, with the limit Cloudflare reported' {
        $sitekey = (Initialize-TurnstileEmulatorWidget -Emulator $script:emulator -Name @('limited'))['limited'].sitekey
        $adds = @(1..10 | ForEach-Object { "h$_.example.com" })

        $null = Set-TurnstileWidget -Sitekey $sitekey -AddDomain $adds -RemoveDomain 'not-there.example.com' -ErrorVariable failed -ErrorAction SilentlyContinue

        $failed.Count | Should -Be 1
        $failed[0].FullyQualifiedErrorId | Should -BeLike 'TurnstileDomainLimitExceeded,*'
        $failed[0].ErrorDetails.RecommendedAction | Should -Match 'Add fewer domains with -AddDomain, or remove more with -RemoveDomain, so the widget has at most 10 in all'
    }
}

Describe 'An API that cannot be reached: the advice names where the address came from either way' {
    AfterEach {
        Invoke-RestMethod -Method Delete -Uri ([uri]::new($script:emulator.ControlUri, 'faults/script')) -ErrorAction Stop
    }

    It 'names -ApiBaseUri and CLOUDFLARE_BASE_URL (a first-use connection took its address from the variable)' {
        $sitekey = (Initialize-TurnstileEmulatorWidget -Emulator $script:emulator -Name @('unreachable'))['unreachable'].sitekey
        foreach ($attempt in 1..10) { Set-TurnstileEmulatorFault -Emulator $script:emulator -Step @{ drop = $true; path_contains = $sitekey } }

        $null = Get-TurnstileWidget -Sitekey $sitekey -ErrorVariable failed -ErrorAction SilentlyContinue

        $failed.Count | Should -Be 1
        $failed[0].FullyQualifiedErrorId | Should -BeLike 'TurnstileConnectionFailed,*'
        $failed[0].ErrorDetails.RecommendedAction | Should -Match '-ApiBaseUri'
        $failed[0].ErrorDetails.RecommendedAction | Should -Match 'CLOUDFLARE_BASE_URL'
    }
}

Describe 'A credential refused for an account: the advice names where the account id came from either way' {
    AfterAll {
        Connect-TurnstileTestEmulator -Emulator $script:emulator
    }

    It 'an account the credential cannot read: names -AccountId and CLOUDFLARE_ACCOUNT_ID' {
        $failure = $null
        try {
            Connect-Turnstile -ApiBaseUri $script:emulator.BaseUri -ApiToken $script:emulator.ApiToken -AccountId (Get-TurnstileRandomHex -Length 32) -ErrorAction Stop
        }
        catch [TurnstileWidgets.TurnstileCommandException] {
            $failure = $_
        }

        $failure | Should -Not -BeNullOrEmpty
        $failure.FullyQualifiedErrorId | Should -BeLike 'TurnstileAccessDenied,*'
        $failure.ErrorDetails.RecommendedAction | Should -Match '-AccountId'
        $failure.ErrorDetails.RecommendedAction | Should -Match 'CLOUDFLARE_ACCOUNT_ID'
    }

    It 'a wrong Global API key: the message says the credential was refused, not to check the account id' {
        # Was (fixed in the engine): ApiErrors.Advice words a 403 by status alone ("not allowed to do this on account ...: check the
        # account id, and that the API token has ..."); a 403 whose code is 10000 is classified Authentication (the key is
        # wrong) and should get the 401 advice ("The credential was not accepted: check the API token (or email and Global
        # API key)"). Only the legacy scheme reaches it: a token is verified first, without an account.
        $failure = $null
        try {
            Connect-Turnstile -ApiBaseUri $script:emulator.BaseUri -Email $script:emulator.Email -ApiKey (ConvertTo-TurnstileTestSecureString -Text 'not-the-key') -AccountId $script:emulator.AccountId -ErrorAction Stop
        }
        catch [TurnstileWidgets.TurnstileCommandException] {
            $failure = $_
        }

        $failure.FullyQualifiedErrorId | Should -BeLike 'TurnstileAuthenticationFailed,*'
        $failure.Exception.Message | Should -Not -Match 'check the account id'
    }
}

Describe 'A -Connection that names no connection, and could not name one' {
    It '-Connection <Case>: the message shows the name made visible and suggests no Connect-Turnstile -Name it would refuse' -ForEach @(
        @{ Case = 'with a space'; Name = 'my staging' }
        @{ Case = 'with an escape character'; Name = "stag$([char]0x1B)[2Jing" }
    ) {
        $failure = $null
        try { Get-TurnstileWidget -Connection $Name -ErrorAction Stop } catch { $failure = $_ }

        $failure | Should -Not -BeNullOrEmpty
        $text = $failure.Exception.Message
        $text | Should -Match 'No connection is named'
        $text | Should -Not -Match '[\x00-\x08\x0B\x0C\x0E-\x1F\x7F]'
        $text | Should -Not -Match 'Connect-Turnstile -Name'
        $text | Should -Match 'letters, digits'
    }

    It '-Connection with a name Connect-Turnstile takes: still suggests connecting under it' {
        $failure = $null
        try { Get-TurnstileWidget -Connection 'staging' -ErrorAction Stop } catch { $failure = $_ }

        $failure.Exception.Message | Should -Match "Connect-Turnstile -Name staging"
    }
}

Describe 'A -Name pattern PowerShell refuses, holding a control character (a name copied from the API)' {
    It 'the message shows the pattern made visible' {
        $failure = $null
        $null = Get-TurnstileWidget -Name "copied$([char]0x1B)[2J" -ErrorVariable failure -ErrorAction SilentlyContinue

        $failure.Count | Should -Be 1
        $failure[0].Exception.Message | Should -Match 'not a valid wildcard pattern'
        $failure[0].Exception.Message | Should -Not -Match '[\x00-\x08\x0B\x0C\x0E-\x1F\x7F]'
    }
}

Describe 'Export-Csv of a plan, a secret check and analytics rows writes their lists as text, not .NET type names' {
    BeforeAll {
        $script:exported = Initialize-TurnstileEmulatorWidget -Emulator $script:emulator -Name @('exported')
        $script:exportedKey = $script:exported['exported'].sitekey
        $script:csvPath = Join-Path -Path $TestDrive -ChildPath 'out.csv'
        function Get-CsvText {
            param([Parameter(ValueFromPipeline)] [object] $InputObject)
            begin { $items = [System.Collections.Generic.List[object]]::new() }
            process { $items.Add($InputObject) }
            end {
                $items | Export-Csv -LiteralPath $script:csvPath
                Get-Content -LiteralPath $script:csvPath -Raw
            }
        }
    }

    It 'Compare-TurnstileWidget | Export-Csv: the Changes cell says what changes' {
        $text = [pscustomobject]@{ Name = 'exported'; Domains = 'exported.example.com;www.exported.example.com'; Mode = 'invisible' } | Compare-TurnstileWidget | Get-CsvText

        $text | Should -Not -Match 'TurnstileWidgets\.|System\.'
        $text | Should -Match 'Mode: managed -> invisible'
        (Import-Csv -LiteralPath $script:csvPath).Changes | Should -Match 'Domains: '
    }

    It 'Test-TurnstileWidgetSecret | Export-Csv: the ErrorCodes cell holds the codes' {
        $widget = Get-TurnstileWidget -Sitekey $script:exportedKey
        $text = Test-TurnstileWidgetSecret -Sitekey $script:exportedKey -Secret (ConvertTo-TurnstileTestSecureString -Text $script:exported['exported'].secret) -ErrorAction SilentlyContinue | Get-CsvText

        $text | Should -Not -Match 'System\.'
        (Import-Csv -LiteralPath $script:csvPath).ErrorCodes | Should -Not -BeNullOrEmpty
        $widget | Should -Not -BeNullOrEmpty
    }

    It 'Get-TurnstileAnalytics | Export-Csv: the EventCounts cell holds each event type and its count' {
        $null = Invoke-TurnstileEmulatorControl -Emulator $script:emulator -Method Post -Path 'events' -Body @{ events = @(@{ sitekey = $script:exportedKey; event_type = 'challenge_issued'; count = 3 }) }

        $text = Get-TurnstileWidget -Sitekey $script:exportedKey | Get-TurnstileAnalytics | Get-CsvText

        $text | Should -Not -Match 'System\.'
        (Import-Csv -LiteralPath $script:csvPath).EventCounts | Should -Match 'challenge_issued: 3'
    }

    It 'the lists stay lists in PowerShell (index, count, -contains, key lookup)' {
        $change = [pscustomobject]@{ Name = 'exported'; Domains = 'exported.example.com'; Mode = 'invisible' } | Compare-TurnstileWidget
        $change.Changes[0].Property | Should -Be 'Mode'
        @($change.Changes).Count | Should -Be 1
        $row = Get-TurnstileWidget -Sitekey $script:exportedKey | Get-TurnstileAnalytics
        $row.EventCounts['challenge_issued'] | Should -BeGreaterThan 0
    }
}

Describe 'A plan''s changes expanded (Compare-TurnstileWidget help''s example) and exported' {
    It 'Select-Object -ExpandProperty Changes | Export-Csv: the Domains row holds the domains' {
        $null = Initialize-TurnstileEmulatorWidget -Emulator $script:emulator -Name @('expanded')
        $path = Join-Path -Path $TestDrive -ChildPath 'changes.csv'

        [pscustomobject]@{ Name = 'expanded'; Domains = 'expanded.example.com;www.expanded.example.com' } | Compare-TurnstileWidget |
            Select-Object -Property Action, Name -ExpandProperty Changes | Export-Csv -LiteralPath $path

        $row = Import-Csv -LiteralPath $path | Where-Object Property -EQ 'Domains'
        $row.Current | Should -Be 'expanded.example.com'
        $row.Desired | Should -Be 'expanded.example.com;www.expanded.example.com'
    }
}

Describe 'A name typed where Set, Remove or rotation take a sitekey: the advice is the pipeline that acts on that widget' {
    BeforeAll {
        Connect-TurnstileTestEmulator -Emulator $script:emulator
        $null = New-TurnstileWidget -Name 'login form' -Domain 'login.example.com'
        $null = New-TurnstileWidget -Name 'loginform' -Domain 'login.example.com'
    }

    It '<Command> <Typed> (<Case>): the advice pipes Get-TurnstileWidget -Name into <Command>, and the pasted pipeline finds the widget' -ForEach @(
        @{ Command = 'Remove-TurnstileWidget'; Typed = 'login form'; Case = 'cannot be a sitekey'; Arguments = @{ Force = $true } }
        @{ Command = 'Set-TurnstileWidget'; Typed = 'login form'; Case = 'cannot be a sitekey'; Arguments = @{ Mode = 'invisible' } }
        @{ Command = 'Invoke-TurnstileSecretRotation'; Typed = 'login form'; Case = 'cannot be a sitekey'; Arguments = @{ Force = $true } }
        @{ Command = 'Remove-TurnstileWidget'; Typed = 'loginform'; Case = 'no such sitekey'; Arguments = @{ Force = $true } }
    ) {
        $failure = $null
        try { & $Command -Sitekey $Typed @Arguments -ErrorAction Stop } catch { $failure = $_ }
        $failure | Should -Not -BeNullOrEmpty
        $advice = $failure.ErrorDetails.RecommendedAction
        $advice | Should -BeLike "*Get-TurnstileWidget -Name '$Typed' | $Command.*"
        # The suggested pipeline, pasted as the user would (under -WhatIf: it must reach the widget, not change it).
        $pipeline = [regex]::Match($advice, "Get-TurnstileWidget -Name '[^']*' \| $Command").Value
        $found = & ([scriptblock]::Create(($pipeline -split ' \| ')[0]))
        @($found).Count | Should -Be 1
        $found.Name | Should -BeExactly $Typed
        { & ([scriptblock]::Create("$pipeline -WhatIf -ErrorAction Stop")) } | Should -Not -Throw
    }

    It 'Get-TurnstileWidget keeps its own advice (-Name), not a pipeline into itself' {
        $failure = $null
        try { Get-TurnstileWidget -Sitekey 'loginform' -ErrorAction Stop } catch { $failure = $_ }
        $failure.ErrorDetails.RecommendedAction | Should -Not -BeLike '*| Get-TurnstileWidget*'
        $failure.ErrorDetails.RecommendedAction | Should -BeLike "*Get-TurnstileWidget -Name 'loginform'*"
    }
}
