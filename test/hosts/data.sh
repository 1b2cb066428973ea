# shellcheck shell=bash
# Host test, the app's data and configuration (issue 24; sourced by test/hosts/run.sh, DHT_SCENARIO=data
# runs it after the first deploy, full at its end): env, secrets from a fake Secret Manager, volumes, an
# accessory, and a data disk on host 1. Uses run.sh's REPO, RUN, GW, HOSTS, HOST_IP, NSPAWN_PID,
# INSTANCE_ID, check/pass/fail/log, ssh_host, playbook, make_inventory, prepare_host, boot_host, wait_ssh,
# close_masters, build_image, registry.sh's push_image (which starts the metadata server) and
# metadata.sh's fake Secret Manager (start_secret_manager, secret_put, secret_refused).
#
# The data disk stand-in: a sparse file on this machine attached to a loop device, which
# systemd-nspawn binds into host 1 as /dev/disk/by-id/google-docker-hosts-data, the path a GCE VM
# sees for a disk attached with device name docker-hosts-data (udev's google- prefix). The disk file
# outlives host 1's root filesystem: the reinstall boots a fresh root and a fresh /var/lib/docker
# with the same disk attached.
DATA_DISK_DEVICE=docker-hosts-data
DATA_PROJECT=test-project
DATA_LOOP=""
declare -A DATA_BIND=()

# Before host 1 boots: the disk file, its loop device, nspawn's bind (boot_host reads DATA_BIND).
data_attach_disk() {
  local name=${HOSTS[0]}
  truncate -s 256M "$RUN/data-disk.img"
  DATA_LOOP=$(losetup --find --show "$RUN/data-disk.img") || abort "losetup: cannot attach $RUN/data-disk.img"
  DATA_BIND[$name]="$DATA_LOOP:/dev/disk/by-id/google-$DATA_DISK_DEVICE"
  # The driver's inventory writes docker_host_data_disk for a host whose outputs name a data disk;
  # here a host_vars file next to the inventory says the same.
  mkdir -p "$RUN/host_vars"
  printf 'docker_host_data_disk: %s\n' "$DATA_DISK_DEVICE" >"$RUN/host_vars/$name.yml"
}

data_detach_disk() {
  [ -n "$DATA_LOOP" ] && losetup -d "$DATA_LOOP" 2>/dev/null
  DATA_LOOP=""
}


# The test images' files: the app's CGI (notes in its volume /data, the accessory reached by name
# through KV_URL) and the accessory, a key-value store over busybox httpd writing to its volume.
data_image_files() {
  local dir=$1 kind=$2
  mkdir -p "$dir/www/cgi-bin"
  if [ "$kind" = app ]; then
    cat >"$dir/www/cgi-bin/notes" <<'EOF'
#!/bin/busybox sh
B=/bin/busybox
echo "Content-Type: text/plain"
echo
case "$QUERY_STRING" in add=*) echo "${QUERY_STRING#add=}" >>/data/notes.txt ;; esac
$B cat /data/notes.txt 2>/dev/null
EOF
    cat >"$dir/www/cgi-bin/kv" <<'EOF'
#!/bin/busybox sh
echo "Content-Type: text/plain"
echo
/bin/busybox wget -q -O - "$KV_URL/cgi-bin/kv?$QUERY_STRING"
EOF
  else
    cat >"$dir/www/cgi-bin/kv" <<'EOF'
#!/bin/busybox sh
B=/bin/busybox
echo "Content-Type: text/plain"
echo
case "$QUERY_STRING" in
  set=*=*) kv=${QUERY_STRING#set=}; k=${kv%%=*}; echo "${kv#*=}" >"/data/$k" && echo stored ;;
  get=*) $B cat "/data/${QUERY_STRING#get=}" ;;
esac
EOF
  fi
  chmod 755 "$dir"/www/cgi-bin/*
}

# The vars a driver would write from the config (app-vars.json): env, secrets, volumes, the accessory.
data_vars() {
  cat >"$RUN/data-vars.json" <<EOF
{"secret_manager_url": "$(secret_manager_url)", "app_secrets_project": "$DATA_PROJECT",
 "app_env": {"KV_URL": "http://kv:7000"},
 "app_secrets": [{"name": "APP_PASSWORD", "secret": "app-password", "version": "latest"}],
 "app_volumes": [{"source": "notes", "target": "/data", "read_only": false}],
 "accessories": {"kv": {"image": "$1", "port": 7000, "env": {"KV_MODE": "test"},
   "secrets": [{"name": "KV_TOKEN", "secret": "kv-token", "version": "1"}],
   "volumes": [{"source": "kv", "target": "/data", "read_only": false}], "host": "${HOSTS[0]}"}}}
EOF
}

# data_play <log> <playbook> [args]: a playbook with the data vars.
data_play() {
  local logf=$1 book=$2
  shift 2
  PLAYBOOK=$book playbook "$logf" -e "@$RUN/data-vars.json" "$@"
}

data_get() { curl -s --max-time 5 "http://${HOST_IP[${HOSTS[0]}]}:$1" || true; }

# data_intact <when>: what was written is still there: notes through the app, a key written through
# the app (the app reaching the accessory by name) and one written straight to the accessory.
data_intact() {
  local got
  got="$(data_get "$APP_PORT/cgi-bin/notes" | tr '\n' ' ')|$(data_get "$APP_PORT/cgi-bin/kv?get=k1")|$(data_get "7000/cgi-bin/kv?get=k2")"
  check "after $1: the note, the key written through the app and the one written to the accessory are there (got '$got')" \
    test "$got" = "note-1 |v1|v2"
}

# data_task <log> <task name start> <host>: the host's result line for that task (ok, changed, ...).
data_task() {
  sed -n "/^TASK \[[a-z_]* : $2/,/^TASK/p" "$1" | grep -oE "^[a-z]+: \[$3\]" | head -n1 | cut -d: -f1
}

data_accessory_state() { ssh_host "${HOSTS[0]}" "docker inspect -f '{{.Id}} {{.State.StartedAt}} {{.State.Running}}' kv"; }
data_app_id() { ssh_host "${HOSTS[0]}" "docker inspect -f '{{.Id}}' $APP_NAME"; }

data_check_layout() {
  local one=${HOSTS[0]} two=${HOSTS[1]}
  check "$one: the data disk is mounted at /mnt/disks/data by id (ext4), by an enabled mount unit with nofail, before docker" \
    ssh_host "$one" "test \"\$(findmnt -n -o SOURCE,FSTYPE /mnt/disks/data)\" = '/dev/disk/by-id/google-$DATA_DISK_DEVICE ext4' &&
      test \"\$(systemctl is-enabled mnt-disks-data.mount)\" = enabled &&
      grep -qx 'Options=discard,defaults,nofail' /etc/systemd/system/mnt-disks-data.mount &&
      systemctl show -p After docker.service | grep -q mnt-disks-data.mount"
  check "$two: no data disk, /mnt/disks/data a folder on the boot disk" \
    ssh_host "$two" "test -d /mnt/disks/data && ! findmnt /mnt/disks/data >/dev/null"
  check "$one: the accessory kv runs (unless-stopped, on the app network), its port on the host's own address only" \
    test "$(ssh_host "$one" "docker inspect -f '{{.HostConfig.RestartPolicy.Name}} {{range \$k, \$v := .NetworkSettings.Networks}}{{\$k}}{{end}}' kv; docker port kv")" \
    = "unless-stopped docker-hosts-app
7000/tcp -> ${HOST_IP[$one]}:7000"
  check "$two: no accessory there" test "$(ssh_host "$two" "docker ps -a -q --filter label=docker-hosts.accessory" | wc -l)" = 0
  check "$one: the app's env file is root's, 0600, on tmpfs" \
    test "$(ssh_host "$one" "sudo stat -c '%U %a' /run/docker-hosts/$APP_NAME.env; stat -f -c %T /run/docker-hosts")" = "root 600
tmpfs"
}

# data_secret_nowhere <value> <container>: in that container's environment, nowhere else.
data_secret_nowhere() {
  local value=$1 own=$2 name c others=""
  check "the secret reaches $own's environment" \
    test "$(ssh_host "${HOSTS[0]}" "docker exec $own /bin/busybox env" | sed -n "s/^$3=//p")" = "$value"
  for name in "${HOSTS[@]}"; do
    for c in $(ssh_host "$name" "docker ps -a --format '{{.Names}}'"); do
      # The app runs on every host, with the same secrets.
      [ "$c" = "$own" ] && continue
      ssh_host "$name" "docker inspect $c" | grep -qF "$value" && others+=" $name/$c"
    done
  done
  check "the secret of $own is in no other container's docker inspect${others:+ (found in$others)}" test -z "$others"
  # The run folder: Ansible's logs (one of them at -vvv), the vars, inventories; not the hosts' own disks.
  local found
  found=$(grep -rlF --exclude-dir=root --exclude-dir=docker --exclude='*.img' -- "$value" "$RUN" || true)
  check "the secret of $own is nowhere in the run folder (Ansible's output included)${found:+: $found}" test -z "$found"
}

data_deploy() {
  local logf=$1 what=$2
  shift 2
  if data_play "$logf" site.yml "$@"; then pass "site.yml: $what"; else
    tail -n 30 "$logf"
    fail "site.yml: $what failed (log above)"
  fi
}

# Host 1 reinstalled: a fresh root filesystem, /var/lib/docker and network namespace (a new
# instance, a new host key, the same address), the same data disk attached; site.yml sets it up
# from scratch.
data_reinstall() {
  local name=${HOSTS[0]} pid=${NSPAWN_PID[${HOSTS[0]}]}
  kill -TERM "$pid"
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  kill -0 "$pid" 2>/dev/null && abort "$name: not down 30s after SIGTERM"
  wait "$pid" 2>/dev/null || true
  close_masters
  rm -rf --one-file-system "$RUN/$name/root" "$RUN/$name/docker" "$RUN/$name.init-pid"
  # A new machine: a new network namespace too (the old one still holds the old dockerd's bridges).
  ip netns del "dht-$name"
  for _ in $(seq 1 50); do ip link show dht-h1 >/dev/null 2>&1 || break; sleep 0.1; done
  host_network "$name" 1
  prepare_host "$name"
  boot_host "$name"
  wait_ssh "$name"
  INSTANCE_ID[$name]=4000000000000000300
  make_inventory || abort "inventory generation: $(cat "$RUN/inventory.err")"
}

data_scenario() {
  local t0=$SECONDS one=${HOSTS[0]} v1 v2 kv before after app1 secret1 secret2 kvsecret
  log "data: env, secrets, volumes, an accessory, the data disk on $one"
  start_secret_manager
  secret1="app-pw-$(head -c 9 /dev/urandom | base64 | tr -d '/+=')"
  kvsecret="kv-tok-$(head -c 9 /dev/urandom | base64 | tr -d '/+=')"
  secret_put "$DATA_PROJECT" app-password "$secret1"
  secret_put "$DATA_PROJECT" kv-token "$kvsecret"
  local files
  files=$(mktemp -d "$RUN/data-files.XXXX")
  data_image_files "$files/app" app
  data_image_files "$files/kv" kv
  local httpd="[\"/bin/busybox\",\"httpd\",\"-f\",\"-p\",\"$APP_PORT\",\"-h\",\"/www\"]"
  build_image test-app:data-v1 "$RUN/app-data-v1.tar" "$httpd" "$files/app"
  build_image test-app:data-v2 "$RUN/app-data-v2.tar" "$httpd" "$files/app"
  build_image test-kv:1 "$RUN/kv.tar" '["/bin/busybox","httpd","-f","-p","7000","-h","/www"]' "$files/kv"
  v1=$(push_image "$RUN/app-data-v1.tar" data-v1 2>"$RUN/push.err") && v2=$(push_image "$RUN/app-data-v2.tar" data-v2 2>>"$RUN/push.err") &&
    kv=$(push_image "$RUN/kv.tar" kv-1 2>>"$RUN/push.err") || { fail "data: push failed: $(tail -n 3 "$RUN/push.err")"; return 0; }
  data_vars "$kv"

  data_deploy "$RUN/data-1.log" "v1 with env, a secret, a volume and the accessory kv" -e "app_image=$v1" -e app_release_commit=data-v1
  data_check_layout
  check "$one: the accessory has its own env file" ssh_host "$one" "sudo test -s /run/docker-hosts/kv.env"
  check "the secret store refuses a request without the host's token (HTTP 403)" \
    test "$(secret_refused "$DATA_PROJECT" app-password)" = 403
  data_get "$APP_PORT/cgi-bin/notes?add=note-1" >/dev/null
  check "the app writes to the accessory by name (kv:7000)" test "$(data_get "$APP_PORT/cgi-bin/kv?set=k1=v1")" = stored
  check "the accessory takes a write on ${HOST_IP[$one]}:7000" test "$(data_get "7000/cgi-bin/kv?set=k2=v2")" = stored
  data_intact "the first deploy"
  check "$one: the notes are on the data disk (/mnt/disks/data/volumes/notes)" \
    ssh_host "$one" "grep -qx note-1 /mnt/disks/data/volumes/notes/notes.txt"
  before=$(data_accessory_state)

  data_deploy "$RUN/data-2.log" "deploy of v2" -e "app_image=$v2" -e app_release_commit=data-v2
  check "v2 serves" test "$(data_get "$APP_PORT/")" = "docker-hosts test app (test-app:data-v2)"
  data_intact "a deploy of a new release"
  check "a deploy of the app left the accessory alone (same container, same start: $before)" test "$(data_accessory_state)" = "$before"

  # A changed secret value rolls a new container (same image); the accessory (its own secret unchanged) stays.
  app1=$(data_app_id)
  secret2="app-pw2-$(head -c 9 /dev/urandom | base64 | tr -d '/+=')"
  secret_put "$DATA_PROJECT" app-password "$secret2"
  data_deploy "$RUN/data-3.log" "the same release with a changed secret (-vvv)" -vvv -e "app_image=$v2" -e app_release_commit=data-v2
  check "a changed secret started a new app container" test "$(data_app_id)" != "$app1"
  data_deploy "$RUN/data-4.log" "the same again" -e "app_image=$v2" -e app_release_commit=data-v2
  check "an unchanged run changes nothing (changed=$(recap_field "$RUN/data-4.log" "$one" changed) on $one)" \
    test "$(recap_field "$RUN/data-4.log" "$one" changed)" = 0
  check "the accessory still untouched after the secret change" test "$(data_accessory_state)" = "$before"

  if data_play "$RUN/data-rollback.log" rollback.yml; then pass "rollback.yml"; else
    tail -n 30 "$RUN/data-rollback.log"
    fail "rollback.yml failed (log above)"
  fi
  check "the rollback serves v1" test "$(data_get "$APP_PORT/")" = "docker-hosts test app (test-app:data-v1)"
  data_intact "a rollback"
  check "a rollback left the accessory alone" test "$(data_accessory_state)" = "$before"

  ssh_host "$one" "sudo docker stop kv >/dev/null"
  if data_play "$RUN/data-prune.log" prune.yml -e app_releases_keep=1; then pass "prune.yml (keep 1)"; else
    tail -n 30 "$RUN/data-prune.log"
    fail "prune.yml failed (log above)"
  fi
  check "prune left the stopped accessory, its image and its volume folder" \
    ssh_host "$one" "docker container inspect kv >/dev/null && docker image inspect $kv >/dev/null && test -d /mnt/disks/data/volumes/kv"
  data_deploy "$RUN/data-5.log" "after the prune (starts the stopped accessory)" -e "app_image=$v1" -e app_release_commit=data-v1
  data_intact "a prune"
  before=$(data_accessory_state)

  ssh_host "$one" 'sudo systemctl restart docker' || fail "$one: dockerd restart"
  sleep 2
  data_intact "a dockerd restart"
  check "a dockerd restart left the accessory running (live-restore)" test "$(data_accessory_state)" = "$before"

  day2_reboot
  check "$one: after the reboot the data disk is mounted again (its unit, before docker)" \
    ssh_host "$one" "findmnt -n /mnt/disks/data >/dev/null && test \"\$(systemctl show -p After docker.service | grep -c mnt-disks-data.mount)\" = 1"
  check "$one: after the reboot the accessory runs" test "$(data_accessory_state | cut -d' ' -f3)" = true
  data_intact "a reboot"

  log "data: reinstalling $one from scratch (fresh root and /var/lib/docker, the same data disk)"
  data_reinstall
  data_deploy "$RUN/data-6.log" "on the reinstalled $one" -e "app_image=$v1" -e app_release_commit=data-v1
  check "the data disk was formatted by the first run, and not by the reinstall's (ext4 found, kept)" \
    test "$(data_task "$RUN/site-1.log" "Format the data disk" "$one")/$(data_task "$RUN/data-6.log" "Format the data disk" "$one")" = changed/ok
  data_intact "a reinstall of the host with the data disk re-attached"

  data_secret_nowhere "$secret2" "$APP_NAME" APP_PASSWORD
  data_secret_nowhere "$kvsecret" kv KV_TOKEN
  check "the first secret value is gone from the app and appears nowhere" \
    eval '! grep -rqF --exclude-dir=root --exclude-dir=docker --exclude="*.img" -- "$secret1" "$RUN" &&
      ! ssh_host "$one" "docker inspect $APP_NAME" | grep -qF "$secret1"'
  log "data scenario: $((SECONDS - t0))s"
}
