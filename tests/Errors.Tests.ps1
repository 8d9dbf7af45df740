Set-StrictMode -Version Latest

BeforeAll {
    $script:emulator = $null
    Import-Module -Name (Join-Path -Path $PSScriptRoot -ChildPath 'TestHelpers/TurnstileTestHelpers.psm1') -Force
    $script:emulator = Start-TurnstileTestSession

    $script:apiTokenText = ConvertFrom-TurnstileTestSecureString -SecureString $script:emulator.ApiToken
    $script:missingSitekey = '0x4AAAAAAAMissingWidget0'

    function Split-VerboseRecord {
        # Separates what a command wrote to the output stream from its verbose messages (merged with 4>&1).
        [CmdletBinding()]
        param([Parameter()] [AllowEmptyCollection()] [object[]] $Record)
        [pscustomobject]@{
            Output  = @($Record | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] })
            Verbose = @($Record | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object -MemberName Message)
        }
    }
}

AfterAll {
    Stop-TurnstileTestSession -Emulator $script:emulator
}

Describe 'Errors, retries and verbose output' {
    BeforeEach {
        $seeded = Initialize-TurnstileEmulatorWidget -Emulator $script:emulator -Name @('shop', 'blog')
        $script:shop = $seeded['shop']
        $script:blog = $seeded['blog']
    }

    Context 'Rate limits' {
        It 'waits as Retry-After asks after a 429, then succeeds, and says so once, in a warning' {
            Set-TurnstileEmulatorFault -Emulator $script:emulator -Step @(
                @{ status = 429; retry_after = '1'; method = 'GET'; path_contains = '/challenges/widgets' }
            )

            $result = Split-VerboseRecord -Record @(Get-TurnstileWidget -Verbose -WarningVariable warned -WarningAction SilentlyContinue 4>&1)

            @($result.Output.Name | Sort-Object) | Should -Be @('blog', 'shop')
            # The wait is a block: said once, as a warning (how long, why, Ctrl+C), and not again as a -Verbose line;
            # then the retry's own line ends with '(attempt 2)'.
            @($warned).Count | Should -Be 1
            "$warned" | Should -Match 'Waiting 1 s before GET /\S+ .*Ctrl\+C'
            @($result.Verbose | Where-Object { $_ -match '^Waiting .+429' }).Count | Should -Be 0
            @($result.Verbose | Where-Object { $_ -match '^GET /\S+ -> 200 in .+ \(attempt 2\)$' }).Count | Should -Be 1
            (Get-TurnstileEmulatorStatistic -Emulator $script:emulator).rate_limited_responses | Should -Be 1
        }

        It 'retries a create after a 429, since the API did not take it' {
            Set-TurnstileEmulatorFault -Emulator $script:emulator -Step @(
                @{ status = 429; retry_after = '0'; method = 'POST' }
            )

            $widget = New-TurnstileWidget -Name 'after 429' -Domain 'example.com' -Confirm:$false

            $widget.Name | Should -Be 'after 429'
            @(Get-TurnstileEmulatorWidget -Emulator $script:emulator | Where-Object -Property name -EQ -Value 'after 429').Count | Should -Be 1
        }

        It 'fails with TurnstileRateLimited when the 429s persist' {
            $steps = @(1..20 | ForEach-Object { @{ status = 429; retry_after = '0'; method = 'GET' } })
            Set-TurnstileEmulatorFault -Emulator $script:emulator -Step $steps

            $record = { Get-TurnstileWidget -ErrorAction Stop } | Should -Throw -ErrorId 'TurnstileRateLimited,*' -PassThru

            $record.CategoryInfo.Category | Should -Be ([System.Management.Automation.ErrorCategory]::LimitsExceeded)
            (Get-TurnstileEmulatorStatistic -Emulator $script:emulator).rate_limited_responses | Should -BeGreaterThan 1
        }
    }

    Context 'Error records' {
        It 'maps a server error on a create to TurnstileServerError' {
            Set-TurnstileEmulatorFault -Emulator $script:emulator -Step @(
                @{ status = 500; method = 'POST' }
            )

            New-TurnstileWidget -Name 'server error' -Domain 'example.com' -Confirm:$false -ErrorVariable problems -ErrorAction SilentlyContinue

            $problems.Count | Should -Be 1
            $problems[0].FullyQualifiedErrorId | Should -BeLike 'TurnstileServerError,*'
            $problems[0].CategoryInfo.Category | Should -Be ([System.Management.Automation.ErrorCategory]::NotSpecified)
        }

        It 'maps a 403 to TurnstileAccessDenied' {
            Set-TurnstileEmulatorFault -Emulator $script:emulator -Step @(
                @{ status = 403; code = 9109; message = 'Unauthorized to access requested resource'; method = 'DELETE' }
            )

            Remove-TurnstileWidget -Sitekey $script:shop.sitekey -Force -ErrorVariable problems -ErrorAction SilentlyContinue

            $problems.Count | Should -Be 1
            $problems[0].FullyQualifiedErrorId | Should -BeLike 'TurnstileAccessDenied,*'
            $problems[0].CategoryInfo.Category | Should -Be ([System.Management.Automation.ErrorCategory]::PermissionDenied)
            $problems[0].TargetObject | Should -Be $script:shop.sitekey
        }

        It 'gives every error a message that says what to do' {
            Get-TurnstileWidget -Sitekey $script:missingSitekey -ErrorVariable problems -ErrorAction SilentlyContinue

            $problems[0].ErrorDetails.Message | Should -Not -BeNullOrEmpty
            $problems[0].ErrorDetails.RecommendedAction | Should -Not -BeNullOrEmpty
        }
    }

    Context '-ErrorAction semantics' {
        It 'keeps going after a failed item by default' {
            $widgets = @(Get-TurnstileWidget -Sitekey $script:missingSitekey, $script:shop.sitekey -ErrorVariable problems -ErrorAction SilentlyContinue)

            $widgets.Count | Should -Be 1
            $problems.Count | Should -Be 1
            (Get-TurnstileEmulatorStatistic -Emulator $script:emulator).get_requests | Should -Be 2
        }

        It 'stops at the first failed item with -ErrorAction Stop' {
            $record = { Get-TurnstileWidget -Sitekey $script:missingSitekey, $script:shop.sitekey -ErrorAction Stop } |
                Should -Throw -ErrorId 'TurnstileWidgetNotFound,*' -PassThru

            $record.CategoryInfo.Category | Should -Be ([System.Management.Automation.ErrorCategory]::ObjectNotFound)
            $record.TargetObject | Should -Be $script:missingSitekey
            (Get-TurnstileEmulatorStatistic -Emulator $script:emulator).get_requests | Should -Be 1
        }

        It 'lets try/catch see the error record with -ErrorAction Stop' {
            $caught = $null
            try {
                Remove-TurnstileWidget -Sitekey $script:missingSitekey -Force -ErrorAction Stop
            }
            catch {
                $caught = $_
            }

            $caught | Should -Not -BeNullOrEmpty
            $caught.FullyQualifiedErrorId | Should -BeLike 'TurnstileWidgetNotFound,*'
            $caught.TargetObject | Should -Be $script:missingSitekey
        }

        It 'stops a pipeline at the first failure when $ErrorActionPreference is Stop' {
            Set-Variable -Name 'ErrorActionPreference' -Value 'Stop' -Scope Local
            $rows = @(
                [pscustomobject]@{ Sitekey = $script:missingSitekey }
                [pscustomobject]@{ Sitekey = $script:blog.sitekey }
            )

            { $rows | Remove-TurnstileWidget -Force } | Should -Throw -ErrorId 'TurnstileWidgetNotFound,*'

            @(Get-TurnstileEmulatorWidget -Emulator $script:emulator).Count | Should -Be 2
        }

        It 'ignores the failure with -ErrorAction Ignore and writes nothing to $Error' {
            $errorsBefore = $Error.Count

            Get-TurnstileWidget -Sitekey $script:missingSitekey -ErrorAction Ignore

            $Error.Count | Should -Be $errorsBefore
        }
    }

    Context 'Verbose output' {
        It 'shows method, path and status of each request' {
            $result = Split-VerboseRecord -Record @(Get-TurnstileWidget -Sitekey $script:shop.sitekey -Verbose 4>&1)

            $pattern = '^GET /accounts/{0}/challenges/widgets/{1} -> 200' -f $script:emulator.AccountId, [regex]::Escape($script:shop.sitekey)
            @($result.Verbose | Where-Object { $_ -match $pattern }).Count | Should -Be 1
        }

        It 'shows the listing request' {
            $result = Split-VerboseRecord -Record @(Get-TurnstileWidget -Verbose 4>&1)

            @($result.Verbose | Where-Object { $_ -match '^GET /accounts/[0-9a-f]{32}/challenges/widgets(\?\S*)? -> 200' }).Count |
                Should -BeGreaterOrEqual 1
        }

        It 'shows <Name> requests without the token, headers or bodies' -ForEach @(
            @{ Name = 'Connect-Turnstile'; Method = 'GET'; Command = {
                    Connect-Turnstile -ApiToken $script:emulator.ApiToken -AccountId $script:emulator.AccountId -ApiBaseUri $script:emulator.BaseUri -Verbose 4>&1
                }
            }
            @{ Name = 'New-TurnstileWidget'; Method = 'POST'; Command = {
                    New-TurnstileWidget -Name 'verbose' -Domain 'verbose.example.com' -Confirm:$false -Verbose 4>&1
                }
            }
            @{ Name = 'Set-TurnstileWidget'; Method = 'PUT'; Command = {
                    Set-TurnstileWidget -Sitekey $script:shop.sitekey -Mode 'invisible' -Confirm:$false -Verbose 4>&1
                }
            }
            @{ Name = 'Remove-TurnstileWidget'; Method = 'DELETE'; Command = {
                    Remove-TurnstileWidget -Sitekey $script:blog.sitekey -Force -Verbose 4>&1
                }
            }
        ) {
            $result = Split-VerboseRecord -Record @(& $Command)
            $text = $result.Verbose -join "`n"

            $text | Should -Match ('(?m)^{0} /\S+ -> \d{{3}}' -f $Method)
            $text | Should -Not -Match ([regex]::Escape($script:apiTokenText))
            $text | Should -Not -Match '(?i)authorization|bearer|x-auth-key'
            $text | Should -Not -Match ([regex]::Escape($script:shop.secret))
            $text | Should -Not -Match ([regex]::Escape($script:blog.secret))
            $text | Should -Not -Match '"domains"\s*:'
        }
    }
}
