#!/usr/bin/env bash
# Every test, in the order that fails fastest: types, lint, unit, build, built plugin, real services.
# Ends with one "N passed, N failed" line summed over every jest run.
set -uo pipefail
cd "$(dirname "$0")/.."
export TZ=UTC
mkdir -p artifacts
rm -f artifacts/jest-*.json

failed_steps=()
step() {
  local name="$1"
  shift
  echo "::: $name"
  if ! "$@"; then
    failed_steps+=("$name")
  fi
}

step typecheck npm run --silent typecheck
step lint npm run --silent lint
step unit npx jest --selectProjects unit --ci --json --outputFile=artifacts/jest-unit.json
step lint-dashboards node bin/panopticon.mjs lint-dashboards dashboards/
step build npm run --silent build
step build-tests npx jest --selectProjects build --ci --json --outputFile=artifacts/jest-build.json
step browser npx jest --selectProjects browser --runInBand --testTimeout=180000 --ci --json \
  --outputFile=artifacts/jest-browser.json
step integration npx jest --selectProjects integration --runInBand --testTimeout=180000 --ci --json \
  --outputFile=artifacts/jest-integration.json

node -e '
  const fs = require("fs");
  let passed = 0, failed = 0;
  for (const f of fs.readdirSync("artifacts").filter((f) => /^jest-.*\.json$/.test(f))) {
    const r = JSON.parse(fs.readFileSync("artifacts/" + f, "utf8"));
    passed += r.numPassedTests;
    failed += r.numFailedTests + r.numRuntimeErrorTestSuites;
  }
  console.log(`${passed} passed, ${failed} failed`);
'
if ((${#failed_steps[@]} > 0)); then
  echo "failed steps: ${failed_steps[*]}" >&2
  exit 1
fi
