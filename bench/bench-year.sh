#!/bin/sh
# A year of the flagship's service (bench/year.json) in the aggregate
# fidelity, each variant alone on one core: wall seconds and peak memory.
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
for variant in fargate fargate-spot ec2; do
  /usr/bin/time -f "%e %U %M" -o "$work/time" "$ecsim" run "$work/bench/year.json" \
    --variant "$variant" -q --force -o "$work/out" 2>"$work/err" || {
    cat "$work/err" >&2; exit 1; }
  read -r secs cpu kib < "$work/time"
  arrivals=$(grep -o '"arrivals":[[:space:]]*[0-9]*' \
    "$work/out/$variant/summary.json" | head -1 | grep -o '[0-9]*$')
  printf '  %-13s %6.2f s wall  %6.2f s CPU  %4d MB peak  %s requests\n' \
    "$variant" "$secs" "$cpu" "$((kib / 1024))" "$arrivals"
done
