#Requires -Version 7.2
<#
.SYNOPSIS
    Builds, tests, documents, packages, demonstrates and publishes the TurnstileWidgets module.

.DESCRIPTION
    The entry point: it brings Invoke-Build (pinned in tests/PowerShellModules/PowerShellModules.csproj and restored
    from NuGet, as Pester is) and runs -Task from TurnstileWidgets.build.ps1, where the tasks live. The steps every
    build must do (compile, stage out/TurnstileWidgets/, pack the .nupkg) live in MSBuild, so
    `dotnet build TurnstileWidgets.sln -c Release` does them; the tasks add what needs PowerShell.

    Run it with the PowerShell the repository pins (.config/dotnet-tools.json):
        dotnet tool restore
        dotnet pwsh ./build.ps1 -Task Test

.PARAMETER Task
    Build   - compile help (when platyPS is installed), build the solution, stage and pack.
    Test    - Build, then every suite: PowerShell's parser over every script, the xunit suites, PSScriptAnalyzer
              (when installed), the Pester suite and the official Cloudflare SDK against the emulator (needs
              Node.js). Counts come from each suite's result file under out/test-results/; the task ends with
              `tests: N passed, N failed, N skipped`.
    Analyze - PSScriptAnalyzer over the project's scripts (when installed).
    Help    - compile en-US/*.md into en-US/TurnstileWidgets.dll-Help.xml with platyPS (when installed).
    Package - Build, then install the .nupkg from out/ into a temporary folder and import it.
    Demo    - build the module and the emulator only, then run examples/Demo.ps1 against a fresh emulator.
    Publish - refuse without compiled help, Package, then publish out/TurnstileWidgets to -Repository with -ApiKey.
    Clean   - remove out/ and every bin/ and obj/ folder.

.EXAMPLE
    dotnet tool restore; dotnet pwsh ./build.ps1 -Task Demo

.EXAMPLE
    dotnet tool restore; dotnet pwsh ./build.ps1 -Task Test

.EXAMPLE
    ./build.ps1 -Task Publish -Repository PSGallery -ApiKey (Read-Host -AsSecureString 'Gallery key')
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Analyze', 'Help', 'Package', 'Demo', 'Publish', 'Clean')]
    [string] $Task = 'Build',

    [ValidateSet('Release', 'Debug')]
    [string] $Configuration = 'Release',

    [string] $Repository,

    [SecureString] $ApiKey
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

Import-Module -Name (Join-Path -Path $PSScriptRoot -ChildPath 'build/PinnedModules.psm1')
Import-Module -Name (Get-PinnedModulePath -Package 'Invoke-Build' -Module 'InvokeBuild')

$buildParameters = @{
    Task          = $Task
    File          = Join-Path -Path $PSScriptRoot -ChildPath 'TurnstileWidgets.build.ps1'
    Configuration = $Configuration
}
if ($Repository) { $buildParameters.Repository = $Repository }
if ($ApiKey) { $buildParameters.ApiKey = $ApiKey }
Invoke-Build @buildParameters
