#!/bin/sh
# The horizon-memory benchmark: peak resident memory and wall time of
# `ecsim run` on bench/horizon-memory.json (the flagship's checkout
# service on Fargate at 0.05 requests/s, one timeseries.csv row every
# 10 s) over 30, 90 and 365 days. Request by request, the per-period rows
# and the event log go to their files as the run makes them, so the peak
# should not grow with the horizon (it grew by ~1.5 MB a day before).
# cpu_s (user + system) is steadier than wall_s on a shared machine.
# Usage: bench-horizon-memory.sh ECSIM HORIZON_MEMORY_JSON [DAYS...]
# (default days: 30 90 365). Needs GNU time (/usr/bin/time -v).
set -eu
ecsim=$1
scenario=$2
shift 2
[ $# -gt 0 ] || set -- 30 90 365
if ! /usr/bin/time -v true >/dev/null 2>&1; then
  echo "bench-horizon-memory: needs GNU time at /usr/bin/time" >&2
  exit 77
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ecsim-bench-horizon-XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

echo "ecsim run $(basename "$scenario") --set /duration=\"Nd\" (period 10s, 0.05 requests/s)"
printf '%8s %12s %14s %12s %10s %10s\n' days rows peak_rss_MB csv_MB cpu_s wall_s
for days in "$@"; do
  out="$tmp/$days"
  /usr/bin/time -v -o "$tmp/time" "$ecsim" run "$scenario" \
    --set "/duration=\"${days}d\"" -o "$out" -q >"$tmp/log" 2>&1 ||
    { cat "$tmp/log" "$tmp/time"; exit 1; }
  rss=$(awk -F: '/Maximum resident set size/ { print $2 / 1024 }' "$tmp/time")
  cpu=$(awk -F: '/User time|System time/ { s += $2 } END { print s }' \
    "$tmp/time")
  wall=$(awk '/Elapsed \(wall clock\)/ { n = split($NF, t, ":");
    s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s }' "$tmp/time")
  rows=$(($(wc -l <"$out/base/timeseries.csv") - 1))
  csv=$(wc -c <"$out/base/timeseries.csv")
  printf '%8s %12s %14.1f %12.1f %10.2f %10.2f\n' "$days" "$rows" "$rss" \
    "$(echo "$csv" | awk '{ print $1 / 1048576 }')" "$cpu" "$wall"
  rm -rf "$out"
done
