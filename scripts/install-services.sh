#!/usr/bin/env bash
# Installs the real services that the integration-test harness (tests/harness/) starts:
# Prometheus, node_exporter, a Docker engine (for Swarm mode), busybox-static (to build an
# offline image, since nothing can be pulled), iproute2 and GlusterFS.
#
# Idempotent and non-interactive: when every package is already installed it does nothing,
# so it is cheap to call from CI before each run. It never starts or enables a service; the
# harness starts private instances on 127.0.0.x itself and must not collide with system ones.
set -euo pipefail

PACKAGES=(prometheus prometheus-node-exporter victoria-metrics docker.io busybox-static iproute2 chromium glusterfs-server)  # victoria-metrics: the second PromQL engine; chromium: browser tests (tests/browser/); glusterfs-server: tests/harness/gluster.ts

# True when dpkg reports the package fully installed ("install ok installed").
is_installed() {
  [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" == "install ok installed" ]]
}

missing=()
for pkg in "${PACKAGES[@]}"; do
  if ! is_installed "$pkg"; then
    missing+=("$pkg")
  fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "install-services: all packages already installed: ${PACKAGES[*]}"
  exit 0
fi

# apt needs root; use sudo only when we are not root already (a fresh container has no sudo).
SUDO=()
if [[ "$(id -u)" -ne 0 ]]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo -n)
  else
    echo "install-services: must run as root (or with passwordless sudo) to install: ${missing[*]}" >&2
    exit 1
  fi
fi

export DEBIAN_FRONTEND=noninteractive
echo "install-services: installing ${missing[*]}"
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
# --no-install-recommends keeps the footprint small: recommends (git, apparmor, the node_exporter
# textfile collectors with their systemd timers, ...) are not needed by the harness.
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
  -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "${missing[@]}"

# Fail loudly if apt exited 0 but something is still missing (e.g. a held package).
still_missing=()
for pkg in "${PACKAGES[@]}"; do
  if ! is_installed "$pkg"; then
    still_missing+=("$pkg")
  fi
done
if [[ ${#still_missing[@]} -ne 0 ]]; then
  echo "install-services: still not installed after apt-get: ${still_missing[*]}" >&2
  exit 1
fi

for bin in /usr/bin/prometheus /usr/bin/prometheus-node-exporter /usr/bin/docker /usr/sbin/dockerd /bin/busybox /usr/sbin/ip /usr/bin/chromium /usr/sbin/glusterd /usr/sbin/gluster /usr/sbin/glusterfsd; do
  if [[ ! -x "$bin" ]]; then
    echo "install-services: expected binary missing after install: $bin" >&2
    exit 1
  fi
done
echo "install-services: done"
