#!/usr/bin/env bash
# Builds Helm, which the chart tests run (helm lint, helm template), from its official Go module
# with the machine's Go toolchain, and caches it outside the repository:
#   $ODOOVPS_TOOLS_DIR/helm-<version>/helm
# A second run builds nothing. Nothing is downloaded except through the Go module proxy.
set -euo pipefail

HELM_VERSION="${HELM_VERSION:-3.22.0}"
ODOOVPS_TOOLS_DIR="${ODOOVPS_TOOLS_DIR:-$HOME/.cache/odoovps-tools}"
HELM_DIR="$ODOOVPS_TOOLS_DIR/helm-${HELM_VERSION}"

if [ -x "$HELM_DIR/helm" ]; then
  echo "helm ${HELM_VERSION} cached in $HELM_DIR"
  exit 0
fi
command -v go >/dev/null || { echo "error: the Go toolchain is needed to build helm" >&2; exit 1; }

WORK="${HELM_BUILD_DIR:-$ODOOVPS_TOOLS_DIR/build}"
mkdir -p "$HELM_DIR" "$WORK"
export GOFLAGS="-mod=mod -buildvcs=false"
export CGO_ENABLED=0

# helm.sh/helm/v3's go.mod has no replace directive, so `go install module@version` builds it with
# exactly the released dependency versions. The ldflags put the version in `helm version`, as the
# release Makefile does (without the git commit, which the module does not carry).
echo "building helm ${HELM_VERSION} (helm.sh/helm/v3@v${HELM_VERSION})"
start=$(date +%s)
GOBIN="$WORK/helm-bin" go install -trimpath \
  -ldflags "-s -w -X helm.sh/helm/v3/internal/version.version=v${HELM_VERSION} -X helm.sh/helm/v3/internal/version.gitTreeState=clean" \
  "helm.sh/helm/v3/cmd/helm@v${HELM_VERSION}"
mv "$WORK/helm-bin/helm" "$HELM_DIR/helm"
rmdir "$WORK/helm-bin"
echo "helm built in $(( $(date +%s) - start ))s: $HELM_DIR/helm"
