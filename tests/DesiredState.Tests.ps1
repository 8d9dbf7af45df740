Set-StrictMode -Version Latest

BeforeAll {
    $script:emulator = $null
    Import-Module -Name (Join-Path -Path $PSScriptRoot -ChildPath 'TestHelpers/TurnstileTestHelpers.psm1') -Force
    # Two accounts: staging (the first, the default) and prod. The token acts on both.
    $script:emulator = Start-TurnstileEmulator -AccountCount 2
    $null = Import-TurnstileModuleUnderTest
    $script:staging = $script:emulator.AccountIds[0]
    $script:prod = $script:emulator.AccountIds[1]
    # The same emulator seen from prod, for the helpers that address $Emulator.AccountId.
    $script:prodView = $script:emulator.PSObject.Copy()
    $script:prodView.AccountId = $script:prod

    function Connect-TestAccount {
        param([Parameter(Mandatory)] [string] $AccountId)
        Connect-Turnstile -ApiBaseUri $script:emulator.BaseUri -ApiToken $script:emulator.ApiToken -AccountId $AccountId -ErrorAction Stop
    }

    function Get-WriteCount {
        # Creates, updates and deletes one account received: the witness that nothing (or exactly something) was written.
        param([Parameter(Mandatory)] [string] $AccountId)
        $stats = Get-TurnstileEmulatorStatistic -Emulator $script:emulator -AccountId $AccountId
        $stats.create_requests + $stats.update_requests + $stats.delete_requests
    }

    function Clear-TestAccount {
        param([Parameter(Mandatory)] [string] $AccountId)
        $null = Invoke-RestMethod -Method Post -Uri ($script:emulator.ControlUri.AbsoluteUri + 'reset') -ContentType 'application/json' -Body (@{ account_id = $AccountId } | ConvertTo-Json -Compress)
    }

    function Write-Entry {
        # A desired-state JSON file from hashtables, as a person would edit it.
        param([Parameter(Mandatory)] [string] $Path, [Parameter(Mandatory)] [AllowEmptyCollection()] [object[]] $Entry)
        ConvertTo-Json -InputObject @($Entry) -Depth 5 | Set-Content -LiteralPath $Path
    }
}

AfterAll {
    Stop-TurnstileTestSession -Emulator $script:emulator
}

Describe 'Desired state: Export, Compare and Sync-TurnstileWidget' {
    BeforeEach {
        Reset-TurnstileEmulator -Emulator $script:emulator
        Connect-TestAccount -AccountId $script:staging
        $script:shop = Add-TurnstileEmulatorWidget -Emulator $script:emulator -Name 'shop' -Domain 'shop.example.com', 'www.example.com' -Mode 'invisible' -BotFightMode
        $script:blog = Add-TurnstileEmulatorWidget -Emulator $script:emulator -Name 'blog' -Domain 'blog.example.com' -ClearanceLevel 'managed'
        $script:news = Add-TurnstileEmulatorWidget -Emulator $script:emulator -Name 'news' -Domain 'news.example.com'
        $script:json = Join-Path -Path $TestDrive -ChildPath 'widgets.json'
        $script:psd1 = Join-Path -Path $TestDrive -ChildPath 'widgets.psd1'
        $script:setupWrites = Get-WriteCount -AccountId $script:staging
    }

    Context 'Export' {
        It 'writes every widget, sorted by name, with the TurnstileWidget property names and no secret' {
            Export-TurnstileWidget -Path $script:json

            $text = Get-Content -LiteralPath $script:json -Raw
            $entries = @($text | ConvertFrom-Json)
            $entries.Name | Should -Be @('blog', 'news', 'shop')
            $entries[2].PSObject.Properties.Name | Should -Be @('Name', 'Domains', 'Mode', 'Region', 'ClearanceLevel', 'BotFightMode', 'EphemeralId', 'Offlabel', 'Sitekey')
            $entries[2].Domains | Should -Be @('shop.example.com', 'www.example.com')
            $entries[2].Mode | Should -Be 'invisible'
            $entries[2].BotFightMode | Should -BeTrue
            $entries[2].Sitekey | Should -Be $script:shop.sitekey
            $text | Should -Not -Match ([regex]::Escape($script:shop.secret))
            $text | Should -Not -Match '(?i)secret'
            $text | Should -Not -Match "`r"
        }

        It 'writes the same bytes twice, so the file diffs cleanly' {
            Export-TurnstileWidget -Path $script:json
            $first = Get-Content -LiteralPath $script:json -Raw
            Get-TurnstileWidget | Sort-Object -Property Sitekey -Descending | Export-TurnstileWidget -Path $script:json
            Get-Content -LiteralPath $script:json -Raw | Should -BeExactly $first
        }

        It 'writes only the piped widgets, and an empty file for an empty pipeline' {
            Get-TurnstileWidget -Name 'shop' | Export-TurnstileWidget -Path $script:json
            @(Get-Content -LiteralPath $script:json -Raw | ConvertFrom-Json).Name | Should -Be @('shop')

            Get-TurnstileWidget -Name 'no such widget*' | Export-TurnstileWidget -Path $script:json
            Get-Content -LiteralPath $script:json -Raw | Should -BeExactly "[]`n"
        }

        It '-ExcludeSitekey leaves the sitekeys out' {
            Export-TurnstileWidget -Path $script:json -ExcludeSitekey
            (Get-Content -LiteralPath $script:json -Raw) | Should -Not -Match 'Sitekey'
        }

        It 'refuses a path that is neither .json nor .psd1, before any request' {
            $before = (Get-TurnstileEmulatorStatistic -Emulator $script:emulator).total_requests
            { Export-TurnstileWidget -Path (Join-Path -Path $TestDrive -ChildPath 'widgets.txt') } |
                Should -Throw -ErrorId 'TurnstileDesiredPathInvalid,TurnstileWidgets.Commands.ExportTurnstileWidgetCommand'
            (Get-TurnstileEmulatorStatistic -Emulator $script:emulator).total_requests | Should -Be $before
        }
    }

    Context 'Export then Compare' {
        It 'is clean for a .json file' {
            Export-TurnstileWidget -Path $script:json
            Compare-TurnstileWidget -Path $script:json | Should -BeNullOrEmpty
            Compare-TurnstileWidget -Path $script:json -Prune | Should -BeNullOrEmpty
        }

        It 'round-trips a .psd1 file that Import-PowerShellDataFile reads' {
            Export-TurnstileWidget -Path $script:psd1

            $data = Import-PowerShellDataFile -LiteralPath $script:psd1
            $data.Widgets.Count | Should -Be 3
            $data.Widgets[2].Name | Should -Be 'shop'
            $data.Widgets[2].Domains | Should -Be @('shop.example.com', 'www.example.com')
            $data.Widgets[2].BotFightMode | Should -BeTrue
            $data.Widgets[2].Sitekey | Should -Be $script:shop.sitekey
            Compare-TurnstileWidget -Path $script:psd1 | Should -BeNullOrEmpty

            Copy-Item -LiteralPath $script:psd1 -Destination "$script:psd1.before"
            (Get-Content -LiteralPath $script:psd1 -Raw).Replace("Mode = 'invisible'", "Mode = 'managed'") | Set-Content -LiteralPath $script:psd1 -NoNewline
            $change = Compare-TurnstileWidget -Path $script:psd1
            $change.Action | Should -Be 'Update'
            $change.Sitekey | Should -Be $script:shop.sitekey
            $change.Changes.Property | Should -Be 'Mode'
        }

        It 'keeps a name with quotes and non-ASCII letters through both formats' {
            Set-TurnstileWidget -Sitekey $script:news.sitekey -Name "Caf$([char]0x00E9) 'news' $([char]0x2018)x$([char]0x2019)" -Confirm:$false
            Export-TurnstileWidget -Path $script:json
            Export-TurnstileWidget -Path $script:psd1
            Compare-TurnstileWidget -Path $script:json | Should -BeNullOrEmpty
            Compare-TurnstileWidget -Path $script:psd1 | Should -BeNullOrEmpty
            (Import-PowerShellDataFile -LiteralPath $script:psd1).Widgets.Name | Should -Contain "Caf$([char]0x00E9) 'news' $([char]0x2018)x$([char]0x2019)"
        }
    }

    Context 'Edits give the exact plan' {
        It 'shows one change per edited widget with Property, Current and Desired, and a Create for a new entry' {
            Export-TurnstileWidget -Path $script:json
            $entries = @(Get-Content -LiteralPath $script:json -Raw | ConvertFrom-Json)
            $entries[2].Mode = 'managed'
            $entries[2].Domains = @('shop.example.com')
            $entries[0].ClearanceLevel = 'interactive'
            $new = [pscustomobject]@{ Name = 'signup'; Domains = @('signup.example.com'); Mode = 'non-interactive' }
            Write-Entry -Path $script:json -Entry ($entries + $new)

            $changes = @(Compare-TurnstileWidget -Path $script:json)

            $changes.Count | Should -Be 3
            $changes[0].PSObject.TypeNames[0] | Should -Be 'TurnstileWidgets.TurnstileWidgetChange'
            $changes[0].Action | Should -Be 'Update'
            $changes[0].Name | Should -Be 'blog'
            $changes[0].Changes.Property | Should -Be 'ClearanceLevel'
            $changes[0].Changes.Current | Should -Be 'managed'
            $changes[0].Changes.Desired | Should -Be 'interactive'
            $changes[1].Name | Should -Be 'shop'
            $changes[1].Changes.Property | Should -Be @('Domains', 'Mode')
            $changes[1].Changes[0].Current | Should -Be @('shop.example.com', 'www.example.com')
            $changes[1].Changes[0].Desired | Should -Be @('shop.example.com')
            $changes[1].Changes[1].Current | Should -Be 'invisible'
            $changes[2].Action | Should -Be 'Create'
            $changes[2].Name | Should -Be 'signup'
            $changes[2].Sitekey | Should -BeNullOrEmpty
            ($changes[2].Changes | Where-Object Property -EQ 'Mode').Desired | Should -Be 'non-interactive'
            Get-WriteCount -AccountId $script:staging | Should -Be $script:setupWrites
        }

        It 'reads a property left out as "leave it as it is", not as a reset' {
            Write-Entry -Path $script:json -Entry @(@{ Name = 'shop'; Domains = @('shop.example.com', 'www.example.com') })
            Compare-TurnstileWidget -Path $script:json | Should -BeNullOrEmpty
        }

        It 'ignores the order of domains and the case of hostnames' {
            Write-Entry -Path $script:json -Entry @(@{ Name = 'shop'; Domains = @('WWW.example.com', 'shop.example.com') })
            Compare-TurnstileWidget -Path $script:json | Should -BeNullOrEmpty
        }

        It 'shows a Remove only with -Prune' {
            Write-Entry -Path $script:json -Entry @(@{ Name = 'shop' }, @{ Name = 'blog' })
            Compare-TurnstileWidget -Path $script:json | Should -BeNullOrEmpty
            $removal = Compare-TurnstileWidget -Path $script:json -Prune
            $removal.Action | Should -Be 'Remove'
            $removal.Sitekey | Should -Be $script:news.sitekey
            $removal.Changes | Should -BeNullOrEmpty
        }
    }

    Context 'Sync' {
        BeforeEach {
            Export-TurnstileWidget -Path $script:json
            $entries = @(Get-Content -LiteralPath $script:json -Raw | ConvertFrom-Json)
            $entries[2].Mode = 'managed'
            $new = [pscustomobject]@{ Name = 'signup'; Domains = @('signup.example.com') }
            Write-Entry -Path $script:json -Entry ($entries + $new)
        }

        It 'writes nothing with -WhatIf' {
            Sync-TurnstileWidget -Path $script:json -WhatIf
            Sync-TurnstileWidget -Path $script:json -Prune -Force -WhatIf
            Get-WriteCount -AccountId $script:staging | Should -Be $script:setupWrites
        }

        It 'applies exactly the planned changes; Compare is then clean and a second Sync writes nothing' {
            $planned = @(Compare-TurnstileWidget -Path $script:json)
            $applied = @(Sync-TurnstileWidget -Path $script:json -PassThru -InformationVariable summary)

            $applied.Action | Should -Be $planned.Action
            $applied.Name | Should -Be $planned.Name
            # Three creates were the setup's; the sync sent one create and one update.
            (Get-TurnstileEmulatorStatistic -Emulator $script:emulator -AccountId $script:staging).create_requests | Should -Be 4
            (Get-TurnstileEmulatorStatistic -Emulator $script:emulator -AccountId $script:staging).update_requests | Should -Be 1
            "$summary" | Should -Be 'Sync-TurnstileWidget: 1 created, 1 updated, 0 removed, 0 failed.'
            Compare-TurnstileWidget -Path $script:json | Should -BeNullOrEmpty

            $writes = Get-WriteCount -AccountId $script:staging
            Sync-TurnstileWidget -Path $script:json | Should -BeNullOrEmpty
            Get-WriteCount -AccountId $script:staging | Should -Be $writes
        }

        It '-PassThru gives a created widget its sitekey and its secret as a SecureString' {
            $created = Sync-TurnstileWidget -Path $script:json -PassThru | Where-Object Action -EQ 'Create'
            $created.Sitekey | Should -Match '^0x4'
            $created.Secret | Should -BeOfType [securestring]
            Test-TurnstileEmulatorSecret -Emulator $script:emulator -Secret $created.Secret | Should -BeTrue
            ($created | Format-List * | Out-String) | Should -Not -Match ([regex]::Escape((ConvertFrom-TurnstileTestSecureString -SecureString $created.Secret)))
            $clixml = Join-Path -Path $TestDrive -ChildPath 'changes.clixml'
            $created | Export-Clixml -LiteralPath $clixml
            $plain = ConvertFrom-TurnstileTestSecureString -SecureString $created.Secret
            $xml = Get-Content -LiteralPath $clixml -Raw
            $xml | Should -Not -Match 'Secret'
            $xml | Should -Not -Match (ConvertTo-TurnstileTestHexString -Bytes ([System.Text.Encoding]::Unicode.GetBytes($plain)))
            (Import-Clixml -LiteralPath $clixml).Changes.Count | Should -Be $created.Changes.Count
        }

        It 'takes entries from the pipeline (Import-Csv rows) instead of -Path' {
            $csv = Join-Path -Path $TestDrive -ChildPath 'widgets.csv'
            @(
                [pscustomobject]@{ Name = 'blog'; Domains = 'blog.example.com'; Mode = 'invisible'; BotFightMode = 'Yes' }
                [pscustomobject]@{ Name = 'contact'; Domains = 'contact.example.com;www.example.com'; Mode = ''; BotFightMode = '' }
            ) | Export-Csv -LiteralPath $csv -NoTypeInformation

            $changes = @(Import-Csv -LiteralPath $csv | Compare-TurnstileWidget)
            $changes.Action | Should -Be @('Update', 'Create')
            $changes[0].Changes.Property | Should -Be @('Mode', 'BotFightMode')
            ($changes[1].Changes | Where-Object Property -EQ 'Domains').Desired | Should -Be @('contact.example.com', 'www.example.com')

            Import-Csv -LiteralPath $csv | Sync-TurnstileWidget
            Import-Csv -LiteralPath $csv | Compare-TurnstileWidget | Should -BeNullOrEmpty
            Get-Content -LiteralPath $script:json -Raw | ConvertFrom-Json | Compare-TurnstileWidget | Should -Not -BeNullOrEmpty
        }

        It 'reads widgets from Get-TurnstileWidget by their setting properties alone' {
            Get-TurnstileWidget | Compare-TurnstileWidget -Prune | Should -BeNullOrEmpty
            $shop = Get-TurnstileWidget -Name 'shop'
            $shop.Mode = 'managed'
            $change = $shop | Compare-TurnstileWidget
            $change.Sitekey | Should -Be $script:shop.sitekey
            $change.Changes.Property | Should -Be 'Mode'
        }

        It '-Prune asks before removing: a host that cannot ask removes nothing, -Force removes' {
            Write-Entry -Path $script:json -Entry @(@{ Name = 'shop' }, @{ Name = 'blog' })
            $manifest = (Get-Module -Name 'TurnstileWidgets').Path
            $shell = [powershell]::Create()
            try {
                # A runspace without an interactive host: the confirmation question cannot be answered there.
                $null = $shell.AddScript({
                        param($Manifest, $Uri, $Token, $Account, $File)
                        Import-Module -Name $Manifest
                        Connect-Turnstile -ApiBaseUri $Uri -ApiToken $Token -AccountId $Account
                        Sync-TurnstileWidget -Path $File -Prune
                    }).AddArgument($manifest).AddArgument($script:emulator.BaseUri).AddArgument($script:emulator.ApiToken).AddArgument($script:staging).AddArgument($script:json)
                $failed = $false
                try { $null = $shell.Invoke() } catch { $failed = $true }
                ($failed -or $shell.HadErrors) | Should -BeTrue
            }
            finally {
                $shell.Dispose()
            }
            (Get-TurnstileEmulatorStatistic -Emulator $script:emulator -AccountId $script:staging).delete_requests | Should -Be 0

            Sync-TurnstileWidget -Path $script:json -Prune -Force -InformationVariable summary
            (Get-TurnstileEmulatorStatistic -Emulator $script:emulator -AccountId $script:staging).delete_requests | Should -Be 1
            "$summary" | Should -Be 'Sync-TurnstileWidget: 0 created, 0 updated, 1 removed, 0 failed.'
            @(Get-TurnstileEmulatorWidget -Emulator $script:emulator).name | Should -Not -Contain 'news'
        }
    }

    Context 'Refusals, with no writes' {
        It 'refuses a name two live widgets share, and then writes nothing at all (a Sync is applied whole or not at all)' {
            $null = Add-TurnstileEmulatorWidget -Emulator $script:emulator -Name 'blog' -Domain 'blog2.example.com'
            $writes = Get-WriteCount -AccountId $script:staging
            Write-Entry -Path $script:json -Entry @(@{ Name = 'blog'; Mode = 'invisible' }, @{ Name = 'news'; Mode = 'invisible' })

            Sync-TurnstileWidget -Path $script:json -ErrorVariable problems -ErrorAction SilentlyContinue -InformationVariable summary

            $problems.Count | Should -Be 2
            $problems[0].FullyQualifiedErrorId | Should -Be 'TurnstileDesiredNameAmbiguous,TurnstileWidgets.Commands.SyncTurnstileWidgetCommand'
            $problems[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
            $problems[0].TargetObject | Should -Be 'blog'
            $problems[0].Exception.Message | Should -BeLike '*entry 1 of widgets.json*2 widgets are named*Sitekey*'
            $problems[1].FullyQualifiedErrorId | Should -Be 'TurnstileDesiredSyncRefused,TurnstileWidgets.Commands.SyncTurnstileWidgetCommand'
            $problems[1].Exception.Message | Should -BeLike '*wrote nothing*1 entry of widgets.json*'
            Get-WriteCount -AccountId $script:staging | Should -Be $writes
            (Get-TurnstileEmulatorWidget -Emulator $script:emulator | Where-Object name -EQ 'blog').mode | Should -Not -Contain 'invisible'
            (Get-TurnstileEmulatorWidget -Emulator $script:emulator | Where-Object name -EQ 'news').mode | Should -Not -Be 'invisible'
            "$summary" | Should -Be 'Sync-TurnstileWidget: 0 created, 0 updated, 0 removed, 1 failed.'
        }

        It 'refuses a region change before any write' {
            Write-Entry -Path $script:json -Entry @(@{ Name = 'shop'; Region = 'china'; Mode = 'managed' })

            Sync-TurnstileWidget -Path $script:json -ErrorVariable problems -ErrorAction SilentlyContinue

            $problems[0].FullyQualifiedErrorId | Should -Be 'TurnstileRegionChangeRefused,TurnstileWidgets.Commands.SyncTurnstileWidgetCommand'
            $problems[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
            $problems[0].TargetObject | Should -Be $script:shop.sitekey
            Get-WriteCount -AccountId $script:staging | Should -Be $script:setupWrites
        }

        It 'refuses an entry whose sitekey no longer exists, never re-creating it' {
            Write-Entry -Path $script:json -Entry @(@{ Name = 'gone'; Domains = @('gone.example.com'); Sitekey = '0x4AAAAAAAGoneGoneGoneGoneGone00' })

            Compare-TurnstileWidget -Path $script:json -ErrorVariable problems -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            Sync-TurnstileWidget -Path $script:json -ErrorAction SilentlyContinue

            $problems[0].FullyQualifiedErrorId | Should -Be 'TurnstileDesiredSitekeyNotFound,TurnstileWidgets.Commands.CompareTurnstileWidgetCommand'
            $problems[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
            Get-WriteCount -AccountId $script:staging | Should -Be $script:setupWrites
        }

        It 'refuses bad entries with the file name and index, and writes nothing at all' {
            Write-Entry -Path $script:json -Entry @(
                @{ Name = 'shop'; Mode = 'managed' }
                @{ Name = 'blog'; Colour = 'blue' }
                @{ Name = 'news'; Domains = @('https://news.example.com/') }
            )

            Sync-TurnstileWidget -Path $script:json -ErrorVariable all -ErrorAction SilentlyContinue

            $problems = @($all | Where-Object FullyQualifiedErrorId -NotLike 'TurnstileDesiredSyncRefused,*')
            @($all | Where-Object FullyQualifiedErrorId -Like 'TurnstileDesiredSyncRefused,*').Count | Should -Be 1
            # How many domains a widget may have is the API's to say (the account's plan), so 11 is no longer refused here.
            $problems.Count | Should -Be 2
            $problems.FullyQualifiedErrorId | ForEach-Object { $_ | Should -BeLike 'TurnstileDesiredEntryInvalid,*' }
            $problems[0].Exception.Message | Should -BeLike "entry 2 of widgets.json: 'Colour' is not a widget property*"
            $problems[1].Exception.Message | Should -BeLike 'entry 3 of widgets.json: domains:*'
            $problems[0].CategoryInfo.Category | Should -Be 'InvalidData'
            $problems[0].TargetObject | Should -Be 'blog'
            Get-WriteCount -AccountId $script:staging | Should -Be $script:setupWrites
        }

        It 'stops with a clear error for a file that does not exist or is not an array' {
            { Compare-TurnstileWidget -Path (Join-Path -Path $TestDrive -ChildPath 'missing.json') } |
                Should -Throw -ErrorId 'TurnstileDesiredFileNotFound,TurnstileWidgets.Commands.CompareTurnstileWidgetCommand'
            Set-Content -LiteralPath $script:json -Value '{ "Name": "shop" }'
            { Compare-TurnstileWidget -Path $script:json } |
                Should -Throw -ErrorId 'TurnstileDesiredFileInvalid,TurnstileWidgets.Commands.CompareTurnstileWidgetCommand'
        }
    }

    Context 'Scale: three listing pages' {
        It 'exports 2,503 widgets and compares them clean, one listing of three pages per run and no write' {
            $null = Invoke-RestMethod -Method Post -Uri ($script:emulator.ControlUri.AbsoluteUri + 'seed') -ContentType 'application/json' -Body (@{ count = 2500; name_prefix = 'bulk-'; account_id = $script:staging } | ConvertTo-Json -Compress)
            $before = Get-TurnstileEmulatorStatistic -Emulator $script:emulator -AccountId $script:staging

            Export-TurnstileWidget -Path $script:json
            @(Get-Content -LiteralPath $script:json -Raw | ConvertFrom-Json).Count | Should -Be 2503
            Compare-TurnstileWidget -Path $script:json -Prune | Should -BeNullOrEmpty
            Sync-TurnstileWidget -Path $script:json -Prune -Force | Should -BeNullOrEmpty

            $after = Get-TurnstileEmulatorStatistic -Emulator $script:emulator -AccountId $script:staging
            ($after.list_requests - $before.list_requests) | Should -Be 9
            Get-WriteCount -AccountId $script:staging | Should -Be $script:setupWrites
        }
    }

    Context 'Promotion from staging to prod, by name' {
        It 'creates the staging widgets in prod, then carries a later edit over by name' {
            Clear-TestAccount -AccountId $script:prod
            Export-TurnstileWidget -Path $script:json -ExcludeSitekey

            Connect-TestAccount -AccountId $script:prod
            $plan = @(Compare-TurnstileWidget -Path $script:json)
            $plan.Action | Should -Be @('Create', 'Create', 'Create')
            Sync-TurnstileWidget -Path $script:json
            Compare-TurnstileWidget -Path $script:json | Should -BeNullOrEmpty
            $prodShop = Get-TurnstileEmulatorWidget -Emulator $script:prodView | Where-Object name -EQ 'shop'
            $prodShop.sitekey | Should -Not -Be $script:shop.sitekey
            $prodShop.mode | Should -Be 'invisible'
            $prodShop.bot_fight_mode | Should -BeTrue

            Connect-TestAccount -AccountId $script:staging
            Set-TurnstileWidget -Sitekey $script:shop.sitekey -Mode 'managed' -Confirm:$false
            Export-TurnstileWidget -Path $script:json -ExcludeSitekey
            $stagingWrites = Get-WriteCount -AccountId $script:staging

            Connect-TestAccount -AccountId $script:prod
            $change = Compare-TurnstileWidget -Path $script:json
            $change.Action | Should -Be 'Update'
            $change.Sitekey | Should -Be $prodShop.sitekey
            Sync-TurnstileWidget -Path $script:json
            (Get-TurnstileEmulatorWidget -Emulator $script:prodView | Where-Object name -EQ 'shop').mode | Should -Be 'managed'
            (Get-TurnstileEmulatorStatistic -Emulator $script:emulator -AccountId $script:prod).create_requests | Should -Be 3
            (Get-TurnstileEmulatorStatistic -Emulator $script:emulator -AccountId $script:prod).update_requests | Should -Be 1
            Get-WriteCount -AccountId $script:staging | Should -Be $stagingWrites
        }
    }
}
