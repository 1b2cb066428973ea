#!/usr/bin/env bash
# npm run bench:hosts: the host test's deploy of a new image (by digest, from the test registry) on 1, 2 and 4
# throwaway hosts (DHT_SCENARIO=bench, test/hosts/bench.sh), and a no-change site.yml run; prints the wall times.
# Linux, root, as test/hosts/run.sh. Figures only: nothing is asserted about them.
#   DHT_SUITE=bookworm DHT_LOCK_WAIT=1800 npm run bench:hosts [-- 1 2 4]
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
counts=("$@")
[ "${#counts[@]}" -gt 0 ] || counts=(1 2 4)
results=()
for n in "${counts[@]}"; do
  log="${TMPDIR:-/tmp}/docker-hosts-bench-hosts-$n.log"
  echo "bench:hosts: $n host(s), log $log" >&2
  if ! DHT_HOSTS=$n DHT_SCENARIO=bench bash "$REPO/test/hosts/run.sh" >"$log" 2>&1; then
    tail -n 20 "$log" >&2
    echo "bench:hosts: the $n-host run failed (log above)" >&2
    exit 1
  fi
  results+=("$(grep '^BENCH ' "$log" | tail -n1)")
done
printf '%-6s %-22s %-22s\n' hosts 'deploy new image (s)' 'no-change site.yml (s)'
base_deploy="" base_nochange=""
for line in "${results[@]}"; do
  n=$(sed -E 's/.*hosts=([0-9]+).*/\1/' <<<"$line")
  d=$(sed -E 's/.*deploy=([0-9.]+).*/\1/' <<<"$line")
  c=$(sed -E 's/.*nochange=([0-9.]+).*/\1/' <<<"$line")
  [ -n "$base_deploy" ] || { base_deploy=$d; base_nochange=$c; }
  printf '%-6s %-22s %-22s\n' "$n" "$d ($(python3 -c "print('%.2fx' % ($d / $base_deploy))"))" \
    "$c ($(python3 -c "print('%.2fx' % ($c / $base_nochange))"))"
done
