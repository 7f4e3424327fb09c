#!/usr/bin/env bash
# fuzz.sh — builds qm's libFuzzer targets (clang, ASan+UBSan, in their own build folder) and runs
# them (docs/fuzzing.md).
#   scripts/fuzz.sh                  list the targets
#   scripts/fuzz.sh TARGET SECONDS   fuzz TARGET for SECONDS (default 60); a finding fails
#   scripts/fuzz.sh TARGET FILE...   run TARGET once on each FILE (reproduce a finding)
#   scripts/fuzz.sh --all SECONDS    every target in turn for SECONDS each (CI); a summary line
#   scripts/fuzz.sh --merge TARGET   add what the last runs found (only inputs that add coverage)
#                                    to the checked-in seed corpus fuzz/corpus/TARGET
# Environment: QM_FUZZ_BUILD (build folder, default build-fuzz), QM_FUZZ_JOBS (build jobs).
# Installs clang and its fuzzer runtime (scripts/setup.sh --fuzz) when they are missing.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dir=${QM_FUZZ_BUILD:-"$root/build-fuzz"}

targets() {
  local f
  for f in "$root"/fuzz/*.lua; do basename "$f" .lua; done
}

list() {
  local t
  echo "fuzz targets (scripts/fuzz.sh TARGET SECONDS):"
  for t in $(targets); do
    # the driver's first line: "-- NAME.lua — fuzz target "NAME": what it fuzzes ..."
    printf '  %-8s %s\n' "$t" "$(head -n 1 "$root/fuzz/$t.lua" | sed -e 's/^-- [^:]*: //')"
  done
}

is_target() {
  local t
  for t in $(targets); do [ "$t" = "$1" ] && return 0; done
  return 1
}

build() {
  "$root/scripts/setup.sh" --fuzz
  if [ ! -f "$dir/CMakeCache.txt" ]; then
    cmake -S "$root" -B "$dir" -DQM_FUZZ=ON -DCMAKE_C_COMPILER=clang \
      -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  fi
  local t names=()
  for t in "$@"; do names+=("fuzz_$t"); done
  local status=0
  cmake --build "$dir" -j"${QM_FUZZ_JOBS:-$(nproc)}" --target "${names[@]}" >"$dir/build.log" 2>&1 \
    || status=$?
  grep -vE '^\[ *[0-9]+%\]|^-- ' "$dir/build.log" || true
  [ "$status" -eq 0 ] || { echo "fuzz: the build failed (exit $status; $dir/build.log)" >&2; exit 2; }
}

# libFuzzer flags a driver asks for, on its line "-- fuzz.sh options: -max_len=256 ..."
driver_options() {
  sed -n 's/^-- fuzz.sh options: //p' "$root/fuzz/$1.lua"
}

# run TARGET SECONDS: fuzz from the checked-in seeds plus what earlier runs found
run() {
  local t=$1 secs=$2
  local corpus="$dir/corpus/$t" findings="$dir/findings/$t"
  mkdir -p "$corpus" "$findings"
  local args=(-max_total_time="$secs" -timeout=30 -rss_limit_mb=1536 -print_final_stats=1
              -artifact_prefix="$findings/")
  [ -f "$root/fuzz/$t.dict" ] && args+=(-dict="$root/fuzz/$t.dict")
  # shellcheck disable=SC2207
  args+=($(driver_options "$t"))
  echo "fuzz: $t for ${secs}s (new inputs in $corpus, findings in $findings)"
  local log="$dir/fuzz-$t.log" status=0
  ASAN_OPTIONS=${ASAN_OPTIONS:-quarantine_size_mb=64:detect_leaks=1} \
  UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
    "$dir/fuzz_$t" "${args[@]}" "$corpus" "$root/fuzz/corpus/$t" >"$log" 2>&1 || status=$?
  # the closing numbers: executions, coverage, corpus
  grep -E '^#[0-9]+[[:space:]]+DONE|^stat::number_of_executed_units|^stat::peak_rss_mb' "$log" | sed 's/^/  /' || true
  if [ "$status" -ne 0 ]; then
    echo "fuzz: $t FOUND A PROBLEM (exit $status); from the log ($log):" >&2
    # the report: qm-fuzz's finding, a sanitizer's or libFuzzer's (leak, timeout, out of memory)
    grep -m1 -A24 -E '==qm-fuzz==|ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:' "$log" \
      | grep -vE '^#[0-9]+ ' >&2 || tail -n 30 "$log" >&2
    local unit
    unit=$(sed -n 's/.*Test unit written to //p' "$log" | tail -n 1)
    [ -n "$unit" ] && echo "fuzz: reproduce with: scripts/fuzz.sh $t '$unit'" >&2
    return 1
  fi
}

case "${1:-}" in
  ""|-h|--help|--list)
    list
    ;;
  --all)
    secs=${2:-20}
    mapfile -t all < <(targets)
    build "${all[@]}"
    passed=0 failed=0
    for t in "${all[@]}"; do
      if run "$t" "$secs"; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
    done
    echo "fuzz: $passed passed, $failed failed"
    [ "$failed" -eq 0 ]
    ;;
  --merge)
    t=${2:-}
    is_target "$t" || { echo "fuzz: --merge needs a target: $(targets | tr '\n' ' ')" >&2; exit 2; }
    build "$t"
    mkdir -p "$root/fuzz/corpus/$t" "$dir/corpus/$t"
    "$dir/fuzz_$t" -merge=1 $(driver_options "$t") "$root/fuzz/corpus/$t" "$dir/corpus/$t" 2>&1 \
      | grep -E 'MERGE-OUTER: [0-9]+ new files' || true
    ;;
  *)
    t=$1
    is_target "$t" || { echo "fuzz: no target \"$t\"" >&2; list >&2; exit 2; }
    shift
    build "$t"
    if [ $# -eq 0 ] || [[ "$1" =~ ^[0-9]+$ ]]; then
      run "$t" "${1:-60}"
    else
      "$dir/fuzz_$t" $(driver_options "$t") "$@"
    fi
    ;;
esac
