# shellcheck shell=bash disable=SC2034
# Shared by the provisioning scripts in /usr/lib/odoo-vps (sourced, not run).
#
# The interface the operator fills through cloud-init (docs/guest.md):
#   /etc/odoo-vps/odoo.env   ODOO_VERSION=18.0
#                            ODOO_REPOSITORY=<body of an apt sources line, after "deb ">
#                            ODOO_REPOSITORY_KEY_URL=<armored key URL>   (optional)
#                            ODOO_DATABASE=<name>
#   /etc/odoo-vps/admin      login=<email> / password=<secret>  (0600 root)
# The file is read line by line as KEY=VALUE (one pair of surrounding quotes is removed); it is
# never run as shell code.

ODOO_VPS_ETC=/etc/odoo-vps
ODOO_VPS_ENV=$ODOO_VPS_ETC/odoo.env
ODOO_VPS_ADMIN=$ODOO_VPS_ETC/admin
ODOO_VPS_STATE=/var/lib/odoo-vps
ODOO_VPS_MARKER=$ODOO_VPS_STATE/provisioned
ODOO_VPS_LOG=/var/log/odoo-vps
ODOO_CONF=/etc/odoo/odoo.conf
ODOO_LIST=/etc/apt/sources.list.d/odoo.list
ODOO_PIN=/etc/apt/preferences.d/odoo-vps
ODOO_KEYRING=/usr/share/keyrings/odoo.gpg
export DEBIAN_FRONTEND=noninteractive

# Exit codes, the same in every script.
EX_USAGE=2      # bad arguments or a bad /etc/odoo-vps file
EX_REPO=3       # the repository, its key or apt failed
EX_ODOO=4       # PostgreSQL or an Odoo command failed
EX_SERVICE=5    # a service did not come up
EX_STATE=6      # the machine is not in the state the command needs (e.g. not provisioned)

log() { printf '%s %s: %s\n' "$(date -u +%FT%TZ)" "${0##*/}" "$*" >&2; }
die() { local code=$1; shift; log "error: $*"; exit "$code"; }

require_root() { [ "$(id -u)" -eq 0 ] || die "$EX_USAGE" "must run as root"; }

# Serialise the scripts: provisioning, an upgrade and maintenance never run at once.
take_lock() {
  exec 9>/run/odoo-vps.lock
  flock -w 1800 9 || die "$EX_STATE" "another odoo-vps script holds /run/odoo-vps.lock"
}

# kv_get FILE KEY: the value of KEY=VALUE in FILE, one pair of surrounding quotes removed.
kv_get() {
  local line v
  line=$(grep -E "^[[:space:]]*$2=" "$1" 2>/dev/null | tail -n 1) || return 1
  v=${line#*=}
  v=${v%$'\r'}
  case $v in
    \"*\") v=${v#\"}; v=${v%\"} ;;
    \'*\') v=${v#\'}; v=${v%\'} ;;
  esac
  printf '%s' "$v"
}

# kv_set FILE KEY VALUE: replace or append KEY=VALUE (quoted with double quotes when it has spaces).
kv_set() {
  local file=$1 key=$2 val=$3 tmp
  case $val in *' '*|*'['*) val="\"$val\"" ;; esac
  tmp=$(mktemp "$file.XXXXXX")
  { grep -vE "^[[:space:]]*$key=" "$file" 2>/dev/null || true; printf '%s=%s\n' "$key" "$val"; } >"$tmp"
  chmod --reference="$file" "$tmp" 2>/dev/null || chmod 0644 "$tmp"
  mv "$tmp" "$file"
}

load_env() {
  [ -r "$ODOO_VPS_ENV" ] || die "$EX_USAGE" "$ODOO_VPS_ENV is missing"
  ODOO_VERSION=$(kv_get "$ODOO_VPS_ENV" ODOO_VERSION || true)
  ODOO_REPOSITORY=$(kv_get "$ODOO_VPS_ENV" ODOO_REPOSITORY || true)
  ODOO_REPOSITORY_KEY_URL=$(kv_get "$ODOO_VPS_ENV" ODOO_REPOSITORY_KEY_URL || true)
  ODOO_DATABASE=$(kv_get "$ODOO_VPS_ENV" ODOO_DATABASE || true)
  check_version "$ODOO_VERSION"
  [ -n "$ODOO_REPOSITORY" ] || die "$EX_USAGE" "ODOO_REPOSITORY is missing in $ODOO_VPS_ENV"
  case $ODOO_DATABASE in
    ''|*[!A-Za-z0-9_-]*) die "$EX_USAGE" "ODOO_DATABASE must be letters, digits, _ or - (got '$ODOO_DATABASE')" ;;
  esac
}

check_version() {
  case $1 in
    [0-9]*.[0-9]*) case $1 in *[!0-9.]*) die "$EX_USAGE" "bad Odoo version '$1' (want e.g. 18.0)" ;; esac ;;
    *) die "$EX_USAGE" "bad Odoo version '$1' (want e.g. 18.0)" ;;
  esac
}

# configure_repository VERSION: the apt source of Odoo's package, its key, and a pin that keeps
# the package in the VERSION series (maintenance upgrades never cross a series).
configure_repository() {
  local version=$1 tmp
  if [ -n "$ODOO_REPOSITORY_KEY_URL" ]; then
    tmp=$(mktemp)
    curl -fsSL --retry 5 --retry-delay 3 "$ODOO_REPOSITORY_KEY_URL" -o "$tmp" \
      || die "$EX_REPO" "cannot fetch the repository key $ODOO_REPOSITORY_KEY_URL"
    gpg --batch --yes --dearmor -o "$ODOO_KEYRING.tmp" "$tmp" || die "$EX_REPO" "the repository key is not an OpenPGP key"
    mv "$ODOO_KEYRING.tmp" "$ODOO_KEYRING"
    chmod 0644 "$ODOO_KEYRING"
    rm -f "$tmp"
  fi
  printf 'deb %s\n' "$ODOO_REPOSITORY" >"$ODOO_LIST"
  printf 'Package: odoo\nPin: version %s.*\nPin-Priority: 900\n\nPackage: odoo\nPin: version *\nPin-Priority: -1\n' \
    "$version" >"$ODOO_PIN"
}

apt_update() {
  local i
  for i in 1 2 3; do
    apt-get update -q -o DPkg::Lock::Timeout=600 && return 0
    log "apt-get update failed (attempt $i)"; sleep 5
  done
  die "$EX_REPO" "apt-get update failed"
}

# The newest package version of the series VERSION (e.g. 18.0 -> 18.0.20250101 or 18.0.0+standin).
package_version_of() {
  apt-cache madison odoo | awk -F'|' -v s="$1" '{gsub(/ /, "", $2); if (index($2, s ".") == 1) {print $2; exit}}'
}

install_odoo() {
  local version=$1 pkg
  pkg=$(package_version_of "$version")
  [ -n "$pkg" ] || die "$EX_REPO" "the repository has no odoo package of version $version"
  log "installing odoo=$pkg"
  apt-get install -y -q -o DPkg::Lock::Timeout=600 -o Dpkg::Options::=--force-confold \
    --allow-downgrades "odoo=$pkg" || die "$EX_REPO" "apt-get install odoo=$pkg failed"
}

installed_package() { dpkg-query -W -f='${Version}' odoo 2>/dev/null || true; }

# odoo_conf_set KEY VALUE: set an option in the [options] section of /etc/odoo/odoo.conf.
odoo_conf_set() {
  local key=$1 val=$2
  if grep -qE "^[[:space:]]*${key}[[:space:]]*=" "$ODOO_CONF"; then
    sed -i -E "s|^[[:space:]]*${key}[[:space:]]*=.*|$key = $val|" "$ODOO_CONF"
  else
    printf '%s = %s\n' "$key" "$val" >>"$ODOO_CONF"
  fi
}

# Run Odoo's command line as the odoo user, as Odoo's package's service does.
run_odoo() { runuser -u odoo -- /usr/bin/odoo "$@"; }

wait_odoo() {
  local i
  for i in $(seq 1 "${1:-300}"); do
    curl -fs -o /dev/null --max-time 5 http://127.0.0.1:8069/web/login && return 0
    sleep 1
  done
  return 1
}

write_marker() {
  local tmp
  install -d -m 0755 "$ODOO_VPS_STATE"
  tmp=$(mktemp "$ODOO_VPS_MARKER.XXXXXX")
  printf 'version=%s\npackage=%s\ndatabase=%s\nprovisioned=%s\n' "$1" "$(installed_package)" \
    "$ODOO_DATABASE" "$(date -u +%FT%TZ)" >"$tmp"
  chmod 0644 "$tmp"
  mv "$tmp" "$ODOO_VPS_MARKER"
}
