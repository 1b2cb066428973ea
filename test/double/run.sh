#!/usr/bin/env bash
# npm run test:google-double: builds (once, cached) Terraform 1.5.7, fake-gcs-server and the provider
# mirror (.ci/tools.sh), then runs test/double/main.ts, which starts the double of Google's APIs and
# fake-gcs-server on 127.0.0.1, applies, plans and destroys the synthesized stacks against them.
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=../../.ci/tools.sh
source "$REPO/.ci/tools.sh"
install_tools terraform fake-gcs-server google-provider
cd "$REPO"
exec node scripts/run-app.cjs test/double/main.ts
