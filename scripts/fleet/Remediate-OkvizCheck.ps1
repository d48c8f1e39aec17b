<#
.SYNOPSIS
    Remediation script for Intune Remediations: collects what support needs
    when Detect-OkvizCheck.ps1 found that this device cannot reach the OKVIZ
    license service.

.DESCRIPTION
    A blocked firewall, a DNS filter or a proxy that refuses the service is
    not something a device can fix by itself: the fix is the network team's,
    the proxy team's or the security team's (the report says whose). So this
    script does not change the device. It runs "okviz-check bundle" and keeps
    the zip (the report as JSON, text and Markdown, the proxy settings as
    read, the PAC file, the certificate chains, the DNS configuration) next
    to the detection script's report, for the admin or support to collect.
    Intune's check after remediation then still reports the device with
    issues until the network is fixed: that is the honest answer.

    Exit status: 0 when the bundle was written (okviz-check exit 0 or 1),
    1 otherwise, with one line saying where it is or what went wrong.

.PARAMETER OkvizCheck
    The okviz-check executable (default: okviz-check.exe under Program Files,
    else the one on PATH).

.PARAMETER BundlePath
    The zip to write (default: okviz-bundle.zip in the folder of the
    detection script's report).

.PARAMETER Anonymize
    Replace user names, host names (not the targets) and private addresses
    with tokens in every file of the bundle.

.PARAMETER Target
    Targets to check (default: okviz-check's own).
#>
[CmdletBinding()]
param(
    [string]$OkvizCheck = '',
    [string]$BundlePath = '',
    [switch]$Anonymize,
    [string[]]$Target = @()
)

function Get-ProgramFiles {
    if ($env:ProgramW6432) { return $env:ProgramW6432 }
    return $env:ProgramFiles
}

if (-not $OkvizCheck) {
    $OkvizCheck = Join-Path (Get-ProgramFiles) 'okviz-check\okviz-check.exe'
    if (-not (Test-Path -LiteralPath $OkvizCheck)) {
        $onPath = Get-Command 'okviz-check.exe' -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
        if ($onPath) { $OkvizCheck = $onPath.Path }
    }
}
if (-not $BundlePath) {
    if ([System.Security.Principal.WindowsIdentity]::GetCurrent().IsSystem) {
        $BundlePath = Join-Path $env:ProgramData 'okviz-check\okviz-bundle-system.zip'
    }
    else {
        $BundlePath = Join-Path $env:LOCALAPPDATA 'okviz-check\okviz-bundle.zip'
    }
}
$folder = Split-Path -Parent $BundlePath
if ($folder -and -not (Test-Path -LiteralPath $folder)) {
    New-Item -ItemType Directory -Path $folder -Force | Out-Null
}

$arguments = @('bundle', '-q', '--color', 'never', '--output', $BundlePath)
if ($Anonymize) { $arguments += '--anonymize' }
$arguments += $Target
# okviz-check's messages (stderr: where the zip went, a usage error) are
# collected rather than passed on: Intune counts anything on the script's
# standard error as a script error.
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
    Write-Output ('ERROR: okviz-check could not be started: ' + $_.Exception.Message)
    exit 1
}
$lines = @($lines | Where-Object { $_ })
$messages = @($messages | Where-Object { $_ })
# 0: reachable, 1: a finding; both wrote the bundle. Anything else did not.
if (($code -eq 0 -or $code -eq 1) -and (Test-Path -LiteralPath $BundlePath)) {
    Write-Output ('Bundle for support: ' + $BundlePath + ' | ' + ($lines -join ' | '))
    exit 0
}
Write-Output ('ERROR: okviz-check bundle exit ' + $code + ': ' + ((@($lines) + @($messages)) -join ' | '))
exit 1
