#!/usr/bin/env bash
# npm run bench:hosts: the host test's deploy of a new image (by digest, from the test registry) on 1, 2 and 4
# throwaway hosts (DHT_SCENARIO=bench, test/hosts/bench.sh) under each rollout the bench tries (the default canary 1
# then 25 % batches, and the canary then the rest in one batch), and a no-change site.yml run; prints the wall
# times, each against the 1-host time of the same rollout, then where each run's time went (Ansible's start, each
# play, the swap per batch) and how busy the CPUs were. Linux, root, as test/hosts/run.sh. Figures only: nothing is
# asserted about them.
#   DHT_SUITE=bookworm DHT_LOCK_WAIT=1800 npm run bench:hosts [-- 1 2 4]
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
counts=("$@")
[ "${#counts[@]}" -gt 0 ] || counts=(1 2 4)
results=()
phases=()
for n in "${counts[@]}"; do
  log="${TMPDIR:-/tmp}/docker-hosts-bench-hosts-$n.log"
  echo "bench:hosts: $n host(s), log $log" >&2
  if ! DHT_HOSTS=$n DHT_SCENARIO=bench bash "$REPO/test/hosts/run.sh" >"$log" 2>&1; then
    tail -n 20 "$log" >&2
    echo "bench:hosts: the $n-host run failed (log above)" >&2
    exit 1
  fi
  mapfile -t -O "${#results[@]}" results < <(grep '^BENCH ' "$log")
  mapfile -t -O "${#phases[@]}" phases < <(grep '^PHASES ' "$log")
done
# field <line> <name>: the value of name=... in a BENCH or PHASES line (nothing when it has none).
field() { sed -nE "s/.* $2=([^ ]+).*/\1/p" <<<"$1"; }
ratio() { python3 -c 'import sys; print("%.2fx" % (float(sys.argv[1]) / float(sys.argv[2])))' "$1" "$2"; }
printf '%-6s %-12s %-22s %-22s\n' hosts rollout 'deploy new image (s)' 'no-change site.yml (s)'
declare -A base_deploy=() base_nochange=()
for line in "${results[@]}"; do
  n=$(field "$line" hosts)
  r=$(field "$line" rollout)
  d=$(field "$line" deploy)
  c=$(field "$line" nochange)
  [ -n "${base_deploy[$r]:-}" ] || { base_deploy[$r]=$d; base_nochange[$r]=$c; }
  printf '%-6s %-12s %-22s %-22s\n' "$n" "$r" "$d ($(ratio "$d" "${base_deploy[$r]}"))" \
    "$c ($(ratio "$c" "${base_nochange[$r]}"))"
done
echo
printf '%-6s %-12s %-9s %-6s %-10s %-8s %-12s %-24s %s\n' hosts rollout run start configure prepare accessories \
  'swap per batch' 'cpu busy'
for line in "${phases[@]}"; do
  printf '%-6s %-12s %-9s %-6s %-10s %-8s %-12s %-24s %s\n' "$(field "$line" hosts)" "$(field "$line" rollout)" \
    "$(field "$line" run)" "$(field "$line" start)" "$(field "$line" configure)" "$(field "$line" prepare)" \
    "$(field "$line" accessories)" "$(field "$line" swap)" "$(field "$line" cpu)"
done
