<#
.SYNOPSIS
The clean-up runbook of issue 19 over a seeded emulator account (2,997 idle widgets, 3 used ones with events over five
days), with the request counts from /__emulator/stats. Needs the built module (out/TurnstileWidgets) and emulator:
    dotnet pwsh -NoProfile -File bench/Measure-CleanupRunbook.ps1
#>
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot ../tests/TestHelpers/TurnstileTestHelpers.psm1) -Force
$emulator = Start-TurnstileTestSession
try {
    $control = $emulator.ControlUri.AbsoluteUri.TrimEnd('/')
    Invoke-RestMethod -Method Post -Uri "$control/seed" -ContentType 'application/json' -Body '{"count":2997,"name_prefix":"idle-"}' | Out-Null
    $busy = foreach ($name in 'checkout', 'login', 'signup') { Add-TurnstileEmulatorWidget -Emulator $emulator -Name $name -Domain "$name.example.com" }
    $events = foreach ($w in $busy) { foreach ($d in 1..5) {
        @{ sitekey = $w.sitekey; event_type = 'challenge_issued'; count = 20 * $d; datetime = [datetime]::UtcNow.Date.AddDays(-$d).AddHours(9).ToString('yyyy-MM-ddTHH:mm:ssZ') }
        @{ sitekey = $w.sitekey; event_type = 'challenge_non_interactive_solved'; count = 18 * $d; datetime = [datetime]::UtcNow.Date.AddDays(-$d).AddHours(9).ToString('yyyy-MM-ddTHH:mm:ssZ') }
        @{ sitekey = $w.sitekey; event_type = 'challenge_non_interactive_siteverify_solved'; count = 17 * $d; datetime = [datetime]::UtcNow.Date.AddDays(-$d).AddHours(9).ToString('yyyy-MM-ddTHH:mm:ssZ') }
    } }
    Invoke-RestMethod -Method Post -Uri "$control/events" -ContentType 'application/json' -Body (ConvertTo-Json @{ events = @($events) } -Depth 5) | Out-Null
    Invoke-RestMethod -Method Post -Uri "$control/tokens" -ContentType 'application/json' -Body (ConvertTo-Json @{ sitekey = $busy[0].sitekey }) | Out-Null
    $before = Get-TurnstileEmulatorStatistic -Emulator $emulator
    "PS> Get-TurnstileWidget | Get-TurnstileAnalytics -Since (Get-Date).AddDays(-30) | Where-Object Issued -gt 0"
    Get-TurnstileWidget | Get-TurnstileAnalytics -Since (Get-Date).AddDays(-30) | Where-Object Issued -gt 0 | Format-Table | Out-String -Width 80
    $mid = Get-TurnstileEmulatorStatistic -Emulator $emulator
    "requests for that: list $($mid.list_requests - $before.list_requests), graphql $($mid.graphql_requests - $before.graphql_requests)"
    "PS> Get-TurnstileWidget | Get-TurnstileAnalytics -Since (Get-Date).AddDays(-30) | Where-Object Issued -eq 0 | Remove-TurnstileWidget -Confirm:`$false"
    $sw = [Diagnostics.Stopwatch]::StartNew()
    Get-TurnstileWidget | Get-TurnstileAnalytics -Since (Get-Date).AddDays(-30) | Where-Object Issued -eq 0 | Remove-TurnstileWidget -Confirm:$false
    $sw.Stop()
    $after = Get-TurnstileEmulatorStatistic -Emulator $emulator
    "runbook: list $($after.list_requests - $mid.list_requests), graphql $($after.graphql_requests - $mid.graphql_requests), delete $($after.delete_requests - $mid.delete_requests), total $($after.total_requests - $mid.total_requests) requests in $([math]::Round($sw.Elapsed.TotalSeconds,1)) s"
    "left in the account: " + ((Get-TurnstileWidget | ForEach-Object Name | Sort-Object) -join ', ')
}
finally { Stop-TurnstileTestSession -Emulator $emulator }
