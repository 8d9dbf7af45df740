#Requires -Version 7.2
<#
.SYNOPSIS
    Builds, tests, documents, packages, demonstrates and publishes the TurnstileWidgets module.

.DESCRIPTION
    The steps every CI run must check (compile, stage out/TurnstileWidgets/, pack the .nupkg)
    live in MSBuild, so `dotnet build TurnstileWidgets.sln -c Release` does them without
    PowerShell. This script adds what needs PowerShell: compiling the platyPS help, the Pester
    suite, the demo runbook against the emulator, the install check and publishing.

.PARAMETER Task
    Build   - compile help (when platyPS is installed), build, stage and pack.
    Test    - Build, then the xunit suites, PSScriptAnalyzer (when installed), then the Pester suite (when Pester 5 is installed).
    Analyze - PSScriptAnalyzer over build.ps1, the test scripts and the benchmark script (when installed).
    Help    - compile en-US/*.md into en-US/TurnstileWidgets.dll-Help.xml with platyPS.
    Package - Build, then install the .nupkg from out/ into a temporary folder and import it.
    Demo    - Build, start the emulator, and run a short runbook against it.
    Publish - Package, then publish out/TurnstileWidgets to -Repository with -ApiKey.
    Clean   - remove out/ and every bin/ and obj/ folder.

.EXAMPLE
    ./build.ps1 -Task Demo

.EXAMPLE
    ./build.ps1 -Task Publish -Repository PSGallery -ApiKey (Read-Host -AsSecureString 'Gallery key')
#>
[Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSAvoidUsingWriteHost', '', Justification = 'Progress report of an interactive build script.')]
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

$RepoRoot = $PSScriptRoot
$Solution = Join-Path -Path $RepoRoot -ChildPath 'TurnstileWidgets.sln'
$StagedModule = Join-Path -Path $RepoRoot -ChildPath 'out' -AdditionalChildPath 'TurnstileWidgets'
$StagedManifest = Join-Path -Path $StagedModule -ChildPath 'TurnstileWidgets.psd1'
$HelpSource = Join-Path -Path $RepoRoot -ChildPath 'en-US'
$EmulatorDll = Join-Path -Path $RepoRoot -ChildPath 'src' -AdditionalChildPath @('TurnstileWidgets.Emulator', 'bin', $Configuration, 'net10.0', 'TurnstileWidgets.Emulator.dll')

function Invoke-Native {
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [string] $FilePath,
        [Parameter(ValueFromRemainingArguments)] [string[]] $ArgumentList
    )
    Write-Verbose "$FilePath $($ArgumentList -join ' ')"
    & $FilePath @ArgumentList
    if ($LASTEXITCODE -ne 0) {
        throw "'$FilePath $($ArgumentList -join ' ')' failed with exit code $LASTEXITCODE."
    }
}

function Get-ModuleVersion {
    [CmdletBinding()]
    [OutputType([string])]
    param()
    [xml] $props = Get-Content -Raw -LiteralPath (Join-Path -Path $RepoRoot -ChildPath 'Directory.Build.props')
    # Not $props.Project.PropertyGroup.VersionPrefix: under Set-StrictMode that throws on the PropertyGroup without one.
    $node = $props.SelectSingleNode('/Project/PropertyGroup/VersionPrefix')
    if ($null -eq $node -or [string]::IsNullOrWhiteSpace($node.InnerText)) {
        throw 'Directory.Build.props has no VersionPrefix.'
    }
    return $node.InnerText.Trim()
}

function Invoke-HelpTask {
    [CmdletBinding()]
    param()
    $platyPS = Get-Module -ListAvailable -Name platyPS | Sort-Object Version -Descending | Select-Object -First 1
    if (-not $platyPS) {
        Write-Warning 'platyPS is not installed, so the MAML help (en-US/TurnstileWidgets.dll-Help.xml) was not compiled and Get-Help will show only syntax. Install it with: Install-Module platyPS -Scope CurrentUser'
        return
    }
    Import-Module $platyPS -Force
    # The MAML lands beside the markdown (git ignores it); the MSBuild staging copies it into the module.
    New-ExternalHelp -Path $HelpSource -OutputPath $HelpSource -Force | Out-Null
    Write-Host "Compiled help into $(Join-Path $HelpSource 'TurnstileWidgets.dll-Help.xml')"
}

function Invoke-BuildTask {
    [CmdletBinding()]
    param()
    Invoke-HelpTask
    Invoke-Native -FilePath 'dotnet' -ArgumentList @('build', $Solution, '-c', $Configuration, '-nologo')
    if ($Configuration -eq 'Release' -and -not (Test-Path -LiteralPath $StagedManifest)) {
        throw "The build did not stage the module into $StagedModule."
    }
}

function Invoke-AnalyzeTask {
    [CmdletBinding()]
    param()
    if (-not (Get-Module -ListAvailable -Name PSScriptAnalyzer)) {
        Write-Warning 'PSScriptAnalyzer is not installed: the script analysis was SKIPPED. Install it with: Install-Module PSScriptAnalyzer -Scope CurrentUser'
        return
    }
    # Only the project's own scripts: npm (tests/*/node_modules) and builds (bin, obj) can leave third-party .ps1 files there.
    $foreign = '[\\/](node_modules|bin|obj)[\\/]'
    $scripts = @(
        Join-Path -Path $RepoRoot -ChildPath 'build.ps1'
        Get-ChildItem -LiteralPath (Join-Path -Path $RepoRoot -ChildPath 'tests') -Recurse -File -Include '*.ps1', '*.psm1' |
            Where-Object -Property FullName -NotMatch -Value $foreign | Select-Object -ExpandProperty FullName
        Get-ChildItem -LiteralPath (Join-Path -Path $RepoRoot -ChildPath 'bench') -Filter '*.ps1' -File -ErrorAction SilentlyContinue | Select-Object -ExpandProperty FullName
    )
    $findings = @($scripts | ForEach-Object { Invoke-ScriptAnalyzer -Path $_ -Severity @('Warning', 'Error') })
    if ($findings.Count -gt 0) {
        $findings | Format-Table -AutoSize -Property @('ScriptName', 'Line', 'RuleName', 'Message') | Out-String | Write-Host
        throw "PSScriptAnalyzer reported $($findings.Count) finding(s)."
    }
    Write-Host "PSScriptAnalyzer: $($scripts.Count) scripts clean."
}

function Invoke-TestTask {
    [CmdletBinding()]
    param()
    Invoke-BuildTask
    Invoke-Native -FilePath 'dotnet' -ArgumentList @('test', $Solution, '-c', $Configuration, '--no-build', '-nologo')
    Invoke-AnalyzeTask

    $pester = Get-Module -ListAvailable -Name Pester | Where-Object Version -GE '5.3.0' | Sort-Object Version -Descending | Select-Object -First 1
    if (-not $pester) {
        Write-Warning 'Pester 5.3 or later is not installed: the Pester suite (tests/*.Tests.ps1) was SKIPPED. Install it with: Install-Module Pester -MinimumVersion 5.3 -Scope CurrentUser'
        return
    }
    Import-Module $pester -Force
    $config = New-PesterConfiguration
    $config.Run.Path = Join-Path $RepoRoot 'tests'
    $config.Run.PassThru = $true
    $config.Output.Verbosity = 'Detailed'
    $config.TestResult.Enabled = $true
    $config.TestResult.OutputPath = Join-Path -Path $RepoRoot -ChildPath 'out' -AdditionalChildPath 'pester-results.xml'
    $result = Invoke-Pester -Configuration $config
    Write-Host "pester: $($result.PassedCount) passed, $($result.FailedCount) failed, $($result.SkippedCount) skipped"
    if ($result.FailedCount -gt 0 -or $result.Result -ne 'Passed') {
        throw "The Pester suite failed: $($result.FailedCount) failed."
    }
}

function Invoke-PackageTask {
    [CmdletBinding()]
    param()
    Invoke-BuildTask
    $version = Get-ModuleVersion
    $package = Join-Path -Path $RepoRoot -ChildPath 'out' -AdditionalChildPath "TurnstileWidgets.$version.nupkg"
    if (-not (Test-Path -LiteralPath $package)) {
        throw "The build did not produce $package."
    }
    if (-not (Get-Command -Name Save-PSResource -ErrorAction SilentlyContinue)) {
        Write-Warning 'Microsoft.PowerShell.PSResourceGet is not available: the install check of the package was SKIPPED.'
        return
    }

    # Install the package the way users will, from a repository, into a throw-away folder.
    $repositoryName = "TurnstileWidgetsLocal$([guid]::NewGuid().ToString('N').Substring(0, 8))"
    $installRoot = Join-Path ([System.IO.Path]::GetTempPath()) $repositoryName
    Register-PSResourceRepository -Name $repositoryName -Uri (Join-Path -Path $RepoRoot -ChildPath 'out') -Trusted
    try {
        # Save-PSResource resolves -Path when it binds it, so the folder must exist first.
        $null = New-Item -ItemType Directory -Path $installRoot -Force
        Save-PSResource -Name 'TurnstileWidgets' -Version $version -Repository $repositoryName -Path $installRoot -TrustRepository
        # Save-PSResource lays a module out as <Path>/<Name>/<Version>/.
        $installed = Join-Path -Path $installRoot -ChildPath 'TurnstileWidgets' -AdditionalChildPath @($version, 'TurnstileWidgets.psd1')
        if (-not (Test-Path -LiteralPath $installed -PathType Leaf)) {
            throw "Save-PSResource did not install the manifest at $installed."
        }
        $expected = (Import-PowerShellDataFile -LiteralPath $StagedManifest).CmdletsToExport | Sort-Object
        # A child process, so this session never holds the module's assemblies.
        $found = pwsh -NoProfile -NonInteractive -Command "Import-Module '$installed' -ErrorAction Stop; (Get-Command -Module TurnstileWidgets).Name | Sort-Object"
        if ($LASTEXITCODE -ne 0) {
            throw "Importing the installed package failed: $found"
        }
        $difference = Compare-Object -ReferenceObject @($expected) -DifferenceObject @($found)
        if ($difference) {
            throw "The installed package exports other commands than the manifest lists: $($difference | Out-String)"
        }
        Write-Host "Installed TurnstileWidgets $version from $package and found its $(@($found).Count) cmdlets."
    }
    finally {
        Unregister-PSResourceRepository -Name $repositoryName -ErrorAction SilentlyContinue
        Remove-Item -LiteralPath $installRoot -Recurse -Force -ErrorAction SilentlyContinue
    }
}

function Start-Emulator {
    [CmdletBinding(SupportsShouldProcess)]
    [OutputType([pscustomobject])]
    param()
    if (-not (Test-Path -LiteralPath $EmulatorDll)) {
        throw "The emulator is not built at $EmulatorDll. Run ./build.ps1 -Task Build."
    }
    if (-not $PSCmdlet.ShouldProcess($EmulatorDll, 'Start the emulator')) {
        throw 'The demo needs the emulator.'
    }
    $startInfo = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
    foreach ($argument in @($EmulatorDll, '--port', '0')) {
        $startInfo.ArgumentList.Add($argument)
    }
    $startInfo.RedirectStandardOutput = $true
    $startInfo.UseShellExecute = $false
    $process = [System.Diagnostics.Process]::Start($startInfo)
    $deadline = [datetime]::UtcNow.AddSeconds(60)
    while ([datetime]::UtcNow -lt $deadline) {
        $read = $process.StandardOutput.ReadLineAsync()
        if (-not $read.Wait([timespan]::FromSeconds(60))) { break }
        $line = $read.Result
        if ($null -eq $line) { break }
        if ($line -match 'http://127\.0\.0\.1:\d+/client/v4') {
            return [pscustomobject]@{ Process = $process; BaseUri = $Matches[0] }
        }
    }
    if (-not $process.HasExited) { $process.Kill($true) }
    throw 'The emulator did not report its address within 60 seconds.'
}

function Invoke-DemoTask {
    [CmdletBinding()]
    param()
    Invoke-BuildTask
    $emulator = Start-Emulator
    try {
        Import-Module $StagedManifest -Force
        # The emulator's documented development credentials: fake values, for offline rehearsal only.
        # Built character by character: ConvertTo-SecureString -AsPlainText is an analyzer error.
        $token = [System.Security.SecureString]::new()
        foreach ($character in 'emulator-api-token'.ToCharArray()) { $token.AppendChar($character) }
        $token.MakeReadOnly()
        Connect-Turnstile -ApiToken $token -AccountId '0123456789abcdef0123456789abcdef' -ApiBaseUri $emulator.BaseUri -PassThru | Format-List

        Write-Host '== Create three widgets from a CSV'
        $csv = @(
            'Name,Domain,Mode,BotFightMode'
            'login-form,example.com,managed,false'
            'signup-form,example.com,non-interactive,false'
            'newsletter,news.example.com,invisible,true'
        ) | ConvertFrom-Csv
        $csv | New-TurnstileWidget | Format-Table

        Write-Host '== List them'
        Get-TurnstileWidget | Format-Table

        Write-Host '== Add a domain to every form widget'
        Get-TurnstileWidget -Name '*-form' | Set-TurnstileWidget -AddDomain 'www.example.com' -PassThru | Format-Table

        Write-Host '== Rotate the login widget''s secret (the old one keeps working for two hours)'
        Get-TurnstileWidget -Name 'login-form' | Invoke-TurnstileSecretRotation -Confirm:$false |
            Format-List -Property @('Name', 'Sitekey', 'Secret', 'PreviousSecretExpiresOn')

        Write-Host '== Remove the form widgets'
        Get-TurnstileWidget -Filter 'name:form' | Remove-TurnstileWidget -Confirm:$false
        Get-TurnstileWidget | Format-Table
    }
    finally {
        try {
            # Absent when Import-Module failed; the emulator must be stopped either way.
            if (Get-Command -Name 'Disconnect-Turnstile' -ErrorAction SilentlyContinue) { Disconnect-Turnstile }
        }
        finally {
            if (-not $emulator.Process.HasExited) { $emulator.Process.Kill($true) }
            $emulator.Process.Dispose()
        }
    }
}

function Invoke-PublishTask {
    [CmdletBinding(SupportsShouldProcess)]
    param()
    if (-not $Repository -or -not $ApiKey) {
        throw 'Publish needs -Repository <name> and -ApiKey <SecureString>, e.g. -ApiKey (Read-Host -AsSecureString).'
    }
    Invoke-PackageTask
    if ($PSCmdlet.ShouldProcess("TurnstileWidgets $(Get-ModuleVersion)", "Publish to $Repository")) {
        # The key is turned into text only for this call and never written out.
        $plainKey = [System.Net.NetworkCredential]::new('', $ApiKey).Password
        Publish-PSResource -Path $StagedModule -Repository $Repository -ApiKey $plainKey
        Write-Host "Published TurnstileWidgets $(Get-ModuleVersion) to $Repository."
    }
}

function Invoke-CleanTask {
    [CmdletBinding(SupportsShouldProcess)]
    param()
    $targets = @(Join-Path $RepoRoot 'out') + @(
        Get-ChildItem -LiteralPath $RepoRoot -Directory -Recurse -Include 'bin', 'obj' |
            Where-Object FullName -NotMatch 'node_modules' |
            Select-Object -ExpandProperty FullName)
    foreach ($target in $targets) {
        # Checked here, not before the loop: removing a folder may already have removed a bin/ or obj/ inside it.
        if (-not (Test-Path -LiteralPath $target)) { continue }
        if ($PSCmdlet.ShouldProcess($target, 'Remove')) {
            Remove-Item -LiteralPath $target -Recurse -Force
        }
    }
    Get-ChildItem -LiteralPath $HelpSource -Filter '*.xml' | Remove-Item -Force
}

switch ($Task) {
    'Build' { Invoke-BuildTask }
    'Test' { Invoke-TestTask }
    'Analyze' { Invoke-AnalyzeTask }
    'Help' { Invoke-HelpTask }
    'Package' { Invoke-PackageTask }
    'Demo' { Invoke-DemoTask }
    'Publish' { Invoke-PublishTask }
    'Clean' { Invoke-CleanTask }
}
