#!/usr/bin/env bash
# Builds the Odoo STAND-IN packages (guest/odoo-standin: not Odoo, see docs/guest.md) and a flat,
# unsigned apt repository of them, cached by a hash of their inputs (a second run builds nothing):
#
#   $ODOOVPS_TOOLS_DIR/odoo-standin-<hash>/odoo_<version>_all.deb   one per guest/odoo-standin/versions
#                                          Packages, Packages.gz, Release
#   target/guest/standin-repo -> that folder
#
# A guest uses it, for tests only, with the sources line "deb [trusted=yes] http://HOST:PORT/ ./".
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
ODOOVPS_TOOLS_DIR="${ODOOVPS_TOOLS_DIR:-$HOME/.cache/odoovps-tools}"
SRC=guest/odoo-standin

need=()
command -v dpkg-scanpackages >/dev/null || need+=(dpkg-dev)
command -v apt-ftparchive >/dev/null || need+=(apt-utils)
if [ ${#need[@]} -gt 0 ]; then
  [ "$(id -u)" -eq 0 ] || { echo "error: install ${need[*]} (or run as root)" >&2; exit 1; }
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=600 --no-install-recommends "${need[@]}" >/dev/null
fi

key=$( { sha256sum hack/build-odoo-standin.sh; find "$SRC" -type f -print0 | sort -z | xargs -0 sha256sum; } \
  | sha256sum | cut -c1-16)
OUT="$ODOOVPS_TOOLS_DIR/odoo-standin-$key"
mkdir -p "$ROOT/target/guest"
if [ -s "$OUT/Release" ]; then
  echo "odoo stand-in repository cached in $OUT"
  ln -sfn "$OUT" "$ROOT/target/guest/standin-repo"
  exit 0
fi
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/repo"
while read -r version; do
  [ -n "$version" ] || continue
  pkg="$WORK/pkg-$version"
  install -d "$pkg/DEBIAN" "$pkg/usr/bin" "$pkg/etc/odoo" "$pkg/lib/systemd/system" \
    "$pkg/usr/share/doc/odoo"
  sed "s/@VERSION@/$version/g" "$SRC/control.in" >"$pkg/DEBIAN/control"
  echo /etc/odoo/odoo.conf >"$pkg/DEBIAN/conffiles"
  install -m 0755 "$SRC/postinst" "$SRC/prerm" "$pkg/DEBIAN/"
  sed "s/@VERSION@/$version/g" "$SRC/odoo" >"$pkg/usr/bin/odoo"
  chmod 0755 "$pkg/usr/bin/odoo"
  install -m 0644 "$SRC/odoo.conf" "$pkg/etc/odoo/odoo.conf"
  install -m 0644 "$SRC/odoo.service" "$pkg/lib/systemd/system/odoo.service"
  printf 'Odoo stand-in %s: NOT Odoo. A test stand-in of the odoovps operator project.\n' "$version" \
    >"$pkg/usr/share/doc/odoo/README.standin"
  dpkg-deb --root-owner-group -Zxz --build "$pkg" "$WORK/repo/odoo_${version}_all.deb" >/dev/null
done <"$SRC/versions"
(
  cd "$WORK/repo"
  dpkg-scanpackages --multiversion . /dev/null 2>/dev/null >Packages
  gzip -9nk Packages
  apt-ftparchive -o APT::FTPArchive::Release::Origin="odoovps Odoo stand-in (not Odoo)" \
    -o APT::FTPArchive::Release::Label="odoo-standin" release . >Release
)
mkdir -p "$ODOOVPS_TOOLS_DIR"
rm -rf "$OUT.tmp"
mv "$WORK/repo" "$OUT.tmp"
mv "$OUT.tmp" "$OUT"
ln -sfn "$OUT" "$ROOT/target/guest/standin-repo"
echo "odoo stand-in repository: $OUT"
ls -l "$OUT"
