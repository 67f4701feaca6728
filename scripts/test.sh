#!/usr/bin/env bash
# Runs every check the project has: lint/format, type check (tests included), unit and integration tests.
# Ends with the line "N passed, N failed" (CI reads it) and keeps vitest's exit code.
set -uo pipefail
cd "$(dirname "$0")/.."
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true

bash scripts/ensure-apache.sh || exit 1

echo "== lint (biome, the dependency rule)" && npm run -s lint || { echo "0 passed, 1 failed"; exit 1; }
echo "== tsc" && npx tsc --noEmit -p . || { echo "0 passed, 1 failed"; exit 1; }

echo "== vitest"
rm -f .vitest.json
npx vitest run --reporter=default --reporter=json --outputFile.json=.vitest.json
status=$?
if [ -f .vitest.json ]; then
  node -e 'const r=JSON.parse(require("fs").readFileSync(".vitest.json","utf8"));console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed`)'
else
  echo "0 passed, 1 failed"
  status=1
fi
exit $status
