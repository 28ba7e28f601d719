#!/bin/sh
# A year of the flagship's service (bench/year.json) in the aggregate
# fidelity, each variant alone on one core: wall seconds and peak memory.
# Then the same year slowed twenty-fold (a twentieth of the requests,
# each twenty times as long, the timeout and SLO with them), on Fargate:
# requests of about a second keep its queues young (REFERENCE.md, regime
# (c)) at any load.
# Usage: bench-year.sh ECSIM [YEAR.json]
set -eu
ecsim=$1
here=$(cd "$(dirname "$0")" && pwd)
scenario=${2:-$here/year.json}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/bench"
awk -f "$here/year-rates.awk" > "$work/bench/year-rates.csv"
cp "$scenario" "$work/bench/year.json"
ln -s "$(cd "$here/../scenarios" && pwd)" "$work/scenarios"
echo "365 days of the flagship's checkout service, aggregate fidelity:"
# year LABEL VARIANT [OPTIONS...]: runs it, prints its figures.
year() {
  label=$1
  variant=$2
  shift 2
  /usr/bin/time -f "%e %U %M" -o "$work/time" "$ecsim" run "$work/bench/year.json" \
    --variant "$variant" -q --force -o "$work/out" "$@" 2>"$work/err" || {
    cat "$work/err" >&2; exit 1; }
  read -r secs cpu kib < "$work/time"
  arrivals=$(grep -o '"arrivals":[[:space:]]*[0-9]*' \
    "$work/out/$variant/summary.json" | head -1 | grep -o '[0-9]*$')
  printf '  %-13s %6.2f s wall  %6.2f s CPU  %4d MB peak  %s requests\n' \
    "$label" "$secs" "$cpu" "$((kib / 1024))" "$arrivals"
}
for variant in fargate fargate-spot ec2; do
  year "$variant" "$variant"
done
echo "the same year slowed twenty-fold (requests of 700 ms on average):"
year fargate fargate --set /services/0/workload/traffic/scale=0.05 \
  --set /services/0/workload/service_time/mean='"700ms"' \
  --set /services/0/workload/timeout='"100s"' --set /slo/p99='"5000ms"'
