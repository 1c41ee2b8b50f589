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
REAL_VPS=false
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
  # KubeVirt on the node: ODOOVPS_KUBEVIRT=auto (default)
  # (built on the first run, about 10 minutes, like the node), off
  if [ "${ODOOVPS_KUBEVIRT:-auto}" != off ]; then
    [ -s "$KUBEVIRT_HOME/images/virt-launcher.tar" ] || {
      echo "building KubeVirt (first run only; ODOOVPS_KUBEVIRT=off skips it)"; bash hack/build-kubevirt.sh; }
    kubevirt_up
  fi
  if $KUBEVIRT_STARTED; then
    # always (cached layers: seconds when nothing changed): a stale image would run old Jobs
    echo "building the operator image (make image): the disk-fill, guest-command, backup and restore Jobs run it"
    make image >"$DIR/logs/make-image.log" 2>&1 || { echo "make image failed: $DIR/logs/make-image.log" >&2; exit 1; }
  fi
  if [ -f "$IMAGE_TAR" ]; then
    echo "importing the operator image $IMAGE_TAR into the node"
    cluster_import_image "$IMAGE_TAR"
    # the backup and restore Jobs run that image, never pulled (no registry)
    version=$(awk -F'[<>]' '/<artifactId>odoovps-operator<\/artifactId>/ {getline; print $3; exit}' pom.xml)
    export ODOOVPS_BACKUP_IMAGE="ghcr.io/odoovps/odoovps-operator:$version"
    export ODOOVPS_BACKUP_IMAGE_PULL_POLICY=Never
  fi
  if $KUBEVIRT_STARTED && [ -f "$IMAGE_TAR" ]; then
    # real VPSs: no CDI here, so the operator makes each disk claim and fills it from the provider
    # image (make guest-image), served with the stand-in Odoo's repository on the node's address
    echo "building the guest image and the Odoo stand-in repository (cached after the first run)"
    bash hack/build-guest-image.sh | tail -n 1
    bash hack/build-odoo-standin.sh | tail -n 1
    GUEST_PORT=$(free_port)
    python3 -m http.server "$GUEST_PORT" --bind "$API_ADDRESS" --directory target/guest \
      >"$DIR/logs/guest-files.log" 2>&1 &
    CLUSTER_PIDS+=($!)
    ssh-keygen -q -t ed25519 -N '' -C provider-local -f "$DIR/provider_ed25519"
    export ODOOVPS_VM_DISK_PROVISIONING=PersistentVolumeClaim
    export ODOOVPS_VM_IMAGE="http://$API_ADDRESS:$GUEST_PORT/disk.qcow2"
    export ODOOVPS_VM_STORAGE_CLASS=odoovps-local
    export ODOOVPS_ODOO_REPOSITORY="[trusted=yes] http://$API_ADDRESS:$GUEST_PORT/standin-repo/ ./"
    ODOOVPS_PROVIDER_SSH_AUTHORIZED_KEYS=$(cat "$DIR/provider_ed25519.pub")
    export ODOOVPS_PROVIDER_SSH_AUTHORIZED_KEYS
    REAL_VPS=true
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
  # with KubeVirt running, virt-operator has installed its own CRDs (the same release); and no
  # CDI runs here, so none of its CRDs either: with the DataVolume CRD alone, virt-controller
  # takes CDI for installed, waits for informers of CDI kinds that are not served ("Failed to
  # watch *v1beta1.DataSource") and never starts a VM (seen)
  $KUBEVIRT_STARTED && [ "$(basename "$d")" = "kubevirt-crds-$KUBEVIRT_VERSION" ] && continue
  $KUBEVIRT_STARTED && [[ $(basename "$d") == cdi-crds-* ]] && continue
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
if $REAL_VPS; then
  # one hostPath volume per sample VPS, owned by KubeVirt's qemu user, bound to its disk claim
  kubectl get odoovps -A -o jsonpath='{range .items[*]}{.metadata.namespace} {.metadata.name}{"\n"}{end}' |
    while read -r ns name; do
      vol="$DIR/volumes/$ns-$name"
      mkdir -p "$vol" && chown 107:107 "$vol"
      kubectl apply -f - >/dev/null <<PV
apiVersion: v1
kind: PersistentVolume
metadata: {name: $ns-$name-disk}
spec:
  capacity: {storage: 1Ti}
  accessModes: [ReadWriteOnce]
  storageClassName: odoovps-local
  persistentVolumeReclaimPolicy: Retain
  hostPath: {path: $vol, type: Directory}
  claimRef: {namespace: $ns, name: $name-disk}
PV
    done
fi
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
  JOBS_NOTE="Its Jobs run as pods on the node; the VirtualMachineExport method needs KubeVirt's export server and proxy and a volume snapshot, which this node does not have, so a backup pod fails with that error."
else
  JOBS_NOTE="Nothing runs them here: no node."
fi
if $REAL_VPS; then
  VM_NOTE="KubeVirt runs on the node (software emulation here): each VPS's disk is filled from the
guest image, then its VM boots, cloud-init installs the Odoo stand-in, and the VPS turns Running
once Odoo answers on 443 (minutes under emulation; the customer is then emailed the access codes):
  $BIN/kubectl get odoovps,vm,vmi -A -w
Reach a VPS at its VM's address on the pod network (the node routes it):
  ip=\$($BIN/kubectl get vmi -n odoo-customers acme -o jsonpath='{.status.interfaces[0].ipAddress}')
  curl -k https://\$ip/web/login
  ssh -i $DIR/provider_ed25519 -o StrictHostKeyChecking=no root@\$ip
Its console: $BIN/kubectl logs -n odoo-customers -l vm.kubevirt.io/name=acme -c guest-console-log -f"
elif $KUBEVIRT_STARTED; then
  VM_NOTE="KubeVirt runs on the node, but without the operator image (make image) no disk is filled."
else
  VM_NOTE="No KubeVirt runs here, so VMs stay Provisioning. Play virt-controller to see a VPS become Running
(the operator then emails the customer the Odoo access codes):
  $BIN/kubectl patch vm -n odoo-customers acme --subresource=status --type=merge -p '{\"status\":{\"ready\":true,\"printableStatus\":\"Running\"}}'"
fi
cat <<MSG

The operator is running against this local control plane. In another shell:
  export KUBECONFIG=$DIR/kubeconfig
  $BIN/kubectl get odoovps -A
  $BIN/kubectl describe odoovps -n odoo-customers acme
$VM_NOTE
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
