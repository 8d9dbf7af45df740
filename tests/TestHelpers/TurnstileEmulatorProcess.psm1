#Requires -Version 5.1
# The PowerShell side of the one emulator launcher (tests/TurnstileWidgets.TestSupport/EmulatorProcess.cs), for the
# build, the Pester suite and examples/Demo.ps1: the C# class starts the emulator on a free port, reads its address
# line and stops it; this module only finds the class's build and loads it.

Set-StrictMode -Version Latest

function Get-TurnstileRepositoryRootPath {
    (Resolve-Path -LiteralPath (Join-Path -Path $PSScriptRoot -ChildPath '../..')).ProviderPath
}

function Import-TurnstileEmulatorLauncher {
    <#
    .SYNOPSIS
    Loads TurnstileWidgets.TestSupport.dll (the net8.0 build on PowerShell 7, netstandard2.0 on Windows PowerShell).
    #>
    [CmdletBinding()]
    [OutputType([void])]
    param()

    if ('TurnstileWidgets.TestSupport.EmulatorProcess' -as [type]) {
        return
    }
    $framework = if ($PSVersionTable.PSEdition -eq 'Core') { 'net8.0' } else { 'netstandard2.0' }
    $assembly = Join-Path -Path (Get-TurnstileRepositoryRootPath) -ChildPath "tests/TurnstileWidgets.TestSupport/bin/Release/$framework/TurnstileWidgets.TestSupport.dll"
    if (-not (Test-Path -LiteralPath $assembly -PathType Leaf)) {
        throw "The emulator launcher is not built at '$assembly'. Build it with 'dotnet build tests/TurnstileWidgets.TestSupport -c Release' (./build.ps1 -Task Build and -Task Demo do)."
    }
    Add-Type -LiteralPath $assembly
}

function Start-TurnstileEmulatorProcess {
    <#
    .SYNOPSIS
    Starts the emulator on a free loopback port and returns once it has printed its address: a
    TurnstileWidgets.TestSupport.EmulatorProcess (BaseUri, ControlUri, Port; Dispose() stops it).
    #>
    [CmdletBinding(SupportsShouldProcess)]
    [OutputType([object])]
    param(
        # Arguments after --port 0, e.g. '--api-token', $token, '--account-id', $id.
        [Parameter()]
        [string[]] $ArgumentList = @(),

        # Values masked in the launcher's error messages (the token given with --api-token).
        [Parameter()]
        [string[]] $Secret = @(),

        # The emulator to start; the repository's Release build by default. A .dll runs under dotnet, anything else as a command.
        [Parameter()]
        [string] $EmulatorPath,

        [Parameter()]
        [ValidateRange(1, 600)]
        [int] $TimeoutSeconds = 60,

        [Parameter()]
        [string] $WorkingDirectory
    )

    Import-TurnstileEmulatorLauncher
    if (-not $EmulatorPath) {
        $EmulatorPath = [TurnstileWidgets.TestSupport.EmulatorProcess]::BuiltEmulatorPath((Get-TurnstileRepositoryRootPath), 'Release')
    }
    if (-not $PSCmdlet.ShouldProcess($EmulatorPath, 'Start the TurnstileWidgets emulator')) {
        return
    }
    $options = [TurnstileWidgets.TestSupport.EmulatorProcessOptions]::new()
    $options.EmulatorPath = $EmulatorPath
    $options.StartTimeout = [timespan]::FromSeconds($TimeoutSeconds)
    if ($WorkingDirectory) { $options.WorkingDirectory = $WorkingDirectory }
    foreach ($argument in $ArgumentList) { $options.Arguments.Add($argument) }
    foreach ($value in $Secret) { $options.Secrets.Add($value) }
    try {
        [TurnstileWidgets.TestSupport.EmulatorProcess]::Start($options)
    }
    catch {
        # The launcher's own message (without PowerShell's 'Exception calling "Start"' wrapping).
        throw $_.Exception.GetBaseException().Message
    }
}

Export-ModuleMember -Function @('Import-TurnstileEmulatorLauncher', 'Start-TurnstileEmulatorProcess')
