#!/usr/bin/env bash
# Installs Debian packages the build or the tests need (as root, non-interactively), refreshing
# apt's lists once when they are missing or stale, and waiting for another apt to finish first.
# Usage: hack/apt-install.sh PACKAGE...
set -euo pipefail
if [[ $(id -u) != 0 ]]; then
  echo "missing Debian packages: $*; install them (apt-get install $*) or run as root" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
for _ in $(seq 1 120); do
  fuser /var/lib/dpkg/lock-frontend >/dev/null 2>&1 || break
  sleep 2
done
apt-get install -y -qq "$@" >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq "$@" >/dev/null; }
echo "installed: $*"
