#
# Module manifest for TurnstileWidgets.
# ModuleVersion comes from the one version source, VersionPrefix in Directory.Build.props, and ReleaseNotes from
# that version's section of CHANGELOG.md: the build writes both in when it stages the module into
# out/TurnstileWidgets/ (src/TurnstileWidgets/Module.targets).
#
@{
    RootModule           = 'TurnstileWidgets.dll'
    ModuleVersion        = '0.0.0'
    CompatiblePSEditions = @('Desktop', 'Core')
    GUID                 = '5f0c2a9e-7d3b-4c61-9a8e-2b6f1d4e8c70'
    Author               = 'TurnstileWidgets contributors'
    CompanyName          = 'TurnstileWidgets'
    Copyright            = '(c) 2026 TurnstileWidgets contributors. MIT License.'
    Description          = 'Manage Cloudflare Turnstile widgets from PowerShell: list, create, update, remove and rotate secrets, with typed pipeline objects, -WhatIf/-Confirm, SecureString secrets, streaming, rate-limit-aware retries and an offline emulator.'
    PowerShellVersion    = '5.1'
    DotNetFrameworkVersion = '4.7.2'
    FormatsToProcess     = @('TurnstileWidgets.Format.ps1xml')
    TypesToProcess       = @('TurnstileWidgets.Types.ps1xml')
    FunctionsToExport    = @()
    CmdletsToExport      = @(
        'Connect-Turnstile'
        'Disconnect-Turnstile'
        'Get-TurnstileConnection'
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
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('Cloudflare', 'Turnstile', 'CAPTCHA', 'Widgets', 'API', 'PSEdition_Desktop', 'PSEdition_Core', 'Windows', 'Linux', 'MacOS')
            LicenseUri   = 'https://github.com/turnstilewidgets/TurnstileWidgets/blob/main/LICENSE'
            ProjectUri   = 'https://github.com/turnstilewidgets/TurnstileWidgets'
            ReleaseNotes = ''
        }
    }
}
