#!/usr/bin/env bash
# `make e2e`: the end-to-end tier on a real node. Starts a throw-away cluster with a node
# (hack/lib/cluster.sh) and KubeVirt on it (hack/lib/kubevirt.sh; ODOOVPS_KUBEVIRT=off skips it), imports the operator image (target/odoovps-operator-image.tar, `make
# image`) into the node's containerd, installs the third-party CRDs, then runs the *E2E test
# classes (src/test/java/io/odoovps/operator/node/), which install the chart and watch pods.
# Arguments: Maven properties (the Makefile's MVN_PROPS). Stops and removes everything at the end.
set -euo pipefail
cd "$(dirname "$0")/.."

MVN="${MVN:-mvn -B -ntp}"
UPSTREAM_CRDS="${ODOOVPS_UPSTREAM_CRDS:?run through make e2e, which produces the third-party CRDs first}"
IMAGE_TAR=target/odoovps-operator-image.tar
IMAGE_VERSION=$(awk -F'[<>]' '/<artifactId>odoovps-operator<\/artifactId>/ {getline; print $3; exit}' pom.xml)
IMAGE="ghcr.io/odoovps/odoovps-operator:$IMAGE_VERSION"
[ -f "$IMAGE_TAR" ] || { echo "error: $IMAGE_TAR is missing: run 'make image'" >&2; exit 1; }

source hack/lib/cluster.sh
source hack/lib/kubevirt.sh
if ! why=$(node_possible); then
  echo "error: make e2e needs a node, and this machine cannot run one: $why" >&2
  exit 1
fi
CLUSTER_DIR=$(mktemp -d -t odoovps-e2e-XXXXXX)
keep=${ODOOVPS_E2E_KEEP:-false}
finish() {
  trap - INT TERM EXIT
  if [ "$keep" = true ]; then
    echo "ODOOVPS_E2E_KEEP=true: the cluster stays up in $CLUSTER_DIR; stop it with: kill $$"
    trap 'cluster_down; exit 130' INT TERM
    sleep infinity &
    wait $! || true
  fi
  cluster_down
}
trap finish EXIT
trap 'finish; exit 130' INT TERM

start=$(date +%s)
echo "cluster data and logs in $CLUSTER_DIR"
cluster_up_control_plane reachable
cluster_up_node
# KubeVirt on the node (make kubevirt): ODOOVPS_KUBEVIRT=off leaves it out
if [ "${ODOOVPS_KUBEVIRT:-on}" != off ]; then
  kubevirt_up
  export ODOOVPS_E2E_KUBEVIRT=true
fi
echo "importing $IMAGE_TAR"
cluster_import_image "$IMAGE_TAR"
IFS=: read -r -a crd_dirs <<<"$UPSTREAM_CRDS"
for d in "${crd_dirs[@]}"; do
  [ -d "$d" ] || { echo "error: $d is missing: run 'make upstream-crds'" >&2; exit 1; }
  # with KubeVirt running, virt-operator has installed its own CRDs (the same release); and no
  # CDI runs here, so none of its CRDs either: with the DataVolume CRD alone, virt-controller
  # takes CDI for installed, waits for informers of CDI kinds that are not served ("Failed to
  # watch *v1beta1.DataSource") and never starts a VM (seen)
  $KUBEVIRT_STARTED && [ "$(basename "$d")" = "kubevirt-crds-$KUBEVIRT_VERSION" ] && continue
  $KUBEVIRT_STARTED && [[ $(basename "$d") == cdi-crds-* ]] && continue
  kubectl apply --server-side -f "$d" >/dev/null
done
kubectl wait --for condition=Established crd --all --timeout=60s >/dev/null
echo "cluster ready in $(( $(date +%s) - start )) s; running the end-to-end tests"

export ODOOVPS_E2E_KUBECONFIG="$CLUSTER_DIR/kubeconfig"
export ODOOVPS_E2E_AUDIT_LOG="$CLUSTER_DIR/audit.log"
export ODOOVPS_E2E_IMAGE="$IMAGE"
export ODOOVPS_E2E_HOST_IP="$API_ADDRESS"
status=0
$MVN test-compile failsafe:integration-test failsafe:verify -Dit.test="${E2E_TESTS:-*E2E}" \
  -Dfailsafe.failIfNoSpecifiedTests=false "$@" || status=$?
echo "end-to-end tests: exit $status after $(( $(date +%s) - start )) s (cluster logs: $CLUSTER_DIR/logs)"
if [ "$status" != 0 ]; then
  mkdir -p target/e2e-logs
  cp -r "$CLUSTER_DIR/logs/." target/e2e-logs/ 2>/dev/null || true
  kubectl get pods -A -o wide >target/e2e-logs/pods.txt 2>&1 || true
  kubectl logs -n odoovps-system -l app.kubernetes.io/name=odoovps-operator --tail=200 --prefix \
    >target/e2e-logs/operator.log 2>&1 || true
  echo "copied to target/e2e-logs/"
fi
exit "$status"
