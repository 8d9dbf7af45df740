#Requires -Version 7.2
<#
.SYNOPSIS
    Builds, tests, documents, packages, demonstrates and publishes the TurnstileWidgets module.

.DESCRIPTION
    The steps every build must do (compile, stage out/TurnstileWidgets/, pack the .nupkg) live
    in MSBuild, so `dotnet build TurnstileWidgets.sln -c Release` does them. This script adds
    what needs PowerShell: the platyPS help, the whole test run (PowerShell's parser over every
    script, xunit, Pester, the official-SDK check), the demo runbook against the emulator, the
    install check and publishing.

    Run it with the PowerShell the repository pins (.config/dotnet-tools.json):
        dotnet tool restore
        dotnet pwsh ./build.ps1 -Task Test
    Pester is restored from NuGet with the solution (tests/PowerShellModules/PowerShellModules.csproj
    pins its version) and imported from the NuGet package folder, so no machine needs PSGallery.

.PARAMETER Task
    Build   - compile help (when platyPS is installed), build, stage and pack.
    Test    - Build, then every test: PowerShell's parser over every script, the xunit suites,
              PSScriptAnalyzer (when installed), the Pester suite and the official Cloudflare SDK
              against the emulator (needs Node.js). Ends with `tests: N passed, N failed, N skipped`.
    Analyze - PSScriptAnalyzer over build.ps1, the test scripts and the benchmark script (when installed).
    Help    - compile en-US/*.md into en-US/TurnstileWidgets.dll-Help.xml with platyPS (when installed).
    Package - Build, then install the .nupkg from out/ into a temporary folder and import it.
    Demo    - Build, start the emulator, and run a short runbook against it (the main job).
    Publish - Package, then publish out/TurnstileWidgets to -Repository with -ApiKey.
    Clean   - remove out/ and every bin/ and obj/ folder.

.EXAMPLE
    dotnet tool restore; dotnet pwsh ./build.ps1 -Task Demo

.EXAMPLE
    dotnet tool restore; dotnet pwsh ./build.ps1 -Task Test

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
    [OutputType([bool])]
    param()
    if (-not (Get-Module -ListAvailable -Name PSScriptAnalyzer)) {
        Write-Warning 'PSScriptAnalyzer is not installed: the script analysis was SKIPPED. Install it with: Install-Module PSScriptAnalyzer -Scope CurrentUser'
        return $false
    }
    $scripts = @(Get-ProjectScript | Where-Object { $_ -notlike '*.psd1' })
    $findings = @($scripts | ForEach-Object { Invoke-ScriptAnalyzer -Path $_ -Severity @('Warning', 'Error') })
    if ($findings.Count -gt 0) {
        $findings | Format-Table -AutoSize -Property @('ScriptName', 'Line', 'RuleName', 'Message') | Out-String | Write-Host
        throw "PSScriptAnalyzer reported $($findings.Count) finding(s)."
    }
    Write-Host "PSScriptAnalyzer: $($scripts.Count) scripts clean."
    return $true
}

function Invoke-ChildPowerShell {
    # Runs a command in a fresh, non-interactive PowerShell, so the caller never holds the module's assemblies
    # and the command sees no preference or strict mode of this script.
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [string] $Command
    )
    # One definition of how to start a child PowerShell (dotnet pwsh.dll under the pinned tool), shared with the tests.
    Import-Module -Name (Join-Path -Path $RepoRoot -ChildPath 'tests' -AdditionalChildPath @('TestHelpers', 'TurnstileChildProcess.psm1'))
    $powershell = Get-TurnstileChildPowerShellCommand
    $arguments = @($powershell | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-Command', $Command)
    & $powershell[0] @arguments
}

function Get-PinnedModulePath {
    # The version comes from tests/PowerShellModules/PowerShellModules.csproj, the one place it is pinned;
    # `dotnet restore` of the solution puts the package into the NuGet package folder.
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter(Mandatory)] [string] $Name
    )
    $project = Join-Path -Path $RepoRoot -ChildPath 'tests' -AdditionalChildPath @('PowerShellModules', 'PowerShellModules.csproj')
    [xml] $xml = Get-Content -Raw -LiteralPath $project
    $node = $xml.SelectSingleNode("/Project/ItemGroup/PackageDownload[@Include='$Name']")
    if ($null -eq $node) {
        throw "$project pins no PackageDownload for '$Name'."
    }
    $version = $node.GetAttribute('Version').Trim('[', ']', ' ')
    $packages = $env:NUGET_PACKAGES
    if ([string]::IsNullOrEmpty($packages)) {
        $line = @(& dotnet nuget locals global-packages --list) -match 'global-packages:' | Select-Object -First 1
        if (-not $line) { throw "'dotnet nuget locals global-packages --list' did not name the NuGet package folder." }
        $packages = ($line -replace '^.*?global-packages:\s*', '').Trim()
    }
    $manifest = Join-Path -Path $packages -ChildPath $Name.ToLowerInvariant() -AdditionalChildPath @($version, 'tools', "$Name.psd1")
    if (-not (Test-Path -LiteralPath $manifest)) {
        Invoke-Native -FilePath 'dotnet' -ArgumentList @('restore', $project, '-nologo')
    }
    if (-not (Test-Path -LiteralPath $manifest)) {
        throw "$Name $version is not in the NuGet package folder ($manifest) even after 'dotnet restore $project'."
    }
    return $manifest
}

function Get-ProjectScript {
    # Only the project's own scripts: npm (node_modules) and builds (bin, obj, out) can leave third-party ones.
    [CmdletBinding()]
    [OutputType([string[]])]
    param()
    $foreign = '[\\/](node_modules|bin|obj|out)[\\/]'
    Get-ChildItem -LiteralPath $RepoRoot -Recurse -File -Include '*.ps1', '*.psm1', '*.psd1' |
        Where-Object { $_.FullName.Substring($RepoRoot.Length) -notmatch $foreign -and $_.FullName -notmatch '[\\/]\.git[\\/]' } |
        Select-Object -ExpandProperty FullName | Sort-Object
}

function Invoke-ScriptSyntaxCheck {
    # PowerShell's own parser over every script, module and data file of the project.
    [CmdletBinding()]
    [OutputType([pscustomobject])]
    param()
    $passed = 0
    $failed = 0
    foreach ($script in Get-ProjectScript) {
        $tokens = $null
        $errors = $null
        $null = [System.Management.Automation.Language.Parser]::ParseFile($script, [ref] $tokens, [ref] $errors)
        if ($errors.Count -eq 0) {
            $passed++
            continue
        }
        $failed++
        foreach ($parseError in $errors) {
            Write-Host "$($parseError.Extent.File):$($parseError.Extent.StartLineNumber): $($parseError.Message)"
        }
    }
    Write-Host "script syntax: $passed passed, $failed failed"
    [pscustomobject]@{ Suite = 'script syntax'; Passed = $passed; Failed = $failed; Skipped = 0 }
}

function Invoke-XunitSuite {
    [CmdletBinding()]
    [OutputType([pscustomobject])]
    param()
    $summary = [pscustomobject]@{ Suite = 'xunit'; Passed = 0; Failed = 0; Skipped = 0 }
    $assemblies = 0
    # Each test assembly prints one summary: "Passed!  - Failed: 0, Passed: 12, Skipped: 1, Total: 13, ..."
    & dotnet test $Solution -c $Configuration --no-build -nologo 2>&1 | ForEach-Object {
        $line = "$_"
        Write-Host $line
        if ($line -match '^\s*(Passed|Failed)!\s+-\s+Failed:\s*(\d+),\s*Passed:\s*(\d+),\s*Skipped:\s*(\d+)') {
            $assemblies++
            $summary.Failed += [int] $Matches[2]
            $summary.Passed += [int] $Matches[3]
            $summary.Skipped += [int] $Matches[4]
        }
    }
    if ($LASTEXITCODE -ne 0 -and $summary.Failed -eq 0) {
        Write-Host "dotnet test exited with $LASTEXITCODE without reporting a failed test (a test host crashed?)."
        $summary.Failed++
    }
    Write-Host "xunit: $assemblies test assemblies, $($summary.Passed) passed, $($summary.Failed) failed, $($summary.Skipped) skipped"
    $summary
}

function Invoke-PesterSuite {
    [CmdletBinding()]
    [OutputType([pscustomobject])]
    param()
    $pester = Get-PinnedModulePath -Name 'Pester'
    $results = Join-Path -Path $RepoRoot -ChildPath 'out' -AdditionalChildPath 'pester-results.xml'
    $quote = { param($text) "'" + $text.Replace("'", "''") + "'" }
    # A fresh process: the suite imports the staged module, and no preference or strict mode of this script leaks in.
    $command = @"
`$ErrorActionPreference = 'Stop'
Import-Module $(& $quote $pester)
`$c = New-PesterConfiguration
`$c.Run.Path = $(& $quote (Join-Path -Path $RepoRoot -ChildPath 'tests'))
`$c.Run.PassThru = `$true
`$c.Output.Verbosity = 'Detailed'
`$c.TestResult.Enabled = `$true
`$c.TestResult.OutputPath = $(& $quote $results)
`$r = Invoke-Pester -Configuration `$c
'pester: {0} passed, {1} failed, {2} skipped' -f `$r.PassedCount, `$r.FailedCount, `$r.SkippedCount
if (`$r.Result -ne 'Passed') { exit 1 }
"@
    $summary = [pscustomobject]@{ Suite = 'pester'; Passed = 0; Failed = 0; Skipped = 0 }
    $reported = $false
    Invoke-ChildPowerShell -Command $command 2>&1 | ForEach-Object {
        $line = "$_"
        Write-Host $line
        if ($line -match '^pester: (\d+) passed, (\d+) failed, (\d+) skipped') {
            $reported = $true
            $summary.Passed = [int] $Matches[1]
            $summary.Failed = [int] $Matches[2]
            $summary.Skipped = [int] $Matches[3]
        }
    }
    $exitCode = $LASTEXITCODE
    if (-not $reported) {
        Write-Host "The Pester run did not report its results (exit code $exitCode)."
        $summary.Failed++
    }
    elseif ($exitCode -ne 0 -and $summary.Failed -eq 0) {
        # A container (a file's BeforeAll, say) failed without a failed test.
        Write-Host "The Pester run failed (exit code $exitCode) outside any test; see the output above."
        $summary.Failed++
    }
    $summary
}

function Invoke-SdkCompatCheck {
    # The official Cloudflare TypeScript SDK, unmodified, against the emulator (tests/SdkCompat).
    [CmdletBinding()]
    [OutputType([pscustomobject])]
    param()
    $summary = [pscustomobject]@{ Suite = 'sdk compat'; Passed = 0; Failed = 0; Skipped = 0 }
    $folder = Join-Path -Path $RepoRoot -ChildPath 'tests' -AdditionalChildPath 'SdkCompat'
    if (-not (Get-Command -Name 'node' -CommandType Application -ErrorAction SilentlyContinue) -or
        -not (Get-Command -Name 'npm' -CommandType Application -ErrorAction SilentlyContinue)) {
        if ($env:CI -eq 'true') {
            Write-Host 'FAILED sdk compat: Node.js and npm are required on CI.'
            $summary.Failed = 1
        }
        else {
            Write-Warning 'Node.js and npm are not installed: the official-SDK check (tests/SdkCompat) was SKIPPED. Install Node.js 20 or later to run it.'
            $summary.Skipped = 1
        }
        return $summary
    }
    Push-Location -LiteralPath $folder
    try {
        & npm ci --no-audit --no-fund --loglevel=error 2>&1 | Write-Host
        if ($LASTEXITCODE -ne 0) {
            Write-Host "npm ci in $folder failed, so the official-SDK check did not run."
            $summary.Failed = 1
            return $summary
        }
    }
    finally {
        Pop-Location
    }
    $reported = $false
    & node (Join-Path -Path $folder -ChildPath 'compat.mjs') 2>&1 | ForEach-Object {
        $line = "$_"
        Write-Host $line
        if ($line -match '^sdk compat: (\d+) passed, (\d+) failed') {
            $reported = $true
            $summary.Passed = [int] $Matches[1]
            $summary.Failed = [int] $Matches[2]
        }
    }
    if (-not $reported) {
        Write-Host 'The official-SDK check did not report its results.'
        $summary.Failed++
    }
    $summary
}

function Invoke-TestTask {
    [CmdletBinding()]
    param()
    Invoke-BuildTask
    $suites = [System.Collections.Generic.List[object]]::new()
    Write-Host '== PowerShell parser over every script'
    $suites.Add((Invoke-ScriptSyntaxCheck))
    Write-Host '== xunit'
    $suites.Add((Invoke-XunitSuite))
    Write-Host '== PSScriptAnalyzer'
    $analysis = [pscustomobject]@{ Suite = 'analyze'; Passed = 0; Failed = 0; Skipped = 0 }
    try {
        if (Invoke-AnalyzeTask) { $analysis.Passed = 1 } else { $analysis.Skipped = 1 }
    }
    catch {
        Write-Host $_.Exception.Message
        $analysis.Failed = 1
    }
    $suites.Add($analysis)
    Write-Host '== Pester'
    $suites.Add((Invoke-PesterSuite))
    Write-Host '== The official Cloudflare TypeScript SDK against the emulator'
    $suites.Add((Invoke-SdkCompatCheck))

    $suites | Format-Table -AutoSize -Property @('Suite', 'Passed', 'Failed', 'Skipped') | Out-String | Write-Host
    $passed = ($suites | Measure-Object -Property Passed -Sum).Sum
    $failed = ($suites | Measure-Object -Property Failed -Sum).Sum
    $skipped = ($suites | Measure-Object -Property Skipped -Sum).Sum
    Write-Host "tests: $passed passed, $failed failed, $skipped skipped"
    if ($failed -gt 0) {
        throw "$failed test(s) failed; see the output above."
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
        $found = Invoke-ChildPowerShell -Command "Import-Module '$($installed.Replace("'", "''"))' -ErrorAction Stop; (Get-Command -Module TurnstileWidgets).Name | Sort-Object"
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
    # The script's -Repository and -ApiKey are passed in, not read from the script scope, so the analyzer's
    # PSReviewUnusedParameter sees them used.
    [CmdletBinding(SupportsShouldProcess)]
    param(
        [string] $Repository,
        [SecureString] $ApiKey
    )
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
    'Analyze' { $null = Invoke-AnalyzeTask }
    'Help' { Invoke-HelpTask }
    'Package' { Invoke-PackageTask }
    'Demo' { Invoke-DemoTask }
    'Publish' { Invoke-PublishTask -Repository $Repository -ApiKey $ApiKey }
    'Clean' { Invoke-CleanTask }
}
