#!/bin/sh
# Fuzzes one target for a while: tests/fuzz/run.sh TARGET [SECONDS]
#
# TARGET is one of: scenario taskdef trace-csv trace-counts log cloudwatch sweep
# summary (tests/fuzz/fuzz-TARGET.c). Builds build-fuzz/ (clang,
# -Dfuzz=true, ASan and UBSan) when it is missing, then runs libFuzzer in
# one process for SECONDS (default 60) over the committed seeds
# (tests/fuzz/corpus/TARGET, read only) and a working corpus it grows in
# build-fuzz/fuzz-corpus/TARGET, with the target's dictionary.
#
# Exit status 0: no finding. 1: a finding; its input is printed, kept
# under build-fuzz/fuzz-findings/TARGET/, and reproduced with
#   build-fuzz/tests/fuzz/fuzz-TARGET FILE
# Fixed findings go to tests/fuzz/regressions/TARGET/, which the
# `fuzz-replay` test suite runs on every build.
# Environment: FUZZ_BUILD (default build-fuzz), FUZZ_ARGS (more libFuzzer
# options, e.g. "-jobs=2 -workers=2").
set -eu
cd "$(dirname "$0")/../.."

target=${1:?usage: tests/fuzz/run.sh TARGET [SECONDS]}
seconds=${2:-60}
build=${FUZZ_BUILD:-build-fuzz}
[ -f "tests/fuzz/fuzz-$target.c" ] || {
  echo "run.sh: no fuzz target '$target' (tests/fuzz/fuzz-$target.c)" >&2
  exit 2
}

if [ ! -f "$build/build.ninja" ]; then
  CC=clang meson setup "$build" -Dfuzz=true >/dev/null
fi
ninja -C "$build" "tests/fuzz/fuzz-$target" >/dev/null ||
  ninja -C "$build" "tests/fuzz/fuzz-$target"

work="$build/fuzz-corpus/$target"
findings="$build/fuzz-findings/$target"
mkdir -p "$work" "$findings"
log="$build/fuzz-$target.log"
# A leak, a sanitizer report, a crash, more than 10 s or 2 GB for one
# input are findings. Standard input is closed: nothing may wait on it.
status=0
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} \
"$build/tests/fuzz/fuzz-$target" \
  -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
  -max_len=16384 -print_final_stats=1 \
  -dict="tests/fuzz/$target.dict" -artifact_prefix="$findings/" \
  ${FUZZ_ARGS:-} "$work" "tests/fuzz/corpus/$target" \
  </dev/null >"$log" 2>&1 || status=$?

runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
if [ "$status" -ne 0 ]; then
  found=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -1)
  grep -E "ERROR|SUMMARY|runtime error|ALARM|out-of-memory" "$log" | head -5 >&2
  echo "FUZZ FINDING: $target: ${found:-see $log}" >&2
  echo "  reproduce: $build/tests/fuzz/fuzz-$target ${found:-FILE}" >&2
  echo "  full log: $log" >&2
  exit 1
fi
echo "fuzz $target: ${runs:-?} runs in ${seconds} s (${rate:-?} exec/s), no finding"
