# shellcheck shell=bash
# Host test, DHT_SCENARIO=bench (scripts/bench-hosts.sh runs it for 1, 2 and 4 hosts): after the
# first deploy, the wall time of deploying a new image by digest (every host pulls it and is
# prepared for the swap in one parallel play, then the health-gated rolling swap) under each rollout
# of BENCH_ROLLOUTS, and of a no-change site.yml run. Prints one "BENCH hosts=<n> rollout=<serial>
# deploy=<s> nochange=<s>" line per rollout; asserts no time. The rollouts: the environment's
# default (canary 1, then batches of 25 %: 1|1|1|1 on 4 hosts) and the canary, then every other
# host in one batch. Each timed run also prints a "PHASES" line: the seconds before the first task
# (Ansible's start), of each play (configure, prepare, accessories, then the swap once per batch)
# from the task start times of Ansible's profile_tasks callback, and how busy this machine's CPUs
# were meanwhile (/proc/stat: every process here, the controller, the throwaway hosts, the rest).
BENCH_ROLLOUTS=('[1, "25%"]' '[1, "100%"]')

# cpu_ticks: "<busy> <total>" jiffies of all CPUs so far (/proc/stat; idle and iowait are not busy).
cpu_ticks() {
  awk '/^cpu / {t = 0; for (i = 2; i <= NF; i++) t += $i; print t - $5 - $6, t}' /proc/stat
}

# bench_time <phases file> <command...>: runs the command with profile_tasks on; prints its wall
# time; writes "<wall> <busy%> <CPU seconds>" to the phases file (CPU seconds: busy time summed over
# the CPUs; on n CPUs no run takes less than its CPU seconds / n).
bench_time() {
  local out=$1 start end before after
  shift
  before=$(cpu_ticks)
  start=$(date +%s.%N)
  ANSIBLE_CALLBACKS_ENABLED=ansible.posix.profile_tasks "$@" || return 1
  end=$(date +%s.%N)
  after=$(cpu_ticks)
  python3 -c 'import sys; a = [float(x) for x in sys.argv[1:]]
wall = a[1] - a[0]
print("%.1f %.0f %.1f" % (wall, 100 * (a[4] - a[2]) / max(a[5] - a[3], 1), (a[4] - a[2]) / a[6]))' \
    "$start" "$end" $before $after "$(getconf CLK_TCK)" >"$out"
  cut -d' ' -f1 "$out"
}

# bench_phases <log> <phases file>: "start=<s> configure=<s> prepare=<s> accessories=<s> swap=<s>+<s>..."
# (one swap figure per batch), "cpu=<busy %>" and "cpus=<CPU seconds>" from a bench_time run's log.
bench_phases() {
  python3 - "$1" "$(cat "$2")" <<'PY'
import re, sys
names = {"Configure the Docker hosts": "configure", "Pull the app image and prepare the app on all hosts": "prepare",
         "Boot the accessories": "accessories", "Deploy the app": "swap"}
wall, busy, cpus = sys.argv[2].split()
# profile_tasks prints, at each task's start, the time since the first task; a play lasts from its
# first task's start to the next play's (the last one to the final line, after the recap).
marks, play, end = [], None, 0.0
for line in open(sys.argv[1]):
    m = re.match(r"PLAY \[(.*)\] \*", line)
    if m:
        play = names.get(m.group(1), m.group(1))
        continue
    m = re.search(r"\) +(\d+):(\d+):(\d+\.\d+) \*+ ?$", line)
    if m:
        end = int(m.group(1)) * 3600 + int(m.group(2)) * 60 + float(m.group(3))
        if play:
            marks.append((play, end))
            play = None
plays = {}
for i, (name, t) in enumerate(marks):
    plays.setdefault(name, []).append((marks[i + 1][1] if i + 1 < len(marks) else end) - t)
timing = " ".join(f"{k}={'+'.join('%.1f' % v for v in vs)}" for k, vs in plays.items()) if marks else "plays=n/a"
print(f"start={float(wall) - end:.1f} {timing} cpu={busy}% cpus={cpus}")
PY
}

# bench_rollout <n> <serial JSON>: pushes a new image (test-app:bench<n>), deploys it by digest with
# that serial, then a no-change run; prints the BENCH line and the two runs' PHASES lines.
bench_rollout() {
  local tag="bench$1" serial="{\"app_serial\": $2}" ref deploy nochange rollout
  rollout=$(tr -d ' "' <<<"$2")
  build_image "test-app:$tag" "$RUN/app-$tag.tar" "[\"/bin/busybox\",\"httpd\",\"-f\",\"-p\",\"$APP_PORT\",\"-h\",\"/www\"]"
  ref=$(push_image "$RUN/app-$tag.tar" "$tag" 2>"$RUN/push.err") || { fail "push: $(tail -n 3 "$RUN/push.err")"; return 0; }
  if deploy=$(bench_time "$RUN/deploy-$tag.time" playbook "$RUN/bench-deploy-$tag.log" -e "app_image=$ref" \
    -e app_release_commit=bench -e "$serial"); then
    check_release "$ref" "docker-hosts test app (test-app:$tag)" deploy
  else
    tail -n 30 "$RUN/bench-deploy-$tag.log"
    fail "bench deploy with app_serial $2 failed (log above)"
    return 0
  fi
  log "bench: rollout $2 swapped in batches $(swap_batches "$RUN/bench-deploy-$tag.log")"
  nochange=$(bench_time "$RUN/nochange-$tag.time" playbook "$RUN/bench-nochange-$tag.log" -e "app_image=$ref" \
    -e app_release_commit=bench -e "$serial") || fail "bench no-change run with app_serial $2 failed"
  echo "BENCH hosts=${#HOSTS[@]} rollout=$rollout deploy=$deploy nochange=$nochange"
  echo "PHASES hosts=${#HOSTS[@]} rollout=$rollout run=deploy $(bench_phases "$RUN/bench-deploy-$tag.log" "$RUN/deploy-$tag.time")"
  [ ! -s "$RUN/nochange-$tag.time" ] ||
    echo "PHASES hosts=${#HOSTS[@]} rollout=$rollout run=nochange $(bench_phases "$RUN/bench-nochange-$tag.log" "$RUN/nochange-$tag.time")"
}

bench_scenario() {
  log "bench: deploy a new image by digest on ${#HOSTS[@]} host(s) under each rollout, then a no-change run"
  local i
  for i in "${!BENCH_ROLLOUTS[@]}"; do
    bench_rollout "$i" "${BENCH_ROLLOUTS[$i]}"
  done
}
