#!/usr/bin/env python3
"""Checks the winget, Scoop and Homebrew manifests goreleaser wrote in DIST.

Each is parsed with a real parser for its format (YAML for winget, JSON for
Scoop; the Homebrew cask is Ruby, read for its stanzas), must carry the
fields its package manager requires, and must name, for every download URL,
the SHA-256 that checksums.txt gives for that archive. Exits 1 on the first
problem, saying which.
"""
import json
import pathlib
import re
import sys

import yaml

dist = pathlib.Path(sys.argv[1])
sums = {}
for line in (dist / "checksums.txt").read_text().splitlines():
    digest, name = line.split(maxsplit=1)
    sums[name] = digest


def fail(msg):
    print("manifest check: " + msg, file=sys.stderr)
    sys.exit(1)


def check_url(url, digest, where):
    name = url.rsplit("/", 1)[-1]
    if name not in sums:
        fail(f"{where}: {url} names no archive in checksums.txt")
    if digest.lower() != sums[name]:
        fail(f"{where}: the checksum for {name} is {digest}, checksums.txt says {sums[name]}")


# winget: the multi-file manifest (version, defaultLocale, installer), the
# fields winget-pkgs' schemas require.
files = list(dist.glob("winget/**/*.yaml"))
if not files:
    fail("no winget manifest under dist/winget")
kinds = {}
for f in files:
    doc = yaml.safe_load(f.read_text())
    kinds[doc.get("ManifestType")] = doc
    for field in ("PackageIdentifier", "PackageVersion", "ManifestType", "ManifestVersion"):
        if not doc.get(field):
            fail(f"{f.name}: no {field}")
for kind in ("version", "defaultLocale", "installer"):
    if kind not in kinds:
        fail(f"winget: no {kind} manifest (found {sorted(kinds)})")
loc = kinds["defaultLocale"]
for field in ("PackageLocale", "Publisher", "PackageName", "License", "ShortDescription"):
    if not loc.get(field):
        fail(f"winget defaultLocale: no {field}")
inst = kinds["installer"]
if not inst.get("Installers"):
    fail("winget installer: no Installers")
arches = set()
for i in inst["Installers"]:
    for field in ("Architecture", "InstallerUrl", "InstallerSha256"):
        if not i.get(field):
            fail(f"winget installer: an installer without {field}")
    arches.add(i["Architecture"])
    check_url(i["InstallerUrl"], i["InstallerSha256"], "winget")
    if inst.get("InstallerType", i.get("InstallerType")) != "zip":
        fail("winget installer: not a zip installer")
    nested = inst.get("NestedInstallerFiles") or i.get("NestedInstallerFiles") or []
    if not any(n.get("RelativeFilePath", "").endswith("okviz-check.exe") for n in nested):
        fail("winget installer: okviz-check.exe is not a nested portable file")
if not {"x64", "arm64"} <= arches:
    fail(f"winget installer: architectures {sorted(arches)}, want x64 and arm64")

# Scoop: JSON with version, a per-architecture url, hash and bin.
files = list(dist.glob("scoop/*.json")) + list(dist.glob("*.json"))
files = [f for f in files if f.name == "okviz-check.json"]
if not files:
    fail("no Scoop manifest (okviz-check.json)")
scoop = json.loads(files[0].read_text())
for field in ("version", "architecture", "homepage", "license", "description"):
    if not scoop.get(field):
        fail(f"Scoop: no {field}")
for arch in ("64bit", "arm64"):
    a = scoop["architecture"].get(arch)
    if not a:
        fail(f"Scoop: no {arch} architecture")
    if "okviz-check.exe" not in json.dumps(a.get("bin")):
        fail(f"Scoop {arch}: bin does not name okviz-check.exe")
    check_url(a["url"], a["hash"], f"Scoop {arch}")

# Homebrew cask: version, sha256/url pairs per platform, the binary.
files = list(dist.glob("homebrew/**/*.rb"))
if not files:
    fail("no Homebrew cask under dist/homebrew")
cask = files[0].read_text()
if not re.search(r'^cask "okviz-check" do$', cask, re.M):
    fail("Homebrew: not a cask named okviz-check")
for stanza in ("version", "name", "desc", "homepage", "binary"):
    if not re.search(rf"^\s*{stanza} ", cask, re.M):
        fail(f"Homebrew: no {stanza} stanza")
pairs = re.findall(r'url "([^"]+)"\s*\n\s*sha256 "([0-9a-f]{64})"', cask)
if len(pairs) < 4:
    fail(f"Homebrew: {len(pairs)} url/sha256 pairs, want darwin and linux, amd64 and arm64")
version = re.search(r'^\s*version "([^"]+)"', cask, re.M).group(1)
for url, digest in pairs:
    check_url(url.replace("#{version}", version), digest, "Homebrew")
print(f"  manifests: winget ({len(kinds)} files), Scoop, Homebrew cask ({len(pairs)} downloads) agree with checksums.txt")
