#!/usr/bin/env bash
# Everything a fresh Debian 12 machine needs, idempotent: the real services the tests run (apt) and the
# Node dependencies (npm ci). Root is needed for apt and for the Docker Swarm the integration tests start.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-services.sh

if [[ "${CI:-}" == "true" || ! -d node_modules || package-lock.json -nt node_modules/.package-lock.json ]]; then
  npm ci --no-audit --no-fund
fi
