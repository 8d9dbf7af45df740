<#
.SYNOPSIS
    Measures the TurnstileWidgets module as a PowerShell user meets it, against what that user would write instead
    with Invoke-RestMethod, against a running emulator.

.DESCRIPTION
    Run by bench/TurnstileWidgets.Benchmarks (scenario "module"); it can also be run by hand against an emulator
    started with `dotnet run --project src/TurnstileWidgets.Emulator -c Release -- --port 0`. An empty emulator is
    seeded here through its control endpoint (POST /__emulator/seed): Widgets - SetWidgets widgets named bench-N and
    SetWidgets named setpipe-N, the ones the Set rows update.

    Four comparisons, each contestant measured in turn (A, B, A, B, ...) so drift in the machine's load falls on all
    of them alike, after -Warmup unmeasured rounds:
      list      Get-TurnstileWidget over every widget vs a hand-written Invoke-RestMethod page loop with per_page=1000
                and with the API's default page size (25; a loop that sends no per_page);
      set       Get-TurnstileWidget -Filter name:setpipe- | Set-TurnstileWidget -Mode ... vs a hand-written loop of
                Invoke-RestMethod PUTs over the same listing;
      import    Import-Module TurnstileWidgets vs an empty binary module (bench/EmptyModule, built here into a
                temporary folder), each in a fresh PowerShell process, timed inside it;
      runbook   a fresh PowerShell process that imports, connects and gets one widget vs a fresh PowerShell process
                making one Invoke-RestMethod call, timed from process start to exit.
    Requests per run come from the emulator's counters (GET /__emulator/stats), read before and after each run.

    Child PowerShell processes are started the way this one was: `dotnet <PSHOME>/pwsh.dll` under the .NET tool
    (`dotnet pwsh`), where the process is the dotnet host, and the pwsh executable under a normal install.

    The API token is read from CLOUDFLARE_API_TOKEN, never from the command line, and is never printed; children
    inherit it through the environment.

    Prints one JSON line: {"powershell":"7.x","child_powershell":"...","rows":[{scenario, variant, widgets,
    ms:[...], requests:[...], cpu_ms:[...], metrics:{name:[...]}, note}, ...]}. Timings are reported, never asserted; the script fails
    only when something errors or returns the wrong widgets.

.EXAMPLE
    $env:CLOUDFLARE_API_TOKEN = 'emulator-api-token'
    dotnet pwsh -NoProfile -File bench/Measure-Module.ps1 -ApiBaseUri http://127.0.0.1:40123/client/v4 -Widgets 10000
#>
#Requires -Version 7.0
[CmdletBinding()]
param(
    # The staged module manifest.
    [string] $ModulePath = (Join-Path -Path $PSScriptRoot -ChildPath '../out/TurnstileWidgets/TurnstileWidgets.psd1'),

    # The emulator's API base, e.g. http://127.0.0.1:40123/client/v4
    [Parameter(Mandatory = $true)]
    [uri] $ApiBaseUri,

    # The account the emulator serves.
    [ValidatePattern('^[0-9a-fA-F]{32}$')]
    [string] $AccountId = '0123456789abcdef0123456789abcdef',

    # How many widgets the emulator holds (seeded when it holds none), the Set rows' widgets included.
    [ValidateRange(10, 1000000)]
    [int] $Widgets = 10000,

    # How many of them the Set rows update through the pipeline.
    [ValidateRange(1, 1000)]
    [int] $SetWidgets = 200,

    # Measured rounds of the in-process comparisons (list, set).
    [ValidateRange(1, 100)]
    [int] $Runs = 5,

    # Measured rounds of the fresh-process comparisons (import, runbook): process starts vary more.
    [ValidateRange(1, 100)]
    [int] $ColdRuns = 10,

    # Unmeasured rounds before each comparison.
    [ValidateRange(0, 20)]
    [int] $Warmup = 1,

    # A built empty module's manifest; when absent, bench/EmptyModule is built into a temporary folder.
    [string] $EmptyModulePath
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

if (-not (Test-Path -LiteralPath $ModulePath -PathType Leaf)) {
    throw "The module manifest '$ModulePath' does not exist. Build the module first: dotnet build src/TurnstileWidgets -c Release"
}
if ([string]::IsNullOrEmpty($env:CLOUDFLARE_API_TOKEN)) {
    throw 'Set CLOUDFLARE_API_TOKEN to the emulator''s API token (the emulator prints it when it starts).'
}
if ($SetWidgets -gt $Widgets) {
    throw "-SetWidgets ($SetWidgets) cannot exceed -Widgets ($Widgets)."
}
$ModulePath = (Resolve-Path -LiteralPath $ModulePath).ProviderPath
$invariant = [System.Globalization.CultureInfo]::InvariantCulture
$apiBase = $ApiBaseUri.AbsoluteUri.TrimEnd('/')
$widgetsUri = "$apiBase/accounts/$AccountId/challenges/widgets"
$controlUri = [uri]::new($ApiBaseUri, '/__emulator/').AbsoluteUri
$setPrefix = 'setpipe-'

# ------------------------------------------------------------------ how to start a child PowerShell

# Under the .NET tool (`dotnet pwsh`) this process is the dotnet host running $PSHOME/pwsh.dll, so the child is
# `dotnet <PSHOME>/pwsh.dll`; under a normal install the process is the pwsh executable itself. Either way the child
# runs the same PowerShell as this one, without a second tool-manifest lookup on every start.
$hostPath = [Environment]::ProcessPath
$childPrefix = @()
if ([System.IO.Path]::GetFileNameWithoutExtension($hostPath) -eq 'dotnet') {
    $pwshDll = Join-Path -Path $PSHOME -ChildPath 'pwsh.dll'
    if (-not (Test-Path -LiteralPath $pwshDll -PathType Leaf)) {
        throw "This PowerShell runs under the dotnet host, but '$pwshDll' does not exist, so no child PowerShell can be started. Run the script with pwsh, or with 'dotnet pwsh' from the repository."
    }
    $childPrefix = @($pwshDll)
}
$childDescription = (@($hostPath) + $childPrefix) -join ' '

function Invoke-FreshPowerShell {
    <# Runs one command in a fresh PowerShell; wall time from just before the start to exit, and its output. #>
    param(
        [Parameter(Mandatory = $true)] [string] $Command,
        [hashtable] $Environment = @{}
    )
    $start = [System.Diagnostics.ProcessStartInfo]::new($hostPath)
    foreach ($argument in @($childPrefix) + @('-NoProfile', '-NonInteractive', '-Command', $Command)) {
        $start.ArgumentList.Add($argument)
    }
    $start.UseShellExecute = $false
    $start.RedirectStandardOutput = $true
    $start.RedirectStandardError = $true
    foreach ($name in $Environment.Keys) {
        $start.Environment[$name] = $Environment[$name]
    }
    $stopwatch = [System.Diagnostics.Stopwatch]::StartNew()
    $process = [System.Diagnostics.Process]::Start($start)
    try {
        $stdout = $process.StandardOutput.ReadToEndAsync()
        $stderr = $process.StandardError.ReadToEndAsync()
        $process.WaitForExit()
        $stopwatch.Stop()
        [pscustomobject]@{
            Ms       = $stopwatch.Elapsed.TotalMilliseconds
            ExitCode = $process.ExitCode
            Lines    = @($stdout.GetAwaiter().GetResult() -split "`r?`n" | Where-Object { $_ -ne '' })
            Stderr   = $stderr.GetAwaiter().GetResult()
        }
    }
    finally {
        $process.Dispose()
    }
}

# ------------------------------------------------------------------ the emulator

function Get-EmulatorCounter {
    Invoke-RestMethod -Uri ($controlUri + 'stats')
}

function Get-TotalCount([string] $Filter) {
    $query = if ($Filter) { "?per_page=5&filter=$([uri]::EscapeDataString($Filter))" } else { '?per_page=5' }
    (Invoke-RestMethod -Uri ($widgetsUri + $query) -Headers @{ Authorization = "Bearer $env:CLOUDFLARE_API_TOKEN" }).result_info.total_count
}

if ((Get-TotalCount) -eq 0) {
    foreach ($seed in @(@{ count = $Widgets - $SetWidgets; name_prefix = 'bench-' }, @{ count = $SetWidgets; name_prefix = $setPrefix })) {
        if ($seed.count -gt 0) {
            $null = Invoke-RestMethod -Method Post -Uri ($controlUri + 'seed') -Body ($seed | ConvertTo-Json -Compress) -ContentType 'application/json'
        }
    }
}
$held = Get-TotalCount
$heldForSet = Get-TotalCount -Filter "name:$setPrefix"
if ($held -ne $Widgets -or $heldForSet -ne $SetWidgets) {
    throw "The emulator holds $held widgets, $heldForSet of them named $setPrefix*; expected $Widgets and $SetWidgets. Start an empty emulator and let this script seed it."
}

# ------------------------------------------------------------------ measuring

$rows = [System.Collections.Generic.List[object]]::new()

function Initialize-Row {
    param([string] $Scenario, [string] $Variant, [long] $RowWidgets, [string] $Note)
    [pscustomobject]@{
        scenario = $Scenario
        variant  = $Variant
        widgets  = $RowWidgets
        ms       = [System.Collections.Generic.List[double]]::new()
        requests = [System.Collections.Generic.List[double]]::new()
        cpu_ms   = [System.Collections.Generic.List[double]]::new()
        metrics  = [ordered]@{}
        note     = $Note
    }
}

function Measure-Interleaved {
    <#
        Runs each contestant once per round (A, B, A, B, ...), $WarmupRounds rounds unmeasured, then $Rounds measured.
        A contestant's Once gets the contestant and returns @{ Ms; Items; CpuMs and Metrics (both optional) };
        Items must equal its Expected.
    #>
    param([object[]] $Contestants, [int] $Rounds, [int] $WarmupRounds)
    $self = [System.Diagnostics.Process]::GetCurrentProcess()
    for ($round = 0; $round -lt $WarmupRounds + $Rounds; $round++) {
        foreach ($contestant in $Contestants) {
            $before = Get-EmulatorCounter
            $self.Refresh()
            $cpuBefore = $self.TotalProcessorTime
            $sample = & $contestant.Once $contestant
            $self.Refresh()
            $cpuUsed = ($self.TotalProcessorTime - $cpuBefore).TotalMilliseconds
            $after = Get-EmulatorCounter
            if ($sample.Items -ne $contestant.Expected) {
                throw "$($contestant.Row.scenario) ($($contestant.Row.variant)): got $($sample.Items) widgets, expected $($contestant.Expected)."
            }
            if ($contestant.Contains('Check')) {
                & $contestant.Check $before $after
            }
            if ($round -ge $WarmupRounds) {
                $contestant.Row.ms.Add($sample.Ms)
                $contestant.Row.requests.Add($after.total_requests - $before.total_requests)
                $contestant.Row.cpu_ms.Add($(if ($sample.Contains('CpuMs')) { $sample.CpuMs } else { $cpuUsed }))
                if ($sample.Contains('Metrics')) {
                    foreach ($name in $sample.Metrics.Keys) {
                        if (-not $contestant.Row.metrics.Contains($name)) {
                            $contestant.Row.metrics[$name] = [System.Collections.Generic.List[double]]::new()
                        }
                        $contestant.Row.metrics[$name].Add($sample.Metrics[$name])
                    }
                }
            }
        }
    }
    foreach ($contestant in $Contestants) {
        $rows.Add($contestant.Row)
    }
}

$headers = @{ Authorization = "Bearer $env:CLOUDFLARE_API_TOKEN" }

function Get-WidgetPage {
    <# What a PowerShell user writes without the module: page through the listing until total_count is reached. #>
    param([int] $PerPage, [string] $Filter)
    $page = 1
    do {
        $query = "?page=$page"
        if ($PerPage -gt 0) { $query += "&per_page=$PerPage" }
        if ($Filter) { $query += "&filter=$([uri]::EscapeDataString($Filter))" }
        $response = Invoke-RestMethod -Uri ($widgetsUri + $query) -Headers $headers
        $response.result
        $info = $response.result_info
        $page++
    } while (@($response.result).Count -gt 0 -and $info.page * $info.per_page -lt $info.total_count)
}

Import-Module -Name $ModulePath
Connect-Turnstile -AccountId $AccountId -ApiBaseUri $ApiBaseUri

# list: every widget, counted the same way (Measure-Object over the pipeline) by each contestant.
Measure-Interleaved -Rounds $Runs -WarmupRounds $Warmup -Contestants @(
    @{
        Row = Initialize-Row -Scenario 'module list' -Variant 'Get-TurnstileWidget' -RowWidgets $Widgets -Note 'in one warm pwsh; counted with Measure-Object'
        Expected = $Widgets
        Once = {
            $stopwatch = [System.Diagnostics.Stopwatch]::StartNew()
            $count = (Get-TurnstileWidget | Measure-Object).Count
            @{ Ms = $stopwatch.Elapsed.TotalMilliseconds; Items = $count }
        }
    }
    @{
        Row = Initialize-Row -Scenario 'module list' -Variant 'Invoke-RestMethod loop, per_page=1000' -RowWidgets $Widgets -Note 'hand-written page loop'
        Expected = $Widgets
        Once = {
            $stopwatch = [System.Diagnostics.Stopwatch]::StartNew()
            $count = (Get-WidgetPage -PerPage 1000 | Measure-Object).Count
            @{ Ms = $stopwatch.Elapsed.TotalMilliseconds; Items = $count }
        }
    }
    @{
        Row = Initialize-Row -Scenario 'module list' -Variant 'Invoke-RestMethod loop, per_page=25 (default)' -RowWidgets $Widgets -Note 'hand-written page loop that sends no per_page'
        Expected = $Widgets
        Once = {
            $stopwatch = [System.Diagnostics.Stopwatch]::StartNew()
            $count = (Get-WidgetPage -PerPage 0 | Measure-Object).Count
            @{ Ms = $stopwatch.Elapsed.TotalMilliseconds; Items = $count }
        }
    }
)

# set: every run changes the mode of all SetWidgets widgets (each run to a mode they do not have yet), so neither
# contestant can skip an update; the emulator's update counter witnesses one PUT per widget.
$modes = @('invisible', 'non-interactive', 'managed')
$script:modeIndex = 0
function Get-NextMode {
    $script:modeIndex = ($script:modeIndex + 1) % $modes.Count
    $modes[$script:modeIndex]
}
$checkUpdates = {
    param($before, $after)
    $updates = $after.update_requests - $before.update_requests
    if ($updates -ne $SetWidgets) {
        throw "The emulator counted $updates updates, not $SetWidgets."
    }
}
Measure-Interleaved -Rounds $Runs -WarmupRounds $Warmup -Contestants @(
    @{
        Row = Initialize-Row -Scenario 'module set' -Variant "Get-TurnstileWidget -Filter | Set-TurnstileWidget -Mode" -RowWidgets $SetWidgets -Note 'the pipeline; Set updates from the listing''s reading, without a GET (-MaxReadAge)'
        Expected = $SetWidgets
        Check = $checkUpdates
        Once = {
            $mode = Get-NextMode
            $stopwatch = [System.Diagnostics.Stopwatch]::StartNew()
            Get-TurnstileWidget -Filter "name:$setPrefix" | Set-TurnstileWidget -Mode $mode
            $ms = $stopwatch.Elapsed.TotalMilliseconds
            @{ Ms = $ms; Items = $SetWidgets }
        }
    }
    @{
        Row = Initialize-Row -Scenario 'module set' -Variant 'Invoke-RestMethod page loop + PUT loop' -RowWidgets $SetWidgets -Note 'hand-written: each PUT carries the listed settings with the new mode'
        Expected = $SetWidgets
        Check = $checkUpdates
        Once = {
            $mode = Get-NextMode
            $stopwatch = [System.Diagnostics.Stopwatch]::StartNew()
            $count = 0
            foreach ($widget in Get-WidgetPage -PerPage 1000 -Filter "name:$setPrefix") {
                $body = [ordered]@{
                    name            = $widget.name
                    domains         = @($widget.domains)
                    mode            = $mode
                    region          = $widget.region
                    clearance_level = $widget.clearance_level
                    bot_fight_mode  = $widget.bot_fight_mode
                    ephemeral_id    = $widget.ephemeral_id
                    offlabel        = $widget.offlabel
                } | ConvertTo-Json -Compress
                $null = Invoke-RestMethod -Method Put -Uri "$widgetsUri/$($widget.sitekey)" -Headers $headers -Body $body -ContentType 'application/json'
                $count++
            }
            @{ Ms = $stopwatch.Elapsed.TotalMilliseconds; Items = $count }
        }
    }
)
$wrongMode = @(Get-TurnstileWidget -Filter "name:$setPrefix" | Where-Object { $_.Mode -ne $modes[$script:modeIndex] }).Count
if ($wrongMode -ne 0) {
    throw "After the Set rows, $wrongMode widgets do not have the mode '$($modes[$script:modeIndex])' the last run set."
}
$sitekey = @(Get-TurnstileWidget -First 1)[0].Sitekey
Disconnect-Turnstile

# The path goes into a child's command as a single-quoted literal (quotes doubled), so nothing in it is interpreted.
function ConvertTo-Literal([string] $Text) { "'" + $Text.Replace("'", "''") + "'" }

# A child prints its own CPU time last: the process has exited by the time this one could ask.
$printCpu = '[System.Diagnostics.Process]::GetCurrentProcess().TotalProcessorTime.TotalMilliseconds.ToString([System.Globalization.CultureInfo]::InvariantCulture)'

function Get-ChildPhase {
    <# A child's "phases name=ms ..." line (PowerShell expands numbers with the invariant culture), as a hashtable. #>
    param([string[]] $Lines)
    $phases = @{}
    foreach ($pair in @($Lines | Where-Object { $_.StartsWith('phases ') }) -replace '^phases ' -split ' ') {
        $name, $value = $pair -split '=', 2
        $phases[$name] = [double]::Parse($value, $invariant)
    }
    $phases
}

function Get-ImportContestant {
    param([string] $Variant, [string] $Path)
    @{
        Row = Initialize-Row -Scenario 'module import' -Variant $Variant -RowWidgets 0 -Note 'Import-Module timed inside a fresh pwsh; cpu ms is the whole child process'
        Expected = 1
        Command = @"
`$ErrorActionPreference = 'Stop'
`$stopwatch = [System.Diagnostics.Stopwatch]::StartNew()
Import-Module -Name $(ConvertTo-Literal $Path)
`$stopwatch.Stop()
`$stopwatch.Elapsed.TotalMilliseconds.ToString([System.Globalization.CultureInfo]::InvariantCulture)
$printCpu
"@
        Once = {
            param($contestant)
            $run = Invoke-FreshPowerShell -Command $contestant.Command
            if ($run.ExitCode -ne 0 -or $run.Lines.Count -lt 2) {
                throw "$($contestant.Row.variant) failed in a fresh PowerShell (exit code $($run.ExitCode)): $($run.Stderr) $($run.Lines -join ' ')"
            }
            $metrics = @{ process_ms = $run.Ms }
            @{ Ms = [double]::Parse($run.Lines[-2], $invariant); CpuMs = [double]::Parse($run.Lines[-1], $invariant); Items = 1; Metrics = $metrics }
        }
    }
}

# import: the empty binary module is the floor every binary module pays.
if (-not $EmptyModulePath) {
    $buildRoot = Join-Path -Path ([System.IO.Path]::GetTempPath()) -ChildPath ('turnstile-bench-empty-' + [guid]::NewGuid().ToString('N'))
    $null = New-Item -ItemType Directory -Path $buildRoot
    Copy-Item -Path (Join-Path -Path $PSScriptRoot -ChildPath 'EmptyModule/*') -Destination $buildRoot
    $buildOutput = & dotnet build (Join-Path -Path $buildRoot -ChildPath 'EmptyModule.csproj') -c Release -nologo -v q -o (Join-Path -Path $buildRoot -ChildPath 'module') 2>&1
    if ($LASTEXITCODE -ne 0) {
        throw "Building the empty module failed: $($buildOutput -join ' ')"
    }
    Copy-Item -LiteralPath (Join-Path -Path $buildRoot -ChildPath 'EmptyModule.psd1') -Destination (Join-Path -Path $buildRoot -ChildPath 'module')
    $EmptyModulePath = Join-Path -Path $buildRoot -ChildPath 'module/EmptyModule.psd1'
}
else {
    $buildRoot = $null
}

# runbook: one call from a fresh process, as a scheduled job makes it; the connection comes from the environment.
$runbookEnvironment = @{ CLOUDFLARE_ACCOUNT_ID = $AccountId; CLOUDFLARE_BASE_URL = $apiBase }
# Each child also times its own steps; what is left of the wall time is PowerShell's start and exit.
$moduleRunbook = @"
`$ErrorActionPreference = 'Stop'
`$clock = [System.Diagnostics.Stopwatch]::StartNew()
Import-Module -Name $(ConvertTo-Literal $ModulePath)
`$imported = `$clock.Elapsed.TotalMilliseconds
Connect-Turnstile
`$connected = `$clock.Elapsed.TotalMilliseconds
`$widget = Get-TurnstileWidget -Sitekey $(ConvertTo-Literal $sitekey)
`$got = `$clock.Elapsed.TotalMilliseconds
"phases import_ms=`$imported connect_ms=`$(`$connected - `$imported) get_ms=`$(`$got - `$connected)"
`$widget.Sitekey
$printCpu
"@
$restRunbook = @"
`$ErrorActionPreference = 'Stop'
`$clock = [System.Diagnostics.Stopwatch]::StartNew()
`$response = Invoke-RestMethod -Uri "`$env:CLOUDFLARE_BASE_URL/accounts/`$env:CLOUDFLARE_ACCOUNT_ID/challenges/widgets/$sitekey" -Headers @{ Authorization = "Bearer `$env:CLOUDFLARE_API_TOKEN" }
"phases get_ms=`$(`$clock.Elapsed.TotalMilliseconds)"
`$response.result.sitekey
$printCpu
"@
$runbookOnce = {
    param($contestant)
    $run = Invoke-FreshPowerShell -Command $contestant.Command -Environment $runbookEnvironment
    if ($run.ExitCode -ne 0 -or $run.Lines.Count -lt 2 -or $run.Lines[-2] -ne $sitekey) {
        throw "The runbook ($($contestant.Row.variant)) failed in a fresh PowerShell (exit code $($run.ExitCode)): $($run.Stderr) $($run.Lines -join ' ')"
    }
    $metrics = Get-ChildPhase -Lines $run.Lines
    $metrics['startup_and_exit_ms'] = $run.Ms - ($metrics.Values | Measure-Object -Sum).Sum
    @{ Ms = $run.Ms; CpuMs = [double]::Parse($run.Lines[-1], $invariant); Items = 1; Metrics = $metrics }
}

# Fresh processes vary more than anything else here, and the machine's load drifts: the four fresh-process
# contestants (two imports, two runbooks) share one interleaved loop, so all four rows see the same drift.
try {
    $EmptyModulePath = (Resolve-Path -LiteralPath $EmptyModulePath).ProviderPath
    Measure-Interleaved -Rounds $ColdRuns -WarmupRounds $Warmup -Contestants @(
        Get-ImportContestant -Variant 'Import-Module TurnstileWidgets' -Path $ModulePath
        Get-ImportContestant -Variant 'Import-Module empty binary module (floor)' -Path $EmptyModulePath
        @{
            Row = Initialize-Row -Scenario 'module runbook' -Variant 'fresh pwsh: Import-Module, Connect-Turnstile, Get-TurnstileWidget -Sitekey' -RowWidgets 0 -Note 'process start to exit; Connect verifies the token and the account'
            Expected = 1
            Command = $moduleRunbook
            Once = $runbookOnce
        }
        @{
            Row = Initialize-Row -Scenario 'module runbook' -Variant 'fresh pwsh: one Invoke-RestMethod GET' -RowWidgets 0 -Note 'process start to exit'
            Expected = 1
            Command = $restRunbook
            Once = $runbookOnce
        }
    )
}
finally {
    if ($buildRoot) {
        Remove-Item -LiteralPath $buildRoot -Recurse -Force -ErrorAction SilentlyContinue
    }
}

[ordered]@{
    powershell       = $PSVersionTable.PSVersion.ToString()
    child_powershell = $childDescription
    rows             = $rows.ToArray()
} | ConvertTo-Json -Compress -Depth 5
