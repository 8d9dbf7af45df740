# The floor's manifest: the least a binary module ships (TurnstileWidgets.psd1 adds a format file and more metadata).
@{
    RootModule           = 'EmptyModule.dll'
    ModuleVersion        = '0.0.1'
    CompatiblePSEditions = @('Desktop', 'Core')
    GUID                 = 'b7d4f0a2-3c9e-4e71-8a55-0f6c2d9e1b34'
    Author               = 'TurnstileWidgets contributors'
    Description          = 'Benchmark floor: an empty binary module (never shipped).'
    PowerShellVersion    = '5.1'
    FunctionsToExport    = @()
    CmdletsToExport      = @('Get-Empty')
    VariablesToExport    = @()
    AliasesToExport      = @()
}
