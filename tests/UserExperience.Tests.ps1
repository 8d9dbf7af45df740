Set-StrictMode -Version Latest

# What users see: the table view at the widths of a real console, the -WhatIf lines of a pipeline (written by
# the host, so read from a child process), and what serialization keeps out of files.

BeforeAll {
    $script:emulator = $null
    Import-Module -Name (Join-Path -Path $PSScriptRoot -ChildPath 'TestHelpers/TurnstileTestHelpers.psm1') -Force
    Import-Module -Name (Join-Path -Path $PSScriptRoot -ChildPath 'TestHelpers/TurnstileChildProcess.psm1') -Force
    $script:emulator = Start-TurnstileTestSession
    $script:names = @('login-form', 'a-widget-name-longer-than-the-name-column', 'newsletter')
}

AfterAll {
    Stop-TurnstileTestSession -Emulator $script:emulator
}

Describe 'The default table view' {
    BeforeAll {
        $script:byName = Initialize-TurnstileEmulatorWidget -Emulator $script:emulator -Name $script:names
    }

    It 'shows whole sitekeys, one line per widget, within <_> columns' -ForEach @(80, 120) {
        $width = $_
        $widgets = @(Get-TurnstileWidget)
        $lines = @((Get-TurnstileWidget | Format-Table | Out-String -Width $width) -split '\r?\n' | Where-Object { $_.Trim() })

        # A header, its underline, and one line per widget: nothing wraps, the Domains header included.
        $lines.Count | Should -Be ($widgets.Count + 2)
        $lines[0] | Should -Match '^Name\s+Sitekey\s+Domains$'
        foreach ($line in $lines) {
            $line.Length | Should -BeLessOrEqual $width
        }
        foreach ($widget in $widgets) {
            $widget.Sitekey.Length | Should -BeIn @(24, 25)
            @($lines | Where-Object { $_.Contains($widget.Sitekey) }).Count | Should -Be 1
        }
    }

    It 'shows a connection on one line within 80 columns' {
        $lines = @((Get-TurnstileConnection | Format-Table | Out-String -Width 80) -split '\r?\n' | Where-Object { $_.Trim() })

        $lines.Count | Should -Be 3
        $lines[0] | Should -Match '^Name\s+Default\s+AccountId\s+Api$'
        $lines[2] | Should -Match ([regex]::Escape($script:emulator.AccountId))
        foreach ($line in $lines) { $line.Length | Should -BeLessOrEqual 80 }
    }

    It 'shows a plan as a table, one row per widget and one line per change, within 80 columns, with whole sitekeys' {
        $path = Join-Path -Path $TestDrive -ChildPath 'widgets.json'
        Export-TurnstileWidget -Path $path
        $entries = @(Get-Content -Raw -LiteralPath $path | ConvertFrom-Json)
        foreach ($entry in $entries) { $entry.Mode = 'invisible'; $entry.BotFightMode = $true }

        $lines = @(($entries | Compare-TurnstileWidget | Format-Table | Out-String -Width 80) -split '\r?\n' | Where-Object { $_.Trim() })

        $lines[0] | Should -Match '^Action\s+Name\s+Sitekey\s+Changes$'
        $changesAt = $lines[0].IndexOf('Changes')
        foreach ($entry in $entries) {
            $row = [array]::FindIndex([string[]]$lines, [Predicate[string]] { param($line) $line.Contains($entry.Sitekey) })
            $lines[$row] | Should -Match '^Update .*Mode: managed -> invisible$'
            # The next setting starts a line of its own; a line too long for the column wraps, and is never cut.
            $rest = (@($lines[($row + 1)..($lines.Count - 1)] | ForEach-Object { $_.Substring([Math]::Min($changesAt, $_.Length)) }) -join '')
            $rest | Should -BeLike 'BotFightMode: False -> True*'
        }
        foreach ($line in $lines) { $line.Substring([Math]::Min($changesAt, $line.Length)) | Should -Not -Match ([char]0x2026) }
        foreach ($line in $lines) { $line.Length | Should -BeLessOrEqual 80 }
    }

    It 'shows whole domains when the width allows' {
        $text = Get-TurnstileWidget -Name 'newsletter' | Format-Table | Out-String -Width 120
        $text | Should -Match ([regex]::Escape('newsletter.example.com'))
    }
}

Describe '-WhatIf names the widget' {
    BeforeAll {
        $script:byName = Initialize-TurnstileEmulatorWidget -Emulator $script:emulator -Name $script:names
    }

    It 'says "name (sitekey)" for widgets piped into <_>' -ForEach @('Remove-TurnstileWidget', 'Invoke-TurnstileSecretRotation') {
        $result = Invoke-TurnstileChildPowerShell -Emulator $script:emulator -Script "Get-TurnstileWidget -Name 'login-form' | $_ -WhatIf"

        $result.ExitCode | Should -Be 0
        $statistics = Get-TurnstileEmulatorStatistic -Emulator $script:emulator
        $statistics.delete_requests + $statistics.rotate_secret_requests | Should -Be 0
        $sitekey = $script:byName['login-form'].sitekey
        $result.Text | Should -Match ([regex]::Escape("on target ""login-form ($sitekey)"""))
    }

    It 'says the sitekey when only a sitekey is given' {
        $sitekey = $script:byName['newsletter'].sitekey
        $result = Invoke-TurnstileChildPowerShell -Emulator $script:emulator -Script "Remove-TurnstileWidget -Sitekey '$sitekey' -WhatIf"

        $result.Text | Should -Match ([regex]::Escape("on target ""$sitekey"""))
    }

}

Describe 'Serialization keeps widget secrets out' {
    BeforeAll {
        $script:byName = Initialize-TurnstileEmulatorWidget -Emulator $script:emulator -Name $script:names
        $script:widget = $script:byName['login-form']
        $script:hexOfSecret = ConvertTo-TurnstileTestHexString -Bytes ([System.Text.Encoding]::Unicode.GetBytes($script:widget.secret))
    }

    It 'Export-Clixml writes no Secret<_>' -ForEach @('', ' with -AsPlainText') {
        $asPlainText = $_ -ne ''
        $path = Join-Path -Path $TestDrive -ChildPath "widget$($asPlainText).xml"
        $read = Get-TurnstileWidget -Sitekey $script:widget.sitekey -AsPlainText:$asPlainText
        $null -ne $read.Secret | Should -BeTrue -Because 'the cmdlet did read the secret'

        $read | Export-Clixml -LiteralPath $path

        $xml = Get-Content -Raw -LiteralPath $path
        $xml | Should -Not -Match ([regex]::Escape($script:widget.secret))
        $xml | Should -Not -Match $script:hexOfSecret
        $xml | Should -Not -Match '<SS'
        $back = Import-Clixml -LiteralPath $path
        $back.PSObject.Properties.Name | Should -Not -Contain 'Secret'
        $back.PSObject.Properties.Name | Should -Not -Contain 'PlainTextSecret'
        $back.Sitekey | Should -Be $script:widget.sitekey
        $back.Name | Should -Be 'login-form'
        @($back.Domains) | Should -Be @('login-form.example.com')
    }

    It 'a serialized widget (jobs, remoting) keeps its settings and no secret' {
        $read = Get-TurnstileWidget -Sitekey $script:widget.sitekey -AsPlainText
        $text = [System.Management.Automation.PSSerializer]::Serialize($read)

        $text | Should -Not -Match ([regex]::Escape($script:widget.secret))
        $back = [System.Management.Automation.PSSerializer]::Deserialize($text)
        $back.PSObject.TypeNames | Should -Contain 'Deserialized.TurnstileWidgets.TurnstileWidget'
        $back.Mode | Should -Be 'managed'
        $back.PSObject.Properties.Name | Should -Not -Contain 'Secret'
    }
}

Describe 'Connect-Turnstile to an address where nothing listens' {
    It 'says what failed once, and what to do' {
        # A port that was free a moment ago: nothing accepts connections there.
        $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $listener.Start()
        $port = ([System.Net.IPEndPoint]$listener.LocalEndpoint).Port
        $listener.Stop()

        $failure = $null
        try {
            Connect-Turnstile -ApiToken $script:emulator.ApiToken -AccountId $script:emulator.AccountId -ApiBaseUri "http://127.0.0.1:$port/client/v4"
        }
        catch {
            $failure = $_
        }

        $failure | Should -Not -BeNullOrEmpty
        $message = $failure.Exception.Message
        ([regex]::Matches($message, 'Could not reach')).Count | Should -Be 1 -Because $message
        ([regex]::Matches($message, [regex]::Escape('GET /user/tokens/verify'))).Count | Should -Be 1 -Because $message
        $message | Should -Match 'refused'
        "$($failure.ErrorDetails.RecommendedAction) $($failure.CategoryInfo) $message" | Should -Not -Match ([regex]::Escape((ConvertFrom-TurnstileTestSecureString $script:emulator.ApiToken)))
    }

    AfterAll {
        # The failed attempt must not have replaced the file's working connection.
        Connect-TurnstileTestEmulator -Emulator $script:emulator
    }
}
