#!/usr/bin/env bash
# test.sh — the whole test suite: installs what is missing, builds qm twice (normal, and with
# AddressSanitizer + UndefinedBehaviorSanitizer) and runs every ctest test in both builds; then
# runs every fuzz target briefly (QM_FUZZ_SECONDS each, default 20; 0 skips; docs/fuzzing.md).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
jobs=$(nproc)
"$root/scripts/setup.sh" --tests   # the packages only tests use (Chromium for the HTML reports)
"$root/scripts/build.sh" "$root/build"
ctest --test-dir "$root/build" -j"$jobs" --output-on-failure
# the REPL also builds against libedit (BSD licence): build it and run the REPL's tests there;
# the same build leaves out libxlsxwriter (optional), and --format xlsx must then say so
"$root/scripts/build.sh" "$root/build-libedit" -DQM_LINE_EDITOR=libedit -DQM_WITH_XLSX=OFF
ctest --test-dir "$root/build-libedit" -j"$jobs" --output-on-failure -R 'repl|cli|xlsx'
if [ "${QM_SKIP_SANITIZERS:-0}" != 1 ]; then
  "$root/scripts/build.sh" "$root/build-asan" -DQM_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir "$root/build-asan" -j"$jobs" --output-on-failure
fi
if [ "${QM_FUZZ_SECONDS:-20}" != 0 ]; then
  "$root/scripts/fuzz.sh" --all "${QM_FUZZ_SECONDS:-20}"
fi
