#!/bin/sh
# The break-even benchmark (issue 20): `ecsim compare` of the flagship's
# fargate and ec2 variants, request by request (--no-screen) and screened
# by the aggregate fidelity (the default); prints
# each one's wall and CPU time, its request-level and aggregate runs and
# its break-even statement's first sentence, and whether the two agree
# within the request-level search's final bracket (2^(1/8): 9%) or within
# the tie band the statements give.
# Usage: bench-compare.sh ECSIM FARGATE_VS_EC2_JSON
# COMPARE_JOBS=N (default 2) changes the threads; COMPARE_SET='/PTR=V'
# adds one --set (e.g. '/duration="6h"' while developing).
set -eu
ecsim=$1
scenario=$2
jobs=${COMPARE_JOBS:-2}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ecsim-bench-compare-XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
echo "ecsim compare $(basename "$scenario") --variant fargate --variant ec2" \
  "-j $jobs on $(nproc) cores${COMPARE_SET:+, --set $COMPARE_SET}"

# compare LABEL [OPTIONS...]: runs it, prints its figures.
compare() {
  label=$1
  shift
  dir=$tmp/$label
  set -- "$scenario" --variant fargate --variant ec2 -j "$jobs" -q \
    -o "$dir" "$@"
  [ -n "${COMPARE_SET:-}" ] && set -- "$@" --set "$COMPARE_SET"
  /usr/bin/time -f "%e %U %S" -o "$tmp/$label.time" "$ecsim" compare "$@" \
    >"$tmp/$label.log" 2>&1 || { cat "$tmp/$label.log"; exit 1; }
  python3 - "$label" "$dir/compare.json" "$tmp/$label.time" <<'PY'
import json, sys
label, path, timing = sys.argv[1:4]
wall, user, system = (float(x) for x in open(timing).read().split()[-3:])
be = json.load(open(path))["break_even"][0]
scale = be.get("traffic_scale")
band = (be.get("tie_from_scale"), be.get("tie_to_scale"))
print("%-9s %6.1f s wall %7.1f s CPU  %2d request-level + %2d aggregate "
      "runs  break-even %s%s" % (
        label, wall, user + system, be["request_runs"],
        be["aggregate_runs"], "%.3fx" % scale if scale else "none",
        "  tie band %.3gx-%.3gx" % band if band[0] else ""))
open(path + ".scale", "w").write("%s %s %s\n" % (scale, band[0], band[1]))
PY
}

compare requests --no-screen
compare screened
read -r s1 lo1 hi1 <"$tmp/requests/compare.json.scale"
read -r s2 lo2 hi2 <"$tmp/screened/compare.json.scale"
python3 - "$s1" "$s2" "$lo1" "$hi1" "$lo2" "$hi2" <<'PY'
import math, sys
v = [None if x == "None" else float(x) for x in sys.argv[1:]]
s1, s2, lo1, hi1, lo2, hi2 = v
if s1 is None or s2 is None:
    print("agree: %s (one found no crossing)" % ("yes" if s1 == s2 else "no"))
    sys.exit(0)
within = abs(math.log(s2 / s1)) <= math.log(2) / 8
band = [b for b in ((lo1, hi1), (lo2, hi2)) if b[0] is not None]
in_band = any(lo <= s <= hi for lo, hi in band for s in (s1, s2))
print("agree: %s (%.3fx against %.3fx: %s)" % (
  "yes" if within or in_band else "no", s2, s1,
  "within the final bracket" if within else
  "both in a tie band" if in_band else "apart"))
PY
