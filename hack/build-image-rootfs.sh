#!/usr/bin/env bash
# The operator image's base, built without any container registry or Docker daemon: a root file
# system of Debian packages (OpenJDK 17 JRE headless and the libraries it needs), written as a
# one-layer docker-archive tarball that Jib builds on (hack/image/pom.xml, from tar://...).
#
#   1. resolve the packages from this machine's apt: the Depends/Pre-Depends closure of
#      openjdk-17-jre-headless, first alternative of each "a | b", first provider of a virtual
#      package, minus SKIP (maintainer-script tools and desktop data, see below);
#   2. apt-get download those exact versions and unpack them with dpkg-deb -x (no maintainer
#      scripts run);
#   3. do by hand what the maintainer scripts would have done that matters for running java:
#      the CA bundle (update-ca-certificates), the JDK trust store (ca-certificates-java), plus
#      /etc/passwd and /etc/group for uid 185, /tmp (Debian's package already ships the CDS
#      archive lib/server/classes.jsa, and the image calls java by its full path, so the
#      alternatives symlinks are not needed);
#   4. check that every shared library the JRE links is in the tree, and (as root, in a chroot)
#      that its java runs;
#   5. tar it reproducibly (sorted, mtime 0, owner root) into base.tar with its config.
#
# Cached in $ODOOVPS_TOOLS_DIR/jre-rootfs-<hash of the package versions and this script>; a second
# run with the same apt candidates only re-links target/image/jre-base.tar.
set -euo pipefail
cd "$(dirname "$0")/.."

TOOLS=${ODOOVPS_TOOLS_DIR:-$HOME/.cache/odoovps-tools}
ROOT_PACKAGE=openjdk-17-jre-headless
# the Mozilla CAs the JDK trust store is made from (reached otherwise through ca-certificates-java)
# qemu-utils: qemu-img, with which the fill Job of a disk claim turns a qcow2 provider image into
# the raw disk.img KubeVirt boots (fill-disk, on clusters without CDI)
# openssh-client: ssh, with which the guest-command Jobs reach the guest's forced command
# iproute2: tc and ip, with which the shaper (the image's `shape` mode) rewrites the TBFs of a VPS
# pod's host devices; nftables: nft, with which it writes the VPSs' UDP and ICMP packet limits
ROOT_PACKAGES=("$ROOT_PACKAGE" ca-certificates qemu-utils openssh-client iproute2 nftables)
JAVA_HOME_IN_IMAGE=/usr/lib/jvm/java-17-openjdk-amd64
# Not unpacked, and their dependencies not followed:
SKIP=(
  # run by maintainer scripts or package management only; nothing here runs those
  dpkg debconf cdebconf install-info tar util-linux util-linux-extra sysvinit-utils lsb-base
  readline-common openssl java-common adduser passwd
  # its postinst builds the JDK trust store with a java program; done below instead
  ca-certificates-java
  # fonts and X11 data for AWT; the operator is headless and draws nothing
  fontconfig-config x11-common xfonts-encodings xfonts-utils ttf-bitstream-vera
)
is_skipped() {
  local p
  for p in "${SKIP[@]}"; do [[ $1 == "$p" ]] && return 0; done
  [[ $1 == fonts-* ]]
}

# 1. the package closure, breadth first, one apt-cache call per level (each call takes a second
#    here); remembered until apt's package lists or this script change
mkdir -p "$TOOLS"
resolved=$TOOLS/jre-rootfs-packages-$( (stat -c '%n %s %Y' /var/lib/apt/lists/*Packages* 2>/dev/null;
  cat "$0") | sha256sum | cut -c1-16).txt
if [[ -s $resolved ]]; then
  mapfile -t packages <"$resolved"
else
if ! apt-cache show "$ROOT_PACKAGE" >/dev/null 2>&1; then
  if [[ $(id -u) == 0 ]]; then apt-get update -qq; else
    echo "apt knows no $ROOT_PACKAGE: run apt-get update" >&2; exit 1
  fi
fi
declare -A seen=()
level=("${ROOT_PACKAGES[@]}")
names=()
while ((${#level[@]})); do
  todo=()
  for p in "${level[@]}"; do
    [[ -n ${seen[$p]:-} ]] && continue
    seen[$p]=1
    is_skipped "$p" || todo+=("$p")
  done
  ((${#todo[@]})) || break
  names+=("${todo[@]}")
  # " |Depends: a" means "a or the next line": take the first. "<v>" is a virtual package, its
  # providers follow indented by four spaces: take the first.
  mapfile -t level < <(apt-cache depends --no-recommends --no-suggests --no-conflicts --no-breaks \
    --no-replaces --no-enhances "${todo[@]}" | awk '
      /^ [ |](Pre)?Depends:/ {
        take = !alternative; alternative = ($1 ~ /^\|/); virtual = 0
        if (take) { if ($2 ~ /^</) virtual = 1; else print $2 }
        next
      }
      /^    / { if (virtual) { print $1; virtual = 0 } next }
      { alternative = 0; virtual = 0 }')
done
mapfile -t packages < <(apt-cache policy "${names[@]}" | awk '
  /^[^ ].*:$/ { name = substr($1, 1, length($1) - 1) }
  /^  Candidate:/ { print name "=" $2 }')
if ((${#packages[@]} != ${#names[@]})) || [[ " ${packages[*]} " == *"=(none) "* ]]; then
  echo "apt has no candidate for some of: ${names[*]}" >&2
  exit 1
fi
mapfile -t packages < <(printf '%s\n' "${packages[@]}" | LC_ALL=C sort)
printf '%s\n' "${packages[@]}" >"$resolved"
fi

key=$( (printf '%s\n' "${packages[@]}"; cat "$0" hack/image/JavaCacerts.java) | sha256sum | cut -c1-16)
CACHE=$TOOLS/jre-rootfs-$key
mkdir -p target/image
if [[ -f $CACHE/.complete ]]; then
  ln -sfn "$CACHE/base.tar" target/image/jre-base.tar
  echo "image base: cached $CACHE/base.tar (${#packages[@]} packages)"
  exit 0
fi

echo "image base: ${#packages[@]} Debian packages -> $CACHE"
SECONDS=0
rm -rf "$CACHE.tmp"
mkdir -p "$CACHE.tmp/rootfs" "$TOOLS/debs"

# 2. download (cached by file name, which carries the version) and unpack
(cd "$TOOLS/debs" && apt-get download -q -o APT::Sandbox::User=root "${packages[@]}" >/dev/null)
rootfs=$CACHE.tmp/rootfs
for p in "${packages[@]}"; do
  name=${p%%=*} version=${p#*=}
  deb=$(ls "$TOOLS/debs/${name}_${version//:/%3a}_"*.deb)
  dpkg-deb -x "$deb" "$rootfs"
done
printf '%s\n' "${packages[@]}" >"$CACHE.tmp/packages.txt"

# documentation and manuals are not needed; the licences stay
find "$rootfs/usr/share/doc" -mindepth 2 ! -name copyright ! -type d -delete
find "$rootfs/usr/share/doc" -depth -type d -empty -delete
rm -rf "$rootfs/usr/share/man" "$rootfs/usr/share/lintian" "$rootfs/usr/share/bug"
# javac's symbol file (no compiler runs here) and the CDS archive for heaps over 32 GiB
rm -f "$rootfs$JAVA_HOME_IN_IMAGE/lib/ct.sym" "$rootfs$JAVA_HOME_IN_IMAGE/lib/server/classes_nocoops.jsa"

# 3. what the maintainer scripts would have done
#    update-ca-certificates: every Mozilla CA (the default /etc/ca-certificates.conf) in one bundle
mkdir -p "$rootfs/etc/ssl/certs/java"
find "$rootfs/usr/share/ca-certificates/mozilla" -name '*.crt' | LC_ALL=C sort | xargs cat \
  >"$rootfs/etc/ssl/certs/ca-certificates.crt"
#    ca-certificates-java: the JDK trust store its lib/security/cacerts links to
java hack/image/JavaCacerts.java "$rootfs/etc/ssl/certs/ca-certificates.crt" \
  "$rootfs/etc/ssl/certs/java/cacerts"
#    an operator user for runAsUser 185 (the JVM asks for the name and home of its uid)
cat >"$rootfs/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/usr/sbin/nologin
odoovps:x:185:185:Odoo VPS operator:/deployments:/usr/sbin/nologin
qemu:x:107:107:KubeVirt's qemu user (backup and disk-fill Jobs):/nonexistent:/usr/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
EOF
cat >"$rootfs/etc/group" <<'EOF'
root:x:0:
odoovps:x:185:
qemu:x:107:
nogroup:x:65534:
EOF
printf 'passwd: files\ngroup: files\nhosts: files dns\n' >"$rootfs/etc/nsswitch.conf"
mkdir -p "$rootfs/tmp" "$rootfs/root"
chmod 1777 "$rootfs/tmp"

# 4. every library the JRE's, qemu-img's, tc's and ip's ELF files need is in the tree (the loader looks in
#    these directories)
missing=$(find "$rootfs$JAVA_HOME_IN_IMAGE" "$rootfs/usr/bin/qemu-img" "$rootfs/sbin/tc" "$rootfs/bin/ip" "$rootfs/usr/sbin/nft" -type f \( -name '*.so' -o -perm -u+x \) -print0 |
  xargs -0 readelf -d 2>/dev/null | awk '/NEEDED/ {gsub(/[\[\]]/, "", $5); print $5}' | sort -u |
  while read -r lib; do
    for dir in lib/x86_64-linux-gnu usr/lib/x86_64-linux-gnu "${JAVA_HOME_IN_IMAGE#/}/lib" \
      "${JAVA_HOME_IN_IMAGE#/}/lib/server"; do
      [[ -e $rootfs/$dir/$lib || -L $rootfs/$dir/$lib ]] && continue 2
    done
    echo "$lib"
  done)
if [[ -n $missing ]]; then
  echo "libraries the JRE links are missing from the image: $missing" >&2
  exit 1
fi
#    the JVM of the image runs (chroot with its own /proc, which $ORIGIN lookups and the JVM need)
mkdir -p "$rootfs/proc" "$rootfs/sys" "$rootfs/dev"
if [[ $(id -u) == 0 ]] && unshare --mount --pid --fork true 2>/dev/null; then
  unshare --mount --pid --fork --mount-proc="$rootfs/proc" \
    chroot "$rootfs" "$JAVA_HOME_IN_IMAGE/bin/java" -Xshare:on -version
  unshare --mount --pid --fork --mount-proc="$rootfs/proc" chroot "$rootfs" /usr/bin/qemu-img --version
  unshare --mount --pid --fork --mount-proc="$rootfs/proc" chroot "$rootfs" /sbin/tc -V
  unshare --mount --pid --fork --mount-proc="$rootfs/proc" chroot "$rootfs" /usr/sbin/nft --version
else
  echo "not root, or no mount namespaces here: the image's java was not run in a chroot" >&2
fi

# 5. the docker-archive: one layer, reproducible, with the config Jib reads from it
(cd "$CACHE.tmp" && mkdir -p archive &&
  tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner --format=posix \
    --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime \
    -cf archive/layer.tar -C rootfs . &&
  diff_id=$(sha256sum archive/layer.tar | cut -d' ' -f1) &&
  cat >archive/config.json <<EOF &&
{"architecture":"amd64","os":"linux","created":"1970-01-01T00:00:00Z",
 "config":{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","JAVA_HOME=$JAVA_HOME_IN_IMAGE","LANG=C.UTF-8"]},
 "rootfs":{"type":"layers","diff_ids":["sha256:$diff_id"]},
 "history":[{"created":"1970-01-01T00:00:00Z","created_by":"hack/build-image-rootfs.sh: ${#packages[@]} Debian packages, $ROOT_PACKAGE $(grep "^$ROOT_PACKAGE=" packages.txt | cut -d= -f2)"}]}
EOF
  printf '[{"Config":"config.json","RepoTags":["odoovps/jre-base:%s"],"Layers":["layer.tar"]}]\n' \
    "$key" >archive/manifest.json &&
  tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -cf base.tar -C archive \
    manifest.json config.json layer.tar &&
  rm -rf archive)
touch "$CACHE.tmp/.complete"
rm -rf "$CACHE"
mv "$CACHE.tmp" "$CACHE"
# earlier bases (other package versions or an older script) are not needed any more
find "$TOOLS" -maxdepth 1 -name 'jre-rootfs-*' ! -name "jre-rootfs-$key" ! -path "$resolved" \
  -exec rm -rf {} +
ln -sfn "$CACHE/base.tar" target/image/jre-base.tar
echo "image base: $CACHE/base.tar ($(du -sh "$CACHE/rootfs" | cut -f1) unpacked, built in ${SECONDS}s)"
