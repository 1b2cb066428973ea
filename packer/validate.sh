#!/usr/bin/env bash
# CI check of the Packer template with Debian's packer 1.6.6 (googlecompute and ansible built
# in, no network needed): `packer fmt -check`, then `packer validate` of the template without
# plugins.pkr.hcl (1.6.6 rejects required_plugins blocks), with sample variables, plus checks
# that the variable validations reject bad values.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(dirname "$HERE")
command -v packer >/dev/null || { echo "packer not found (run: bash .ci/hosts-deps.sh)" >&2; exit 1; }
echo "packer: $(packer version | head -n1)"

packer fmt -check -diff "$HERE"
echo "PASS: packer fmt -check"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/packer"
for f in "$HERE"/*.pkr.hcl; do
  [ "$(basename "$f")" = plugins.pkr.hcl ] || cp "$f" "$tmp/packer/"
done
# The template finds the playbook at ${path.root}/../ansible.
ln -s "$REPO/ansible" "$tmp/ansible"
cd "$tmp/packer"

packer validate -syntax-only .
packer validate -var project_id=example-project -var zone=europe-west1-b .
echo "PASS: packer validate (sample variables)"
# The network options (subnetwork and tags are not in the driver's var file: their defaults must do without them).
packer validate -var project_id=example-project -var zone=europe-west1-b -var network=builds \
  -var subnetwork=builds-europe-west1 -var use_iap=true -var 'tags=["packer-build","extra"]' .
echo "PASS: packer validate with network, subnetwork, use_iap, tags"
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
if out=$(packer validate -var zone=europe-west1-b . 2>&1); then
  echo "FAIL: validate passed without project_id" >&2
  exit 1
fi
echo "PASS: project_id is required"
