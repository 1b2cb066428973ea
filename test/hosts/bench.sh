# shellcheck shell=bash
# Host test, DHT_SCENARIO=bench (scripts/bench-hosts.sh runs it for 1, 2 and 4 hosts): after the
# first deploy, the wall time of deploying a new image by digest (every host pulls it in the
# parallel pre-pull play, then the health-gated rolling swap) under each rollout of BENCH_ROLLOUTS,
# and of a no-change site.yml run. Prints one "BENCH hosts=<n> rollout=<serial> deploy=<s>
# nochange=<s>" line per rollout; asserts no time. The rollouts: the environment's default (canary
# 1, then batches of 25 %: 1|1|1|1 on 4 hosts) and the canary, then every other host in one batch.
BENCH_ROLLOUTS=('[1, "25%"]' '[1, "100%"]')
bench_time() {
  local start end
  start=$(date +%s.%N)
  "$@" || return 1
  end=$(date +%s.%N)
  python3 -c 'import sys; print("%.1f" % (float(sys.argv[2]) - float(sys.argv[1])))' "$start" "$end"
}

# bench_rollout <n> <serial JSON>: pushes a new image (test-app:bench<n>), deploys it by digest with
# that serial, then a no-change run; prints the BENCH line.
bench_rollout() {
  local tag="bench$1" serial="{\"app_serial\": $2}" ref deploy nochange
  build_image "test-app:$tag" "$RUN/app-$tag.tar" "[\"/bin/busybox\",\"httpd\",\"-f\",\"-p\",\"$APP_PORT\",\"-h\",\"/www\"]"
  ref=$(push_image "$RUN/app-$tag.tar" "$tag" 2>"$RUN/push.err") || { fail "push: $(tail -n 3 "$RUN/push.err")"; return 0; }
  if deploy=$(bench_time playbook "$RUN/bench-deploy-$tag.log" -e "app_image=$ref" -e app_release_commit=bench -e "$serial"); then
    check_release "$ref" "docker-hosts test app (test-app:$tag)" deploy
  else
    tail -n 30 "$RUN/bench-deploy-$tag.log"
    fail "bench deploy with app_serial $2 failed (log above)"
    return 0
  fi
  log "bench: rollout $2 swapped in batches $(swap_batches "$RUN/bench-deploy-$tag.log")"
  nochange=$(bench_time playbook "$RUN/bench-nochange-$tag.log" -e "app_image=$ref" -e app_release_commit=bench -e "$serial") ||
    fail "bench no-change run with app_serial $2 failed"
  echo "BENCH hosts=${#HOSTS[@]} rollout=$(tr -d ' "' <<<"$2") deploy=$deploy nochange=$nochange"
}

bench_scenario() {
  log "bench: deploy a new image by digest on ${#HOSTS[@]} host(s) under each rollout, then a no-change run"
  local i
  for i in "${!BENCH_ROLLOUTS[@]}"; do
    bench_rollout "$i" "${BENCH_ROLLOUTS[$i]}"
  done
}
