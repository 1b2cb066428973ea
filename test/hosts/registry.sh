# shellcheck shell=bash
# Host test, part 3: the app's life through a real registry (sourced by test/hosts/run.sh; uses
# its REPO, RUN, GW, HOSTS, HOST_IP, SSH_OPTS, DEPLOY_USER, APP_NAME, APP_PORT, check/pass/fail/log,
# ssh_host, http_code, playbook, build_image, and metadata.sh's start_metadata, METADATA_TOKEN).
#
# Debian's docker-registry (the CNCF distribution registry) listens on the bridge address with
# basic auth: user oauth2accesstoken, password a token that only the fake metadata server (also on
# the bridge) hands out, with Metadata-Flavor: Google. The hosts reach it through the docker_host
# role's credential helper, exactly as a GCE VM reaches Artifact Registry. The registry speaks
# plain HTTP on this private, unrouted bridge, so the hosts list it in daemon.json's
# insecure-registries (test inventory only, through the role's docker_host_daemon_config): a
# throwaway CA would prove nothing more about the roles and cost a trust-store change per host.
REGISTRY_PORT=5000
REGISTRY=""
REGISTRY_PID=""

start_registry() {
  REGISTRY="$GW:$REGISTRY_PORT"
  local dir="$RUN/registry" hash
  mkdir -p "$dir/data"
  start_metadata
  hash=$(python3 -W ignore -c 'import crypt, sys; print(crypt.crypt(sys.argv[1], crypt.mksalt(crypt.METHOD_BLOWFISH)))' "$METADATA_TOKEN")
  echo "oauth2accesstoken:$hash" >"$dir/htpasswd"
  cat >"$dir/config.yml" <<YML
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $dir/data
http:
  addr: $REGISTRY
auth:
  htpasswd:
    realm: docker-hosts-test
    path: $dir/htpasswd
YML
  docker-registry serve "$dir/config.yml" >"$dir/access.log" 2>&1 </dev/null &
  REGISTRY_PID=$!
  remember_pid "$REGISTRY_PID"
  wait_listening "$REGISTRY_PORT" "the registry"
  # Inventory-side settings (group_vars next to the inventory): every play sees them.
  mkdir -p "$RUN/group_vars"
  cat >"$RUN/group_vars/all.yml" <<YML
docker_host_registry_hosts: ["$REGISTRY"]
docker_host_metadata_token_url: "$(metadata_token_url)"
docker_host_daemon_config:
  log-driver: json-file
  log-opts: {max-size: "10m", max-file: "3"}
  live-restore: true
  insecure-registries: ["$REGISTRY"]
YML
  # This machine's Docker client (push to host 1 over SSH) uses the same credential helper.
  mkdir -p "$RUN/bin" "$RUN/docker-client"
  printf '{"credHelpers": {"%s": "gce-metadata"}}\n' "$REGISTRY" >"$RUN/docker-client/config.json"
  printf '{"token_url": "%s", "registries": ["%s"]}\n' "$(metadata_token_url)" "$REGISTRY" \
    >"$RUN/docker-client/credential-gce-metadata.json"
  ln -sf "$REPO/ansible/roles/docker_host/files/docker-credential-gce-metadata" "$RUN/bin/"
  printf '#!/bin/sh\nexec /usr/bin/ssh %s "$@"\n' "${SSH_OPTS[*]}" >"$RUN/bin/ssh"
  chmod 755 "$RUN/bin/ssh"
}

stop_registry() {
  [ -n "$REGISTRY_PID" ] || return 0
  kill -TERM "$REGISTRY_PID" 2>/dev/null
  wait "$REGISTRY_PID" 2>/dev/null
}

# host1_docker <args...>: this machine's docker CLI against host 1's dockerd (DOCKER_HOST=ssh://),
# its credentials from the credential helper here; without a docker CLI here, docker on host 1
# itself (root's client config there: the same helper).
host1_docker() {
  if ! command -v docker >/dev/null 2>&1; then
    ssh_host "${HOSTS[0]}" sudo docker "$@"
    return
  fi
  PATH="$RUN/bin:$PATH" DOCKER_CONFIG="$RUN/docker-client" \
    DOCKER_CREDENTIAL_GCE_METADATA_CONFIG="$RUN/docker-client/credential-gce-metadata.json" \
    DOCKER_HOST="ssh://$DEPLOY_USER@${HOST_IP[${HOSTS[0]}]}" docker "$@"
}

# push_image <archive> <tag>: loads the archive into host 1's Docker over SSH, pushes it as
# $REGISTRY/test-app:<tag>; prints the pushed reference by digest.
push_image() {
  local ref="$REGISTRY/test-app:$2" out digest
  host1_docker load <"$1" >/dev/null || return 1
  host1_docker tag "$(tar -xOf "$1" manifest.json | sed -E 's/.*"RepoTags":\["([^"]+)".*/\1/')" "$ref" || return 1
  out=$(host1_docker push "$ref") || return 1
  digest=$(grep -oE 'digest: sha256:[0-9a-f]{64}' <<<"$out" | cut -d' ' -f2)
  [ -n "$digest" ] || return 1
  # Host 1 forgets the registry's names for it (the tag and with it the digest reference), so that
  # the deploy pulls there too, like elsewhere.
  host1_docker image rm "$ref" >/dev/null || return 1
  echo "$REGISTRY/test-app@$digest"
}

# The registry's access log lines about test-app (every request a host makes for it).
registry_requests() { grep -cE '"[A-Z]+ /v2/test-app/' "$RUN/registry/access.log" || true; }

# check_release <ref> <body> <action>: every host runs <ref>, serves <body>, recorded it last.
check_release() {
  local ref=$1 body=$2 action=$3 name got
  for name in "${HOSTS[@]}"; do
    check "$name: runs $ref" test "$(ssh_host "$name" "docker inspect -f '{{.Config.Image}}' $APP_NAME")" = "$ref"
    got=$(curl -s --max-time 5 "http://${HOST_IP[$name]}:$APP_PORT/" || true)
    check "$name: answers HTTP 200 with '$body'" test "$(http_code "${HOST_IP[$name]}")/$got" = "200/$body"
    check "$name: last release record is a successful $action of ${ref#*@}" \
      ssh_host "$name" "tail -n1 /var/lib/docker-hosts/releases.jsonl | python3 -c 'import json,sys; r=json.load(sys.stdin); sys.exit(not (r[\"result\"], r[\"action\"], r[\"digest\"]) == (\"ok\", \"$action\", \"${ref#*@}\"))'"
  done
}

# swap_batches <log>: the hosts of each batch of site.yml's rolling play (Ansible prints its PLAY
# header once per batch), sorted, comma-separated, batches joined by "|".
swap_batches() {
  python3 - "$1" <<'PY'
import re, sys
sections = open(sys.argv[1]).read().split("PLAY [Deploy the app]")[1:]
hosts = [sorted(set(re.findall(r"^\w+: \[([^\]]+)\]", s.split("PLAY RECAP")[0], re.M))) for s in sections]
print("|".join(",".join(h) for h in hosts))
PY
}

registry_scenario() {
  local via="this machine's docker CLI with DOCKER_HOST=ssh://"
  command -v docker >/dev/null 2>&1 || via="docker on host 1 over plain SSH (no docker CLI here)"
  log "registry: push two versions to host 1 ($via), deploy by digest, roll back"
  # v1 is not the image the earlier deploys loaded from an archive: same bits would leave the
  # container as it is (the app role compares image ids).
  build_image test-app:v1 "$RUN/app-v1.tar" "[\"/bin/busybox\",\"httpd\",\"-f\",\"-p\",\"$APP_PORT\",\"-h\",\"/www\"]"
  build_image test-app:v2 "$RUN/app-v2.tar" "[\"/bin/busybox\",\"httpd\",\"-f\",\"-p\",\"$APP_PORT\",\"-h\",\"/www\"]"
  local v1 v2 name before
  v1=$(push_image "$RUN/app-v1.tar" v1 2>"$RUN/push.err") && v2=$(push_image "$RUN/app-v2.tar" v2 2>>"$RUN/push.err") ||
    { fail "push to $REGISTRY from host 1 over SSH failed: $(tail -n 3 "$RUN/push.err")"; return 0; }
  pass "pushed v1 and v2 from host 1 ($via) through the credential helper: $v1, $v2"
  check "the registry refuses a request without the token (HTTP 401)" \
    test "$(curl -s -o /dev/null -w '%{http_code}' "http://$REGISTRY/v2/")" = 401
  local tag
  for tag in v1 v2; do
    local ref=$v1 body="docker-hosts test app (test-app:v1)"
    [ "$tag" = v2 ] && ref=$v2 body="docker-hosts test app (test-app:v2)"
    before=$(registry_requests)
    # v2 replaces v1 under load (zero failed requests), canary first, then every other host in one
    # batch (the largest batch a rollout can have).
    local serial=()
    [ "$tag" = v2 ] && serial=(-e '{"app_serial": [1, "100%"]}') && zdt_load_start "deploy of v2"
    if playbook "$RUN/site-$tag.log" -e "app_image=$ref" -e "app_release_commit=commit-$tag" "${serial[@]}"; then
      pass "site.yml deploys $tag by digest"
    else
      tail -n 30 "$RUN/site-$tag.log"
      fail "site.yml deploy of $tag failed (log above)"
    fi
    if [ "$tag" = v2 ]; then
      zdt_load_check "deploy of v2" "docker-hosts test app (test-app:v1)" "$body"
      check "v2: swapped in two batches, the canary ${HOSTS[0]} alone, then the other $((${#HOSTS[@]} - 1)) together" \
        test "$(swap_batches "$RUN/site-$tag.log")" = "${HOSTS[0]}|$(IFS=,; echo "${HOSTS[*]:1}")"
    fi
    for name in "${HOSTS[@]}"; do
      check "$name: pulled $tag from the registry itself (access log)" \
        grep -Eq "^${HOST_IP[$name]} .*\"(GET|HEAD) /v2/test-app/manifests/${ref#*@}" "$RUN/registry/access.log"
    done
    check "$tag: every host pulled in the pre-pull play, before the rolling deploy" \
      test "$(sed -n '/^PLAY \[Pull the app image and prepare the app on all hosts\]/,/^PLAY \[Deploy the app/p' "$RUN/site-$tag.log" | grep -c '^changed: ')" = "${#HOSTS[@]}"
    check_release "$ref" "$body" deploy
    log "$tag: $(($(registry_requests) - before)) registry requests"
  done
  before=$(registry_requests)
  zdt_load_start rollback
  if PLAYBOOK=rollback.yml playbook "$RUN/rollback.log"; then pass "rollback.yml succeeded"; else
    tail -n 30 "$RUN/rollback.log"
    fail "rollback.yml failed (log above)"
  fi
  zdt_load_check rollback "docker-hosts test app (test-app:v2)" "docker-hosts test app (test-app:v1)"
  check_release "$v1" "docker-hosts test app (test-app:v1)" rollback
  check "rollback pulled nothing (registry requests for test-app: $before before, $(registry_requests) after)" \
    test "$(registry_requests)" = "$before"
  ROLLED_BACK=$v1
}
