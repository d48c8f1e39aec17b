# Environment for running okviz-check's Windows build under Wine, headless
# and quiet. Sourced by setup.sh and run.sh; WINEPREFIX must be set.
#
# DISPLAY empty: no X server, and Wine must not look for one.
# WINEDEBUG=-all: no debug channels on stderr (tests read stderr).
# WINEDLLOVERRIDES: bcryptprimitives from the prefix's system32 (the stub
# setup.sh builds); no Mono or Gecko, whose absence would otherwise make
# the first start ask to download them.
export DISPLAY=
export WINEDEBUG=-all
export WINEDLLOVERRIDES='bcryptprimitives=n;mscoree=;mshtml='
: "${WINEPREFIX:?WINEPREFIX must name the Wine prefix}"
export WINEPREFIX

# wine64 is on PATH in some Debian releases, only under /usr/lib/wine in
# bookworm's wine64 package (the wine package adds the /usr/bin wrapper).
wine_bin() {
  command -v wine64 2>/dev/null && return
  for p in /usr/lib/wine/wine64 /usr/lib/x86_64-linux-gnu/wine/wine64 /usr/bin/wine; do
    [ -x "$p" ] && { echo "$p"; return; }
  done
  echo "wine64 not found (Debian: apt-get install wine64)" >&2
  return 1
}

wineserver_bin() {
  command -v wineserver 2>/dev/null && return
  for p in /usr/lib/wine/wineserver /usr/lib/x86_64-linux-gnu/wine/wineserver; do
    [ -x "$p" ] && { echo "$p"; return; }
  done
  echo "wineserver not found (Debian: apt-get install wine64)" >&2
  return 1
}
