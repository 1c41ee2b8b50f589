#!/usr/bin/env bash
# Builds the provider's guest OS image (Debian bookworm) and caches it outside the repository,
# keyed by a hash of its inputs (a second run builds nothing):
#
#   $ODOOVPS_TOOLS_DIR/guest-rootfs-<hash>.tar   stage 1: mmdebstrap of guest/image/packages
#                                                (keyed by that list and the mirrors only)
#   $ODOOVPS_TOOLS_DIR/guest-image-<hash>/       stage 2 (keyed by every input):
#     disk.qcow2         BIOS-bootable disk: MBR, one ext4 root partition, GRUB (grub-pc),
#                        serial console; grown at first boot by cloud-init to the disk it gets
#     containerdisk.tar  docker-archive with /disk/disk.qcow2 owned 107:107 (KubeVirt
#                        containerDisk / CDI registry import layout), tag $GUEST_IMAGE_TAG
#     build.txt          what was built, when, how long it took, the sizes
#   target/guest/        symbolic links to the above
#
# Needs root (loop devices, mounts, chroot); installs its Debian tools when they are missing.
# Everything it sets up (loop device, mounts) is undone on exit, also on failure.
set -euo pipefail
# One function, read before it runs: editing this file cannot change a running build.
main() {
cd "$(dirname "$0")/.."
ROOT=$PWD

ODOOVPS_TOOLS_DIR="${ODOOVPS_TOOLS_DIR:-$HOME/.cache/odoovps-tools}"
GUEST_SUITE=bookworm
GUEST_DISK_SIZE="${GUEST_DISK_SIZE:-3G}"
GUEST_IMAGE_TAG="${GUEST_IMAGE_TAG:-localhost/odoovps-guest:bookworm}"
MIRRORS=("deb http://deb.debian.org/debian $GUEST_SUITE main"
  "deb http://deb.debian.org/debian $GUEST_SUITE-updates main"
  "deb http://deb.debian.org/debian-security $GUEST_SUITE-security main")

[ "$(id -u)" -eq 0 ] || { echo "error: building the guest image needs root (loop devices, mounts)" >&2; exit 1; }

need=()
for tool in mmdebstrap:mmdebstrap qemu-img:qemu-utils sfdisk:fdisk mkfs.ext4:e2fsprogs \
  losetup:mount blkid:util-linux; do
  command -v "${tool%%:*}" >/dev/null || need+=("${tool#*:}")
done
if [ ${#need[@]} -gt 0 ]; then
  echo "installing ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=600 --no-install-recommends "${need[@]}" >/dev/null
fi

packages=$(grep -v -e '^#' -e '^$' guest/image/packages | paste -sd, -)
stage1_key=$( { echo "$GUEST_SUITE"; printf '%s\n' "${MIRRORS[@]}"; echo "$packages"; } | sha256sum | cut -c1-16)
ROOTFS_TAR="$ODOOVPS_TOOLS_DIR/guest-rootfs-$stage1_key.tar"
key=$( { echo "$stage1_key $GUEST_DISK_SIZE $GUEST_IMAGE_TAG"
  sha256sum hack/build-guest-image.sh hack/ociimage/main.go
  find guest -type f ! -path 'guest/odoo-standin/*' -print0 | sort -z | xargs -0 sha256sum
  find guest -type f ! -path 'guest/odoo-standin/*' -printf '%p %m\n' | sort; } | sha256sum | cut -c1-16)
OUT="$ODOOVPS_TOOLS_DIR/guest-image-$key"

link_outputs() {
  mkdir -p "$ROOT/target/guest"
  for f in disk.qcow2 containerdisk.tar build.txt; do ln -sfn "$OUT/$f" "$ROOT/target/guest/$f"; done
}
if [ -s "$OUT/disk.qcow2" ] && [ -s "$OUT/containerdisk.tar" ] && [ -s "$OUT/build.txt" ]; then
  echo "guest image cached in $OUT"
  link_outputs
  exit 0
fi

start=$(date +%s)
mkdir -p "$ODOOVPS_TOOLS_DIR"
WORK=$(mktemp -d "$ODOOVPS_TOOLS_DIR/guest-build.XXXXXX")
MNT="$WORK/mnt"
LOOP=""
cleanup() {
  set +e
  for m in dev/pts dev proc sys run; do mountpoint -q "$MNT/$m" && umount -l "$MNT/$m"; done
  mountpoint -q "$MNT" && umount "$MNT"
  [ -n "$LOOP" ] && losetup -d "$LOOP"
  rm -rf "$WORK"
}
trap cleanup EXIT

# --- Stage 1: the Debian system, as a tarball (cached on its own: it is the slow part)
if [ ! -s "$ROOTFS_TAR" ]; then
  echo "mmdebstrap $GUEST_SUITE: $packages"
  s1=$(date +%s)
  # shellcheck disable=SC2016 # $1 is the hook's argument, expanded by mmdebstrap's shell
  nice -n 10 mmdebstrap --variant=important --include="$packages" \
    --aptopt='Acquire::Languages "none"' \
    --essential-hook='echo "grub-pc grub-pc/install_devices multiselect" | chroot "$1" debconf-set-selections' \
    "$GUEST_SUITE" "$WORK/rootfs.tar" "${MIRRORS[@]}"
  mv "$WORK/rootfs.tar" "$ROOTFS_TAR"
  echo "stage 1 (mmdebstrap) took $(( $(date +%s) - s1 )) s"
fi

# --- Stage 2: a partitioned raw disk, the system on it, the provider's configuration, GRUB
RAW="$WORK/disk.raw"
truncate -s "$GUEST_DISK_SIZE" "$RAW"
echo 'label: dos
start=2048, type=83, bootable' | sfdisk -q "$RAW"
LOOP=$(losetup -f --show -P "$RAW")
# Without udev the partition's node may come late, or only after asking the kernel again.
for _ in 1 2 3 4 5; do [ -b "${LOOP}p1" ] && break; partx -a "$LOOP" 2>/dev/null || true; sleep 1; done
[ -b "${LOOP}p1" ] || { echo "error: no partition device ${LOOP}p1" >&2; exit 1; }
mkfs.ext4 -q -L rootfs -E lazy_itable_init=0,lazy_journal_init=0 "${LOOP}p1"
uuid=$(blkid -s UUID -o value "${LOOP}p1")
mkdir -p "$MNT"
mount "${LOOP}p1" "$MNT"
tar -C "$MNT" --numeric-owner --xattrs --xattrs-include="*" -xpf "$ROOTFS_TAR"

# The provider's files: configuration overlay, provisioning scripts.
cp -a guest/image/rootfs/. "$MNT/"
install -d -m 0755 "$MNT/usr/lib/odoo-vps"
for s in guest/bin/*; do install -m 0755 "$s" "$MNT/usr/lib/odoo-vps/"; done
printf 'UUID=%s / ext4 errors=remount-ro,discard 0 1\n' "$uuid" >"$MNT/etc/fstab"

for m in dev dev/pts proc sys run; do mkdir -p "$MNT/$m"; mount --bind "/$m" "$MNT/$m"; done
install -m 0755 guest/image/configure "$MNT/tmp/configure"
chroot "$MNT" /tmp/configure
rm -f "$MNT/tmp/configure"
chroot "$MNT" grub-install --target=i386-pc --modules="part_msdos ext2" "$LOOP"
chroot "$MNT" update-grub
# grub-mkconfig in a chroot may name the loop device; the guest must boot from the UUID.
sed -i "s|root=/dev/loop[0-9]*p1|root=UUID=$uuid|g" "$MNT/boot/grub/grub.cfg"
grep -q "root=UUID=$uuid" "$MNT/boot/grub/grub.cfg" || { echo "error: grub.cfg does not boot UUID=$uuid" >&2; exit 1; }
for m in dev/pts dev proc sys run; do umount -l "$MNT/$m"; done
used=$(df -B1 --output=used "$MNT" | tail -1 | tr -d ' ')
fstrim "$MNT" 2>/dev/null || true
umount "$MNT"
e2fsck -fy "${LOOP}p1" >/dev/null || [ $? -le 1 ]
losetup -d "$LOOP"
LOOP=""

mkdir -p "$WORK/out/disk"
nice -n 10 qemu-img convert -c -O qcow2 "$RAW" "$WORK/out/disk/disk.qcow2"
rm -f "$RAW"

# --- The containerDisk image: /disk/disk.qcow2 owned by 107:107 (KubeVirt's qemu user)
OCIIMAGE="$ODOOVPS_TOOLS_DIR/bin/ociimage-$(sha256sum hack/ociimage/main.go | cut -c1-12)"
if [ ! -x "$OCIIMAGE" ]; then
  command -v go >/dev/null || { echo "error: Go is needed to build hack/ociimage" >&2; exit 1; }
  mkdir -p "$WORK/oci" "$(dirname "$OCIIMAGE")"
  cp hack/ociimage/main.go "$WORK/oci/"
  printf 'module odoovps.io/ociimage\n\ngo 1.24.0\n' >"$WORK/oci/go.mod"
  (cd "$WORK/oci" && CGO_ENABLED=0 GOFLAGS=-buildvcs=false go build -trimpath -o "$OCIIMAGE" .)
fi
chmod 0755 "$WORK/out/disk"
chmod 0644 "$WORK/out/disk/disk.qcow2"
"$OCIIMAGE" -dir "$WORK/out" -tag "$GUEST_IMAGE_TAG" -owner 107:107 -out "$WORK/out/containerdisk.tar" >/dev/null

mkdir -p "$OUT"
mv "$WORK/out/disk/disk.qcow2" "$OUT/disk.qcow2"
mv "$WORK/out/containerdisk.tar" "$OUT/containerdisk.tar"
took=$(( $(date +%s) - start ))
{
  echo "guest image $key (rootfs $stage1_key), built $(date -u +%FT%TZ) in ${took} s"
  echo "virtual disk size: $GUEST_DISK_SIZE; root file system used: $used bytes"
  echo "disk.qcow2: $(stat -c %s "$OUT/disk.qcow2") bytes"
  echo "containerdisk.tar: $(stat -c %s "$OUT/containerdisk.tar") bytes ($GUEST_IMAGE_TAG)"
} >"$OUT/build.txt"
cat "$OUT/build.txt"
link_outputs
# Earlier builds' images (other inputs) are dropped; a running test VM resolves its backing file
# when it starts, so only remove folders that no QEMU process has open.
for old in "$ODOOVPS_TOOLS_DIR"/guest-image-*; do
  [ "$old" = "$OUT" ] && continue
  if command -v fuser >/dev/null && fuser -s "$old"/disk.qcow2 2>/dev/null; then continue; fi
  rm -rf "$old"
done
}
main "$@"
