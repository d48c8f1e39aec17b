<#
.SYNOPSIS
    Detection script for Intune Remediations and Configuration Manager
    compliance: can this device reach the OKVIZ license service?

.DESCRIPTION
    Runs "okviz-check -q --save REPORT [TARGET...]" and maps its exit status to
    a detection result:

      okviz-check exit        result        Intune                 Configuration Manager
      0    ok (warnings too)  compliant     exit 0, "OK: ..."      "Compliant", exit 0
      1    finding            noncompliant  exit 1, "FAIL: ..."    "NonCompliant: ...", exit 0
      2    usage              error         exit 1, "ERROR: ..."   script error (exit 2)
      3    bug                error         exit 1, "ERROR: ..."   script error (exit 3)
      130  interrupted        error         exit 1, "ERROR: ..."   script error (exit 130)
      other, or not started   error         exit 1, "ERROR: ..."   script error

    The script prints one line (the verdict of each target, joined, at most
    2000 characters), which Intune shows as the device's detection output;
    Intune runs the remediation script only on exit 1. Nothing goes to
    standard error in Intune mode: okviz-check's own messages are collected
    into that line, since Intune counts standard error output as a script
    error. Configuration Manager compares what the script prints
    with the compliance rule ("Compliant") and reports a script that exits
    non-zero as an error, so a broken deployment is never counted as a
    network finding.

    The full JSON report stays on the device (REPORT): support reads it with
    "okviz-check report FILE".

    Run as SYSTEM (the default of both tools), okviz-check sees the machine,
    not the user: HKCU is SYSTEM's own hive, so the user's Internet Options
    proxy and PAC settings are not there (okviz-check reads the signed-in
    user's settings when it runs as SYSTEM where it can, and the report says
    whose settings it read); the user's environment variables (HTTPS_PROXY)
    are absent; a proxy that wants NTLM or Kerberos sees the computer account
    (DOMAIN\COMPUTER$), which many proxies refuse; the user's certificate
    store (CurrentUser\Root) is not consulted, only LocalMachine. Run it with
    the logged-on user's credentials to see what the user's browser and
    Power BI see.

.PARAMETER OkvizCheck
    The okviz-check executable (default: okviz-check.exe under Program Files,
    else the one on PATH).

.PARAMETER ReportPath
    Where the JSON report is saved (default: %LOCALAPPDATA%\okviz-check\
    last-report.json as a user, %ProgramData%\okviz-check\
    last-report-system.json as SYSTEM).

.PARAMETER Target
    Targets to check (default: okviz-check's own, https://api.okviz.com/, or
    the targets of its config file).

.PARAMETER Mode
    Intune (default) or ConfigMgr: how the result is reported.

.EXAMPLE
    powershell.exe -NoProfile -ExecutionPolicy Bypass -File Detect-OkvizCheck.ps1

.EXAMPLE
    powershell.exe -NoProfile -ExecutionPolicy Bypass -File Detect-OkvizCheck.ps1 -Mode ConfigMgr
#>
[CmdletBinding()]
param(
    [string]$OkvizCheck = '',
    [string]$ReportPath = '',
    [string[]]$Target = @(),
    [ValidateSet('Intune', 'ConfigMgr')]
    [string]$Mode = 'Intune'
)

# okviz-check's exit status, as in docs/SPEC.md and cmd/exit.go (a Go test
# reads this table and compares it with cmd/exit.go).
# BEGIN exit-status-map
$ExitStatus = @{
    0   = 'ok'
    1   = 'finding'
    2   = 'usage'
    3   = 'bug'
    130 = 'interrupted'
}
# END exit-status-map

# What each kind of exit status means for the device.
# BEGIN detection-map
$Detection = @{
    'ok'          = 'compliant'
    'finding'     = 'noncompliant'
    'usage'       = 'error'
    'bug'         = 'error'
    'interrupted' = 'error'
}
# END detection-map

# Intune keeps at most 2048 characters of the output.
$MaxOutput = 2000

function Get-ProgramFiles {
    # Intune runs scripts in 32-bit PowerShell unless told otherwise, where
    # ProgramFiles is "Program Files (x86)"; ProgramW6432 is the 64-bit one.
    if ($env:ProgramW6432) { return $env:ProgramW6432 }
    return $env:ProgramFiles
}

function Get-DefaultOkvizCheck {
    $installed = Join-Path (Get-ProgramFiles) 'okviz-check\okviz-check.exe'
    if (Test-Path -LiteralPath $installed) { return $installed }
    $onPath = Get-Command 'okviz-check.exe' -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
    if ($onPath) { return $onPath.Path }
    return $installed
}

function Get-DefaultReportPath {
    # SYSTEM has no profile folder of its own to speak of; users cannot
    # write in a folder SYSTEM created under ProgramData.
    if ([System.Security.Principal.WindowsIdentity]::GetCurrent().IsSystem) {
        return Join-Path $env:ProgramData 'okviz-check\last-report-system.json'
    }
    return Join-Path $env:LOCALAPPDATA 'okviz-check\last-report.json'
}

function Write-Result {
    param([string]$Result, [string]$Line, [int]$Code)
    if ($Line.Length -gt $MaxOutput) { $Line = $Line.Substring(0, $MaxOutput) }
    if ($Mode -eq 'ConfigMgr') {
        switch ($Result) {
            'compliant'    { Write-Output 'Compliant'; exit 0 }
            'noncompliant' { Write-Output ('NonCompliant: ' + $Line); exit 0 }
            default {
                [Console]::Error.WriteLine($Line)
                if ($Code -eq 0) { $Code = 3 }
                exit $Code
            }
        }
    }
    switch ($Result) {
        'compliant' { Write-Output ('OK: ' + $Line); exit 0 }
        'noncompliant' { Write-Output ('FAIL: ' + $Line); exit 1 }
        default { Write-Output ('ERROR: ' + $Line); exit 1 }
    }
}

if (-not $OkvizCheck) { $OkvizCheck = Get-DefaultOkvizCheck }
if (-not $ReportPath) { $ReportPath = Get-DefaultReportPath }

$folder = Split-Path -Parent $ReportPath
if ($folder -and -not (Test-Path -LiteralPath $folder)) {
    New-Item -ItemType Directory -Path $folder -Force | Out-Null
}
if (-not (Test-Path -LiteralPath $OkvizCheck)) {
    Write-Result -Result 'error' -Line ("okviz-check not found at " + $OkvizCheck) -Code 3
}

$arguments = @('-q', '--color', 'never', '--save', $ReportPath) + $Target
# -q prints one verdict line per target on stdout. okviz-check's messages
# (stderr: a usage error, a warning) are collected rather than passed on:
# Intune counts anything on the script's standard error as a script error.
$lines = @()
$messages = @()
$code = $null
try {
    $ErrorActionPreference = 'Continue'
    & $OkvizCheck @arguments 2>&1 | ForEach-Object {
        if ($_ -is [System.Management.Automation.ErrorRecord]) { $messages += $_.ToString().Trim() }
        else { $lines += "$_".Trim() }
    }
    $code = $LASTEXITCODE
}
catch {
    Write-Result -Result 'error' -Line ("okviz-check could not be started: " + $_.Exception.Message) -Code 3
}
if ($null -eq $code) {
    Write-Result -Result 'error' -Line 'okviz-check did not run (no exit status)' -Code 3
}
$lines = @($lines | Where-Object { $_ })
$messages = @($messages | Where-Object { $_ })

$name = $ExitStatus[[int]$code]
if (-not $name) { $name = 'unknown' }
$result = $Detection[$name]
if (-not $result) { $result = 'error' }

$verdicts = $lines -join ' | '
if ($result -eq 'error') {
    $said = (@($lines) + @($messages)) -join ' | '
    Write-Result -Result 'error' -Line ("okviz-check exit " + $code + " (" + $name + "): " + $said + " (report: " + $ReportPath + ")") -Code $code
}
Write-Result -Result $result -Line $verdicts -Code $code
