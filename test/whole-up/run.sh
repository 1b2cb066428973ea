#!/usr/bin/env bash
# npm run test:whole-up: the driver's up and destroy of stage with the real tools (.ci/tools.sh) against the
# local double of Google's APIs and fake-gcs-server (test/whole-up/main.ts).
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=../../.ci/tools.sh
source "$REPO/.ci/tools.sh"
install_tools terraform fake-gcs-server google-provider packer
cd "$REPO"
exec node scripts/run-app.cjs test/whole-up/main.ts
