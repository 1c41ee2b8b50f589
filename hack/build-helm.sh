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
# exactly the released dependency versions. The ldflags are the release Makefile's: the version in
# `helm version`, and the Kubernetes version that `helm template` and `helm lint` assume without a
# cluster (client-go v0.X.Y is Kubernetes 1.X; unset, Helm assumes 1.20 and refuses charts that
# need more). The git commit is left out: the module does not carry it.
gomod=$(go mod download -json "helm.sh/helm/v3@v${HELM_VERSION}" | sed -n 's/.*"GoMod": "\(.*\)",/\1/p')
[ -n "$gomod" ] || { echo "error: cannot download helm.sh/helm/v3@v${HELM_VERSION}" >&2; exit 1; }
mod=$(cat "$gomod")
if grep -q '^replace' <<<"$mod"; then
  echo "error: helm ${HELM_VERSION}'s go.mod has replace directives: go install cannot build it" >&2
  exit 1
fi
k8s_minor=$(sed -n 's|^\s*k8s.io/client-go v0\.\([0-9]*\)\..*|\1|p' <<<"$mod" | head -1)
k8s_minor="${k8s_minor:-34}"
ldflags="-s -w -X helm.sh/helm/v3/internal/version.version=v${HELM_VERSION}"
ldflags+=" -X helm.sh/helm/v3/internal/version.gitTreeState=clean"
for pkg in pkg/lint/rules pkg/chartutil; do
  ldflags+=" -X helm.sh/helm/v3/${pkg}.k8sVersionMajor=1 -X helm.sh/helm/v3/${pkg}.k8sVersionMinor=${k8s_minor}"
done

echo "building helm ${HELM_VERSION} (helm.sh/helm/v3@v${HELM_VERSION}, Kubernetes 1.${k8s_minor} by default)"
start=$(date +%s)
GOBIN="$WORK/helm-bin" go install -trimpath -ldflags "$ldflags" "helm.sh/helm/v3/cmd/helm@v${HELM_VERSION}"
mv "$WORK/helm-bin/helm" "$HELM_DIR/helm"
rmdir "$WORK/helm-bin"
echo "helm built in $(( $(date +%s) - start ))s: $HELM_DIR/helm"
