Set-StrictMode -Version Latest

# A hostile tester's findings on issues 15 and 16 (never a silent wrong write; a hostile world), each one a test first.
# The emulator's counters and its API, read apart from the module, are the witness of what was sent and stored.

BeforeAll {
    $script:emulator = $null
    Import-Module -Name (Join-Path -Path $PSScriptRoot -ChildPath 'TestHelpers/TurnstileTestHelpers.psm1') -Force
    $script:emulator = Start-TurnstileTestSession

    function Get-ApiWidget {
        # Straight from the emulator's API, not through the module under test.
        param([string] $Sitekey)
        $parameters = @{
            Uri         = [uri]($script:emulator.BaseUri.AbsoluteUri.TrimEnd('/') + "/accounts/$($script:emulator.AccountId)/challenges/widgets/$Sitekey")
            Headers     = Get-TurnstileTestAuthorization -Emulator $script:emulator
            ErrorAction = 'Stop'
        }
        (Invoke-RestMethod @parameters).result
    }

    function Set-DriftedField {
        # The emulator's PATCH: the API holds a value the module would not send (API drift).
        param([string] $Sitekey, [hashtable] $Fields)
        $parameters = @{
            Method      = 'Patch'
            Uri         = [uri]($script:emulator.ControlUri.AbsoluteUri.TrimEnd('/') + "/widgets/$Sitekey")
            ContentType = 'application/json'
            Body        = ConvertTo-Json -InputObject $Fields -Compress
            ErrorAction = 'Stop'
        }
        $null = Invoke-RestMethod @parameters
    }

    function Connect-Second {
        # A second named connection of this process to the same account.
        param([string] $Name)
        Connect-Turnstile -Name $Name -ApiBaseUri $script:emulator.BaseUri -ApiToken $script:emulator.ApiToken -AccountId $script:emulator.AccountId -PassThru -ErrorAction Stop
    }
}

AfterAll {
    Stop-TurnstileTestSession -Emulator $script:emulator
}

Describe 'A write through another connection of this process to the same account' {
    BeforeEach {
        $script:widgets = Initialize-TurnstileEmulatorWidget -Emulator $script:emulator -Name @('twoconn')
        $script:first = Connect-Second -Name 'first'
        $script:second = Connect-Second -Name 'second'
    }

    AfterEach {
        Disconnect-Turnstile -Name 'first'
        Disconnect-Turnstile -Name 'second'
    }

    It 'is never hidden by a reading the other connection took before it' {
        $held = Get-TurnstileWidget -Sitekey $script:widgets['twoconn'].sitekey -Connection $script:first
        $held | Set-TurnstileWidget -Mode invisible -Connection $script:second
        $held | Set-TurnstileWidget -Mode managed -Connection $script:first
        (Get-ApiWidget $held.Sitekey).mode | Should -Be 'managed'
    }

    It 'gives a clear not-found, not "nothing to change", after the other connection removed the widget' {
        $held = Get-TurnstileWidget -Sitekey $script:widgets['twoconn'].sitekey -Connection $script:first
        $held | Remove-TurnstileWidget -Force -Connection $script:second
        $held | Set-TurnstileWidget -Mode managed -Connection $script:first -ErrorVariable failed -ErrorAction SilentlyContinue
        $failed.Count | Should -Be 1
        $failed[0].FullyQualifiedErrorId | Should -BeLike 'TurnstileWidgetNotFound*'
    }
}

Describe 'A name the API already holds, with a control character in it' {
    BeforeEach {
        $script:widgets = Initialize-TurnstileEmulatorWidget -Emulator $script:emulator -Name @('held')
        $script:sitekey = $script:widgets['held'].sitekey
        $script:heldName = "evil`e[2J`u{202E}name"
        Set-DriftedField -Sitekey $script:sitekey -Fields @{ name = $script:heldName }
    }

    It 'does not stop Set-TurnstileWidget -<Change> from changing something else, and is carried over verbatim' -ForEach @(
        @{ Change = 'AddDomain'; Parameters = @{ AddDomain = 'more.example.com' }; Field = 'domains'; Expected = 'more.example.com' }
        @{ Change = 'Mode'; Parameters = @{ Mode = 'invisible' }; Field = 'mode'; Expected = 'invisible' }
    ) {
        Set-TurnstileWidget -Sitekey $script:sitekey @Parameters -ErrorAction Stop
        $live = Get-ApiWidget $script:sitekey
        @($live.$Field) | Should -Contain $Expected
        $live.name | Should -BeExactly $script:heldName
    }

    It 'does not stop a Sync entry that names the widget by its sitekey and changes its mode' {
        $path = Join-Path -Path $TestDrive -ChildPath 'by-sitekey.json'
        ConvertTo-Json -InputObject @(@{ Sitekey = $script:sitekey; Mode = 'invisible' }) | Set-Content -LiteralPath $path -Encoding utf8
        Sync-TurnstileWidget -Path $path -ErrorAction Stop
        $live = Get-ApiWidget $script:sitekey
        $live.mode | Should -Be 'invisible'
        $live.name | Should -BeExactly $script:heldName
    }

    It 'is still refused as a new name' {
        { Set-TurnstileWidget -Sitekey $script:sitekey -Name "new`ename" -ErrorAction Stop } | Should -Throw -ErrorId 'TurnstileValidationFailed*'
    }
}

Describe 'Connect-Turnstile with a timeout longer than a timer can wait' {
    It 'refuses -<Parameter> [timespan]::MaxValue with its own message, not "(Parameter ''delay'')"' -ForEach @(
        @{ Parameter = 'RequestTimeout' }
        @{ Parameter = 'OperationTimeout' }
    ) {
        $timeouts = @{ $Parameter = [timespan]::MaxValue }
        $failure = { Connect-Turnstile -Name 'too-long' -ApiBaseUri $script:emulator.BaseUri -ApiToken $script:emulator.ApiToken -AccountId $script:emulator.AccountId @timeouts -ErrorAction Stop } |
            Should -Throw -ErrorId 'TurnstileValidationFailed*' -PassThru
        $failure.Exception.Message | Should -BeLike "*-$Parameter*"
        $failure.CategoryInfo.Category | Should -Be 'InvalidArgument'
        @(Get-TurnstileConnection -Name 'too-long' -ErrorAction SilentlyContinue).Count | Should -Be 0
    }

    It 'still takes an infinite -RequestTimeout, bounded by -OperationTimeout' {
        $connection = Connect-Turnstile -Name 'no-bound' -ApiBaseUri $script:emulator.BaseUri -ApiToken $script:emulator.ApiToken -AccountId $script:emulator.AccountId -RequestTimeout ([System.Threading.Timeout]::InfiniteTimeSpan) -PassThru -ErrorAction Stop
        try {
            $connection.RequestTimeout | Should -Be ([System.Threading.Timeout]::InfiniteTimeSpan)
        }
        finally {
            Disconnect-Turnstile -Name 'no-bound'
        }
    }
}

Describe 'Sync-TurnstileWidget with two entries that give the same name' {
    BeforeEach {
        $script:widgets = Initialize-TurnstileEmulatorWidget -Emulator $script:emulator -Name @('first', 'other')
    }

    It 'refuses the file when an entry by sitekey renames its widget to a name another entry <Other>' -ForEach @(
        @{ Other = 'matches'; Second = @{ Name = 'other'; Domains = @('other.example.com') } }
        @{ Other = 'creates'; Second = @{ Name = 'renamed'; Domains = @('new.example.com') } }
    ) {
        $target = if ($Other -eq 'matches') { 'other' } else { 'renamed' }
        $path = Join-Path -Path $TestDrive -ChildPath "rename-$Other.json"
        ConvertTo-Json -Depth 4 -InputObject @(@{ Sitekey = $script:widgets['first'].sitekey; Name = $target }, $Second) | Set-Content -LiteralPath $path -Encoding utf8
        $before = Get-TurnstileEmulatorStatistic -Emulator $script:emulator

        Sync-TurnstileWidget -Path $path -ErrorVariable failed -ErrorAction SilentlyContinue

        $after = Get-TurnstileEmulatorStatistic -Emulator $script:emulator
        ($after.update_requests - $before.update_requests) + ($after.create_requests - $before.create_requests) | Should -Be 0
        ($failed | Where-Object { $_.Exception.Message -like "*entry 1 of rename-$Other.json*" -and $_.Exception.Message -like "*'$target'*" }) | Should -Not -BeNullOrEmpty
        (Get-ApiWidget $script:widgets['first'].sitekey).name | Should -BeExactly 'first'
    }

    It 'still applies an export of an account where two widgets already share a name' {
        $null = Add-TurnstileEmulatorWidget -Emulator $script:emulator -Name 'other' -Domain 'twin.example.com'
        $path = Join-Path -Path $TestDrive -ChildPath 'twins.json'
        Get-TurnstileWidget | Export-TurnstileWidget -Path $path
        Sync-TurnstileWidget -Path $path -ErrorAction Stop
        @(Compare-TurnstileWidget -Path $path -ErrorAction Stop).Count | Should -Be 0
    }
}
