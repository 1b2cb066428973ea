#!/usr/bin/env python3
"""Bounded HTTP load for the host test: GET every target in turn, a new connection each time.

    load.py --stop-file F --max N --interval S --out REPORT http://ip:port/ ...

Each target gets its own thread; it stops after N requests, or as soon as F exists (the test
creates it once the playbook under load has ended), whichever comes first. The report (JSON) says,
per target, how many requests were sent, how many failed (not HTTP 200, or no answer), the first
failures, and whether the cap was reached (then the load may not have covered the whole rollout).
"""
import argparse
import json
import os
import threading
import time
import urllib.error
import urllib.request


def hammer(url, args, report):
    sent = failed = 0
    failures = []
    while sent < args.max and not os.path.exists(args.stop_file):
        sent += 1
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                response.read()
                ok = response.status == 200
                reason = f"HTTP {response.status}"
        except urllib.error.HTTPError as e:
            ok, reason = False, f"HTTP {e.code}"
        except OSError as e:
            ok, reason = False, f"{type(e).__name__}: {e}"
        if not ok:
            failed += 1
            if len(failures) < 5:
                failures.append(f"{time.strftime('%H:%M:%S')} {reason}")
        time.sleep(args.interval)
    report[url] = {"requests": sent, "failed": failed, "failures": failures, "capped": sent >= args.max}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--stop-file", required=True)
    parser.add_argument("--max", type=int, required=True)
    parser.add_argument("--interval", type=float, required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("urls", nargs="+")
    args = parser.parse_args()
    report = {}
    threads = [threading.Thread(target=hammer, args=(url, args, report)) for url in args.urls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(report, f, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
