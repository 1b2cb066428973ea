#!/usr/bin/env bash
# Offline check of the gcp_compute inventory template (gcp_compute.yml.template), rendered for a few environments
# by the inventory CLI; run by ansible/lint.sh. The plugin itself needs google-auth, credentials and the network,
# so this feeds the rendered compose, groups and keyed_groups to the `constructed` plugin over fake instances shaped
# like the Compute API's (what gcp_compute hands to compose) and checks the resulting host vars and groups.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for env in stage prod qa-1; do
  f="$tmp/$env.gcp.yml"
  (cd ../.. && node scripts/run-app.cjs driver/inventory/inventory-cli.ts --gcp "$env" --out "$f")
  grep -q "labels.env = $env\$" "$f" || { echo "FAIL: $env.gcp.yml does not filter on env=$env" >&2; exit 1; }
  python3 - "$f" "$env" "$tmp" <<'PY'
import json, sys, yaml
src, env, tmp = sys.argv[1:]
cfg = yaml.safe_load(open(src))
constructed = {"plugin": "constructed", "strict": True}
for key in ("compose", "groups", "keyed_groups"):
    constructed[key] = cfg[key]
yaml.safe_dump(constructed, open(f"{tmp}/{env}.constructed.yml", "w"))
def instance(name, iid, zone, nat):
    nic = {"networkIP": "10.132.0.%d" % (2 + int(iid) % 100), "network": "default"}
    if nat:
        nic["accessConfigs"] = [{"name": "External NAT", "natIP": nat}]
    return {
        "name": name,
        "id": iid,
        # Raw API form; gcp_compute 1.1.x shortens it to the zone name, both must work.
        "zone": zone,
        "selfLink": f"https://www.googleapis.com/compute/v1/projects/my-project/zones/"
        f"{zone.split('/')[-1]}/instances/{name}",
        "labels": {"role": "docker-host", "env": env, "managed-by": "cdktf"},
        "networkInterfaces": [nic],
    }
hosts = {
    "docker-host-001": instance("docker-host-001", "1234567890123456789",
                                "https://www.googleapis.com/compute/v1/projects/my-project/zones/europe-west1-b",
                                "34.1.2.3"),
    "docker-host-002": instance("docker-host-002", "42", "europe-west1-c", None),
}
yaml.safe_dump({"all": {"hosts": hosts}}, open(f"{tmp}/{env}.hosts.yml", "w"))
PY
  ANSIBLE_INVENTORY_ENABLED=yaml,constructed ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED=True \
    ansible-inventory -i "$tmp/$env.hosts.yml" -i "$tmp/$env.constructed.yml" --list >"$tmp/$env.json"
  python3 - "$env" "$tmp/$env.json" <<'PY'
import json, shlex, sys
env, path = sys.argv[1:]
inv = json.load(open(path))
hv = inv["_meta"]["hostvars"]
def expect(what, got, want):
    if got != want:
        sys.exit(f"FAIL: {env}.gcp.yml: {what}: got {got!r}, want {want!r}")
expect("docker_hosts", sorted(inv["docker_hosts"]["hosts"]), ["docker-host-001", "docker-host-002"])
expect(f"env_{env}", sorted(inv[f"env_{env.replace('-', '_')}"]["hosts"]), ["docker-host-001", "docker-host-002"])
for name, iid, zone, host in [
    ("docker-host-001", "1234567890123456789", "europe-west1-b", "34.1.2.3"),
    ("docker-host-002", "42", "europe-west1-c", "10.132.0.44"),
]:
    v = hv[name]
    expect(f"{name} ansible_host", v["ansible_host"], host)
    # What ansible's ssh connection does with it: shlex-split into ssh arguments.
    expect(f"{name} ansible_ssh_common_args", shlex.split(v["ansible_ssh_common_args"]), [
        "-o", f"ProxyCommand=gcloud compute start-iap-tunnel {name} 22 --listen-on-stdin"
        f" --project=my-project --zone={zone}",
        "-o", f"HostKeyAlias={name}-{iid}",
    ])
PY
  echo "PASS: gcp_compute.yml.template rendered for $env (compose, groups over fake instances)"
done
