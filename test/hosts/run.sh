#!/usr/bin/env bash
# Host test: proves ansible/ on two real, throwaway Debian 13 (or 12) hosts on this machine.
#
#   sudo bash test/hosts/run.sh        (npm run test:hosts; Linux, root, Debian packages from .ci/hosts-deps.sh)
#
# Each host is a debootstrapped Debian rootfs (cached under $DHT_CACHE between runs) booted with
# systemd-nspawn in its own network namespace, on a private /24 ($DHT_NET.0/24, default
# 10.213.0.0/24) that has no route off this machine. The hosts' apt goes through an apt-cacher-ng
# that this script starts on the host side of that network. The test app image is built here by
# hand (docker-archive format, busybox httpd) and shipped with the app role's archive option:
# nothing comes from Docker Hub.
#
# Env: DHT_SUITE (trixie, the default, or bookworm), DHT_SCENARIO (full, the default, or short:
#      deploy, idempotence and the day-2 checks only; or bench: npm run bench:hosts; or whole-up: the hosts only
#      boot for the driver's whole up against the double of Google's APIs, npm run test:whole-up, whole-up.sh,
#      with the fake metadata server and Secret Manager of metadata.sh for its app's secret; or
#      data: the first deploy, then test/hosts/data.sh alone: env, secrets, volumes, accessory, data disk; or
#      boot-unit: only the managed fleet's boot unit, test/hosts/boot-unit.sh, on one host by default; or zdt: the
#      first deploy, then the rollouts under load only: the registry part and the broken build the canary stops, on
#      3 hosts by default),
#      DHT_HOSTS (2, the default, to 8 hosts), DHT_CACHE (default /var/cache/docker-hosts-test),
#      DHT_NET (default 10.213.0), DHT_MIRROR (default http://deb.debian.org/debian; its -security
#      sibling serves the security archive), DHT_KEEP=1 keeps the run directory.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CACHE=${DHT_CACHE:-/var/cache/docker-hosts-test}
NET=${DHT_NET:-10.213.0}
MIRROR=${DHT_MIRROR:-http://deb.debian.org/debian}
# The Debian release of the throwaway hosts: trixie (Debian 13, the default image family) or bookworm (12).
SUITE=${DHT_SUITE:-trixie}
SCENARIO=${DHT_SCENARIO:-full}
BRIDGE=dhtbr0
GW="$NET.1"
ACNG_PORT=3142
# docker-host-001 ... (DHT_HOSTS of them, 2 to 8; 1 for DHT_SCENARIO=bench and boot-unit, its default), with the GCE
# instance ids of the fake stack outputs (the inventory pins host keys to <name>-<id>): 4000000000000000001, ...
HOST_COUNT=${DHT_HOSTS:-2}
[ "$SCENARIO" != boot-unit ] || HOST_COUNT=${DHT_HOSTS:-1}
# zdt: 3 by default, so that the batch after the canary has more than one host.
[ "$SCENARIO" != zdt ] || HOST_COUNT=${DHT_HOSTS:-3}
HOSTS=()
declare -A INSTANCE_ID=()
if [[ "$HOST_COUNT" =~ ^[2-8]$ ]] || [[ "$HOST_COUNT/$SCENARIO" =~ ^1/(bench|boot-unit)$ ]]; then
  for i in $(seq 1 "$HOST_COUNT"); do
    HOSTS+=("$(printf 'docker-host-%03d' "$i")")
    INSTANCE_ID[${HOSTS[-1]}]=$(printf '4%018d' "$i")
  done
fi
APP_NAME=app
APP_PORT=9292
DEPLOY_USER=deploy
# A user that exists only through NSS, as OS Login users do on GCE (test/hosts/nss_testusers.c).
NSS_USER=ops_example_com
# Packages of the cached rootfs: what a GCE Debian image has that the roles rely on, plus
# busybox-static, whose binary is the test app.
ROOTFS_PACKAGES=systemd,systemd-sysv,dbus,libpam-systemd,openssh-server,sudo,python3,python3-apt,iproute2,ca-certificates,busybox-static
ROOTFS_KEY=$(printf '%s\n' v1 "$SUITE" "$ROOTFS_PACKAGES" | sha256sum | cut -c1-12)
ROOTFS="$CACHE/rootfs-$SUITE-$ROOTFS_KEY"

START=$(date +%s)
PASSED=0
FAILED=0
RUN=""
ACNG_PID=""
declare -A NSPAWN_PID=() HOST_IP=()
# Hosts that are in the inventory but do not exist (day2_status_unreachable).
HOSTS_EXTRA=()
GOOD_VARS=()
# shellcheck source=test/hosts/zdt.sh
. "$REPO/test/hosts/zdt.sh"
# shellcheck source=test/hosts/day2.sh
. "$REPO/test/hosts/day2.sh"
# shellcheck source=test/hosts/metadata.sh
. "$REPO/test/hosts/metadata.sh"
# shellcheck source=test/hosts/registry.sh
. "$REPO/test/hosts/registry.sh"
# shellcheck source=test/hosts/ship.sh
. "$REPO/test/hosts/ship.sh"
# shellcheck source=test/hosts/bench.sh
. "$REPO/test/hosts/bench.sh"
# shellcheck source=test/hosts/whole-up.sh
. "$REPO/test/hosts/whole-up.sh"
# shellcheck source=test/hosts/data.sh
. "$REPO/test/hosts/data.sh"
# shellcheck source=test/hosts/boot-unit.sh
. "$REPO/test/hosts/boot-unit.sh"
# The release the registry scenario left running (test-app:good until then).
ROLLED_BACK=test-app:good

log() { printf '[%4ss] %s\n' "$(($(date +%s) - START))" "$*"; }
pass() { PASSED=$((PASSED + 1)); echo "PASS: $*"; }
fail() { FAILED=$((FAILED + 1)); echo "FAIL: $*"; }
# check "description" command...: one assertion
check() {
  local what=$1
  shift
  if "$@"; then pass "$what"; else fail "$what"; fi
}
summary() { echo "$PASSED passed, $FAILED failed"; }
# A setup step that cannot go on: counts as a failure, ends the run (teardown runs from the trap).
abort() {
  fail "$*"
  summary
  exit 1
}

# ---------------------------------------------------------------------------------------------
# Teardown: only what this run started, by PID / by the names it created.
teardown() {
  local rc=$?
  set +e
  trap - EXIT INT TERM
  log "teardown"
  if [ -n "$RUN" ] && [ -d "$RUN/cp" ]; then
    for sock in "$RUN"/cp/*; do
      [ -S "$sock" ] && ssh -o ControlPath="$sock" -O exit dummy >/dev/null 2>&1
    done
  fi
  local name pid child deadline
  # SIGTERM makes systemd-nspawn shut its booted host down in an orderly way (the hosts have
  # short stop timeouts); whatever still runs after 20s is killed: SIGKILL to the host's init
  # ends every process of its PID namespace, and then systemd-nspawn exits.
  for name in "${HOSTS[@]}"; do
    pid=${NSPAWN_PID[$name]:-}
    [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null
  done
  deadline=$(($(date +%s) + 20))
  for name in "${HOSTS[@]}"; do
    pid=${NSPAWN_PID[$name]:-}
    [ -n "$pid" ] || continue
    while kill -0 "$pid" 2>/dev/null && [ "$(date +%s)" -lt "$deadline" ]; do sleep 0.5; done
    if kill -0 "$pid" 2>/dev/null; then
      log "$name: not down after 20s; killing its init and systemd-nspawn ($pid)"
      child=$(cat "$RUN/$name.init-pid" 2>/dev/null)
      [ -n "$child" ] && kill -KILL "$child" 2>/dev/null
      sleep 1
      kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
    fi
    wait "$pid" 2>/dev/null
  done
  stop_registry
  stop_metadata
  data_detach_disk
  if [ -n "$ACNG_PID" ]; then
    kill -TERM "$ACNG_PID" 2>/dev/null
    wait "$ACNG_PID" 2>/dev/null
  fi
  local i=0
  for name in "${HOSTS[@]}"; do
    i=$((i + 1))
    ip netns del "dht-$name" 2>/dev/null
    # A host killed while booting can leave its veth behind for a while.
    ip link del "dht-h$i" 2>/dev/null
  done
  ip link del "$BRIDGE" 2>/dev/null
  if [ -n "$RUN" ] && [ -d "$RUN" ]; then
    # Nothing should be mounted under the run dir once the containers are gone; make sure.
    grep -F " $RUN/" /proc/mounts | cut -d' ' -f2 | sort -r | while read -r m; do umount -l "$m"; done
    if [ "${DHT_KEEP:-0}" = 1 ]; then
      log "kept $RUN"
    else
      rm -rf --one-file-system "$RUN"
    fi
  fi
  : >"$LEDGER"
  log "done (exit $rc)"
  exit "$rc"
}

# ---------------------------------------------------------------------------------------------
preflight() {
  [ "$(uname -s)" = Linux ] || abort "the host test needs Linux"
  [ "$(id -u)" = 0 ] || abort "the host test needs root (network namespaces, systemd-nspawn)"
  case "$SUITE" in trixie | bookworm) ;; *) abort "DHT_SUITE must be trixie or bookworm (got '$SUITE')" ;; esac
  [ "${#HOSTS[@]}" -gt 0 ] || abort "DHT_HOSTS must be a number from 2 to 8 (got '$HOST_COUNT')"
  case "$SCENARIO" in full | short | bench | whole-up | data | boot-unit | zdt) ;; *) abort "DHT_SCENARIO must be full, short, bench, whole-up, data, boot-unit or zdt (got '$SCENARIO')" ;; esac
  local missing=() c
  for c in debootstrap systemd-nspawn ip ansible-playbook apt-cacher-ng docker-registry ssh ssh-keygen curl flock sha256sum losetup; do
    command -v "$c" >/dev/null 2>&1 || [ -x "/usr/sbin/$c" ] || missing+=("$c")
  done
  [ "${#missing[@]}" -eq 0 ] || abort "missing commands: ${missing[*]} (run: bash .ci/hosts-deps.sh)"
  if ip -4 -o addr show | grep -q " $NET\." || ip -4 route show | grep -q "^$NET\."; then
    abort "$NET.0/24 is already in use on this machine (set DHT_NET to a free 10.x.y prefix)"
  fi
  if ip link show "$BRIDGE" >/dev/null 2>&1; then
    abort "interface $BRIDGE exists (left by an earlier run?): ip link del $BRIDGE"
  fi
  local name
  for name in "${HOSTS[@]}"; do
    if ip netns list | grep -qw "dht-$name"; then
      abort "network namespace dht-$name exists (left by an earlier run?): ip netns del dht-$name"
    fi
  done
}

setup_network() {
  ip link add "$BRIDGE" type bridge
  ip addr add "$GW/24" dev "$BRIDGE"
  ip link set "$BRIDGE" up
  local i=0 name
  for name in "${HOSTS[@]}"; do
    i=$((i + 1))
    HOST_IP[$name]="$NET.$((10 + i))"
    host_network "$name" "$i"
  done
}

# host_network <name> <i>: host <name>'s own network namespace, its eth0 (HOST_IP) a veth into the bridge.
host_network() {
  local i=$2 ns="dht-$1" ip=${HOST_IP[$1]}
  ip netns add "$ns"
  ip link add "dht-h$i" type veth peer name eth0 netns "$ns"
  ip link set "dht-h$i" master "$BRIDGE" up
  ip -n "$ns" link set lo up
  ip -n "$ns" addr add "$ip/24" dev eth0
  ip -n "$ns" link set eth0 up
  # No default route: the hosts reach this machine's bridge address and nothing else.
  # dockerd needs forwarding on (it cannot write /proc/sys inside nspawn); this is the host's
  # own namespace, so it changes nothing outside it.
  ip netns exec "$ns" sysctl -qw net.ipv4.ip_forward=1
}

start_apt_cache() {
  mkdir -p "$CACHE/acng" "$RUN/acng/conf" "$RUN/acng/log"
  cat >"$RUN/acng/conf/acng.conf" <<EOF
CacheDir: $CACHE/acng
LogDir: $RUN/acng/log
SupportDir: /usr/lib/apt-cacher-ng
Port: $ACNG_PORT
BindAddress: $GW
ExThreshold: 4
EOF
  /usr/sbin/apt-cacher-ng -c "$RUN/acng/conf" ForeGround=1 PidFile="$RUN/acng/pid" \
    SocketPath="$RUN/acng/socket" >"$RUN/acng/out.log" 2>&1 </dev/null &
  ACNG_PID=$!
  remember_pid "$ACNG_PID"
  for _ in $(seq 1 50); do
    if (exec 3<>"/dev/tcp/$GW/$ACNG_PORT") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  cat "$RUN/acng/out.log"
  abort "apt-cacher-ng did not listen on $GW:$ACNG_PORT"
}

build_rootfs() {
  if [ -f "$ROOTFS/.complete" ]; then
    log "rootfs: cached $ROOTFS"
    return 0
  fi
  log "rootfs: debootstrap $SUITE into $ROOTFS (through apt-cacher-ng)"
  local tmp="$ROOTFS.tmp"
  rm -rf --one-file-system "$tmp"
  if ! http_proxy="http://$GW:$ACNG_PORT" debootstrap --variant=minbase --include="$ROOTFS_PACKAGES" \
    "$SUITE" "$tmp" "$MIRROR" >"$RUN/debootstrap.log" 2>&1; then
    tail -n 30 "$RUN/debootstrap.log"
    abort "debootstrap failed (log above)"
  fi
  rm -f "$tmp"/var/cache/apt/archives/*.deb
  rm -f "$tmp"/etc/ssh/ssh_host_*
  : >"$tmp/etc/machine-id"
  touch "$tmp/.complete"
  mv "$tmp" "$ROOTFS"
}

# Prepares host $1's root from the cached rootfs: deploy user with the run's key and
# passwordless sudo, apt through the cache, its own ssh host keys.
prepare_host() {
  local name=$1 root="$RUN/$1/root"
  mkdir -p "$RUN/$name/docker"
  cp -a --reflink=auto "$ROOTFS" "$root"
  rm -f "$root/.complete"
  echo "$name" >"$root/etc/hostname"
  printf '127.0.0.1 localhost\n127.0.1.1 %s\n' "$name" >"$root/etc/hosts"
  ssh-keygen -q -A -f "$root" >/dev/null 2>&1
  chroot "$root" useradd --create-home --shell /bin/bash "$DEPLOY_USER"
  install -d -m 700 "$root/home/$DEPLOY_USER/.ssh"
  install -m 600 "$RUN/id_ed25519.pub" "$root/home/$DEPLOY_USER/.ssh/authorized_keys"
  chroot "$root" chown -R "$DEPLOY_USER:$DEPLOY_USER" "/home/$DEPLOY_USER/.ssh"
  echo "$DEPLOY_USER ALL=(ALL) NOPASSWD:ALL" >"$root/etc/sudoers.d/$DEPLOY_USER"
  chmod 440 "$root/etc/sudoers.d/$DEPLOY_USER"
  echo "Acquire::http::Proxy \"http://$GW:$ACNG_PORT\";" >"$root/etc/apt/apt.conf.d/01proxy"
  # The archives a GCE Debian image lists: the release, its updates and its security archive
  # (what unattended-upgrades draws from), all through the cache.
  printf 'deb %s %s main\ndeb %s %s-updates main\ndeb %s-security %s-security main\n' \
    "$MIRROR" "$SUITE" "$MIRROR" "$SUITE" "$MIRROR" "$SUITE" >"$root/etc/apt/sources.list"
  # $NSS_USER: served by a test NSS module, not in /etc/passwd (like an OS Login user).
  if [ -f "$RUN/libnss_testusers.so.2" ]; then
    local libdir
    libdir=$(dirname "$(find "$root/usr/lib" -name libnss_files.so.2 | head -n1)")
    install -m 644 "$RUN/libnss_testusers.so.2" "$libdir/"
    echo "$NSS_USER:x:5000:5000:NSS-only test user:/home/$NSS_USER:/bin/bash" >"$root/etc/nss-testusers.passwd"
    sed -i -E 's/^passwd:.*/passwd:         files testusers/' "$root/etc/nsswitch.conf"
  fi
  # No logind sessions for logins: on this machine's hybrid cgroups, trixie's per-user systemd
  # manager, once stopped after a host's last session, hangs the next login's session scope
  # (sudo then times out). Test-host plumbing only.
  sed -i '/pam_systemd\.so/d' "$root/etc/pam.d/common-session"
  # Throwaway hosts: short stop timeouts, so that the teardown's orderly shutdown is quick.
  mkdir -p "$root/etc/systemd/system.conf.d"
  printf '[Manager]\nDefaultTimeoutStopSec=5s\n' >"$root/etc/systemd/system.conf.d/10-test-host.conf"
  # No background apt runs racing the playbook for the dpkg lock.
  local unit
  for unit in apt-daily.timer apt-daily-upgrade.timer dpkg-db-backup.timer e2scrub_all.timer \
    console-getty.service; do
    ln -sf /dev/null "$root/etc/systemd/system/$unit"
  done
  # nspawn mounts the cgroup v1 controllers read-only; nested Docker (runc) needs them
  # writable. Test-host plumbing only: real hosts (GCE VMs) need nothing like it.
  cat >"$root/usr/local/sbin/cgroup-rw" <<'EOF'
#!/bin/bash
set -u
mount -o remount,rw /sys/fs/cgroup
grep ' /sys/fs/cgroup/' /proc/self/mountinfo | while read -r line; do
  pre=${line%% - *}
  post=${line#* - }
  read -r _ _ _ _ mp opts _ <<<"$pre"
  read -r fstype _ super <<<"$post"
  [ "$fstype" = cgroup ] || continue
  case ",$opts," in *,ro,*) ;; *) continue ;; esac
  mount -o remount,rw "$mp" 2>/dev/null ||
    { umount "$mp" && mount -t cgroup -o "rw,nosuid,nodev,noexec,${super#rw,}" cgroup "$mp"; }
done
EOF
  chmod 755 "$root/usr/local/sbin/cgroup-rw"
  # nspawn keeps /proc/sys read-only, so Docker >= 26 (trixie) cannot disable IPv6 on a container's
  # interface; Docker's own switch lets it go on. Test-host plumbing too.
  mkdir -p "$root/etc/systemd/system/docker.service.d"
  printf '[Service]\nEnvironment=DOCKER_ALLOW_IPV6_ON_IPV4_INTERFACE=1\n' \
    >"$root/etc/systemd/system/docker.service.d/10-test-host.conf"
  cat >"$root/etc/systemd/system/cgroup-rw.service" <<'EOF'
[Unit]
Description=Make the cgroup controllers writable (nested Docker in systemd-nspawn)
DefaultDependencies=no
After=local-fs.target
Before=containerd.service docker.service sysinit.target

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/usr/local/sbin/cgroup-rw

[Install]
WantedBy=sysinit.target
EOF
  mkdir -p "$root/etc/systemd/system/sysinit.target.wants"
  ln -sf /etc/systemd/system/cgroup-rw.service "$root/etc/systemd/system/sysinit.target.wants/cgroup-rw.service"
}

boot_host() {
  local name=$1
  # --register=no --keep-unit: no systemd/machined needed on this machine.
  # --capability=all --system-call-filter=@keyring: what nested Docker/runc needs.
  systemd-nspawn --quiet --boot --register=no --keep-unit \
    --machine="$name" --directory="$RUN/$name/root" \
    --network-namespace-path="/run/netns/dht-$name" \
    --capability=all --system-call-filter=@keyring \
    --bind="$RUN/$name/docker:/var/lib/docker" \
    ${DATA_BIND[$name]:+"--bind=${DATA_BIND[$name]}"} \
    --console=read-only >"$RUN/$name/console.log" 2>&1 </dev/null &
  NSPAWN_PID[$name]=$!
  remember_pid "${NSPAWN_PID[$name]}"
}

# stop_host <name>: an orderly shutdown (SIGTERM to systemd-nspawn), at most 30 s.
stop_host() {
  local name=$1 pid=${NSPAWN_PID[$1]}
  kill -TERM "$pid"
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  if kill -0 "$pid" 2>/dev/null; then abort "$name: not down 30s after SIGTERM"; fi
  wait "$pid" 2>/dev/null || true
}

# start_host <name>: boots a stopped host again on the same root filesystem; returns once it answers SSH.
start_host() {
  close_masters
  rm -f "$RUN/$1.init-pid"
  boot_host "$1"
  wait_ssh "$1"
}

SSH_OPTS=()
ssh_host() {
  local name=$1
  shift
  ssh "${SSH_OPTS[@]}" "$DEPLOY_USER@${HOST_IP[$name]}" "$@"
}

wait_ssh() {
  local name=$1 child
  for _ in $(seq 1 120); do
    if ! kill -0 "${NSPAWN_PID[$name]}" 2>/dev/null; then
      tail -n 20 "$RUN/$name/console.log"
      abort "$name: systemd-nspawn exited while booting (console log above)"
    fi
    child=$(ps -o pid= --ppid "${NSPAWN_PID[$name]}" | head -n1 | tr -d ' ' || true)
    if [ -n "$child" ] && [ ! -s "$RUN/$name.init-pid" ]; then
      echo "$child" >"$RUN/$name.init-pid"
      remember_pid "$child"
    fi
    if ssh_host "$name" -o ConnectTimeout=2 true 2>/dev/null; then return 0; fi
    sleep 0.5
  done
  tail -n 20 "$RUN/$name/console.log"
  abort "$name: no SSH on ${HOST_IP[$name]} after 60s"
}

# docker-archive (`docker save`) tarball of a one-layer image: busybox + its httpd on $APP_PORT.
# build_image <tag> <archive> <Cmd JSON array> [folder of more files for the image's root]
build_image() {
  local tag=$1 out=$2 cmd=$3 dir
  dir=$(mktemp -d "$RUN/image.XXXX")
  mkdir -p "$dir/rootfs/bin" "$dir/rootfs/www" "$dir/rootfs/tmp" "$dir/archive"
  cp "$ROOTFS/bin/busybox" "$dir/rootfs/bin/busybox"
  echo "docker-hosts test app ($tag)" >"$dir/rootfs/www/index.html"
  if [ -n "${4:-}" ]; then cp -a "$4/." "$dir/rootfs/"; fi
  tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$dir/rootfs" -cf "$dir/archive/layer.tar" .
  local diff_id
  diff_id=$(sha256sum "$dir/archive/layer.tar" | cut -d' ' -f1)
  cat >"$dir/archive/config.json" <<EOF
{"architecture":"amd64","os":"linux","created":"1970-01-01T00:00:00Z",
 "config":{"Cmd":$cmd,"ExposedPorts":{"$APP_PORT/tcp":{}},"WorkingDir":"/"},
 "rootfs":{"type":"layers","diff_ids":["sha256:$diff_id"]},
 "history":[{"created":"1970-01-01T00:00:00Z","created_by":"test/hosts/run.sh"}]}
EOF
  printf '[{"Config":"config.json","RepoTags":["%s"],"Layers":["layer.tar"]}]\n' "$tag" >"$dir/archive/manifest.json"
  tar -C "$dir/archive" -cf "$out" manifest.json config.json layer.tar
}

write_outputs() {
  local name first=1 urls=""
  {
    printf '{\n  "stage": {\n    "hosts": {\n'
    for name in "${HOSTS[@]}" "${HOSTS_EXTRA[@]}"; do
      [ $first = 1 ] || printf ',\n'
      first=0
      printf '      "%s": {"name": "%s", "zone": "europe-west1-b", "external_ip": "%s", "internal_ip": "%s", "instance_id": "%s", "app_url": "http://%s:%s", "ssh": "%s@%s", "docker_host": "ssh://%s@%s"}' \
        "$name" "$name" "${HOST_IP[$name]}" "${HOST_IP[$name]}" "${INSTANCE_ID[$name]}" "${HOST_IP[$name]}" "$APP_PORT" \
        "$DEPLOY_USER" "${HOST_IP[$name]}" "$DEPLOY_USER" "${HOST_IP[$name]}"
      urls="$urls${urls:+, }\"http://${HOST_IP[$name]}:$APP_PORT\""
    done
    printf '\n    },\n    "app_urls": [%s],\n' "$urls"
    printf '    "ssh_user": "%s",\n    "app_port": %s,\n    "environment": "stage"\n  }\n}\n' "$DEPLOY_USER" "$APP_PORT"
  } >"$RUN/outputs.json"
}

# playbook <log> <args...>: runs site.yml (or PLAYBOOK); returns its exit code.
playbook() {
  local logf=$1
  shift
  local rc=0
  timeout 600 ansible-playbook -i "$RUN/inventory.yml" --private-key "$RUN/id_ed25519" \
    "$REPO/ansible/playbooks/${PLAYBOOK:-site.yml}" "$@" >"$logf" 2>&1 || rc=$?
  return $rc
}

# recap_field <log> <host> <field>: the number in the PLAY RECAP line, or "missing".
recap_field() {
  local line
  line=$(sed -n '/^PLAY RECAP/,$p' "$1" | grep -E "^$2 +:" | tail -n1)
  if [ -z "$line" ]; then
    echo missing
  else
    sed -E "s/.* $3=([0-9]+).*/\1/" <<<"$line"
  fi
}

# The inventory from the fake outputs, through driver/inventory/inventory-cli.ts as the driver makes it.
make_inventory() {
  write_outputs
  (cd "$REPO" && node scripts/run-app.cjs driver/inventory/inventory-cli.ts --outputs "$RUN/outputs.json" --stack stage \
    --out "$RUN/inventory.yml") 2>"$RUN/inventory.err"
}

# Ends Ansible's persistent SSH connections, so the next run makes new ones (and checks host keys).
close_masters() {
  local sock
  for sock in "$RUN"/cp/*; do
    [ -S "$sock" ] && ssh -o ControlPath="$sock" -O exit dummy >/dev/null 2>&1
  done
  return 0
}

# known_host <alias-or-ip>: whether the run's known_hosts holds a key for it (hashed or not).
known_host() {
  ssh-keygen -F "$1" -f "$RUN/known_hosts" >/dev/null 2>&1
}

http_code() {
  curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://$1:$APP_PORT/" || true
}

# ---------------------------------------------------------------------------------------------
# A run killed with SIGKILL (no teardown) leaves its bridge, veths and namespaces behind. Under the cache lock no
# other host test runs, so what carries this test's names is such a leftover: remove it, say so.
# Every long-running process this run starts is written to $LEDGER (PID and start time), so
# that a run killed with SIGKILL (no teardown) has its processes ended by the next run: by PID,
# and only when the start time still matches, so that a recycled PID is never touched.
LEDGER="$CACHE/processes"
proc_start() { awk '{print $22}' "/proc/$1/stat" 2>/dev/null; }
remember_pid() { printf '%s %s\n' "$1" "$(proc_start "$1")" >>"$LEDGER"; }

clear_leftovers() {
  local ns dev pid start
  if [ -s "$LEDGER" ]; then
    while read -r pid start; do
      if [ -n "$start" ] && [ "$(proc_start "$pid")" = "$start" ]; then
        log "ending process $pid ($(tr '\0' ' ' <"/proc/$pid/cmdline" | cut -c1-60)) left by an earlier run"
        kill -KILL "$pid" 2>/dev/null || true
      fi
    done <"$LEDGER"
  fi
  : >"$LEDGER"
  # data.sh's data disk: a loop device on a file in a run folder.
  for dev in $(losetup -n -O NAME,BACK-FILE 2>/dev/null | awk '$2 ~ "^/var/tmp/docker-hosts-test[.].*/data-disk[.]img" {print $1}'); do
    log "detaching loop device $dev left by an earlier run"
    losetup -d "$dev" || true
  done
  for ns in $(ip netns list | awk '{print $1}' | grep '^dht-' || true); do
    log "removing network namespace $ns left by an earlier run"
    ip netns del "$ns" 2>/dev/null || true
  done
  # Deleting a namespace takes its veth peers with it, asynchronously: list the interfaces
  # afterwards, and take each only if it is still there.
  sleep 0.2
  for dev in $(ip -o link show | awk -F': ' '{print $2}' | cut -d@ -f1 | grep -E "^(dht-h[0-9]+|$BRIDGE)$" || true); do
    ip link show "$dev" >/dev/null 2>&1 || continue
    log "removing interface $dev left by an earlier run"
    if ! ip link del "$dev" 2>/dev/null && ip link show "$dev" >/dev/null 2>&1; then
      abort "cannot remove interface $dev left by an earlier run"
    fi
  done
  return 0
}

main() {
  mkdir -p "$CACHE"
  exec 9>"$CACHE/lock"
  # DHT_LOCK_WAIT=seconds queues behind another run (several worktrees on one machine); CI does not wait.
  flock -w "${DHT_LOCK_WAIT:-0}" 9 || abort "another host test holds $CACHE/lock (DHT_LOCK_WAIT=seconds to queue)"
  clear_leftovers
  preflight
  RUN=$(mktemp -d /var/tmp/docker-hosts-test.XXXXXX)
  trap teardown EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  log "run dir $RUN, network $NET.0/24, Debian $SUITE, $SCENARIO scenario"

  ssh-keygen -q -t ed25519 -N '' -C "docker-hosts-test-$$" -f "$RUN/id_ed25519"
  mkdir -p "$RUN/cp"
  SSH_OPTS=(-i "$RUN/id_ed25519" -o BatchMode=yes -o StrictHostKeyChecking=no
    -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -o ConnectTimeout=10)
  # The NSS module for the OS Login-like user (optional: needs a C compiler here).
  if command -v cc >/dev/null 2>&1; then
    cc -shared -fPIC -O2 -o "$RUN/libnss_testusers.so.2" "$REPO/test/hosts/nss_testusers.c" 2>"$RUN/nss.err" ||
      abort "building test/hosts/nss_testusers.c: $(cat "$RUN/nss.err")"
  else
    log "no C compiler: the NSS-only (OS Login-like) user checks are skipped"
  fi

  setup_network
  start_apt_cache
  [ "$SCENARIO" = whole-up ] || start_registry
  build_rootfs
  local name
  if [ "$SCENARIO" = data ] || [ "$SCENARIO" = full ]; then data_attach_disk; fi
  for name in "${HOSTS[@]}"; do
    prepare_host "$name"
    boot_host "$name"
  done
  for name in "${HOSTS[@]}"; do wait_ssh "$name"; done
  log "hosts up: $(for n in "${HOSTS[@]}"; do printf '%s=%s ' "$n" "${HOST_IP[$n]}"; done)"

  build_image test-app:good "$RUN/app-good.tar" "[\"/bin/busybox\",\"httpd\",\"-f\",\"-p\",\"$APP_PORT\",\"-h\",\"/www\"]"
  if [ "$SCENARIO" = whole-up ]; then
    whole_up_scenario
    log "finished in $(($(date +%s) - START))s"
    summary
    [ "$FAILED" -eq 0 ]
    return
  fi
  # The broken build: its server exits at once (the container restarts forever).
  build_image test-app:broken "$RUN/app-broken.tar" '["/bin/busybox","sh","-c","echo broken build; exit 3"]'

  # Inventory from a fake outputs file in the stacks' contract shape.
  if make_inventory; then
    pass "inventory generated from the stack outputs"
  else
    abort "inventory generation: $(cat "$RUN/inventory.err")"
  fi

  # Host keys as the driver handles them: trusted on first use, kept in a known_hosts file,
  # a changed key refused.
  export ANSIBLE_CONFIG="$REPO/ansible/ansible.cfg" \
    ANSIBLE_SSH_EXTRA_ARGS="-o StrictHostKeyChecking=accept-new -o UserKnownHostsFile=$RUN/known_hosts" \
    ANSIBLE_SSH_CONTROL_PATH_DIR="$RUN/cp" ANSIBLE_FORCE_COLOR=0 ANSIBLE_NOCOLOR=1
  GOOD_VARS=(-e app_image=test-app:good -e "app_image_archive=$RUN/app-good.tar")

  # The managed fleet's boot unit alone: no deploy by Ansible.
  if [ "$SCENARIO" = boot-unit ]; then
    boot_unit_scenario
    log "finished in $(($(date +%s) - START))s"
    summary
    [ "$FAILED" -eq 0 ]
    return
  fi

  # 1. First deploy.
  log "site.yml: first run"
  if playbook "$RUN/site-1.log" "${GOOD_VARS[@]}"; then
    pass "site.yml first run succeeded"
  else
    tail -n 40 "$RUN/site-1.log"
    abort "site.yml first run failed (log above)"
  fi

  for name in "${HOSTS[@]}"; do
    check "$name: docker is active and enabled" \
      ssh_host "$name" 'test "$(systemctl is-active docker)" = active && test "$(systemctl is-enabled docker)" = enabled'
    check "$name: daemon.json has the log rotation" \
      ssh_host "$name" 'grep -q "\"max-size\": \"10m\"" /etc/docker/daemon.json'
    check "$name: $DEPLOY_USER runs docker without sudo" \
      ssh_host "$name" 'id -nG | grep -qw docker && docker ps --format "{{.Names}}" | grep -qx '"$APP_NAME"
    check "$name: app container runs test-app:good with a restart policy and Docker's init as PID 1" \
      ssh_host "$name" "test \"\$(docker inspect -f '{{.State.Running}} {{.Config.Image}} {{.HostConfig.RestartPolicy.Name}} {{.HostConfig.Init}}' $APP_NAME)\" = 'true test-app:good unless-stopped true'"
    zdt_check_layout "$name"
    local body
    body=$(curl -s --max-time 5 "http://${HOST_IP[$name]}:$APP_PORT/" || true)
    check "$name: app answers HTTP 200 on ${HOST_IP[$name]}:$APP_PORT from this machine" \
      test "$(http_code "${HOST_IP[$name]}")" = 200
    check "$name: app serves the good build" test "$body" = "docker-hosts test app (test-app:good)"
    check "$name: host key recorded under HostKeyAlias $name-${INSTANCE_ID[$name]}, not under its IP" \
      eval 'known_host "$name-${INSTANCE_ID[$name]}" && ! known_host "${HOST_IP[$name]}"'
  done

  if [ "$SCENARIO" = data ]; then
    data_scenario
    log "finished in $(($(date +%s) - START))s"
    summary
    [ "$FAILED" -eq 0 ]
    return
  fi

  # zdt: the rollouts under load only: the registry part (v2 canary, then the other hosts in one batch, and the
  # rollback), then the broken build that the canary stops.
  if [ "$SCENARIO" = zdt ]; then
    registry_scenario
    zdt_broken_deploy
    log "load during rollouts: $ZDT_TOTAL_REQUESTS requests, $ZDT_TOTAL_FAILURES failed"
    log "finished in $(($(date +%s) - START))s"
    summary
    [ "$FAILED" -eq 0 ]
    return
  fi

  if [ "$SCENARIO" = bench ]; then
    bench_scenario
    log "finished in $(($(date +%s) - START))s"
    summary
    [ "$FAILED" -eq 0 ]
    return
  fi

  # 2. Idempotence.
  log "site.yml: second run"
  if playbook "$RUN/site-2.log" "${GOOD_VARS[@]}"; then
    pass "site.yml second run succeeded"
  else
    tail -n 40 "$RUN/site-2.log"
    fail "site.yml second run failed (log above)"
  fi
  for name in "${HOSTS[@]}"; do
    local changed
    changed=$(recap_field "$RUN/site-2.log" "$name" changed)
    check "$name: second run reports changed=0 (got changed=$changed)" test "$changed" = 0
  done

  if [ "$SCENARIO" = full ]; then
    # The play Packer runs (docker_host only) works through the same inventory and changes nothing.
    log "image.yml (what Packer runs)"
    if PLAYBOOK=image.yml playbook "$RUN/image.log"; then
      local image_changed=""
      for name in "${HOSTS[@]}"; do image_changed+="$(recap_field "$RUN/image.log" "$name" changed)/"; done
      check "image.yml runs on the configured hosts with changed=0 (got ${image_changed%/})" \
        test "$image_changed" = "$(printf '0/%.0s' "${HOSTS[@]}")"
    else
      tail -n 40 "$RUN/image.log"
      fail "image.yml failed (log above)"
    fi

    # A replaced host: same IP, new host key. Under the same instance id the key is refused (host
    # key checking is on); with the new instance's id it is a new known_hosts entry, accepted.
    local replaced=${HOSTS[0]}
    log "host key: $replaced replaced (new host key)"
    ssh_host "$replaced" 'sudo sh -c "rm -f /etc/ssh/ssh_host_* && ssh-keygen -q -A >/dev/null && systemctl restart ssh"'
    close_masters
    if PLAYBOOK=image.yml playbook "$RUN/hostkey-same-id.log" --limit "$replaced"; then
      fail "a changed host key under the same instance id was accepted"
    elif grep -q "REMOTE HOST IDENTIFICATION HAS CHANGED\|Host key verification failed" "$RUN/hostkey-same-id.log"; then
      pass "a changed host key under the same instance id is refused (Host key verification failed)"
    else
      tail -n 20 "$RUN/hostkey-same-id.log"
      fail "image.yml failed on $replaced, but not on its host key (log above)"
    fi
    INSTANCE_ID[$replaced]=4000000000000000100
    make_inventory || abort "inventory generation: $(cat "$RUN/inventory.err")"
    if PLAYBOOK=image.yml playbook "$RUN/hostkey-new-id.log" --limit "$replaced" &&
      known_host "$replaced-${INSTANCE_ID[$replaced]}"; then
      pass "$replaced replaced (new instance id, same IP): its new host key is accepted on first use"
    else
      tail -n 20 "$RUN/hostkey-new-id.log"
      fail "$replaced replaced (new instance id, same IP): image.yml failed (log above)"
    fi

    # An OS Login-like deploy user (only in NSS, not /etc/passwd): the docker_host role adds it to
    # the docker group without creating a local user, idempotently.
    if [ -f "$RUN/libnss_testusers.so.2" ]; then
      log "image.yml with the NSS-only deploy user $NSS_USER"
      if PLAYBOOK=image.yml playbook "$RUN/nss-1.log" -e "deploy_user=$NSS_USER"; then
        pass "image.yml with the NSS-only (OS Login-like) deploy user $NSS_USER succeeded"
      else
        tail -n 40 "$RUN/nss-1.log"
        fail "image.yml with the NSS-only deploy user $NSS_USER failed (log above)"
      fi
      for name in "${HOSTS[@]}"; do
        check "$name: $NSS_USER (NSS only, still not in /etc/passwd) is in docker and runs docker without sudo" \
          ssh_host "$name" "getent passwd $NSS_USER >/dev/null && ! grep -q '^$NSS_USER:' /etc/passwd &&
            getent group docker | cut -d: -f4 | tr , '\n' | grep -qx $NSS_USER &&
            sudo -u $NSS_USER docker ps --format '{{.Names}}' | grep -qx $APP_NAME"
      done
      if PLAYBOOK=image.yml playbook "$RUN/nss-2.log" -e "deploy_user=$NSS_USER"; then
        local nss_changed=""
        for name in "${HOSTS[@]}"; do nss_changed+="$(recap_field "$RUN/nss-2.log" "$name" changed)/"; done
        check "image.yml with $NSS_USER again: changed=0 (got ${nss_changed%/})" \
          test "$nss_changed" = "$(printf '0/%.0s' "${HOSTS[@]}")"
      else
        tail -n 40 "$RUN/nss-2.log"
        fail "image.yml with $NSS_USER, second run, failed (log above)"
      fi
    fi
  fi

  # 3. Day 2: automatic updates, a dockerd restart, a reboot, drift, the fleet status.
  day2_updates
  day2_dockerd_restart
  day2_reboot
  if [ "$SCENARIO" = full ]; then day2_drift; fi
  day2_status
  if [ "$SCENARIO" = full ]; then day2_status_unreachable; fi

  # 4. The registry: push from host 1 over SSH, deploy by digest (each host pulls), roll back.
  registry_scenario
  ship_scenario

  if [ "$SCENARIO" = full ]; then zdt_migration; fi

  # 5. A broken build: the first host fails its health check, the rollout stops there.
  if [ "$SCENARIO" = full ]; then zdt_broken_deploy; fi

  if [ "$SCENARIO" = full ]; then data_scenario; fi
  # 6. The managed fleet's boot unit, on the last host (it leaves that host serving another port).
  if [ "$SCENARIO" = full ]; then boot_unit_scenario; fi

  log "load during rollouts: $ZDT_TOTAL_REQUESTS requests, $ZDT_TOTAL_FAILURES failed"
  log "finished in $(($(date +%s) - START))s"
  summary
  [ "$FAILED" -eq 0 ]
}

main "$@"; exit $?  # on one line: bash reads a script as it runs, and an edit mid-run must not run more of it
