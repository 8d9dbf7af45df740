Set-StrictMode -Version Latest

# Release hygiene: the manifest's release notes come from CHANGELOG.md, Publish refuses a module without compiled
# help, and the demo runbook runs against an emulator it did not start, touching only its own widgets.

BeforeDiscovery {
    # Publish goes on past the help check where platyPS has compiled the help, so that test runs only without it.
    $script:helpCompiled = Test-Path -LiteralPath (Join-Path -Path $PSScriptRoot -ChildPath '../en-US/TurnstileWidgets.dll-Help.xml')
}

BeforeAll {
    Import-Module -Name (Join-Path -Path $PSScriptRoot -ChildPath 'TestHelpers/TurnstileTestHelpers.psm1') -Force
    Import-Module -Name (Join-Path -Path $PSScriptRoot -ChildPath 'TestHelpers/TurnstileChildProcess.psm1') -Force
    $script:root = Get-TurnstileRepositoryRoot
    [xml] $props = Get-Content -Raw -LiteralPath (Join-Path -Path $script:root -ChildPath 'Directory.Build.props')
    $script:version = $props.SelectSingleNode('/Project/PropertyGroup/VersionPrefix').InnerText.Trim()
    $script:changelog = @(Get-Content -LiteralPath (Join-Path -Path $script:root -ChildPath 'CHANGELOG.md'))
    $script:staged = Join-Path -Path $script:root -ChildPath 'out/TurnstileWidgets/TurnstileWidgets.psd1'

    # Runs a command in a fresh PowerShell from the repository root; its output as text lines and its exit code.
    function Invoke-Child {
        param([Parameter(Mandatory)] [string] $Command)
        $powershell = Get-TurnstileChildPowerShellCommand
        $arguments = @($powershell | Select-Object -Skip 1) + @('-NoProfile', '-NonInteractive', '-Command', $Command)
        Push-Location -LiteralPath $script:root
        try {
            $output = @(& $powershell[0] @arguments 2>&1 | ForEach-Object { "$_" -replace '\e\[[0-9;?]*[A-Za-z]', '' })
            [pscustomobject]@{ Output = $output; Text = $output -join "`n"; ExitCode = $LASTEXITCODE }
        }
        finally {
            Pop-Location
        }
    }
}

Describe 'CHANGELOG.md' {
    It 'collects changes under [Unreleased] above the newest release, which is the version in Directory.Build.props' {
        $headings = @($script:changelog | Where-Object { $_ -match '^## ' })
        $headings[0] | Should -Be '## [Unreleased]'
        @($headings | Where-Object { $_ -eq '## [Unreleased]' }).Count | Should -Be 1
        $headings[1] | Should -Match ('^## \[' + [regex]::Escape($script:version) + '\] - \d{4}-\d{2}-\d{2}$')
    }

    It 'names each kind of change once per section' {
        $section = '(top)'
        $seen = @{}
        foreach ($line in $script:changelog) {
            if ($line -match '^## ') { $section = $line; continue }
            if ($line -match '^### ') {
                $key = "$section $line"
                $seen.ContainsKey($key) | Should -BeFalse -Because "'$line' appears twice under '$section'"
                $seen[$key] = $true
            }
        }
    }
}

Describe 'The staged manifest' {
    It 'carries the release section of CHANGELOG.md as its ReleaseNotes, read back by PowerShell''s own parser' {
        $start = [array]::FindIndex([string[]] $script:changelog, [Predicate[string]] { param($line) $line.StartsWith("## [$script:version]") })
        $start | Should -BeGreaterThan 0
        $end = [array]::FindIndex([string[]] $script:changelog, $start + 1, [Predicate[string]] { param($line) $line.StartsWith('## ') })
        if ($end -lt 0) { $end = $script:changelog.Count }
        $expected = ($script:changelog[($start + 1)..($end - 1)] -join "`n").Trim()

        $manifest = Import-PowerShellDataFile -LiteralPath $script:staged
        $manifest.ModuleVersion | Should -Be $script:version
        $manifest.PrivateData.PSData.ReleaseNotes | Should -BeExactly $expected
        # Quotes survive PowerShell's quoting: the notes hold apostrophes ("Cloudflare's").
        $manifest.PrivateData.PSData.ReleaseNotes | Should -Match "'"
    }
}

Describe 'Publish' {
    # build.ps1 runs in PowerShell 7 (#Requires -Version 7.2), and the child is of the test's own edition.
    It 'refuses a module without compiled help, naming platyPS and -Task Help, before building or sending anything' -Skip:$script:helpCompiled -Tag 'PowerShell7' {
        $run = Invoke-Child -Command @'
$key = [System.Security.SecureString]::new(); 'not-a-key'.ToCharArray() | ForEach-Object { $key.AppendChar($_) }
./build.ps1 -Task Publish -Repository NoSuchRepository -ApiKey $key
'@
        $run.ExitCode | Should -Not -Be 0
        $run.Text | Should -Match 'Publish refused: the module''s help is not compiled'
        $run.Text | Should -Match 'Install-Module platyPS'
        $run.Text | Should -Match '-Task Help'
        $run.Text | Should -Not -Match 'not-a-key'
        $run.Text | Should -Not -Match 'dotnet build'
    }
}

Describe 'examples/Demo.ps1' {
    BeforeAll {
        $script:emulator = Start-TurnstileEmulator
    }

    AfterAll {
        Stop-TurnstileEmulator -Emulator $script:emulator
    }

    It 'runs against an emulator it did not start and leaves the account''s other widgets alone' {
        $keep = Add-TurnstileEmulatorWidget -Emulator $script:emulator -Name 'keep-form' -Domain 'keep.example.com'
        $token = ConvertFrom-TurnstileTestSecureString $script:emulator.ApiToken
        $demo = Join-Path -Path $script:root -ChildPath 'examples/Demo.ps1'
        $command = @"
`$token = [System.Security.SecureString]::new(); `$env:DEMO_TOKEN.ToCharArray() | ForEach-Object { `$token.AppendChar(`$_) }
& '$($demo.Replace("'", "''"))' -ApiBaseUri '$($script:emulator.BaseUri)' -AccountId '$($script:emulator.AccountId)' -ApiToken `$token
"@
        $env:DEMO_TOKEN = $token
        try {
            $run = Invoke-Child -Command $command
        }
        finally {
            Remove-Item -Path Env:DEMO_TOKEN
        }

        $run.ExitCode | Should -Be 0 -Because $run.Text
        $run.Text | Should -Match 'demo-login-form'
        $run.Text | Should -Not -Match 'Started the emulator'
        $run.Text | Should -Not -Match ([regex]::Escape($token))
        $left = @(Get-TurnstileEmulatorWidget -Emulator $script:emulator)
        $left.sitekey | Should -Be @($keep.sitekey)
        $stats = Get-TurnstileEmulatorStatistic -Emulator $script:emulator
        $stats.create_requests | Should -BeGreaterOrEqual 3
        $stats.delete_requests | Should -BeGreaterOrEqual 3
    }
}
