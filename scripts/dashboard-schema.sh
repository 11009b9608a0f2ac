#!/usr/bin/env bash
# Prints the JSON Schema of a Grafana dashboard, generated from @grafana/schema's Dashboard type (the one
# tests/build/dashboards.test.ts validates dashboards/*.json against). Usage: bash scripts/dashboard-schema.sh > schema.json
set -euo pipefail
cd "$(dirname "$0")/.."
exec npx ts-json-schema-generator \
  --path node_modules/@grafana/schema/dist/types/raw/dashboard/x/types.gen.d.ts \
  --tsconfig tests/dashboards/schema.tsconfig.json \
  --type Dashboard --no-type-check --expose export
