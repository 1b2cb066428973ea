#!/usr/bin/env bash
# npm run fixtures:plans: regenerates test/fixtures/plans/google-*.json with Terraform 1.5.7 and the Google
# provider .ci/tools.sh installs (see test/fixtures/plans/generate.ts).
set -euo pipefail
cd "$(dirname "$0")/.."
source .ci/tools.sh
install_tools terraform google-provider
node scripts/run-app.cjs test/fixtures/plans/generate.ts
# Checked by `prettier --check .` like every other file.
npx prettier --log-level warn --write test/fixtures/plans/google-*.json
