#!/usr/bin/env bash
# `make kubevirt-smoke`: boots real VMs on the local node under KubeVirt and prints what it saw.
# Starts a throw-away cluster with a node (hack/lib/cluster.sh), installs KubeVirt
# (hack/lib/kubevirt.sh), then creates two VirtualMachines (runStrategy Always, 1 vCPU, 256Mi,
# masquerade binding on the pod network, a tcpSocket readinessProbe on the guest's port 80) that
# boot the smoke guest of hack/build-kubevirt.sh:
#   smoke-cd    its disk a containerDisk (localhost/odoovps/kubevirt-smoke-guest:1, /disk/disk.img)
#   smoke-pvc   its disk a Filesystem-mode PVC on a hostPath PersistentVolume holding disk.img (raw,
#               owned by 107:107, KubeVirt's qemu user)
# and checks for each: VMI phase Running, the guest kernel's lines on the serial console (the
# launcher's guest-console-log container), the guest's DHCP address (from the launcher's DHCP
# server) on the console, the VMI Ready through the readiness probe, and the guest agent channel
# in the libvirt domain. Times each step. Stops and removes everything at the end
# (ODOOVPS_SMOKE_KEEP=true keeps the cluster up until Ctrl-C).
set -euo pipefail
cd "$(dirname "$0")/.."

source hack/lib/cluster.sh
source hack/lib/kubevirt.sh
if ! why=$(node_possible); then echo "error: no node possible here: $why" >&2; exit 1; fi
CLUSTER_DIR=$(mktemp -d -t odoovps-kvsmoke-XXXXXX)
PV_DIR="$CLUSTER_DIR/pv-smoke"
keep=${ODOOVPS_SMOKE_KEEP:-false}
finish() {
  trap - INT TERM EXIT
  if [ "$keep" = true ]; then
    echo "ODOOVPS_SMOKE_KEEP=true: the cluster stays up (KUBECONFIG=$CLUSTER_DIR/kubeconfig); Ctrl-C stops it"
    sleep infinity || true
  fi
  cluster_down
}
trap finish EXIT
trap 'finish; exit 130' INT TERM

t0=$(date +%s)
echo "cluster data and logs in $CLUSTER_DIR"
cluster_up_control_plane reachable
cluster_up_node
echo "cluster with a node up in $(( $(date +%s) - t0 )) s"
kubevirt_up
echo "APIService v1.subresources.kubevirt.io: $(kubectl get apiservice v1.subresources.kubevirt.io -o jsonpath='{.status.conditions[?(@.type=="Available")].status}')"

# the PVC's disk: a hostPath PersistentVolume holding disk.img, owned by qemu (107)
mkdir -p "$PV_DIR"
cp "$KUBEVIRT_HOME/guest/disk.img" "$PV_DIR/disk.img"
chown -R 107:107 "$PV_DIR"
chmod 0775 "$PV_DIR"
vm() { # vm <name> <volume yaml>
  cat <<YAML
apiVersion: kubevirt.io/v1
kind: VirtualMachine
metadata: {name: $1, namespace: default}
spec:
  runStrategy: Always
  template:
    metadata: {labels: {app: $1}}
    spec:
      terminationGracePeriodSeconds: 5
      domain:
        cpu: {cores: 1, sockets: 1, threads: 1}
        memory: {guest: 256Mi}
        resources: {requests: {memory: 256Mi}}
        devices:
          disks: [{name: root, disk: {bus: virtio}}]
          interfaces: [{name: default, masquerade: {}}]
      networks: [{name: default, pod: {}}]
      readinessProbe:
        tcpSocket: {port: 80}
        initialDelaySeconds: 5
        periodSeconds: 5
        failureThreshold: 60
      volumes:
      - name: root
$2
YAML
}
kubectl apply -f - >/dev/null <<YAML
apiVersion: v1
kind: PersistentVolume
metadata: {name: smoke-pvc-disk}
spec:
  capacity: {storage: 128Mi}
  accessModes: [ReadWriteOnce]
  persistentVolumeReclaimPolicy: Retain
  storageClassName: ""
  volumeMode: Filesystem
  hostPath: {path: $PV_DIR, type: Directory}
  claimRef: {namespace: default, name: smoke-pvc-disk}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: smoke-pvc-disk, namespace: default}
spec:
  accessModes: [ReadWriteOnce]
  storageClassName: ""
  volumeMode: Filesystem
  volumeName: smoke-pvc-disk
  resources: {requests: {storage: 128Mi}}
YAML
declare -A created
for name in smoke-cd smoke-pvc; do
  if [ "$name" = smoke-cd ]; then
    volume="        containerDisk: {image: localhost/odoovps/kubevirt-smoke-guest:1, imagePullPolicy: IfNotPresent}"
  else
    volume="        persistentVolumeClaim: {claimName: smoke-pvc-disk}"
  fi
  vm "$name" "$volume" | kubectl apply -f - >/dev/null
  created[$name]=$(date +%s)
  echo "created VirtualMachine $name"
done

status=0
vmi_phase() { kubectl get vmi -n default "$1" -o jsonpath='{.status.phase}' 2>/dev/null; }
vmi_ready() { kubectl get vmi -n default "$1" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null; }
console() { kubectl logs -n default "$(kubectl get pods -n default -l "vm.kubevirt.io/name=$1" -o name | head -n1)" -c guest-console-log 2>/dev/null; }
# both VMs are watched together, once a second: the first time each step is seen, in seconds after
# its VirtualMachine was created
declare -A seen
steps=(running kernel guest-ready vmi-ready)
for _ in $(seq 1 600); do
  left=0
  for name in smoke-cd smoke-pvc; do
    now=$(( $(date +%s) - ${created[$name]} ))
    [ -z "${seen[$name/running]:-}" ] && [ "$(vmi_phase "$name")" = Running ] && seen[$name/running]=$now
    if [ -z "${seen[$name/kernel]:-}" ] || [ -z "${seen[$name/guest-ready]:-}" ]; then
      out=$(console "$name" || true)
      [ -z "${seen[$name/kernel]:-}" ] && grep -q 'ODOOVPS-GUEST: kernel' <<<"$out" && seen[$name/kernel]=$now
      [ -z "${seen[$name/guest-ready]:-}" ] && grep -q 'ODOOVPS-GUEST: ready' <<<"$out" && seen[$name/guest-ready]=$now
    fi
    [ -z "${seen[$name/vmi-ready]:-}" ] && [ "$(vmi_ready "$name")" = True ] && seen[$name/vmi-ready]=$now
    for st in "${steps[@]}"; do [ -n "${seen[$name/$st]:-}" ] || left=1; done
  done
  [ "$left" = 0 ] && break
  sleep 1
done
for name in smoke-cd smoke-pvc; do
  echo "$name: VMI Running ${seen[$name/running]:-never} s, guest kernel booted (console) ${seen[$name/kernel]:-never} s, guest init done (DHCP, httpd) ${seen[$name/guest-ready]:-never} s, VMI Ready (readiness probe tcpSocket :80) ${seen[$name/vmi-ready]:-never} s after the VM was created"
  for st in "${steps[@]}"; do [ -n "${seen[$name/$st]:-}" ] || status=1; done
  echo "--- $name: serial console (guest-console-log), ODOOVPS lines and the kernel's first:"
  console "$name" | grep -E "ODOOVPS|Linux version" | head -n 20 || true
  echo "--- $name: VMI interfaces: $(kubectl get vmi -n default "$name" -o jsonpath='{.status.interfaces}')"
  pod=$(kubectl get pods -n default -l "vm.kubevirt.io/name=$name" -o name | head -n1)
  echo "--- $name: the domain's machine, disks and channels ($pod, virsh dumpxml in the compute container):"
  kubectl exec -n default "$pod" -c compute -- virsh -c 'qemu+unix:///session?socket=/var/run/libvirt/virtqemud-sock' \
    dumpxml "default_$name" 2>&1 | grep -E "<channel|org.qemu.guest_agent|<source file|<emulator|<type arch|<driver name='qemu'" | head -n 12 || true
done
echo "--- from a pod on the pod network: HTTP GET / to each launcher pod's address, port 80 (masquerade to the guest)"
ips=$(kubectl get pods -n default -l kubevirt.io=virt-launcher -o jsonpath='{.items[*].status.podIP}')
kubectl run -n default smoke-http --image=localhost/busybox:1 --image-pull-policy=Never --restart=Never --command -- \
  sh -c "for ip in $ips; do printf 'GET / HTTP/1.0\r\n\r\n' | nc -w 5 \$ip 80 | grep -E '^HTTP|smoke' | sed \"s/^/\$ip: /\"; done" >/dev/null
pod_done() { [ "$(kubectl get pod -n default "$1" -o jsonpath='{.status.phase}')" = Succeeded ]; }
cluster_wait 60 "the HTTP check pod" pod_done smoke-http || status=1
kubectl logs -n default smoke-http 2>&1 | head -n 6 || true
echo "--- the aggregated API (subresources.kubevirt.io): guestosinfo of smoke-cd (the smoke guest has no qemu-guest-agent)"
kubectl get --raw /apis/subresources.kubevirt.io/v1/namespaces/default/virtualmachineinstances/smoke-cd/guestosinfo 2>&1 | head -n 3 || true
kubectl get vm,vmi -n default -o wide
echo "smoke test: exit $status after $(( $(date +%s) - t0 )) s"
mkdir -p target/kubevirt-smoke
cp -r "$CLUSTER_DIR/logs/." target/kubevirt-smoke/ 2>/dev/null || true
for name in smoke-cd smoke-pvc; do
  console "$name" >"target/kubevirt-smoke/console-$name.log" 2>&1 || true
  kubectl get vmi -n default "$name" -o yaml >"target/kubevirt-smoke/vmi-$name.yaml" 2>&1 || true
  kubectl logs -n default -l "vm.kubevirt.io/name=$name" -c compute --tail=300 >"target/kubevirt-smoke/launcher-$name.log" 2>&1 || true
done
kubectl get pods -A -o wide >target/kubevirt-smoke/pods.txt 2>&1 || true
kubectl -n kubevirt get kv kubevirt -o yaml >target/kubevirt-smoke/kubevirt-cr.yaml 2>&1 || true
exit "$status"
