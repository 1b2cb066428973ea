#!/usr/bin/env bash
# Installs (idempotently) the Debian packages that the Ansible lint and
# the throwaway-host test (test/hosts/run.sh) need, and a newer community.docker collection (see
# below). Debian 12 only; run as root.
set -euo pipefail

PKGS=(
  ansible ansible-lint yamllint   # roles, playbooks, lint
  debootstrap systemd-container   # the throwaway hosts' rootfs and systemd-nspawn
  iproute2                        # ip netns / veth / bridge
  apt-cacher-ng                   # the hosts' apt proxy (on this machine only)
  docker-registry                 # the host test's registry (CNCF distribution), on this machine only
  openssh-client curl ca-certificates
  gcc libc6-dev                   # the host test builds a tiny NSS module (an OS Login-like user)
  python3-pip                     # pip download: the community.docker collection below
)

# Debian 12's ansible bundles community.docker 3.4.7, whose Docker API client breaks on hosts with
# python3-requests >= 2.32 (Debian 13: "Not supported URL scheme http+docker"; fixed in 3.10.2).
# Install 3.13.3 from the `ansible` 9.13.0 wheel on PyPI into /usr/share/ansible/collections,
# which ansible searches before its bundled collections.
DOCKER_COLLECTION=3.13.3
ANSIBLE_WHEEL=ansible==9.13.0
COLLECTIONS=/usr/share/ansible/collections
install_docker_collection() {
  local manifest="$COLLECTIONS/ansible_collections/community/docker/MANIFEST.json"
  if [ -f "$manifest" ] && grep -q "\"version\": \"$DOCKER_COLLECTION\"" "$manifest"; then
    echo "hosts-deps: community.docker $DOCKER_COLLECTION already installed"
    return 0
  fi
  local tmp
  tmp=$(mktemp -d)
  /usr/bin/python3 -m pip download -q --no-deps --only-binary=:all: "$ANSIBLE_WHEEL" -d "$tmp"
  rm -rf "$COLLECTIONS/ansible_collections/community/docker"
  mkdir -p "$COLLECTIONS"
  /usr/bin/python3 - "$tmp"/ansible-*.whl "$COLLECTIONS" "$DOCKER_COLLECTION" <<'PY'
import json, sys, zipfile
wheel, dest, want = sys.argv[1:]
z = zipfile.ZipFile(wheel)
prefix = "ansible_collections/community/docker/"
got = json.loads(z.read(prefix + "MANIFEST.json"))["collection_info"]["version"]
if got != want:
    sys.exit(f"hosts-deps: {wheel} has community.docker {got}, expected {want}")
z.extractall(dest, [n for n in z.namelist() if n.startswith(prefix)])
PY
  rm -rf "$tmp"
  echo "hosts-deps: installed community.docker $DOCKER_COLLECTION into $COLLECTIONS"
}

missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
    missing+=("$p")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "hosts-deps: all ${#PKGS[@]} packages already installed"
  install_docker_collection
  exit 0
fi

echo "hosts-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# apt-cacher-ng's postinst would try to start its service through systemd or
# init scripts: keep the package from starting anything here (the host test
# starts its own instance and stops it by PID).
policy=/usr/sbin/policy-rc.d
created_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy"
  chmod +x "$policy"
  created_policy=1
fi
cleanup() { if [ "$created_policy" = 1 ]; then rm -f "$policy"; fi; }
trap cleanup EXIT

apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
install_docker_collection
