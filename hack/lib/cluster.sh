# A throw-away local cluster, as shell functions for hack/run-local.sh (`make run`) and
# hack/e2e.sh (`make e2e`); sourced, not run. Everything lives in one folder ($CLUSTER_DIR) and is
# removed by cluster_down, with every process, mount, network device, network namespace and
# iptables rule the node made (the rules are saved before the node starts and put back after).
#
#   cluster_up_control_plane   etcd, kube-apiserver, kube-controller-manager, kube-scheduler;
#                              kubeconfig in $CLUSTER_DIR/kubeconfig
#   node_possible              prints why not, and fails, when this machine cannot run a node
#   cluster_up_node            containerd (Debian's 1.6, runc 1.1), kubelet, kube-proxy (iptables),
#                              the bridge CNI with portmap and bandwidth chained, kube-router as
#                              the NetworkPolicy engine (iptables and ipset), kube-vip for the
#                              LoadBalancer Services (addresses and egress SNAT), CoreDNS
#   cluster_import_image FILE  a docker-archive tarball into the node's containerd
#   cluster_down               stops and removes all of it (and KubeVirt's leftovers, through
#                              kubevirt_down of hack/lib/kubevirt.sh when that is sourced)
#
# The kubelet's root is /var/lib/kubelet, not a folder under $CLUSTER_DIR: KubeVirt's virt-handler
# has that path built in (pods/, device-plugins/kubelet.sock), so one node at a time runs on a
# machine; cluster_up_node refuses to start while another uses it. It is bind-mounted on itself
# and made a shared mount (Bidirectional mount propagation needs one; / is private here), and
# cluster_down unmounts and removes it.
# The API server has a front proxy (its aggregation layer's client certificate and the request
# header CA), so that aggregated APIs such as KubeVirt's subresources.kubevirt.io are served.
#
# Inputs: K8S_VERSION, KUBE_API_TEST_DIR, ODOOVPS_TOOLS_DIR (as the Makefile sets them).

: "${K8S_VERSION:=1.34.4}"
: "${KUBE_API_TEST_DIR:=$HOME/.kubeapitest}"
: "${ODOOVPS_TOOLS_DIR:=$HOME/.cache/odoovps-tools}"
CP_BIN="$KUBE_API_TEST_DIR/k8s/${K8S_VERSION}-linux-amd64"
NODE_HOME="$ODOOVPS_TOOLS_DIR/node-${K8S_VERSION}"
# Services: a /16, room for the samples and a few thousand VPSs (each has a LoadBalancer Service)
SERVICE_CIDR="${SERVICE_CIDR:-10.96.0.0/16}"
CLUSTER_DNS=10.96.0.10
POD_CIDR="${POD_CIDR:-10.244.0.0/24}"
NODE_NAME=odoovps-node
KUBELET_ROOT=/var/lib/kubelet
CLUSTER_PIDS=()
NODE_STARTED=false

kubectl() { "$CP_BIN/kubectl" --kubeconfig "$CLUSTER_DIR/kubeconfig" "$@"; }

free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 20000))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
  done
}

# The address pods reach the API server on: the host's first global IPv4 (kube-proxy maps the
# `kubernetes` Service to it). Without a node, loopback.
host_ip() {
  ip -4 -o addr show scope global 2>/dev/null | awk '{print $4}' | cut -d/ -f1 | head -n1
}

cluster_wait() { # cluster_wait <seconds> <what> <command...>
  local seconds=$1 what=$2
  shift 2
  for _ in $(seq 1 "$seconds"); do "$@" >/dev/null 2>&1 && return 0; sleep 1; done
  echo "error: $what did not come up; logs in $CLUSTER_DIR/logs" >&2
  return 1
}

# cluster_up_control_plane [reachable]: with "reachable", the API server listens on the host's
# address too (a node's pods must reach it), else on loopback only.
cluster_up_control_plane() {
  local reachable=${1:-}
  mkdir -p "$CLUSTER_DIR/pki" "$CLUSTER_DIR/etcd" "$CLUSTER_DIR/logs"
  local etcd_port etcd_peer api_port
  etcd_port=$(free_port); etcd_peer=$(free_port); api_port=$(free_port)
  API_ADDRESS=127.0.0.1
  local bind=127.0.0.1
  if [ "$reachable" = reachable ]; then
    API_ADDRESS=$(host_ip)
    bind=0.0.0.0
  fi
  API_PORT=$api_port
  CLUSTER_TOKEN=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
  echo "$CLUSTER_TOKEN,admin,admin,\"system:masters\"" >"$CLUSTER_DIR/tokens.csv"
  openssl genrsa -out "$CLUSTER_DIR/pki/sa.key" 2048 2>/dev/null
  openssl rsa -in "$CLUSTER_DIR/pki/sa.key" -pubout -out "$CLUSTER_DIR/pki/sa.pub" 2>/dev/null
  # a CA for the kubelet's client authentication, and the API server's client certificate
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=odoovps-local-ca" \
    -keyout "$CLUSTER_DIR/pki/ca.key" -out "$CLUSTER_DIR/pki/ca.crt" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/O=system:masters/CN=kube-apiserver-kubelet-client" \
    -keyout "$CLUSTER_DIR/pki/kubelet-client.key" -out "$CLUSTER_DIR/pki/kubelet-client.csr" 2>/dev/null
  openssl x509 -req -in "$CLUSTER_DIR/pki/kubelet-client.csr" -CA "$CLUSTER_DIR/pki/ca.crt" \
    -CAkey "$CLUSTER_DIR/pki/ca.key" -CAcreateserial -days 2 \
    -out "$CLUSTER_DIR/pki/kubelet-client.crt" 2>/dev/null
  # the aggregation layer: a CA for the request headers, and the front proxy's client certificate
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=odoovps-front-proxy-ca" \
    -keyout "$CLUSTER_DIR/pki/front-proxy-ca.key" -out "$CLUSTER_DIR/pki/front-proxy-ca.crt" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=front-proxy-client" \
    -keyout "$CLUSTER_DIR/pki/front-proxy-client.key" -out "$CLUSTER_DIR/pki/front-proxy-client.csr" 2>/dev/null
  openssl x509 -req -in "$CLUSTER_DIR/pki/front-proxy-client.csr" -CA "$CLUSTER_DIR/pki/front-proxy-ca.crt" \
    -CAkey "$CLUSTER_DIR/pki/front-proxy-ca.key" -CAcreateserial -days 2 \
    -out "$CLUSTER_DIR/pki/front-proxy-client.crt" 2>/dev/null
  cat >"$CLUSTER_DIR/kubeconfig" <<KCFG
apiVersion: v1
kind: Config
clusters:
- name: local
  cluster:
    server: https://$API_ADDRESS:$api_port
    insecure-skip-tls-verify: true
users:
- name: admin
  user:
    token: $CLUSTER_TOKEN
contexts:
- name: local
  context: {cluster: local, user: admin}
current-context: local
KCFG
  cat >"$CLUSTER_DIR/audit-policy.yaml" <<'AUDIT'
apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: ["RequestReceived"]
rules:
- level: Metadata
  userGroups: ["system:serviceaccounts"]
- level: None
AUDIT
  "$CP_BIN/etcd" --name default --data-dir "$CLUSTER_DIR/etcd" \
    --listen-client-urls "http://127.0.0.1:$etcd_port" --advertise-client-urls "http://127.0.0.1:$etcd_port" \
    --listen-peer-urls "http://127.0.0.1:$etcd_peer" --initial-advertise-peer-urls "http://127.0.0.1:$etcd_peer" \
    --initial-cluster "default=http://127.0.0.1:$etcd_peer" --unsafe-no-fsync >"$CLUSTER_DIR/logs/etcd.log" 2>&1 &
  CLUSTER_PIDS+=($!)
  "$CP_BIN/kube-apiserver" --etcd-servers "http://127.0.0.1:$etcd_port" \
    --bind-address "$bind" --advertise-address "$API_ADDRESS" --secure-port "$api_port" \
    --cert-dir "$CLUSTER_DIR/pki" --token-auth-file "$CLUSTER_DIR/tokens.csv" --authorization-mode Node,RBAC \
    --service-account-issuer https://kubernetes.default.svc --service-account-key-file "$CLUSTER_DIR/pki/sa.pub" \
    --service-account-signing-key-file "$CLUSTER_DIR/pki/sa.key" --service-cluster-ip-range "$SERVICE_CIDR" \
    --kubelet-client-certificate "$CLUSTER_DIR/pki/kubelet-client.crt" \
    --kubelet-client-key "$CLUSTER_DIR/pki/kubelet-client.key" \
    --kubelet-preferred-address-types InternalIP --allow-privileged \
    --requestheader-client-ca-file "$CLUSTER_DIR/pki/front-proxy-ca.crt" \
    --requestheader-allowed-names front-proxy-client --requestheader-username-headers X-Remote-User \
    --requestheader-group-headers X-Remote-Group --requestheader-extra-headers-prefix X-Remote-Extra- \
    --proxy-client-cert-file "$CLUSTER_DIR/pki/front-proxy-client.crt" \
    --proxy-client-key-file "$CLUSTER_DIR/pki/front-proxy-client.key" --enable-aggregator-routing=true \
    --audit-policy-file "$CLUSTER_DIR/audit-policy.yaml" --audit-log-path "$CLUSTER_DIR/audit.log" \
    --audit-log-format json --audit-log-mode blocking \
    >"$CLUSTER_DIR/logs/kube-apiserver.log" 2>&1 &
  CLUSTER_PIDS+=($!)
  printf "waiting for kube-apiserver on %s:%s " "$API_ADDRESS" "$api_port"
  cluster_wait 120 kube-apiserver kubectl get --raw /readyz || return 1
  echo ok
  "$CP_BIN/kube-controller-manager" --kubeconfig "$CLUSTER_DIR/kubeconfig" --leader-elect=false \
    --service-account-private-key-file "$CLUSTER_DIR/pki/sa.key" --root-ca-file "$CLUSTER_DIR/pki/apiserver.crt" \
    --use-service-account-credentials=false --secure-port 0 \
    >"$CLUSTER_DIR/logs/kube-controller-manager.log" 2>&1 &
  CLUSTER_PIDS+=($!)
}

# Prints why this machine cannot run a node, and fails; silent and true when it can.
node_possible() {
  if [ "$(id -u)" != 0 ]; then echo "not root"; return 1; fi
  if [ ! -d /sys/fs/cgroup ] || [ -z "$(ls /sys/fs/cgroup 2>/dev/null)" ]; then echo "no cgroups"; return 1; fi
  if ! grep -qw overlay /proc/filesystems 2>/dev/null; then echo "no overlayfs"; return 1; fi
  if ! ip netns add odoovps-probe 2>/dev/null; then echo "no network namespaces"; return 1; fi
  ip netns del odoovps-probe
  if [ -z "$(host_ip)" ]; then echo "no global IPv4 address for the API server"; return 1; fi
  if [ ! -x "$NODE_HOME/bin/kubelet" ]; then echo "the node is not built (make node)"; return 1; fi
  return 0
}

cluster_up_node() {
  local w="$CLUSTER_DIR/node"
  local owner
  owner=$(cat "$KUBELET_ROOT/.odoovps-cluster" 2>/dev/null || true)
  if pgrep -f -- "--root-dir $KUBELET_ROOT" >/dev/null || grep -q " $KUBELET_ROOT[ /]" /proc/mounts \
    || { [ -n "$owner" ] && [ -d "$owner" ]; }; then
    echo "error: $KUBELET_ROOT is in use (another node runs on this machine, or one left mounts): stop it first" >&2
    return 1
  fi
  mkdir -p "$w/cni/net.d" "$w/pod-logs" "$CLUSTER_DIR/logs"
  # a clean kubelet root, on a shared mount of its own (Bidirectional propagation needs it)
  rm -rf "$KUBELET_ROOT"
  mkdir -p "$KUBELET_ROOT"
  mount --bind "$KUBELET_ROOT" "$KUBELET_ROOT"
  mount --make-rshared "$KUBELET_ROOT"
  echo "$CLUSTER_DIR" >"$KUBELET_ROOT/.odoovps-cluster"
  export PATH="$NODE_HOME/bin:$NODE_HOME/debian/usr/bin:$NODE_HOME/debian/usr/sbin:$PATH"
  # the rules this machine had before the node, put back by cluster_down
  iptables-save >"$w/iptables.before" 2>/dev/null || true
  ip6tables-save >"$w/ip6tables.before" 2>/dev/null || true
  echo 1 >/proc/sys/net/ipv4/ip_forward
  modprobe br_netfilter 2>/dev/null || true
  [ -w /proc/sys/net/bridge/bridge-nf-call-iptables ] && echo 1 >/proc/sys/net/bridge/bridge-nf-call-iptables
  NODE_STARTED=true
  cat >"$w/containerd.toml" <<TOML
version = 2
root = "$w/containerd/root"
state = "$w/containerd/state"
[grpc]
  address = "$w/containerd.sock"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "registry.k8s.io/pause:3.6"
  # no CAP_SYS_RESOURCE here: runc cannot lower oom_score_adj (docs/node.md)
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "$NODE_HOME/cni"
    conf_dir = "$w/cni/net.d"
  [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
    runtime_type = "io.containerd.runc.v2"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
      BinaryName = "$NODE_HOME/debian/usr/sbin/runc"
TOML
  cat >"$w/cni/net.d/10-odoovps.conflist" <<CNI
{"cniVersion": "1.0.0", "name": "odoovps-pods", "plugins": [
  {"type": "bridge", "bridge": "odoovps0", "isGateway": true, "ipMasq": true, "hairpinMode": true,
   "ipam": {"type": "host-local", "ranges": [[{"subnet": "$POD_CIDR"}]], "routes": [{"dst": "0.0.0.0/0"}],
            "dataDir": "$w/cni/ipam"}},
  {"type": "portmap", "capabilities": {"portMappings": true}},
  {"type": "bandwidth", "capabilities": {"bandwidth": true}}]}
CNI
  # containerd is PID 1 of a PID namespace of its own, so the node's hostPID pods see it as PID 1:
  # this machine's real PID 1 holds capabilities we lack (CAP_SYS_RESOURCE), and opening its
  # /proc/1/ns/mnt or /proc/1/root is refused ("permission denied"), which KubeVirt's virt-handler
  # does (virt-chroot --mount /proc/1/ns/mnt). It needs a /proc of that namespace (containerd
  # reads /proc/<its pid>/task/<tid>/ns/net), hence a mount namespace of its own too, a copy of
  # the machine's with every mount shared: containers' Bidirectional mounts (KubeVirt's
  # /var/run/kubevirt) need a shared mount, and the machine's / is private. The kubelet root,
  # already a shared mount, stays a peer of the machine's, so kubelet's volume mounts reach the
  # containers. Everything containerd mounts (snapshots, KubeVirt's disks) ends with its namespace.
  unshare --pid --mount --mount-proc --propagation shared --kill-child=SIGTERM -- \
    containerd --config "$w/containerd.toml" \
    >"$CLUSTER_DIR/logs/containerd.log" 2>&1 &
  CLUSTER_PIDS+=($!)
  cluster_wait 30 containerd test -S "$w/containerd.sock" || return 1
  for image in pause coredns busybox; do cluster_import_image "$NODE_HOME/images/$image.tar"; done
  cat >"$w/kubelet.yaml" <<YAML
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
# cgroups v1 (hybrid) and PID 1 is not systemd: the cgroupfs driver, and v1 allowed (docs/node.md)
cgroupDriver: cgroupfs
failCgroupV1: false
failSwapOn: false
containerRuntimeEndpoint: unix://$w/containerd.sock
podLogsDir: $w/pod-logs
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: $CLUSTER_DIR/pki/ca.crt}
authorization: {mode: Webhook}
clusterDNS: [$CLUSTER_DNS]
clusterDomain: cluster.local
podCIDR: $POD_CIDR
maxPods: 250
serializeImagePulls: false
evictionHard: {memory.available: "100Mi"}
YAML
  "$NODE_HOME/bin/kubelet" --kubeconfig "$CLUSTER_DIR/kubeconfig" --config "$w/kubelet.yaml" \
    --root-dir "$KUBELET_ROOT" --hostname-override "$NODE_NAME" --node-ip "$API_ADDRESS" \
    >"$CLUSTER_DIR/logs/kubelet.log" 2>&1 &
  CLUSTER_PIDS+=($!)
  local proxy_health
  proxy_health=$(free_port)
  "$NODE_HOME/bin/kube-proxy" --kubeconfig "$CLUSTER_DIR/kubeconfig" --cluster-cidr "$POD_CIDR" \
    --hostname-override "$NODE_NAME" --proxy-mode iptables \
    --metrics-bind-address "127.0.0.1:$(free_port)" --healthz-bind-address "127.0.0.1:$proxy_health" \
    >"$CLUSTER_DIR/logs/kube-proxy.log" 2>&1 &
  CLUSTER_PIDS+=($!)
  "$NODE_HOME/bin/kube-scheduler" --kubeconfig "$CLUSTER_DIR/kubeconfig" --leader-elect=false --secure-port 0 \
    >"$CLUSTER_DIR/logs/kube-scheduler.log" 2>&1 &
  CLUSTER_PIDS+=($!)
  printf "waiting for kube-proxy "
  cluster_wait 60 kube-proxy curl -sf "http://127.0.0.1:$proxy_health/healthz" || return 1
  echo ok
  printf "waiting for node %s " "$NODE_NAME"
  cluster_wait 120 "the node" kubectl wait --for condition=Ready "node/$NODE_NAME" --timeout=1s || return 1
  echo ok
  # NetworkPolicy on packets: kube-router's policy controller alone (the bridge CNI routes the
  # pods, kube-proxy the Services), the engine k3s embeds; docs/traffic.md says why this one.
  # After the node is registered: it looks its Node up by name and exits if there is none.
  local router_health
  router_health=$(free_port)
  "$NODE_HOME/bin/kube-router" --kubeconfig "$CLUSTER_DIR/kubeconfig" --hostname-override "$NODE_NAME" \
    --run-firewall=true --run-router=false --run-service-proxy=false --enable-cni=false \
    --enable-pod-egress=false --service-cluster-ip-range "$SERVICE_CIDR" \
    --health-port "$router_health" --metrics-port 0 \
    >"$CLUSTER_DIR/logs/kube-router.log" 2>&1 &
  CLUSTER_PIDS+=($!)
  printf "waiting for kube-router "
  cluster_wait 60 kube-router curl -sf "http://127.0.0.1:$router_health/healthz" || return 1
  echo ok
  # LoadBalancer Services: kube-vip in services mode puts each Service's pinned address
  # (kube-vip.io/loadBalancerIPs) on the node's loopback (as for a provider that routes its public
  # ranges to the nodes; this kernel has no dummy device) and writes it into the Service's status,
  # for kube-proxy to forward; with kube-vip.io/egress=true it SNATs the pod's outbound traffic to
  # that address. Its ARP mode is what adds the addresses (on the loopback no neighbour hears the
  # announcements); the per-Service election is what watches the Service's endpoints, which egress
  # needs (kube-vip's code: without it no active endpoint is recorded and nothing is SNATed).
  ip -4 -o addr show dev lo | awk '{print $4}' >"$w/lo.before"
  # kube-vip reads /etc/kubernetes/admin.conf, else $HOME/.kube/config (its --k8sConfigPath is
  # not what its manager reads, seen): a HOME of its own holds the cluster's kubeconfig
  mkdir -p "$w/kube-vip/.kube" "$w/kube-vip/bin"
  cp "$CLUSTER_DIR/kubeconfig" "$w/kube-vip/.kube/config"
  # its egress runs iptables-nft (the node's iptables is the nf_tables one, as kube-proxy's and
  # kube-router's rules are), by that name: wrappers of the node's
  local b
  for b in iptables iptables-save iptables-restore; do
    printf '#!/bin/sh\nexec "%s" "$@"\n' "$NODE_HOME/bin/$b" >"$w/kube-vip/bin/${b/iptables/iptables-nft}"
    chmod +x "$w/kube-vip/bin/${b/iptables/iptables-nft}"
  done
  PATH="$w/kube-vip/bin:$PATH" HOME="$w/kube-vip" vip_interface=lo vip_arp=true svc_enable=true \
    svc_election=true vip_leaderelection=false egress_withnftables=true \
    egress_podcidr="$POD_CIDR" egress_servicecidr="$SERVICE_CIDR" vip_nodename="$NODE_NAME" \
    "$NODE_HOME/bin/kube-vip" manager --services --arp --interface lo --prometheusHTTPServer "" \
    >"$CLUSTER_DIR/logs/kube-vip.log" 2>&1 &
  CLUSTER_PIDS+=($!)
  cluster_dns
}

# CoreDNS as a Deployment behind the cluster DNS Service, as kubeadm sets it up.
cluster_dns() {
  kubectl apply --server-side -f - >/dev/null <<YAML
apiVersion: v1
kind: ServiceAccount
metadata: {name: coredns, namespace: kube-system}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: system:coredns}
rules:
- {apiGroups: [""], resources: [endpoints, services, pods, namespaces], verbs: [list, watch]}
- {apiGroups: [discovery.k8s.io], resources: [endpointslices], verbs: [list, watch]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: system:coredns}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: system:coredns}
subjects: [{kind: ServiceAccount, name: coredns, namespace: kube-system}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: coredns, namespace: kube-system}
data:
  Corefile: |
    .:1053 {
        errors
        health :8080
        ready :8181
        kubernetes cluster.local in-addr.arpa ip6.arpa {
          pods insecure
          fallthrough in-addr.arpa ip6.arpa
        }
        cache 30
        loop
    }
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: coredns, namespace: kube-system, labels: {k8s-app: kube-dns}}
spec:
  replicas: 1
  selector: {matchLabels: {k8s-app: kube-dns}}
  template:
    metadata: {labels: {k8s-app: kube-dns}}
    spec:
      serviceAccountName: coredns
      dnsPolicy: Default
      containers:
      - name: coredns
        image: localhost/coredns:${COREDNS_VERSION:-1.12.4}
        imagePullPolicy: Never
        # an unprivileged port: a non-root container gets no ambient NET_BIND_SERVICE here
        args: ["-conf", "/etc/coredns/Corefile"]
        ports: [{containerPort: 1053, protocol: UDP, name: dns}, {containerPort: 1053, protocol: TCP, name: dns-tcp}]
        securityContext:
          capabilities: {drop: [ALL]}
          readOnlyRootFilesystem: true
          allowPrivilegeEscalation: false
        readinessProbe: {httpGet: {path: /ready, port: 8181}}
        volumeMounts: [{name: config, mountPath: /etc/coredns}]
      volumes: [{name: config, configMap: {name: coredns}}]
---
apiVersion: v1
kind: Service
metadata: {name: kube-dns, namespace: kube-system, labels: {k8s-app: kube-dns}}
spec:
  clusterIP: $CLUSTER_DNS
  selector: {k8s-app: kube-dns}
  ports: [{name: dns, port: 53, targetPort: 1053, protocol: UDP}, {name: dns-tcp, port: 53, targetPort: 1053, protocol: TCP}]
YAML
  printf "waiting for cluster DNS "
  cluster_wait 120 CoreDNS kubectl -n kube-system wait --for condition=Available deploy/coredns --timeout=1s || return 1
  echo ok
}

cluster_import_image() {
  ctr --address "$CLUSTER_DIR/node/containerd.sock" -n k8s.io images import "$1" >/dev/null
}

cluster_down() {
  [ -n "${CLUSTER_DIR:-}" ] && [ -d "$CLUSTER_DIR" ] || return 0
  if $NODE_STARTED; then
    # the pods first, while kubelet can still tear their sandboxes (and network) down
    kubectl delete pods --all -A --grace-period=0 --force --wait=false >/dev/null 2>&1 || true
    ctr --address "$CLUSTER_DIR/node/containerd.sock" -n k8s.io tasks list -q 2>/dev/null \
      | xargs -r -n1 ctr --address "$CLUSTER_DIR/node/containerd.sock" -n k8s.io tasks kill -s KILL >/dev/null 2>&1 || true
  fi
  # last started, first stopped, one at a time: kube-apiserver stops in seconds while etcd is up,
  # but hangs in its shutdown when both are signalled at once
  local pid
  for ((i=${#CLUSTER_PIDS[@]}-1; i>=0; i--)); do
    pid=${CLUSTER_PIDS[$i]}
    # its children first: containerd runs under unshare, which does not pass SIGTERM on
    pkill -TERM -P "$pid" 2>/dev/null || true
    kill "$pid" 2>/dev/null || continue
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  if $NODE_STARTED; then
    local w="$CLUSTER_DIR/node"
    # shims and containers that outlived containerd
    pkill -9 -f "containerd-shim-runc-v2 .*$w" 2>/dev/null || true
    pgrep -f -- "-address $w/containerd.sock" | xargs -r kill -9 2>/dev/null || true
    # KubeVirt's processes, mounts and folders (hack/lib/kubevirt.sh), while the pods' mounts are there
    if declare -F kubevirt_down >/dev/null; then kubevirt_down; fi
    # mounts under the node's folders and the kubelet root, deepest first (the root's own last)
    grep -F -e "$w" -e " $KUBELET_ROOT" /proc/mounts | awk '{print $2}' | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
    while grep -q " $KUBELET_ROOT " /proc/mounts; do umount -l "$KUBELET_ROOT" 2>/dev/null || break; done
    if [ "$(cat "$KUBELET_ROOT/.odoovps-cluster" 2>/dev/null)" = "$CLUSTER_DIR" ] && ! grep -q " $KUBELET_ROOT" /proc/mounts; then
      rm -rf "$KUBELET_ROOT"
    fi
    # the pods' network namespaces, the veths on the node's bridge, the bridge
    for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep '^cni-'); do ip netns del "$ns" 2>/dev/null || true; done
    for dev in $(ip -o link show master odoovps0 2>/dev/null | awk -F': ' '{print $2}' | cut -d@ -f1); do
      ip link del "$dev" 2>/dev/null || true
    done
    ip link del odoovps0 2>/dev/null || true
    # the Services' addresses kube-vip left on the loopback
    if [ -f "$w/lo.before" ]; then
      for a in $(ip -4 -o addr show dev lo | awk '{print $4}'); do
        grep -qxF "$a" "$w/lo.before" || ip addr del "$a" dev lo 2>/dev/null || true
      done
    fi
    # what still runs in the pods' cgroups (a sandbox's pause outlives its killed shim), then the
    # cgroups themselves (kubelet's cgroupfs driver makes them under kubepods)
    find /sys/fs/cgroup/*/kubepods -name cgroup.procs -exec cat {} + 2>/dev/null | sort -u \
      | xargs -r kill -9 2>/dev/null || true
    sleep 0.5
    for d in /sys/fs/cgroup/*/kubepods; do
      [ -d "$d" ] && find "$d" -depth -type d -exec rmdir {} + 2>/dev/null || true
    done
    # the rules as they were before the node
    if [ -f "$w/iptables.before" ]; then
      for t in filter nat mangle raw; do iptables -t "$t" -F 2>/dev/null; iptables -t "$t" -X 2>/dev/null; done
      iptables-restore <"$w/iptables.before" 2>/dev/null || true
    fi
    if [ -f "$w/ip6tables.before" ]; then
      for t in filter nat mangle raw; do ip6tables -t "$t" -F 2>/dev/null; ip6tables -t "$t" -X 2>/dev/null; done
      ip6tables-restore <"$w/ip6tables.before" 2>/dev/null || true
    fi
    # kube-router's ipsets (no rule refers to them any more)
    ipset list -n 2>/dev/null | grep -E '^(KUBE-|kube-router-)' | xargs -r -n1 ipset destroy 2>/dev/null || true
  fi
  rm -rf "$CLUSTER_DIR"
}
