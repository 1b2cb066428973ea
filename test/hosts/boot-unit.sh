# shellcheck shell=bash
# Host test, part 6 (DHT_SCENARIO=boot-unit runs only this, on one host; `full` runs it last, on the
# last host): the boot unit of a managed fleet's image (docker_host_release_unit, issue 23), sourced
# by test/hosts/run.sh (uses its RUN, GW, HOSTS, HOST_IP, APP_PORT, check/pass/fail/log, ssh_host,
# playbook, build_image, stop_host, start_host, registry.sh's push_image and metadata.sh's RELEASE_FILE).
#
# image.yml with docker_host_release_unit=true (what Packer runs for a managed fleet's image) and
# the metadata URL of the fake metadata server; that server serves the release from $RELEASE_FILE.
# The host boots with the test image (by digest, in the test registry) in its metadata and serves
# it on the release's port through nginx, again after a reboot; a release with an unknown field or
# a digest the registry does not have leaves the unit failed and nothing answering on the port.
BOOT_PORT=8080
BOOT_BODY="docker-hosts test app (test-app:boot)"

# boot_release <image> [extra JSON member]: what the instance metadata's docker-hosts-release holds.
boot_release() {
  printf '{"name": "app", "image": "%s", "port": %s, "containerPort": %s, "healthPath": "/index.html"%s}\n' \
    "$1" "$BOOT_PORT" "$APP_PORT" "${2:+, $2}" >"$RELEASE_FILE"
}

boot_code() { curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://$1:$BOOT_PORT/" || true; }

# boot_unit_state <host>: the unit's state once it has finished starting (at most 90 s after boot).
boot_unit_state() {
  local state=activating
  for _ in $(seq 1 90); do
    state=$(ssh_host "$1" systemctl is-active docker-hosts-release.service || true)
    [ "$state" = activating ] || [ "$state" = inactive ] || break
    sleep 1
  done
  echo "$state"
}

# boot_reboot <host> <what>: the host shuts down and boots again; the unit runs at boot.
boot_reboot() {
  log "boot unit: $1 reboots ($2)"
  stop_host "$1"
  start_host "$1"
}

boot_serves() {
  local name=$1 when=$2 ref=$3 ip=${HOST_IP[$1]} state body
  state=$(boot_unit_state "$name")
  body=$(curl -s --max-time 5 "http://$ip:$BOOT_PORT/" || true)
  check "$when: docker-hosts-release.service is active (got $state)" test "$state" = active
  check "$when: $name serves the release on its port $BOOT_PORT through nginx ('$body')" \
    test "$(boot_code "$ip")/$body" = "200/$BOOT_BODY"
  check "$when: container app runs $ref on the app network, Docker's init as PID 1" \
    test "$(ssh_host "$name" "docker inspect -f '{{.Config.Image}} {{.HostConfig.NetworkMode}} {{.HostConfig.Init}}' app")" = \
    "$ref docker-hosts-app true"
}

# boot_refused <host> <what> <journal text>: the unit failed with that line and nothing answers.
boot_refused() {
  local name=$1 when=$2 text=$3 ip=${HOST_IP[$1]} state
  state=$(boot_unit_state "$name")
  check "$when: docker-hosts-release.service is failed (systemctl is-failed; got $state)" \
    ssh_host "$name" systemctl is-failed --quiet docker-hosts-release.service
  check "$when: nothing answers on $ip:$BOOT_PORT (got HTTP $(boot_code "$ip")), no container app" \
    test "$(boot_code "$ip")/$(ssh_host "$name" 'docker ps -q --filter name=^app$')" = "000/"
  check "$when: the unit's log says why ('$text')" \
    eval 'ssh_host "$name" "sudo journalctl -b -u docker-hosts-release.service -o cat" | grep -qF -- "$text"'
}

boot_unit_scenario() {
  local name=${HOSTS[-1]} t0=$SECONDS ref
  log "boot unit: image.yml with docker_host_release_unit on $name"
  if PLAYBOOK=image.yml playbook "$RUN/boot-image.log" --limit "$name" -e '{"docker_host_release_unit": true}' \
    -e "docker_host_metadata_url=http://$GW:$METADATA_PORT"; then
    pass "image.yml with docker_host_release_unit=true succeeded on $name"
  else
    tail -n 30 "$RUN/boot-image.log"
    fail "image.yml with docker_host_release_unit=true failed on $name (log above)"
    return 0
  fi
  check "$name: docker-hosts-release.service is enabled, not started by the image build" \
    test "$(ssh_host "$name" 'systemctl is-enabled docker-hosts-release.service; systemctl is-active docker-hosts-release.service' | tr '\n' ' ')" = "enabled inactive "
  build_image test-app:boot "$RUN/app-boot.tar" "[\"/bin/busybox\",\"httpd\",\"-f\",\"-p\",\"$APP_PORT\",\"-h\",\"/www\"]"
  ref=$(push_image "$RUN/app-boot.tar" boot 2>"$RUN/push.err") || { fail "push: $(tail -n 3 "$RUN/push.err")"; return 0; }
  boot_release "$ref"
  boot_reboot "$name" "release $ref in its metadata"
  boot_serves "$name" "first boot with the release" "$ref"
  check "$name pulled the release by digest from the registry (access log)" \
    grep -Eq "^${HOST_IP[$name]} .*\"(GET|HEAD) /v2/test-app/manifests/${ref#*@}" "$RUN/registry/access.log"
  boot_reboot "$name" "same release"
  boot_serves "$name" "after a reboot" "$ref"
  boot_release "$ref" '"replicas": 2'
  ssh_host "$name" 'sudo systemctl restart docker-hosts-release.service' >/dev/null 2>&1 || true
  boot_refused "$name" "a release with an unknown field" "unknown fields ['replicas']"
  boot_release "${ref%@*}@sha256:$(printf '0%.0s' $(seq 1 64))"
  boot_reboot "$name" "a digest the registry does not have"
  boot_refused "$name" "bad digest" "pulling ${ref%@*}@sha256:0000"
  log "boot unit: $((SECONDS - t0))s"
}
