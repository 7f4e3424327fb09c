"""oracle.py — the independent computation qm's statistics are checked against: Python's
statistics module on generated panels (ties, one rater, all equal, don't-knows, KIK's 0-100
in steps of 5, CAF's 0-5 on themes, 1-5). Used by tests/e2e/test_sqlfuncs_vs_python.sh.

  oracle.py make DB          writes the panels into DB (tables panels, r)
  oracle.py compare DB FILE  compares FILE (one JSON object per line, from qm) with the oracle
"""
import json, math, random, sqlite3, statistics, sys

SCALES = {  # name: (A, step, lo)
    "kik": (21, 5, 0), "caf": (6, 1, 0), "likert": (5, 1, 1),
}
TIES = ["median", "lowest", "highest", "flag"]


def make(path, report=False):
    """report: the parameters a report uses, from each question's own scale: k = one step,
    ties = "median" (the model's rule); "pct" panels on a percent scale (no countable options)"""
    rnd = random.Random(20261124)
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE panels(id INTEGER PRIMARY KEY, scale TEXT, A INTEGER, step REAL, k REAL, ties TEXT)")
    con.execute("CREATE TABLE r(panel INTEGER, x REAL)")
    for pid in range(64):
        scale = ["kik", "caf", "likert"][pid % 3]
        A, step, lo = SCALES[scale]
        kind = pid % 8
        n = [1, 2, 5, 7, 9, 10, 12, 40][kind]
        k = step * (pid % 3)             # 0, one step or two steps
        ties = TIES[pid % 4]
        if report:
            k, ties = step, "median"
        equal = pid % 11 == 0
        for i in range(n):
            if pid == 63 or (i > 0 and rnd.random() < 0.15):
                x = None                 # don't know
            elif equal:
                x = lo + step * 2
            elif pid % 5 == 0 and n >= 6:
                x = lo + step * (0 if i % 2 else A - 1)   # two tied modes at the ends
            else:
                x = lo + step * rnd.randint(0, A - 1)
            con.execute("INSERT INTO r VALUES (?, ?)", (pid, x))
        con.execute("INSERT INTO panels VALUES (?, ?, ?, ?, ?, ?)", (pid, scale, A, step, k, ties))
    if report:   # a percent scale: any number 0-100, rwg has no null distribution
        for pid in range(64, 70):
            for i in range(5):
                con.execute("INSERT INTO r VALUES (?, ?)", (pid, round(rnd.uniform(0, 100), 2)))
            con.execute("INSERT INTO panels VALUES (?, 'pct', NULL, 1, 1, 'median')", (pid,))
    con.commit()


def q(v, p):
    """inclusive quantile (type 7), from Python's own statistics.quantiles where it applies"""
    if len(v) == 1:
        return v[0]
    if p == 50:
        return statistics.median(v)
    qs = statistics.quantiles(v, n=4, method="inclusive")
    return qs[0] if p == 25 else qs[2]


def expected(v, A, step, k, ties):
    """every statistic of one panel (v: the scores, don't-knows left out)"""
    v = sorted(v)
    n = len(v)
    if n == 0:
        return None
    med = statistics.median(v)
    modes = sorted(statistics.multimode(v))
    top = v.count(modes[0])
    pick = {"median": statistics.median(modes), "lowest": modes[0], "highest": modes[-1],
            "flag": modes[0] if len(modes) == 1 else None}[ties]
    e = {"n": n, "mean": statistics.mean(v), "median": med, "modes": modes, "mode": pick,
         "mode_outside": n - top, "min": v[0], "max": v[-1], "range": v[-1] - v[0],
         "q1": q(v, 25), "q3": q(v, 75), "within_k": sum(1 for x in v if abs(x - med) <= k + 1e-9 * max(1, abs(med))) / n}
    e["iqr"] = e["q3"] - e["q1"]
    if n > 1:
        var = statistics.variance(v)
        e["variance"], e["sd"] = var, statistics.stdev(v)
        e["rwg"] = max(0.0, 1 - (var / step ** 2) / ((A * A - 1) / 12)) if A else None
    else:
        e["variance"] = e["sd"] = e["rwg"] = None
    return e


def close(a, b):
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(close(x, y) for x, y in zip(a, b))
    return abs(a - b) <= 1e-12 * max(1.0, abs(b))


def compare(path, got_file):
    con = sqlite3.connect(path)
    panels = {pid: (A, step, k, ties) for pid, A, step, k, ties in con.execute("SELECT id, A, step, k, ties FROM panels")}
    scores = {}
    for pid, x in con.execute("SELECT panel, x FROM r ORDER BY rowid"):
        scores.setdefault(pid, []).append(x)
    bad = seen = 0
    kinds = set()
    for line in open(got_file).read().splitlines():
        got = json.loads(line)
        pid = got.pop("panel")
        A, step, k, ties = panels[pid]
        raw = scores[pid]
        v = [x for x in raw if x is not None]
        e = expected(v, A, step, k, ties)
        if "dontknow" in got and got.pop("dontknow") != len(raw) - len(v):
            bad += 1; print("panel", pid, "don't-knows differ")
        if e is None:
            kinds.add("nobody")
            if got.get("n") not in (0, None):
                bad += 1; print("panel", pid, "expected no scores, got", got)
            continue
        seen += 1
        kinds.add(("one" if len(v) == 1 else "equal" if len(set(v)) == 1 else
                   "tie" if len(statistics.multimode(v)) > 1 else "other"))
        if len(raw) != len(v): kinds.add("dontknow")
        for key, val in got.items():
            if key not in e:
                continue
            if not close(val, e[key]):
                bad += 1; print("panel", pid, key, "expected", e[key], "got", val)
        missing = [key for key in ("n", "mean", "median", "sd", "rwg") if key not in got]
        if missing:
            bad += 1; print("panel", pid, "keys missing:", missing)
    print("panels compared:", seen, "kinds:", ",".join(sorted(kinds)), "mismatches:", bad)
    want = {"one", "equal", "tie", "dontknow", "other", "nobody"}
    if not want <= kinds:
        print("the panels lack:", want - kinds); bad += 1
    return 1 if bad or seen < 40 else 0


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(sys.argv[2])
    elif sys.argv[1] == "make-report":
        make(sys.argv[2], report=True)
    else:
        sys.exit(compare(sys.argv[2], sys.argv[3]))
