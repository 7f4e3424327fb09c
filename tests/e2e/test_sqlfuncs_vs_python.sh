#!/usr/bin/env bash
# qm's SQL statistics agree with Python's statistics module (an independent implementation)
# on generated data with NULLs, single values, ties, all-equal groups and even counts.
source "$(dirname "$0")/lib.sh"
db="$T_TMP/data.db"

python3 - "$db" >"$T_TMP/expected.txt" <<'PY'
import random, sqlite3, statistics, sys
rnd = random.Random(20261124)
con = sqlite3.connect(sys.argv[1])
con.execute("CREATE TABLE r(g INTEGER, x REAL)")
groups = {}
for g in range(300):
    kind = g % 6
    n = [1, 2, 7, 10, 11, 40][kind]
    vals = []
    for _ in range(n):
        if kind == 5 and rnd.random() < 0.1:
            v = None
        elif g % 7 == 0:
            v = 3.0                               # all equal
        elif g % 2 == 0:
            v = float(rnd.randint(1, 5))          # ties
        else:
            v = round(rnd.uniform(0, 100), 3)
        vals.append(v)
        con.execute("INSERT INTO r VALUES (?, ?)", (g, v))
    groups[g] = [v for v in vals if v is not None]
con.commit()
def q(vals, p):   # linear interpolation between closest ranks (= numpy default)
    s = sorted(vals); h = (len(s) - 1) * p / 100; lo = int(h)
    return s[lo] if lo >= len(s) - 1 else s[lo] + (h - lo) * (s[lo + 1] - s[lo])
for g, v in sorted(groups.items()):
    if not v: continue
    med = statistics.median(v)
    if len(v) >= 4:
        qs = statistics.quantiles(v, n=4, method="inclusive")
        assert abs(qs[0] - q(v, 25)) < 1e-9 and abs(qs[2] - q(v, 75)) < 1e-9
    sd = statistics.stdev(v) if len(v) > 1 else None
    var = statistics.variance(v) if len(v) > 1 else None
    modes = sorted(statistics.multimode(v))
    print(g, repr(med), repr(q(v, 90)), repr(q(v, 75) - q(v, 25)), repr(sd), repr(var), repr(modes[0]),
          ",".join(str(int(m)) if m == int(m) else repr(m) for m in modes))
PY

cat >"$T_TMP/stats.lua" <<'LUA'
local function show(v) if v == null then return "None" end return ("%.17g"):format(v) end
for r in db:query([[SELECT g, median(x) m, percentile(x, 90) p, iqr(x) i, stddev(x) s, variance(x) v,
                           mode(x) mo, modes(x) ms FROM r GROUP BY g HAVING count(x) > 0 ORDER BY g]]) do
  print(r.g, show(r.m), show(r.p), show(r.i), show(r.s), show(r.v), show(r.mo), r.ms)
end
LUA

t_case sql_statistics_agree_with_python_statistics
t_run run "$T_TMP/stats.lua" --db "$db"
expect_exit 0
python3 - "$T_TMP/expected.txt" "$T_OUT" >"$T_TMP/compare.txt" 2>&1 <<'PY'
import sys
exp = [l.split() for l in open(sys.argv[1])]
got = [l.split("\t") for l in open(sys.argv[2]).read().splitlines()]
assert len(exp) == len(got), f"{len(exp)} groups expected, {len(got)} got"
bad = 0
for e, g in zip(exp, got):
    for i in range(1, 7):
        ev, gv = e[i], g[i]
        if ev == "None" or gv == "None":
            ok = ev == gv
        else:
            ok = abs(float(ev) - float(gv)) <= 1e-9 * max(1, abs(float(ev)))
        if not ok:
            bad += 1; print("group", e[0], "column", i, "expected", ev, "got", gv)
    if e[7] != g[7].strip():
        bad += 1; print("group", e[0], "modes expected", e[7], "got", g[7])
print("groups compared:", len(exp), "mismatches:", bad)
sys.exit(1 if bad else 0)
PY
[ $? -eq 0 ] || t_fail "$(cat "$T_TMP/compare.txt")"
grep -qE "groups compared: [0-9]{3}" "$T_TMP/compare.txt" || t_fail "too few groups: $(cat "$T_TMP/compare.txt")"

t_case consensus_stats_agree_with_python_including_dontknows_ties_and_single_raters
cat >"$T_TMP/cs.lua" <<'LUA'
for r in db:query([[SELECT g, count(*) - count(x) AS dk, consensus_stats(x, 5, 1) AS js, hex(consensus_blob(x, 5, 1)) AS b
                    FROM r GROUP BY g ORDER BY g]]) do
  print(r.g, r.dk, r.js == null and "null" or r.js, r.b)
end
LUA
t_run run "$T_TMP/cs.lua" --db "$db"
expect_exit 0
python3 - "$db" "$T_OUT" >"$T_TMP/cs.txt" 2>&1 <<'PY'
import json, sqlite3, statistics, struct, sys
con = sqlite3.connect(sys.argv[1])
groups = {}
for g, x in con.execute("SELECT g, x FROM r"):
    groups.setdefault(g, []).append(x)
def q(s, p):
    h = (len(s) - 1) * p / 100; lo = int(h)
    return s[lo] if lo >= len(s) - 1 else s[lo] + (h - lo) * (s[lo + 1] - s[lo])
bad = 0; seen = 0
for line in open(sys.argv[2]).read().splitlines():
    g, dk, js, blob = line.split("\t")
    vals = groups[int(g)]; v = sorted(x for x in vals if x is not None)
    assert int(dk) == len(vals) - len(v), (g, dk)
    b = struct.unpack("<12d", bytes.fromhex(blob))
    assert int(b[0]) == len(v) and int(b[1]) == len(vals) - len(v), (g, b[:2])
    if not v:
        assert js == "null"; continue
    d = json.loads(js); seen += 1
    med = statistics.median(v); modes = sorted(statistics.multimode(v)); top = v.count(modes[0])
    exp = {"n": len(v), "mean": statistics.mean(v), "median": med, "min": v[0], "max": v[-1], "range": v[-1] - v[0],
           "iqr": q(v, 75) - q(v, 25), "mode_outside": len(v) - top,
           "within_k": sum(1 for x in v if abs(x - med) <= 1 + 1e-9) / len(v)}
    if len(v) > 1:
        s2 = statistics.variance(v); exp["sd"] = s2 ** 0.5; exp["rwg"] = max(0.0, 1 - s2 / ((25 - 1) / 12))
    else:
        assert d["sd"] is None and d["rwg"] is None
    for k, e in exp.items():
        if abs(d[k] - e) > 1e-9 * max(1, abs(e)):
            bad += 1; print("group", g, k, "expected", e, "got", d[k])
    if sorted(d["modes"]) != modes: bad += 1; print("group", g, "modes", modes, d["modes"])
    if abs(b[3] - med) > 1e-9 or abs(b[2] - statistics.mean(v)) > 1e-9: bad += 1; print("group", g, "blob", b)
print("groups:", seen, "mismatches:", bad)
sys.exit(1 if bad or seen < 200 else 0)
PY
[ $? -eq 0 ] || t_fail "$(tail -20 "$T_TMP/cs.txt")"

t_done
