#!/usr/bin/env bash
# Runs every fuzz target of the module for a short time each (default 10s).
# Usage: scripts/fuzz.sh [DURATION]
# A crasher is written under the package's testdata/fuzz/ by go test: commit
# it, and it becomes a regression test run by plain `go test`.
set -euo pipefail
cd "$(dirname "$0")/.."
dur=${1:-10s}
status=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for pkg in $(go list ./...); do
  for target in $(go test -list '^Fuzz' "$pkg" 2>/dev/null | grep '^Fuzz' || true); do
    echo "fuzz $pkg $target ($dur)"
    for try in 1 2; do
      if go test -run '^$' -fuzz "^${target}\$" -fuzztime "$dur" "$pkg" >"$log" 2>&1; then
        break
      fi
      # Go's fuzzer can stop with a bare "context deadline exceeded" when the
      # time runs out while it minimises a new input; no crasher is written
      # then. Such a run is tried once more; anything else fails at once.
      if [ "$try" = 1 ] && ! grep -q 'Failing input written to' "$log" && grep -q 'context deadline exceeded' "$log"; then
        echo "  (stopped while minimising, no crasher: trying once more)"
        continue
      fi
      cat "$log"
      status=1
      break
    done
  done
done
exit $status
