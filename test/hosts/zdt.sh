# shellcheck shell=bash
# Deploys that drop no request: a bounded HTTP load on every host while a playbook swaps the
# release (sourced by run.sh; uses its HOSTS, HOST_IP, APP_PORT, RUN, check, log, remember_pid).

# At most LOAD_MAX requests per host, one every LOAD_INTERVAL seconds, each on a new connection;
# the load stops by itself at the cap, or as soon as the playbook under load has ended.
LOAD_MAX=${DHT_LOAD_MAX:-6000}
LOAD_INTERVAL=${DHT_LOAD_INTERVAL:-0.02}

# load_figures <report> <url>: "<requests> <failed> <capped> <first failures>".
load_figures() {
  python3 - "$1" "$2" <<'PY'
import json, sys
r = json.load(open(sys.argv[1])).get(sys.argv[2], {"requests": 0, "failed": -1, "failures": ["no report"], "capped": False})
print(r["requests"], r["failed"], str(r["capped"]).lower(), "; ".join(r["failures"]))
PY
}

# under_load <label> <command...>: runs the command (a playbook call) under the load, then checks
# that every host answered every request with HTTP 200 and that the load outlasted the command.
# Returns the command's exit code.
under_load() {
  local label=$1 rc=0 name url requests failed capped failures
  shift
  local stop="$RUN/load-stop" report="$RUN/load-${label// /-}.json" urls=()
  rm -f "$stop" "$report"
  for name in "${HOSTS[@]}"; do urls+=("http://${HOST_IP[$name]}:$APP_PORT/"); done
  python3 "$REPO/test/hosts/load.py" --stop-file "$stop" --max "$LOAD_MAX" --interval "$LOAD_INTERVAL" \
    --out "$report" "${urls[@]}" &
  local load_pid=$!
  remember_pid "$load_pid"
  "$@" || rc=$?
  touch "$stop"
  wait "$load_pid"
  for name in "${HOSTS[@]}"; do
    url="http://${HOST_IP[$name]}:$APP_PORT/"
    read -r requests failed capped failures <<<"$(load_figures "$report" "$url")"
    check "$name: no request failed during $label ($requests requests, $failed failed${failures:+: $failures})" \
      test "$failed" = 0
    check "$name: the load outlasted $label (stopped by the test, not by its cap of $LOAD_MAX)" \
      test "$capped" = false
  done
  log "$label under load: $(for name in "${HOSTS[@]}"; do
    read -r requests failed _ <<<"$(load_figures "$report" "http://${HOST_IP[$name]}:$APP_PORT/")"
    printf '%s %s requests, %s failed; ' "$name" "$requests" "$failed"
  done)"
  return "$rc"
}

# zdt_slot_checks <name>: the app runs on a loopback-only slot port behind nginx, which owns the
# app port; no half-deployed release is left beside it.
zdt_slot_checks() {
  local name=$1
  check "$name: the app container is published on a loopback slot port (19292 or 19293) only" \
    ssh_host "$name" "docker inspect -f '{{range \$p, \$b := .HostConfig.PortBindings}}{{range \$b}}{{.HostIp}}:{{.HostPort}} {{end}}{{end}}' $APP_NAME | grep -Eqx '127\\.0\\.0\\.1:1929[23] '"
  check "$name: nginx owns port $APP_PORT and forwards to that slot" \
    ssh_host "$name" "sudo ss -Hltnp 'sport = :$APP_PORT' | grep -q nginx &&
      grep -q \"127.0.0.1:\$(docker inspect -f '{{range \$p, \$b := .HostConfig.PortBindings}}{{(index \$b 0).HostPort}}{{end}}' $APP_NAME);\" /etc/nginx/docker-hosts/$APP_NAME.upstream"
  check "$name: no release is left in the idle slot" \
    ssh_host "$name" "! docker container inspect $APP_NAME-next >/dev/null 2>&1"
}
