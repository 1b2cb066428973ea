#!/usr/bin/env bash
# npm run test:terraform: builds (once, cached) Terraform 1.5.7 and fake-gcs-server from the Go
# module proxy (.ci/tools.sh), then runs test/terraform/main.ts, which starts the emulator on
# 127.0.0.1, hands the synthesized stacks to Terraform and stops the emulator by its PID.
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=../../.ci/tools.sh
source "$REPO/.ci/tools.sh"
install_tools terraform fake-gcs-server google-provider
cd "$REPO"
exec node scripts/run-app.cjs test/terraform/main.ts
