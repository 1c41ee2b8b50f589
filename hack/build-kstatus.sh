#!/usr/bin/env bash
# Builds hack/kstatus (a few lines around sigs.k8s.io/cli-utils/pkg/kstatus/status, the library
# Flux's health checks and kpt wait with) from the official Go module with the machine's Go
# toolchain, and caches it outside the repository:
#   $ODOOVPS_TOOLS_DIR/kstatus-<cli-utils version>-<hash of main.go>/kstatus
# A second run builds nothing. Nothing is downloaded except through the Go module proxy.
set -euo pipefail
cd "$(dirname "$0")/.."

CLI_UTILS_VERSION="${CLI_UTILS_VERSION:-0.37.2}"
ODOOVPS_TOOLS_DIR="${ODOOVPS_TOOLS_DIR:-$HOME/.cache/odoovps-tools}"
key=$(sha256sum hack/kstatus/main.go hack/build-kstatus.sh | sha256sum | cut -c1-12)
OUT="$ODOOVPS_TOOLS_DIR/kstatus-${CLI_UTILS_VERSION}-$key"
mkdir -p target
if [ -x "$OUT/kstatus" ]; then
  echo "kstatus (cli-utils ${CLI_UTILS_VERSION}) cached in $OUT"
  ln -sfn "$OUT/kstatus" target/kstatus
  exit 0
fi
command -v go >/dev/null || { echo "error: the Go toolchain is needed to build kstatus" >&2; exit 1; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export GOFLAGS="-mod=mod -buildvcs=false" CGO_ENABLED=0
cp hack/kstatus/main.go "$WORK/"
printf 'module odoovps.io/kstatus\n\ngo 1.24.0\n\nrequire sigs.k8s.io/cli-utils v%s\n' \
  "$CLI_UTILS_VERSION" >"$WORK/go.mod"
start=$(date +%s)
echo "building kstatus (sigs.k8s.io/cli-utils v${CLI_UTILS_VERSION}/pkg/kstatus/status)"
(cd "$WORK" && { go mod tidy >/dev/null 2>&1 || go mod tidy; } && go build -trimpath -ldflags "-s -w" -o kstatus .)
mkdir -p "$OUT"
mv "$WORK/kstatus" "$OUT/kstatus"
ln -sfn "$OUT/kstatus" target/kstatus
echo "kstatus built in $(( $(date +%s) - start ))s: $OUT/kstatus"
