#!/usr/bin/env bash
# Builds the monitoring tools the alert-rule tests run, from their official Go modules with the
# machine's Go toolchain, and caches them outside the repository:
#   $ODOOVPS_TOOLS_DIR/promtool-<version>/promtool
#   $ODOOVPS_TOOLS_DIR/prometheus-<version>/prometheus
#   $ODOOVPS_TOOLS_DIR/alertmanager-<version>/{alertmanager,amtool}
# A second run builds nothing. Nothing is downloaded except through the Go module proxy.
set -euo pipefail

PROMETHEUS_VERSION="${PROMETHEUS_VERSION:-3.16.0}"
ALERTMANAGER_VERSION="${ALERTMANAGER_VERSION:-0.35.0}"
ODOOVPS_TOOLS_DIR="${ODOOVPS_TOOLS_DIR:-$HOME/.cache/odoovps-tools}"
PROMTOOL_DIR="$ODOOVPS_TOOLS_DIR/promtool-${PROMETHEUS_VERSION}"
PROMETHEUS_DIR="$ODOOVPS_TOOLS_DIR/prometheus-${PROMETHEUS_VERSION}"
ALERTMANAGER_DIR="$ODOOVPS_TOOLS_DIR/alertmanager-${ALERTMANAGER_VERSION}"

if [ -x "$PROMTOOL_DIR/promtool" ] && [ -x "$PROMETHEUS_DIR/prometheus" ] \
  && [ -x "$ALERTMANAGER_DIR/alertmanager" ] && [ -x "$ALERTMANAGER_DIR/amtool" ]; then
  echo "prometheus and promtool ${PROMETHEUS_VERSION}, alertmanager and amtool ${ALERTMANAGER_VERSION} cached in $ODOOVPS_TOOLS_DIR"
  exit 0
fi
command -v go >/dev/null || { echo "error: the Go toolchain is needed to build the monitoring tools" >&2; exit 1; }

WORK="${MONITORING_TOOLS_BUILD_DIR:-$ODOOVPS_TOOLS_DIR/build}"
mkdir -p "$PROMTOOL_DIR" "$PROMETHEUS_DIR" "$ALERTMANAGER_DIR" "$WORK"
export GOFLAGS="-mod=mod -buildvcs=false"
export CGO_ENABLED=0

# The stamp the release builds put in `--version` (promu's ldflags).
version_ldflags() {
  echo "-s -w -X github.com/prometheus/common/version.Version=$1 -X github.com/prometheus/common/version.Branch=HEAD -X github.com/prometheus/common/version.BuildUser=odoovps-build"
}

# --- promtool. Prometheus 3.x publishes its Go module as v0.<major><minor 2 digits>.<patch>
# (3.16.0 is v0.316.0); its go.mod has no replace directive, so `go install module@version`
# builds it with exactly the released dependency versions. Both binaries are built with the
# module's own `remove_all_sd` build tag (plugins/plugin_*.go): it leaves out the cloud and
# Kubernetes service discoveries, about a third of the packages to compile; the tests only use
# `promtool check|test rules` and a server with static scrape targets.
SD_TAGS="remove_all_sd"
IFS=. read -r major minor patch <<<"$PROMETHEUS_VERSION"
module_version="v0.${major}$(printf '%02d' "$minor").${patch}"
# Builds cmd/<name> of the Prometheus module into <dir>/<name>, unless it is there.
build_prometheus_cmd() {
  local name=$1 dir=$2
  [ -x "$dir/$name" ] && return
  echo "building $name ${PROMETHEUS_VERSION} (github.com/prometheus/prometheus@${module_version})"
  local start
  start=$(date +%s)
  GOBIN="$WORK/$name-bin" go install -trimpath -tags "$SD_TAGS" \
    -ldflags "$(version_ldflags "$PROMETHEUS_VERSION")" \
    "github.com/prometheus/prometheus/cmd/$name@${module_version}"
  mv "$WORK/$name-bin/$name" "$dir/$name"
  rmdir "$WORK/$name-bin"
  echo "$name built in $(( $(date +%s) - start ))s: $dir/$name"
}

build_prometheus_cmd promtool "$PROMTOOL_DIR"

# --- the Prometheus server, the same way. Only the `builtinassets` build tag embeds the web UI
# (web/ui/assets_embed.go, which the published module lacks the compiled assets for); without the
# tag, web/ui/ui.go serves the UI from ./web/ui/static on disk, so the plain build compiles and the
# HTTP API (/api/v1/query, /-/ready) is complete. The tests use nothing else.
build_prometheus_cmd prometheus "$PROMETHEUS_DIR"

# --- alertmanager and amtool. The module embeds its web UI from ui/app/dist, which the release
# process builds with npm and which the published module therefore lacks, so `go install` fails on
# the embed pattern. Build from a copy of the published module source with a one-page stand-in for
# the UI (the tests talk to the API, never to the UI); everything else, dependencies included
# (its own go.mod and go.sum), is the released module.
if [ ! -x "$ALERTMANAGER_DIR/alertmanager" ] || [ ! -x "$ALERTMANAGER_DIR/amtool" ]; then
  echo "building alertmanager and amtool ${ALERTMANAGER_VERSION} (github.com/prometheus/alertmanager@v${ALERTMANAGER_VERSION})"
  start=$(date +%s)
  src=$(go mod download -json "github.com/prometheus/alertmanager@v${ALERTMANAGER_VERSION}" \
    | sed -n 's/.*"Dir": "\(.*\)",/\1/p')
  [ -n "$src" ] || { echo "error: cannot download github.com/prometheus/alertmanager@v${ALERTMANAGER_VERSION}" >&2; exit 1; }
  copy="$WORK/alertmanager-${ALERTMANAGER_VERSION}-src"
  rm -rf "$copy"
  cp -r "$src" "$copy"
  chmod -R u+w "$copy"
  for ui in elm mantine; do
    mkdir -p "$copy/ui/app/dist/$ui"
    echo "<!doctype html><title>Alertmanager</title><p>Built without its web UI; use the API or amtool." \
      > "$copy/ui/app/dist/$ui/index.html"
  done
  (
    cd "$copy"
    for b in alertmanager amtool; do
      [ -x "$ALERTMANAGER_DIR/$b" ] && continue
      echo "  go build $b"
      go build -trimpath -ldflags "$(version_ldflags "$ALERTMANAGER_VERSION")" -o "$ALERTMANAGER_DIR/$b.tmp" "./cmd/$b"
      mv "$ALERTMANAGER_DIR/$b.tmp" "$ALERTMANAGER_DIR/$b"
    done
  )
  rm -rf "$copy"
  echo "alertmanager and amtool built in $(( $(date +%s) - start ))s: $ALERTMANAGER_DIR"
fi
