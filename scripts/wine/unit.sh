#!/usr/bin/env bash
# unit.sh — build the unit tests of every package with Windows-only code as
# Windows test binaries and run them under Wine, in the prefix WINEPREFIX
# (made by setup.sh). Prints each package's result and every skip with its
# reason; exits non-zero when a test fails.
#
# The packages are found, not listed: those with a Go file built for
# windows but neither for linux nor for darwin.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/../.."
. "$here/env.sh"

files() {
  GOOS=$1 go list -f '{{$p := .ImportPath}}{{range .GoFiles}}{{$p}} {{.}}
{{end}}{{range .TestGoFiles}}{{$p}} {{.}}
{{end}}' ./... | sort -u
}
pkgs=$(comm -23 <(files windows) <(sort -u <(files linux) <(files darwin)) | cut -d' ' -f1 | sort -u)
[ -n "$pkgs" ] || { echo "no package has Windows-only code?" >&2; exit 1; }

bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
declare -A exe
for p in $pkgs; do
  exe[$p]="$bin/$(echo "$p" | tr / _).test.exe"
done
# Build them all at once; go shares the work between them.
for p in $pkgs; do
  GOOS=windows GOARCH=amd64 CGO_ENABLED=0 go test -c -o "${exe[$p]}" "$p" >/dev/null &
done
fail=0
for job in $(jobs -p); do wait "$job" || fail=1; done
[ $fail = 0 ] || { echo "building the Windows test binaries failed" >&2; exit 1; }

# One wineserver for all the runs: starting it costs about two seconds.
# (-p fails when one is running already; that one serves as well.)
"$(wineserver_bin)" -p 2>/dev/null || true
trap '"$(wineserver_bin)" -k 2>/dev/null || true; rm -rf "$bin"' EXIT

# The lab's tools are Linux programs: tests that need them skip under Wine
# whatever .ci/run asks of the Linux run. OKVIZ_WINE=1 tells
# internal/wine's test that it must detect Wine.
for p in $pkgs; do
  [ -e "${exe[$p]}" ] || continue # no test files
  dir=$(go list -f '{{.Dir}}' "$p")
  out="$bin/out.txt"
  start=$SECONDS
  if (cd "$dir" && env -u OKVIZ_LAB OKVIZ_WINE=1 "$(wine_bin)" "${exe[$p]}" -test.v -test.timeout 5m >"$out" 2>&1); then
    echo "ok    $p under Wine ($((SECONDS - start))s)"
  else
    echo "FAIL  $p under Wine ($((SECONDS - start))s)"
    grep -v -E '^(=== (RUN|PAUSE|CONT|NAME)|\s*--- PASS)' "$out" | tail -n 200
    fail=1
  fi
  # Skips are counted and their reasons listed, so none hides: Wine's
  # reasons (internal/wine.Skip) wherever they were logged, others as the
  # line before their "--- SKIP".
  n=$(grep -c -E '^\s*--- SKIP' "$out" || true)
  if [ "$n" -gt 0 ]; then
    echo "      $n skipped; reasons (tests):"
    { grep -E '^\s+\S+\.go:[0-9]+: under Wine ' "$out" || true
      grep -B1 -E '^\s*--- SKIP' "$out" | grep -E '^\s+\S+\.go:[0-9]+: ' | grep -v ': under Wine ' || true
    } | sed -E 's/^\s+\S+\.go:[0-9]+: //' | sort | uniq -c | sed 's/^/      /'
  fi
done
exit $fail
