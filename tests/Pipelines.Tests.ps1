Set-StrictMode -Version Latest

# Pipelines that change what they list (issue 9): every widget that matches is processed exactly once, at sizes
# that cross at least three pages, with the emulator's counters as the witness of what was sent.

BeforeAll {
    $script:emulator = $null
    Import-Module -Name (Join-Path -Path $PSScriptRoot -ChildPath 'TestHelpers/TurnstileTestHelpers.psm1') -Force
    $script:emulator = Start-TurnstileTestSession

    function Invoke-PipelineControl {
        # POST to a control endpoint of this file's emulator (seed, faults).
        param([string] $Path, [hashtable] $Body)
        $parameters = @{
            Method      = 'Post'
            Uri         = [uri]($script:emulator.ControlUri.AbsoluteUri + $Path)
            ContentType = 'application/json'
            Body        = ConvertTo-Json -InputObject $Body -Compress
            ErrorAction = 'Stop'
        }
        $null = Invoke-RestMethod @parameters
    }

    function Add-SeededWidget {
        # One request creates them all: names are the prefix plus a running number.
        param([int] $Count, [string] $NamePrefix)
        Invoke-PipelineControl -Path 'seed' -Body @{ count = $Count; name_prefix = $NamePrefix }
    }

    function Get-MatchCount {
        # The API's total for a filter, read with one smallest page after the counters that matter were taken.
        param([string] $Filter)
        Get-TurnstileWidget -Filter $Filter -First 0 -IncludeTotalCount | ForEach-Object { [long]$_ }
    }

    function Get-StatisticDelta {
        param([psobject] $Before)
        $after = Get-TurnstileEmulatorStatistic -Emulator $script:emulator
        [pscustomobject]@{
            List   = $after.list_requests - $Before.list_requests
            Update = $after.update_requests - $Before.update_requests
            Delete = $after.delete_requests - $Before.delete_requests
            Faults = ($after.injected_server_errors - $Before.injected_server_errors) + ($after.dropped_connections - $Before.dropped_connections)
        }
    }

    function Assert-EachOnce {
        param([object[]] $Listed, [int] $Expected)
        $Listed.Count | Should -Be $Expected
        @($Listed.Sitekey | Sort-Object -Unique).Count | Should -Be $Expected
    }

    # Get | Remove of N widgets may cost at most 2 x ceil(N / 1000) + 2 list requests.
    $script:matching = 2500
    $script:listBound = 2 * [math]::Ceiling($script:matching / 1000) + 2
}

AfterAll {
    Stop-TurnstileTestSession -Emulator $script:emulator
}

Describe 'Pipelines that change what they list' {
    BeforeEach {
        Reset-TurnstileEmulator -Emulator $script:emulator
    }

    It 'an undisturbed listing of <matching> widgets sends one request per page' {
        Add-SeededWidget -Count $script:matching -NamePrefix 'login-'
        $before = Get-TurnstileEmulatorStatistic -Emulator $script:emulator

        $listed = @(Get-TurnstileWidget)

        $delta = Get-StatisticDelta -Before $before
        Assert-EachOnce -Listed $listed -Expected $script:matching
        $delta.List | Should -Be 3
    }

    It 'Get-TurnstileWidget -Filter name:login | Remove-TurnstileWidget -Force removes every match and nothing else' {
        Add-SeededWidget -Count $script:matching -NamePrefix 'login-'
        Add-SeededWidget -Count 300 -NamePrefix 'other-'
        $before = Get-TurnstileEmulatorStatistic -Emulator $script:emulator

        Get-TurnstileWidget -Filter name:login | Tee-Object -Variable listed | Remove-TurnstileWidget -Force -ErrorVariable failures

        $delta = Get-StatisticDelta -Before $before
        $failures | Should -BeNullOrEmpty
        Assert-EachOnce -Listed $listed -Expected $script:matching
        $delta.Delete | Should -Be $script:matching
        $delta.List | Should -BeLessOrEqual $script:listBound
        Get-MatchCount -Filter 'name:login' | Should -Be 0
        Get-MatchCount -Filter 'name:other' | Should -Be 300
    }

    It "Get-TurnstileWidget -Name 'login-*' | Remove-TurnstileWidget -Force removes the wildcard's matches only" {
        Add-SeededWidget -Count $script:matching -NamePrefix 'login-'
        # These contain the API filter's text but do not match the wildcard.
        Add-SeededWidget -Count 300 -NamePrefix 'relogin-'
        $before = Get-TurnstileEmulatorStatistic -Emulator $script:emulator

        Get-TurnstileWidget -Name 'login-*' | Tee-Object -Variable listed | Remove-TurnstileWidget -Force -ErrorVariable failures

        $delta = Get-StatisticDelta -Before $before
        $failures | Should -BeNullOrEmpty
        Assert-EachOnce -Listed $listed -Expected $script:matching
        $delta.Delete | Should -Be $script:matching
        $delta.List | Should -BeLessOrEqual $script:listBound
        Get-MatchCount -Filter 'name:relogin-' | Should -Be 300
        Get-MatchCount -Filter 'name:login-' | Should -Be 300
    }

    It 'Get-TurnstileWidget -Filter name:login -SortBy ModifiedOn | Set-TurnstileWidget -Mode non-interactive updates each match once' {
        Add-SeededWidget -Count $script:matching -NamePrefix 'login-'
        Add-SeededWidget -Count 300 -NamePrefix 'other-'
        $before = Get-TurnstileEmulatorStatistic -Emulator $script:emulator

        Get-TurnstileWidget -Filter name:login -SortBy ModifiedOn | Tee-Object -Variable listed | Set-TurnstileWidget -Mode non-interactive -ErrorVariable failures

        $delta = Get-StatisticDelta -Before $before
        $failures | Should -BeNullOrEmpty
        Assert-EachOnce -Listed $listed -Expected $script:matching
        $delta.Update | Should -Be $script:matching
        $delta.List | Should -BeLessOrEqual $script:listBound
        @(Get-TurnstileWidget -Filter name:login | Where-Object Mode -NE 'non-interactive').Count | Should -Be 0
        @(Get-TurnstileWidget -Filter name:other | Where-Object Mode -NE 'managed').Count | Should -Be 0
    }

    It 'renaming each widget out of the filter with ForEach-Object renames every match' {
        Add-SeededWidget -Count $script:matching -NamePrefix 'login-'
        Add-SeededWidget -Count 300 -NamePrefix 'other-'
        $before = Get-TurnstileEmulatorStatistic -Emulator $script:emulator

        $listed = Get-TurnstileWidget -Filter name:login | ForEach-Object {
            Set-TurnstileWidget -Sitekey $_.Sitekey -Name $_.Name.Replace('login', 'moved') -ErrorAction Stop
            $_
        }

        $delta = Get-StatisticDelta -Before $before
        Assert-EachOnce -Listed $listed -Expected $script:matching
        $delta.Update | Should -Be $script:matching
        $delta.List | Should -BeLessOrEqual $script:listBound
        Get-MatchCount -Filter 'name:login' | Should -Be 0
        Get-MatchCount -Filter 'name:moved-' | Should -Be $script:matching
        Get-MatchCount -Filter 'name:other-' | Should -Be 300
    }

    It 'renaming each widget across a -SortBy Name order (<Prefix>, descending: <Descending>) renames each once' -TestCases @(
        @{ Prefix = 'zzz-'; Descending = $false }
        @{ Prefix = 'aaa-'; Descending = $false }
        @{ Prefix = 'aaa-'; Descending = $true }
    ) {
        param($Prefix, $Descending)
        Add-SeededWidget -Count $script:matching -NamePrefix 'login-'
        $before = Get-TurnstileEmulatorStatistic -Emulator $script:emulator

        $listed = Get-TurnstileWidget -SortBy Name -Descending:$Descending | ForEach-Object {
            Set-TurnstileWidget -Sitekey $_.Sitekey -Name ($Prefix + $_.Name) -ErrorAction Stop
            $_
        }

        $delta = Get-StatisticDelta -Before $before
        Assert-EachOnce -Listed $listed -Expected $script:matching
        $delta.Update | Should -Be $script:matching
        $delta.List | Should -BeLessOrEqual $script:listBound
        Get-MatchCount -Filter "name:$Prefix$Prefix" | Should -Be 0
        Get-MatchCount -Filter "name:${Prefix}login-" | Should -Be $script:matching
    }

    Context 'Under faults' {
        AfterEach {
            Invoke-PipelineControl -Path 'faults' -Body @{ error_rate = 0; drop_rate = 0 }
        }

        It 'Get | Remove over 1,500 widgets with 5 % 5xx and 3 % dropped connections removes every match and nothing else' {
            Add-SeededWidget -Count 1500 -NamePrefix 'login-'
            Add-SeededWidget -Count 300 -NamePrefix 'other-'
            Invoke-PipelineControl -Path 'faults' -Body @{ error_rate = 0.05; drop_rate = 0.03; seed = 20261201 }
            $before = Get-TurnstileEmulatorStatistic -Emulator $script:emulator

            Get-TurnstileWidget -Filter name:login | Tee-Object -Variable listed | Remove-TurnstileWidget -Force -ErrorVariable failures

            $delta = Get-StatisticDelta -Before $before
            Invoke-PipelineControl -Path 'faults' -Body @{ error_rate = 0; drop_rate = 0 }
            $failures | Should -BeNullOrEmpty
            $delta.Faults | Should -BeGreaterThan 0
            Assert-EachOnce -Listed $listed -Expected 1500
            $delta.Delete | Should -BeGreaterOrEqual 1500
            Get-MatchCount -Filter 'name:login' | Should -Be 0
            Get-MatchCount -Filter 'name:other' | Should -Be 300
        }

        It 'a DELETE retried after a dropped answer that finds the widget gone counts as removed' {
            Add-SeededWidget -Count 1 -NamePrefix 'doomed-'
            $widget = Get-TurnstileWidget -Filter name:doomed
            Set-TurnstileEmulatorFault -Emulator $script:emulator -Step @(@{ drop_after_commit = $true; method = 'DELETE' })
            $before = Get-TurnstileEmulatorStatistic -Emulator $script:emulator

            $removed = Remove-TurnstileWidget -Sitekey $widget.Sitekey -Force -PassThru -ErrorVariable failures

            $failures | Should -BeNullOrEmpty
            $removed.Sitekey | Should -Be $widget.Sitekey
            (Get-StatisticDelta -Before $before).Delete | Should -Be 2
            Get-MatchCount -Filter 'name:doomed' | Should -Be 0
        }
    }
}
