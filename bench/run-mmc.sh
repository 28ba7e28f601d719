#!/bin/sh
# Runs the end-to-end M/M/c benchmark in ecsim and in SimPy and prints
# both rates and their ratio, per wall-clock second and per CPU second
# (the steadier figure on a shared machine). SimPy simulates fewer
# requests (it is slow); rates are compared, not times.
# Usage: run-mmc.sh BENCH_MMC MMC_SIMPY_PY [ECSIM_REQUESTS [SIMPY_REQUESTS]]
set -eu
bench=$1
simpy=$2
n_ecsim=${3:-10000000}
n_simpy=${4:-500000}

out=$("$bench" "$n_ecsim")
echo "$out"
ecsim_rate=$(echo "$out" | awk '$1 == "requests/s" { print $2 }')
ecsim_cpu=$(echo "$out" | awk '$1 == "cpu" { print substr($4, 2) }')

# The first Python that has SimPy (3+ as simpy, or Debian's 2.3 as SimPy):
# a python3 earlier on PATH (a virtualenv, pyenv) may lack Debian's.
python=""
for p in python3 /usr/bin/python3; do
  if "$p" -c 'import simpy' 2>/dev/null ||
     "$p" -c 'import SimPy.Simulation' 2>/dev/null; then
    python=$p
    break
  fi
done
if [ -z "$python" ]; then
  echo "SimPy: not installed (apt-get install python3-simpy); no ratio"
  exit 0
fi
out=$("$python" "$simpy" "$n_simpy")
echo "$out"
simpy_rate=$(echo "$out" | awk '$1 == "requests/s" { print $2 }')
simpy_cpu=$(echo "$out" | awk '$1 == "cpu" { print substr($4, 2) }')

awk -v e="$ecsim_rate" -v s="$simpy_rate" -v ec="$ecsim_cpu" \
    -v sc="$simpy_cpu" 'BEGIN {
  printf "wall: ecsim %.2f M requests/s, SimPy %.3f M requests/s: " \
         "ecsim %.0fx faster\n", e / 1e6, s / 1e6, e / s
  printf "CPU:  ecsim %.2f M requests/s, SimPy %.3f M requests/s: " \
         "ecsim %.0fx faster\n", ec / 1e6, sc / 1e6, ec / sc }'
