#!/usr/bin/env bash
# npm run test:driver-real: the driver's plan, up and image paths with the real Terraform 1.5.7, cdktf,
# Google provider and Packer 1.9.5 (.ci/tools.sh), the state on fake-gcs-server, no Google reachable
# (test/driver-real/main.ts).
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=../../.ci/tools.sh
source "$REPO/.ci/tools.sh"
install_tools terraform fake-gcs-server google-provider packer
cd "$REPO"
exec node scripts/run-app.cjs test/driver-real/main.ts
