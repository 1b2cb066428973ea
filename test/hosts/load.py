"""Bounded HTTP load for the host test (test/hosts/zdt.sh): GET every URL at a fixed rate, each
request on a new connection, at most --max requests per URL; stops by itself after those, or
earlier once --stop-file exists. Writes a JSON summary per URL: requests, failures (not 200 or
no answer), the first few failures, and how many answers carried each body.

    python3 load.py --out summary.json --stop-file path [--rate 10] [--max 3000] URL...
"""

import argparse
import json
import os
import threading
import time
import urllib.error
import urllib.request


def hammer(url, args, result):
    start = time.monotonic()
    for i in range(args.max):
        if os.path.exists(args.stop_file):
            result["stopped"] = "stop-file"
            break
        try:
            with urllib.request.urlopen(url, timeout=5) as answer:
                body = answer.read(200).decode(errors="replace").strip()
                code = answer.status
        except urllib.error.HTTPError as err:
            body, code = "", err.code
        except Exception as err:  # connection refused, reset, timeout: all failures
            body, code = "", f"{type(err).__name__}: {err}"
        result["requests"] += 1
        if code == 200:
            result["bodies"][body] = result["bodies"].get(body, 0) + 1
        else:
            result["failures"] += 1
            if len(result["failed"]) < 5:
                result["failed"].append(f"{time.strftime('%H:%M:%S')} {code}")
        pause = start + (i + 1) / args.rate - time.monotonic()
        if pause > 0:
            time.sleep(pause)
    else:
        result["stopped"] = "max"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    parser.add_argument("--stop-file", required=True)
    parser.add_argument("--rate", type=float, default=10)
    parser.add_argument("--max", type=int, default=3000)
    parser.add_argument("urls", nargs="+")
    args = parser.parse_args()
    results = {u: {"requests": 0, "failures": 0, "failed": [], "bodies": {}, "stopped": None} for u in args.urls}
    threads = [threading.Thread(target=hammer, args=(u, args, results[u])) for u in args.urls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with open(args.out, "w") as out:
        json.dump(results, out, indent=1)


main()
