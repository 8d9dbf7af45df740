<#
.SYNOPSIS
    The tasks of the TurnstileWidgets build, for Invoke-Build. Run them through ./build.ps1 (it brings the pinned
    Invoke-Build): `dotnet pwsh ./build.ps1 -Task Test`. Each task is described in build.ps1's help.
#>
[Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSAvoidUsingWriteHost', '', Justification = 'Progress report of an interactive build script.')]
[Diagnostics.CodeAnalysis.SuppressMessageAttribute('PSReviewUnusedParameter', '', Justification = 'The parameters are read in the task blocks, which Invoke-Build runs.')]
param(
    [ValidateSet('Release', 'Debug')]
    [string] $Configuration = 'Release',

    [string] $Repository,

    [SecureString] $ApiKey
)

Set-StrictMode -Version Latest

$RepoRoot = $BuildRoot
$Solution = Join-Path -Path $RepoRoot -ChildPath 'TurnstileWidgets.sln'
$StagedModule = Join-Path -Path $RepoRoot -ChildPath 'out' -AdditionalChildPath 'TurnstileWidgets'
$StagedManifest = Join-Path -Path $StagedModule -ChildPath 'TurnstileWidgets.psd1'
$HelpSource = Join-Path -Path $RepoRoot -ChildPath 'en-US'
$CompiledHelp = 'TurnstileWidgets.dll-Help.xml'
$TestResults = Join-Path -Path $RepoRoot -ChildPath 'out' -AdditionalChildPath 'test-results'

Import-Module -Name (Join-Path -Path $RepoRoot -ChildPath 'build/PinnedModules.psm1')
# One definition each of how to start a child PowerShell and the emulator, shared with the tests.
Import-Module -Name (Join-Path -Path $RepoRoot -ChildPath 'tests/TestHelpers/TurnstileChildProcess.psm1')
Import-Module -Name (Join-Path -Path $RepoRoot -ChildPath 'tests/TestHelpers/TurnstileEmulatorProcess.psm1')

# ------------------------------------------------------------------ helpers

function Get-ModuleVersion {
    [xml] $props = Get-Content -Raw -LiteralPath (Join-Path -Path $RepoRoot -ChildPath 'Directory.Build.props')
    # Not $props.Project.PropertyGroup.VersionPrefix: under Set-StrictMode that throws on the PropertyGroup without one.
    $node = $props.SelectSingleNode('/Project/PropertyGroup/VersionPrefix')
    if ($null -eq $node -or [string]::IsNullOrWhiteSpace($node.InnerText)) {
        throw 'Directory.Build.props has no VersionPrefix.'
    }
    $node.InnerText.Trim()
}

function Invoke-ChildPowerShell {
    # A fresh, non-interactive PowerShell, so this process never holds the module's assemblies and the command sees
    # no preference or strict mode of the build.
    param([Parameter(Mandatory)] [string] $Command)
    $powershell = Get-TurnstileChildPowerShellCommand
    $arguments = @($powershell | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-Command', $Command)
    & $powershell[0] @arguments
}

function ConvertTo-PowerShellLiteral([string] $Text) {
    "'" + $Text.Replace("'", "''") + "'"
}

function Get-ProjectScript {
    # Only the project's own scripts: npm (node_modules) and builds (bin, obj, out) can leave third-party ones.
    $foreign = '[\\/](node_modules|bin|obj|out)[\\/]'
    Get-ChildItem -LiteralPath $RepoRoot -Recurse -File -Include '*.ps1', '*.psm1', '*.psd1' |
        Where-Object { $_.FullName.Substring($RepoRoot.Length) -notmatch $foreign -and $_.FullName -notmatch '[\\/]\.git[\\/]' } |
        Select-Object -ExpandProperty FullName | Sort-Object
}

function Initialize-SuiteResult([string] $Suite) {
    [pscustomobject]@{ Suite = $Suite; Passed = 0; Failed = 0; Skipped = 0 }
}

function Clear-ResultFolder([string] $Path) {
    # A result file left by an earlier run must never be counted as this run's.
    if (Test-Path -LiteralPath $Path) { Remove-Item -LiteralPath $Path -Recurse -Force }
    $null = New-Item -ItemType Directory -Path $Path -Force
}

# ------------------------------------------------------------------ the suites (each returns its counts)

function Invoke-ScriptSyntaxCheck {
    # PowerShell's own parser over every script, module and data file of the project.
    $summary = Initialize-SuiteResult 'script syntax'
    foreach ($script in Get-ProjectScript) {
        $tokens = $null
        $errors = $null
        $null = [System.Management.Automation.Language.Parser]::ParseFile($script, [ref] $tokens, [ref] $errors)
        if ($errors.Count -eq 0) {
            $summary.Passed++
            continue
        }
        $summary.Failed++
        foreach ($parseError in $errors) {
            Write-Host "$($parseError.Extent.File):$($parseError.Extent.StartLineNumber): $($parseError.Message)"
        }
    }
    $summary
}

function Get-XunitTestProject {
    # Every project under tests/ is an xunit project (tests/Directory.Build.props) unless it says IsTestProject false.
    foreach ($project in Get-ChildItem -Path (Join-Path -Path $RepoRoot -ChildPath 'tests/*/*.csproj')) {
        [xml] $xml = Get-Content -Raw -LiteralPath $project.FullName
        if ($xml.SelectSingleNode("/Project/PropertyGroup/IsTestProject[normalize-space(.)='false']")) { continue }
        $project.BaseName
    }
}

function Invoke-XunitSuite {
    # -Filter: dotnet test's --filter, to try the counting on a few tests (an assembly none of whose tests match then
    # writes a result file without tests, so the check that every test assembly reported is left out).
    param([string] $Filter)
    $summary = Initialize-SuiteResult 'xunit'
    $folder = Join-Path -Path $TestResults -ChildPath 'xunit'
    Clear-ResultFolder $folder
    # One TRX file per test assembly; the counts are read from them, the console is only for people.
    $arguments = @('test', $Solution, '-c', $Configuration, '--no-build', '-nologo', '--logger', 'trx', '--results-directory', $folder)
    if ($Filter) { $arguments += @('--filter', $Filter) }
    & dotnet @arguments 2>&1 | Write-Host
    $exitCode = $LASTEXITCODE
    $byAssembly = @{}
    foreach ($file in Get-ChildItem -LiteralPath $folder -Filter '*.trx') {
        [xml] $trx = Get-Content -Raw -LiteralPath $file.FullName
        $namespace = @{ t = 'http://microsoft.com/schemas/VisualStudio/TeamTest/2010' }
        $codeBase = Select-Xml -Xml $trx -XPath '//t:TestMethod/@codeBase' -Namespace $namespace | Select-Object -First 1
        $assembly = if ($codeBase) { [System.IO.Path]::GetFileNameWithoutExtension($codeBase.Node.Value) } else { $file.Name }
        $byAssembly[$assembly] = $file.Name
        foreach ($result in Select-Xml -Xml $trx -XPath '//t:UnitTestResult' -Namespace $namespace) {
            switch ($result.Node.outcome) {
                'Passed' { $summary.Passed++ }
                'NotExecuted' { $summary.Skipped++ }
                default { $summary.Failed++ }
            }
        }
    }
    foreach ($project in Get-XunitTestProject) {
        if (-not $Filter -and -not $byAssembly.ContainsKey($project)) {
            Write-Host "FAILED xunit: $project wrote no result file into $folder."
            $summary.Failed++
        }
    }
    if ($exitCode -ne 0 -and $summary.Failed -eq 0) {
        Write-Host "dotnet test exited with $exitCode without a failed test in its result files (a test host crashed?)."
        $summary.Failed++
    }
    $summary
}

function Invoke-AnalyzerSuite {
    $summary = Initialize-SuiteResult 'analyze'
    try {
        if (Invoke-ScriptAnalysis) { $summary.Passed = 1 } else { $summary.Skipped = 1 }
    }
    catch {
        Write-Host $_.Exception.Message
        $summary.Failed = 1
    }
    $summary
}

function Invoke-PesterSuite {
    param([string[]] $Path = @(Join-Path -Path $RepoRoot -ChildPath 'tests'))
    $summary = Initialize-SuiteResult 'pester'
    $pester = Get-PinnedModulePath -Package 'Pester'
    Clear-ResultFolder (Join-Path -Path $TestResults -ChildPath 'pester')
    $results = Join-Path -Path $TestResults -ChildPath 'pester/pester-results.xml'
    # A fresh process: the suite imports the staged module, and no preference or strict mode of the build leaks in.
    $command = @"
`$ErrorActionPreference = 'Stop'
Import-Module $(ConvertTo-PowerShellLiteral $pester)
`$c = New-PesterConfiguration
`$c.Run.Path = @($(@($Path | ForEach-Object { ConvertTo-PowerShellLiteral $_ }) -join ', '))
`$c.Output.Verbosity = 'Detailed'
`$c.Run.Exit = `$true
`$c.TestResult.Enabled = `$true
`$c.TestResult.OutputFormat = 'NUnitXml'
`$c.TestResult.OutputPath = $(ConvertTo-PowerShellLiteral $results)
Invoke-Pester -Configuration `$c
"@
    Invoke-ChildPowerShell -Command $command 2>&1 | ForEach-Object { Write-Host "$_" }
    $exitCode = $LASTEXITCODE
    if (-not (Test-Path -LiteralPath $results)) {
        Write-Host "FAILED pester: the run wrote no result file ($results; exit code $exitCode)."
        $summary.Failed = 1
        return $summary
    }
    [xml] $xml = Get-Content -Raw -LiteralPath $results
    foreach ($case in $xml.SelectNodes('//test-case')) {
        switch ($case.GetAttribute('result')) {
            'Success' { $summary.Passed++ }
            { $_ -in 'Ignored', 'Skipped', 'NotRunnable', 'Inconclusive' } { $summary.Skipped++ }
            default { $summary.Failed++ }
        }
    }
    # A container that failed outside any test (a file's BeforeAll, a parse error) has no failed test-case of its own.
    foreach ($suite in $xml.SelectNodes("//test-suite[@result='Failure' and not(.//test-case[@result='Failure'])]")) {
        if ($suite.SelectSingleNode("ancestor::test-suite[@result='Failure' and not(.//test-case[@result='Failure'])]")) { continue }
        Write-Host "FAILED pester: $($suite.GetAttribute('name')) failed outside its tests."
        $summary.Failed++
    }
    # A test file that could not even be discovered (a parse error) is missing from the result file altogether.
    $reported = @($xml.SelectNodes('//test-suite/@name') | ForEach-Object { $_.Value })
    foreach ($file in Get-ChildItem -Path $Path -Recurse -Filter '*.Tests.ps1') {
        if ($file.FullName -notin $reported) {
            Write-Host "FAILED pester: $($file.FullName) is missing from the result file (it did not run)."
            $summary.Failed++
        }
    }
    if ($exitCode -ne 0 -and $summary.Failed -eq 0) {
        Write-Host "The Pester process failed (exit code $exitCode) without a failure in its result file; see the output above."
        $summary.Failed++
    }
    $summary
}

function Invoke-SdkCompatSuite {
    # The official Cloudflare TypeScript SDK, unmodified, against the emulator (tests/SdkCompat).
    $summary = Initialize-SuiteResult 'sdk compat'
    $folder = Join-Path -Path $RepoRoot -ChildPath 'tests/SdkCompat'
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
            Write-Host "FAILED sdk compat: npm ci in $folder failed, so the check did not run."
            $summary.Failed = 1
            return $summary
        }
    }
    finally {
        Pop-Location
    }
    $resultFolder = Join-Path -Path $TestResults -ChildPath 'sdk-compat'
    Clear-ResultFolder $resultFolder
    $results = Join-Path -Path $resultFolder -ChildPath 'sdk-compat-results.json'
    $token = 'sdk-compat-' + [System.Convert]::ToHexString([System.Security.Cryptography.RandomNumberGenerator]::GetBytes(12)).ToLowerInvariant()
    $account = [System.Convert]::ToHexString([System.Security.Cryptography.RandomNumberGenerator]::GetBytes(16)).ToLowerInvariant()
    $emulator = Start-TurnstileEmulatorProcess -ArgumentList @('--api-token', $token, '--account-id', $account) -Secret $token
    $saved = @{}
    $variables = @{ CLOUDFLARE_BASE_URL = $emulator.BaseUri.AbsoluteUri.TrimEnd('/'); CLOUDFLARE_API_TOKEN = $token; CLOUDFLARE_ACCOUNT_ID = $account }
    try {
        # The SDK reads its credential and base URL from these, as it would on a user's machine; never the command line.
        foreach ($name in $variables.Keys) {
            $saved[$name] = [System.Environment]::GetEnvironmentVariable($name)
            [System.Environment]::SetEnvironmentVariable($name, $variables[$name])
        }
        & node (Join-Path -Path $folder -ChildPath 'compat.mjs') --results $results 2>&1 | ForEach-Object { Write-Host "$_" }
        $exitCode = $LASTEXITCODE
    }
    finally {
        foreach ($name in $variables.Keys) { [System.Environment]::SetEnvironmentVariable($name, $saved[$name]) }
        $emulator.Dispose()
    }
    if (-not (Test-Path -LiteralPath $results)) {
        Write-Host "FAILED sdk compat: the check wrote no result file ($results; exit code $exitCode)."
        $summary.Failed = 1
        return $summary
    }
    $counts = Get-Content -Raw -LiteralPath $results | ConvertFrom-Json
    $summary.Passed = [int] $counts.passed
    $summary.Failed = [int] $counts.failed
    if ($exitCode -ne 0 -and $summary.Failed -eq 0) {
        Write-Host "FAILED sdk compat: node exited with $exitCode without a failed check in its result file."
        $summary.Failed = 1
    }
    $summary
}

function Invoke-ScriptAnalysis {
    # $true when the scripts are clean, $false when PSScriptAnalyzer is not installed; throws on findings.
    if (-not (Get-Module -ListAvailable -Name PSScriptAnalyzer)) {
        Write-Warning 'PSScriptAnalyzer is not installed: the script analysis was SKIPPED. Install it with: Install-Module PSScriptAnalyzer -Scope CurrentUser'
        return $false
    }
    $scripts = @(Get-ProjectScript | Where-Object { $_ -notlike '*.psd1' })
    $findings = @($scripts | ForEach-Object { Invoke-ScriptAnalyzer -Path $_ -Severity @('Warning', 'Error') })
    if ($findings.Count -gt 0) {
        # One line per finding, never cut to the console's width: the log must show every finding whole.
        foreach ($finding in $findings) {
            $path = [System.IO.Path]::GetRelativePath($RepoRoot, $finding.ScriptPath)
            Write-Host "$($path):$($finding.Line): $($finding.Severity) $($finding.RuleName): $($finding.Message)"
        }
        throw "PSScriptAnalyzer reported $($findings.Count) finding(s)."
    }
    Write-Host "PSScriptAnalyzer: $($scripts.Count) scripts clean."
    $true
}

# ------------------------------------------------------------------ tasks

# Synopsis: Compile en-US/*.md into MAML help with platyPS (when installed).
task Help {
    $platyPS = Get-Module -ListAvailable -Name platyPS | Sort-Object Version -Descending | Select-Object -First 1
    if (-not $platyPS) {
        Write-Warning "platyPS is not installed, so the MAML help (en-US/$CompiledHelp) was not compiled and Get-Help will show only syntax. Install it with: Install-Module platyPS -Scope CurrentUser"
        return
    }
    Import-Module $platyPS -Force
    # The MAML lands beside the markdown (git ignores it); the MSBuild staging copies it into the module.
    $null = New-ExternalHelp -Path $HelpSource -OutputPath $HelpSource -Force
    Write-Host "Compiled help into $(Join-Path $HelpSource $CompiledHelp)"
}

# Synopsis: Build the solution; a Release build stages out/TurnstileWidgets/ and packs the .nupkg.
task Build Help, {
    exec { dotnet build $Solution -c $Configuration -nologo }
    if ($Configuration -eq 'Release') {
        assert (Test-Path -LiteralPath $StagedManifest) "The build did not stage the module into $StagedModule."
    }
}

# Synopsis: Build only what the demo needs: the module, the emulator and the emulator launcher.
task DemoBuild Help, {
    exec { dotnet build (Join-Path -Path $RepoRoot -ChildPath 'build/Demo.slnf') -c Release -nologo }
    assert (Test-Path -LiteralPath $StagedManifest) "The build did not stage the module into $StagedModule."
}

# Synopsis: Every suite; counts from result files; ends with `tests: N passed, N failed, N skipped`.
task Test Build, {
    $suites = [System.Collections.Generic.List[object]]::new()
    Write-Host '== PowerShell parser over every script'
    $suites.Add((Invoke-ScriptSyntaxCheck))
    Write-Host '== xunit'
    $suites.Add((Invoke-XunitSuite))
    Write-Host '== PSScriptAnalyzer'
    $suites.Add((Invoke-AnalyzerSuite))
    Write-Host '== Pester'
    $suites.Add((Invoke-PesterSuite))
    Write-Host '== The official Cloudflare TypeScript SDK against the emulator'
    $suites.Add((Invoke-SdkCompatSuite))

    $suites | Format-Table -AutoSize -Property @('Suite', 'Passed', 'Failed', 'Skipped') | Out-String -Width 200 | Write-Host
    $passed = ($suites | Measure-Object -Property Passed -Sum).Sum
    $failed = ($suites | Measure-Object -Property Failed -Sum).Sum
    $skipped = ($suites | Measure-Object -Property Skipped -Sum).Sum
    Write-Host "tests: $passed passed, $failed failed, $skipped skipped"
    assert ($failed -eq 0) "$failed test(s) failed; see the output above."
}

# Synopsis: PSScriptAnalyzer over the project's scripts (when installed).
task Analyze {
    $null = Invoke-ScriptAnalysis
}

# Synopsis: Install the built .nupkg from a temporary repository and import it.
task Package Build, {
    $version = Get-ModuleVersion
    $package = Join-Path -Path $RepoRoot -ChildPath 'out' -AdditionalChildPath "TurnstileWidgets.$version.nupkg"
    assert (Test-Path -LiteralPath $package) "The build did not produce $package."
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
        assert (Test-Path -LiteralPath $installed -PathType Leaf) "Save-PSResource did not install the manifest at $installed."
        $expected = (Import-PowerShellDataFile -LiteralPath $StagedManifest).CmdletsToExport | Sort-Object
        # A child process, so this session never holds the module's assemblies.
        $found = Invoke-ChildPowerShell -Command "Import-Module $(ConvertTo-PowerShellLiteral $installed) -ErrorAction Stop; (Get-Command -Module TurnstileWidgets).Name | Sort-Object"
        assert ($LASTEXITCODE -eq 0) "Importing the installed package failed: $found"
        $difference = Compare-Object -ReferenceObject @($expected) -DifferenceObject @($found)
        assert (-not $difference) "The installed package exports other commands than the manifest lists: $($difference | Out-String)"
        Write-Host "Installed TurnstileWidgets $version from $package and found its $(@($found).Count) cmdlets."
    }
    finally {
        Unregister-PSResourceRepository -Name $repositoryName -ErrorAction SilentlyContinue
        Remove-Item -LiteralPath $installRoot -Recurse -Force -ErrorAction SilentlyContinue
    }
}

# Synopsis: The demo runbook (examples/Demo.ps1) against a fresh emulator; builds only the module and the emulator.
task Demo DemoBuild, {
    # A child PowerShell, so the build never holds the module's assemblies; the demo starts its own emulator.
    $demo = Join-Path -Path $RepoRoot -ChildPath 'examples/Demo.ps1'
    Invoke-ChildPowerShell -Command "& $(ConvertTo-PowerShellLiteral $demo)" 2>&1 | ForEach-Object { Write-Host "$_" }
    assert ($LASTEXITCODE -eq 0) "examples/Demo.ps1 failed (exit code $LASTEXITCODE); see the output above."
}

# Synopsis: Refuse a module without compiled help, before anything is built or sent.
task HelpCompiled Help, {
    $compiled = Join-Path -Path $HelpSource -ChildPath $CompiledHelp
    assert (Test-Path -LiteralPath $compiled) "Publish refused: the module's help is not compiled ($compiled is missing), so Get-Help would show only syntax. Install platyPS (Install-Module platyPS -Scope CurrentUser), run ./build.ps1 -Task Help, then publish again."
}

# Synopsis: Publish out/TurnstileWidgets to -Repository with -ApiKey, after the help check and Package.
task Publish {
    assert ($Repository -and $ApiKey) 'Publish needs -Repository <name> and -ApiKey <SecureString>, e.g. -ApiKey (Read-Host -AsSecureString).'
}, HelpCompiled, Package, {
    $staged = Join-Path -Path $StagedModule -ChildPath "en-US/$CompiledHelp"
    assert (Test-Path -LiteralPath $staged) "Publish refused: the staged module has no compiled help ($staged). Install platyPS and run ./build.ps1 -Task Help."
    # The key is turned into text only for this call and never written out.
    $plainKey = [System.Net.NetworkCredential]::new('', $ApiKey).Password
    Publish-PSResource -Path $StagedModule -Repository $Repository -ApiKey $plainKey
    Write-Host "Published TurnstileWidgets $(Get-ModuleVersion) to $Repository."
}

# Synopsis: Remove out/, every bin/ and obj/ folder and the compiled help.
task Clean {
    $targets = @(Join-Path $RepoRoot 'out') + @(
        Get-ChildItem -LiteralPath $RepoRoot -Directory -Recurse -Include 'bin', 'obj' |
            Where-Object FullName -NotMatch 'node_modules' |
            Select-Object -ExpandProperty FullName)
    foreach ($target in $targets) {
        # Checked here, not before the loop: removing a folder may already have removed a bin/ or obj/ inside it.
        if (Test-Path -LiteralPath $target) {
            Remove-Item -LiteralPath $target -Recurse -Force
        }
    }
    Get-ChildItem -LiteralPath $HelpSource -Filter '*.xml' | Remove-Item -Force
}

task . Build
