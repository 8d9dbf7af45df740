Set-StrictMode -Version Latest

# The module's dependency isolation, inside real PowerShell: the engine's System.Text.Json and
# Microsoft.Extensions.* load into the module's private AssemblyLoadContext, and the module works in a session
# that loaded other versions of them first. Each case runs in a fresh process, since an assembly, once loaded,
# stays for the life of the process.

BeforeAll {
    $script:emulator = $null
    Import-Module -Name (Join-Path -Path $PSScriptRoot -ChildPath 'TestHelpers/TurnstileTestHelpers.psm1') -Force
    Import-Module -Name (Join-Path -Path $PSScriptRoot -ChildPath 'TestHelpers/TurnstileChildProcess.psm1') -Force
    $script:emulator = Start-TurnstileTestSession
    $null = Initialize-TurnstileEmulatorWidget -Emulator $script:emulator -Name @('alpha', 'beta')

    # Prints one line per assembly of interest: '<context>|<name>|<version>|<location>'.
    $script:report = @'
Get-TurnstileWidget | Out-Null
foreach ($context in [System.Runtime.Loader.AssemblyLoadContext]::All) {
    foreach ($assembly in $context.Assemblies) {
        $name = $assembly.GetName()
        if ($name.Name -match '^(System\.Text\.Json|Microsoft\.Extensions\.Http|Microsoft\.Extensions\.DependencyInjection|TurnstileWidgets\.Engine)$') {
            'ASM|{0}|{1}|{2}|{3}' -f $context.Name, $name.Name, $name.Version, $assembly.Location
        }
    }
}
'@

    function Get-LoadedAssembly {
        param([Parameter(Mandatory)] [pscustomobject] $Result)
        foreach ($line in $Result.Output | Where-Object { $_.StartsWith('ASM|') }) {
            $parts = $line.Split('|')
            [pscustomobject]@{ Context = $parts[1]; Name = $parts[2]; Version = [version]$parts[3]; Location = $parts[4] }
        }
    }

    $script:dependencies = Join-Path -Path (Get-TurnstileRepositoryRoot) -ChildPath 'out/TurnstileWidgets/Dependencies'
}

AfterAll {
    Stop-TurnstileTestSession -Emulator $script:emulator
}

Describe 'The private load context' {
    It 'holds the engine, System.Text.Json and Microsoft.Extensions.* loaded from the module''s Dependencies folder' {
        $result = Invoke-TurnstileChildPowerShell -Emulator $script:emulator -Script $script:report
        $result.ExitCode | Should -Be 0 -Because $result.Text
        $loaded = @(Get-LoadedAssembly -Result $result)

        foreach ($name in @('TurnstileWidgets.Engine', 'System.Text.Json', 'Microsoft.Extensions.Http', 'Microsoft.Extensions.DependencyInjection')) {
            $private = @($loaded | Where-Object { $_.Name -eq $name -and $_.Context -eq 'TurnstileWidgets.Engine' })
            $private.Count | Should -Be 1 -Because "$name must load into the module's own context"
            Split-Path -Parent $private[0].Location | Should -Be $script:dependencies
        }
        # The module never puts its System.Text.Json into the default context. Whether PowerShell has loaded its own
        # there by now depends on the machine (a used profile folder, say), not on the module, so only the module's
        # part is asserted: no copy from its Dependencies folder, and at most PowerShell's one.
        $default = @($loaded | Where-Object { $_.Name -eq 'System.Text.Json' -and $_.Context -eq 'Default' })
        $default.Count | Should -BeLessOrEqual 1
        @($default | Where-Object { $_.Location -like "$script:dependencies*" }).Count | Should -Be 0
        # The engine and its third-party dependencies never land in the default context.
        @($loaded | Where-Object { $_.Context -eq 'Default' -and $_.Name -match '^(TurnstileWidgets\.Engine|Microsoft\.Extensions\.)' }).Count | Should -Be 0
    }
}

Describe 'A session that loaded other versions first' {
    It 'works next to Microsoft.Extensions.Http <_> already in the default context' -ForEach @('8.0.0') {
        $version = $_
        $root = Get-TurnstileRepositoryRoot
        # The same package folder the build restores Pester into (tests/PowerShellModules pins both).
        $pester = (Get-Module -Name Pester).ModuleBase
        $packages = Split-Path -Parent (Split-Path -Parent (Split-Path -Parent $pester))
        $older = Join-Path -Path $packages -ChildPath "microsoft.extensions.http/$version/lib/net8.0/Microsoft.Extensions.Http.dll"
        Test-Path -LiteralPath $older | Should -BeTrue -Because "dotnet restore of $root/tests/PowerShellModules downloads it"
        $prologue = "`$null = [System.Reflection.Assembly]::LoadFrom('$($older.Replace("'", "''"))')"

        $result = Invoke-TurnstileChildPowerShell -Emulator $script:emulator -Prologue $prologue -Script ($script:report + "`n" + '(Get-TurnstileWidget | Sort-Object Name).Name -join ","')

        $result.ExitCode | Should -Be 0 -Because $result.Text
        $result.Output[-1] | Should -Be 'alpha,beta'
        $loaded = @(Get-LoadedAssembly -Result $result | Where-Object Name -eq 'Microsoft.Extensions.Http')
        ($loaded | Where-Object Context -eq 'Default').Version | Should -Be ([version]"$($version.Split('.')[0]).0.0.0")
        ($loaded | Where-Object Context -eq 'TurnstileWidgets.Engine').Version.Major | Should -Be 10
    }

    It 'works after PowerShell itself has used its own System.Text.Json' {
        $prologue = '$null = ConvertFrom-Json ''{"warm":1}''; $null = [System.Text.Json.JsonDocument]::Parse(''{}'')'

        $result = Invoke-TurnstileChildPowerShell -Emulator $script:emulator -Prologue $prologue -Script '(Get-TurnstileWidget | Measure-Object).Count'

        $result.ExitCode | Should -Be 0 -Because $result.Text
        $result.Output[-1] | Should -Be '2'
    }
}
