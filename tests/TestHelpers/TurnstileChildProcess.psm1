#Requires -Version 5.1
# Runs a script in a fresh PowerShell process of the same edition (pwsh under PowerShell 7, powershell.exe under
# Windows PowerShell 5.1): for what a test cannot see in its own session (the host's -WhatIf lines, a
# -NonInteractive host, assemblies loaded before the module). The child connects to the emulator through
# Connect-Turnstile's environment parameter set, so no credential is on its command line. No 7-only syntax,
# parameters or .NET members (tests/WindowsPowerShell.Tests.ps1 checks).

Set-StrictMode -Version Latest

function Get-TurnstileChildPowerShellCommand {
    <#
    .SYNOPSIS
    The command line that starts a PowerShell like this one: Windows PowerShell is $PSHOME\powershell.exe; under
    the pinned .NET tool (`dotnet pwsh`) the process is the dotnet host running $PSHOME/pwsh.dll; a normal
    PowerShell 7 install is the pwsh executable itself.
    #>
    [CmdletBinding()]
    [OutputType([string[]])]
    param()

    if ($PSVersionTable.PSEdition -ne 'Core') {
        return , @(Join-Path -Path $PSHOME -ChildPath 'powershell.exe')
    }

    # Process.MainModule rather than Environment.ProcessPath, which .NET Framework lacks.
    $processPath = [System.Diagnostics.Process]::GetCurrentProcess().MainModule.FileName
    $pwshDll = Join-Path -Path $PSHOME -ChildPath 'pwsh.dll'
    if ([System.IO.Path]::GetFileNameWithoutExtension($processPath) -eq 'dotnet' -and (Test-Path -LiteralPath $pwshDll)) {
        return , @($processPath, $pwshDll)
    }
    return , @($processPath)
}

function ConvertTo-TurnstileCommandLineArgument {
    # One argument quoted as the child's C runtime parses a command line (ProcessStartInfo.ArgumentList, which quotes
    # for us, is .NET Core only): in double quotes, a run of backslashes doubled before a quote or the end, '"' as '\"'.
    [CmdletBinding()]
    [OutputType([string])]
    param([Parameter(Mandatory, Position = 0)] [AllowEmptyString()] [string] $Argument)

    if ($Argument.Length -gt 0 -and $Argument -notmatch '[\s"]') {
        return $Argument
    }
    $quoted = [regex]::Replace($Argument, '(\\*)"', { param($m) $m.Groups[1].Value + $m.Groups[1].Value + '\"' })
    $quoted = [regex]::Replace($quoted, '(\\+)$', { param($m) $m.Groups[1].Value + $m.Groups[1].Value })
    '"' + $quoted + '"'
}

function Invoke-TurnstileChildPowerShell {
    <#
    .SYNOPSIS
    Runs -Script in a fresh, non-interactive PowerShell that has imported the staged module and, with -Emulator,
    connected to it (with -NoConnect: only the CLOUDFLARE_* variables are set, for a first-use connection).
    Returns everything the child printed (stdout and stderr, as text lines) and its exit code.
    #>
    [CmdletBinding()]
    [OutputType([pscustomobject])]
    param(
        [Parameter(Mandatory, Position = 0)]
        [string] $Script,

        [Parameter()]
        [psobject] $Emulator,

        [Parameter()]
        [string] $Prologue = '',

        [Parameter()]
        [switch] $NoConnect
    )

    $root = (Resolve-Path -LiteralPath (Join-Path -Path $PSScriptRoot -ChildPath '../..')).ProviderPath
    $manifest = Join-Path -Path $root -ChildPath 'out/TurnstileWidgets/TurnstileWidgets.psd1'
    $quotedManifest = "'" + $manifest.Replace("'", "''") + "'"
    $connect = if ($Emulator -and -not $NoConnect) { 'Connect-Turnstile -ErrorAction Stop' } else { '' }
    $full = @"
`$ErrorActionPreference = 'Stop'
if (`$PSVersionTable.PSVersion.Major -ge 7) { (Get-Variable -Name PSStyle -ValueOnly).OutputRendering = 'PlainText' }
$Prologue
Import-Module $quotedManifest
$connect
`$ErrorActionPreference = 'Continue'
$Script
"@
    $saved = @{}
    $variables = @('CLOUDFLARE_API_TOKEN', 'CLOUDFLARE_ACCOUNT_ID', 'CLOUDFLARE_BASE_URL', 'CLOUDFLARE_EMAIL', 'CLOUDFLARE_API_KEY')
    foreach ($name in $variables) { $saved[$name] = [System.Environment]::GetEnvironmentVariable($name) }
    try {
        foreach ($name in $variables) { [System.Environment]::SetEnvironmentVariable($name, $null) }
        if ($Emulator) {
            $token = [System.Net.NetworkCredential]::new('', $Emulator.ApiToken).Password
            [System.Environment]::SetEnvironmentVariable('CLOUDFLARE_API_TOKEN', $token)
            [System.Environment]::SetEnvironmentVariable('CLOUDFLARE_ACCOUNT_ID', $Emulator.AccountId)
            [System.Environment]::SetEnvironmentVariable('CLOUDFLARE_BASE_URL', [string]$Emulator.BaseUri)
        }
        $powershell = Get-TurnstileChildPowerShellCommand
        # -Command with the text (it holds no secret): -EncodedCommand would make the child write its other streams as
        # CLIXML for a calling PowerShell, and a script read from stdin would make it behave as an interactive console.
        # A Process with both streams redirected, as a CI runner starts a job: what the child's host writes (-WhatIf,
        # -Debug lines, Write-Host) arrives here exactly as a CI log would show it.
        $startInfo = New-Object -TypeName System.Diagnostics.ProcessStartInfo -ArgumentList $powershell[0]
        $arguments = @($powershell | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-Command', $full)
        $startInfo.Arguments = (@($arguments | ForEach-Object { ConvertTo-TurnstileCommandLineArgument -Argument $_ }) -join ' ')
        $startInfo.UseShellExecute = $false
        $startInfo.RedirectStandardOutput = $true
        $startInfo.RedirectStandardError = $true
        $startInfo.RedirectStandardInput = $true
        $process = [System.Diagnostics.Process]::Start($startInfo)
        try {
            $process.StandardInput.Close()
            $standardError = $process.StandardError.ReadToEndAsync()
            $standardOutput = $process.StandardOutput.ReadToEnd()
            $process.WaitForExit()
            $text = ($standardOutput + $standardError.GetAwaiter().GetResult()) -replace '\e\[[0-9;?]*[A-Za-z]', ''
            $output = @($text -split '\r?\n' | Where-Object { $_ -ne '' })
            [pscustomobject]@{ Output = $output; Text = ($output -join "`n"); ExitCode = $process.ExitCode }
        }
        finally {
            $process.Dispose()
        }
    }
    finally {
        foreach ($name in $variables) { [System.Environment]::SetEnvironmentVariable($name, $saved[$name]) }
    }
}

Export-ModuleMember -Function @('Get-TurnstileChildPowerShellCommand', 'Invoke-TurnstileChildPowerShell')
