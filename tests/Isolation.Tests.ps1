Set-StrictMode -Version Latest

# The module's dependency isolation, inside real PowerShell 7: the engine (its net8.0 build) loads into the module's
# private AssemblyLoadContext from Dependencies/, that context holds nothing else (above all no .NET Standard stand-in
# of an assembly the runtime has, such as System.Memory or System.Buffers: a second System.Span<T>), the engine uses
# the runtime's own System.Text.Json, Windows PowerShell 5.1's folder (Dependencies.Desktop/) is never touched, and
# the module works in a session that loaded other versions of libraries first. Each case runs in a fresh process,
# since an assembly, once loaded, stays for the life of the process.

BeforeAll {
    $script:emulator = $null
    Import-Module -Name (Join-Path -Path $PSScriptRoot -ChildPath 'TestHelpers/TurnstileTestHelpers.psm1') -Force
    Import-Module -Name (Join-Path -Path $PSScriptRoot -ChildPath 'TestHelpers/TurnstileChildProcess.psm1') -Force
    $script:emulator = Start-TurnstileTestSession
    $null = Initialize-TurnstileEmulatorWidget -Emulator $script:emulator -Name @('alpha', 'beta')

    # Prints one line per assembly of the private context, and of interest elsewhere: '<context>|<name>|<version>|<location>'.
    $script:report = @'
Get-TurnstileWidget | Out-Null
foreach ($context in [System.Runtime.Loader.AssemblyLoadContext]::All) {
    foreach ($assembly in $context.Assemblies) {
        $name = $assembly.GetName()
        if ($context.Name -eq 'TurnstileWidgets.Engine' -or $name.Name -match '^(System\.Text\.Json|System\.Memory|System\.Buffers|Microsoft\.Extensions\..*|TurnstileWidgets\.Engine)$') {
            'ASM|{0}|{1}|{2}|{3}' -f $context.Name, $name.Name, $name.Version, $assembly.Location
        }
    }
}
'RUNTIME|' + [System.IO.Path]::GetDirectoryName([object].Assembly.Location)
'@

    function Get-LoadedAssembly {
        param([Parameter(Mandatory)] [pscustomobject] $Result)
        foreach ($line in $Result.Output | Where-Object { $_.StartsWith('ASM|') }) {
            $parts = $line.Split('|')
            [pscustomobject]@{ Context = $parts[1]; Name = $parts[2]; Version = [version]$parts[3]; Location = $parts[4] }
        }
    }

    $script:dependencies = Join-Path -Path (Get-TurnstileRepositoryRoot) -ChildPath 'out/TurnstileWidgets/Dependencies'
    $script:desktopDependencies = Join-Path -Path (Get-TurnstileRepositoryRoot) -ChildPath 'out/TurnstileWidgets/Dependencies.Desktop'
}

AfterAll {
    Stop-TurnstileTestSession -Emulator $script:emulator
}

# PowerShell 7's AssemblyLoadContext: Windows PowerShell 5.1 has none (it resolves Dependencies.Desktop/ instead).
Describe 'The private load context' -Tag 'PowerShell7' {
    BeforeAll {
        $script:result = Invoke-TurnstileChildPowerShell -Emulator $script:emulator -Script $script:report
        $script:loaded = @(Get-LoadedAssembly -Result $script:result)
        $script:runtimeDirectory = ($script:result.Output | Where-Object { $_.StartsWith('RUNTIME|') } | Select-Object -First 1).Substring(8)
    }

    It 'holds the engine, loaded from the module''s Dependencies folder' {
        $script:result.ExitCode | Should -Be 0 -Because $script:result.Text
        $engine = @($script:loaded | Where-Object { $_.Name -eq 'TurnstileWidgets.Engine' -and $_.Context -eq 'TurnstileWidgets.Engine' })
        $engine.Count | Should -Be 1
        Split-Path -Parent $engine[0].Location | Should -Be $script:dependencies
        # The engine never lands in the default context.
        @($script:loaded | Where-Object { $_.Context -eq 'Default' -and $_.Name -eq 'TurnstileWidgets.Engine' }).Count | Should -Be 0
    }

    It 'holds no stand-in of an assembly the runtime already has' {
        $private = @($script:loaded | Where-Object Context -eq 'TurnstileWidgets.Engine')
        $private.Count | Should -BeGreaterThan 0
        $standIns = @($private | Where-Object { Test-Path -LiteralPath (Join-Path -Path $script:runtimeDirectory -ChildPath "$($_.Name).dll") })
        $standIns.Name | Should -BeNullOrEmpty -Because ('the private context loaded {0} although .NET has them in {1}' -f (($standIns | ForEach-Object { "$($_.Name) $($_.Version)" }) -join ', '), $script:runtimeDirectory)
        # Everything it holds comes from Dependencies/, never from Windows PowerShell 5.1's folder.
        @($private | Where-Object { (Split-Path -Parent $_.Location) -ne $script:dependencies }).Name | Should -BeNullOrEmpty
    }

    It 'leaves System.Text.Json to the runtime and never reads Windows PowerShell 5.1''s folder' {
        # The engine's net8.0 build uses the runtime's own System.Text.Json, in the default context.
        @($script:loaded | Where-Object { $_.Name -eq 'System.Text.Json' -and $_.Context -eq 'TurnstileWidgets.Engine' }).Count | Should -Be 0
        $json = @($script:loaded | Where-Object { $_.Name -eq 'System.Text.Json' -and $_.Context -eq 'Default' })
        $json.Count | Should -Be 1
        Split-Path -Parent $json[0].Location | Should -Be $script:runtimeDirectory
        @($script:loaded | Where-Object { $_.Location -like "$script:desktopDependencies*" }).Name | Should -BeNullOrEmpty
        @($script:loaded | Where-Object { $_.Name -like 'Microsoft.Extensions.*' -and $_.Context -eq 'TurnstileWidgets.Engine' }).Name | Should -BeNullOrEmpty
    }
}

Describe 'A session that loaded other versions first' -Tag 'PowerShell7' {
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
        # The engine needs no Microsoft.Extensions.* at all on PowerShell 7: nothing of it in the private context.
        @($loaded | Where-Object Context -eq 'TurnstileWidgets.Engine').Count | Should -Be 0
    }

    It 'works after PowerShell itself has used its own System.Text.Json' {
        $prologue = '$null = ConvertFrom-Json ''{"warm":1}''; $null = [System.Text.Json.JsonDocument]::Parse(''{}'')'

        $result = Invoke-TurnstileChildPowerShell -Emulator $script:emulator -Prologue $prologue -Script '(Get-TurnstileWidget | Measure-Object).Count'

        $result.ExitCode | Should -Be 0 -Because $result.Text
        $result.Output[-1] | Should -Be '2'
    }
}
