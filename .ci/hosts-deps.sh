#!/usr/bin/env bash
# Installs (idempotently) the Debian packages that the Ansible/Packer lint and
# the throwaway-host test (test/hosts/run.sh) need. Debian 12 only; run as root.
set -euo pipefail

PKGS=(
  ansible ansible-lint yamllint   # roles, playbooks, lint
  packer                          # Debian's packer 1.6.6: fmt + offline validate
  debootstrap systemd-container   # the throwaway hosts' rootfs and systemd-nspawn
  iproute2                        # ip netns / veth / bridge
  apt-cacher-ng                   # the hosts' apt proxy (on this machine only)
  openssh-client curl ca-certificates
  gcc libc6-dev                   # the host test builds a tiny NSS module (an OS Login-like user)
)

missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
    missing+=("$p")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "hosts-deps: all ${#PKGS[@]} packages already installed"
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
