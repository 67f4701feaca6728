#!/usr/bin/env bash
# Builds the deployable artefacts offline: no AWS credentials or network needed.
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf .serverless .esbuild
env -u AWS_PROFILE AWS_EC2_METADATA_DISABLED=true SLS_TELEMETRY_DISABLED=1 SLS_NOTIFICATIONS_MODE=off \
  npx serverless package --stage "${STAGE:-dev}" "$@"
