#Requires -Version 5.1
# Where the PowerShell modules the build and the tests import come from: tests/PowerShellModules/PowerShellModules.csproj
# pins each as a NuGet PackageDownload (the one place a version is written), `dotnet restore` of that project puts it
# into the NuGet package folder, and this module finds its manifest there. No machine needs PSGallery.

Set-StrictMode -Version Latest

function Get-PinnedModulePath {
    <#
    .SYNOPSIS
    The manifest of a pinned module in the NuGet package folder (<packages>/<package>/<version>/tools/<Module>.psd1),
    restored first when it is not there yet.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        # The NuGet package id, as the PackageDownload names it (Pester, Invoke-Build).
        [Parameter(Mandatory)]
        [string] $Package,

        # The module's name (its manifest's file name) when it differs from the package id (InvokeBuild).
        [Parameter()]
        [string] $Module = $Package
    )

    $root = (Resolve-Path -LiteralPath (Join-Path -Path $PSScriptRoot -ChildPath '..')).ProviderPath
    $project = Join-Path -Path $root -ChildPath 'tests/PowerShellModules/PowerShellModules.csproj'
    [xml] $xml = Get-Content -Raw -LiteralPath $project
    $node = $xml.SelectSingleNode("/Project/ItemGroup/PackageDownload[@Include='$Package']")
    if ($null -eq $node) {
        throw "$project pins no PackageDownload for '$Package'."
    }
    $version = $node.GetAttribute('Version').Trim('[', ']', ' ')
    $packages = $env:NUGET_PACKAGES
    if ([string]::IsNullOrEmpty($packages)) {
        $line = @(& dotnet nuget locals global-packages --list) -match 'global-packages:' | Select-Object -First 1
        if (-not $line) { throw "'dotnet nuget locals global-packages --list' did not name the NuGet package folder." }
        $packages = ($line -replace '^.*?global-packages:\s*', '').Trim()
    }
    $manifest = [System.IO.Path]::Combine($packages, $Package.ToLowerInvariant(), $version, 'tools', "$Module.psd1")
    if (-not (Test-Path -LiteralPath $manifest)) {
        & dotnet restore $project -nologo | Write-Verbose
        if ($LASTEXITCODE -ne 0) { throw "'dotnet restore $project' failed with exit code $LASTEXITCODE." }
    }
    if (-not (Test-Path -LiteralPath $manifest)) {
        throw "$Package $version is not in the NuGet package folder ($manifest) even after 'dotnet restore $project'."
    }
    return $manifest
}

Export-ModuleMember -Function 'Get-PinnedModulePath'
