#!/usr/bin/env bash
# `make run`: a throw-away local control plane (etcd, kube-apiserver, kube-controller-manager on
# loopback, free ports, data in a temporary folder), the CRDs, the operator, and the sample VPSs.
# Ctrl-C stops everything and removes the folder.
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

DIR=$(mktemp -d -t odoovps-run-XXXXXX)
PIDS=()
cleanup() {
  trap - INT TERM EXIT
  [ -d "$DIR" ] || return 0
  echo
  echo "stopping operator and control plane..."
  for ((i=${#PIDS[@]}-1; i>=0; i--)); do kill "${PIDS[$i]}" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$DIR"
  echo "stopped; $DIR removed"
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT TERM

free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 20000))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
  done
}

ETCD_PORT=$(free_port); ETCD_PEER_PORT=$(free_port); API_PORT=$(free_port); HTTP_PORT=$(free_port)
SMTP_PORT=$(free_port); MAIL_API_PORT=$(free_port)
GREENMAIL_JAR=target/tools/greenmail-standalone.jar
TOKEN=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
mkdir -p "$DIR/pki" "$DIR/etcd"
echo "$TOKEN,admin,admin,\"system:masters\"" > "$DIR/tokens.csv"
openssl genrsa -out "$DIR/pki/sa.key" 2048 2>/dev/null
openssl rsa -in "$DIR/pki/sa.key" -pubout -out "$DIR/pki/sa.pub" 2>/dev/null
cat > "$DIR/kubeconfig" <<KCFG
apiVersion: v1
kind: Config
clusters:
- name: local
  cluster:
    server: https://127.0.0.1:$API_PORT
    insecure-skip-tls-verify: true
users:
- name: admin
  user:
    token: $TOKEN
contexts:
- name: local
  context: {cluster: local, user: admin}
current-context: local
KCFG
export KUBECONFIG="$DIR/kubeconfig"
kubectl() { "$BIN/kubectl" "$@"; }

echo "control plane data in $DIR (logs: *.log)"
"$BIN/etcd" --name default --data-dir "$DIR/etcd" \
  --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
  --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
  --initial-cluster "default=http://127.0.0.1:$ETCD_PEER_PORT" --unsafe-no-fsync >"$DIR/etcd.log" 2>&1 &
PIDS+=($!)

"$BIN/kube-apiserver" --etcd-servers "http://127.0.0.1:$ETCD_PORT" \
  --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$API_PORT" \
  --cert-dir "$DIR/pki" --token-auth-file "$DIR/tokens.csv" --authorization-mode RBAC \
  --service-account-issuer https://kubernetes.default.svc --service-account-key-file "$DIR/pki/sa.pub" \
  --service-account-signing-key-file "$DIR/pki/sa.key" --service-cluster-ip-range 10.96.0.0/24 \
  --disable-admission-plugins ServiceAccount --allow-privileged >"$DIR/kube-apiserver.log" 2>&1 &
PIDS+=($!)

printf "waiting for kube-apiserver on 127.0.0.1:%s " "$API_PORT"
for _ in $(seq 1 120); do
  kubectl get --raw /readyz >/dev/null 2>&1 && break
  printf "."; sleep 1
done
echo
kubectl get --raw /readyz >/dev/null || { echo "kube-apiserver did not become ready; see $DIR/kube-apiserver.log" >&2; exit 1; }

"$BIN/kube-controller-manager" --kubeconfig "$DIR/kubeconfig" --leader-elect=false \
  --service-account-private-key-file "$DIR/pki/sa.key" --root-ca-file "$DIR/pki/apiserver.crt" \
  --use-service-account-credentials=false --secure-port 0 >"$DIR/kube-controller-manager.log" 2>&1 &
PIDS+=($!)

echo "installing CRDs"
kubectl apply --server-side -f crds/ >/dev/null
IFS=: read -r -a crd_dirs <<<"$UPSTREAM_CRDS"
for d in "${crd_dirs[@]}"; do
  [ -d "$d" ] || { echo "error: $d is missing: run 'make upstream-crds'" >&2; exit 1; }
  kubectl apply --server-side -f "$d" >/dev/null
done
kubectl wait --for condition=Established crd --all --timeout=60s >/dev/null
kubectl apply --server-side -f config/policies/ >/dev/null

if [ -f "$GREENMAIL_JAR" ]; then
  echo "starting a local SMTP catcher (GreenMail) on 127.0.0.1:$SMTP_PORT"
  java -Dgreenmail.smtp.hostname=127.0.0.1 -Dgreenmail.smtp.port="$SMTP_PORT" \
    -Dgreenmail.api.hostname=127.0.0.1 -Dgreenmail.api.port="$MAIL_API_PORT" -Dgreenmail.auth.disabled \
    -jar "$GREENMAIL_JAR" >"$DIR/greenmail.log" 2>&1 &
  PIDS+=($!)
fi

echo "starting the operator (log: $DIR/operator.log)"
ODOOVPS_LOCAL_SMTP_PORT=$SMTP_PORT QUARKUS_HTTP_PORT=$HTTP_PORT java ${JAVA_OPTS:-} -jar "$JAR" >"$DIR/operator.log" 2>&1 &
PIDS+=($!)

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
cat <<MSG

The operator is running against this local control plane. In another shell:
  export KUBECONFIG=$DIR/kubeconfig
  $BIN/kubectl get odoovps -A
  $BIN/kubectl describe odoovps -n odoo-customers acme
No KubeVirt runs here, so VMs stay Provisioning. Play virt-controller to see a VPS become Running
(the operator then emails the customer the Odoo access codes):
  $BIN/kubectl patch vm -n odoo-customers acme --subresource=status --type=merge -p '{"status":{"ready":true,"printableStatus":"Running"}}'
Backups: one CronJob per covered VPS (nothing runs them here: no kubelet). Run one now, or restore:
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
wait -n "${PIDS[@]}" || true
echo "a component stopped unexpectedly; its log:"
tail -n 20 "$DIR"/*.log
