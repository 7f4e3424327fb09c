#!/usr/bin/env bash
# qm's statistics agree with Python's statistics module (an independent implementation) on
# generated panels with ties, one rater, all equal, don't-knows, KIK's 0-100 in steps of 5,
# CAF's 0-5 and 1-5 (tests/e2e/stats/oracle.py): the SQL functions one by one,
# consensus_stats' JSON, consensus_blob and the Lua module qm.stats.
source "$(dirname "$0")/lib.sh"
oracle="$QM_SOURCE_DIR/tests/e2e/stats/oracle.py"
db="$T_TMP/panels.db"
python3 "$oracle" make "$db" || { echo "cannot make the panels"; exit 1; }

# one JSON object per line: {"panel": id, statistic: value, ...}
cat >"$T_TMP/enc.lua" <<'LUA'
local function num(v)
  if v == nil or v == null or v ~= v then return "null" end
  if math.type(v) == "integer" then return tostring(v) end
  return ("%.17g"):format(v)
end
local function line(t, keys)
  local parts = {}
  for _, k in ipairs(keys) do
    local v = t[k]
    if type(v) == "table" and v ~= null then
      local xs = {}
      for i, x in ipairs(v) do xs[i] = num(x) end
      v = "[" .. table.concat(xs, ",") .. "]"
    else v = num(v) end
    parts[#parts + 1] = ("%q:%s"):format(k, v)
  end
  print("{" .. table.concat(parts, ",") .. "}")
end
return { line = line }
LUA

t_case sql_functions_agree_with_python_statistics
cat >"$T_TMP/sql.lua" <<'LUA'
local line = require("enc").line
local keys = { "panel", "n", "mean", "median", "q1", "q3", "iqr", "sd", "variance", "mode", "modes",
               "mode_outside", "min", "max", "range", "within_k", "rwg" }
for r in db:query([[SELECT p.id AS panel, count(x) AS n, avg(x) AS mean, median(x) AS median,
      percentile(x, 25) AS q1, percentile(x, '75%') AS q3, iqr(x) AS iqr, stddev(x) AS sd,
      variance(x) AS variance, mode(x, p.ties) AS mode, modes(x) AS modes, mode_outside(x) AS mode_outside,
      min(x) AS min, max(x) AS max, max(x) - min(x) AS range, pct_within_median(x, p.k) AS within_k,
      rwg(x, p.A, p.step) AS rwg
    FROM r JOIN panels p ON p.id = r.panel GROUP BY p.id ORDER BY p.id]]) do
  if r.modes ~= null then
    local ms = {}
    for m in r.modes:gmatch("[^,]+") do ms[#ms + 1] = tonumber(m) end
    r.modes = ms
  end
  if r.n == 0 then r.n = null end
  line(r, keys)
end
LUA
t_run run "$T_TMP/sql.lua" --db "$db"
expect_exit 0
python3 "$oracle" compare "$db" "$T_OUT" >"$T_TMP/cmp.txt" 2>&1 || t_fail "$(tail -30 "$T_TMP/cmp.txt")"
grep -q "mismatches: 0" "$T_TMP/cmp.txt" && cat "$T_TMP/cmp.txt" || t_fail "$(cat "$T_TMP/cmp.txt")"

t_case consensus_stats_json_agrees_with_python_statistics
cat >"$T_TMP/cs.lua" <<'LUA'
local line = require("enc").line
local json = require "qm.json"
for r in db:query([[SELECT p.id AS panel, count(*) - count(x) AS dk, consensus_stats(x, p.A, p.k, p.step, p.ties) AS js
                    FROM r JOIN panels p ON p.id = r.panel GROUP BY p.id ORDER BY p.id]]) do
  if r.js == null then print(('{"panel":%d,"dontknow":%d,"n":0}'):format(r.panel, r.dk))
  else
    local s = json.decode(r.js, null)
    -- every key is present, null or not, and every null says why
    for _, k in ipairs { "n", "mean", "median", "mode", "modes", "mode_outside", "sd", "variance", "q1", "q3",
                         "iqr", "min", "max", "range", "within_k", "rwg", "k", "A", "step", "ties", "reasons" } do
      assert(s[k] ~= nil, "key " .. k .. " missing in " .. r.js)
    end
    for k, v in pairs(s) do
      if v == null and k ~= "A" then assert(s.reasons[k], "no reason for null " .. k .. " in " .. r.js) end
    end
    s.panel, s.dontknow = r.panel, r.dk
    line(s, { "panel", "dontknow", "n", "mean", "median", "q1", "q3", "iqr", "sd", "variance", "mode", "modes",
              "mode_outside", "min", "max", "range", "within_k", "rwg" })
  end
end
LUA
t_run run "$T_TMP/cs.lua" --db "$db"
expect_exit 0
python3 "$oracle" compare "$db" "$T_OUT" >"$T_TMP/cmp.txt" 2>&1 || t_fail "$(tail -30 "$T_TMP/cmp.txt")"
grep -q "mismatches: 0" "$T_TMP/cmp.txt" && cat "$T_TMP/cmp.txt" || t_fail "$(cat "$T_TMP/cmp.txt")"

t_case consensus_blob_agrees_with_python_statistics
cat >"$T_TMP/blob.lua" <<'LUA'
local line = require("enc").line
local names = { "n", "dontknow", "mean", "median", "sd", "rwg", "iqr", "min", "max", "range", "mode_outside",
                "within_k", "mode", "n_modes", "variance", "q1", "q3" }
for r in db:query([[SELECT p.id AS panel, consensus_blob(x, p.A, p.k, p.step, p.ties) AS b
                    FROM r JOIN panels p ON p.id = r.panel GROUP BY p.id ORDER BY p.id]]) do
  local v = { string.unpack("<" .. ("d"):rep(#names), r.b) }
  local s = { panel = r.panel }
  for i, k in ipairs(names) do s[k] = v[i] end
  s.n, s.dontknow = math.tointeger(s.n), math.tointeger(s.dontknow)
  line(s, { "panel", "dontknow", "n", "mean", "median", "q1", "q3", "iqr", "sd", "variance", "mode",
            "mode_outside", "min", "max", "range", "within_k", "rwg" })
end
LUA
t_run run "$T_TMP/blob.lua" --db "$db"
expect_exit 0
python3 "$oracle" compare "$db" "$T_OUT" >"$T_TMP/cmp.txt" 2>&1 || t_fail "$(tail -30 "$T_TMP/cmp.txt")"
grep -q "mismatches: 0" "$T_TMP/cmp.txt" && cat "$T_TMP/cmp.txt" || t_fail "$(cat "$T_TMP/cmp.txt")"

t_case lua_statistics_module_agrees_with_python_statistics
cat >"$T_TMP/mod.lua" <<'LUA'
local line = require("enc").line
local stats = require "qm.stats"
local scale = require "qm.scale"
local panels, order = {}, {}
for p in db:query("SELECT id, A, step, k, ties FROM panels ORDER BY id") do
  panels[p.id] = { p = p, xs = {}, n = 0 }
  order[#order + 1] = p.id
end
for r in db:query("SELECT panel, x FROM r ORDER BY rowid") do
  local xs = panels[r.panel].xs
  xs[#xs + 1] = r.x == null and scale.dontknow or r.x   -- don't know: scale.dontknow
end
for _, id in ipairs(order) do
  local p, xs = panels[id].p, panels[id].xs
  local s = stats.summary(xs, { A = p.A, step = p.step, k = p.k, ties = p.ties, dontknow = scale.dontknow })
  s.panel = id
  -- the single functions agree with the summary
  local nums = {}
  for _, x in ipairs(xs) do if x ~= scale.dontknow then nums[#nums + 1] = x end end
  if #nums > 0 then
    assert(stats.median(nums) == s.median and stats.mean(nums) == s.mean and stats.percentile(nums, 25) == s.q1)
    assert(stats.sd(nums) == s.sd and stats.variance(nums) == s.variance and stats.iqr(nums) == s.iqr)
    assert(stats.rwg(nums, p.A, p.step) == s.rwg and stats.within_k(nums, p.k) == s.within_k)
    assert(stats.mode(nums, p.ties) == s.mode)
  end
  if s.n == 0 then s.n = nil end
  line(s, { "panel", "dontknow", "n", "mean", "median", "q1", "q3", "iqr", "sd", "variance", "mode", "modes",
            "mode_outside", "min", "max", "range", "within_k", "rwg" })
end
LUA
t_run run "$T_TMP/mod.lua" --db "$db"
expect_exit 0
python3 "$oracle" compare "$db" "$T_OUT" >"$T_TMP/cmp.txt" 2>&1 || t_fail "$(tail -30 "$T_TMP/cmp.txt")"
grep -q "mismatches: 0" "$T_TMP/cmp.txt" && cat "$T_TMP/cmp.txt" || t_fail "$(cat "$T_TMP/cmp.txt")"

t_case report_json_agrees_with_python_with_theme_level_scales
# a model whose scales are declared on its themes (KIK 0-100 in steps of 5, CAF 0-5, 1-5 on
# each question, percent): every question's statistics in the konsensus and svarrapport JSON
rdb="$T_TMP/report.db"
python3 "$oracle" make-report "$rdb" || t_fail "cannot make the report panels"
mkdir -p "$T_TMP/rep"
cat >"$T_TMP/rep/panels.lua" <<'LUA'
local kik, caf, likert, pct = {}, {}, {}, {}
for i = 0, 63 do
  local t = ({ kik, caf, likert })[i % 3 + 1]
  t[#t + 1] = question("p" .. i) { text = "panel " .. i, scale = t == likert and scale.ordinal { 1, 5 } or nil }
end
for i = 64, 69 do pct[#pct + 1] = question("p" .. i) { text = "panel " .. i } end
kik.scale = scale.points { 0, 100, step = 5 }; kik.title = "KIK"
caf.scale = scale.caf_classic {}; caf.title = "CAF"
likert.title = "1-5 on the questions"
pct.scale = scale.percent {}; pct.title = "Percent"
return model "panels" {
  max_participants = 40,
  consensus = consensus.median {},
  theme "kik" (kik), theme "caf" (caf), theme "likert" (likert), theme "pct" (pct),
}
LUA
# the responses: the panels' scores in order, participant P01.. per panel; NULL = don't know
python3 - "$rdb" >"$T_TMP/rep/data.lua" <<'PY'
import sqlite3, sys
con = sqlite3.connect(sys.argv[1])
print('local m = use "panels.lua"')
print('store.transaction(function()')
print('  store.unit { id = "u", kind = "enhed", name = "U" }')
print('  store.round { id = "r", model = "panels", unit = "u", started = "2026-01-01" }')
print('  for p = 1, 40 do store.participant("r", { code = ("P%02d"):format(p) }, 40) end')
seen = {}
for pid, x in con.execute("SELECT panel, x FROM r ORDER BY rowid"):
    seen[pid] = seen.get(pid, 0) + 1
    who = "P%02d" % seen[pid]
    if x is None:
        print('  store.response { round = "r", participant = "%s", question = "p%d", dontknow = true }' % (who, pid))
    else:
        print('  store.response { round = "r", participant = "%s", question = "p%d", score = %r }' % (who, pid, x))
print('end)')
PY
t_run run "$T_TMP/rep/data.lua" --db "$T_TMP/rep/engine.db" --write
expect_exit 0
t_run run "$T_TMP/rep/panels.lua" --db "$T_TMP/rep/engine.db" --report konsensus --round r --format json
expect_exit 0
cp "$T_OUT" "$T_TMP/konsensus.json"
python3 - "$T_TMP/konsensus.json" >"$T_TMP/rep/got.txt" <<'PY' || t_fail "konsensus JSON: $(cat "$T_TMP/rep/got.txt")"
import json, sys
d = json.load(open(sys.argv[1]))
c = d["conventions"]
assert c["sd"] == "sample (n - 1)" and "type 7" in c["quantiles"] and "scale steps" in c["rwg_null"] and c["mode_ties"] == "median", c
for item in d["agenda"]:
    s = dict(item["stats"])
    # every key present; a null says why
    for k in ("n", "mean", "median", "mode", "modes", "sd", "variance", "q1", "q3", "iqr", "within_k", "k", "rwg", "A", "step", "reasons"):
        assert k in s, (item["question"], k)
    for k, v in s.items():
        if v is None and k not in ("A",):
            assert k in s["reasons"] or (s["n"] == 0), (item["question"], k, s)
    s["panel"] = int(item["question"][1:])
    if s["n"] == 0: s["n"] = None
    print(json.dumps(s))
PY
python3 "$oracle" compare "$rdb" "$T_TMP/rep/got.txt" >"$T_TMP/cmp.txt" 2>&1 || t_fail "$(tail -30 "$T_TMP/cmp.txt")"
grep -q "panels compared: 69 .* mismatches: 0" "$T_TMP/cmp.txt" && cat "$T_TMP/cmp.txt" || t_fail "$(cat "$T_TMP/cmp.txt")"
# the bundled CAF 2020 case from issue 10: 3 4 4 5 3 on a theme's 0-5 scale gives rwg 0.76, and
# KIK's 60 70 70 75 80 65 70 90 70 on 0-100 in steps of 5 gives 0.917
cat >"$T_TMP/rep/two.lua" <<'LUA'
return model "two" {
  max_participants = 12,
  consensus = consensus.rwg { cutoff = 0.70 },
  theme "caf" { scale = scale.caf_classic {}, question "c" { text = "CAF" } },
  theme "kik" { scale = scale.points { 0, 100, step = 5 }, question "k" { text = "KIK" } },
}
LUA
cat >"$T_TMP/rep/two_data.lua" <<'LUA'
local m = use "two.lua"
store.transaction(function()
  store.unit { id = "u", kind = "enhed", name = "U" }
  store.round { id = "r", model = "two", unit = "u", started = "2026-01-01" }
  local caf, kik = { 3, 4, 4, 5, 3 }, { 60, 70, 70, 75, 80, 65, 70, 90, 70 }
  for p = 1, 9 do
    store.participant("r", { code = "P" .. p }, 12)
    if caf[p] then store.response { round = "r", participant = "P" .. p, question = "c", score = caf[p] } end
    store.response { round = "r", participant = "P" .. p, question = "k", score = kik[p] }
  end
end)
LUA
t_run run "$T_TMP/rep/two_data.lua" --db "$T_TMP/rep/two.db" --write
expect_exit 0
t_run run "$T_TMP/rep/two.lua" --db "$T_TMP/rep/two.db" --report konsensus --round r --format json
expect_exit 0
python3 - "$T_OUT" >"$T_TMP/two.txt" 2>&1 <<'PY' || t_fail "$(cat "$T_TMP/two.txt")"
import json, sys
d = json.load(open(sys.argv[1]))
by = {i["question"]: i for i in d["agenda"]}
assert abs(by["c"]["stats"]["rwg"] - 0.76) < 1e-12, by["c"]
assert abs(by["k"]["stats"]["rwg"] - 0.9174242424242425) < 1e-12, by["k"]
assert by["c"]["flag"] is False and by["k"]["flag"] is False, (by["c"]["flag"], by["k"]["flag"])
assert by["k"]["stats"]["A"] == 21 and by["k"]["stats"]["step"] == 5 and by["c"]["stats"]["A"] == 6
PY

t_case medians_of_a_million_values_are_bit_identical_to_python
python3 - "$T_TMP/big.db" >"$T_TMP/big.txt" <<'PY'
import random, sqlite3, statistics, sys
rnd = random.Random(7)
con = sqlite3.connect(sys.argv[1])
con.execute("CREATE TABLE b(g, x)")
vals = {0: [rnd.uniform(-1e6, 1e6) for _ in range(1000000)], 1: [rnd.randint(0, 20) * 5 for _ in range(1000001)]}
for g, v in vals.items():
    con.executemany("INSERT INTO b VALUES (?, ?)", ((g, x) for x in v))
con.commit()
for g, v in vals.items():
    print(g, repr(float(statistics.median(v))), repr(statistics.variance(v)))
PY
cat >"$T_TMP/big.lua" <<'LUA'
for r in db:query("SELECT g, median(x) AS m, variance(x) AS v FROM b GROUP BY g ORDER BY g") do
  print(r.g, ("%.17g"):format(r.m), ("%.17g"):format(r.v))
end
LUA
t_run run "$T_TMP/big.lua" --db "$T_TMP/big.db"
expect_exit 0
python3 - "$T_TMP/big.txt" "$T_OUT" >"$T_TMP/cmp.txt" 2>&1 <<'PY' || t_fail "$(cat "$T_TMP/cmp.txt")"
import sys
exp = [l.split() for l in open(sys.argv[1])]
got = [l.split() for l in open(sys.argv[2])]
assert len(exp) == len(got) == 2, (exp, got)
for e, g in zip(exp, got):
    assert float(e[1]) == float(g[1]), ("median", e, g)                       # bit-identical
    assert abs(float(e[2]) - float(g[2])) <= 1e-13 * float(e[2]), ("variance", e, g)
print("ok")
PY

t_done
