# shellcheck shell=bash
# Host test, DHT_SCENARIO=whole-up (npm run test:whole-up): the hosts this run booted stand for the instances of
# the driver's whole `up` (sourced by test/hosts/run.sh; uses its REPO, RUN, HOSTS, HOST_IP, check/log, run_ts).
# test/whole-up/main.ts starts the double of Google's APIs with each host's IP as its instance's address (internal,
# and external for public IPs), so the outputs Terraform writes lead the driver's hosts step (Ansible as `deploy`,
# with this run's key) and its app check to these machines. The app is this run's test image, loaded from its
# archive (the hosts reach nothing off this machine). The app's secret comes from the fake metadata server and
# Secret Manager on the bridge (metadata.sh, as in the data scenario): main.ts puts a value made for this run in
# the store's folder and points the hosts at both. The tools (.ci/tools.sh) come from test/whole-up/run.sh.

# whole_up_main <hosts>: test/whole-up/main.ts with the hosts ("name=ip ..."), this run's key and the app archive,
# the token URL, the Secret Manager's base and the folder of its secrets.
whole_up_main() {
  (
    export WHOLE_UP_HOSTS=$1 WHOLE_UP_SSH_KEY="$RUN/id_ed25519" WHOLE_UP_APP_ARCHIVE="$RUN/app-good.tar" \
      WHOLE_UP_TOKEN_URL="$(metadata_token_url)" WHOLE_UP_SECRET_MANAGER_URL="$(secret_manager_url)" \
      WHOLE_UP_SECRETS_DIR="$SM_DIR"
    run_ts test/whole-up/main.ts
  )
}

whole_up_scenario() {
  local name hosts=""
  for name in "${HOSTS[@]}"; do hosts+="$name=${HOST_IP[$name]} "; done
  start_metadata
  start_secret_manager
  log "whole up: the driver's up and destroy against the double, its instances at ${hosts% }"
  check "the whole up (test/whole-up/main.ts) against the double, with these hosts as its instances" \
    whole_up_main "${hosts% }"
}
