#!/usr/bin/env bash
# Fetches the real CiliumNetworkPolicy CRDs (cilium.io/v2) that the Cilium policy tests install
# into the test API server, and caches them outside the repository:
#   $ODOOVPS_TOOLS_DIR/cilium-<version>/{ciliumnetworkpolicies,ciliumclusterwidenetworkpolicies}.yaml
# The files come from Cilium's published Go module (pkg/k8s/apis/cilium.io/client/crds/v2),
# downloaded through the Go module proxy and checked against the Go checksum database; only the
# two CRD files are kept. A second run downloads nothing.
set -euo pipefail

CILIUM_VERSION="${CILIUM_VERSION:-1.18.6}"
ODOOVPS_TOOLS_DIR="${ODOOVPS_TOOLS_DIR:-$HOME/.cache/odoovps-tools}"
DEST="$ODOOVPS_TOOLS_DIR/cilium-${CILIUM_VERSION}"
CRD_DIR="pkg/k8s/apis/cilium.io/client/crds/v2"
FILES=(ciliumnetworkpolicies.yaml ciliumclusterwidenetworkpolicies.yaml)

cached=true
for f in "${FILES[@]}"; do
  [ -s "$DEST/$f" ] || cached=false
done
if $cached; then
  echo "Cilium ${CILIUM_VERSION} CRDs cached in $DEST"
  exit 0
fi
command -v go >/dev/null || { echo "error: the Go toolchain is needed to fetch the Cilium CRDs" >&2; exit 1; }

start=$(date +%s)
echo "fetching github.com/cilium/cilium@v${CILIUM_VERSION} through the Go module proxy"
# `go mod download -json module@version` needs no go.mod; run it where no go.mod is found.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
json=$(cd "$tmp" && GOFLAGS=-mod=mod go mod download -json "github.com/cilium/cilium@v${CILIUM_VERSION}")
src=$(sed -n 's/.*"Dir": "\(.*\)",/\1/p' <<<"$json")
if [ -z "$src" ] || [ ! -d "$src/$CRD_DIR" ]; then
  echo "error: cannot download github.com/cilium/cilium@v${CILIUM_VERSION}:" >&2
  echo "$json" >&2
  exit 1
fi

mkdir -p "$DEST"
for f in "${FILES[@]}"; do
  cp "$src/$CRD_DIR/$f" "$DEST/$f.tmp"
  chmod u+w "$DEST/$f.tmp"
  mv "$DEST/$f.tmp" "$DEST/$f"
done
echo "Cilium ${CILIUM_VERSION} CRDs fetched in $(( $(date +%s) - start ))s: $DEST"
