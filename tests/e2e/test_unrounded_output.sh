#!/usr/bin/env bash
# Numbers for programs are unrounded (issue 10: "JSON carries unrounded values; rounding is
# for people"): the konsensus JSON's CAF fine-tuned part statistics, the konsensusrapport's
# CSV table (written for programs), while text keeps rounding for people.
source "$(dirname "$0")/lib.sh"
C="$QM_SOURCE_DIR/models/caf2020"
K="$QM_SOURCE_DIR/models/kik"

t_case konsensus_json_part_statistics_are_unrounded
cp "$C/caf2020.lua" "$T_TMP/caf2020.lua"
cat >"$T_TMP/parts.lua" <<'LUA'
local caf = use "caf2020.lua"
store.transaction(function()
  store.unit { id = "u", kind = "afdeling", name = "U" }
  store.round { id = "f", model = "caf2020", unit = "u", started = "2026-02-01" }
  for p, v in ipairs { 10.125, 20.456, 30.789 } do
    store.participant("f", { code = "A" .. p }, caf.max_participants)
    store.response { round = "f", participant = "A" .. p, question = "1.1", score = { plan = v, ["do"] = v, check = v, act = v } }
  end
end)
LUA
"$QM" run "$T_TMP/parts.lua" --db "$T_TMP/parts.db" --write --param scoring=fine >"$T_TMP/d.txt" 2>&1 || t_fail "data: $(cat "$T_TMP/d.txt")"
t_run run "$T_TMP/caf2020.lua" --param scoring=fine --db "$T_TMP/parts.db" --report konsensus --format json
expect_exit 0
python3 - "$T_OUT" >"$T_TMP/p.txt" 2>&1 <<'PY' || t_fail "$(cat "$T_TMP/p.txt")"
import json, sys
d = json.load(open(sys.argv[1]))
parts = [a for a in d["agenda"] if a["question"] == "1.1"][0]["parts"]
assert parts["PLAN"] == {"median": 20.456, "min": 10.125, "max": 30.789}, parts["PLAN"]   # was 20.46, 10.1, 30.8
PY

t_case konsensusrapport_csv_is_unrounded_and_text_is_rounded_for_people
"$QM" run "$K/demo_data.lua" --db "$T_TMP/kik.db" --write >/dev/null 2>&1 || t_fail "kik demo data"
t_run run "$K/kik.lua" --db "$T_TMP/kik.db" --report konsensusrapport --round 2025-aeblet --format csv
expect_exit 0
# question 1.1: 25 30 45 50 50 55 55 55 60 90, sd 17.646214576755234 (Python's statistics.stdev)
expect_stdout_has "ledelse,1.1,55,25,90,17.646214576755234,10,"
t_run run "$K/kik.lua" --db "$T_TMP/kik.db" --report konsensusrapport --round 2025-aeblet
expect_exit 0
expect_stdout_has "25-90 (sd 17,6, n 10)"   # Danish, the default language

t_done
