Set-StrictMode -Version Latest

# Issue 16 (client side): credentials never echoed, control characters refused, internationalised domains sent in
# their ASCII form, blank CSV cells read as "not given", wrong-typed desired-state fields refused, and an API that never
# answers failing within the connection's time limits. The misbehaving servers are loopback fakes on ports the OS picks.

BeforeAll {
    $script:emulator = $null
    Import-Module -Name (Join-Path -Path $PSScriptRoot -ChildPath 'TestHelpers/TurnstileTestHelpers.psm1') -Force
    $script:emulator = Start-TurnstileTestSession
    if (-not ('TurnstileWidgets.Tests.LoopbackFakeApi' -as [type])) {
        Add-Type -Path (Join-Path -Path $PSScriptRoot -ChildPath 'TestHelpers/LoopbackFakeApi.cs')
    }

    $script:variableNames = @('CLOUDFLARE_API_TOKEN', 'CLOUDFLARE_EMAIL', 'CLOUDFLARE_API_KEY', 'CLOUDFLARE_ACCOUNT_ID', 'CLOUDFLARE_BASE_URL')
    $script:port = $script:emulator.BaseUri.Port

    # Runs a command and returns everything it leaves anywhere a person could read it: every stream (-Verbose and
    # -Debug included), the error's message, details, recommended action, the exception's fields, and $Error.
    function Get-EverythingShown {
        param([scriptblock] $Command)
        $Error.Clear()
        $DebugPreference = 'Continue'
        $VerbosePreference = 'Continue'
        $shown = & {
            try {
                & $Command
            }
            catch {
                $_
                $_.ErrorDetails.Message
                $_.ErrorDetails.RecommendedAction
                $_.Exception | Format-List -Property * -Force | Out-String -Width 500
                if ($_.Exception.PSObject.Properties['Errors']) { $_.Exception.Errors | Format-List -Property * | Out-String -Width 500 }
            }
        } *>&1 | Out-String -Width 500
        $shown + ($Error | Out-String -Width 500) + ($Error | ForEach-Object { $_.Exception.Message } | Out-String -Width 500)
    }
}

AfterAll {
    Stop-TurnstileTestSession -Emulator $script:emulator
}

Describe 'Credentials are never echoed' {
    BeforeEach {
        $script:savedVariables = @{}
        foreach ($name in $script:variableNames) {
            $script:savedVariables[$name] = [System.Environment]::GetEnvironmentVariable($name)
            [System.Environment]::SetEnvironmentVariable($name, $null)
        }
    }

    AfterEach {
        foreach ($name in $script:variableNames) {
            [System.Environment]::SetEnvironmentVariable($name, $script:savedVariables[$name])
        }
        Connect-TurnstileTestEmulator -Emulator $script:emulator
    }

    It 'never shows the password of <url> given to -ApiBaseUri, in any stream or error' -ForEach @(
        @{ url = 'http://admin:hunter2@127.0.0.1:PORT/client/v4' }
        @{ url = 'https://admin:hunter2@127.0.0.1:PORT/client/v4' }
        @{ url = 'ftp://admin:hunter2@127.0.0.1:PORT/client/v4' }
    ) {
        $uri = [uri]$url.Replace('PORT', $script:port)
        $shown = Get-EverythingShown {
            Connect-Turnstile -ApiBaseUri $uri -ApiToken $script:emulator.ApiToken -AccountId $script:emulator.AccountId -Verbose -PassThru
        }

        $shown | Should -Not -Match 'hunter2'
        $shown | Should -Match 'ApiBaseUri'
    }

    It 'never shows the password of <url> in CLOUDFLARE_BASE_URL, in any stream or error' -ForEach @(
        @{ url = 'http://admin:hunter2@127.0.0.1:PORT/client/v4' }
        @{ url = 'ftp://admin:hunter2@127.0.0.1:PORT/client/v4' }
    ) {
        [System.Environment]::SetEnvironmentVariable('CLOUDFLARE_BASE_URL', $url.Replace('PORT', $script:port))
        $shown = Get-EverythingShown {
            Connect-Turnstile -ApiToken $script:emulator.ApiToken -AccountId $script:emulator.AccountId -Verbose -PassThru
        }

        $shown | Should -Not -Match 'hunter2'
        $shown | Should -Match 'CLOUDFLARE_BASE_URL'
        Get-TurnstileConnection | Out-String | Should -Not -Match 'hunter2'
    }

    It 'replaces the API token a proxy echoes (JSON envelope, plain text, response header) with a placeholder' {
        $fake = [TurnstileWidgets.Tests.LoopbackFakeApi]::new('Echo')
        try {
            $token = ConvertTo-TurnstileTestSecureString 'echoed-secret-token-0123456789'
            $shown = Get-EverythingShown {
                Connect-Turnstile -ApiBaseUri $fake.BaseUri -ApiToken $token -AccountId $script:emulator.AccountId -Verbose
            }
            $shown | Should -Not -Match 'echoed-secret-token'
            $shown | Should -Match ([regex]::Escape('[API token removed]'))

            # A plain-text answer this time: the fake alternates.
            $shown = Get-EverythingShown {
                Connect-Turnstile -ApiBaseUri $fake.BaseUri -ApiToken $token -AccountId $script:emulator.AccountId -Verbose
            }
            $shown | Should -Not -Match 'echoed-secret-token'
            $fake.Requests | Should -BeGreaterOrEqual 2
        }
        finally {
            $fake.Dispose()
        }
    }

    It 'replaces the Global API key and its email a proxy echoes' {
        $fake = [TurnstileWidgets.Tests.LoopbackFakeApi]::new('Echo')
        try {
            $key = ConvertTo-TurnstileTestSecureString 'echoed-global-key-abcdef'
            foreach ($attempt in 1..2) {
                $shown = Get-EverythingShown {
                    Connect-Turnstile -ApiBaseUri $fake.BaseUri -Email 'owner@example.com' -ApiKey $key -AccountId $script:emulator.AccountId -Verbose
                }
                $shown | Should -Not -Match 'echoed-global-key'
                $shown | Should -Not -Match 'owner@example.com'
                $shown | Should -Match ([regex]::Escape('[API key removed]'))
            }
        }
        finally {
            $fake.Dispose()
        }
    }

    It 'refuses a token holding <label> before any request, saying which character and where' -ForEach @(
        @{ label = 'NUL'; char = [char]0; described = 'U\+0000 NULL' }
        @{ label = 'CR'; char = [char]13; described = 'U\+000D CARRIAGE RETURN' }
        @{ label = 'LF'; char = [char]10; described = 'U\+000A LINE FEED' }
        @{ label = 'TAB'; char = [char]9; described = 'U\+0009 CHARACTER TABULATION' }
        @{ label = 'ESC'; char = [char]27; described = 'U\+001B ESCAPE' }
        @{ label = 'DEL'; char = [char]127; described = 'U\+007F DELETE' }
    ) {
        $before = (Get-TurnstileEmulatorStatistic -Emulator $script:emulator).total_requests
        $text = (ConvertFrom-TurnstileTestSecureString -SecureString $script:emulator.ApiToken) + $char + 'tail'
        $token = ConvertTo-TurnstileTestSecureString $text

        $shown = Get-EverythingShown {
            Connect-Turnstile -ApiBaseUri $script:emulator.BaseUri -ApiToken $token -AccountId $script:emulator.AccountId
        }

        $shown | Should -Match $described
        $shown | Should -Match 'position'
        $shown | Should -Not -Match ([regex]::Escape((ConvertFrom-TurnstileTestSecureString -SecureString $script:emulator.ApiToken)))
        (Get-TurnstileEmulatorStatistic -Emulator $script:emulator).total_requests | Should -Be $before
    }

    It 'refuses a Global API key holding NUL before any request' {
        $key = ConvertTo-TurnstileTestSecureString ('key' + [char]0 + 'rest')
        { Connect-Turnstile -ApiBaseUri $script:emulator.BaseUri -Email 'a@example.com' -ApiKey $key -AccountId $script:emulator.AccountId -ErrorAction Stop } |
            Should -Throw -ExpectedMessage '*U+0000 NULL) at position 4*'
    }
}

Describe 'Widget names with control characters' {
    BeforeAll {
        Reset-TurnstileEmulator -Emulator $script:emulator
        $script:existing = Add-TurnstileEmulatorWidget -Emulator $script:emulator -Name 'plain-name'
    }

    It 'New-TurnstileWidget refuses a name with <label> before any request, naming it and its position' -ForEach @(
        @{ label = 'NUL'; name = "a$([char]0)b"; expected = 'U+0000 NULL at position 2' }
        @{ label = 'CR'; name = "a$([char]13)b"; expected = 'U+000D CARRIAGE RETURN at position 2' }
        @{ label = 'LF'; name = "ab$([char]10)"; expected = 'U+000A LINE FEED at position 3' }
        @{ label = 'TAB'; name = "a$([char]9)b"; expected = 'U+0009 CHARACTER TABULATION at position 2' }
        @{ label = 'BEL'; name = "$([char]7)ab"; expected = 'U+0007 BELL at position 1' }
        @{ label = 'DEL'; name = "a$([char]127)"; expected = 'U+007F DELETE at position 2' }
        @{ label = 'ESC'; name = "a$([char]0)b$([char]27)[2J"; expected = 'U+0000 NULL at position 2' }
        @{ label = 'ESC alone'; name = "x$([char]27)[2J"; expected = 'U+001B ESCAPE at position 2' }
        @{ label = 'U+202E'; name = "invoice$([char]0x202E)fdp.exe"; expected = 'U+202E RIGHT-TO-LEFT OVERRIDE at position 8' }
    ) {
        $before = (Get-TurnstileEmulatorStatistic -Emulator $script:emulator).total_requests

        $widget = New-TurnstileWidget -Name $name -Domain 'example.com' -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable failure

        $widget | Should -BeNullOrEmpty
        $failure[0].FullyQualifiedErrorId | Should -BeLike 'TurnstileValidationFailed*'
        $failure[0].Exception.Message | Should -BeLike "*$expected*"
        $failure[0].Exception.Message | Should -Not -Match ([regex]::Escape([string][char]27))
        (Get-TurnstileEmulatorStatistic -Emulator $script:emulator).total_requests | Should -Be $before
    }

    It 'refuses a whitespace-only name (<label>) before any request' -ForEach @(
        @{ label = 'spaces'; name = '   ' }
        @{ label = 'no-break space'; name = "$([char]0xA0)$([char]0xA0)" }
    ) {
        $before = (Get-TurnstileEmulatorStatistic -Emulator $script:emulator).total_requests
        New-TurnstileWidget -Name $name -Domain 'example.com' -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable failure
        $failure[0].Exception.Message | Should -BeLike '*only whitespace*'
        (Get-TurnstileEmulatorStatistic -Emulator $script:emulator).total_requests | Should -Be $before
    }

    It 'Set-TurnstileWidget -Name refuses an ESC before reading the widget' {
        $before = (Get-TurnstileEmulatorStatistic -Emulator $script:emulator).total_requests
        Set-TurnstileWidget -Sitekey $script:existing.sitekey -Name "evil$([char]27)[2J" -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable failure
        $failure[0].Exception.Message | Should -BeLike '*U+001B ESCAPE at position 5*'
        (Get-TurnstileEmulatorStatistic -Emulator $script:emulator).total_requests | Should -Be $before
    }

    It 'Sync-TurnstileWidget refuses an entry whose Name holds U+202E, naming the entry, and lists nothing' {
        $path = Join-Path -Path $TestDrive -ChildPath 'names.json'
        Set-Content -LiteralPath $path -Value ('[{"Name": "a\u202Eb", "Domains": ["example.com"]}]') -Encoding utf8
        $before = (Get-TurnstileEmulatorStatistic -Emulator $script:emulator).total_requests
        Sync-TurnstileWidget -Path $path -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable failure
        ($failure | Out-String) | Should -Match 'entry 1 of names.json'
        ($failure | Out-String) | Should -Match 'U\+202E'
        (Get-TurnstileEmulatorStatistic -Emulator $script:emulator).total_requests | Should -Be $before
    }
}

Describe 'Internationalised domains' {
    BeforeEach {
        Reset-TurnstileEmulator -Emulator $script:emulator
    }

    It 'New-TurnstileWidget sends <unicode> as <ascii> and says so under -Verbose' -ForEach @(
        @{ unicode = 'münchen.de'; ascii = 'xn--mnchen-3ya.de' }
        @{ unicode = 'пример.рф'; ascii = 'xn--e1afmkfd.xn--p1ai' }
        @{ unicode = '例え.jp'; ascii = 'xn--r8jz45g.jp' }
    ) {
        $verbose = New-TurnstileWidget -Name 'idn' -Domain $unicode -Confirm:$false -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        ($verbose | Out-String) | Should -Match ([regex]::Escape("'$unicode'"))
        ($verbose | Out-String) | Should -Match ([regex]::Escape("'$ascii'"))
        (Get-TurnstileEmulatorWidget -Emulator $script:emulator).domains | Should -Be @($ascii)
    }

    It 'Set-TurnstileWidget -AddDomain <unicode> adds <ascii> with one GET and one PUT, and a second run writes nothing' -ForEach @(
        @{ unicode = 'münchen.de'; ascii = 'xn--mnchen-3ya.de' }
        @{ unicode = 'пример.рф'; ascii = 'xn--e1afmkfd.xn--p1ai' }
        @{ unicode = '例え.jp'; ascii = 'xn--r8jz45g.jp' }
    ) {
        $widget = Add-TurnstileEmulatorWidget -Emulator $script:emulator -Name 'idn-set' -Domain 'example.com'
        Set-TurnstileWidget -Sitekey $widget.sitekey -AddDomain $unicode -Confirm:$false -ErrorAction Stop
        (Get-TurnstileEmulatorWidget -Emulator $script:emulator).domains | Should -Be @('example.com', $ascii)
        $updates = (Get-TurnstileEmulatorStatistic -Emulator $script:emulator).update_requests

        Set-TurnstileWidget -Sitekey $widget.sitekey -AddDomain $unicode -Confirm:$false -ErrorAction Stop

        (Get-TurnstileEmulatorStatistic -Emulator $script:emulator).update_requests | Should -Be $updates
    }

    It 'Compare and Sync match <unicode> to the live <ascii>: the second Sync writes nothing' -ForEach @(
        @{ unicode = 'münchen.de'; ascii = 'xn--mnchen-3ya.de' }
        @{ unicode = 'пример.рф'; ascii = 'xn--e1afmkfd.xn--p1ai' }
        @{ unicode = '例え.jp'; ascii = 'xn--r8jz45g.jp' }
    ) {
        $path = Join-Path -Path $TestDrive -ChildPath 'idn.json'
        Set-Content -LiteralPath $path -Value (ConvertTo-Json -InputObject @(@{ Name = 'idn-sync'; Domains = @($unicode, 'example.com') }) -Depth 3) -Encoding utf8

        (Compare-TurnstileWidget -Path $path).Action | Should -Be 'Create'
        $verbose = Sync-TurnstileWidget -Path $path -Confirm:$false -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        ($verbose | Out-String) | Should -Match ([regex]::Escape($ascii))
        (Get-TurnstileEmulatorWidget -Emulator $script:emulator).domains | Sort-Object | Should -Be (@($ascii, 'example.com') | Sort-Object)
        $stats = Get-TurnstileEmulatorStatistic -Emulator $script:emulator

        Compare-TurnstileWidget -Path $path | Should -BeNullOrEmpty
        Sync-TurnstileWidget -Path $path -Confirm:$false -ErrorAction Stop

        $after = Get-TurnstileEmulatorStatistic -Emulator $script:emulator
        $after.create_requests | Should -Be $stats.create_requests
        $after.update_requests | Should -Be $stats.update_requests
    }
}

Describe 'Blank CSV cells mean "not given"' {
    BeforeEach {
        Reset-TurnstileEmulator -Emulator $script:emulator
    }

    It 'New-TurnstileWidget creates every row of a CSV with blank Mode, Region, ClearanceLevel and switch cells' {
        $path = Join-Path -Path $TestDrive -ChildPath 'blank.csv'
        @(
            'Name,Domain,Mode,Region,ClearanceLevel,BotFightMode'
            'shop,example.com,,,,'
            'blog,blog.example.com,invisible,,,'
            'news,news.example.com,, ,jschallenge,'
        ) | Set-Content -LiteralPath $path -Encoding utf8

        $created = @(Import-Csv -LiteralPath $path | New-TurnstileWidget -Confirm:$false -ErrorAction Stop)

        $created.Count | Should -Be 3
        $byName = @{}
        foreach ($stored in Get-TurnstileEmulatorWidget -Emulator $script:emulator) { $byName[$stored.name] = $stored }
        $byName['shop'].mode | Should -Be 'managed'
        $byName['shop'].region | Should -Be 'world'
        $byName['blog'].mode | Should -Be 'invisible'
        $byName['news'].clearance_level | Should -Be 'jschallenge'
    }

    It 'New-TurnstileWidget sends a value this version does not know (Cloudflare adds values); the API''s refusal names -Mode and its values' {
        $before = Get-TurnstileEmulatorStatistic -Emulator $script:emulator
        $failure = $null
        try { New-TurnstileWidget -Name 'x' -Domain 'example.com' -Mode 'loud' -Confirm:$false -ErrorAction Stop } catch { $failure = $_ }
        $after = Get-TurnstileEmulatorStatistic -Emulator $script:emulator
        ($after.create_requests - $before.create_requests) | Should -Be 1
        $failure.FullyQualifiedErrorId | Should -BeLike 'TurnstileValidationFailed,*'
        $failure.Exception.Message | Should -BeLike '*managed*non-interactive*invisible*'
        $failure.ErrorDetails.RecommendedAction | Should -BeLike '*-Mode*'
    }

    It 'Set-TurnstileWidget takes Import-Csv rows with blank cells: they change nothing and are not warned about' {
        $widget = Add-TurnstileEmulatorWidget -Emulator $script:emulator -Name 'keep' -Domain 'example.com' -Mode 'invisible'
        $path = Join-Path -Path $TestDrive -ChildPath 'set.csv'
        @('Sitekey,Name,Domain,Mode,Region,ClearanceLevel', "$($widget.sitekey),,,,,") | Set-Content -LiteralPath $path -Encoding utf8

        $warnings = Import-Csv -LiteralPath $path | Set-TurnstileWidget -Confirm:$false -ErrorAction Stop 3>&1

        $warnings | Should -BeNullOrEmpty
        $stored = Get-TurnstileEmulatorWidget -Emulator $script:emulator
        $stored.name | Should -Be 'keep'
        $stored.mode | Should -Be 'invisible'
        (Get-TurnstileEmulatorStatistic -Emulator $script:emulator).update_requests | Should -Be 0
    }

    It 'Set-TurnstileWidget -Mode { $_.Mode } leaves the mode alone for a blank cell and sets it for a filled one' {
        $a = Add-TurnstileEmulatorWidget -Emulator $script:emulator -Name 'a' -Domain 'a.example.com' -Mode 'invisible'
        $b = Add-TurnstileEmulatorWidget -Emulator $script:emulator -Name 'b' -Domain 'b.example.com' -Mode 'invisible'
        $rows = @"
Sitekey,Mode
$($a.sitekey),
$($b.sitekey),managed
"@ | ConvertFrom-Csv

        $rows | Set-TurnstileWidget -Mode { $_.Mode } -Confirm:$false -ErrorAction Stop

        $byName = @{}
        foreach ($stored in Get-TurnstileEmulatorWidget -Emulator $script:emulator) { $byName[$stored.name] = $stored }
        $byName['a'].mode | Should -Be 'invisible'
        $byName['b'].mode | Should -Be 'managed'
    }
}

Describe 'Desired-state fields of the wrong type' {
    BeforeEach {
        Reset-TurnstileEmulator -Emulator $script:emulator
    }

    It 'refuses <label> in a JSON file, naming the entry and field, and lists and sends nothing' -ForEach @(
        @{ label = 'an object as Name'; json = '[{"Name": {"x": 1}, "Domains": ["example.com"]}]'; expected = '*entry 1 of bad.json*Name is an object*' }
        @{ label = 'a list as Name'; json = '[{"Name": ["a", "b"], "Domains": ["example.com"]}]'; expected = '*Name is a list*' }
        @{ label = 'a number as Name'; json = '[{"Name": 5, "Domains": ["example.com"]}]'; expected = '*Name is a number*' }
        @{ label = 'true as Name'; json = '[{"Name": true, "Domains": ["example.com"]}]'; expected = '*Name is true/false*' }
        @{ label = 'an object as Mode'; json = '[{"Name": "a", "Domains": ["example.com"], "Mode": {"m": 1}}]'; expected = '*Mode is an object*' }
        @{ label = 'a list as Sitekey'; json = '[{"Sitekey": ["0x4AAA"], "Name": "a"}]'; expected = '*Sitekey is a list*' }
        @{ label = 'an object as Domains'; json = '[{"Name": "a", "Domains": {"d": "example.com"}}]'; expected = '*Domains is an object*' }
        @{ label = 'an object in Domains'; json = '[{"Name": "a", "Domains": ["example.com", {"d": 1}]}]'; expected = '*Domains item 2 is an object*' }
        @{ label = 'a number as BotFightMode'; json = '[{"Name": "a", "Domains": ["example.com"], "BotFightMode": 1}]'; expected = '*BotFightMode is a number*' }
        @{ label = 'a string entry'; json = '["shop"]'; expected = '*entry 1 of bad.json*not an object*' }
    ) {
        $path = Join-Path -Path $TestDrive -ChildPath 'bad.json'
        Set-Content -LiteralPath $path -Value $json -Encoding utf8
        $before = (Get-TurnstileEmulatorStatistic -Emulator $script:emulator).total_requests

        Sync-TurnstileWidget -Path $path -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable failure
        Compare-TurnstileWidget -Path $path -ErrorAction SilentlyContinue -ErrorVariable compareFailure

        ($failure | Out-String -Width 500) | Should -BeLike $expected
        ($compareFailure | Out-String -Width 500) | Should -BeLike $expected
        (Get-TurnstileEmulatorStatistic -Emulator $script:emulator).total_requests | Should -Be $before
    }

    It 'refuses <label> in a .psd1 file, naming what is wrong, and lists and sends nothing' -ForEach @(
        @{ label = 'a script block as Name'; psd1 = "@{ Widgets = @( @{ Name = { 'shop' }; Domains = 'example.com' } ) }"; expected = '*entry 1 of bad.psd1*Name is a ScriptBlock*' }
        @{ label = 'a script block in Domains'; psd1 = "@{ Widgets = @( @{ Name = 'shop'; Domains = @('example.com', { 'x' }) } ) }"; expected = '*Domains item 2 is a ScriptBlock*' }
        @{ label = 'a hashtable as Name'; psd1 = "@{ Widgets = @( @{ Name = @{ x = 1 }; Domains = 'example.com' } ) }"; expected = '*Name is an object*' }
        @{ label = 'an unquoted hex sitekey'; psd1 = "@{ Widgets = @( @{ Sitekey = 0x4AAA; Name = 'shop' } ) }"; expected = '*Sitekey is a number*quotes*' }
        @{ label = 'a command before the hashtable'; psd1 = "Remove-Item -Path nothing`n@{ Widgets = @( @{ Name = 'shop'; Domains = 'example.com' } ) }"; expected = "*bad.psd1 line 1*Remove-Item*not data*" }
        @{ label = 'a command after the hashtable'; psd1 = "@{ Widgets = @( @{ Name = 'shop'; Domains = 'example.com' } ) }`nGet-Date"; expected = '*bad.psd1 line 2*Get-Date*not data*' }
        @{ label = 'a param block'; psd1 = "param(`$x)`n@{ Widgets = @() }"; expected = '*bad.psd1 line 1*not data*' }
        @{ label = 'a key beside Widgets'; psd1 = "@{ Widgets = @(); Extra = 1 }"; expected = "*'Extra' beside Widgets*" }
    ) {
        $path = Join-Path -Path $TestDrive -ChildPath 'bad.psd1'
        Set-Content -LiteralPath $path -Value $psd1 -Encoding utf8
        $before = (Get-TurnstileEmulatorStatistic -Emulator $script:emulator).total_requests

        # An entry that cannot be read is a non-terminating error; a file that is not data ends the command.
        $failure = try { Sync-TurnstileWidget -Path $path -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable failure; $failure } catch { $_ }

        ($failure | Out-String -Width 500) | Should -BeLike $expected
        (Get-TurnstileEmulatorStatistic -Emulator $script:emulator).total_requests | Should -Be $before
        Get-TurnstileEmulatorWidget -Emulator $script:emulator | Should -BeNullOrEmpty
    }
}

Describe 'Dead and slow networks' {
    AfterEach {
        Connect-TurnstileTestEmulator -Emulator $script:emulator
    }

    It 'Connect-Turnstile against a server that never answers fails with the -OperationTimeout error' {
        $fake = [TurnstileWidgets.Tests.LoopbackFakeApi]::new('BlackHole')
        try {
            $failure = $null
            try {
                Connect-Turnstile -ApiBaseUri $fake.BaseUri -ApiToken $script:emulator.ApiToken -AccountId $script:emulator.AccountId -RequestTimeout '00:00:00.2' -OperationTimeout '00:00:00.5'
            }
            catch {
                $failure = $_
            }
            $failure | Should -Not -BeNullOrEmpty
            $failure.FullyQualifiedErrorId | Should -BeLike 'TurnstileRequestTimedOut*'
            $failure.CategoryInfo.Category | Should -Be 'OperationTimeout'
            $failure.Exception.Message | Should -BeLike '*OperationTimeout*'
            $failure.ErrorDetails.RecommendedAction | Should -BeLike '*Connect-Turnstile -RequestTimeout*-OperationTimeout*'
            $fake.Connections | Should -BeGreaterOrEqual 1
        }
        finally {
            $fake.Dispose()
        }
    }

    It 'names both limits that exist, -RequestTimeout and -OperationTimeout, in the message and the recommended action' {
        $fake = [TurnstileWidgets.Tests.LoopbackFakeApi]::new('BlackHole')
        try {
            $failure = $null
            try {
                Connect-Turnstile -ApiBaseUri $fake.BaseUri -ApiToken $script:emulator.ApiToken -AccountId $script:emulator.AccountId -RequestTimeout '00:00:00.1' -OperationTimeout '00:00:00.35'
            }
            catch {
                $failure = $_
            }
            $failure.FullyQualifiedErrorId | Should -BeLike 'TurnstileRequestTimedOut*'
            $failure.Exception.Message | Should -BeLike '*RequestTimeout*'
            $failure.Exception.Message | Should -BeLike '*OperationTimeout*'
            $failure.Exception.Message | Should -Not -BeLike '*allow more time per request (RequestTimeout)*'
        }
        finally {
            $fake.Dispose()
        }
    }

    It 'keeps the limits with the connection, and takes them from $PSDefaultParameterValues' {
        $PSDefaultParameterValues['Connect-Turnstile:RequestTimeout'] = [timespan]'00:00:07'
        try {
            $connection = Connect-Turnstile -ApiBaseUri $script:emulator.BaseUri -ApiToken $script:emulator.ApiToken -AccountId $script:emulator.AccountId -OperationTimeout '00:01:30' -PassThru
        }
        finally {
            $PSDefaultParameterValues.Remove('Connect-Turnstile:RequestTimeout')
        }
        $connection.RequestTimeout | Should -Be ([timespan]'00:00:07')
        $connection.OperationTimeout | Should -Be ([timespan]'00:01:30')
        (Get-TurnstileConnection).RequestTimeout | Should -Be ([timespan]'00:00:07')
    }

    It 'defaults to 30 s per attempt and 2 minutes in all' {
        $connection = Connect-Turnstile -ApiBaseUri $script:emulator.BaseUri -ApiToken $script:emulator.ApiToken -AccountId $script:emulator.AccountId -PassThru
        $connection.RequestTimeout | Should -Be ([timespan]'00:00:30')
        $connection.OperationTimeout | Should -Be ([timespan]'00:02:00')
    }

    It 'refuses a limit given as a plain number (ticks), saying how to give a TimeSpan' {
        { Connect-Turnstile -ApiBaseUri $script:emulator.BaseUri -ApiToken $script:emulator.ApiToken -AccountId $script:emulator.AccountId -RequestTimeout 10 } |
            Should -Throw -ExpectedMessage '*ticks*New-TimeSpan*'
    }

    It 'says to check whether a widget was created when a create is refused with a 5xx' {
        Reset-TurnstileEmulator -Emulator $script:emulator
        Set-TurnstileEmulatorFault -Emulator $script:emulator -Step @(@{ status = 500; method = 'POST' })

        New-TurnstileWidget -Name 'maybe' -Domain 'example.com' -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable failure

        $failure[0].FullyQualifiedErrorId | Should -BeLike 'TurnstileServerError*'
        $failure[0].Exception.Message | Should -BeLike '*whether the widget was created*'
        $failure[0].ErrorDetails.RecommendedAction | Should -BeLike '*whether the widget was created*'
        Get-TurnstileEmulatorWidget -Emulator $script:emulator | Should -BeNullOrEmpty
    }
}
