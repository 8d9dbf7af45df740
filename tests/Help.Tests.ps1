Set-StrictMode -Version Latest

BeforeDiscovery {
    $script:commandNames = @(
        'Connect-Turnstile'
        'Get-TurnstileConnection'
        'Disconnect-Turnstile'
        'Get-TurnstileWidget'
        'New-TurnstileWidget'
        'Set-TurnstileWidget'
        'Remove-TurnstileWidget'
        'Invoke-TurnstileSecretRotation'
        'Export-TurnstileWidget'
        'Compare-TurnstileWidget'
        'Sync-TurnstileWidget'
        'Get-TurnstileAnalytics'
        'Test-TurnstileWidgetSecret'
    )
}

BeforeAll {
    $script:emulator = $null
    Import-Module -Name (Join-Path -Path $PSScriptRoot -ChildPath 'TestHelpers/TurnstileTestHelpers.psm1') -Force
    $script:emulator = Start-TurnstileTestSession
    # The staged module, as Start-TurnstileTestSession imported it.
    $script:module = Get-Module -Name 'TurnstileWidgets' | Select-Object -First 1

    # platyPS compiles en-US/*.md into this file when ./build.ps1 stages the module.
    $script:mamlPath = Join-Path -Path $script:module.ModuleBase -ChildPath 'en-US/TurnstileWidgets.dll-Help.xml'
    $script:skipReason = "the compiled help '$script:mamlPath' is absent: run ./build.ps1 -Task Build with platyPS installed to build it from en-US/*.md"
    $script:commonParameters = @(
        [System.Management.Automation.PSCmdlet]::CommonParameters
        [System.Management.Automation.PSCmdlet]::OptionalCommonParameters
    )
}

AfterAll {
    Stop-TurnstileTestSession -Emulator $script:emulator
}

Describe 'Get-Help <_> -Full' -ForEach $commandNames {
    BeforeAll {
        $script:commandName = $_
        $script:hasMaml = Test-Path -LiteralPath $script:mamlPath -PathType Leaf
        $script:help = if ($script:hasMaml) { Get-Help -Name $script:commandName -Full } else { $null }
    }

    It 'comes from the compiled help file' {
        if (-not $script:hasMaml) {
            Set-ItResult -Skipped -Because $script:skipReason
            return
        }

        (Get-Command -Name $script:commandName).HelpFile | Should -BeLike '*TurnstileWidgets.dll-Help.xml'
    }

    It 'has a synopsis and a description' {
        if (-not $script:hasMaml) {
            Set-ItResult -Skipped -Because $script:skipReason
            return
        }

        $synopsis = [string]$script:help.Synopsis
        $synopsis.Trim() | Should -Not -BeNullOrEmpty
        # Without help, PowerShell fills the synopsis with the syntax, which starts with the command name.
        $synopsis.Trim() | Should -Not -BeLike "$script:commandName *"
        ($script:help.description | Out-String).Trim() | Should -Not -BeNullOrEmpty
    }

    It 'has at least two examples with code and remarks' {
        if (-not $script:hasMaml) {
            Set-ItResult -Skipped -Because $script:skipReason
            return
        }

        $examples = @($script:help.examples.example)
        $examples.Count | Should -BeGreaterOrEqual 2
        foreach ($example in $examples) {
            ([string]$example.code).Trim() | Should -Not -BeNullOrEmpty -Because "$($example.title) needs code"
            ($example.remarks | Out-String).Trim() | Should -Not -BeNullOrEmpty -Because "$($example.title) needs an explanation"
        }
        @($examples | Where-Object { ([string]$_.code) -match '\|' }).Count | Should -BeGreaterOrEqual 1 -Because 'one example shows a pipeline'
    }

    It 'describes every parameter' {
        if (-not $script:hasMaml) {
            Set-ItResult -Skipped -Because $script:skipReason
            return
        }

        $parameterNames = @((Get-Command -Name $script:commandName).Parameters.Keys | Where-Object { $_ -notin $script:commonParameters })
        $helpParameters = @()
        if ($script:help.PSObject.Properties['parameters'] -and $script:help.parameters.PSObject.Properties['parameter']) {
            $helpParameters = @($script:help.parameters.parameter)
        }

        foreach ($name in $parameterNames) {
            $entry = $helpParameters | Where-Object -Property name -EQ -Value $name
            $entry | Should -Not -BeNullOrEmpty -Because "-$name of $script:commandName needs help"
            ($entry.description | Out-String).Trim() | Should -Not -BeNullOrEmpty -Because "-$name of $script:commandName needs a description"
        }
    }
}
