# shellcheck shell=bash
# Host test, part 4b: shipping a version the driver's way (sourced by test/hosts/run.sh after the
# registry part; uses its REPO, RUN, HOSTS, HOST_IP, REGISTRY, APP_PORT, ROLLED_BACK, check/pass/
# fail/log, ssh_host, http_code, playbook, check_release, run_ts).
#
# The build step's own code (test/hosts/driver-ship.ts → driver/release/release-task.ts) builds an image on
# host 1 over SSH (DOCKER_HOST=ssh://deploy@<host 1>, through the driver's ssh wrapper with the hosts
# step's ssh options) FROM the v1 image the registry part pushed (no Docker Hub), pushes it to the
# test registry and reads the digest; site.yml deploys that digest; the driver's `logs` and
# `releases` read the hosts over SSH; the driver's `prune --keep 1` removes the older releases'
# images and a stopped container of one of them, and keeps the running release's.

# The docker CLI for the build, with this machine's credentials through the credential helper. The
# test registry speaks plain HTTP, which `docker manifest inspect` (asked from this machine, not a
# host) reaches only with --insecure: the shim adds it (Artifact Registry is HTTPS).
ship_docker_shim() {
  local real
  real=$(command -v docker)
  mkdir -p "$RUN/ship-cli"
  ln -sf "$REPO/ansible/roles/docker_host/files/docker-credential-gce-metadata" "$RUN/ship-cli/"
  cat >"$RUN/ship-cli/docker" <<SH
#!/bin/sh
if [ "\$1 \$2" = "manifest inspect" ]; then shift 2; exec $real manifest inspect --insecure "\$@"; fi
exec $real "\$@"
SH
  chmod 755 "$RUN/ship-cli/docker"
}

# ship_driver <args...>: test/hosts/driver-ship.ts with the shim and the client config first.
ship_driver() {
  PATH="$RUN/ship-cli:$PATH" DOCKER_CONFIG="$RUN/docker-client" \
    DOCKER_CREDENTIAL_GCE_METADATA_CONFIG="$RUN/docker-client/credential-gce-metadata.json" \
    run_ts test/hosts/driver-ship.ts "$RUN" "$RUN/outputs.json" "$RUN/id_ed25519" "$@"
}

# The image id of the last successful release of <commit> on <host>.
release_image_id() {
  ssh_host "$1" "python3 -c 'import json,sys; rs=[json.loads(l) for l in open(\"/var/lib/docker-hosts/releases.jsonl\")]; print([r[\"image_id\"] for r in rs if r[\"commit\"] == sys.argv[1] and r[\"result\"] == \"ok\"][-1])' $2"
}

ship_build_and_deploy() {
  local ctx="$RUN/ship-context" out
  mkdir -p "$ctx"
  echo "docker-hosts test app (built on host 1)" >"$ctx/index.html"
  printf 'FROM %s\nCOPY index.html /www/index.html\nCMD ["/bin/busybox","httpd","-f","-vv","-p","%s","-h","/www"]\n' \
    "$ROLLED_BACK" "$APP_PORT" >"$ctx/Dockerfile"
  if ! out=$(ship_driver build "$REGISTRY/test-app" ship-v3 "$ctx" 2>"$RUN/ship-build.log"); then
    tail -n 20 "$RUN/ship-build.log"
    fail "the build step on host 1 over SSH failed (log above)"
    return 1
  fi
  SHIP_REF=$(python3 -c 'import json,sys; r=json.loads(sys.argv[1]); print(r["image"] if r["built"] else "")' "$out")
  check "build step: built and pushed a new tag, deployable by digest ($SHIP_REF)" \
    grep -Eq "^$REGISTRY/test-app@sha256:[0-9a-f]{64}$" <<<"$SHIP_REF"
  check "build step: the image was built by host 1's engine (tagged there)" \
    ssh_host "${HOSTS[0]}" "docker image inspect $REGISTRY/test-app:ship-v3 >/dev/null"
  check "build step: ssh went the hosts step's way (host key kept in the driver's known_hosts under its alias)" \
    eval 'ssh-keygen -F "${HOSTS[0]}-${INSTANCE_ID[${HOSTS[0]}]}" -f "$RUN/driver/stage/known_hosts" >/dev/null' 
  if docker buildx version >/dev/null 2>&1; then
    out=$(ship_driver build "$REGISTRY/test-app" ship-v3 "$ctx" 2>>"$RUN/ship-build.log") || true
    check "build step again: the tag exists, nothing built" grep -q '"built":false' <<<"$out"
  else
    log "no docker buildx here: the existing-tag path (imagetools inspect) is covered by the jest tests only"
  fi
  if playbook "$RUN/site-ship.log" -e "app_image=$SHIP_REF" -e app_release_commit=ship-v3; then
    pass "site.yml deploys the built image by digest"
  else
    tail -n 30 "$RUN/site-ship.log"
    fail "site.yml deploy of the built image failed (log above)"
  fi
  check_release "$SHIP_REF" "docker-hosts test app (built on host 1)" deploy
  ROLLED_BACK=$SHIP_REF
}

ship_logs_and_releases() {
  local name out
  for name in "${HOSTS[@]}"; do curl -s -o /dev/null --max-time 5 "http://${HOST_IP[$name]}:$APP_PORT/ship-probe" || true; done
  out=$(ship_driver logs --since 10m 2>&1) || fail "driver logs stage failed: $(tail -n 3 <<<"$out")"
  # busybox httpd -vv logs each request's URL on stderr: the container's log.
  grep -q ship-probe <<<"$out" || { echo "driver logs stage printed:"; head -n 20 <<<"$out"; }
  for name in "${HOSTS[@]}"; do
    check "driver logs stage: $name's lines, prefixed with its name, show the request" \
      grep -q "^$name | .*ship-probe" <<<"$out"
  done
  out=$(ship_driver logs --host "${HOSTS[1]}" 2>&1) || true
  check "driver logs stage --host ${HOSTS[1]}: its lines only, no prefix" \
    eval 'grep -q "ship-probe" <<<"$out" && ! grep -q " | " <<<"$out"'
  out=$(ship_driver releases 2>&1) || fail "driver releases stage failed: $(tail -n 3 <<<"$out")"
  check "driver releases stage: the ship-v3 deploy on every host ($(grep -c ' ship-v3 ' <<<"$out") rows)" \
    test "$(grep -cE " deploy +ship-v3 " <<<"$out")" = "${#HOSTS[@]}"
}

ship_prune() {
  local name v2 kept
  declare -A V2=()
  for name in "${HOSTS[@]}"; do
    V2[$name]=$(release_image_id "$name" commit-v2)
    kept=$(release_image_id "$name" ship-v3)
    ssh_host "$name" "docker create --name stopped-v2 ${V2[$name]} >/dev/null && docker create --name stopped-kept $kept >/dev/null"
  done
  if ship_driver prune --keep 1 >"$RUN/prune.log" 2>&1; then pass "driver prune stage --keep 1 succeeded"; else
    tail -n 30 "$RUN/prune.log"
    fail "driver prune stage --keep 1 failed (log above)"
  fi
  for name in "${HOSTS[@]}"; do
    v2=${V2[$name]}
    check "$name: prune removed the v2 release's image and its stopped container" \
      ssh_host "$name" "! docker image inspect $v2 >/dev/null 2>&1 && ! docker container inspect stopped-v2 >/dev/null 2>&1"
    check "$name: prune kept the running release's image and a stopped container of it" \
      ssh_host "$name" "docker image inspect \$(docker inspect -f '{{.Image}}' $APP_NAME) >/dev/null && docker container inspect stopped-kept >/dev/null"
    check "$name: still answers HTTP 200 after the prune" test "$(http_code "${HOST_IP[$name]}")" = 200
    ssh_host "$name" "docker rm stopped-kept >/dev/null" || true
  done
}

ship_scenario() {
  if ! command -v docker >/dev/null 2>&1; then
    log "ship: no docker CLI on this machine: the build/logs/prune part is skipped"
    return 0
  fi
  log "ship: the build step on host 1 over SSH, deploy by digest, logs, releases, prune"
  ship_docker_shim
  ship_build_and_deploy || return 0
  ship_logs_and_releases
  ship_prune
}
