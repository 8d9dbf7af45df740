Set-StrictMode -Version Latest

# A hostile tester's findings on the new engine core (issue 18) and its pacing (issue 15 items 3-4), each one a test
# first. This file's emulator runs with a rate limit and a long block (--rate-limit, --rate-limit-block), so a block,
# once started, outlasts the file: nothing here waits for it. The emulator's counters are the witness of what was sent.

BeforeAll {
    $script:emulator = $null
    Import-Module -Name (Join-Path -Path $PSScriptRoot -ChildPath 'TestHelpers/TurnstileTestHelpers.psm1') -Force
    # A quota large enough that pacing spreads this file's few requests by a fraction of a second; tests that need the
    # quota spent lower it at run time (the faults endpoint starts every budget afresh).
    $script:emulator = Start-TurnstileEmulator -ArgumentList @('--rate-limit', '1000/300', '--rate-limit-block', '300')
    $null = Import-TurnstileModuleUnderTest

    function Set-RateLimit {
        param([string] $Limit)
        $parameters = @{
            Method      = 'Post'
            Uri         = [uri]($script:emulator.ControlUri.AbsoluteUri.TrimEnd('/') + '/faults')
            ContentType = 'application/json'
            Body        = ConvertTo-Json -InputObject @{ rate_limit = $Limit } -Compress
            ErrorAction = 'Stop'
        }
        $null = Invoke-RestMethod @parameters
    }

    function Invoke-RawApi {
        # Another tool on the same token, straight to the emulator's API; returns the HTTP status. A failure status throws
        # in both editions (Invoke-WebRequest -SkipHttpErrorCheck is PowerShell 7 only), with the answer on the exception.
        $parameters = @{
            Uri             = [uri]($script:emulator.BaseUri.AbsoluteUri.TrimEnd('/') + '/user/tokens/verify')
            Headers         = Get-TurnstileTestAuthorization -Emulator $script:emulator
            UseBasicParsing = $true
            ErrorAction     = 'Stop'
        }
        try {
            [int](Invoke-WebRequest @parameters).StatusCode
        }
        catch {
            $answer = $_.Exception.PSObject.Properties['Response']
            if ($null -eq $answer -or $null -eq $answer.Value) { throw }
            [int]$answer.Value.StatusCode
        }
    }
}

AfterAll {
    if (Get-Command -Name 'Disconnect-Turnstile' -ErrorAction SilentlyContinue) {
        Disconnect-Turnstile -Name 'blocked' -ErrorAction SilentlyContinue
    }
    Stop-TurnstileEmulator -Emulator $script:emulator
}

Describe 'A rate-limit block longer than -MaxBlockWait' {
    It 'fails the next request at once, unsent, saying how long the block lasts and naming -MaxBlockWait' {
        Connect-Turnstile -Name 'blocked' -ApiBaseUri $script:emulator.BaseUri -ApiToken $script:emulator.ApiToken -AccountId $script:emulator.AccountId -MaxBlockWait '00:00:05'
        $sitekey = '0x4AAAAAAAbreakcoreBlocked'
        # Another tool spends the quota and starts the 300 s block.
        Set-RateLimit -Limit '2/300'
        $statuses = foreach ($i in 1..3) { Invoke-RawApi }
        $statuses | Should -Contain 429

        # This request learns of the block from its own 429 (Retry-After 300 s, more than -MaxBlockWait allows).
        Get-TurnstileWidget -Connection 'blocked' -Sitekey $sitekey -ErrorAction SilentlyContinue -ErrorVariable first
        $first | Should -HaveCount 1
        $first[0].FullyQualifiedErrorId | Should -BeLike 'TurnstileRateLimited,*'
        $before = Get-TurnstileEmulatorStatistic -Emulator $script:emulator

        # The next knows of the block: refused before it is sent. It used to wait the cap and send into the block
        # (a sure 429, which on Cloudflare can extend the block), after a warning that said "Waiting 0 ms".
        $warnings = Remove-TurnstileWidget -Connection 'blocked' -Sitekey $sitekey -Force -ErrorAction SilentlyContinue -ErrorVariable second 3>&1

        $after = Get-TurnstileEmulatorStatistic -Emulator $script:emulator
        ($after.total_requests - $before.total_requests) | Should -Be 0
        ($after.rate_limited_responses - $before.rate_limited_responses) | Should -Be 0
        $warnings | Should -BeNullOrEmpty
        $second | Should -HaveCount 1
        $second[0].FullyQualifiedErrorId | Should -BeLike 'TurnstileRateLimited,*'
        $second[0].CategoryInfo.Category | Should -Be 'LimitsExceeded'
        $second[0].TargetObject | Should -Be $sitekey
        $second[0].ErrorDetails.Message | Should -Match '-MaxBlockWait \(5 s\)'
        $second[0].ErrorDetails.Message | Should -Match 'for (29\d|300)(\.\d)? s more'
        $second[0].ErrorDetails.Message | Should -Match 'not carried out'
        $second[0].Exception.InnerException.Message | Should -Match 'was not sent'
        $second[0].ErrorDetails.RecommendedAction | Should -Match 'Connect-Turnstile -MaxBlockWait'
    }
}
