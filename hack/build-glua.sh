#!/usr/bin/env bash
# Builds glua, the command-line interpreter of gopher-lua (github.com/yuin/gopher-lua), the Lua VM
# Argo CD runs resource health checks with, from its official Go module with the machine's Go
# toolchain, and caches it outside the repository:
#   $ODOOVPS_TOOLS_DIR/glua-<version>/glua
# A second run builds nothing. Nothing is downloaded except through the Go module proxy.
set -euo pipefail

GLUA_VERSION="${GLUA_VERSION:-1.1.2}"
ODOOVPS_TOOLS_DIR="${ODOOVPS_TOOLS_DIR:-$HOME/.cache/odoovps-tools}"
GLUA_DIR="$ODOOVPS_TOOLS_DIR/glua-${GLUA_VERSION}"

if [ -x "$GLUA_DIR/glua" ]; then
  echo "glua (gopher-lua ${GLUA_VERSION}) cached in $GLUA_DIR"
  exit 0
fi
command -v go >/dev/null || { echo "error: the Go toolchain is needed to build glua" >&2; exit 1; }

WORK="${GLUA_BUILD_DIR:-$ODOOVPS_TOOLS_DIR/build}/glua-bin"
mkdir -p "$GLUA_DIR" "$WORK"
export GOFLAGS="-mod=mod -buildvcs=false"
export CGO_ENABLED=0

# The module's go.mod has no replace directive, so `go install module@version` builds exactly the
# released dependency versions.
echo "building glua ${GLUA_VERSION} (github.com/yuin/gopher-lua/cmd/glua@v${GLUA_VERSION})"
start=$(date +%s)
GOBIN="$WORK" go install -trimpath -ldflags "-s -w" "github.com/yuin/gopher-lua/cmd/glua@v${GLUA_VERSION}"
mv "$WORK/glua" "$GLUA_DIR/glua"
rmdir "$WORK"
echo "glua built in $(( $(date +%s) - start ))s: $GLUA_DIR/glua"
