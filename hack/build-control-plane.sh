#!/usr/bin/env bash
# Builds the real Kubernetes control plane (kube-apiserver, kube-controller-manager, kubectl)
# and etcd from their official Go modules with the machine's Go toolchain, and caches them in
# the folder layout that io.fabric8:kube-api-test expects:
#   $KUBE_API_TEST_DIR/k8s/<version>-linux-amd64/{kube-apiserver,kube-controller-manager,kubectl,etcd}
# A second run builds nothing. Nothing is downloaded except through the Go module proxy.
set -euo pipefail

K8S_VERSION="${K8S_VERSION:-1.34.4}"
ETCD_VERSION="${ETCD_VERSION:-3.6.16}"
KUBE_API_TEST_DIR="${KUBE_API_TEST_DIR:-$HOME/.kubeapitest}"
OUT="$KUBE_API_TEST_DIR/k8s/${K8S_VERSION}-linux-amd64"
BINARIES=(kube-apiserver kube-controller-manager kubectl etcd)

missing=()
for b in "${BINARIES[@]}"; do [ -x "$OUT/$b" ] || missing+=("$b"); done
if [ ${#missing[@]} -eq 0 ]; then
  echo "control plane ${K8S_VERSION} (etcd ${ETCD_VERSION}) cached in $OUT"
  exit 0
fi
command -v go >/dev/null || { echo "error: the Go toolchain is needed to build the control plane" >&2; exit 1; }

WORK="${CONTROL_PLANE_BUILD_DIR:-$KUBE_API_TEST_DIR/build}"
mkdir -p "$OUT" "$WORK/k8s" "$WORK/etcd"
export GOFLAGS="-mod=mod -buildvcs=false"
export CGO_ENABLED=0
# The build machine has two cores; go uses them all by default.

echo "building ${missing[*]} (kubernetes v${K8S_VERSION}, etcd v${ETCD_VERSION}) into $OUT"
start=$(date +%s)

# --- Kubernetes: a wrapper module. k8s.io/kubernetes requires its staging modules at v0.0.0 and
# replaces them with ./staging paths, which a dependent module cannot see; replace each with its
# published v0.<minor>.<patch> release instead.
minor_patch="${K8S_VERSION#*.}"
staging_version="v0.${minor_patch}"
(
  cd "$WORK/k8s"
  modfile=$(go mod download -json "k8s.io/kubernetes@v${K8S_VERSION}" | sed -n 's/.*"GoMod": "\(.*\)",/\1/p')
  {
    echo "module odoovps.io/control-plane-build"
    echo
    echo "go 1.24.0"
    echo
    echo "require k8s.io/kubernetes v${K8S_VERSION}"
    echo
    grep -E '=> \./staging/src/' "$modfile" | awk -v v="$staging_version" '{print "replace " $1 " => " $1 " " v}'
  } > go.mod
  cat > tools.go <<'GO'
//go:build tools

package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kubectl"
)
GO
  go mod tidy -e >/dev/null 2>&1 || true
  go mod download
  ldflags="-s -w -X k8s.io/component-base/version.gitVersion=v${K8S_VERSION} -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=${minor_patch%%.*} -X k8s.io/client-go/pkg/version.gitVersion=v${K8S_VERSION}"
  for b in kube-apiserver kube-controller-manager kubectl; do
    [ -x "$OUT/$b" ] && continue
    echo "  go build $b"
    go build -tags tools -trimpath -ldflags "$ldflags" -o "$OUT/$b.tmp" "k8s.io/kubernetes/cmd/$b"
    mv "$OUT/$b.tmp" "$OUT/$b"
  done
)

# --- etcd: the server module's main package lives in the etcd repository root module, which is
# not published on its own; go.etcd.io/etcd/server/v3/etcdmain is, so a two-line main calls it.
if [ ! -x "$OUT/etcd" ]; then
  (
    cd "$WORK/etcd"
    cat > go.mod <<GOMOD
module odoovps.io/etcd-build

go 1.24.0

require go.etcd.io/etcd/server/v3 v${ETCD_VERSION}
GOMOD
    cat > main.go <<'GO'
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
GO
    go mod tidy
    echo "  go build etcd"
    go build -trimpath -ldflags "-s -w" -o "$OUT/etcd.tmp" .
    mv "$OUT/etcd.tmp" "$OUT/etcd"
  )
fi

echo "control plane built in $(( $(date +%s) - start ))s: $OUT"
