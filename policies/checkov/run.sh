#!/usr/bin/env bash
# npm run test:checkov: Checkov (pinned in .ci/tools.sh, installed from PyPI into a venv under the
# tools cache) over the synthesized stacks of config/environments.ts (cdk.tf.json), over their plans made by
# Terraform 1.5.7 with the real google 6.50.0 (terraform show -json, framework terraform_plan), over ansible/ and over
# app/'s Dockerfile (its dockerfile checks; hadolint lints it too, in npm run lint:app).
# Every failing check must be in baseline.json (check id, file, resource, one-line reason); a new
# finding fails, and so does a baseline entry that no longer fails. Checkov has no Packer support.
# Checkov is kept offline: --skip-download, and its HTTP(S) proxy is a closed port on 127.0.0.1.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
# shellcheck source=../../.ci/tools.sh
source "$REPO/.ci/tools.sh"
install_tools checkov terraform google-provider
cd "$REPO"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

checkov() {
  # Exit 1 means "some check failed": the comparison below decides; anything else is an error.
  local rc=0
  HTTPS_PROXY=http://127.0.0.1:1 HTTP_PROXY=http://127.0.0.1:1 "$CHECKOV_BIN" --skip-download --quiet --compact \
    -o json "$@" >"$tmp/out.json" 2>"$tmp/err" || rc=$?
  if [ "$rc" -gt 1 ]; then cat "$tmp/err" >&2; echo "FAIL: checkov $* exited $rc" >&2; exit 1; fi
  cat "$tmp/out.json"
}
compare() { node scripts/run-app.cjs policies/checkov/cli.ts "$@"; }

# The repository's stacks: synth is a pure function of the repository, the same JSON on every machine.
CDKTF_OUTDIR="$tmp/cdktf.out" node scripts/run-app.cjs main.ts 2>/dev/null
checkov -d "$tmp/cdktf.out" --framework terraform_json >"$tmp/terraform.json"
# The same stacks planned by Terraform 1.5.7 with the real provider: the values as Terraform resolved them.
mkdir "$tmp/plans"
node scripts/run-app.cjs policies/checkov/plans.ts "$tmp/plans"
checkov -d "$tmp/plans" --framework terraform_plan >"$tmp/plan.json"
checkov -d ansible --framework ansible >"$tmp/ansible.json"
checkov -d app --framework dockerfile >"$tmp/dockerfile.json"
compare --baseline "$HERE/baseline.json" "$tmp/terraform.json" "$tmp/plan.json" "$tmp/ansible.json" "$tmp/dockerfile.json"
echo "PASS: checkov findings match policies/checkov/baseline.json"

# The comparison can fail: a host without vTPM is a new finding ...
node -e '
  const fs = require("fs"), f = process.argv[1], j = JSON.parse(fs.readFileSync(f, "utf8"));
  for (const r of Object.values(j.resource.google_compute_instance)) r.shielded_instance_config.enable_vtpm = false;
  fs.writeFileSync(f, JSON.stringify(j));' "$tmp/cdktf.out/stacks/stage/cdk.tf.json"
checkov -d "$tmp/cdktf.out" --framework terraform_json >"$tmp/broken.json"
if out=$(compare --baseline "$HERE/baseline.json" "$tmp/broken.json" "$tmp/plan.json" "$tmp/ansible.json" "$tmp/dockerfile.json"); then
  echo "FAIL: a host without vTPM passed the baseline comparison" >&2
  exit 1
fi
grep -q 'NEW FINDING: CKV_GCP_39 terraform_json:/stacks/stage/cdk.tf.json' <<<"$out" || {
  echo "FAIL: vTPM off was not reported as a new CKV_GCP_39 finding:" >&2
  echo "$out" >&2
  exit 1
}
echo "PASS: a host without vTPM is a new finding (CKV_GCP_39)"
# ... and so is a baseline entry that no longer fails.
node -e '
  const fs = require("fs"), b = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
  b.push({ check: "CKV_GCP_39", file: "terraform_json:/stacks/prod/cdk.tf.json", resource: "resource.fleet_docker-host-001", reason: "stale" });
  fs.writeFileSync(process.argv[2], JSON.stringify(b));' "$HERE/baseline.json" "$tmp/stale.json"
if out=$(compare --baseline "$tmp/stale.json" "$tmp/terraform.json" "$tmp/plan.json" "$tmp/ansible.json" "$tmp/dockerfile.json"); then
  echo "FAIL: a stale baseline entry passed the comparison" >&2
  exit 1
fi
grep -q 'STALE BASELINE ENTRY' <<<"$out" || { echo "FAIL: no stale entry reported:" >&2; echo "$out" >&2; exit 1; }
echo "PASS: a baseline entry that no longer fails is reported stale"
