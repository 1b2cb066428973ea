# shellcheck shell=bash
# Day-2 steps of the host test (sourced by test/hosts/run.sh, which defines HOSTS, HOST_IP, RUN,
# REPO, SUITE, check/pass/fail/log, ssh_host, http_code, playbook, boot_host, wait_ssh,
# close_masters, make_inventory and GOOD_VARS): automatic updates, a dockerd restart under load,
# a reboot, drift and the fleet status.

# TS entry points of lib/, run the way the driver's launcher runs them.
run_ts() { (cd "$REPO" && node scripts/run-app.cjs "$@"); }

# unattended-upgrades on every host: the policy is what apt reads; a dry run on the first host
# against the test network's apt-cacher-ng works and draws on the security archive only.
day2_updates() {
  local name dump
  log "automatic updates: unattended-upgrades policy and a dry run"
  for name in "${HOSTS[@]}"; do
    dump=$(ssh_host "$name" 'sudo apt-config dump' 2>&1)
    check "$name: unattended-upgrades installed, APT::Periodic runs it daily" \
      eval 'ssh_host "$name" "dpkg -s unattended-upgrades" | grep -qx "Status: install ok installed" &&
        grep -qx "APT::Periodic::Unattended-Upgrade \"1\";" <<<"$dump" &&
        grep -qx "APT::Periodic::Update-Package-Lists \"1\";" <<<"$dump"'
    check "$name: origins are the security archive only, no automatic reboot, Docker not held" \
      eval 'test "$(grep "^Unattended-Upgrade::Origins-Pattern:: " <<<"$dump")" = "Unattended-Upgrade::Origins-Pattern:: \"origin=Debian,codename=\${distro_codename}-security,label=Debian-Security\";" &&
        grep -qx "Unattended-Upgrade::Automatic-Reboot \"false\";" <<<"$dump" &&
        ! grep -q "^Unattended-Upgrade::Package-Blacklist:: " <<<"$dump"'
  done
  name=${HOSTS[0]}
  local rc=0 t0=$SECONDS
  ssh_host "$name" 'sudo unattended-upgrade --dry-run --debug' >"$RUN/uu-dry-run.log" 2>&1 || rc=$?
  log "unattended-upgrade --dry-run on $name: exit $rc in $((SECONDS - t0))s"
  check "$name: unattended-upgrade --dry-run exits 0 through apt-cacher-ng (exit $rc)" test "$rc" = 0
  check "$name: the dry run allows origin=Debian,codename=$SUITE-security,label=Debian-Security only" \
    grep -qx "Allowed origins are: origin=Debian,codename=$SUITE-security,label=Debian-Security" "$RUN/uu-dry-run.log"
  check "$name: the dry run logs no error" eval '! grep -qE "^(ERROR|Traceback|E: |W: )" "$RUN/uu-dry-run.log"'
  log "dry run: $(grep -m1 -E '^(Packages that will be upgraded|No packages found)' "$RUN/uu-dry-run.log" || echo 'no summary line')"
}

# dockerd restarts (what an upgrade of docker.io does): with live-restore the app container keeps
# running. nginx reaches the container on its Docker network (no published port), so the iptables
# rebuild of a starting dockerd is not in the request path; the gap is measured and must stay
# under a second.
day2_dockerd_restart() {
  local name=${HOSTS[1]} ip before after summary t0
  ip=${HOST_IP[$name]}
  log "$name: restarting dockerd under load"
  before=$(ssh_host "$name" "docker inspect -f '{{.State.Pid}} {{.State.StartedAt}}' $APP_NAME")
  check "$name: dockerd runs with live-restore" \
    test "$(ssh_host "$name" "docker info --format '{{.LiveRestoreEnabled}}'")" = true
  : >"$RUN/restart-codes"
  # 0.1 s apart, bounded: at most 300 requests, ended early once the restart is over.
  (for _ in $(seq 1 300); do
    [ -f "$RUN/restart-done" ] && break
    printf '%s %s\n' "$(date +%s.%N)" "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://$ip:$APP_PORT/")" \
      >>"$RUN/restart-codes"
    sleep 0.1
  done) &
  local poller=$!
  sleep 1
  t0=$SECONDS
  ssh_host "$name" 'sudo systemctl restart docker && systemctl is-active docker' >"$RUN/restart.log" 2>&1
  sleep 2
  touch "$RUN/restart-done"
  wait "$poller"
  after=$(ssh_host "$name" "docker inspect -f '{{.State.Pid}} {{.State.StartedAt}}' $APP_NAME")
  summary=$(restart_gap "$RUN/restart-codes")
  log "restart took $((SECONDS - t0))s; $summary"
  check "$name: docker active again after the restart" grep -qx active "$RUN/restart.log"
  check "$name: the app container was not restarted (same PID and start time: $after)" test "$before" = "$after"
  check "$name: the app answered through the dockerd restart, longest gap under 1 s ($summary)" \
    eval 'tail -n1 "$RUN/restart-codes" | grep -q " 200$" && [[ "$summary" =~ gap\ 0\.[0-9]+\ s ]]'
}

# restart_gap <file of "<epoch> <code>">: "N requests, M not 200, gap X s" (X: the longest time
# from the last 200 before a failure to the first 200 after it).
restart_gap() {
  awk '{ n++; if ($2 == 200) { if (bad) { g = $1 - last; if (g > gap) gap = g; bad = 0 } last = $1 } else { f++; bad = 1 } }
    END { printf "%d requests, %d not 200, gap %.2f s", n, f, (bad ? 99 : gap) }' "$1"
}

# A host stops and boots again on the same root filesystem: Docker and the app come back alone.
day2_reboot() {
  local name=${HOSTS[0]} t0 code=000
  log "$name: stopping (orderly shutdown) and booting again, no deploy"
  t0=$SECONDS
  stop_host "$name"
  check "$name: down (app no longer answers)" test "$(http_code "${HOST_IP[$name]}")" != 200
  start_host "$name"
  for _ in $(seq 1 60); do
    code=$(http_code "${HOST_IP[$name]}")
    [ "$code" = 200 ] && break
    sleep 1
  done
  log "$name: back and answering after $((SECONDS - t0))s"
  check "$name: after the reboot the app answers HTTP 200 without any deploy (got $code)" test "$code" = 200
  check "$name: after the reboot docker is active and the app container running" \
    ssh_host "$name" "test \"\$(systemctl is-active docker) \$(docker inspect -f '{{.State.Running}}' $APP_NAME)\" = 'active true'"
}

# drift_run <log> [args]: site.yml in check mode, json callback; returns ansible's exit code.
drift_run() {
  local out=$1
  shift
  ANSIBLE_STDOUT_CALLBACK=json playbook "$out" --check --diff "${GOOD_VARS[@]}" -e app_serial=100% "$@"
}

# A hand edit of daemon.json on one host: drift names exactly that host and that file and
# changes nothing; a normal run puts it back; then no drift.
day2_drift() {
  local name=${HOSTS[0]} rc=0 t0
  log "drift: hand-editing /etc/docker/daemon.json on $name"
  ssh_host "$name" "sudo sed -i 's/\"max-file\": \"3\"/\"max-file\": \"5\"/' /etc/docker/daemon.json"
  t0=$SECONDS
  drift_run "$RUN/drift-1.json" || rc=$?
  log "check-mode run: exit $rc in $((SECONDS - t0))s"
  rc=0
  run_ts driver/fleet/drift-cli.ts --file "$RUN/drift-1.json" --json >"$RUN/drift-1.out" 2>"$RUN/drift-1.err" || rc=$?
  run_ts driver/fleet/drift-cli.ts --file "$RUN/drift-1.json" >"$RUN/drift-1.txt" 2>&1 || true
  sed 's/^/    /' "$RUN/drift-1.txt"
  check "drift exits 2 (drift found; got $rc $(cat "$RUN/drift-1.err"))" test "$rc" = 2
  check "drift names exactly $name, and exactly /etc/docker/daemon.json" python3 - "$RUN/drift-1.out" "$name" <<'PY'
import json, sys
hosts = json.load(open(sys.argv[1]))["hosts"]
drifted = {h["host"]: h["files"] for h in hosts if h["changes"]}
sys.exit(0 if drifted == {sys.argv[2]: ["/etc/docker/daemon.json"]} and len(hosts) >= 2 else f"drift: {drifted}")
PY
  check "check mode left the hand edit in place" ssh_host "$name" 'grep -q "\"max-file\": \"5\"" /etc/docker/daemon.json'
  log "site.yml: putting $name back"
  if playbook "$RUN/site-repair.log" "${GOOD_VARS[@]}"; then pass "site.yml after the hand edit succeeded"; else
    tail -n 30 "$RUN/site-repair.log"
    fail "site.yml after the hand edit failed (log above)"
  fi
  check "$name: daemon.json is back to the code's (max-file 3)" \
    ssh_host "$name" 'grep -q "\"max-file\": \"3\"" /etc/docker/daemon.json'
  rc=0
  drift_run "$RUN/drift-2.json" && run_ts driver/fleet/drift-cli.ts --file "$RUN/drift-2.json" >"$RUN/drift-2.txt" 2>&1 || rc=$?
  check "no drift after the run (drift exits 0; got $rc: $(tr '\n' ' ' <"$RUN/drift-2.txt" 2>/dev/null))" test "$rc" = 0
}

# status_fields <status.json>: every field of every row is there, with the expected values.
status_fields() {
  python3 - "$1" "$SUITE" "$APP_NAME" <<'PY'
import json, sys
rows, suite, app = json.load(open(sys.argv[1]))["hosts"], sys.argv[2], sys.argv[3]
bad = []
for r in rows:
    a = r.get("app") or {}
    want = {
        "reachable": r["reachable"] is True and r["error"] is None and r["errors"] == {},
        "os": suite in (r["os"] or "") and r["osCodename"] == suite,
        "kernel": bool(r["kernel"]),
        "dockerVersion": bool(r["dockerVersion"]),
        "app": a.get("name") == app and a.get("state") == "running" and a.get("image") == "test-app:good",
        "app.imageId": str(a.get("imageId", "")).startswith("sha256:"),
        "app.release": a.get("release") == "good",
        "app.restartCount": isinstance(a.get("restartCount"), int),
        "uptimeSeconds": isinstance(r["uptimeSeconds"], int) and r["uptimeSeconds"] >= 0,
        "securityUpdates": isinstance(r["securityUpdates"], int),
        "rebootRequired": isinstance(r["rebootRequired"], bool),
        "rootDiskUsedPercent": isinstance(r["rootDiskUsedPercent"], (int, float)),
        "appAnswers": r["appAnswers"] is True and r["appHttpStatus"] == 200,
    }
    bad += [f'{r["host"]}.{k}' for k, ok in want.items() if not ok]
sys.exit(f"missing or wrong: {', '.join(bad)}" if bad else 0)
PY
}

# The fleet status over every host (timed), parsed by driver/fleet/fleet-status.ts; then once more with a
# host that does not exist (no SSH on its address), which gets a row saying so.
day2_status() {
  local t0 rc=0 secs hosts=()
  log "status.yml on ${#HOSTS[@]} hosts"
  t0=$(date +%s%N)
  PLAYBOOK=status.yml playbook "$RUN/status.log" -e "status_dir=$RUN/status" "${GOOD_VARS[@]}" || rc=$?
  secs=$(awk -v n="$(($(date +%s%N) - t0))" 'BEGIN { printf "%.1f", n / 1e9 }')
  log "status.yml: exit $rc in ${secs}s for ${#HOSTS[@]} hosts"
  check "status.yml succeeded on ${#HOSTS[@]} hosts in ${secs}s (exit $rc)" test "$rc" = 0
  for name in "${HOSTS[@]}"; do hosts+=(--host "$name"); done
  rc=0
  run_ts driver/fleet/fleet-status-cli.ts --dir "$RUN/status" "${hosts[@]}" --json >"$RUN/status.json" 2>"$RUN/status.err" || rc=$?
  run_ts driver/fleet/fleet-status-cli.ts --dir "$RUN/status" "${hosts[@]}" | sed 's/^/    /'  || true
  check "fleet-status parses every report, all hosts answer (exit $rc $(cat "$RUN/status.err"))" test "$rc" = 0
  check "fleet-status: OS, Docker, image, release, state, uptime, restarts, security updates, reboot, disk, answers on every host" \
    status_fields "$RUN/status.json"
  # The same through the driver's `status <env>` code path (its inventory, its ansible-playbook call).
  rc=0
  t0=$(date +%s%N)
  run_ts test/hosts/driver-status.ts "$RUN" "$RUN/outputs.json" "$RUN/id_ed25519" --json \
    >"$RUN/driver-status.json" 2>"$RUN/driver-status.err" || rc=$?
  secs=$(awk -v n="$(($(date +%s%N) - t0))" 'BEGIN { printf "%.1f", n / 1e9 }')
  run_ts test/hosts/driver-status.ts "$RUN" "$RUN/outputs.json" "$RUN/id_ed25519" 2>&1 | sed 's/^/    /' || true
  check "driver status stage: every host answers (exit $rc in ${secs}s $(tr '\n' ' ' <"$RUN/driver-status.err"))" test "$rc" = 0
  check "driver status stage --json: the same fields on every host" status_fields "$RUN/driver-status.json"
}

# status.yml with one more host in the inventory, at an address of the test network where
# nothing runs: its row says it is unreachable, the others are unaffected.
day2_status_unreachable() {
  local ghost=docker-host-009 rc=0
  HOSTS_EXTRA=("$ghost")
  HOST_IP[$ghost]="$NET.99"
  INSTANCE_ID[$ghost]=4000000000000000009
  make_inventory || abort "inventory with $ghost: $(cat "$RUN/inventory.err")"
  log "status.yml with $ghost ($NET.99, nothing there) in the inventory"
  PLAYBOOK=status.yml playbook "$RUN/status-ghost.log" -e "status_dir=$RUN/status-ghost" "${GOOD_VARS[@]}" -e ansible_ssh_timeout=3 || true
  run_ts driver/fleet/fleet-status-cli.ts --dir "$RUN/status-ghost" --json >"$RUN/status-ghost.json" 2>&1 || rc=$?
  check "status with an unreachable host: exit 3, its row says unreachable, the others answer (exit $rc)" \
    python3 - "$RUN/status-ghost.json" "$ghost" "$rc" <<'PY'
import json, sys
rows = {r["host"]: r for r in json.load(open(sys.argv[1]))["hosts"]}
ghost = rows.pop(sys.argv[2])
ok = sys.argv[3] == "3" and not ghost["reachable"] and ghost["error"] and all(r["appAnswers"] for r in rows.values())
sys.exit(0 if ok and rows else f"rows: {rows.keys()}, ghost: {ghost}")
PY
  HOSTS_EXTRA=()
  make_inventory || abort "inventory generation: $(cat "$RUN/inventory.err")"
}
