#!/usr/bin/env bash
# npm run test:whole-up: the driver's up and destroy of stage with the real tools (.ci/tools.sh) against the
# local double of Google's APIs and fake-gcs-server (test/whole-up/main.ts), its instances standing for two
# throwaway hosts: the host test (test/hosts/run.sh, root, .ci/hosts-deps.sh) boots them and runs main.ts
# (DHT_SCENARIO=whole-up, test/hosts/whole-up.sh). DHT_LOCK_WAIT=seconds queues behind another host test.
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=../../.ci/tools.sh
source "$REPO/.ci/tools.sh"
install_tools terraform fake-gcs-server google-provider packer
DHT_SCENARIO=whole-up DHT_HOSTS=2 exec bash "$REPO/test/hosts/run.sh"
