<#
.SYNOPSIS
    Measures the TurnstileWidgets module as a PowerShell user meets it: Import-Module in a fresh pwsh, and
    Get-TurnstileWidget over a whole account through the pipeline, against a running emulator.

.DESCRIPTION
    Run by bench/TurnstileWidgets.Benchmarks (scenario "module") when pwsh exists; it can also be run by hand
    against an emulator started with `dotnet run --project src/TurnstileWidgets.Emulator -c Release -- --port 0`
    and seeded with `POST /__emulator/seed {"count":10000,"name_prefix":"bench-"}`.

    The API token is read from CLOUDFLARE_API_TOKEN (Connect-Turnstile's environment parameter set), never from
    the command line, and is never printed.

    Prints one JSON line: {"import_ms":[...],"list_ms":[...],"items":[...],"powershell":"7.x"}.
    Timings are reported, never asserted; the script fails only when something errors.

.EXAMPLE
    $env:CLOUDFLARE_API_TOKEN = 'emulator-api-token'
    pwsh -NoProfile -File bench/Measure-Module.ps1 -ApiBaseUri http://127.0.0.1:40123/client/v4 -Widgets 10000
#>
[CmdletBinding()]
param(
    # The staged module manifest.
    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/TurnstileWidgets/TurnstileWidgets.psd1'),

    # The emulator's API base, e.g. http://127.0.0.1:40123/client/v4
    [Parameter(Mandatory = $true)]
    [uri] $ApiBaseUri,

    # The account the emulator serves.
    [ValidatePattern('^[0-9a-fA-F]{32}$')]
    [string] $AccountId = '0123456789abcdef0123456789abcdef',

    # How many widgets the emulator holds (checked against what the listing emits).
    [ValidateRange(1, 1000000)]
    [int] $Widgets = 10000,

    # Measured runs of each measurement, after one warm-up listing.
    [ValidateRange(1, 100)]
    [int] $Runs = 5
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

if (-not (Test-Path -LiteralPath $ModulePath -PathType Leaf)) {
    throw "The module manifest '$ModulePath' does not exist. Build the module first: dotnet build TurnstileWidgets.sln -c Release"
}
if ([string]::IsNullOrEmpty($env:CLOUDFLARE_API_TOKEN)) {
    throw 'Set CLOUDFLARE_API_TOKEN to the emulator''s API token (the emulator prints it when it starts).'
}
$ModulePath = (Resolve-Path -LiteralPath $ModulePath).ProviderPath
$pwshPath = (Get-Process -Id $PID).Path

# Import-Module in a fresh process each time: what a runbook pays on every run. The child prints only a number.
# The path goes into the child's command as a single-quoted literal (quotes doubled), so no character in it is interpreted.
$quotedPath = "'" + $ModulePath.Replace("'", "''") + "'"
$importCommand = @"
`$ErrorActionPreference = 'Stop'
`$stopwatch = [System.Diagnostics.Stopwatch]::StartNew()
Import-Module -Name $quotedPath
`$stopwatch.Stop()
`$stopwatch.Elapsed.TotalMilliseconds.ToString([System.Globalization.CultureInfo]::InvariantCulture)
"@
$importMs = [System.Collections.Generic.List[double]]::new()
for ($i = 0; $i -le $Runs; $i++) {
    $output = @(& $pwshPath -NoProfile -NonInteractive -Command $importCommand)
    if ($LASTEXITCODE -ne 0 -or $output.Count -eq 0) {
        throw "Import-Module '$ModulePath' failed in a fresh pwsh (exit code $LASTEXITCODE): $($output -join ' ')"
    }
    # The first import also warms the disk cache: not counted.
    if ($i -gt 0) {
        $importMs.Add([double]::Parse([string]$output[-1], [System.Globalization.CultureInfo]::InvariantCulture))
    }
}

Import-Module -Name $ModulePath
Connect-Turnstile -AccountId $AccountId -ApiBaseUri $ApiBaseUri

$listMs = [System.Collections.Generic.List[double]]::new()
$items = [System.Collections.Generic.List[long]]::new()
for ($i = 0; $i -le $Runs; $i++) {
    $stopwatch = [System.Diagnostics.Stopwatch]::StartNew()
    $count = (Get-TurnstileWidget | Measure-Object).Count
    $stopwatch.Stop()
    if ($count -ne $Widgets) {
        throw "Get-TurnstileWidget emitted $count widgets; the emulator holds $Widgets."
    }
    if ($i -gt 0) {
        $listMs.Add($stopwatch.Elapsed.TotalMilliseconds)
        $items.Add([long]$count)
    }
}
Disconnect-Turnstile

[ordered]@{
    import_ms  = $importMs.ToArray()
    list_ms    = $listMs.ToArray()
    items      = $items.ToArray()
    powershell = $PSVersionTable.PSVersion.ToString()
} | ConvertTo-Json -Compress
