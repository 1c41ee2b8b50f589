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
echo "cluster ready in $(( $(date +%s) - start )) s"

# The chart as a new user installs it: default values, no --set at all. The image reference is the
# chart's default (the image imported above under that name; the pull policy IfNotPresent finds it
# in containerd, as it would once a registry serves it). The operator must come up Ready, both
# replicas; then the release goes, and the tests install their own under the same name (the kept
# CRDs carry its name, so that install adopts them). ODOOVPS_E2E_DEFAULT_INSTALL=off skips it.
helm_bin=""
for arg in "$@"; do case $arg in -Dhelm.path=*) helm_bin=${arg#-Dhelm.path=} ;; esac; done
mkdir -p target/e2e
if [ "${ODOOVPS_E2E_DEFAULT_INSTALL:-on}" != off ]; then
  [ -x "$helm_bin" ] || { echo "error: no helm (-Dhelm.path): run through make e2e" >&2; exit 1; }
  echo "helm install with the chart's default values"
  t0=$(date +%s)
  "$helm_bin" install odoovps-operator helm/odoovps-operator -n odoovps-system --create-namespace \
    --kubeconfig "$CLUSTER_DIR/kubeconfig" --wait --timeout 5m >/dev/null
  ready=$(kubectl -n odoovps-system get deploy odoovps-operator -o jsonpath='{.status.readyReplicas}')
  if [ "$ready" != 2 ]; then
    echo "error: the default install has ${ready:-0} ready replicas of 2" >&2
    kubectl -n odoovps-system logs deploy/odoovps-operator --tail=50 >&2 || true
    exit 1
  fi
  echo "default values: 2 of 2 operator replicas Ready in $(( $(date +%s) - t0 )) s ($IMAGE)" \
    | tee target/e2e/default-install.txt
  "$helm_bin" uninstall odoovps-operator -n odoovps-system --kubeconfig "$CLUSTER_DIR/kubeconfig" \
    --wait >/dev/null
fi
echo "running the end-to-end tests"

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
