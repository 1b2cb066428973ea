#!/usr/bin/python3
"""Prints one Docker host's day-2 status as JSON (read-only; run as root by playbooks/status.yml).

    host_status.py <container name> <health URL> <expected HTTP status>

Python 3.9+ standard library only (Debian 12 and 13 hosts). Each part that cannot be read is
null with its reason under "errors"; the script itself always exits 0 with valid JSON.
driver/fleet/fleet-status.ts parses this shape (schema 1).
"""
import datetime
import glob
import json
import os
import re
import subprocess
import sys
import urllib.error
import urllib.request

SCHEMA = 1
# "Inst libc6 [2.41-12] (2.41-12+deb13u1 Debian-Security:13/stable-security [amd64])"
INST = re.compile(r"^Inst (\S+) (?:\[[^\]]*\] )?\((\S+) ([^\[)]*)")
ERRORS = {}


def run(*cmd):
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=20, check=False)
    if out.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)}: exit {out.returncode}: {out.stderr.strip()[:200]}")
    return out.stdout


def part(name, fn):
    try:
        return fn()
    except Exception as err:  # noqa: BLE001 - every failure is reported, none is fatal
        ERRORS[name] = str(err) or type(err).__name__
        return None


def iso(ts):
    return datetime.datetime.fromtimestamp(ts, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def os_release():
    fields = {}
    with open("/etc/os-release", encoding="utf-8") as f:
        for line in f:
            key, sep, value = line.strip().partition("=")
            if sep:
                fields[key] = value.strip('"')
    return {
        "id": fields.get("ID"),
        "version_id": fields.get("VERSION_ID"),
        "codename": fields.get("VERSION_CODENAME"),
        "pretty_name": fields.get("PRETTY_NAME"),
    }


def uptime_seconds():
    """Since this host's init started (also right in a container, where /proc/uptime is the machine's)."""
    with open("/proc/uptime", encoding="ascii") as f:
        since_boot = float(f.read().split()[0])
    with open("/proc/1/stat", encoding="ascii") as f:
        start_ticks = int(f.read().rsplit(")", 1)[1].split()[19])
    return int(since_boot - start_ticks / os.sysconf("SC_CLK_TCK"))


def docker_version():
    return run("docker", "version", "--format", "{{.Server.Version}}").strip()


def release_of(image_ref, labels):
    if labels.get("org.opencontainers.image.version"):
        return labels["org.opencontainers.image.version"]
    name = image_ref.split("@", 1)[0]
    tail = name.rsplit("/", 1)[-1]
    return tail.split(":", 1)[1] if ":" in tail else None


def app_container(name):
    info = json.loads(run("docker", "container", "inspect", name))[0]
    image = json.loads(run("docker", "image", "inspect", info["Image"]))[0]
    labels = (image.get("Config") or {}).get("Labels") or {}
    digests = image.get("RepoDigests") or []
    return {
        "name": name,
        "state": info["State"]["Status"],
        "started_at": info["State"]["StartedAt"],
        "restart_count": info.get("RestartCount", 0),
        "image": info["Config"]["Image"],
        "image_id": info["Image"],
        "digest": digests[0] if digests else None,
        "release": release_of(info["Config"]["Image"], labels),
    }


def http_status(url):
    try:
        with urllib.request.urlopen(url, timeout=3) as resp:  # noqa: S310 - the app's own URL
            return resp.status
    except urllib.error.HTTPError as err:
        return err.code


def security_updates():
    out = run("apt-get", "-s", "-o", "Debug::NoLocking=true", "-o", "APT::Get::Show-User-Simulation-Note=false",
              "dist-upgrade")
    pending = []
    for line in out.splitlines():
        m = INST.match(line)
        if m and "-security" in m.group(3):
            pending.append(m.group(1))
    lists = glob.glob("/var/lib/apt/lists/*Release")
    return {
        "pending": len(pending),
        "packages": sorted(pending),
        "lists_updated_at": iso(max(os.path.getmtime(p) for p in lists)) if lists else None,
    }


def reboot_required():
    if not os.path.exists("/run/reboot-required"):
        return {"required": False, "packages": []}
    pkgs = []
    if os.path.exists("/run/reboot-required.pkgs"):
        with open("/run/reboot-required.pkgs", encoding="utf-8") as f:
            pkgs = sorted({line.strip() for line in f if line.strip()})
    return {"required": True, "packages": pkgs}


def root_disk():
    st = os.statvfs("/")
    used = (st.f_blocks - st.f_bfree) * st.f_frsize
    avail = st.f_bavail * st.f_frsize
    return {
        "size_bytes": st.f_blocks * st.f_frsize,
        "used_bytes": used,
        "used_percent": round(100.0 * used / (used + avail), 1) if used + avail else 0.0,
    }


def main():
    container, url, expected = sys.argv[1], sys.argv[2], int(sys.argv[3])
    status = part("app_http", lambda: http_status(url))
    report = {
        "schema": SCHEMA,
        "collected_at": iso(datetime.datetime.now(datetime.timezone.utc).timestamp()),
        "os": part("os", os_release),
        "kernel": os.uname().release,
        "uptime_seconds": part("uptime", uptime_seconds),
        "docker_version": part("docker", docker_version),
        "app": part("app", lambda: app_container(container)),
        "app_http": {"url": url, "status": status, "answers": status == expected},
        "security_updates": part("security_updates", security_updates),
        "reboot_required": part("reboot_required", reboot_required),
        "root_disk": part("root_disk", root_disk),
    }
    report["errors"] = ERRORS
    json.dump(report, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
