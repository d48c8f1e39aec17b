#!/usr/bin/env bash
# setup.sh PREFIX — make PREFIX a Wine prefix that runs okviz-check's
# Windows build (and its Windows test binaries): a fresh 64-bit prefix with
# the bcryptprimitives.dll stand-in (bcryptprimitives.c) in system32.
# Idempotent: a prefix that is already set up with the current stub is left
# alone. Quiet: prints nothing unless it fails.
#
# Needs: wine64 and gcc-mingw-w64-x86-64-win32 (Debian bookworm).
# Then run programs with: WINEPREFIX=PREFIX scripts/wine/run.sh prog.exe ...
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
[ $# -eq 1 ] || { echo "usage: $0 PREFIX" >&2; exit 2; }
mkdir -p "$1"
WINEPREFIX=$(cd "$1" && pwd)
. "$here/env.sh"

cc=x86_64-w64-mingw32-gcc
command -v "$cc" >/dev/null || { echo "$cc not found (Debian: apt-get install gcc-mingw-w64-x86-64-win32)" >&2; exit 1; }
wine=$(wine_bin)
wineserver=$(wineserver_bin)

# The marker names the stub's source, so a changed stub is rebuilt.
stamp=$(cat "$here/bcryptprimitives.c" "$here/bcryptprimitives.def" | sha256sum | cut -c1-16)
marker="$WINEPREFIX/.okviz-check-wine-$stamp"
[ -e "$marker" ] && exit 0

log=$(mktemp)
trap 'rm -f "$log"' EXIT
fail() { echo "wine setup: $*" >&2; cat "$log" >&2; exit 1; }

if [ ! -e "$WINEPREFIX/system.reg" ]; then
  "$wine" wineboot --init >"$log" 2>&1 || fail "wineboot --init failed"
fi
# wineboot returns before the server has written the registry to disk.
"$wineserver" -w

sys32="$WINEPREFIX/drive_c/windows/system32"
[ -d "$sys32" ] || fail "no $sys32 after wineboot"
"$cc" -O2 -s -shared -nostdlib -Wl,--entry,DllMain \
  -o "$sys32/bcryptprimitives.dll" \
  "$here/bcryptprimitives.c" "$here/bcryptprimitives.def" -ladvapi32 >"$log" 2>&1 ||
  fail "building bcryptprimitives.dll failed"
rm -f "$WINEPREFIX"/.okviz-check-wine-*
touch "$marker"
