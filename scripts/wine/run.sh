#!/usr/bin/env bash
# run.sh PROGRAM.exe [ARGS…] — run a Windows program in the Wine prefix
# WINEPREFIX (made by setup.sh), headless, quiet, with the
# bcryptprimitives.dll stand-in. The exit status is the program's.
set -euo pipefail
. "$(cd "$(dirname "$0")" && pwd)/env.sh"
wine=$(wine_bin)
exec "$wine" "$@"
