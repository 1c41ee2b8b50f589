#!/usr/bin/env bash
# Produces the third-party CustomResourceDefinitions that the tests and `make run` install into the
# API server, so that it validates every KubeVirt, CDI and prometheus-operator object the operator
# writes. Each comes from its official source through the Go module proxy (checked against the Go
# checksum database), and is cached outside the repository, one folder per source and version:
#
#   $ODOOVPS_TOOLS_DIR/kubevirt-crds-<KUBEVIRT_VERSION>/
#       KubeVirt's source tree has no YAML for its CRDs: virt-operator builds them in code at install
#       time. hack/kubevirt-crds/main.go calls those same functions (New<Kind>Crd of
#       kubevirt.io/kubevirt/pkg/virt-operator/resource/generate/components: crds.go with the
#       schemas of validations_generated.go) and writes VirtualMachine, VirtualMachineInstance,
#       VirtualMachineSnapshot, VirtualMachineRestore, VirtualMachineExport,
#       VirtualMachineInstancetype and VirtualMachinePreference. kubevirt.io/kubevirt's go.mod
#       replaces kubevirt.io/api and kubevirt.io/client-go with ./staging folders that its module
#       zip omits, so the program is built in a wrapper module that requires them at the same
#       version (both are published) and repeats kubevirt's other replace directives (a dependency's
#       replaces are ignored).
#   $ODOOVPS_TOOLS_DIR/cdi-crds-<CDI_API_VERSION>/
#       The DataVolume CRD. The full CDI module (kubevirt.io/containerized-data-importer) is not
#       served; its API module kubevirt.io/containerized-data-importer-api is. controller-gen
#       (sigs.k8s.io/controller-tools <CONTROLLER_TOOLS_VERSION>, the version CDI's own generated
#       CRDs name) runs over those API types, which is how CDI makes the CRD it embeds in
#       pkg/operator/resources/crds_generated.go. How ours differs from CDI's own (checked once by
#       generating from a newer API release and comparing with the CRD that CDI's tree embeds): CDI
#       keeps the older generator's `creationTimestamp: null` and an empty `status:` block, which an
#       API server ignores; the descriptions of embedded core types (PersistentVolumeClaimSpec...)
#       follow the k8s.io/api release that Go's version selection picks here, so a few sentences
#       differ; the schema (types, required fields, enums) is the same.
#       CDI_API_VERSION defaults to the release that kubevirt.io/kubevirt <KUBEVIRT_VERSION> requires.
#   $ODOOVPS_TOOLS_DIR/prometheus-operator-crds-<PROMETHEUS_OPERATOR_VERSION>/
#       PrometheusRule, ServiceMonitor and AlertmanagerConfig: the files of
#       example/prometheus-operator-crd/ in github.com/prometheus-operator/prometheus-operator,
#       copied as they are.
#
# A second run builds and downloads nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

KUBEVIRT_VERSION="${KUBEVIRT_VERSION:-1.7.0}"
CDI_API_VERSION="${CDI_API_VERSION:-1.63.1}"
CONTROLLER_TOOLS_VERSION="${CONTROLLER_TOOLS_VERSION:-0.17.2}"
PROMETHEUS_OPERATOR_VERSION="${PROMETHEUS_OPERATOR_VERSION:-0.93.0}"
ODOOVPS_TOOLS_DIR="${ODOOVPS_TOOLS_DIR:-$HOME/.cache/odoovps-tools}"

KUBEVIRT_OUT="$ODOOVPS_TOOLS_DIR/kubevirt-crds-${KUBEVIRT_VERSION}"
CDI_OUT="$ODOOVPS_TOOLS_DIR/cdi-crds-${CDI_API_VERSION}"
PO_OUT="$ODOOVPS_TOOLS_DIR/prometheus-operator-crds-${PROMETHEUS_OPERATOR_VERSION}"
KUBEVIRT_FILES=(kubevirt.io_virtualmachines kubevirt.io_virtualmachineinstances
  snapshot.kubevirt.io_virtualmachinesnapshots snapshot.kubevirt.io_virtualmachinerestores
  export.kubevirt.io_virtualmachineexports instancetype.kubevirt.io_virtualmachineinstancetypes
  instancetype.kubevirt.io_virtualmachinepreferences)
CDI_FILES=(cdi.kubevirt.io_datavolumes)
PO_FILES=(monitoring.coreos.com_prometheusrules monitoring.coreos.com_servicemonitors
  monitoring.coreos.com_alertmanagerconfigs)

cached() { # cached <folder> <file stem>...
  local dir=$1; shift
  for f in "$@"; do [ -s "$dir/$f.yaml" ] || return 1; done
}
need_go() {
  command -v go >/dev/null || { echo "error: the Go toolchain is needed to produce the $1 CRDs" >&2; exit 1; }
}
# Prints the folder of module@version in the module cache, downloading it through the proxy.
module_dir() {
  local json dir
  json=$(cd "$TMP" && GOFLAGS=-mod=mod go mod download -json "$1")
  dir=$(sed -n 's/.*"Dir": "\(.*\)",/\1/p' <<<"$json")
  [ -n "$dir" ] && [ -d "$dir" ] || { echo "error: cannot download $1:" >&2; echo "$json" >&2; exit 1; }
  echo "$dir"
}
# Moves the finished files of $1 into $2 only once all are there: a cache folder is whole or absent.
publish() {
  rm -rf "$2"
  mkdir -p "$(dirname "$2")"
  mv "$1" "$2"
}

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
export CGO_ENABLED=0
export GOFLAGS="-mod=mod -buildvcs=false"

# --- KubeVirt
if cached "$KUBEVIRT_OUT" "${KUBEVIRT_FILES[@]}"; then
  echo "KubeVirt ${KUBEVIRT_VERSION} CRDs cached in $KUBEVIRT_OUT"
else
  need_go KubeVirt
  start=$(date +%s)
  echo "generating the KubeVirt ${KUBEVIRT_VERSION} CRDs from kubevirt.io/kubevirt (virt-operator's own code)"
  module_dir "kubevirt.io/kubevirt@v${KUBEVIRT_VERSION}" >/dev/null
  modfile=$(cd "$TMP" && go mod download -json "kubevirt.io/kubevirt@v${KUBEVIRT_VERSION}" | sed -n 's/.*"GoMod": "\(.*\)",/\1/p')
  mkdir -p "$TMP/kubevirt"
  cp hack/kubevirt-crds/main.go "$TMP/kubevirt/"
  {
    echo "module odoovps.io/kubevirt-crds"
    echo
    echo "go 1.24.0"
    echo
    echo "require ("
    echo "	kubevirt.io/kubevirt v${KUBEVIRT_VERSION}"
    echo "	kubevirt.io/api v${KUBEVIRT_VERSION}"
    echo "	kubevirt.io/client-go v${KUBEVIRT_VERSION}"
    echo ")"
    echo
    # kubevirt's own replace block, but for the staging folders that the module zip omits.
    awk '/^replace \(/ {inside=1; next} inside && /^\)/ {inside=0} inside' "$modfile" \
      | grep '=>' | grep -v '=> \./staging/' | sed 's/^[[:space:]]*/replace /'
  } >"$TMP/kubevirt/go.mod"
  (
    cd "$TMP/kubevirt"
    go mod tidy >/dev/null 2>&1 || go mod tidy
    echo "  go build hack/kubevirt-crds (a few minutes cold: it compiles virt-operator's components)"
    go build -trimpath -o kubevirt-crds .
    ./kubevirt-crds "$TMP/kubevirt-out" >/dev/null
  )
  cached "$TMP/kubevirt-out" "${KUBEVIRT_FILES[@]}" || { echo "error: the generator left out a KubeVirt CRD" >&2; exit 1; }
  publish "$TMP/kubevirt-out" "$KUBEVIRT_OUT"
  echo "KubeVirt ${KUBEVIRT_VERSION} CRDs generated in $(( $(date +%s) - start ))s: $KUBEVIRT_OUT"
fi

# --- CDI: DataVolume
if cached "$CDI_OUT" "${CDI_FILES[@]}"; then
  echo "CDI ${CDI_API_VERSION} DataVolume CRD cached in $CDI_OUT"
else
  need_go CDI
  start=$(date +%s)
  echo "generating the CDI ${CDI_API_VERSION} DataVolume CRD with controller-gen ${CONTROLLER_TOOLS_VERSION}"
  mkdir -p "$TMP/cdi"
  cat >"$TMP/cdi/go.mod" <<GOMOD
module odoovps.io/cdi-crds

go 1.24.0

require (
	kubevirt.io/containerized-data-importer-api v${CDI_API_VERSION}
	sigs.k8s.io/controller-tools v${CONTROLLER_TOOLS_VERSION}
)
GOMOD
  cat >"$TMP/cdi/tools.go" <<'GO'
//go:build tools

package tools

import (
	_ "kubevirt.io/containerized-data-importer-api/pkg/apis/core/v1beta1"
	_ "sigs.k8s.io/controller-tools/cmd/controller-gen"
)
GO
  (
    cd "$TMP/cdi"
    go mod tidy >/dev/null 2>&1 || go mod tidy
    go build -trimpath -o controller-gen sigs.k8s.io/controller-tools/cmd/controller-gen
    ./controller-gen crd:crdVersions=v1 \
      paths=kubevirt.io/containerized-data-importer-api/pkg/apis/core/v1beta1 \
      output:crd:dir="$TMP/cdi-all"
  )
  mkdir -p "$TMP/cdi-out"
  for f in "${CDI_FILES[@]}"; do cp "$TMP/cdi-all/$f.yaml" "$TMP/cdi-out/"; done
  publish "$TMP/cdi-out" "$CDI_OUT"
  echo "CDI ${CDI_API_VERSION} DataVolume CRD generated in $(( $(date +%s) - start ))s: $CDI_OUT"
fi

# --- prometheus-operator
if cached "$PO_OUT" "${PO_FILES[@]}"; then
  echo "prometheus-operator ${PROMETHEUS_OPERATOR_VERSION} CRDs cached in $PO_OUT"
else
  need_go prometheus-operator
  echo "fetching github.com/prometheus-operator/prometheus-operator@v${PROMETHEUS_OPERATOR_VERSION}"
  src=$(module_dir "github.com/prometheus-operator/prometheus-operator@v${PROMETHEUS_OPERATOR_VERSION}")
  mkdir -p "$TMP/po-out"
  for f in "${PO_FILES[@]}"; do
    cp "$src/example/prometheus-operator-crd/$f.yaml" "$TMP/po-out/"
    chmod u+w "$TMP/po-out/$f.yaml"
  done
  publish "$TMP/po-out" "$PO_OUT"
  echo "prometheus-operator ${PROMETHEUS_OPERATOR_VERSION} CRDs fetched: $PO_OUT"
fi
