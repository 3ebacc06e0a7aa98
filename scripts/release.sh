#!/usr/bin/env bash
# Builds the release binaries of chatadmin and chatadmin-emulator for
# linux, darwin and windows on amd64 and arm64, version-stamped, and their
# SHA-256 checksums (RELEASING.md says when to run it).
#
#   scripts/release.sh v0.1.0          # into dist/v0.1.0/
#   scripts/release.sh v0.1.0 /tmp/out # into /tmp/out/
#
# Each binary is built with -trimpath (no local paths in it) and CGO off
# (static, cross-built from any host), and stamped through -ldflags -X:
# main.version (the tag), main.commit (the commit built) and main.date
# (the commit's time, so that two builds of one commit are identical).
# .ci/run runs it for every target on each change, which also proves that
# nothing builds on Unix only.
set -euo pipefail
cd "$(dirname "$0")/.."

version=${1:?usage: scripts/release.sh VERSION [OUTDIR]}
out=${2:-dist/$version}
commit=$(git rev-parse HEAD 2>/dev/null || echo unknown)
date=$(git log -1 --format=%cI 2>/dev/null || date -u +%Y-%m-%dT%H:%M:%SZ)
if [ -n "$(git status --porcelain 2>/dev/null)" ]; then
  commit="$commit-dirty"
fi

TARGETS=(linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64 windows/arm64)
COMMANDS=(chatadmin chatadmin-emulator)

mkdir -p "$out"
ldflags="-s -w -X main.version=$version -X main.commit=$commit -X main.date=$date"
for target in "${TARGETS[@]}"; do
  goos=${target%/*}
  goarch=${target#*/}
  ext=""
  if [ "$goos" = windows ]; then ext=.exe; fi
  for cmd in "${COMMANDS[@]}"; do
    bin="$out/${cmd}_${version}_${goos}_${goarch}$ext"
    echo "build $bin"
    CGO_ENABLED=0 GOOS=$goos GOARCH=$goarch GOWORK=off \
      go build -trimpath -ldflags "$ldflags" -o "$bin" "./cmd/$cmd"
  done
done

sha256() { if command -v sha256sum >/dev/null; then sha256sum "$@"; else shasum -a 256 "$@"; fi; }
(cd "$out" && sha256 -- *_"${version}"_* > SHA256SUMS && cat SHA256SUMS)
