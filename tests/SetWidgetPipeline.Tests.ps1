Set-StrictMode -Version Latest

# Set-TurnstileWidget fed by a pipeline: delay-bind script blocks, and updates made from the widget the listing
# just read (one request per widget), with /__emulator/stats as the witness of what was sent.

BeforeAll {
    $script:emulator = $null
    Import-Module -Name (Join-Path -Path $PSScriptRoot -ChildPath 'TestHelpers/TurnstileTestHelpers.psm1') -Force
    $script:emulator = Start-TurnstileTestSession

    function Get-StoredWidget {
        [CmdletBinding()]
        param([Parameter(Mandatory)] [string] $Sitekey)
        Get-TurnstileEmulatorWidget -Emulator $script:emulator | Where-Object -Property sitekey -EQ -Value $Sitekey
    }

    function Get-RequestDelta {
        # The requests of each kind sent since $Before.
        [CmdletBinding()]
        param([Parameter(Mandatory)] [psobject] $Before)
        $after = Get-TurnstileEmulatorStatistic -Emulator $script:emulator
        [pscustomobject]@{
            Total  = $after.total_requests - $Before.total_requests
            List   = $after.list_requests - $Before.list_requests
            Get    = $after.get_requests - $Before.get_requests
            Update = $after.update_requests - $Before.update_requests
        }
    }

    function Add-SeededWidget {
        # Creates $Count widgets named '<prefix>NNNNNN' in one control request (mode managed, domain example.com).
        [CmdletBinding()]
        param([Parameter(Mandatory)] [int] $Count, [Parameter(Mandatory)] [string] $NamePrefix)
        $uri = $script:emulator.ControlUri.AbsoluteUri.TrimEnd('/') + '/seed'
        $body = ConvertTo-Json -InputObject @{ count = $Count; name_prefix = $NamePrefix } -Compress
        $null = Invoke-RestMethod -Method Post -Uri $uri -ContentType 'application/json' -Body $body -ErrorAction Stop
    }
}

AfterAll {
    Stop-TurnstileTestSession -Emulator $script:emulator
}

Describe 'Set-TurnstileWidget from a pipeline' {
    BeforeEach {
        $script:byName = Initialize-TurnstileEmulatorWidget -Emulator $script:emulator -Name @('shop', 'blog', 'news')
    }

    Context 'One request per widget' {
        It 'updates 500 listed widgets with at most 1.1 requests per widget, and no GET' {
            Add-SeededWidget -Count 500 -NamePrefix 'bulk-'
            $before = Get-TurnstileEmulatorStatistic -Emulator $script:emulator

            Get-TurnstileWidget -Filter 'name:bulk-' | Set-TurnstileWidget -Mode invisible -Confirm:$false

            $sent = Get-RequestDelta -Before $before
            $sent.Update | Should -Be 500
            $sent.Get | Should -Be 0
            ($sent.Total / 500) | Should -BeLessOrEqual 1.1
            $bulk = @(Get-TurnstileEmulatorWidget -Emulator $script:emulator | Where-Object -Property name -Like -Value 'bulk-*')
            $bulk.Count | Should -Be 500
            @($bulk | Where-Object -Property mode -NE -Value 'invisible').Count | Should -Be 0
        }

        It 'merges into the whole widget it read, so the PUT keeps every other setting' {
            $before = Get-TurnstileEmulatorStatistic -Emulator $script:emulator

            Get-TurnstileWidget -Name 'shop' | Set-TurnstileWidget -AddDomain 'www.shop.example.com' -Confirm:$false

            (Get-RequestDelta -Before $before).Get | Should -Be 0
            $stored = Get-StoredWidget -Sitekey $script:byName['shop'].sitekey
            $stored.name | Should -Be 'shop'
            @($stored.domains) | Should -Be @('shop.example.com', 'www.shop.example.com')
        }

        It 'reads the widget again with -MaxReadAge 0' {
            $before = Get-TurnstileEmulatorStatistic -Emulator $script:emulator

            Get-TurnstileWidget | Set-TurnstileWidget -Mode invisible -MaxReadAge 0 -Confirm:$false

            $sent = Get-RequestDelta -Before $before
            $sent.Get | Should -Be 3
            $sent.Update | Should -Be 3
        }

        It 'reads the widget again when it is named by sitekey' {
            $before = Get-TurnstileEmulatorStatistic -Emulator $script:emulator

            Set-TurnstileWidget -Sitekey $script:byName['blog'].sitekey -Mode invisible -Confirm:$false

            $sent = Get-RequestDelta -Before $before
            $sent.Get | Should -Be 1
            $sent.Update | Should -Be 1
        }

        It 'reads the widget again when the object was built by hand' {
            $handMade = [TurnstileWidgets.TurnstileWidget]@{ Sitekey = $script:byName['news'].sitekey; Name = 'news' }
            $before = Get-TurnstileEmulatorStatistic -Emulator $script:emulator

            $handMade | Set-TurnstileWidget -ClearanceLevel interactive -Confirm:$false

            (Get-RequestDelta -Before $before).Get | Should -Be 1
            (Get-StoredWidget -Sitekey $script:byName['news'].sitekey).clearance_level | Should -Be 'interactive'
        }

        It 'ignores edits to the piped object: only the parameters say what changes' {
            $widget = Get-TurnstileWidget -Name 'shop'
            $widget.Domains = @('edited.example.com')
            $widget.Name = 'edited'

            $widget | Set-TurnstileWidget -Mode invisible -Confirm:$false

            $stored = Get-StoredWidget -Sitekey $script:byName['shop'].sitekey
            $stored.name | Should -Be 'shop'
            @($stored.domains) | Should -Be @('shop.example.com')
            $stored.mode | Should -Be 'invisible'
        }

        It 'refuses a negative -MaxReadAge before any request' {
            $before = Get-TurnstileEmulatorStatistic -Emulator $script:emulator

            { Get-TurnstileWidget | Set-TurnstileWidget -Mode invisible -MaxReadAge ([timespan]::FromSeconds(-1)) -Confirm:$false } |
                Should -Throw -ExpectedMessage '*-MaxReadAge must be zero or more*'

            (Get-RequestDelta -Before $before).Update | Should -Be 0
        }
    }

    Context 'Delay-bind script blocks' {
        It 'computes -Name for each piped widget' {
            Get-TurnstileWidget | Set-TurnstileWidget -Name { 'old-' + $_.Name } -Confirm:$false

            $names = @(Get-TurnstileEmulatorWidget -Emulator $script:emulator | ForEach-Object -MemberName name | Sort-Object)
            $names | Should -Be @('old-blog', 'old-news', 'old-shop')
        }

        It 'computes -AddDomain and -Mode for each piped widget' {
            Get-TurnstileWidget | Set-TurnstileWidget -AddDomain { "www.$($_.Name).example.com" } -Mode { if ($_.Name -eq 'shop') { 'invisible' } else { 'managed' } } -Confirm:$false

            $shop = Get-StoredWidget -Sitekey $script:byName['shop'].sitekey
            @($shop.domains) | Should -Be @('shop.example.com', 'www.shop.example.com')
            $shop.mode | Should -Be 'invisible'
            (Get-StoredWidget -Sitekey $script:byName['blog'].sitekey).mode | Should -Be 'managed'
        }

        It 'never sets anything from a piped widget''s own properties' {
            $before = Get-TurnstileEmulatorStatistic -Emulator $script:emulator

            # Domains on the widget would clash with -AddDomain if it bound by property name.
            Get-TurnstileWidget -Name 'blog' | Set-TurnstileWidget -AddDomain 'www.blog.example.com' -Confirm:$false -ErrorVariable problems

            $problems.Count | Should -Be 0
            (Get-RequestDelta -Before $before).Update | Should -Be 1
            (Get-StoredWidget -Sitekey $script:byName['blog'].sitekey).name | Should -Be 'blog'
        }

        It 'refuses a script block that returns a script block, before any request' {
            $before = Get-TurnstileEmulatorStatistic -Emulator $script:emulator

            Get-TurnstileWidget -Name 'shop' | Set-TurnstileWidget -Name { { 'nested' } } -Confirm:$false -ErrorVariable problems -ErrorAction SilentlyContinue

            $problems.Count | Should -Be 1
            "$($problems[0])" | Should -BeLike '*-Name takes text, not a script block*'
            (Get-RequestDelta -Before $before).Update | Should -Be 0
            (Get-StoredWidget -Sitekey $script:byName['shop'].sitekey).name | Should -Be 'shop'
        }

        It 'refuses a script block without pipeline input, before any request' {
            $before = Get-TurnstileEmulatorStatistic -Emulator $script:emulator

            { Set-TurnstileWidget -Sitekey $script:byName['shop'].sitekey -Name { 'x' } -Confirm:$false } |
                Should -Throw -ExceptionType ([System.Management.Automation.ParameterBindingException])

            (Get-RequestDelta -Before $before).Total | Should -Be 0
        }

        It 'refuses a script block on a parameter that takes none, before any request' {
            $before = Get-TurnstileEmulatorStatistic -Emulator $script:emulator

            { Get-TurnstileWidget -Name 'shop' | Set-TurnstileWidget -Mode invisible -PassThru:{ $true } -Confirm:$false } |
                Should -Throw -ExceptionType ([System.Management.Automation.ParameterBindingException])

            (Get-RequestDelta -Before $before).Update | Should -Be 0
        }

        It 'ignores setting properties of piped objects, with a warning, and takes them from a script block' {
            $rows = @(
                [pscustomobject]@{ Sitekey = $script:byName['shop'].sitekey; Mode = 'non-interactive'; Name = 'from the row' }
                [pscustomobject]@{ Sitekey = $script:byName['news'].sitekey; Mode = 'managed'; Name = 'from the row' }
            )

            $rows | Set-TurnstileWidget -ClearanceLevel interactive -Confirm:$false -WarningVariable warnings -WarningAction SilentlyContinue

            $warnings.Count | Should -Be 1
            "$($warnings[0])" | Should -BeLike '*Ignoring the piped objects'' Name, Mode properties*'
            $shop = Get-StoredWidget -Sitekey $script:byName['shop'].sitekey
            $shop.name | Should -Be 'shop'
            $shop.mode | Should -Be 'managed'
            $shop.clearance_level | Should -Be 'interactive'

            $rows | Set-TurnstileWidget -Mode { $_.Mode } -Confirm:$false -WarningVariable warnings -WarningAction SilentlyContinue

            (Get-StoredWidget -Sitekey $script:byName['shop'].sitekey).mode | Should -Be 'non-interactive'
            "$($warnings[0])" | Should -BeLike '*Name properties*'
        }

        It 'never writes back the old settings of a copy of a widget' {
            $copy = Get-TurnstileWidget -Name 'blog' | ForEach-Object {
                [System.Management.Automation.PSSerializer]::Deserialize([System.Management.Automation.PSSerializer]::Serialize($_))
            }
            Set-TurnstileWidget -Sitekey $script:byName['blog'].sitekey -Name 'blog (renamed since)' -Confirm:$false

            $copy | Set-TurnstileWidget -Mode invisible -Confirm:$false -WarningAction SilentlyContinue

            $stored = Get-StoredWidget -Sitekey $script:byName['blog'].sitekey
            $stored.name | Should -Be 'blog (renamed since)'
            $stored.mode | Should -Be 'invisible'
        }
    }
}
