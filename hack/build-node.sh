#!/usr/bin/env bash
# Builds or fetches what a Kubernetes node on this machine needs, and caches it outside the
# repository (a second run builds nothing):
#
#   $ODOOVPS_TOOLS_DIR/node-<K8S_VERSION>/
#     bin/kubelet, bin/kube-proxy, bin/kube-scheduler   from k8s.io/kubernetes (the wrapper module
#                                                        that hack/build-control-plane.sh made)
#     cni/bridge, host-local, loopback, portmap, bandwidth
#                                                        github.com/containernetworking/plugins
#     bin/coredns                                        github.com/coredns/coredns (cluster DNS)
#     bin/kube-router                                    github.com/cloudnativelabs/kube-router/v2,
#                                                        run as the NetworkPolicy engine only
#                                                        (iptables and ipset; docs/traffic.md)
#     bin/kube-vip                                       github.com/kube-vip/kube-vip: the
#                                                        LoadBalancer Services' addresses and
#                                                        their egress (SNAT) on the node
#     bin/ociimage                                       hack/ociimage: images without a daemon
#     debian/                                            Debian's containerd 1.6, runc 1.1 (built
#                                                        with seccomp), iptables (nf_tables) and
#                                                        conntrack, unpacked with dpkg-deb -x:
#                                                        nothing is installed on the machine
#     bin/iptables, iptables-save, iptables-restore, ip6tables..., conntrack, ipset
#                                                        wrappers that run those from debian/
#     images/pause.tar                                   the pod sandbox (Kubernetes' pause.c,
#                                                        static), as registry.k8s.io/pause:3.6
#     images/coredns.tar, images/busybox.tar             cluster DNS, and a shell for tests
#
# Why Debian's containerd and runc: containerd 1.6.20 and runc 1.1.5 ran kubelet 1.34's pods here
# (tried, see docs/node.md), and Debian's runc is built with libseccomp, which the backup pods'
# RuntimeDefault seccomp profile needs; runc from its Go module would need libseccomp's headers,
# which the machine lacks. No container registry is reachable: every image is built here.
set -euo pipefail
cd "$(dirname "$0")/.."

K8S_VERSION="${K8S_VERSION:-1.34.4}"
KUBE_API_TEST_DIR="${KUBE_API_TEST_DIR:-$HOME/.kubeapitest}"
ODOOVPS_TOOLS_DIR="${ODOOVPS_TOOLS_DIR:-$HOME/.cache/odoovps-tools}"
CNI_PLUGINS_VERSION="${CNI_PLUGINS_VERSION:-1.10.0}"
COREDNS_VERSION="${COREDNS_VERSION:-1.12.4}"
KUBE_ROUTER_VERSION="${KUBE_ROUTER_VERSION:-2.1.0}"
KUBE_VIP_VERSION="${KUBE_VIP_VERSION:-1.0.0}"
OUT="$ODOOVPS_TOOLS_DIR/node-${K8S_VERSION}"
DEBS=(containerd runc iptables libip4tc2 libip6tc2 libxtables12 libnftnl11 libnetfilter-conntrack3
  libnfnetlink0 libmnl0 conntrack busybox-static ipset libipset13)

wanted=(bin/kubelet bin/kube-proxy bin/kube-scheduler bin/coredns bin/kube-router bin/kube-vip bin/ociimage
  cni/bridge cni/host-local cni/loopback cni/portmap cni/bandwidth
  debian/usr/bin/containerd debian/usr/sbin/runc debian/usr/sbin/xtables-nft-multi
  debian/usr/sbin/ipset bin/iptables bin/ipset images/pause.tar images/coredns.tar images/busybox.tar)
missing=()
for f in "${wanted[@]}"; do [ -e "$OUT/$f" ] || missing+=("$f"); done
if [ ${#missing[@]} -eq 0 ]; then
  echo "node ${K8S_VERSION} cached in $OUT"
  exit 0
fi
command -v go >/dev/null || { echo "error: the Go toolchain is needed to build the node" >&2; exit 1; }
K8S_MODULE="$KUBE_API_TEST_DIR/build/k8s"
[ -f "$K8S_MODULE/go.mod" ] || { echo "error: run 'make control-plane' first (its module builds kubelet)" >&2; exit 1; }
start=$(date +%s)
mkdir -p "$OUT/bin" "$OUT/cni" "$OUT/images"
export GOFLAGS="-mod=mod -buildvcs=false" CGO_ENABLED=0
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# --- kubelet, kube-proxy, kube-scheduler: the control plane's own module
minor_patch="${K8S_VERSION#*.}"
ldflags="-s -w -X k8s.io/component-base/version.gitVersion=v${K8S_VERSION} -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=${minor_patch%%.*}"
for b in kubelet kube-proxy kube-scheduler; do
  [ -x "$OUT/bin/$b" ] && continue
  echo "  go build $b"
  (cd "$K8S_MODULE" && go build -tags tools -trimpath -ldflags "$ldflags" -o "$OUT/bin/$b.tmp" "k8s.io/kubernetes/cmd/$b")
  mv "$OUT/bin/$b.tmp" "$OUT/bin/$b"
done

# --- CNI plugins and CoreDNS: a small wrapper module each (their dependencies disagree)
build_in_module() { # build_in_module <dir> <module@version> <package> <out>
  local dir=$1 module=$2 pkg=$3 out=$4
  mkdir -p "$dir"
  if [ ! -f "$dir/go.mod" ]; then
    printf 'module odoovps.io/node-build\n\ngo 1.24.0\n\nrequire %s %s\n' "${module%@*}" "${module#*@}" >"$dir/go.mod"
    printf '//go:build tools\n\npackage tools\n\nimport _ "%s"\n' "$pkg" >"$dir/tools.go"
    (cd "$dir" && { go mod tidy >/dev/null 2>&1 || go mod tidy; })
  fi
  echo "  go build $(basename "$pkg")"
  (cd "$dir" && go build -trimpath -ldflags "-s -w" -o "$out" "$pkg")
}
for p in ipam/host-local main/bridge main/loopback meta/bandwidth meta/portmap; do
  [ -x "$OUT/cni/$(basename "$p")" ] && continue
  build_in_module "$TMP/cni" "github.com/containernetworking/plugins@v${CNI_PLUGINS_VERSION}" \
    "github.com/containernetworking/plugins/plugins/$p" "$OUT/cni/$(basename "$p")"
done
if [ ! -x "$OUT/bin/coredns" ]; then
  build_in_module "$TMP/coredns-mod" "github.com/coredns/coredns@v${COREDNS_VERSION}" \
    github.com/coredns/coredns "$OUT/bin/coredns"
fi
if [ ! -x "$OUT/bin/kube-router" ]; then
  build_in_module "$TMP/kube-router-mod" "github.com/cloudnativelabs/kube-router/v2@v${KUBE_ROUTER_VERSION}" \
    github.com/cloudnativelabs/kube-router/v2/cmd/kube-router "$OUT/bin/kube-router"
fi
if [ ! -x "$OUT/bin/kube-vip" ]; then
  build_in_module "$TMP/kube-vip-mod" "github.com/kube-vip/kube-vip@v${KUBE_VIP_VERSION}" \
    github.com/kube-vip/kube-vip "$OUT/bin/kube-vip"
fi

# --- the image builder
if [ ! -x "$OUT/bin/ociimage" ]; then
  mkdir -p "$TMP/oci"
  cp hack/ociimage/main.go "$TMP/oci/"
  printf 'module odoovps.io/ociimage\n\ngo 1.24.0\n' >"$TMP/oci/go.mod"
  (cd "$TMP/oci" && go build -trimpath -o "$OUT/bin/ociimage" .)
fi

# --- Debian's containerd, runc, iptables and conntrack, unpacked (not installed)
if [ ! -x "$OUT/debian/usr/bin/containerd" ] || [ ! -x "$OUT/debian/usr/sbin/runc" ] \
  || [ ! -x "$OUT/debian/usr/sbin/xtables-nft-multi" ] || [ ! -x "$OUT/debian/bin/busybox" ] \
  || [ ! -x "$OUT/debian/usr/sbin/ipset" ]; then
  command -v apt-get >/dev/null || { echo "error: apt-get (Debian) is needed to fetch containerd and runc" >&2; exit 1; }
  mkdir -p "$TMP/debs"
  (cd "$TMP/debs" && apt-get download "${DEBS[@]}" >/dev/null 2>&1) \
    || { echo "error: apt-get download ${DEBS[*]} failed (run apt-get update?)" >&2; exit 1; }
  rm -rf "$OUT/debian.tmp" && mkdir -p "$OUT/debian.tmp"
  for d in "$TMP"/debs/*.deb; do dpkg-deb -x "$d" "$OUT/debian.tmp"; done
  rm -rf "$OUT/debian" && mv "$OUT/debian.tmp" "$OUT/debian"
fi
LIBS="$OUT/debian/usr/lib/x86_64-linux-gnu"
for t in iptables iptables-save iptables-restore ip6tables ip6tables-save ip6tables-restore; do
  cat >"$OUT/bin/$t" <<SH
#!/bin/sh
# Debian's iptables (nf_tables) from $OUT/debian, not installed on the machine.
export LD_LIBRARY_PATH="$LIBS" XTABLES_LIBDIR="$LIBS/xtables"
exec "$OUT/debian/usr/sbin/xtables-nft-multi" $t "\$@"
SH
  chmod +x "$OUT/bin/$t"
done
cat >"$OUT/bin/conntrack" <<SH
#!/bin/sh
export LD_LIBRARY_PATH="$LIBS"
exec "$OUT/debian/usr/sbin/conntrack" "\$@"
SH
chmod +x "$OUT/bin/conntrack"
cat >"$OUT/bin/ipset" <<SH
#!/bin/sh
export LD_LIBRARY_PATH="$LIBS"
exec "$OUT/debian/usr/sbin/ipset" "\$@"
SH
chmod +x "$OUT/bin/ipset"

# --- images
if [ ! -s "$OUT/images/pause.tar" ]; then
  command -v gcc >/dev/null || { echo "error: gcc is needed to build the pause image" >&2; exit 1; }
  pause_c=$(cd "$K8S_MODULE" && go list -m -f '{{.Dir}}' k8s.io/kubernetes)/build/pause/linux/pause.c
  mkdir -p "$TMP/pause"
  gcc -Os -static -DVERSION=3.6 -o "$TMP/pause/pause" "$pause_c"
  strip "$TMP/pause/pause"
  "$OUT/bin/ociimage" -dir "$TMP/pause" -tag registry.k8s.io/pause:3.6 -out "$OUT/images/pause.tar" \
    -entrypoint /pause -user 65535:65535 >/dev/null
fi
if [ ! -s "$OUT/images/coredns.tar" ]; then
  mkdir -p "$TMP/coredns"
  cp "$OUT/bin/coredns" "$TMP/coredns/coredns"
  "$OUT/bin/ociimage" -dir "$TMP/coredns" -tag "localhost/coredns:${COREDNS_VERSION}" \
    -out "$OUT/images/coredns.tar" -entrypoint /coredns -user 65532:65532 >/dev/null
fi
if [ ! -s "$OUT/images/busybox.tar" ]; then
  mkdir -p "$TMP/busybox/bin" "$TMP/busybox/tmp"
  cp "$OUT/debian/bin/busybox" "$TMP/busybox/bin/busybox"
  for c in sh ls cat wget nc nslookup sleep echo ip sed grep dd sha256sum head tail; do
    ln -sf busybox "$TMP/busybox/bin/$c"
  done
  "$OUT/bin/ociimage" -dir "$TMP/busybox" -tag localhost/busybox:1 -out "$OUT/images/busybox.tar" \
    -entrypoint /bin/sh >/dev/null
fi
echo "node ${K8S_VERSION} built in $(( $(date +%s) - start ))s: $OUT"
