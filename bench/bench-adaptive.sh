#!/bin/sh
# The adaptive-sweep benchmark: README's sweep example (the flagship's 4
# busiest hours, target value 40..80 step 10, fargate and fargate-spot,
# --best 'p99<250ms') with SEEDS seeds (default 20: 200 runs), run in full
# and with --adaptive; prints each one's runs and wall time and checks that
# both name the same --best point.
# Usage: bench-adaptive.sh ECSIM FARGATE_VS_EC2_JSON
# ADAPTIVE_SEEDS=N (default 20) and ADAPTIVE_JOBS=N (default 2) change it;
# ADAPTIVE_DURATION=30m shortens the runs while developing.
set -eu
ecsim=$1
scenario=$2
seeds=${ADAPTIVE_SEEDS:-20}
jobs=${ADAPTIVE_JOBS:-2}
duration=${ADAPTIVE_DURATION:-4h}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ecsim-bench-adaptive-XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

grid='/services/0/scaling/policies/0/TargetTrackingScalingPolicyConfiguration/TargetValue=40:80:10'
echo "README's sweep example ($duration from 12:00): 5 grid points x 2 variants x $seeds seeds; -j $jobs, $(nproc) cores"

now() { date +%s.%N; }

# sweep LABEL DIR [OPTIONS...]: runs the sweep, prints its runs and time.
sweep() {
  label=$1
  dir=$2
  shift 2
  t0=$(now)
  "$ecsim" sweep "$scenario" --variant fargate --variant fargate-spot \
    --grid "$grid" --seeds "$seeds" --set "/duration=\"$duration\"" \
    --set '/start_at="12h"' --best 'p99<250ms' -j "$jobs" -o "$dir" "$@" \
    >"$dir.log" 2>&1 || { cat "$dir.log"; exit 1; }
  t1=$(now)
  runs=$(grep -c . "$dir/runs.csv")
  runs=$((runs - 1))
  best=$(sed -n 's/^Best       //p' "$dir.log")
  awk -v l="$label" -v a="$t0" -v b="$t1" -v n="$runs" -v best="$best" \
    'BEGIN { printf "%-9s %4d runs %8.1f s  best: %s\n", l, n, b - a, best }'
  echo "$runs" >"$dir.runs"
  awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }' >"$dir.wall"
  echo "$best" >"$dir.best"
}

sweep full "$tmp/full"
sweep adaptive "$tmp/adaptive" --adaptive
grep '^Round\|^Adaptive\|^           the winner\|NOT shown' "$tmp/adaptive.log"
awk -v fr="$(cat "$tmp/full.runs")" -v ar="$(cat "$tmp/adaptive.runs")" \
    -v fw="$(cat "$tmp/full.wall")" -v aw="$(cat "$tmp/adaptive.wall")" \
  'BEGIN { printf "adaptive: %.1fx fewer runs, %.1fx less wall time\n",
           fr / ar, fw / aw }'
cmp -s "$tmp/full.best" "$tmp/adaptive.best" ||
  { echo "the two sweeps name different --best points"; exit 1; }
echo "the same --best point"
