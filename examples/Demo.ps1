#Requires -Version 5.1
<#
.SYNOPSIS
    A short runbook against the TurnstileWidgets emulator: create widgets from CSV rows, list them, update them,
    rotate a secret, remove them.

.DESCRIPTION
    Without -ApiBaseUri it starts the repository's built emulator on a free port (through the launcher in
    tests/TurnstileWidgets.TestSupport; `./build.ps1 -Task Demo` builds both) and stops it at the end. With
    -ApiBaseUri it runs against an emulator you started yourself, e.g.
        dotnet run --project src/TurnstileWidgets.Emulator -c Release -- --port 0
    The runbook touches only the widgets it creates (names starting with -Prefix) and removes them at the end.

.PARAMETER ApiBaseUri
    A running emulator's API base, e.g. http://127.0.0.1:40123/client/v4. Without it, the demo starts one.

.PARAMETER ApiToken
    The emulator's API token; by default the emulator's documented development token, emulator-api-token.

.PARAMETER AccountId
    The account the emulator serves; by default the emulator's documented account.

.PARAMETER ModulePath
    The module to import: the repository's staged build (out/TurnstileWidgets) when it exists, else the installed
    TurnstileWidgets.

.PARAMETER Prefix
    The name prefix of the demo's widgets.

.EXAMPLE
    ./examples/Demo.ps1

.EXAMPLE
    ./examples/Demo.ps1 -ApiBaseUri http://127.0.0.1:40123/client/v4
#>
[Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSAvoidUsingWriteHost', '', Justification = 'A demonstration: the headings are for the person watching.')]
[CmdletBinding()]
param(
    [uri] $ApiBaseUri,

    [securestring] $ApiToken,

    [ValidatePattern('^[0-9a-fA-F]{32}$')]
    [string] $AccountId = '0123456789abcdef0123456789abcdef',

    [string] $ModulePath,

    [ValidatePattern('^[a-z0-9-]{1,40}$')]
    [string] $Prefix = 'demo-'
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

$repositoryRoot = Split-Path -Path $PSScriptRoot -Parent
if (-not $ModulePath) {
    $staged = Join-Path -Path $repositoryRoot -ChildPath 'out/TurnstileWidgets/TurnstileWidgets.psd1'
    $ModulePath = if (Test-Path -LiteralPath $staged) { $staged } else { 'TurnstileWidgets' }
}
if (-not $ApiToken) {
    # The emulator's documented development token: a fake value, for offline rehearsal only. Built character by
    # character because ConvertTo-SecureString -AsPlainText is an analyzer error.
    $ApiToken = [System.Security.SecureString]::new()
    foreach ($character in 'emulator-api-token'.ToCharArray()) { $ApiToken.AppendChar($character) }
    $ApiToken.MakeReadOnly()
}

$emulator = $null
if (-not $ApiBaseUri) {
    Import-Module -Name (Join-Path -Path $repositoryRoot -ChildPath 'tests/TestHelpers/TurnstileEmulatorProcess.psm1')
    # The emulator's defaults: the documented token and account.
    $emulator = Start-TurnstileEmulatorProcess
    $ApiBaseUri = $emulator.BaseUri
    Write-Host "== Started the emulator on $ApiBaseUri"
}

try {
    Import-Module -Name $ModulePath
    Connect-Turnstile -ApiToken $ApiToken -AccountId $AccountId -ApiBaseUri $ApiBaseUri -PassThru | Format-List | Out-Host

    Write-Host '== Create three widgets from CSV rows'
    $created = @(
        "Name,Domain,Mode,BotFightMode"
        "${Prefix}login-form,example.com,managed,false"
        "${Prefix}signup-form,example.com,non-interactive,false"
        "${Prefix}newsletter,news.example.com,invisible,true"
    ) | ConvertFrom-Csv | New-TurnstileWidget
    $created | Format-Table | Out-Host

    Write-Host '== List them'
    Get-TurnstileWidget -Name "$Prefix*" | Format-Table | Out-Host

    Write-Host '== Add a domain to every form widget'
    Get-TurnstileWidget -Name "$Prefix*-form" | Set-TurnstileWidget -AddDomain 'www.example.com' -PassThru | Format-Table | Out-Host

    Write-Host '== Rotate the login widget''s secret (the old one keeps working for two hours)'
    Get-TurnstileWidget -Name "${Prefix}login-form" | Invoke-TurnstileSecretRotation -Confirm:$false |
        Format-List -Property @('Name', 'Sitekey', 'Secret', 'PreviousSecretExpiresOn') | Out-Host

    Write-Host '== Remove the widgets the demo created'
    $created | Remove-TurnstileWidget -Confirm:$false
    Get-TurnstileWidget -Name "$Prefix*" | Format-Table | Out-Host
}
finally {
    try {
        # Absent when Import-Module failed; the emulator must be stopped either way.
        if (Get-Command -Name 'Disconnect-Turnstile' -ErrorAction SilentlyContinue) { Disconnect-Turnstile }
    }
    finally {
        if ($emulator) { $emulator.Dispose() }
    }
}
