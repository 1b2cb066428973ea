#!/usr/bin/env bash
# CI check of the Packer template with Packer 1.9.5 and its googlecompute/ansible plugins, installed
# offline by .ci/tools.sh (PACKER_PLUGIN_PATH): `packer init` of the real template (plugins.pkr.hcl
# included: its required_plugins must be met by the installed plugins), `packer fmt -check`, then
# `packer validate` with sample variables and with the var files the driver generates, plus checks
# that the variable validations reject bad values.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(dirname "$HERE")
# shellcheck source=../.ci/tools.sh
source "$REPO/.ci/tools.sh"
install_packer
export PACKER_PLUGIN_PATH=$PACKER_PLUGINS CHECKPOINT_DISABLE=1
packer() { "$PACKER_BIN" "$@"; }
echo "packer: $(packer version | head -n1)"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# packer init must find every required plugin in PACKER_PLUGIN_PATH: nothing to download.
out=$(packer init "$HERE" 2>&1) || { echo "FAIL: packer init:" >&2; echo "$out" >&2; exit 1; }
echo "PASS: packer init (required_plugins met offline)"
packer fmt -check -diff "$HERE"
echo "PASS: packer fmt -check"
cd "$HERE"

packer validate -syntax-only .
packer validate -var project_id=example-project -var zone=europe-west1-b .
echo "PASS: packer validate (sample variables)"
# The network options (subnetwork and tags are not in the driver's var file: their defaults must do without them).
packer validate -var project_id=example-project -var zone=europe-west1-b -var network=builds \
  -var subnetwork=builds-europe-west1 -var use_iap=true -var 'tags=["packer-build","extra"]' .
echo "PASS: packer validate with network, subnetwork, use_iap, tags"
packer validate -var project_id=example-project -var zone=europe-west1-b -var release_unit=true .
echo "PASS: packer validate with release_unit (a managed fleet's image)"
# What the driver really generates from config/environments.ts, for every environment.
for vars in $(cd "$REPO" && \
  node scripts/run-app.cjs scripts/packer-vars.ts "$tmp/vars" 2>"$tmp/vars.err"); do
  packer validate -var-file="$vars" .
  echo "PASS: packer validate -var-file=<driver's $(basename "$vars")>"
done
[ -n "$(ls "$tmp/vars" 2>/dev/null)" ] || {
  echo "FAIL: no Packer variables generated from the config:" >&2
  cat "$tmp/vars.err" >&2
  exit 1
}

# Each of these must be rejected, with the variable's own message.
bad() {
  local expect=$1
  shift
  local out
  if out=$(packer validate -var project_id=example-project -var zone=europe-west1-b "$@" . 2>&1); then
    echo "FAIL: packer validate accepted $*" >&2
    exit 1
  fi
  grep -q "$expect" <<<"$out" || { echo "FAIL: $* rejected without '$expect':" >&2; echo "$out" >&2; exit 1; }
  echo "PASS: rejects $*"
}
bad "The project_id must be" -var project_id=Bad_Project
bad "The zone must be" -var zone=europe
bad "The image_family must be" -var image_family=Docker-Host-
bad "The deploy_user must be" -var "deploy_user=deploy user"
bad "release_unit" -var release_unit=maybe
if out=$(packer validate -var zone=europe-west1-b . 2>&1); then
  echo "FAIL: validate passed without project_id" >&2
  exit 1
fi
echo "PASS: project_id is required"
