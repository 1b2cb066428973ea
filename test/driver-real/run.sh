#!/usr/bin/env bash
# npm run test:driver-real: the driver's plan, up and image paths with the real Terraform 1.5.7, cdktf,
# Google provider and Packer 1.9.5 (.ci/tools.sh), the state on fake-gcs-server, no Google reachable
# (test/driver-real/main.ts).
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=../../.ci/tools.sh
source "$REPO/.ci/tools.sh"
install_terraform
install_fake_gcs_server
install_google_provider
install_packer
export TERRAFORM_BIN FAKE_GCS_BIN TF_MIRROR_CONFIG PACKER_BIN PACKER_PLUGINS
cd "$REPO"
exec node scripts/run-app.cjs test/driver-real/main.ts
