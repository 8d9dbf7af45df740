Set-StrictMode -Version Latest

# Issue 17's last messages and bars, as a user meets them: the domain limit names what the user gave (-AddDomain, a
# piped object's Domains, a file entry's Domains), every "not connected" or missing-credential message gives both ways
# to connect, a suggested Get-TurnstileWidget -Name command can be pasted and works, every progress bar a command starts
# is completed however the command ends, and the connection table keeps the API's host and port whole at 80 columns.

BeforeAll {
    $script:emulator = $null
    Import-Module -Name (Join-Path -Path $PSScriptRoot -ChildPath 'TestHelpers/TurnstileTestHelpers.psm1') -Force
    Import-Module -Name (Join-Path -Path $PSScriptRoot -ChildPath 'TestHelpers/TurnstileChildProcess.psm1') -Force
    $script:emulator = Start-TurnstileTestSession
    $script:manifest = Join-Path -Path (Get-TurnstileRepositoryRoot) -ChildPath 'out/TurnstileWidgets/TurnstileWidgets.psd1'
}

AfterAll {
    Stop-TurnstileTestSession -Emulator $script:emulator
}

Describe 'The domain limit names what the user gave' {
    BeforeEach {
        Reset-TurnstileEmulator -Emulator $script:emulator
    }

    It 'New-TurnstileWidget -Domain: names -Domain and the limit Cloudflare reported' {
        $null = New-TurnstileWidget -Name 'many' -Domain (1..11 | ForEach-Object { "d$_.example.com" }) -ErrorVariable failures -ErrorAction SilentlyContinue

        $failures[0].FullyQualifiedErrorId | Should -BeLike 'TurnstileDomainLimitExceeded,*'
        $failures[0].Exception.Message | Should -Match '^-Domain: Cloudflare allows at most 10 domains'
        $failures[0].ErrorDetails.RecommendedAction | Should -Match 'Give -Domain at most 10 domains'
    }

    It 'New-TurnstileWidget from a piped row: names the row''s Domains' {
        $row = [pscustomobject]@{ Name = 'many'; Domains = (1..11 | ForEach-Object { "d$_.example.com" }) -join ';' }
        $null = $row | New-TurnstileWidget -ErrorVariable failures -ErrorAction SilentlyContinue

        $failures[0].FullyQualifiedErrorId | Should -BeLike 'TurnstileDomainLimitExceeded,*'
        $failures[0].Exception.Message | Should -Match '^the piped object''s Domains \(-Domain\): Cloudflare allows at most 10 domains'
    }

    It 'Set-TurnstileWidget -AddDomain: names -AddDomain, not -Domain, and the limit' {
        $widget = Add-TurnstileEmulatorWidget -Emulator $script:emulator -Name 'full' -Domain (1..10 | ForEach-Object { "d$_.example.com" })

        Set-TurnstileWidget -Sitekey $widget.sitekey -AddDomain 'd11.example.com' -ErrorVariable failures -ErrorAction SilentlyContinue

        $failures[0].FullyQualifiedErrorId | Should -BeLike 'TurnstileDomainLimitExceeded,*'
        $failures[0].Exception.Message | Should -Match '^-AddDomain: Cloudflare allows at most 10 domains'
        $failures[0].ErrorDetails.RecommendedAction | Should -Match 'Add fewer domains with -AddDomain, so the widget has at most 10 in all'
        $failures[0].ErrorDetails.RecommendedAction | Should -Not -Match '-Domain\b'
        $failures[0].TargetObject | Should -Be $widget.sitekey
    }

    It 'Set-TurnstileWidget -Domain: names -Domain' {
        $widget = Add-TurnstileEmulatorWidget -Emulator $script:emulator -Name 'full'

        Set-TurnstileWidget -Sitekey $widget.sitekey -Domain (1..11 | ForEach-Object { "d$_.example.com" }) -ErrorVariable failures -ErrorAction SilentlyContinue

        $failures[0].Exception.Message | Should -Match '^-Domain: Cloudflare allows at most 10 domains'
    }

    It 'Sync-TurnstileWidget: names the entry and its Domains field in the file' {
        $path = Join-Path -Path $TestDrive -ChildPath 'widgets.json'
        @(
            [ordered]@{ Name = 'fits'; Domains = @('example.com') }
            [ordered]@{ Name = 'too-many'; Domains = @(1..11 | ForEach-Object { "d$_.example.com" }) }
        ) | ConvertTo-Json -Depth 3 | Set-Content -LiteralPath $path

        Sync-TurnstileWidget -Path $path -ErrorVariable failures -ErrorAction SilentlyContinue -InformationAction Ignore

        $failures[0].FullyQualifiedErrorId | Should -BeLike 'TurnstileDomainLimitExceeded,*'
        $failures[0].Exception.Message | Should -Match '^the Domains of entry 2 of .*widgets\.json \(''too-many''\): Cloudflare allows at most 10 domains'
        $failures[0].ErrorDetails.RecommendedAction | Should -Match 'Give the Domains of entry 2 of .* at most 10 domains'
    }
}

Describe 'Every "not connected" and missing-credential message gives both ways to connect' {
    BeforeAll {
        # One child PowerShell with no connection, each case with only its variables set; prints message and action per case.
        $script:cases = Invoke-TurnstileChildPowerShell -Script @'
$names = 'CLOUDFLARE_API_TOKEN', 'CLOUDFLARE_ACCOUNT_ID', 'CLOUDFLARE_EMAIL', 'CLOUDFLARE_API_KEY', 'CLOUDFLARE_BASE_URL'
$cases = [ordered]@{
    'nothing set'              = @{}
    'token without account'    = @{ CLOUDFLARE_API_TOKEN = 'some-token' }
    'email without key'        = @{ CLOUDFLARE_EMAIL = 'user@example.com'; CLOUDFLARE_ACCOUNT_ID = '0123456789abcdef0123456789abcdef' }
    'key without email'        = @{ CLOUDFLARE_API_KEY = 'some-key'; CLOUDFLARE_ACCOUNT_ID = '0123456789abcdef0123456789abcdef' }
    'malformed account id'     = @{ CLOUDFLARE_API_TOKEN = 'some-token'; CLOUDFLARE_ACCOUNT_ID = 'not-an-account' }
}
foreach ($case in $cases.GetEnumerator()) {
    foreach ($name in $names) { [System.Environment]::SetEnvironmentVariable($name, $null) }
    foreach ($pair in $case.Value.GetEnumerator()) { [System.Environment]::SetEnvironmentVariable($pair.Key, $pair.Value) }
    try { $null = Get-TurnstileWidget -ErrorAction Stop; "CASE $($case.Key)|no error|" }
    catch { "CASE $($case.Key)|$($_.FullyQualifiedErrorId)|$($_.Exception.Message)|$($_.ErrorDetails.RecommendedAction)" }
}
'@
    }

    It '<Case>: says Connect-Turnstile -ApiToken/-AccountId and CLOUDFLARE_API_TOKEN/CLOUDFLARE_ACCOUNT_ID' -ForEach @(
        @{ Case = 'nothing set'; Id = 'TurnstileNotConnected' }
        @{ Case = 'token without account'; Id = 'TurnstileValidationFailed' }
        @{ Case = 'email without key'; Id = 'TurnstileValidationFailed' }
        @{ Case = 'key without email'; Id = 'TurnstileValidationFailed' }
        @{ Case = 'malformed account id'; Id = 'TurnstileValidationFailed' }
    ) {
        $line = @($script:cases.Output | Where-Object { $_.StartsWith("CASE $Case|") })
        $line.Count | Should -Be 1 -Because $script:cases.Text
        $null, $errorId, $message, $action = $line[0] -split '\|', 4
        $errorId | Should -BeLike "$Id,*"
        foreach ($text in @($message, $action)) {
            $text | Should -Match 'Connect-Turnstile'
            $text | Should -Match '-AccountId|CLOUDFLARE_ACCOUNT_ID'
        }

        # The action names every way in full; the message at least both ways.
        $action | Should -Match 'Connect-Turnstile -ApiToken <token> -AccountId <account id>'
        $action | Should -Match 'CLOUDFLARE_API_TOKEN and CLOUDFLARE_ACCOUNT_ID'
        $message | Should -Match 'CLOUDFLARE_'
    }
}

Describe 'A suggested Get-TurnstileWidget -Name command can be pasted and works' {
    BeforeAll {
        $script:names = @('csv-one', 'csv-two', 'my login', "o'brien form", 'back`tick name', "it$([char]0x2019)s mine", 'cost $5 form', 'a[1] form')
        Reset-TurnstileEmulator -Emulator $script:emulator
        foreach ($name in $script:names) { $null = Add-TurnstileEmulatorWidget -Emulator $script:emulator -Name $name }

        # The command a failure's message or recommended action suggests, parsed as PowerShell parses a pasted line.
        function script:Get-SuggestedCommand {
            param([Parameter(Mandatory)] [System.Management.Automation.ErrorRecord] $Failure)
            $text = $Failure.Exception.Message + ' ' + $Failure.ErrorDetails.RecommendedAction
            $match = [regex]::Match($text, 'use (Get-TurnstileWidget -Name .+?)\.(?:\s|$)')
            $match.Success | Should -BeTrue -Because $text
            $tokens = $null
            $errors = $null
            $null = [System.Management.Automation.Language.Parser]::ParseInput($match.Groups[1].Value, [ref]$tokens, [ref]$errors)
            $errors | Should -BeNullOrEmpty -Because $match.Groups[1].Value
            $match.Groups[1].Value
        }
    }

    It 'Get-TurnstileWidget <Typed>: the suggestion finds <Expected>' -ForEach @(
        @{ Typed = 'csv*'; Expected = @('csv-one', 'csv-two') }
        @{ Typed = 'my login'; Expected = @('my login') }
        @{ Typed = "o'brien form"; Expected = @("o'brien form") }
        @{ Typed = 'back`tick name'; Expected = @('back`tick name') }
        @{ Typed = "it$([char]0x2019)s mine"; Expected = @("it$([char]0x2019)s mine") }
        @{ Typed = 'cost $5 form'; Expected = @('cost $5 form') }
        @{ Typed = 'a[1] form'; Expected = @() }
        @{ Typed = 'a[[]1] form'; Expected = @('a[1] form') }
    ) {
        $null = Get-TurnstileWidget $Typed -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures.Count | Should -Be 1
        $command = Get-SuggestedCommand -Failure $failures[0]

        $found = @(& ([scriptblock]::Create($command + ' -ErrorAction SilentlyContinue')) | ForEach-Object Name | Sort-Object)

        $found | Should -Be @($Expected | Sort-Object) -Because $command
    }

    It 'a name typed where the sitekey goes that could be a sitekey: the not-found error suggests -Name, quoted' {
        $null = Get-TurnstileWidget 'csv-one' -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'TurnstileWidgetNotFound,*'
        $command = Get-SuggestedCommand -Failure $failures[0]
        @(& ([scriptblock]::Create($command))).Name | Should -Be 'csv-one'
    }

    It 'a -Name without wildcards that matches nothing suggests a search that keeps the name literal' {
        $null = Get-TurnstileWidget -Name 'back``tick' -ErrorVariable failures -ErrorAction SilentlyContinue
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'TurnstileWidgetNameNotFound,*'
        $match = [regex]::Match($failures[0].ErrorDetails.RecommendedAction, "-Name ('[^']*')")
        $found = @(& ([scriptblock]::Create('Get-TurnstileWidget -Name ' + $match.Groups[1].Value)) | ForEach-Object Name)
        $found | Should -Be @('back`tick name') -Because $match.Groups[1].Value
    }
}

Describe 'Every progress bar a command starts is completed, however the command ends' {
    BeforeAll {
        # Runs $Script in another PowerShell instance of this process (the connection is the process's) and returns its
        # progress records and errors. -StopOn: stops it (as Ctrl+C does) when the first record of that activity arrives.
        function script:Invoke-ProgressScript {
            param([Parameter(Mandatory)] [string] $Script, [int] $StopOn)
            $shell = [powershell]::Create()
            try {
                $null = $shell.AddScript("Import-Module '$($script:manifest)'; `$ProgressPreference = 'Continue'; $Script")
                if (-not $StopOn) {
                    try { $null = $shell.Invoke() } catch { $null = $_ }
                }
                else {
                    $source = 'progress-' + [guid]::NewGuid()
                    $null = Register-ObjectEvent -InputObject $shell.Streams.Progress -EventName DataAdded -SourceIdentifier $source
                    try {
                        $handle = $shell.BeginInvoke()
                        while ($true) {
                            $added = Wait-Event -SourceIdentifier $source -Timeout 60
                            $added | Should -Not -BeNullOrEmpty -Because 'the command shows a bar before it is stopped'
                            Remove-Event -EventIdentifier $added.EventIdentifier
                            if (@($shell.Streams.Progress | Where-Object ActivityId -EQ $StopOn).Count -gt 0) { break }
                        }
                        $shell.Stop()
                        try { $null = $shell.EndInvoke($handle) } catch { $null = $_ }
                    }
                    finally {
                        Unregister-Event -SourceIdentifier $source
                        Get-Event -SourceIdentifier $source -ErrorAction SilentlyContinue | Remove-Event
                    }
                }
                [pscustomobject]@{ Progress = @($shell.Streams.Progress); Errors = @($shell.Streams.Error) }
            }
            finally {
                $shell.Dispose()
            }
        }

        function script:Assert-EveryBarCompleted {
            param([Parameter(Mandatory)] [object[]] $Record, [int[]] $Expected)
            $activities = @($Record | Group-Object ActivityId)
            foreach ($id in $Expected) { @($activities.Name) | Should -Contain ([string]$id) -Because "bar $id was shown" }
            foreach ($activity in $activities) {
                $activity.Group[-1].RecordType | Should -Be 'Completed' -Because "bar $($activity.Name) ($($activity.Group[0].Activity)) must be completed"
            }
        }
    }

    BeforeEach {
        Reset-TurnstileEmulator -Emulator $script:emulator
    }

    It 'Get | Set -PassThru | Select-Object -First 3 over 2,500 widgets: the listing''s bar and Set''s bar are completed' {
        $null = Invoke-RestMethod -Method Post -Uri ([uri]::new($script:emulator.ControlUri, 'seed')) -ContentType 'application/json' -Body (@{ count = 2500; name_prefix = 'bulk-' } | ConvertTo-Json)

        $run = Invoke-ProgressScript -Script "Get-TurnstileWidget | Set-TurnstileWidget -Mode invisible -PassThru | Select-Object -First 3"

        $run.Errors | Should -BeNullOrEmpty
        Assert-EveryBarCompleted -Record $run.Progress -Expected 1, 12
        (Get-TurnstileEmulatorStatistic $script:emulator).update_requests | Should -Be 3
    }

    It 'a terminating error (-ErrorAction Stop on the second update): Set''s bar is completed' {
        # Listed by name: one, three, two; the fault waits for the last.
        $two = (Initialize-TurnstileEmulatorWidget -Emulator $script:emulator -Name 'one', 'two', 'three')['two'].sitekey
        Set-TurnstileEmulatorFault -Emulator $script:emulator -Step @{ status = 400; code = 10001; message = 'refused'; path_contains = $two }

        $run = Invoke-ProgressScript -Script "Get-TurnstileWidget -SortBy Name | Set-TurnstileWidget -Mode invisible -ErrorAction Stop"

        Assert-EveryBarCompleted -Record $run.Progress -Expected 12
    }

    It 'Ctrl+C during an update: Set''s bar is completed' {
        # Listed by name: one, three, two; the fault waits for the last.
        $two = (Initialize-TurnstileEmulatorWidget -Emulator $script:emulator -Name 'one', 'two', 'three')['two'].sitekey
        # The second update hangs until the client gives up; the first one's bar is the signal to stop.
        Set-TurnstileEmulatorFault -Emulator $script:emulator -Step @{ delay_ms = 120000; path_contains = $two }

        $run = Invoke-ProgressScript -Script "Get-TurnstileWidget -SortBy Name | Set-TurnstileWidget -Mode invisible" -StopOn 12

        Assert-EveryBarCompleted -Record $run.Progress -Expected 12
    }

    It 'Ctrl+C during <Command>: its bar (<Bar>) is completed' -ForEach @(
        @{ Command = 'Remove-TurnstileWidget -Force'; Bar = 13 }
        @{ Command = 'Invoke-TurnstileSecretRotation -Force'; Bar = 15 }
        @{ Command = 'Set-TurnstileWidget -Mode invisible -PassThru | Remove-TurnstileWidget -Force'; Bar = 13 }
    ) {
        # Listed by name: one, three, two; the last write hangs until the client gives up.
        $two = (Initialize-TurnstileEmulatorWidget -Emulator $script:emulator -Name 'one', 'two', 'three')['two'].sitekey
        Set-TurnstileEmulatorFault -Emulator $script:emulator -Step @{ delay_ms = 120000; path_contains = $two }

        $run = Invoke-ProgressScript -Script "Get-TurnstileWidget -SortBy Name | $Command" -StopOn $Bar

        Assert-EveryBarCompleted -Record $run.Progress -Expected $Bar
    }

    It 'a listing stopped by Ctrl+C, or failing, on its second page: the listing''s bar is completed' -ForEach @(
        @{ Case = 'Ctrl+C'; Step = @{ delay_ms = 120000; path_contains = 'page=2' }; StopOn = 1 }
        @{ Case = 'a terminating error'; Step = @{ status = 400; code = 10001; message = 'refused'; path_contains = 'page=2' }; StopOn = 0 }
    ) {
        $null = Invoke-RestMethod -Method Post -Uri ([uri]::new($script:emulator.ControlUri, 'seed')) -ContentType 'application/json' -Body (@{ count = 2500; name_prefix = 'bulk-' } | ConvertTo-Json)
        Set-TurnstileEmulatorFault -Emulator $script:emulator -Step $Step

        $run = Invoke-ProgressScript -Script 'Get-TurnstileWidget -ErrorAction Stop | Out-Null' -StopOn $StopOn

        Assert-EveryBarCompleted -Record $run.Progress -Expected 1
    }

    It 'Ctrl+C while a 429 is waited out: the rate-limit countdown is completed' {
        $widget = Add-TurnstileEmulatorWidget -Emulator $script:emulator -Name 'blocked'
        Set-TurnstileEmulatorFault -Emulator $script:emulator -Step @{ status = 429; retry_after = '50'; path_contains = $widget.sitekey }

        $run = Invoke-ProgressScript -Script "Set-TurnstileWidget -Sitekey '$($widget.sitekey)' -Mode invisible" -StopOn 2

        Assert-EveryBarCompleted -Record $run.Progress -Expected 2
    }
}

Describe 'The connection table keeps the API''s host and port whole' {
    It 'at <Width> columns, an emulator connection shows its host and port whole, every line within the width' -ForEach @(
        @{ Width = 80 }
        @{ Width = 120 }
    ) {
        $lines = @((Get-TurnstileConnection | Out-String -Width $Width) -split '\r?\n' | Where-Object { $_.Trim() })

        $lines[0] | Should -Match '^Name\s+Default\s+AccountId\s+Api$'
        $row = @($lines | Where-Object { $_.Contains($script:emulator.AccountId) })
        $row.Count | Should -Be 1
        $row[0] | Should -Match ('\shttp://127\.0\.0\.1:' + $script:emulator.Port + '\s*$')
        foreach ($line in $lines) { $line.Length | Should -BeLessOrEqual $Width }
    }

    It 'shows Cloudflare''s API as its host, and any other path whole' {
        [TurnstileWidgets.DisplayText]::ApiAddress([uri]'https://api.cloudflare.com/client/v4') | Should -Be 'api.cloudflare.com'
        [TurnstileWidgets.DisplayText]::ApiAddress([uri]'https://api.cloudflare.com/client/v4/') | Should -Be 'api.cloudflare.com'
        [TurnstileWidgets.DisplayText]::ApiAddress([uri]'https://proxy.example.com:8443/cf/client/v4') | Should -Be 'proxy.example.com:8443/cf/client/v4'
        [TurnstileWidgets.DisplayText]::ApiAddress([uri]'http://[::1]:43117/client/v4') | Should -Be 'http://[::1]:43117'
    }
}
