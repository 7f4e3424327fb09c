#!/usr/bin/env bash
# qm test: test files beside a model, fixture data (Lua rows, CSV and YAML through the import
# machinery), expectations as of a date; a failing expectation fails the command with the
# expected and actual values and its line; TAP and JUnit XML; the test file in the sandbox.
source "$(dirname "$0")/lib.sh"
D="$T_TMP/m"
mkdir -p "$D/tests"
cat >"$D/fravaer.lua" <<'LUA'
model "fravaer" {
  title = "Fravær", scale = scale.points { 0, 100, step = 5 },
  theme "t" { title = "T",
    question "1" { text = "?" },
    indicator "sygefravaer" { type = "value", max = 5, sql = [[SELECT unit_id, procent AS value FROM syg WHERE year = :year]] },
    indicator "moeder" { type = "frequency", count = 2, per = "quarter", window = "fra 2025 til udgangen af 2025",
      sql = [[SELECT date FROM moeder]] },
  },
  dataset "syg" { key = { "unit_id", "year" },
    column "unit_id" { type = "text", required = true, aliases = { "enhed" } },
    column "year" { type = "integer", required = true, aliases = { "år" } },
    column "procent" { type = "number", required = true, min = 0, max = 100 },
  },
  dataset "moeder" { column "date" { type = "date", required = true, aliases = { "dato" } } },
}
LUA
cat >"$D/fravaer.test.lua" <<'LUA'
test "under 5 % er nået" {
  as_of = "2025-12-31", params = { year = 2025 },
  data = { syg = { { unit_id = "a", year = 2025, procent = 4.5 } } },
  indicator "sygefravaer" { unit = "a", status = "achieved", value = 4.5 },
}

test "et forkert forventet udfald" {
  as_of = "2025-12-31", params = { year = 2025 },
  data = { syg = { { unit_id = "a", year = 2025, procent = 6 } } },
  indicator "sygefravaer" { unit = "a",
    status = "achieved" },
}
LUA
printf 'Enhed;År;procent\na;2025;4,5\nb;2025;7,25\n' >"$D/tests/syg.csv"
cat >"$D/tests/moeder.yaml" <<'YAML'
moeder:
  - date: 2025-02-01
  - dato: 2025-03-01
  - date: 2025-05-01
YAML
cat >"$D/tests/filer.test.lua" <<'LUA'
test "data fra CSV og YAML ved siden af testen" {
  model = "../fravaer.lua",
  as_of = "2025-12-31", params = { year = 2025 },
  data = { syg = "syg.csv", moeder = "moeder.yaml" },
  indicator "sygefravaer" { unit = "b", status = "not achieved", value = 7.25 },
  indicator "moeder" { status = "not achieved", reason = contains("2. kvartal 2025") },
}
LUA

t_case a_passing_test_and_a_failing_one_fail_the_command_with_expected_actual_and_line
t_run test "$D/fravaer.test.lua"
expect_exit 1
expect_stdout_has "ok    under 5 % er nået"
expect_stdout_has "FAIL  et forkert forventet udfald"
expect_stdout_has "fravaer.test.lua:10: indicator \"sygefravaer\" (unit a): status"
expect_stdout_has 'expected: "achieved"'
expect_stdout_has 'got:      "not achieved"'
expect_stdout_has "2 tests: 1 passed, 1 failed, 0 could not run"

t_case a_test_passes_once_its_expectation_is_right
sed -i 's/    status = "achieved" },/    status = "not achieved", value = 6 },/' "$D/fravaer.test.lua"
t_run test "$D/fravaer.test.lua"
expect_exit 0
expect_stdout_has "2 tests: 2 passed, 0 failed, 0 could not run"

t_case fixtures_from_csv_and_yaml_files_through_the_import_machinery
t_run test "$D/tests/filer.test.lua"
expect_exit 0
expect_stdout_has "ok    data fra CSV og YAML ved siden af testen"

t_case a_model_finds_its_tests_beside_it_and_in_tests
t_run test "$D/fravaer.lua"
expect_exit 0
expect_stdout_has "fravaer.test.lua"
expect_stdout_lacks "filer.test.lua"     # filer.test.lua tests filer.lua ... which the folder does not have
t_run test "$D"
expect_exit 0
expect_stdout_has "filer.test.lua"
expect_stdout_has "3 tests: 3 passed"

t_case a_test_without_a_model_of_its_name_must_name_one
printf 'test "x" { indicator "sygefravaer" { status = "achieved" } }\n' >"$D/tests/andet.test.lua"
t_run test "$D"
expect_exit 1
expect_stdout_has "andet.test.lua:1: no model for"
rm "$D/tests/andet.test.lua"

t_case tap_for_ci
sed -i 's/status = "not achieved", value = 6 },/status = "on track", value = 6 },/' "$D/fravaer.test.lua"
t_run test "$D" --format tap
expect_exit 1
expect_stdout_has "TAP version 13"
expect_stdout_has "1..3"
expect_stdout_has "ok 1 - "
expect_stdout_has "not ok 2 - "
expect_stdout_has "  expected: '\"on track\"'"
expect_stdout_has "  got: '\"not achieved\"'"
expect_stdout_has "fravaer.test.lua:10'"

t_case junit_xml_for_ci_also_written_with_out_when_tests_fail
t_run test "$D" --format junit --out "$T_TMP/junit.xml"
expect_exit 1
expect_file "$T_TMP/junit.xml"
python3 - "$T_TMP/junit.xml" <<'PY' || t_fail "junit xml"
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == "testsuites" and root.get("tests") == "3" and root.get("failures") == "1", root.attrib
cases = root.findall(".//testcase")
assert len(cases) == 3
failed = [c for c in cases if c.find("failure") is not None]
assert len(failed) == 1 and failed[0].get("name") == "et forkert forventet udfald", failed
f = failed[0].find("failure")
assert "fravaer.test.lua:10" in f.get("message") and 'expected: "on track"' in f.text and 'got:      "not achieved"' in f.text, f.text
assert failed[0].get("line") == "7", failed[0].attrib
PY

t_case bad_fixture_data_is_a_test_that_could_not_run_naming_the_row
cat >"$D/fravaer.bad.test.lua" <<'LUA'
test "dårlige rækker" {
  as_of = "2025-12-31",
  data = { syg = { { unit_id = "a", year = "tyve", procent = 101 }, { enhed = "b", year = 2025 } } },
  indicator "sygefravaer" { status = "achieved" },
}
LUA
t_run test "$D/fravaer.bad.test.lua"
expect_exit 1
expect_stdout_has "ERROR dårlige rækker"
expect_stdout_has "the data cannot be loaded"
expect_stdout_has "fravaer.bad.test.lua:1: data syg, row 1: year: \"tyve\" is not"
expect_stdout_has "data syg, row 1: procent"
expect_stdout_has "data syg, row 2: procent is missing"
expect_stdout_has "0 passed, 0 failed, 1 could not run"
rm "$D/fravaer.bad.test.lua"

t_case an_unknown_indicator_fails_with_did_you_mean_and_each_test_has_its_own_database
cat >"$D/fravaer.ids.test.lua" <<'LUA'
test "fyld data i" {
  as_of = "2025-12-31", params = { year = 2025 },
  data = { syg = { { unit_id = "a", year = 2025, procent = 9 } } },
  indicator "sygefravar" { status = "achieved" },
}
test "ingen data: den forrige tests rækker er væk" {
  as_of = "2025-12-31", params = { year = 2025 },
  indicator "sygefravaer" { status = "not evaluable" },
}
LUA
t_run test "$D/fravaer.ids.test.lua"
expect_exit 1
expect_stdout_has 'model fravaer has no indicator "sygefravar" (did you mean "sygefravaer"?)'
expect_stdout_has "ok    ingen data: den forrige tests rækker er væk"
rm "$D/fravaer.ids.test.lua"

t_case a_misspelt_field_of_an_expectation_fails_with_did_you_mean
cat >"$D/fravaer.felt.test.lua" <<'LUA'
test "stavefejl i et felt" {
  as_of = "2025-12-31", params = { year = 2025 },
  data = { syg = { { unit_id = "a", year = 2025, procent = 6 } } },
  indicator "sygefravaer" { unit = "a", stauts = "not achieved" },
}
LUA
t_run test "$D/fravaer.felt.test.lua"
expect_exit 1
expect_stdout_has 'fravaer.felt.test.lua:4: indicator "sygefravaer" (unit a): stauts'
expect_stdout_has '(the result has no field stauts (did you mean "status"?))'
rm "$D/fravaer.felt.test.lua"

t_case a_test_file_runs_in_the_sandbox
cat >"$D/fravaer.sandbox.test.lua" <<'LUA'
local f = io.open("/etc/passwd")
LUA
t_run test "$D/fravaer.sandbox.test.lua"
expect_exit 1
expect_stdout_has "io is not available"
cat >"$D/fravaer.sandbox.test.lua" <<'LUA'
test "læs udenfor" { data = { syg = "../../../../../etc/passwd.csv" }, indicator "sygefravaer" { status = "achieved" } }
LUA
t_run test "$D/fravaer.sandbox.test.lua"
expect_exit 1
expect_stdout_lacks "root:"
expect_stdout_has "no such file"
printf 'x\n' >"$T_TMP/outside.csv"
cat >"$D/fravaer.sandbox.test.lua" <<'LUA'
test "læs udenfor" { data = { syg = "../outside.csv" }, indicator "sygefravaer" { status = "achieved" } }
LUA
t_run test "$D/fravaer.sandbox.test.lua"
expect_exit 1
expect_stdout_has "is outside the model's folder"
rm "$D/fravaer.sandbox.test.lua"

t_case consensus_statistics_and_report_rows
cat >"$D/fravaer.konsensus.test.lua" <<'LUA'
test "konsensus og rapport" {
  round = "r1", unit = "a",
  data = {
    units = { { id = "a", kind = "enhed", name = "A" } },
    responses = { columns = { "participant", "question", "score" }, { "P1", "1", 40 }, { "P2", "1", 80 } },
  },
  consensus "1" { n = 2, median = 60, range = 40, mean = 60 },
  report "konsensus" { at = "agenda", count = 1, rows = { { question = "1", stats = { median = 60 } } } },
}
LUA
t_run test "$D/fravaer.konsensus.test.lua"
expect_exit 0
sed -i 's/median = 60, range = 40/median = 55, range = 40/' "$D/fravaer.konsensus.test.lua"
t_run test "$D/fravaer.konsensus.test.lua"
expect_exit 1
expect_stdout_has 'consensus "1" (round r1): median'
expect_stdout_has "expected: 55"
expect_stdout_has "got:      60"

t_case qm_check_checks_a_test_file_without_running_it
cat >"$D/fravaer.typo.test.lua" <<'LUA'
test "stavefejl" { as_of = "2025-12-31", dato = 1,
  indicator "sygefravar" { status = "achieved" },
  report "prioritring" { rows = {} },
}
LUA
t_run check "$D/fravaer.typo.test.lua"
expect_exit 1
expect_stdout_has 'fravaer.typo.test.lua:1: error: test "stavefejl": unknown field "dato" (did you mean "data"?)'
expect_stdout_has 'fravaer.typo.test.lua:2: error: indicator "sygefravar": model fravaer has no indicator "sygefravar" (did you mean "sygefravaer"?)'
expect_stdout_has 'fravaer.typo.test.lua:3: error: report "prioritring": no such report (did you mean "prioritering"?)'
rm "$D/fravaer.typo.test.lua"
t_run check "$D/fravaer.test.lua"
expect_exit 0

t_case no_test_files_and_bad_arguments
mkdir -p "$T_TMP/empty"
t_run test "$T_TMP/empty"
expect_exit 1
expect_stderr_has "no test files"
t_run test
expect_exit 2
t_run test "$D/nowhere.lua"
expect_exit 3
t_run test "$D" --format xml
expect_exit 2

t_case the_issues_example_c05_pending_for_unit_a_as_of_a_date
# "as of 2016-11-15, indicator c05 is pending for unit A": a conditional per unit
mkdir -p "$T_TMP/c05"
cat >"$T_TMP/c05/aftale.lua" <<'LUA'
model "aftale" { title = "Aftale", theme "t" { title = "T",
  indicator "c05" { type = "conditional", condition = "direktionens beslutning", deadline = "ultimo 2016",
    sql = [[SELECT unit_id, decided, done FROM beslutninger]] } } }
LUA
cat >"$T_TMP/c05/aftale.test.lua" <<'LUA'
test "c05 venter for A" {
  as_of = "2016-11-15",
  data = { beslutninger = { { unit_id = "A", decided = null, done = null },
                            { unit_id = "B", decided = "2016-09-01", done = null } } },
  indicator "c05" { unit = "A", status = "pending" },
  indicator "c05" { unit = "B", status = "on track" },
}
LUA
t_run test "$T_TMP/c05"
expect_exit 0
expect_stdout_has "1 test: 1 passed, 0 failed"
sed -i 's/unit = "A", status = "pending"/unit = "A", status = "on track"/' "$T_TMP/c05/aftale.test.lua"
t_run test "$T_TMP/c05"
expect_exit 1
expect_stdout_has 'aftale.test.lua:5: indicator "c05" (unit A): status'
expect_stdout_has 'expected: "on track"'
expect_stdout_has 'got:      "pending"'

t_done
