#!/bin/sh
# The sweep benchmark: a 200-run sweep of bench/sweep-day.json (one day of
# light diurnal traffic, ~864,000 requests and ~1.8M events a run) timed
# with -j 1, with -j 2 and, when ecsim is built with MPI (-Dmpi=true) and
# mpirun is installed, over 2 MPI ranks; prints the wall times, runs/s and
# speed-ups, and checks that every way gives the same sweep.csv.
# The grid: TargetValue 20..65 step 5 (10 points) x 2 variants x 10 seeds.
# Usage: bench-sweep.sh ECSIM SWEEP_DAY_JSON [mpi|nompi]
# SWEEP_SEEDS=N (default 10) scales it down while developing.
set -eu
ecsim=$1
scenario=$2
mpi=${3:-nompi}
seeds=${SWEEP_SEEDS:-10}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ecsim-bench-sweep-XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

grid='/services/0/scaling/policies/0/TargetTrackingScalingPolicyConfiguration/TargetValue=20:65:5'
runs=$((10 * 2 * seeds))
echo "sweep of $(basename "$scenario"): 10 grid points x 2 variants x $seeds seeds = $runs runs of 24 h simulated; $(nproc) cores"

now() { date +%s.%N; }

# time_sweep LABEL DIR [LAUNCHER...] -- [OPTIONS...]: runs a sweep and
# prints its wall time.
time_sweep() {
  label=$1
  dir=$2
  shift 2
  launcher=""
  while [ "$1" != "--" ]; do launcher="$launcher $1"; shift; done
  shift
  t0=$(now)
  # shellcheck disable=SC2086 # the launcher's words are split on purpose
  $launcher "$ecsim" sweep "$scenario" --grid "$grid" --seeds "$seeds" \
    -o "$dir" -q "$@" >"$dir.log" 2>&1 || { cat "$dir.log"; exit 1; }
  t1=$(now)
  awk -v l="$label" -v a="$t0" -v b="$t1" -v n="$runs" 'BEGIN {
    printf "%-14s %8.1f s  %6.2f runs/s\n", l, b - a, n / (b - a) }'
  awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }' >"$dir.wall"
}

# ratio A B: A / B with two decimals.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

time_sweep "-j 1" "$tmp/j1" -- -j 1
time_sweep "-j 2" "$tmp/j2" -- -j 2
w1=$(cat "$tmp/j1.wall")
w2=$(cat "$tmp/j2.wall")
echo "speed-up of -j 2 over -j 1: $(ratio "$w1" "$w2")x"
cmp -s "$tmp/j1/sweep.csv" "$tmp/j2/sweep.csv" ||
  { echo "sweep.csv differs between -j 1 and -j 2"; exit 1; }

if [ "$mpi" = mpi ] && command -v mpirun >/dev/null 2>&1; then
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
  time_sweep "MPI, 2 ranks" "$tmp/mpi" mpirun -n 2 --oversubscribe --
  wm=$(cat "$tmp/mpi.wall")
  echo "speed-up of 2 MPI ranks over -j 1: $(ratio "$w1" "$wm")x"
  cmp -s "$tmp/j1/sweep.csv" "$tmp/mpi/sweep.csv" ||
    { echo "sweep.csv differs between -j 1 and MPI"; exit 1; }
else
  echo "MPI: not built (meson setup -Dmpi=true) or no mpirun; skipped"
fi
echo "sweep.csv identical across all runs"
