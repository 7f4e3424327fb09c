# lib.sh — shared helpers for end-to-end tests of qm as a process. Source it; then call
# `t_run ARGS...` (captures exit code, stdout, stderr into $T_RC, $T_OUT, $T_ERR files),
# the expect_* checks, and `t_done` at the end (prints "N passed, N failed", exits 1 on failure).
set -u
: "${QM:?QM must point at the qm binary}"
: "${QM_SOURCE_DIR:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
: "${QM_ENGINE_TEST:=$(dirname "$QM")/qm_engine_test}"
T_TMP=$(mktemp -d "${TMPDIR:-/tmp}/qm-e2e.XXXXXX")
trap 'rm -rf "$T_TMP"' EXIT
T_OUT="$T_TMP/stdout"; T_ERR="$T_TMP/stderr"; T_RC=0
T_PASSED=0; T_FAILED=0; T_NAME=""; T_CUR_FAILED=0

t_run() { "$QM" "$@" >"$T_OUT" 2>"$T_ERR" </dev/null; T_RC=$?; }
# t_engine FILE ARGS...: runs a Lua file in the engine's own (unsandboxed) state
t_engine() { "$QM_ENGINE_TEST" "$@" >"$T_OUT" 2>"$T_ERR" </dev/null; T_RC=$?; }
t_run_stdin() { local input=$1; shift; "$QM" "$@" >"$T_OUT" 2>"$T_ERR" <<<"$input"; T_RC=$?; }

t_fail() {
  T_CUR_FAILED=1
  echo "  $T_NAME: $*" >&2
  echo "  --- stdout:" >&2; head -c 2000 "$T_OUT" >&2
  echo "  --- stderr:" >&2; head -c 2000 "$T_ERR" >&2
}
expect_exit() { [ "$T_RC" -eq "$1" ] || t_fail "exit code $T_RC, expected $1"; }
expect_stdout_has() { grep -qF -- "$1" "$T_OUT" || t_fail "stdout lacks: $1"; }
expect_stderr_has() { grep -qF -- "$1" "$T_ERR" || t_fail "stderr lacks: $1"; }
expect_stdout_lacks() { ! grep -qF -- "$1" "$T_OUT" || t_fail "stdout has: $1"; }
expect_stderr_lacks() { ! grep -qF -- "$1" "$T_ERR" || t_fail "stderr has: $1"; }
expect_stdout_is() { local want; want=$(printf '%s' "$1"); [ "$(cat "$T_OUT")" = "$want" ] || t_fail "stdout differs from: $want"; }
expect_no_file() { [ ! -e "$1" ] || t_fail "file exists but should not: $1"; }
expect_file() { [ -e "$1" ] || t_fail "file missing: $1"; }
expect_no_crash() { [ "$T_RC" -lt 128 ] || [ "$T_RC" -eq 130 ] || t_fail "crashed with exit $T_RC"; \
  ! grep -qE 'AddressSanitizer|runtime error:|Segmentation|Aborted' "$T_ERR" || t_fail "sanitizer or crash report on stderr"; }

# t_case NAME: starts a test case; the previous one is scored
t_case() { t_score; T_NAME=$1; T_CUR_FAILED=0; }
t_score() {
  [ -n "$T_NAME" ] || return 0
  if [ "$T_CUR_FAILED" -eq 0 ]; then T_PASSED=$((T_PASSED + 1)); echo "ok   $T_NAME"
  else T_FAILED=$((T_FAILED + 1)); echo "FAIL $T_NAME"; fi
  T_NAME=""
}
t_done() { t_score; echo "$T_PASSED passed, $T_FAILED failed"; [ "$T_FAILED" -eq 0 ]; }
