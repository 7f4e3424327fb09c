#!/usr/bin/env bash
# Scoring with hand-computed totals: the bundled EFQM 2020 RADAR model (models/efqm2020,
# totals in its demo_data.lua) and CAF 2020 fine-tuned; rules apply at the level they are
# declared for; a points key that is no id is an error at its line; points-based models show
# points, percentage and maximum; JSON carries unrounded values.
source "$(dirname "$0")/lib.sh"
E="$QM_SOURCE_DIR/models/efqm2020"
C="$QM_SOURCE_DIR/models/caf2020"

t_case efqm_radar_total_is_the_hand_computed_563_of_1000
"$QM" run "$E/demo_data.lua" --db "$T_TMP/efqm.db" --write >/dev/null || t_fail "efqm demo data"
t_run run "$E/efqm2020.lua" --db "$T_TMP/efqm.db" --report konsensusrapport --format json
expect_exit 0
python3 - "$T_OUT" >"$T_TMP/e.txt" 2>&1 <<'PY' || t_fail "$(cat "$T_TMP/e.txt")"
import json, sys
d = json.load(open(sys.argv[1]))
# 50 + 60 + 40 + 120 + 53 1/3 + 130 + 110 (demo_data.lua), unrounded
assert d["score"] == 563.3333333333334 and d["max"] == 1000, (d["score"], d.get("max"))
by = {t["id"]: t for t in d["themes"]}
want = {"1": (50, 50, 100), "2": (60, 60, 100), "3": (40, 40, 100), "4": (60, 120, 200),
        "5": (160 / 3, 160 / 3, 100), "6": (65, 130, 200), "7": (55, 110, 200)}
for k, (pct, pts, mx) in want.items():
    t = by[k]
    assert abs(t["score"] - pct) < 1e-12 and abs(t["points"] - pts) < 1e-12 and t["max"] == mx, (k, t["score"], t["points"], t["max"])
assert by["5"]["score"] == 53.333333333333336, by["5"]["score"]     # not rounded to 53.3
PY
t_run run "$E/efqm2020.lua" --db "$T_TMP/efqm.db" --report konsensusrapport
expect_exit 0
expect_stdout_has "Samlet score: 563,3 af 1000 point"
grep -qE '^4 .*execution +60 +120 +200$' "$T_OUT" || t_fail "criterion 4 shows percent, points and maximum"
expect_stdout_has "Score (%)"

t_case rollup_and_follow_up_of_a_points_model_show_points_and_the_maximum
# two units: a's latest round assesses criteria 1, 4 and 6 only (300 of 500 points), its
# previous round all seven (563 1/3 of 1000), b all seven; the follow-up states each total out
# of its own maximum, and the roll-up's median of totals out of different maxima says so (one
# respondent a unit: --min-group 1 shows them, reports.md "Small groups")
cp "$E/efqm2020.lua" "$T_TMP/efqm2020.lua"
cat >"$T_TMP/efqm_units.lua" <<'LUA'
local efqm = use "efqm2020.lua"
local all = {
  ["1a"] = 60, ["1d"] = 50, ["1r"] = 40, ["2a"] = 70, ["2d"] = 60, ["2r"] = 50, ["3a"] = 40, ["3d"] = 40, ["3r"] = 40,
  ["4a"] = 60, ["4d"] = 70, ["4r"] = 50, ["5a"] = 50, ["5d"] = 50, ["5r"] = 60, ["6u"] = 60, ["6p"] = 70,
  ["7u"] = 50, ["7p"] = 60,
}
local some = { ["1a"] = 60, ["1d"] = 50, ["1r"] = 40, ["4a"] = 60, ["4d"] = 70, ["4r"] = 50, ["6u"] = 60, ["6p"] = 70 }
store.transaction(function()
  store.unit { id = "org", kind = "organisation", name = "Org" }
  store.unit { id = "a", parent = "org", kind = "enhed", name = "A" }
  store.unit { id = "b", parent = "org", kind = "enhed", name = "B" }
  local function round(id, unit, started, agreed, previous)
    store.round { id = id, model = "efqm2020", unit = unit, started = started, previous = previous }
    store.participant(id, { code = "A1" }, efqm.max_participants)
    for q, v in pairs(agreed) do store.response { round = id, participant = "A1", question = q, score = v } end
    for q, v in pairs(agreed) do
      store.consensus { round = id, question = q, score = v, comment = "ok", by = "g", at = "2026-03-01T10:00:00Z" }
    end
  end
  round("a1", "a", "2025-02-01", all)
  round("a2", "a", "2026-02-01", some, "a1")
  round("b1", "b", "2026-02-01", all)
end)
LUA
"$QM" run "$T_TMP/efqm_units.lua" --db "$T_TMP/units.db" --write >"$T_TMP/d.txt" 2>&1 || t_fail "data: $(cat "$T_TMP/d.txt")"
t_run run "$T_TMP/efqm2020.lua" --db "$T_TMP/units.db" --round a2 --report opfoelgning
expect_exit 0
expect_stdout_has "Samlet score før:             563,3 af 1000 point"
expect_stdout_has "Samlet score nu:              300 af 500 point"
t_run run "$T_TMP/efqm2020.lua" --db "$T_TMP/units.db" --round a2 --report opfoelgning --format json
python3 -c "
import json; d = json.load(open('$T_OUT'))
assert d['max_before'] == 1000 and d['max_now'] == 500 and d['score_now'] == 300, d
" || t_fail "follow-up JSON: each total's maximum"
t_run run "$T_TMP/efqm2020.lua" --db "$T_TMP/units.db" --report rollup --min-group 1
expect_exit 0
expect_stdout_has "(enhedernes maksimum er forskelligt: 500, 1000 point)"
expect_stdout_has "Point (median)"
t_run run "$T_TMP/efqm2020.lua" --db "$T_TMP/units.db" --report rollup --min-group 1 --lang en
expect_stdout_has "(the units' maxima differ: 500, 1000 points)"
expect_stdout_has "Points (median)"
expect_stdout_has "Median (%)"
t_run run "$T_TMP/efqm2020.lua" --db "$T_TMP/units.db" --round a2 --report opfoelgning --lang en
expect_stdout_has "563.3 of 1000 points"
t_run run "$T_TMP/efqm2020.lua" --db "$T_TMP/units.db" --report rollup --unit b --min-group 1
expect_exit 0
expect_stdout_has "Median af samlet score: 563,3 af 1000 point"
grep -qE '^4 .* 120 +200$' "$T_OUT" || t_fail "criterion 4 in the roll-up: points 120 of 200"
t_run run "$T_TMP/efqm2020.lua" --db "$T_TMP/units.db" --report rollup --format json --min-group 1
python3 -c "
import json; d = json.load(open('$T_OUT'))
assert d['total_max'] is None, d['total_max']      # the units' maxima differ
by = {t['theme']: t for t in d['themes']}
assert by['4']['points_max'] == 200 and by['4']['points_median'] == 120, by['4']
assert by['5']['points_median'] == 160 / 3 and by['5']['units'] == 1, by['5']   # unrounded; only b assessed 5
" || t_fail "roll-up JSON: points per criterion"

t_case a_model_level_points_rule_is_not_applied_to_every_theme
# before: the model's scoring.efqm also scored each theme, found no question ids and gave 0
t_run run "$E/efqm2020.lua" --db "$T_TMP/efqm.db" --report konsensusrapport --format json
python3 -c "
import json, sys; d = json.load(open('$T_OUT'))
assert all(t['score'] > 0 for t in d['themes']), [t['score'] for t in d['themes']]
" || t_fail "themes scored by the model's rule"

t_case a_points_key_that_is_no_id_is_an_error_at_its_line_with_did_you_mean
mkdir -p "$T_TMP/bad"
sed 's/\["7"\] = 200/["8"] = 200/' "$E/efqm2020.lua" >"$T_TMP/bad/efqm_typo.lua"
t_run check "$T_TMP/bad/efqm_typo.lua"
expect_exit 1
line=$(grep -n 'scoring = scoring.efqm' "$T_TMP/bad/efqm_typo.lua" | cut -d: -f1)
expect_stdout_has "efqm_typo.lua:$line: error: scoring.efqm on model \"efqm2020\": points are given for \"8\", which it does not score (did you mean \"7\"?)"
expect_stdout_has "theme \"7\" has no points"

t_case efqm_points_on_a_scale_that_is_no_percentage_is_a_warning
# efqm reads each value as a percentage: a 3 on 1-5 would be 3 % of the points
cat >"$T_TMP/bad/ef5.lua" <<'LUA'
return model "ef5" { scale = scale.ordinal { 1, 5 },
  scoring = scoring.efqm { points = { a = 100, b = 200 } },
  theme "a" { question "a1" { text = "x" } },
  theme "b" { scale = scale.percent {}, question "b1" { text = "y" } },
}
LUA
t_run check "$T_TMP/bad/ef5.lua"
expect_exit 0
expect_stdout_has 'ef5.lua:2: warning: scoring.efqm on model "ef5": question "a1" is scored on 1-5, but efqm reads each value as a percentage (0-100): give it a percent scale'
expect_stdout_lacks 'question "b1"'
t_run check "$E/efqm2020.lua"
expect_stdout_lacks "warning"

t_case inherit_true_applies_a_rule_below_and_weights_are_1_by_default
cat >"$T_TMP/bad/inherit.lua" <<'LUA'
local scoring_rule = scoring.sum()
local function items(...) local out = {} for i, v in ipairs { ... } do out[i] = { id = tostring(i), value = v } end return out end
assert(scoring.apply(scoring.sum(), { { id = "a", value = 2, weight = 10 }, { id = "b", value = 3, weight = 10 } }) == 5,
  "scoring.sum does not multiply by weights unless asked")
assert(scoring.apply(scoring.sum { weighted = true }, { { id = "a", value = 2, weight = 10 }, { id = "b", value = 3 } }) == 23)
local seen
scoring.apply(function(its) seen = its[1].weight return 0 end, items(4))
assert(seen == 1, "a custom rule gets weight 1 when none is set")
local ok, err = pcall(scoring.sum, { weigthed = true })
assert(not ok and err:find("unknown option weigthed", 1, true), err)
local m = model "inh" {
  scale = scale.percent {},
  scoring = scoring.median { inherit = true },
  theme "a" { question "a1" { text = "?" } },
  theme "b" { scoring = scoring.mean(), theme "b1" { question "b11" { text = "?" } } },
}
assert(m:find("a"):scoring_of().name == "median", "inherit = true reaches the theme")
assert(m:find("b"):scoring_of().name == "mean")
assert(m:find("b1"):scoring_of().name == "median", "b's rule applies to b only: b1 gets the inherited one")
local m2 = model "noinh" { scale = scale.percent {}, scoring = scoring.median(), theme "a" { question "a1" { text = "?" } } }
assert(m2:find("a"):scoring_of().name == "mean", "a model's rule is not applied to its themes")
print("inherit ok")
LUA
t_run run "$T_TMP/bad/inherit.lua"
expect_exit 0
expect_stdout_has "inherit ok"

t_case weights_under_a_plain_sum_warn_and_point_to_the_weighted_sum
# the issue's trap: theme weights set to the points under scoring.sum(); the warning must
# lead to a weighted sum (a weighted mean would give a mean, not points)
cat >"$T_TMP/bad/sum.lua" <<'LUA'
return model "summ" { scale = scale.percent {},
  scoring = scoring.sum(),
  theme "a" { weight = 100, question "a1" { text = "?" } },
}
LUA
t_run check "$T_TMP/bad/sum.lua"
expect_exit 0
expect_stdout_has 'sum.lua:3: warning: theme "a": weight 100 given but model "summ" scores by sum, which ignores weights (use scoring = scoring.sum { weighted = true })'
sed 's/scoring.sum()/scoring.sum { weighted = true }/' "$T_TMP/bad/sum.lua" >"$T_TMP/bad/wsum.lua"
t_run check "$T_TMP/bad/wsum.lua"
expect_exit 0
expect_stdout_lacks "warning"

t_case caf_fine_tuned_totals_are_the_hand_computed_means
# each sub-criterion c.s agreed as PLAN/DO/CHECK/ACT (or TRENDS/TARGETS) around 10c + 5s - 5,
# so the criterion means are 17.5 27.5 35 52.5 55 62.5 72.5 82.5 92.5 and the model's mean of
# its criteria 497.5 / 9
cat >"$T_TMP/caf_data.lua" <<'LUA'
local caf = use "caf2020.lua"
store.transaction(function()
  store.unit { id = "u", kind = "afdeling", name = "U" }
  store.round { id = "f", model = "caf2020", unit = "u", started = "2026-02-01" }
  store.participant("f", { code = "A1" }, caf.max_participants)
  local function parts(q)
    local c, s = q.id:match("^(%d)%.(%d)$")
    local t = 10 * tonumber(c) + 5 * tonumber(s) - 5
    return q:scale_of().panel == "enablers" and { plan = t + 5, ["do"] = t - 5, check = t + 5, act = t - 5 }
      or { trends = t + 5, targets = t - 5 }
  end
  for _, q in ipairs(caf:questions()) do store.response { round = "f", participant = "A1", question = q.id, score = parts(q) } end
  for _, q in ipairs(caf:questions()) do
    store.consensus { round = "f", question = q.id, score = parts(q), comment = "fine", by = "gruppen", at = "2026-03-01T10:00:00Z" }
  end
end)
LUA
cp "$C/caf2020.lua" "$T_TMP/caf2020.lua"
"$QM" run "$T_TMP/caf_data.lua" --db "$T_TMP/caf.db" --write --param scoring=fine >"$T_TMP/d.txt" 2>&1 || t_fail "caf data: $(cat "$T_TMP/d.txt")"
t_run run "$C/caf2020.lua" --param scoring=fine --db "$T_TMP/caf.db" --report konsensusrapport --format json
expect_exit 0
python3 - "$T_OUT" >"$T_TMP/c.txt" 2>&1 <<'PY' || t_fail "$(cat "$T_TMP/c.txt")"
import json, sys
d = json.load(open(sys.argv[1]))
want = [17.5, 27.5, 35, 52.5, 55, 62.5, 72.5, 82.5, 92.5]
got = [t["score"] for t in d["themes"]]
assert got == want, got
assert d["score"] == 497.5 / 9 == 55.27777777777778, d["score"]
PY
t_run run "$C/caf2020.lua" --param scoring=fine --db "$T_TMP/caf.db" --report konsensusrapport
expect_stdout_has "Samlet score: 55,3"

t_case caf_charts_take_the_axis_from_the_questions_scales
# CAF has no model scale: its questions are on 0-5 (classic). The radar's rings and the spread
# charts' axes run 0-5, not 0-100 (where every score sat in the first 5 % of the axis)
"$QM" run "$C/demo_data.lua" --db "$T_TMP/caf.db" --write >/dev/null || t_fail "caf demo data"
t_run run "$C/caf2020.lua" --db "$T_TMP/caf.db" --report demo --as-of 2025-10-01 --format html --out "$T_TMP/caf.html"
expect_exit 0
python3 - "$T_TMP/caf.html" <<'PY' || t_fail "caf chart axes"
import re, sys
h = open(sys.argv[1], encoding="utf-8").read()
svgs = re.findall(r'<svg .*?</svg>', h, re.S)
assert svgs, "no charts"
for s in svgs:
    if 'qm-chart-radar' in s or 'qm-chart-dots' in s:
        ticks = re.findall(r'font-size="10">([0-9,.]+)<', s)
        top = max(float(t.replace(",", ".")) for t in ticks) if ticks else None
        assert top is not None and 4 <= top <= 5, (s[:120], ticks)
PY

t_done
