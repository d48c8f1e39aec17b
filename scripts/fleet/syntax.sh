#!/usr/bin/env bash
# Parses the fleet PowerShell scripts (scripts/fleet/*.ps1) with the
# tree-sitter PowerShell grammar and fails on any syntax error: there is no
# PowerShell on the Linux CI machine, and a script that does not parse
# would report every device as an error. The grammar runs as WebAssembly
# under node (web-tree-sitter), so nothing is compiled. Needs node and npm;
# the two packages are installed once into a cache folder (OKVIZ_PS_PARSER
# names another).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dir=${OKVIZ_PS_PARSER:-${XDG_CACHE_HOME:-$HOME/.cache}/okviz-check/ps-parser}
if [ ! -d "$dir/node_modules/web-tree-sitter" ] || [ ! -d "$dir/node_modules/tree-sitter-powershell" ]; then
  mkdir -p "$dir"
  npm install --prefix "$dir" --no-audit --no-fund --ignore-scripts --silent \
    web-tree-sitter@0.25.10 tree-sitter-powershell@0.26.4
fi
NODE_PATH="$dir/node_modules" node "$here/pssyntax.cjs" "$here"/*.ps1
