Set-StrictMode -Version Latest
# Measures issue 15's cases against the emulator for one build of the module: widgets left in a wrong state and requests sent.
param([Parameter(Mandatory)] [string] $Manifest, [Parameter(Mandatory)] [string] $Repo)
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $Repo 'tests/TestHelpers/TurnstileTestHelpers.psm1') -Force
$e = Start-TurnstileEmulator -RepositoryRoot $Repo
Import-Module $Manifest -Force
Connect-Turnstile -ApiBaseUri $e.BaseUri -ApiToken $e.ApiToken -AccountId $e.AccountId
function Ctl($m, $p, $b) { Invoke-RestMethod -Method $m -Uri ($e.ControlUri.AbsoluteUri.TrimEnd('/') + '/' + $p) -ContentType 'application/json' -Body (ConvertTo-Json $b -Depth 5 -Compress) }
function Stats { Invoke-RestMethod ($e.ControlUri.AbsoluteUri + 'stats') }
function Live($prefix) { $page = 1; do { $a = Invoke-RestMethod -Uri "$($e.BaseUri)/accounts/$($e.AccountId)/challenges/widgets?per_page=1000&page=$page&filter=name:$prefix" -Authentication Bearer -Token $e.ApiToken -AllowUnencryptedAuthentication; $a.result; $page++ } while (@($a.result).Count -eq 1000) }
try {
  # 1
  $null = Ctl Post seed @{ count = 2500; name_prefix = 'twice-' }
  $held = Get-TurnstileWidget -Filter name:twice-
  $held | Set-TurnstileWidget -Mode invisible
  $s = Stats; $held | Set-TurnstileWidget -Mode managed; $t = Stats
  "1 twice: wrong state (not managed) = $(@(Live 'twice-' | Where-Object mode -ne 'managed').Count) of 2500; second run requests = $($t.total_requests - $s.total_requests) (updates $($t.update_requests - $s.update_requests))"
  # 2
  $null = Ctl Post reset @{}
  $w = New-TurnstileWidget -Name future -Domain future.example.com
  $null = Ctl Patch "widgets/$($w.Sitekey)" @{ mode = 'adaptive'; clearance_level = 'super_clearance' }
  $f = Join-Path ([IO.Path]::GetTempPath()) 'm15.json'
  try { Export-TurnstileWidget -Path $f | Out-Null; $x = (Get-Content $f -Raw | ConvertFrom-Json)[0]; $exp = "$($x.Mode)/$($x.ClearanceLevel)" } catch { $exp = "error: $($_.Exception.Message)" }
  $entry = @([ordered]@{ Name = 'future'; Domains = @('future.example.com', 'shop.example.com') }) ; ConvertTo-Json -InputObject $entry | Set-Content $f
  try { Sync-TurnstileWidget -Path $f -ErrorAction Stop 6>$null } catch { }
  $after = Invoke-RestMethod -Uri "$($e.BaseUri)/accounts/$($e.AccountId)/challenges/widgets/$($w.Sitekey)" -Authentication Bearer -Token $e.ApiToken -AllowUnencryptedAuthentication
  $null = Ctl Patch "widgets/$($w.Sitekey)" @{ mode = 'adaptive' }
  $s = Stats; try { Set-TurnstileWidget -Sitekey $w.Sitekey -Mode managed -ErrorAction Stop } catch { }; $t = Stats
  "2 unknown: export wrote $exp; after Sync adding a domain mode=$($after.result.mode) clearance=$($after.result.clearance_level); Set -Mode managed sent $($t.update_requests - $s.update_requests) PUT"
  # 5
  $null = Ctl Post reset @{}; $null = Ctl Post seed @{ count = 50; name_prefix = 'live-' }
  '[{"Name":"live-typo"}]' | Set-Content $f
  try { Sync-TurnstileWidget -Path $f -Prune -Force -ErrorAction SilentlyContinue 6>$null } catch { }
  "5 prune typo: removed $(50 - @(Live 'live-').Count) of 50"
  $null = Ctl Post reset @{}; $null = Ctl Post seed @{ count = 50; name_prefix = 'live-' }
  '[]' | Set-Content $f
  try { Sync-TurnstileWidget -Path $f -Prune -Force -ErrorAction SilentlyContinue 6>$null } catch { }
  "5 prune []: removed $(50 - @(Live 'live-').Count) of 50"
  # 6
  $null = Ctl Post reset @{}
  $c = New-TurnstileWidget -Name crowd -Domain crowd.example.com
  $lost = 0
  foreach ($round in 1..6) {
    Set-TurnstileWidget -Sitekey $c.Sitekey -Domain crowd.example.com
    $sk = $c.Sitekey
    1..8 | ForEach-Object -ThrottleLimit 8 -Parallel { Import-Module $using:Manifest; Set-TurnstileWidget -Sitekey $using:sk -AddDomain "r$($using:round)-d$_.example.com" -ErrorAction SilentlyContinue }
    $d = (Invoke-RestMethod -Uri "$($e.BaseUri)/accounts/$($e.AccountId)/challenges/widgets/$sk" -Authentication Bearer -Token $e.ApiToken -AllowUnencryptedAuthentication).result.domains
    $lost += 8 - @($d | Where-Object { $_ -like "r$round-*" }).Count
  }
  "6 parallel -AddDomain: $lost of 48 additions lost in 6 trials"
  $null = Ctl Post seed @{ count = 20; name_prefix = 'busy-' }
  $r = 1..80 | ForEach-Object -ThrottleLimit 8 -Parallel {
    Import-Module $using:Manifest; $x = $using:e
    try { switch ($_ % 4) { 0 { Connect-Turnstile -ApiBaseUri $x.BaseUri -ApiToken $x.ApiToken -AccountId $x.AccountId -ErrorAction Stop } 1 { $null = @(Get-TurnstileWidget -Filter name:busy- -ErrorAction Stop) } 2 { Get-TurnstileWidget -Filter name:busy- -First 3 -ErrorAction Stop | Set-TurnstileWidget -Mode invisible -ErrorAction Stop } 3 { New-TurnstileWidget -Name "temp-$_" -Domain t.example.com -ErrorAction Stop | Remove-TurnstileWidget -Force -ErrorAction Stop } }; 'ok' } catch { $_.Exception.GetType().Name }
  }
  "6 parallel Connect: $(@($r | Where-Object { $_ -eq 'ObjectDisposedException' }).Count) ObjectDisposedException in 80; temp widgets left: $(@(Live 'temp-').Count)"
  # 3
  $null = Ctl Post reset @{}; $null = Ctl Post seed @{ count = 60; name_prefix = 'paced-' }
  $null = Ctl Post faults @{ rate_limit = '20/2'; rate_limit_block = 30 }
  Connect-Turnstile -Name paced -ApiBaseUri $e.BaseUri -Email $e.Email -ApiKey $e.ApiKey -AccountId $e.AccountId -MaxBlockWait 0
  $s = Stats
  Get-TurnstileWidget -Connection paced -Filter name:paced- | Remove-TurnstileWidget -Connection paced -Force -ErrorAction SilentlyContinue -ErrorVariable failed
  $t = Stats
  "3 -MaxBlockWait 0: 429 answers = $($t.rate_limited_responses - $s.rate_limited_responses); widgets not removed = $(@(Live 'paced-').Count) of 60; errors = $($failed.Count)"
  $null = Ctl Post faults @{ rate_limit = $null; rate_limit_block = $null }
} finally { Stop-TurnstileEmulator -Emulator $e }
