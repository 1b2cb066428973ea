# shellcheck shell=bash
# Host test: zero-downtime deploys (sourced by test/hosts/run.sh; uses its REPO, RUN, HOSTS,
# HOST_IP, APP_PORT, check/log). A bounded HTTP load (test/hosts/load.py: a fixed rate, at most
# ZDT_MAX requests per host, each on a new connection) runs against every host's app port during a
# rollout or a rollback; afterwards every request must have answered HTTP 200.
ZDT_RATE=${DHT_LOAD_RATE:-10}
ZDT_MAX=3000
ZDT_PID=""
ZDT_TOTAL_REQUESTS=0
ZDT_TOTAL_FAILURES=0

# zdt_load_start <name>: the load starts against every host (in the background).
zdt_load_start() {
  local urls=() name
  for name in "${HOSTS[@]}"; do urls+=("http://${HOST_IP[$name]}:$APP_PORT/"); done
  rm -f "$RUN/load-$1.stop" "$RUN/load-$1.json"
  python3 "$REPO/test/hosts/load.py" --out "$RUN/load-$1.json" --stop-file "$RUN/load-$1.stop" \
    --rate "$ZDT_RATE" --max "$ZDT_MAX" "${urls[@]}" >"$RUN/load-$1.log" 2>&1 </dev/null &
  ZDT_PID=$!
  remember_pid "$ZDT_PID"
  # A few requests before the playbook starts: the old release answers first.
  sleep 2
}

# zdt_load_check <name> <old body> <new body>: stops the load 2 s after the playbook; every host
# answered every request with HTTP 200, the load was still running when the playbook ended (it
# covered the whole rollout), and each host answered first <old body> then <new body> (the switch
# happened under load); "" for <new body>: every answer was <old body> (nothing switched).
zdt_load_check() {
  sleep 2
  touch "$RUN/load-$1.stop"
  wait "$ZDT_PID" 2>/dev/null || true
  ZDT_PID=""
  if [ ! -s "$RUN/load-$1.json" ]; then
    fail "$1 under load: the load client wrote no summary ($(tail -n 3 "$RUN/load-$1.log"))"
    return 0
  fi
  local name url summary
  for name in "${HOSTS[@]}"; do
    url="http://${HOST_IP[$name]}:$APP_PORT/"
    summary=$(python3 - "$RUN/load-$1.json" "$url" "$2" "$3" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))[sys.argv[2]]
old, new = sys.argv[3], sys.argv[4]
bodies = r["bodies"]
want = {old, new} if new else {old}
ok = r["failures"] == 0 and r["requests"] > 0 and r["stopped"] == "stop-file" and set(bodies) == want
print(("ok" if ok else "BAD"), r["requests"], r["failures"],
      f'{r["requests"]} requests, {r["failures"]} failed {r["failed"]}, answers {bodies}, ended by {r["stopped"]}')
PY
    )
    read -r verdict requests failures rest <<<"$summary"
    ZDT_TOTAL_REQUESTS=$((ZDT_TOTAL_REQUESTS + requests))
    ZDT_TOTAL_FAILURES=$((ZDT_TOTAL_FAILURES + failures))
    check "$name: $1 under load, zero failed requests ($rest)" test "$verdict" = ok
  done
}

# After the first deploy: the container publishes no port, it is on the app network at a slot
# address; nginx owns the app port.
zdt_check_layout() {
  local name=$1
  check "$name: app container publishes no port, sits on docker-hosts-app at a slot address (172.29.92.10/11)" \
    ssh_host "$name" "docker inspect -f '{{len .HostConfig.PortBindings}} {{range \$n, \$s := .NetworkSettings.Networks}}{{\$n}}={{\$s.IPAMConfig.IPv4Address}} {{end}}' $APP_NAME |
      grep -Eqx '0 docker-hosts-app=172\.29\.92\.1[01] '"
  check "$name: nginx is active and enabled, and listens on :$APP_PORT" \
    ssh_host "$name" "test \"\$(systemctl is-active nginx) \$(systemctl is-enabled nginx)\" = 'active enabled' &&
      sudo ss -Hltnp 'sport = :$APP_PORT' | grep -q nginx"
  check "$name: no container left over beside $APP_NAME" \
    test "$(ssh_host "$name" "docker ps -a --format '{{.Names}}'")" = "$APP_NAME"
}

# A host from before the proxy: its container publishes the app port itself and nginx has no site
# there. site.yml moves it behind nginx; the port changes hands once, so a short gap (under 3 s)
# is allowed on that host only.
zdt_migration() {
  local name=${HOSTS[-1]} image url summary
  image=$(ssh_host "$name" "docker inspect -f '{{.Config.Image}}' $APP_NAME")
  log "$name: migrating a pre-proxy host ($image published on :$APP_PORT by Docker) under load"
  ssh_host "$name" "sudo systemctl stop nginx && sudo rm -f /etc/nginx/conf.d/docker-hosts-app.conf /etc/nginx/docker-hosts/upstream.conf &&
    docker rm -f $APP_NAME >/dev/null && docker run -d --name $APP_NAME --restart unless-stopped -p $APP_PORT:$APP_PORT $image >/dev/null" ||
    { fail "$name: could not set up the pre-proxy container"; return 0; }
  zdt_load_start migration
  if playbook "$RUN/site-migration.log" -e "app_image=$image" --limit "$name"; then
    pass "site.yml moves $name from a container on :$APP_PORT to nginx + a slot"
  else
    tail -n 30 "$RUN/site-migration.log"
    fail "site.yml on the pre-proxy host $name failed (log above)"
  fi
  sleep 2
  touch "$RUN/load-migration.stop"
  wait "$ZDT_PID" 2>/dev/null || true
  url="http://${HOST_IP[$name]}:$APP_PORT/"
  summary=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))[sys.argv[2]]; print(r["failures"], r["requests"], r["failed"])' \
    "$RUN/load-migration.json" "$url" 2>&1)
  log "$name: migration under load: failed/requests/first failures: $summary"
  check "$name: migration gap under 3 s at $ZDT_RATE requests/s ($summary)" test "${summary%% *}" -lt $((3 * ${ZDT_RATE%.*}))
  zdt_check_layout "$name"
}

# zdt_broken_deploy: a broken build under load: the canary (the first host) fails its health check,
# the rollout stops there, no other host is touched, and every host serves the whole time.
zdt_broken_deploy() {
  log "site.yml: broken image (under load)"
  local rc=0 serving
  serving=$(curl -s --max-time 5 "http://${HOST_IP[${HOSTS[0]}]}:$APP_PORT/" || true)
  zdt_load_start "broken deploy"
  playbook "$RUN/site-broken.log" -e app_image=test-app:broken -e "app_image_archive=$RUN/app-broken.tar" \
    -e app_health_retries=5 -e app_health_delay=1 || rc=$?
  zdt_load_check "broken deploy" "$serving" ""
  local first=${HOSTS[0]} other
  check "broken deploy fails the play (exit $rc)" test "$rc" -ne 0
  if grep -q "App deploy failed on host $first: image test-app:broken did not answer" "$RUN/site-broken.log"; then
    pass "broken deploy names host, image and URL: $(grep -o "App deploy failed on host $first[^']*" "$RUN/site-broken.log" | head -n1)"
  else
    tail -n 30 "$RUN/site-broken.log"
    fail "broken deploy: no clear failure message for $first (log above)"
  fi
  check "broken deploy: the canary $first failed" test "$(recap_field "$RUN/site-broken.log" "$first" failed)" = 1
  check "broken deploy: the broken build really ran on $first (its last release record is a failed deploy of test-app:broken)" \
    ssh_host "$first" "tail -n1 /var/lib/docker-hosts/releases.jsonl | python3 -c 'import json,sys; r=json.load(sys.stdin); sys.exit(not (r[\"result\"], r[\"image\"]) == (\"failed\", \"test-app:broken\"))'"
  check "broken deploy: $first still answers HTTP 200 from the old container, still $ROLLED_BACK, the failed one removed" \
    test "$(http_code "${HOST_IP[$first]}") $(ssh_host "$first" "docker inspect -f '{{.Config.Image}}' $APP_NAME; docker container inspect $APP_NAME-next >/dev/null 2>&1 && echo next-left")" = "200 $ROLLED_BACK"
  for other in "${HOSTS[@]:1}"; do
    # (The prepare play looks at every host first, changing nothing; the rolling play never reaches $other.)
    check "broken deploy: $other was never touched (changed=0, no task of the rolling play; rollout canary 1, max_fail_percentage 0)" \
      test "$(recap_field "$RUN/site-broken.log" "$other" changed)/$(
        sed -n '/^PLAY \[Deploy the app/,$p' "$RUN/site-broken.log" | grep -c "^[a-z]*: \[$other\]")" = "0/0"
    check "broken deploy: $other still answers HTTP 200" test "$(http_code "${HOST_IP[$other]}")" = 200
    check "broken deploy: $other still runs $ROLLED_BACK" \
      test "$(ssh_host "$other" "docker inspect -f '{{.Config.Image}}' $APP_NAME")" = "$ROLLED_BACK"
  done
}
