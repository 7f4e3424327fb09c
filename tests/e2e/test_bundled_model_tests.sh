#!/usr/bin/env bash
# Every bundled model ships tests of its rules (models/*/NAME.test.lua, docs/testing.md):
# qm test runs them all, and each model has at least one test file.
source "$(dirname "$0")/lib.sh"
M="$QM_SOURCE_DIR/models"
for dir in "$M"/*/; do
  name=$(basename "$dir")
  t_case "qm_test_passes_for_$name"
  ls "$dir"*.test.lua >/dev/null 2>&1 || t_fail "models/$name has no test file"
  t_run test "$dir"
  expect_exit 0
  expect_stdout_has " passed, 0 failed, 0 could not run"
  expect_stdout_lacks "FAIL"
done
t_done
