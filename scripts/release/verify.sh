#!/usr/bin/env bash
# verify.sh — the release build, checked: `goreleaser check`, then two
# snapshot builds of the same commit, each from its own clone in its own
# folder, whose checksums.txt must be identical (reproducible), then the
# generated packages and manifests checked with real tools where Debian has
# them. Prints how long each part took. Exits non-zero on any failure.
#
# goreleaser runs as a tool at a fixed version, built once into a temporary
# folder (never a go.mod dependency). Nothing is published: snapshots skip
# every upload, and the machine needs no network beyond the Go modules.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"

start=$SECONDS
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# OKVIZ_GORELEASER names one built already (.ci/run builds it while apt runs).
gr=${OKVIZ_GORELEASER:-}
if [ -z "$gr" ]; then
  GOBIN="$tmp/bin" go install github.com/goreleaser/goreleaser/v2@v2.15.1
  gr="$tmp/bin/goreleaser"
  echo "  goreleaser built after $((SECONDS - start))s"
fi

"$gr" check

# Two clones of HEAD at different paths: a host path or clock that leaked
# into an artifact would differ between them.
commit=$(git rev-parse HEAD)
for n in 1 2; do
  git clone -q --no-hardlinks "$root" "$tmp/build$n"
  git -C "$tmp/build$n" checkout -q --detach "$commit"
  (cd "$tmp/build$n" && "$gr" release --snapshot --clean >"$tmp/build$n.log" 2>&1) ||
    { tail -n 40 "$tmp/build$n.log"; exit 1; }
  echo "  snapshot $n built after $((SECONDS - start))s"
done
if ! diff -u "$tmp/build1/dist/checksums.txt" "$tmp/build2/dist/checksums.txt"; then
  echo "two snapshot builds of $commit differ: not reproducible" >&2
  exit 1
fi
dist="$tmp/build1/dist"
echo "  reproducible: $(wc -l <"$dist/checksums.txt") artifacts with identical checksums"

# Every archive, package and binary goreleaser made is in checksums.txt,
# and the sums are right.
(cd "$dist" && sha256sum --quiet -c checksums.txt)
for want in _linux_amd64.tar.gz _linux_arm64.tar.gz _darwin_amd64.tar.gz _darwin_arm64.tar.gz \
  _windows_amd64.zip _windows_arm64.zip _amd64.deb _arm64.deb .x86_64.rpm .aarch64.rpm; do
  grep -qF -- "$want" "$dist/checksums.txt" || { echo "no *$want in checksums.txt" >&2; exit 1; }
done

# Debian packages: dpkg-deb reads them; lintian when installed.
# (Their output is read whole: grep -q would close the pipe early, and
# pipefail would count the writer's SIGPIPE as a failure.)
has() { grep -q -- "$2" <<<"$1" || { echo "$3: no line matching $2" >&2; exit 1; }; }
for deb in "$dist"/*.deb; do
  has "$(dpkg-deb --info "$deb")" '^ Package: okviz-check$' "$deb"
  has "$(dpkg-deb --contents "$deb")" ' \./usr/bin/okviz-check$' "$deb"
done
if command -v lintian >/dev/null; then
  # Errors fail; the tags below are what a single static Go binary from
  # a project without a Debian changelog or man page always gets.
  lintian --fail-on error --suppress-tags \
    no-changelog,no-copyright-file,no-manual-page,statically-linked-binary,embedded-library,extended-description-contains-empty-paragraph \
    "$dist"/*_amd64.deb
fi

# RPM packages: rpm reads them.
for r in "$dist"/*.rpm; do
  has "$(rpm -qpi "$r" 2>/dev/null)" '^Name *: okviz-check$' "$r"
  has "$(rpm -qpl "$r" 2>/dev/null)" '^/usr/bin/okviz-check$' "$r"
done

# The winget, Scoop and Homebrew manifests: parsed, required fields
# present, and every download URL with the checksum of its archive.
python3 "$here/manifests.py" "$dist"
echo "  packages and manifests checked after $((SECONDS - start))s"
