#!/usr/bin/env bash
# Runs every fuzz target of the module for a short time each (default 10s).
# Usage: scripts/fuzz.sh [DURATION]
# A crasher is written under the package's testdata/fuzz/ by go test: commit
# it, and it becomes a regression test run by plain `go test`.
set -euo pipefail
cd "$(dirname "$0")/.."
dur=${1:-10s}
status=0
for pkg in $(go list ./...); do
  for target in $(go test -list '^Fuzz' "$pkg" 2>/dev/null | grep '^Fuzz' || true); do
    echo "fuzz $pkg $target ($dur)"
    if ! go test -run '^$' -fuzz "^${target}\$" -fuzztime "$dur" "$pkg" >/tmp/okviz-fuzz.log 2>&1; then
      cat /tmp/okviz-fuzz.log
      status=1
    fi
  done
done
exit $status
