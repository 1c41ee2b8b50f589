#!/usr/bin/env bash
# Builds KubeVirt from its Go module and packs its images as docker-archive tarballs (no daemon, no
# registry), cached outside the repository (a second run builds nothing):
#
#   $ODOOVPS_TOOLS_DIR/kubevirt-<KUBEVIRT_VERSION>/
#     bin/virt-operator virt-api virt-controller virt-chroot virt-launcher-monitor virt-freezer
#         virt-probe virt-tail manifest-templator    Go, static (CGO_ENABLED=0)
#     bin/virt-handler                               Go with cgo (its node labeller includes linux/kvm.h)
#     bin/virt-launcher                              Go with cgo: links libvirt (libvirt.org/go/libvirt)
#     bin/container-disk                             cmd/container-disk-v2alpha/main.c, static
#     rootfs/                                        Debian trixie (mmdebstrap): libvirt + QEMU + tools
#     images/virt-operator.tar virt-api.tar virt-controller.tar
#                                                    the static binary alone, user 1001
#     images/virt-handler.tar                        the trixie root + virt-handler, virt-chroot,
#                                                    container-disk
#     images/virt-launcher.tar                       the trixie root + virt-launcher, -monitor (with
#                                                    cap_net_bind_service), virt-freezer, virt-probe,
#                                                    virt-tail, container-disk, node-labeller.sh,
#                                                    KubeVirt's qemu.conf / virtqemud.conf, qemu:107
#     guest/vmlinuz initrd.gz disk.img               a tiny test guest: Debian bookworm's
#                                                    linux-image-cloud-amd64 kernel, a busybox initrd
#                                                    (virtio-net, DHCP, httpd on :80), on a FAT disk
#                                                    booted by syslinux (raw, 64 MiB)
#     images/smoke-containerdisk.tar                 that disk.img as a containerDisk (/disk/disk.img)
#
# Images are named localhost/kubevirt/<name>:v<KUBEVIRT_VERSION> (smoke guest:
# localhost/odoovps/kubevirt-smoke-guest:1); hack/lib/kubevirt.sh imports them into the node.
#
# Why KubeVirt v1.7.0: it is the newest release the Go module proxy serves here (v1.5.3, v1.6.0,
# v1.7.0), and the one whose CRDs hack/fetch-upstream-crds.sh already generates for the operator's
# tests: the cluster then serves exactly the schema the tests validate against.
#
# Why Debian trixie for the launcher (libvirt 11.3, QEMU 10.0) and not bookworm (libvirt 9.0, QEMU
# 7.2): KubeVirt v1.7.0's own launcher image is built from CentOS Stream 9 RPMs that its module
# pins in rpm/BUILD.bazel: libvirt-daemon-driver-qemu 10.10.0 and qemu-kvm-core 9.1.0. trixie's
# versions are at or above those (libvirt and QEMU keep old XML and machine types working), while
# bookworm's are a year and a half older than what the release was tested with.
# virt-launcher is compiled against the machine's (bookworm) libvirt-dev 9.0 headers: the binding
# links libvirt.so.0, whose ABI only grows, so it runs on trixie's libvirt 11 (libvirt calls newer
# than 9.0 report "not supported" from the binding; none was hit booting a VM, see docs/kubevirt.md).
#
# Build dependencies, installed with apt-get when missing (root): libvirt-dev, pkg-config, gcc,
# mmdebstrap, dosfstools, mtools, syslinux, cpio, libcap2-bin.
set -euo pipefail
cd "$(dirname "$0")/.."

KUBEVIRT_VERSION="${KUBEVIRT_VERSION:-1.7.0}"
ODOOVPS_TOOLS_DIR="${ODOOVPS_TOOLS_DIR:-$HOME/.cache/odoovps-tools}"
K8S_VERSION="${K8S_VERSION:-1.34.4}"
DEBIAN_MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
LAUNCHER_SUITE="${KUBEVIRT_LAUNCHER_SUITE:-trixie}"
OUT="$ODOOVPS_TOOLS_DIR/kubevirt-${KUBEVIRT_VERSION}"
OCIIMAGE="$OUT/bin/ociimage"
TAG="v${KUBEVIRT_VERSION}"
GO_BINS=(virt-operator virt-api virt-controller virt-handler virt-chroot virt-launcher-monitor
  virt-freezer virt-probe virt-tail)
IMAGES=(virt-operator virt-api virt-controller virt-handler virt-launcher smoke-containerdisk)
# What the launcher and handler images hold (KubeVirt's own launcherbase/handlerbase RPM sets,
# rpm/BUILD.bazel, mapped to Debian: the QEMU driver and its log daemon, virsh, QEMU and its
# firmware, qemu-img, and the network, mount and process tools that virt-launcher, virt-handler
# and virt-chroot call).
# Debian builds libvirt without its modular daemons: there is no virtqemud, which virt-launcher
# (/usr/sbin/virtqemud -f /var/run/libvirt/virtqemud.conf) and node-labeller.sh (virtqemud -d)
# start. /usr/sbin/virtqemud in the image is a small script that runs the monolithic libvirtd
# (with only the QEMU driver installed, the same daemon for this purpose) and links the socket
# names of virtqemud (virtqemud-sock, -ro, -admin) to libvirtd's in the same folder.
ROOTFS_PACKAGES=libvirt-daemon,libvirt-daemon-driver-qemu,libvirt-daemon-log,libvirt-clients,qemu-system-x86,qemu-utils,seabios,ipxe-qemu,ovmf,nftables,iptables,iproute2,procps,util-linux,mount,findutils,psmisc,ethtool,kmod,ncat,xorriso,ca-certificates,tar,gzip

all_cached() {
  for b in "${GO_BINS[@]}" virt-launcher container-disk ociimage manifest-templator; do [ -x "$OUT/bin/$b" ] || return 1; done
  for i in "${IMAGES[@]}"; do [ -s "$OUT/images/$i.tar" ] || return 1; done
  for f in vmlinuz initrd.gz disk.img; do [ -s "$OUT/guest/$f" ] || return 1; done
  [ -s "$OUT/manifests/kubevirt_logo.png" ]
}
if all_cached; then
  echo "KubeVirt ${KUBEVIRT_VERSION} cached in $OUT"
  exit 0
fi
command -v go >/dev/null || { echo "error: the Go toolchain is needed to build KubeVirt" >&2; exit 1; }
start=$(date +%s)

# --- build dependencies (Debian packages on the machine)
need=()
[ -f /usr/include/libvirt/libvirt.h ] || need+=(libvirt-dev)
command -v pkg-config >/dev/null || need+=(pkg-config)
command -v gcc >/dev/null || need+=(gcc)
command -v mmdebstrap >/dev/null || need+=(mmdebstrap)
command -v mkfs.vfat >/dev/null || need+=(dosfstools)
command -v mcopy >/dev/null || need+=(mtools)
command -v syslinux >/dev/null || need+=(syslinux syslinux-common)
command -v cpio >/dev/null || need+=(cpio)
command -v depmod >/dev/null || [ -x /sbin/depmod ] || need+=(kmod)
command -v setcap >/dev/null || need+=(libcap2-bin)
command -v qemu-system-x86_64 >/dev/null || need+=(qemu-system-x86) # hack/lib/kubevirt.sh's KVM probe
if [ ${#need[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || { echo "error: missing ${need[*]}; install them (apt-get install) or run as root" >&2; exit 1; }
  echo "  apt-get install ${need[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null \
    || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null; }
fi

mkdir -p "$OUT/bin" "$OUT/images" "$OUT/guest"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# --- hack/ociimage, built here too: the launcher image needs its file-capability support
if [ ! -x "$OCIIMAGE" ] || [ hack/ociimage/main.go -nt "$OCIIMAGE" ]; then
  mkdir -p "$TMP/oci"
  cp hack/ociimage/main.go "$TMP/oci/"
  printf 'module odoovps.io/ociimage\n\ngo 1.24.0\n' >"$TMP/oci/go.mod"
  (cd "$TMP/oci" && CGO_ENABLED=0 go build -trimpath -o "$OCIIMAGE" .)
fi

# --- the Debian root of the launcher and handler images (in the background, beside the Go builds)
ROOTFS="$OUT/rootfs"
ROOTFS_PID=
if [ ! -x "$ROOTFS/usr/sbin/libvirtd" ] || [ ! -x "$ROOTFS/usr/bin/qemu-system-x86_64" ]; then
  echo "  mmdebstrap $LAUNCHER_SUITE: ${ROOTFS_PACKAGES//,/ } (in the background)"
  (
    rm -rf "$ROOTFS.tmp"
    mmdebstrap --quiet --variant=essential --mode=root --format=directory --include="$ROOTFS_PACKAGES" \
      --aptopt='APT::Install-Recommends "false"' \
      --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/man/*' \
      --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-exclude=/usr/share/info/*' \
      "$LAUNCHER_SUITE" "$ROOTFS.tmp" "$DEBIAN_MIRROR"
    rm -rf "$ROOTFS.tmp"/var/cache/apt/archives/*.deb "$ROOTFS.tmp"/var/lib/apt/lists/* "$ROOTFS.tmp"/dev/*
    rm -rf "$ROOTFS" && mv "$ROOTFS.tmp" "$ROOTFS"
  ) >"$TMP/mmdebstrap.log" 2>&1 &
  ROOTFS_PID=$!
fi

# --- the Go binaries, from a wrapper module (as hack/fetch-upstream-crds.sh does: kubevirt's go.mod
# replaces kubevirt.io/api and client-go with ./staging folders that its module zip omits; the
# wrapper requires the published ones at the same version and repeats kubevirt's other replaces)
MOD="$ODOOVPS_TOOLS_DIR/build/kubevirt-${KUBEVIRT_VERSION}"
if [ ! -f "$MOD/go.sum" ]; then
  mkdir -p "$MOD"
  modfile=$(cd "$TMP" && GOFLAGS=-mod=mod go mod download -json "kubevirt.io/kubevirt@v${KUBEVIRT_VERSION}" \
    | sed -n 's/.*"GoMod": "\(.*\)",/\1/p')
  [ -f "$modfile" ] || { echo "error: cannot download kubevirt.io/kubevirt@v${KUBEVIRT_VERSION}" >&2; exit 1; }
  {
    printf 'module odoovps.io/kubevirt-build\n\ngo 1.24.0\n\nrequire (\n'
    printf '\tkubevirt.io/kubevirt v%s\n\tkubevirt.io/api v%s\n\tkubevirt.io/client-go v%s\n)\n\n' \
      "$KUBEVIRT_VERSION" "$KUBEVIRT_VERSION" "$KUBEVIRT_VERSION"
    awk '/^replace \(/ {inside=1; next} inside && /^\)/ {inside=0} inside' "$modfile" \
      | grep '=>' | grep -v '=> \./staging/' | sed 's/^[[:space:]]*/replace /'
  } >"$MOD/go.mod"
  {
    printf '//go:build tools\n\npackage tools\n\nimport (\n'
    for b in "${GO_BINS[@]}" virt-launcher; do printf '\t_ "kubevirt.io/kubevirt/cmd/%s"\n' "$b"; done
    printf '\t_ "kubevirt.io/kubevirt/tools/manifest-templator"\n'
    printf ')\n'
  } >"$MOD/tools.go"
  (cd "$MOD" && { GOFLAGS=-mod=mod go mod tidy >/dev/null 2>&1 || GOFLAGS=-mod=mod go mod tidy; })
fi
SRC=$(cd "$MOD" && GOFLAGS=-mod=mod go list -m -f '{{.Dir}}' kubevirt.io/kubevirt)
ldflags="-s -w -X kubevirt.io/client-go/version.gitVersion=v${KUBEVIRT_VERSION}"
ldflags+=" -X kubevirt.io/client-go/version.gitCommit=v${KUBEVIRT_VERSION} -X kubevirt.io/client-go/version.gitTreeState=clean"
ldflags+=" -X kubevirt.io/client-go/version.buildDate=1970-01-01T00:00:00Z"
export GOFLAGS="-mod=mod -buildvcs=false"
for b in "${GO_BINS[@]}"; do
  [ -x "$OUT/bin/$b" ] && continue
  # virt-handler's node labeller reads KVM's capabilities through cgo (linux/kvm.h)
  cgo=0; [ "$b" = virt-handler ] && cgo=1
  echo "  go build $b (cgo $cgo)"
  (cd "$MOD" && CGO_ENABLED=$cgo go build -trimpath -ldflags "$ldflags" -o "$OUT/bin/$b.tmp" "kubevirt.io/kubevirt/cmd/$b")
  mv "$OUT/bin/$b.tmp" "$OUT/bin/$b"
done
if [ ! -x "$OUT/bin/manifest-templator" ]; then
  echo "  go build manifest-templator (renders virt-operator's Deployment and RBAC)"
  (cd "$MOD" && CGO_ENABLED=0 go build -trimpath -ldflags "$ldflags" -o "$OUT/bin/manifest-templator.tmp" kubevirt.io/kubevirt/tools/manifest-templator)
  mv "$OUT/bin/manifest-templator.tmp" "$OUT/bin/manifest-templator"
fi
if [ ! -s "$OUT/manifests/kubevirt_logo.png" ]; then
  rm -rf "$OUT/manifests" && mkdir -p "$OUT/manifests"
  cp -r "$SRC/manifests/generated" "$SRC/manifests/release" "$SRC/assets/kubevirt_logo.png" "$OUT/manifests/"
  chmod -R u+w "$OUT/manifests"
fi
if [ ! -x "$OUT/bin/virt-launcher" ]; then
  echo "  go build virt-launcher (cgo, libvirt $(pkg-config --modversion libvirt) headers)"
  (cd "$MOD" && CGO_ENABLED=1 go build -trimpath -ldflags "$ldflags" -o "$OUT/bin/virt-launcher.tmp" kubevirt.io/kubevirt/cmd/virt-launcher)
  mv "$OUT/bin/virt-launcher.tmp" "$OUT/bin/virt-launcher"
fi
if [ ! -x "$OUT/bin/container-disk" ]; then
  echo "  gcc container-disk"
  gcc -O2 -static -o "$OUT/bin/container-disk.tmp" "$SRC/cmd/container-disk-v2alpha/main.c"
  strip "$OUT/bin/container-disk.tmp"
  mv "$OUT/bin/container-disk.tmp" "$OUT/bin/container-disk"
fi

# rootfs_wait: waits for the rootfs build that runs beside the Go builds
rootfs_wait() {
  [ -n "${ROOTFS_PID:-}" ] || return 0
  wait "$ROOTFS_PID" || { echo "error: mmdebstrap failed: $TMP/mmdebstrap.log" >&2; cat "$TMP/mmdebstrap.log" >&2; exit 1; }
  ROOTFS_PID=
}

rootfs_wait

# image_from_rootfs <name> <entrypoint> <user> <setup function>: a copy of the Debian root, set up
image_from_rootfs() {
  local name=$1 entry=$2 user=$3 setup=$4 dir="$TMP/$1"
  [ -s "$OUT/images/$name.tar" ] && return 0
  rm -rf "$dir" && cp -a "$ROOTFS" "$dir"
  "$setup" "$dir"
  "$OCIIMAGE" -dir "$dir" -tag "localhost/kubevirt/$name:$TAG" -out "$OUT/images/$name.tar" \
    -entrypoint "$entry" ${user:+-user "$user"} -env "KUBEVIRT_VERSION=v${KUBEVIRT_VERSION}" \
    -env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin >/dev/null
  rm -rf "$dir"
  echo "  image $name: $(du -m "$OUT/images/$name.tar" | cut -f1) MiB"
}
users_of_kubevirt() { # the users and groups that KubeVirt's images carry: qemu is 107
  local d=$1
  grep -v '^qemu:' "$d/etc/passwd" >"$d/etc/passwd.new" && mv "$d/etc/passwd.new" "$d/etc/passwd"
  grep -v '^qemu:' "$d/etc/group" >"$d/etc/group.new" && mv "$d/etc/group.new" "$d/etc/group"
  echo 'qemu:x:107:107:qemu:/home/qemu:/bin/bash' >>"$d/etc/passwd"
  echo 'qemu:x:107:' >>"$d/etc/group"
  mkdir -p "$d/home/qemu"
  cp "$SRC/cmd/virt-launcher/nsswitch.conf" "$d/etc/nsswitch.conf"
}
setup_launcher() {
  local d=$1
  users_of_kubevirt "$d"
  for b in virt-launcher virt-launcher-monitor virt-freezer virt-probe virt-tail container-disk; do
    install -m 0755 "$OUT/bin/$b" "$d/usr/bin/$b"
  done
  install -m 0755 "$SRC/cmd/virt-launcher/node-labeller/node-labeller.sh" "$d/usr/bin/node-labeller.sh"
  # the DHCP server of the masquerade binding listens on port 67 in a non-root launcher
  setcap cap_net_bind_service+ep "$d/usr/bin/virt-launcher-monitor"
  mkdir -p "$d/etc/libvirt/hooks" "$d/usr/lib64/qemu-kvm"
  install -m 0644 "$SRC/cmd/virt-launcher/qemu.conf" "$d/etc/libvirt/qemu.conf"
  install -m 0644 "$SRC/cmd/virt-launcher/virtqemud.conf" "$d/etc/libvirt/virtqemud.conf"
  install -m 0755 "$SRC/cmd/virt-launcher/qemu" "$d/etc/libvirt/hooks/qemu"
  virtqemud_script "$d"
}
virtqemud_script() { # Debian has no virtqemud: libvirtd under virtqemud's socket names
  cat >"$1/usr/sbin/virtqemud" <<'SH'
#!/bin/sh
# Debian builds libvirt without the modular daemons: run the monolithic libvirtd in virtqemud's
# place (hack/build-kubevirt.sh). Its sockets are libvirt-sock*, virtqemud's are virtqemud-sock*:
# link the latter to the former in the folder the daemon uses (root: /run/libvirt, else
# $XDG_RUNTIME_DIR/libvirt).
if [ "$(id -u)" = 0 ]; then dir=/run/libvirt; else dir="${XDG_RUNTIME_DIR:-/run/user/$(id -u)}/libvirt"; fi
mkdir -p "$dir"
ln -sfn libvirt-sock "$dir/virtqemud-sock"
ln -sfn libvirt-sock-ro "$dir/virtqemud-sock-ro"
ln -sfn libvirt-admin-sock "$dir/virtqemud-admin-sock"
exec /usr/sbin/libvirtd "$@"
SH
  chmod 0755 "$1/usr/sbin/virtqemud"
}
setup_handler() {
  local d=$1
  users_of_kubevirt "$d"
  for b in virt-handler virt-chroot container-disk; do install -m 0755 "$OUT/bin/$b" "$d/usr/bin/$b"; done
  virtqemud_script "$d"
}
image_from_rootfs virt-launcher /usr/bin/virt-launcher "" setup_launcher
image_from_rootfs virt-handler /usr/bin/virt-handler "" setup_handler

# the control-plane parts: the static binary alone, as KubeVirt's user 1001
for name in virt-operator virt-api virt-controller; do
  [ -s "$OUT/images/$name.tar" ] && continue
  d="$TMP/$name"
  rm -rf "$d" && mkdir -p "$d/usr/bin" "$d/etc" "$d/tmp" "$d/etc/ssl/certs"
  chmod 1777 "$d/tmp"
  install -m 0755 "$OUT/bin/$name" "$d/usr/bin/$name"
  printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot-user:x:1001:1001::/home/nonroot-user:/sbin/nologin\n' >"$d/etc/passwd"
  printf 'root:x:0:\nnonroot-user:x:1001:\n' >"$d/etc/group"
  cp "$ROOTFS/etc/ssl/certs/ca-certificates.crt" "$d/etc/ssl/certs/"
  "$OCIIMAGE" -dir "$d" -tag "localhost/kubevirt/$name:$TAG" -out "$OUT/images/$name.tar" \
    -entrypoint "/usr/bin/$name" -user 1001:1001 >/dev/null
  echo "  image $name: $(du -m "$OUT/images/$name.tar" | cut -f1) MiB"
done

# --- the smoke-test guest: Debian's cloud kernel, a busybox initrd, a FAT disk that syslinux boots
if [ ! -s "$OUT/guest/disk.img" ] || [ ! -s "$OUT/images/smoke-containerdisk.tar" ]; then
  mkdir -p "$TMP/debs" "$TMP/x"
  kpkg=$(apt-cache depends linux-image-cloud-amd64 2>/dev/null | awk '/Depends: linux-image-/{print $2; exit}')
  [ -n "$kpkg" ] || { apt-get update -qq; kpkg=$(apt-cache depends linux-image-cloud-amd64 | awk '/Depends: linux-image-/{print $2; exit}'); }
  (cd "$TMP/debs" && apt-get download "$kpkg" busybox-static >/dev/null 2>&1) \
    || { echo "error: apt-get download $kpkg busybox-static failed" >&2; exit 1; }
  for d in "$TMP"/debs/*.deb; do dpkg-deb -x "$d" "$TMP/x"; done
  kver=$(ls "$TMP/x/lib/modules")
  cp "$TMP/x/boot/vmlinuz-$kver" "$OUT/guest/vmlinuz"
  i="$TMP/initrd"
  mkdir -p "$i/bin" "$i/proc" "$i/sys" "$i/dev" "$i/etc" "$i/tmp" "$i/www" "$i/lib/modules/$kver"
  cp "$TMP/x/bin/busybox" "$i/bin/busybox"
  # virtio-net, virtio-console and what they need (busybox modprobe reads modules.dep, which the
  # package leaves to depmod)
  depmod -b "$TMP/x" "$kver"
  mods=$(cd "$TMP/x/lib/modules/$kver" && awk -F': ' '/\/(virtio_net|virtio_pci|virtio_console)\.ko:/ {print $1; n=split($2,a," "); for (k=1;k<=n;k++) print a[k]}' modules.dep | sort -u)
  for m in $mods; do mkdir -p "$i/lib/modules/$kver/$(dirname "$m")"; cp "$TMP/x/lib/modules/$kver/$m" "$i/lib/modules/$kver/$m"; done
  (cd "$TMP/x/lib/modules/$kver" && grep -E "^($(echo $mods | tr ' ' '|')):" modules.dep) >"$i/lib/modules/$kver/modules.dep"
  cat >"$i/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
echo "ODOOVPS-GUEST: kernel $(uname -r) booted after $(cut -d' ' -f1 /proc/uptime)s"
if grep -q odoovps.probe /proc/cmdline; then echo "ODOOVPS-KVM-PROBE-OK"; poweroff -f; fi
for m in virtio_pci virtio_net virtio_console; do modprobe "$m"; done
ip link set lo up
for n in $(seq 1 20); do [ -e /sys/class/net/eth0 ] && break; sleep 0.5; done
ip link set eth0 up
udhcpc -i eth0 -s /bin/udhcpc.script -t 20 -T 2 -n -q
echo "ODOOVPS-GUEST: eth0 $(ip -4 -o addr show eth0 | awk '{print $4}') gateway $(ip route | awk '/default/ {print $3}')"
echo "odoovps smoke guest $(uname -r)" >/www/index.html
httpd -p 80 -h /www && echo "ODOOVPS-GUEST: httpd listening on :80"
echo "ODOOVPS-GUEST: virtio ports: $(ls /sys/class/virtio-ports 2>/dev/null | tr '\n' ' ')"
for p in /sys/class/virtio-ports/*; do [ -e "$p/name" ] && echo "ODOOVPS-GUEST: $(basename "$p") = $(cat "$p/name")"; done
echo "ODOOVPS-GUEST: ready"
while :; do sleep 3600; done
INIT
  cat >"$i/bin/udhcpc.script" <<'DHCP'
#!/bin/sh
case "$1" in
  bound|renew)
    ip addr flush dev "$interface"
    ip addr add "$ip/$mask" dev "$interface"
    [ -n "$router" ] && ip route add default via "${router%% *}" dev "$interface"
    : >/etc/resolv.conf
    for d in $dns; do echo "nameserver $d" >>/etc/resolv.conf; done ;;
esac
DHCP
  chmod 0755 "$i/init" "$i/bin/udhcpc.script"
  (cd "$i" && find . | sort | cpio -o -H newc --quiet | gzip -9) >"$OUT/guest/initrd.gz"
  # a 64 MiB FAT file system over the whole disk, syslinux in its boot sector (SeaBIOS boots it)
  rm -f "$TMP/disk.img"
  mkfs.vfat -C -n ODOOVPS "$TMP/disk.img" $((64 * 1024)) >/dev/null
  syslinux --install "$TMP/disk.img"
  printf 'DEFAULT linux\nPROMPT 0\nTIMEOUT 1\nLABEL linux\n  KERNEL vmlinuz\n  APPEND initrd=initrd.gz console=ttyS0 panic=10\n' >"$TMP/syslinux.cfg"
  mcopy -i "$TMP/disk.img" "$OUT/guest/vmlinuz" "$OUT/guest/initrd.gz" "$TMP/syslinux.cfg" ::
  mv "$TMP/disk.img" "$OUT/guest/disk.img"
  mkdir -p "$TMP/cdisk/disk"
  cp "$OUT/guest/disk.img" "$TMP/cdisk/disk/disk.img"
  "$OCIIMAGE" -dir "$TMP/cdisk" -tag localhost/odoovps/kubevirt-smoke-guest:1 \
    -out "$OUT/images/smoke-containerdisk.tar" >/dev/null
fi

all_cached || { echo "error: the KubeVirt build left something out of $OUT" >&2; exit 1; }
echo "KubeVirt ${KUBEVIRT_VERSION} built in $(( $(date +%s) - start ))s: $OUT"
