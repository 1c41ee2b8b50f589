#!/usr/bin/env bash
# `make run`: a throw-away local cluster (hack/lib/cluster.sh: etcd, kube-apiserver,
# kube-controller-manager on free ports, data in a temporary folder; and, when the machine allows
# it (root, cgroups, overlayfs, network namespaces), a node: containerd, kubelet, kube-proxy,
# CoreDNS, built by hack/build-node.sh), the CRDs, the operator, and the sample VPSs.
# Ctrl-C stops everything and removes the folder, the node's mounts, network devices,
# namespaces and iptables rules with it.
set -euo pipefail
cd "$(dirname "$0")/.."

K8S_VERSION="${K8S_VERSION:-1.34.4}"
KUBE_API_TEST_DIR="${KUBE_API_TEST_DIR:-$HOME/.kubeapitest}"
BIN="$KUBE_API_TEST_DIR/k8s/${K8S_VERSION}-linux-amd64"
# The third-party CRD folders (a list separated by ':') that `make upstream-crds` produced.
UPSTREAM_CRDS="${ODOOVPS_UPSTREAM_CRDS:?run through make run, which produces the third-party CRDs first}"
JAR=target/quarkus-app/quarkus-run.jar
[ -x "$BIN/kube-apiserver" ] || { echo "control plane not built: run 'make control-plane'" >&2; exit 1; }
[ -f "$JAR" ] || { echo "operator not built: run 'make build'" >&2; exit 1; }

source hack/lib/cluster.sh
source hack/lib/kubevirt.sh
CLUSTER_DIR=$(mktemp -d -t odoovps-run-XXXXXX)
DIR=$CLUSTER_DIR
cleanup() {
  trap - INT TERM EXIT
  [ -d "$DIR" ] || return 0
  echo
  echo "stopping the operator, the node and the control plane..."
  cluster_down
  echo "stopped; $DIR removed"
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT TERM

HTTP_PORT=$(free_port); SMTP_PORT=$(free_port); MAIL_API_PORT=$(free_port)
GREENMAIL_JAR=target/tools/greenmail-standalone.jar
IMAGE_TAR=target/odoovps-operator-image.tar
export KUBECONFIG="$DIR/kubeconfig"

echo "cluster data and logs in $DIR"
WITH_NODE=false
if [ "$(id -u)" = 0 ] && [ ! -x "$NODE_HOME/bin/kubelet" ] && [ "${ODOOVPS_NODE:-auto}" != off ]; then
  echo "building the node (first run only; ODOOVPS_NODE=off skips it)"
  bash hack/build-node.sh
fi
if [ "${ODOOVPS_NODE:-auto}" = off ]; then
  why="ODOOVPS_NODE=off"
  false
elif why=$(node_possible); then
  WITH_NODE=true
  cluster_up_control_plane reachable
  cluster_up_node
  echo "started a control plane and a node ($NODE_NAME: kubelet, containerd, kube-proxy, CoreDNS): Jobs run as pods"
  # KubeVirt on the node: ODOOVPS_KUBEVIRT=auto (default: when `make kubevirt` has built it), on
  # (build it first if needed: tens of minutes cold), off
  case "${ODOOVPS_KUBEVIRT:-auto}" in
    on) bash hack/build-kubevirt.sh && kubevirt_up ;;
    off) ;;
    *) if [ -s "$KUBEVIRT_HOME/images/virt-launcher.tar" ]; then kubevirt_up; else
         echo "KubeVirt is not built (make kubevirt, or ODOOVPS_KUBEVIRT=on): VMs stay objects"; fi ;;
  esac
  if [ -f "$IMAGE_TAR" ]; then
    echo "importing the operator image $IMAGE_TAR into the node"
    cluster_import_image "$IMAGE_TAR"
    # the backup and restore Jobs run that image, never pulled (no registry)
    version=$(awk -F'[<>]' '/<artifactId>odoovps-operator<\/artifactId>/ {getline; print $3; exit}' pom.xml)
    export ODOOVPS_BACKUP_IMAGE="ghcr.io/odoovps/odoovps-operator:$version"
    export ODOOVPS_BACKUP_IMAGE_PULL_POLICY=Never
  fi
else
  cluster_up_control_plane
  echo "started a control plane without a node ($why): Jobs and CronJobs stay objects"
fi

echo "installing CRDs"
kubectl apply --server-side -f crds/ >/dev/null
IFS=: read -r -a crd_dirs <<<"$UPSTREAM_CRDS"
for d in "${crd_dirs[@]}"; do
  [ -d "$d" ] || { echo "error: $d is missing: run 'make upstream-crds'" >&2; exit 1; }
  # with KubeVirt running, virt-operator has installed its own CRDs (the same release)
  $KUBEVIRT_STARTED && [ "$(basename "$d")" = "kubevirt-crds-$KUBEVIRT_VERSION" ] && continue
  kubectl apply --server-side -f "$d" >/dev/null
done
kubectl wait --for condition=Established crd --all --timeout=60s >/dev/null
kubectl apply --server-side -f config/policies/ >/dev/null

if [ -f "$GREENMAIL_JAR" ]; then
  echo "starting a local SMTP catcher (GreenMail) on 127.0.0.1:$SMTP_PORT"
  java -Dgreenmail.smtp.hostname=127.0.0.1 -Dgreenmail.smtp.port="$SMTP_PORT" \
    -Dgreenmail.api.hostname=127.0.0.1 -Dgreenmail.api.port="$MAIL_API_PORT" -Dgreenmail.auth.disabled \
    -jar "$GREENMAIL_JAR" >"$DIR/logs/greenmail.log" 2>&1 &
  CLUSTER_PIDS+=($!)
fi

echo "starting the operator (log: $DIR/logs/operator.log)"
ODOOVPS_LOCAL_SMTP_PORT=$SMTP_PORT QUARKUS_HTTP_PORT=$HTTP_PORT java ${JAVA_OPTS:-} -jar "$JAR" >"$DIR/logs/operator.log" 2>&1 &
CLUSTER_PIDS+=($!)

echo "applying config/samples/"
kubectl apply -f config/samples/
for _ in $(seq 1 60); do
  phases=$(kubectl get odoovps -A -o jsonpath='{range .items[*]}{.status.phase}{"\n"}{end}' 2>/dev/null | grep -c . || true)
  total=$(kubectl get odoovps -A --no-headers 2>/dev/null | wc -l)
  [ "$total" -gt 0 ] && [ "$phases" -eq "$total" ] && break
  sleep 1
done
echo
kubectl get odoovps,virtualmachines -A
kubectl get backuppolicies,cronjobs -A
if $WITH_NODE; then
  JOBS_NOTE="Its Jobs run as pods on the node; the VirtualMachineExport method needs KubeVirt, which does not run here yet, so a backup pod fails with that error."
else
  JOBS_NOTE="Nothing runs them here: no node."
fi
cat <<MSG

The operator is running against this local control plane. In another shell:
  export KUBECONFIG=$DIR/kubeconfig
  $BIN/kubectl get odoovps -A
  $BIN/kubectl describe odoovps -n odoo-customers acme
No KubeVirt runs here, so VMs stay Provisioning. Play virt-controller to see a VPS become Running
(the operator then emails the customer the Odoo access codes):
  $BIN/kubectl patch vm -n odoo-customers acme --subresource=status --type=merge -p '{"status":{"ready":true,"printableStatus":"Running"}}'
Backups: one CronJob per covered VPS. $JOBS_NOTE
Run one now, or restore:
  $BIN/kubectl create job -n odoo-customers --from=cronjob/backup-daily-offsite-acme acme-now
  $BIN/kubectl get backuppolicy -n odoo-customers daily-offsite -o yaml
Open a support ticket as Alertmanager would (demo token), then list tickets:
  curl -s -H 'Authorization: Bearer local-demo-token' -d '{"version":"4","alerts":[{"status":"firing","labels":{"alertname":"OdooVpsCpuSaturated","namespace":"odoo-customers","vps":"acme","indicator":"cpu"},"annotations":{"summary":"CPU of acme above 90%"},"fingerprint":"1a2b3c4d5e6f"}]}' http://127.0.0.1:$HTTP_PORT/alertmanager/webhook
  $BIN/kubectl get supporttickets -n odoo-customers
Report spam from acme the same way: port 25 is blocked for 24 h (MitigationState), the customer
emailed, and the traffic NetworkPolicy stops allowing port 25; then ask to unblock:
  curl -s -H 'Authorization: Bearer local-demo-token' -d '{"version":"4","alerts":[{"status":"firing","labels":{"alertname":"OdooVpsSpamSuspected","namespace":"odoo-customers","vps":"acme","indicator":"network"},"annotations":{"summary":"spam from acme"},"fingerprint":"5pam5pam5pam"}]}' http://127.0.0.1:$HTTP_PORT/alertmanager/webhook
  $BIN/kubectl get mitigationstates,networkpolicies -n odoo-customers
  $BIN/kubectl patch mitigationstate -n odoo-customers acme --type merge -p '{"spec":{"smtp":{"unblockRequest":"demo-1"}}}'
Mail the operator sent (local SMTP catcher):
  curl -s http://127.0.0.1:$MAIL_API_PORT/api/user/alice@acme.example/messages/INBOX
Operator metrics: http://127.0.0.1:$HTTP_PORT/q/metrics
Ctrl-C stops everything.
MSG
wait -n "${CLUSTER_PIDS[@]}" || true
echo "a component stopped unexpectedly; the logs:"
tail -n 20 "$DIR"/logs/*.log
