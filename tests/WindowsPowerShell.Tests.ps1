Set-StrictMode -Version Latest

# The Windows PowerShell 5.1 leg of .github/workflows/ci.yml runs the Pester suite with -ExcludeTag PowerShell7.
# Windows PowerShell is not on the machines this repository is developed on, so this test, which runs anywhere, reads
# every file that leg runs with PowerShell's own parser and fails on what 5.1 cannot run outside a test tagged
# 'PowerShell7': PowerShell 7 syntax (which would fail the whole file's parse there), and the 7-only parameters,
# variables and .NET members this suite has used. It cannot prove the leg passes; only a run on Windows can.

BeforeDiscovery {
    $testsRoot = $PSScriptRoot
    $script:files = @(
        Get-ChildItem -LiteralPath $testsRoot -Filter '*.Tests.ps1' -File
        Get-ChildItem -LiteralPath (Join-Path -Path $testsRoot -ChildPath 'TestHelpers') -Filter '*.psm1' -File
    ) | ForEach-Object { @{ Name = $_.Name; Path = $_.FullName } }
}

BeforeAll {
    $script:tag = 'PowerShell7'

    # Parameters that Windows PowerShell 5.1's cmdlets do not have, by cmdlet.
    $script:sevenOnlyParameters = @{
        'ForEach-Object'    = @('Parallel', 'ThrottleLimit', 'TimeoutSeconds', 'AsJob')
        'Join-Path'         = @('AdditionalChildPath', 'Extension')
        'Invoke-RestMethod' = @('SkipHttpErrorCheck', 'StatusCodeVariable', 'Authentication', 'Token', 'AllowUnencryptedAuthentication', 'ResponseHeadersVariable', 'SkipCertificateCheck', 'SslProtocol', 'MaximumRetryCount', 'RetryIntervalSec', 'NoProxy', 'Form', 'Resume', 'SkipHeaderValidation', 'HttpVersion', 'ConnectionTimeoutSeconds', 'OperationTimeoutSeconds', 'AllowInsecureRedirect', 'PreserveAuthorizationOnRedirect', 'PreserveHttpMethodOnRedirect')
        'Invoke-WebRequest' = @('SkipHttpErrorCheck', 'Authentication', 'Token', 'AllowUnencryptedAuthentication', 'SkipCertificateCheck', 'SslProtocol', 'MaximumRetryCount', 'RetryIntervalSec', 'NoProxy', 'Form', 'Resume', 'SkipHeaderValidation', 'HttpVersion', 'ConnectionTimeoutSeconds', 'OperationTimeoutSeconds', 'AllowInsecureRedirect', 'PreserveAuthorizationOnRedirect', 'PreserveHttpMethodOnRedirect')
        'ConvertTo-Json'    = @('AsArray', 'EnumsAsStrings', 'EscapeHandling')
        'ConvertFrom-Json'  = @('AsHashtable', 'Depth', 'NoEnumerate', 'DateKind')
        'Get-Content'       = @('AsByteStream')
        'Set-Content'       = @('AsByteStream')
        'Add-Content'       = @('AsByteStream')
        'Select-Object'     = @('SkipIndex', 'CaseInsensitive')
        'Start-Process'     = @('Environment')
        'Get-Process'       = @('IncludeUserName')
        'Test-Path'         = @('OlderThan', 'NewerThan')
        'Import-Module'     = @('UseWindowsPowerShell', 'SkipEditionCheck')
        'ConvertFrom-SecureString' = @('AsPlainText')
        'Get-Date'          = @('AsUTC', 'UnixTimeSeconds')
        'Select-String'     = @('Raw', 'NoEmphasis')
        'Split-Path'        = @('Extension', 'LeafBase')
        'Sort-Object'       = @('Top', 'Bottom', 'Stable')
        'Get-Random'        = @('Shuffle')
        'Measure-Object'    = @('AllStats', 'StandardDeviation')
        'Start-Job'         = @('WorkingDirectory')
        'Out-String'        = @('NoNewline')

    }
    $script:sevenOnlyCommands = @('pwsh', 'pwsh.exe', 'Test-Json', 'Get-Error', 'Start-ThreadJob', 'ConvertFrom-Markdown', 'Get-Uptime', 'Remove-Alias', 'Join-String')
    $script:sevenOnlyVariables = @('PSStyle', 'IsWindows', 'IsLinux', 'IsMacOS', 'IsCoreCLR')
    # .NET members that .NET Framework 4.x (under Windows PowerShell) does not have.
    $script:sevenOnlyMembers = @('ArgumentList', 'ProcessPath', 'ToHexString', 'FromHexString', 'GetHexStringLowercase', 'WaitForExitAsync', 'ReadAllTextAsync', 'WriteAllTextAsync')
    # -Encoding values 5.1 does not know.
    $script:sevenOnlyEncodings = @('utf8NoBOM', 'utf8BOM', 'ansi')

    # Scripts in this repository that need PowerShell 7 (#Requires -Version 6 or later), by file name: a test that runs
    # one in a child of its own edition cannot pass on 5.1.
    $script:sevenOnlyScripts = @{}
    $root = (Resolve-Path -LiteralPath (Join-Path -Path $PSScriptRoot -ChildPath '..')).ProviderPath
    foreach ($file in @(Get-ChildItem -LiteralPath $root -Filter '*.ps1' -File) + @(Get-ChildItem -LiteralPath (Join-Path -Path $root -ChildPath 'examples') -Filter '*.ps1' -File)) {
        $requires = [regex]::Match((Get-Content -LiteralPath $file.FullName -TotalCount 5) -join "`n", '(?im)^#Requires\s+-Version\s+(\d+)')
        if ($requires.Success -and [int]$requires.Groups[1].Value -ge 6) { $script:sevenOnlyScripts[$file.Name] = $requires.Groups[1].Value }
    }

    # The script text a command hands to another PowerShell of the same edition (a child process, a runspace): the
    # arguments of -Script, -Command and -Prologue, and Invoke-TurnstileChildPowerShell's positional script.
    function script:Get-ScriptArgument {
        param([System.Management.Automation.Language.CommandAst] $Command)
        $elements = $Command.CommandElements
        for ($i = 1; $i -lt $elements.Count; $i++) {
            $element = $elements[$i]
            if ($element -is [System.Management.Automation.Language.CommandParameterAst]) {
                if (@('Script', 'Command', 'Prologue') -contains $element.ParameterName) {
                    if ($null -ne $element.Argument) { $element.Argument } elseif ($i + 1 -lt $elements.Count) { $elements[$i + 1] }
                }
                if ($null -eq $element.Argument) { $i++ }
                continue
            }
            if ($Command.GetCommandName() -eq 'Invoke-TurnstileChildPowerShell') { $element }
        }
    }

    # True when $Ast sits inside a Describe, Context or It whose -Tag names $script:tag.
    function script:Test-TaggedPowerShell7 {
        param([System.Management.Automation.Language.Ast] $Ast)
        for ($node = $Ast.Parent; $null -ne $node; $node = $node.Parent) {
            if ($node -isnot [System.Management.Automation.Language.CommandAst]) { continue }
            if (@('Describe', 'Context', 'It') -notcontains $node.GetCommandName()) { continue }
            $elements = $node.CommandElements
            for ($i = 0; $i -lt $elements.Count - 1; $i++) {
                if ($elements[$i] -is [System.Management.Automation.Language.CommandParameterAst] -and $elements[$i].ParameterName -eq 'Tag') {
                    $value = if ($null -ne $elements[$i].Argument) { $elements[$i].Argument } else { $elements[$i + 1] }
                    $tags = @($value.FindAll({ param($a) $a -is [System.Management.Automation.Language.StringConstantExpressionAst] }, $true) | ForEach-Object Value)
                    if ($tags -contains $script:tag) { return $true }
                }
            }
        }
        return $false
    }

    # What in $Ast (and in the scripts it hands to a child PowerShell as text) 5.1 cannot run; "line: what" strings.
    function script:Find-SevenOnly {
        param([System.Management.Automation.Language.Ast] $Ast, [string] $Where = '')
        $found = New-Object System.Collections.Generic.List[string]
        $all = $Ast.FindAll({ $true }, $true)
        $splatted = @{}
        $childScripts = @{}
        foreach ($node in $all) {
            if ($node -is [System.Management.Automation.Language.CommandAst]) {
                $name = $node.GetCommandName()
                foreach ($element in @(Get-ScriptArgument -Command $node)) {
                    if ($element -is [System.Management.Automation.Language.VariableExpressionAst]) { $childScripts[$element.VariablePath.UserPath] = $true }
                }
                if ($name -and (@('Invoke-RestMethod', 'Invoke-WebRequest') -contains $name)) {
                    foreach ($element in $node.CommandElements) {
                        if ($element -is [System.Management.Automation.Language.VariableExpressionAst] -and $element.Splatted) { $splatted[$element.VariablePath.UserPath] = $name }
                    }
                }
            }
        }

        foreach ($node in $all) {
            $what = $null
            switch ($node.GetType().Name) {
                'TernaryExpressionAst' { $what = 'the ternary operator ?:' }
                'PipelineChainAst' { $what = 'a pipeline chain (&& or ||)' }
                'BinaryExpressionAst' { if ($node.Operator -eq 'QuestionQuestion') { $what = 'the ?? operator' } }
                'AssignmentStatementAst' {
                    if ($node.Left -is [System.Management.Automation.Language.VariableExpressionAst] -and $childScripts.ContainsKey($node.Left.VariablePath.UserPath) -and -not (Test-TaggedPowerShell7 -Ast $node)) {
                        foreach ($text in @($node.Right.FindAll({ param($a) ($a -is [System.Management.Automation.Language.StringConstantExpressionAst] -and $a.StringConstantType -ne 'BareWord') -or $a -is [System.Management.Automation.Language.ExpandableStringExpressionAst] }, $true))) {
                            $child = [System.Management.Automation.Language.Parser]::ParseInput($text.Value, [ref]$null, [ref]$null)
                            foreach ($inner in @(Find-SevenOnly -Ast $child -Where " (in the child script at line $($text.Extent.StartLineNumber))")) { $found.Add($inner) }
                        }
                    }
                    if ($node.Operator -eq 'QuestionQuestionEquals') { $what = 'the ??= operator' }
                    elseif ($node.Left -is [System.Management.Automation.Language.VariableExpressionAst] -and $splatted.ContainsKey($node.Left.VariablePath.UserPath)) {
                        $command = $splatted[$node.Left.VariablePath.UserPath]
                        foreach ($pair in @($node.Right.FindAll({ param($a) $a -is [System.Management.Automation.Language.HashtableAst] }, $true) | Select-Object -First 1 | ForEach-Object KeyValuePairs)) {
                            $key = $pair.Item1.Extent.Text.Trim("'", '"')
                            if ($script:sevenOnlyParameters[$command] -contains $key) { $what = "$command -$key (splatted)" }
                        }
                    }
                }
                'MemberExpressionAst' {
                    if ($node.NullConditional) { $what = 'the ?. operator' }
                    elseif ($node.Member -is [System.Management.Automation.Language.StringConstantExpressionAst] -and $script:sevenOnlyMembers -contains $node.Member.Value) { $what = "the .NET member $($node.Member.Value)" }
                }
                'InvokeMemberExpressionAst' {
                    if ($node.NullConditional) { $what = 'the ?. operator' }
                    elseif ($node.Member -is [System.Management.Automation.Language.StringConstantExpressionAst] -and $script:sevenOnlyMembers -contains $node.Member.Value) { $what = "the .NET member $($node.Member.Value)" }
                    elseif ($node.Static -and $node.Expression.Extent.Text -match 'RandomNumberGenerator\]$' -and $node.Member.Value -eq 'GetBytes') { $what = 'the static RandomNumberGenerator.GetBytes' }
                }
                'IndexExpressionAst' { if ($node.NullConditional) { $what = 'the ?[] operator' } }
                'ScriptBlockAst' { if ($node.CleanBlock) { $what = 'a clean block' } }
                'VariableExpressionAst' { if ($script:sevenOnlyVariables -contains $node.VariablePath.UserPath) { $what = "the variable `$$($node.VariablePath.UserPath)" } }
                'CommandAst' {
                    $name = $node.GetCommandName()
                    if ($name -and $script:sevenOnlyCommands -contains $name) { $what = "the command $name" }
                    elseif ($name -and $script:sevenOnlyParameters.ContainsKey($name)) {
                        foreach ($element in $node.CommandElements) {
                            if ($element -is [System.Management.Automation.Language.CommandParameterAst] -and $script:sevenOnlyParameters[$name] -contains $element.ParameterName) { $what = "$name -$($element.ParameterName)" }
                        }
                    }
                    $elements = $node.CommandElements
                    for ($i = 0; $i -lt $elements.Count - 1; $i++) {
                        if ($elements[$i] -is [System.Management.Automation.Language.CommandParameterAst] -and $elements[$i].ParameterName -eq 'Encoding' -and $script:sevenOnlyEncodings -contains $elements[$i + 1].Extent.Text.Trim("'", '"')) {
                            $what = "-Encoding $($elements[$i + 1].Extent.Text)"
                        }
                    }

                    if ($name -and $script:sevenOnlyScripts.ContainsKey([System.IO.Path]::GetFileName($name))) {
                        $what = "$name, which requires PowerShell $($script:sevenOnlyScripts[[System.IO.Path]::GetFileName($name)])"
                    }

                    # A script a test hands to another PowerShell as text runs in the same edition: read it too.
                    if (-not (Test-TaggedPowerShell7 -Ast $node)) {
                        foreach ($text in @(Get-ScriptArgument -Command $node | Where-Object { ($_ -is [System.Management.Automation.Language.StringConstantExpressionAst] -and $_.StringConstantType -ne 'BareWord') -or $_ -is [System.Management.Automation.Language.ExpandableStringExpressionAst] })) {
                            $tokens = $null
                            $errors = $null
                            $child = [System.Management.Automation.Language.Parser]::ParseInput($text.Value, [ref]$tokens, [ref]$errors)
                            foreach ($inner in @(Find-SevenOnly -Ast $child -Where " (in the child script at line $($text.Extent.StartLineNumber))")) { $found.Add($inner) }
                        }
                    }
                }
            }

            if ($what -and -not (Test-TaggedPowerShell7 -Ast $node)) {
                $found.Add("line $($node.Extent.StartLineNumber)$($Where): $what")
            }
        }

        $found
    }
}

# Tagged: the check needs PowerShell 7's parser (5.1's cannot even read the constructs it looks for). It runs on Linux.
Describe 'Every file the Windows PowerShell 5.1 leg runs' -Tag 'PowerShell7' {
    It '<Name> has no PowerShell 7 syntax, parameter, variable or .NET member outside a PowerShell7-tagged test' -ForEach $script:files {
        $tokens = $null
        $errors = $null
        $ast = [System.Management.Automation.Language.Parser]::ParseFile($Path, [ref]$tokens, [ref]$errors)
        $errors | Should -BeNullOrEmpty

        $findings = @(Find-SevenOnly -Ast $ast)

        $findings | Should -BeNullOrEmpty -Because ("Windows PowerShell 5.1 cannot run these in $Name (tag the test '$script:tag' if it truly needs PowerShell 7):`n" + ($findings -join "`n"))
    }

    It 'finds each kind of PowerShell 7 construct it looks for' {
        $sample = @'
$a = $true ? 1 : 2
$b = $null ?? 3
$b ??= 4
$c = ${x}?.Name
$d = ${x}?[0]
Get-Item . && Get-Item .
1..3 | ForEach-Object -Parallel { $_ }
Join-Path a b -AdditionalChildPath c
$PSStyle.OutputRendering = 'PlainText'
$info = [System.Diagnostics.ProcessStartInfo]::new('x'); $info.ArgumentList.Add('y')
[System.Convert]::ToHexString([byte[]]@(1))
$p = @{ Uri = 'http://127.0.0.1'; SkipHttpErrorCheck = $true }; Invoke-RestMethod @p
pwsh -NoProfile -c 1
function f { param() process { } clean { } }
Invoke-TurnstileChildPowerShell -Script '1..2 | ForEach-Object -Parallel { $_ }'
$child = '$a ?? $b'; Invoke-TurnstileChildPowerShell -Script $child
Invoke-Child -Command './build.ps1 -Task Publish'
Describe 'x' -Tag 'PowerShell7' { It 'y' { $null ?? 1 } }
'@
        $findings = @(Find-SevenOnly -Ast ([System.Management.Automation.Language.Parser]::ParseInput($sample, [ref]$null, [ref]$null)))
        $text = $findings -join "`n"

        foreach ($kind in 'ternary', '\?\? operator', '\?\?= operator', '\?\. operator', '\?\[\] operator', 'pipeline chain', 'ForEach-Object -Parallel',
            'Join-Path -AdditionalChildPath', 'PSStyle', 'member ArgumentList', 'member ToHexString', 'SkipHttpErrorCheck \(splatted\)', 'command pwsh', 'clean block', 'child script') {
            $text | Should -Match $kind
        }
        $text | Should -Match 'line 1 \(in the child script at line 16\): the \?\? operator'
        $text | Should -Match 'line 1 \(in the child script at line 17\): \./build\.ps1, which requires PowerShell 7'
        @($findings | Where-Object { $_ -match '^line 18:' }) | Should -BeNullOrEmpty -Because 'a PowerShell7-tagged test may use PowerShell 7'
    }
}
