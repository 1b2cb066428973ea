#!/usr/bin/env bash
# Lints ansible/ with Debian's yamllint and ansible-lint (offline), checks the gcp_compute inventories'
# Jinja offline (inventory/check-gcp.sh), then syntax-checks the playbooks.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
yamllint -s -c .yamllint .
echo "PASS: yamllint"
ansible-lint --nocolor
echo "PASS: ansible-lint"
bash inventory/check-gcp.sh
printf 'all:\n  children:\n    docker_hosts:\n      hosts:\n        example:\n' >"${TMPDIR:-/tmp}/lint-inventory.$$.yml"
trap 'rm -f "${TMPDIR:-/tmp}/lint-inventory.$$.yml"' EXIT
for p in playbooks/site.yml playbooks/image.yml playbooks/status.yml playbooks/rollback.yml playbooks/prune.yml playbooks/accessory.yml; do
  ANSIBLE_CONFIG=ansible.cfg ansible-playbook --syntax-check -i "${TMPDIR:-/tmp}/lint-inventory.$$.yml" "$p" >/dev/null
  echo "PASS: ansible-playbook --syntax-check $p"
done
