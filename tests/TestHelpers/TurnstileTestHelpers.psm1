#Requires -Version 5.1
# Helpers for the Pester suite: one emulator process per test file, its control endpoints, and the
# module under test as ./build.ps1 stages it. The emulator's credentials are random per file, so no
# test can pass by leaning on the documented defaults. Written for PowerShell 7 and Windows PowerShell 5.1 alike
# (tests/WindowsPowerShell.Tests.ps1 checks): no 7-only syntax, parameters or .NET members.

Set-StrictMode -Version Latest

Import-Module -Name (Join-Path -Path $PSScriptRoot -ChildPath 'TurnstileEmulatorProcess.psm1')

function Get-TurnstileRepositoryRoot {
    [CmdletBinding()]
    [OutputType([string])]
    param()

    $root = Join-Path -Path (Join-Path -Path $PSScriptRoot -ChildPath '..') -ChildPath '..'
    (Resolve-Path -LiteralPath $root).ProviderPath
}

function Get-TurnstileRandomHex {
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter()]
        [ValidateRange(2, 256)]
        [int] $Length = 32
    )

    $bytes = New-Object -TypeName byte[] -ArgumentList ([int][math]::Ceiling($Length / 2))
    $random = [System.Security.Cryptography.RandomNumberGenerator]::Create()
    try { $random.GetBytes($bytes) } finally { $random.Dispose() }
    (ConvertTo-TurnstileTestHexString -Bytes $bytes).ToLowerInvariant().Substring(0, $Length)
}

function ConvertTo-TurnstileTestHexString {
    # Upper-case hex of the bytes, as .NET's Convert.ToHexString writes it (which .NET Framework lacks).
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter(Mandatory, Position = 0)]
        [AllowEmptyCollection()]
        [byte[]] $Bytes
    )

    [System.BitConverter]::ToString($Bytes).Replace('-', '')
}

function Get-TurnstileTestAuthorization {
    <#
    .SYNOPSIS
    The Authorization header for the emulator's API token, for Invoke-RestMethod -Headers: Invoke-RestMethod's
    -Authentication Bearer -Token and -AllowUnencryptedAuthentication (for http://127.0.0.1) are PowerShell 7 only.
    #>
    [CmdletBinding()]
    [OutputType([hashtable])]
    param(
        [Parameter(Mandatory, Position = 0)]
        [psobject] $Emulator
    )

    @{ Authorization = 'Bearer ' + (ConvertFrom-TurnstileTestSecureString -SecureString $Emulator.ApiToken) }
}

function ConvertTo-TurnstileTestSecureString {
    # Builds the SecureString without ConvertTo-SecureString -AsPlainText; the values are throwaway
    # test credentials made up for one emulator run.
    [CmdletBinding()]
    [OutputType([securestring])]
    param(
        [Parameter(Mandatory, Position = 0)]
        [ValidateNotNullOrEmpty()]
        [string] $Text
    )

    $secure = [System.Security.SecureString]::new()
    foreach ($character in $Text.ToCharArray()) {
        $secure.AppendChar($character)
    }
    $secure.MakeReadOnly()
    $secure
}

function ConvertFrom-TurnstileTestSecureString {
    # Tests need the plain text of the throwaway token to prove it never shows up in output.
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter(Mandatory, Position = 0)]
        [securestring] $SecureString
    )

    [System.Net.NetworkCredential]::new('', $SecureString).Password
}

function Start-TurnstileEmulator {
    <#
    .SYNOPSIS
    Starts the built emulator on a free loopback port with random credentials and waits until it is ready.
    #>
    [CmdletBinding(SupportsShouldProcess)]
    [OutputType([pscustomobject])]
    param(
        [Parameter()]
        [string] $RepositoryRoot = (Get-TurnstileRepositoryRoot),

        [Parameter()]
        [ValidateRange(1, 300)]
        [int] $TimeoutSeconds = 30,

        # More than one: the emulator serves that many accounts (random ids, AccountIds on the result; AccountId is the first).
        [Parameter()]
        [ValidateRange(1, 10)]
        [int] $AccountCount = 1,

        # More emulator options, e.g. '--max-domains', '20'.
        [Parameter()]
        [string[]] $ArgumentList = @()
    )

    $apiTokenText = 'pester-' + (Get-TurnstileRandomHex -Length 40)
    $accountIds = @(1..$AccountCount | ForEach-Object { Get-TurnstileRandomHex -Length 32 })
    $accountId = $accountIds[0]

    if (-not $PSCmdlet.ShouldProcess('the TurnstileWidgets emulator', 'Start')) {
        return
    }

    # The one launcher (tests/TurnstileWidgets.TestSupport): free port, address line, stop.
    $arguments = @('--api-token', $apiTokenText) + @($accountIds | ForEach-Object { '--account-id', $_ }) + $ArgumentList
    Import-TurnstileEmulatorLauncher
    $emulatorPath = [TurnstileWidgets.TestSupport.EmulatorProcess]::BuiltEmulatorPath($RepositoryRoot, 'Release')
    $process = Start-TurnstileEmulatorProcess -EmulatorPath $emulatorPath -ArgumentList $arguments -Secret $apiTokenText -TimeoutSeconds $TimeoutSeconds -WorkingDirectory $RepositoryRoot

    [pscustomobject]@{
        PSTypeName = 'TurnstileTestEmulator'
        BaseUri    = [uri]$process.BaseUri.AbsoluteUri.TrimEnd('/')
        ControlUri = $process.ControlUri
        Port       = $process.Port
        ApiToken   = ConvertTo-TurnstileTestSecureString -Text $apiTokenText
        AccountId  = $accountId
        AccountIds = $accountIds
        Email      = 'emulator@example.com'
        ApiKey     = ConvertTo-TurnstileTestSecureString -Text 'emulator-api-key'
        Process    = $process
    }
}

function Stop-TurnstileEmulator {
    [CmdletBinding(SupportsShouldProcess)]
    [OutputType([void])]
    param(
        [Parameter(Mandatory, Position = 0, ValueFromPipeline)]
        [AllowNull()]
        [psobject] $Emulator
    )

    process {
        if ($null -eq $Emulator -or $null -eq $Emulator.Process) {
            return
        }

        if ($PSCmdlet.ShouldProcess("emulator process $($Emulator.Process.Id)", 'Stop')) {
            # SIGTERM, then a kill if it does not end in time; releases the process handle.
            $Emulator.Process.Dispose()
        }
    }
}

function Invoke-TurnstileEmulatorControl {
    # One call to a control endpoint (no authentication, plain JSON).
    [CmdletBinding()]
    [OutputType([pscustomobject])]
    param(
        [Parameter(Mandatory, Position = 0)]
        [psobject] $Emulator,

        [Parameter(Mandatory, Position = 1)]
        [ValidateSet('Get', 'Post', 'Delete', 'Patch')]
        [string] $Method,

        [Parameter(Mandatory, Position = 2)]
        [string] $Path,

        [Parameter()]
        [object] $Body
    )

    $uri = [uri]($Emulator.ControlUri.AbsoluteUri.TrimEnd('/') + '/' + $Path)
    $parameters = @{
        Method      = $Method
        Uri         = $uri
        ErrorAction = 'Stop'
    }
    if ($Method -eq 'Post' -or $Method -eq 'Patch') {
        $parameters.ContentType = 'application/json; charset=utf-8'
        $json = if ($null -eq $Body) { '{}' } else { ConvertTo-Json -InputObject $Body -Depth 10 -Compress }
        # As UTF-8 bytes: Windows PowerShell would send a string body in ISO-8859-1.
        $parameters.Body = [System.Text.Encoding]::UTF8.GetBytes($json)
    }

    Invoke-RestMethod @parameters
}

function Reset-TurnstileEmulator {
    <#
    .SYNOPSIS
    Empties the emulator: no widgets, no scripted faults, counters at zero, clock back to now.
    #>
    [CmdletBinding(SupportsShouldProcess)]
    [OutputType([void])]
    param(
        [Parameter(Mandatory, Position = 0)]
        [psobject] $Emulator
    )

    if ($PSCmdlet.ShouldProcess($Emulator.ControlUri, 'Reset the emulator')) {
        $null = Invoke-TurnstileEmulatorControl -Emulator $Emulator -Method Post -Path 'reset'
    }
}

function Set-TurnstileEmulatorFault {
    <#
    .SYNOPSIS
    Scripts the answers to the next matching API requests, e.g. @{ status = 429; retry_after = '1' }.
    Step fields: status, code, message, retry_after, retry_after_ms, drop, delay_ms, method, path_contains.
    #>
    [CmdletBinding(SupportsShouldProcess)]
    [OutputType([void])]
    param(
        [Parameter(Mandatory, Position = 0)]
        [psobject] $Emulator,

        [Parameter(Mandatory, Position = 1)]
        [ValidateNotNullOrEmpty()]
        [System.Collections.IDictionary[]] $Step
    )

    if ($PSCmdlet.ShouldProcess($Emulator.ControlUri, "Script $($Step.Count) fault step(s)")) {
        $body = @{ steps = @($Step) }
        $null = Invoke-TurnstileEmulatorControl -Emulator $Emulator -Method Post -Path 'faults/script' -Body $body
    }
}

function Get-TurnstileEmulatorStatistic {
    <#
    .SYNOPSIS
    The emulator's request counters (snake_case: total_requests, create_requests, update_requests, ...).
    #>
    [CmdletBinding()]
    [OutputType([pscustomobject])]
    param(
        [Parameter(Mandatory, Position = 0)]
        [psobject] $Emulator,

        # One account's counters (the widget requests that got past injected faults); without it, every request.
        [Parameter()]
        [string] $AccountId
    )

    $path = if ($AccountId) { "stats?account_id=$AccountId" } else { 'stats' }
    Invoke-TurnstileEmulatorControl -Emulator $Emulator -Method Get -Path $path
}

function Test-TurnstileEmulatorSecret {
    <#
    .SYNOPSIS
    Whether the emulator accepts a widget secret right now (current, or previous inside its grace period).
    #>
    [CmdletBinding()]
    [OutputType([bool])]
    param(
        [Parameter(Mandatory, Position = 0)]
        [psobject] $Emulator,

        [Parameter(Mandatory, Position = 1)]
        [securestring] $Secret
    )

    $body = @{ secret = ConvertFrom-TurnstileTestSecureString -SecureString $Secret }
    $result = Invoke-TurnstileEmulatorControl -Emulator $Emulator -Method Post -Path 'secrets/check' -Body $body
    [bool]$result.valid
}

function Get-TurnstileEmulatorWidgetsUri {
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter(Mandatory, Position = 0)]
        [psobject] $Emulator
    )

    $Emulator.BaseUri.AbsoluteUri.TrimEnd('/') + "/accounts/$($Emulator.AccountId)/challenges/widgets"
}

function Add-TurnstileEmulatorWidget {
    <#
    .SYNOPSIS
    Creates a widget straight through the emulator's API, so test setup does not depend on the cmdlet
    under test. Returns the API's result object (snake_case properties, with the secret).
    #>
    [CmdletBinding()]
    [OutputType([pscustomobject])]
    param(
        [Parameter(Mandatory, Position = 0)]
        [psobject] $Emulator,

        [Parameter(Mandatory, Position = 1)]
        [string] $Name,

        [Parameter()]
        [string[]] $Domain = @('example.com'),

        [Parameter()]
        [ValidateSet('managed', 'non-interactive', 'invisible')]
        [string] $Mode = 'managed',

        [Parameter()]
        [ValidateSet('world', 'china')]
        [string] $Region = 'world',

        [Parameter()]
        [ValidateSet('no_clearance', 'jschallenge', 'managed', 'interactive')]
        [string] $ClearanceLevel = 'no_clearance',

        [Parameter()]
        [switch] $BotFightMode
    )

    $body = @{
        name            = $Name
        domains         = @($Domain)
        mode            = $Mode
        region          = $Region
        clearance_level = $ClearanceLevel
        bot_fight_mode  = $BotFightMode.IsPresent
    }
    $parameters = @{
        Method      = 'Post'
        Uri         = [uri](Get-TurnstileEmulatorWidgetsUri -Emulator $Emulator)
        Headers     = Get-TurnstileTestAuthorization -Emulator $Emulator
        ContentType = 'application/json; charset=utf-8'
        # As UTF-8 bytes: Windows PowerShell would send a string body in ISO-8859-1.
        Body        = [System.Text.Encoding]::UTF8.GetBytes((ConvertTo-Json -InputObject $body -Depth 5 -Compress))
        ErrorAction = 'Stop'
    }
    (Invoke-RestMethod @parameters).result
}

function Get-TurnstileEmulatorWidget {
    <#
    .SYNOPSIS
    Lists the emulator's widgets straight through its API (up to 1,000), to check what a cmdlet did.
    #>
    [CmdletBinding()]
    [OutputType([pscustomobject])]
    param(
        [Parameter(Mandatory, Position = 0)]
        [psobject] $Emulator
    )

    $parameters = @{
        Method      = 'Get'
        Uri         = [uri]((Get-TurnstileEmulatorWidgetsUri -Emulator $Emulator) + '?per_page=1000')
        Headers     = Get-TurnstileTestAuthorization -Emulator $Emulator
        ErrorAction = 'Stop'
    }
    (Invoke-RestMethod @parameters).result
}

function Import-TurnstileModuleUnderTest {
    <#
    .SYNOPSIS
    Imports the staged module (out/TurnstileWidgets) into the global scope, where the tests can see it.
    #>
    [CmdletBinding()]
    [OutputType([psmoduleinfo])]
    param(
        [Parameter()]
        [string] $RepositoryRoot = (Get-TurnstileRepositoryRoot)
    )

    $manifest = Join-Path -Path $RepositoryRoot -ChildPath 'out/TurnstileWidgets/TurnstileWidgets.psd1'
    if (-not (Test-Path -LiteralPath $manifest -PathType Leaf)) {
        throw "The TurnstileWidgets module was not built: '$manifest' does not exist. Run ./build.ps1 -Task Build first."
    }

    # -Global: imported from inside this module, it would otherwise land in this module's scope only.
    Import-Module -Name $manifest -Force -Global -PassThru -ErrorAction Stop
}

function Connect-TurnstileTestEmulator {
    <#
    .SYNOPSIS
    Connect-Turnstile to the emulator with its token; what most BeforeAll blocks need.
    #>
    [CmdletBinding()]
    [OutputType([void])]
    param(
        [Parameter(Mandatory, Position = 0)]
        [psobject] $Emulator
    )

    Connect-Turnstile -ApiBaseUri $Emulator.BaseUri -ApiToken $Emulator.ApiToken -AccountId $Emulator.AccountId -ErrorAction Stop
}

function Start-TurnstileTestSession {
    <#
    .SYNOPSIS
    What a test file's BeforeAll needs: its own emulator (free port, random credentials), the staged module
    imported globally, and a connection to that emulator. Returns the emulator.
    #>
    [CmdletBinding(SupportsShouldProcess)]
    [OutputType([pscustomobject])]
    param()

    if (-not $PSCmdlet.ShouldProcess('TurnstileWidgets emulator and module', 'Start a test session')) {
        return
    }

    $emulator = Start-TurnstileEmulator
    try {
        $null = Import-TurnstileModuleUnderTest
        Connect-TurnstileTestEmulator -Emulator $emulator
    }
    catch {
        # The caller never receives the emulator, so its AfterAll cannot stop it.
        Stop-TurnstileEmulator -Emulator $emulator
        throw
    }
    $emulator
}

function Stop-TurnstileTestSession {
    <#
    .SYNOPSIS
    What a test file's AfterAll needs: disconnect (when the module got as far as being imported) and stop the
    file's emulator, even when disconnecting fails. Accepts $null for a BeforeAll that failed early.
    #>
    [CmdletBinding(SupportsShouldProcess)]
    [OutputType([void])]
    param(
        [Parameter(Mandatory, Position = 0)]
        [AllowNull()]
        [psobject] $Emulator
    )

    if (-not $PSCmdlet.ShouldProcess('TurnstileWidgets emulator and module', 'Stop the test session')) {
        return
    }

    try {
        if (Get-Command -Name 'Disconnect-Turnstile' -ErrorAction SilentlyContinue) {
            Disconnect-Turnstile
        }
    }
    finally {
        Stop-TurnstileEmulator -Emulator $Emulator
    }
}

function Initialize-TurnstileEmulatorWidget {
    <#
    .SYNOPSIS
    Empties the emulator, then creates one widget per name, in the order given, on '<name>.example.com' with
    the other settings at Add-TurnstileEmulatorWidget's defaults. Returns them by name, in that order.
    #>
    [CmdletBinding()]
    [OutputType([System.Collections.Specialized.OrderedDictionary])]
    param(
        [Parameter(Mandatory, Position = 0)]
        [psobject] $Emulator,

        [Parameter(Mandatory, Position = 1)]
        [ValidateNotNullOrEmpty()]
        [string[]] $Name
    )

    Reset-TurnstileEmulator -Emulator $Emulator
    $widgets = [ordered]@{}
    foreach ($widgetName in $Name) {
        $widgets[$widgetName] = Add-TurnstileEmulatorWidget -Emulator $Emulator -Name $widgetName -Domain "$widgetName.example.com"
    }
    # A dictionary goes down the pipeline whole, so the caller receives this one object.
    $widgets
}

Export-ModuleMember -Function @(
    'Invoke-TurnstileEmulatorControl'
    'Get-TurnstileRepositoryRoot'
    'Get-TurnstileRandomHex'
    'ConvertTo-TurnstileTestSecureString'
    'ConvertFrom-TurnstileTestSecureString'
    'ConvertTo-TurnstileTestHexString'
    'Get-TurnstileTestAuthorization'
    'Start-TurnstileEmulator'
    'Stop-TurnstileEmulator'
    'Reset-TurnstileEmulator'
    'Set-TurnstileEmulatorFault'
    'Get-TurnstileEmulatorStatistic'
    'Test-TurnstileEmulatorSecret'
    'Add-TurnstileEmulatorWidget'
    'Get-TurnstileEmulatorWidget'
    'Import-TurnstileModuleUnderTest'
    'Connect-TurnstileTestEmulator'
    'Start-TurnstileTestSession'
    'Stop-TurnstileTestSession'
    'Initialize-TurnstileEmulatorWidget'
)
