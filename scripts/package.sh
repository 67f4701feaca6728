#!/usr/bin/env bash
# Builds the deployable artefacts offline: no AWS credentials or network needed. Then checks the environment
# the template gives each function with the functions' own configuration schema, so a bad --param fails here,
# naming the parameter, instead of every cold start after the deploy (scripts/validate-stack-params.ts).
set -euo pipefail
cd "$(dirname "$0")/.."
# One packaging at a time per checkout: each run clears and rebuilds .serverless and .esbuild, so two at once
# (the template, dashboard and rule tests and the artefact suite all package) would corrupt each other.
exec 9>".package.lock"
flock 9
rm -rf .serverless .esbuild
env -u AWS_PROFILE AWS_EC2_METADATA_DISABLED=true SLS_TELEMETRY_DISABLED=1 SLS_NOTIFICATIONS_MODE=off \
  npx serverless package --stage "${STAGE:-dev}" "$@"

# Where the template went: `--package <dir>` / `-p <dir>` / `--package=<dir>`, else .serverless.
package_dir=.serverless
while [ "$#" -gt 0 ]; do
  case "$1" in
    --package | -p) package_dir="${2:-$package_dir}"; shift ;;
    --package=*) package_dir="${1#--package=}" ;;
  esac
  shift
done
npx tsx scripts/validate-stack-params.ts "$package_dir" serverless.yml
