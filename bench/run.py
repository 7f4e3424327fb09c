#!/usr/bin/env python3
"""run.py -- every benchmark of qm's speed targets in one command (bench/README.md): for each
target, qm's time and its floor's (or peer's) time measured in the same run, in pairs (floor,
qm, floor, qm, ...), the ratio and qm's peak memory:

  national    the statistik report (CSV of every question of every round, --out a file) and
              the landsoversigt (the same pass without rows) against the floor query
              `national` of bench/floors.sql (target: 1.5x)
  start-up    qm check of the KIK model and the demo konsensusrapport against `lua5.4 -e ''`
              and `sqlite3 :memory: ''` (targets: 4 ms and 6 ms)
  job centre  every resultatbaseret-styring report (progression, stagnation, completeness,
              fokus, indsatser, coverage, borger: one citizen, a caseload, every citizen, in
              CSV and text) against its floor query in bench/floors.sql (target: 3x)
  import      `qm import` of national-scale answers against the sqlite3 shell's .import, as
              bench/import.py measures it (target: 3x)

  python3 bench/run.py [--quick] [--repeat N] [--only national,startup,jobcentre,import]
                       [--reports fokus,borger,...] [--qm build/qm] [--qm-bench build/qm_bench] [--data DIR]

Sizes: the national file (98 x 300 units x 10 participants x 40 questions = 11.76 M answers),
200 000 citizens (about 11 M scores), 12 M imported answers; --quick: 1/20 of the units, 10 000
citizens, 120 000 answers (--national-scale, --citizens, --answers set any of them). Data is generated once into bench/data/ (or --data) and reused.
CPU time (user + system, from the kernel's accounting of each child) is the figure the ratios
use: on a shared machine it is the steady one; wall time is printed beside it. Peak memory is
the child's maximum resident set (ru_maxrss). Each measurement is also printed as a line
  bench=<target> case=<qm|floor|peer> cpu_seconds=<s> seconds=<s> max_rss_mb=<mb>
and each target's result as
  bench=<target> result ratio=<median of the pairs' CPU ratios> target=<x> ok=<yes|no>"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KIK = os.path.join(ROOT, "models", "kik", "kik.lua")
JC_MODEL = os.path.join(ROOT, "models", "resultatbaseret_styring", "vejle.lua")
JC_DEMO = os.path.join(ROOT, "models", "resultatbaseret_styring", "demo_data.lua")
AS_OF = "2025-12-31"


EXEC = None   # qm_bench, which runs each measured command as its small parent


def measure(args, out=None):
    """(wall seconds, CPU seconds, peak RSS in MB) of one child process, as `qm_bench exec`
    measures it (the kernel's accounting of the child; its peak resident set is its own,
    where a child of this Python process would start from Python's); exits on failure"""
    fd, report = tempfile.mkstemp(prefix="qm-bench-")
    os.close(fd)
    try:
        with open(out or os.devnull, "wb") as sink:
            p = subprocess.run([EXEC, "exec", report] + args, stdout=sink, stderr=subprocess.PIPE)
        with open(report) as f:
            got = dict(kv.split("=") for kv in f.read().split())
    finally:
        os.remove(report)
    if p.returncode != 0 or got.get("status") != "0":
        sys.exit(f"run.py: {' '.join(args)} exited with {p.returncode}:\n{p.stderr.decode(errors='replace')[:2000]}")
    return float(got["seconds"]), float(got["cpu_seconds"]), int(got["max_rss_kb"]) / 1024.0


def floors():
    """the named floor queries of bench/floors.sql"""
    text = open(os.path.join(ROOT, "bench", "floors.sql"), encoding="utf-8").read()
    out = {}
    for m in re.finditer(r"^-- floor: (\w+)\n((?:--[^\n]*\n)*)(.*?;)", text, re.S | re.M):
        out[m.group(1)] = m.group(3).strip().rstrip(";")
    return out


def fill(sql, values):
    """the :names of a floor query as SQL literals"""
    return re.sub(r":(\w+)", lambda m: "'" + str(values[m.group(1)]).replace("'", "''") + "'", sql)


class Bench:
    def __init__(self, a):
        self.a = a
        self.rows = []    # (target, what, qm cpu, floor cpu, ratio, qm wall, floor wall, rss, goal)
        self.floor_sql = floors()

    def line(self, target, case, wall, cpu, rss):
        print(f"bench={target} case={case} cpu_seconds={cpu:.3f} seconds={wall:.3f} max_rss_mb={rss:.1f}", flush=True)

    def pair(self, target, what, qm_args, floor_args, goal, out=None):
        """floor and qm alternately, --repeat times; the median of the pairs' CPU ratios"""
        ratios, q, f = [], [], []
        for _ in range(self.a.repeat):
            fw, fc, fr = measure(floor_args)
            self.line(target, "floor", fw, fc, fr)
            qw, qc, qr = measure(qm_args, out)
            self.line(target, "qm", qw, qc, qr)
            ratios.append(qc / fc if fc > 0 else float("inf"))
            q.append((qw, qc, qr))
            f.append((fw, fc, fr))
        ratio = statistics.median(ratios)
        ok = "yes" if ratio <= goal else "no"
        print(f"bench={target} result ratio={ratio:.2f} target={goal} ok={ok}", flush=True)
        self.rows.append((target, what, statistics.median(x[1] for x in q), statistics.median(x[1] for x in f),
                          f"{ratio:.2f}x", statistics.median(x[0] for x in q), statistics.median(x[0] for x in f),
                          max(x[2] for x in q), f"{goal}x", ok))

    def step(self, db, name, **values):
        return [self.a.qm_bench, "step", db, fill(self.floor_sql[name], values)]

    # ------------------------------------------------------------ national

    def national(self):
        scale = self.a.national_scale or (0.05 if self.a.quick else 1.0)
        db = os.path.join(self.a.data, f"national-{scale:g}.db")
        if not os.path.exists(db):
            t0 = time.monotonic()
            measure([self.a.qm_bench, "--generate-only", "--scale", str(scale), "--db", db])
            print(f"# generated {db} in {time.monotonic() - t0:.0f} s", flush=True)
        out = os.path.join(self.tmp, "statistik.csv")
        floor = self.step(db, "national")
        qm = [self.a.qm, "run", KIK, "--db", db, "--timeout", "0", "--report"]
        self.pair("statistik", "statistik report, CSV to a file", qm + ["statistik", "--format", "csv", "--out", out], floor, 1.5)
        os.remove(out)
        self.pair("national", "national pass without rows (landsoversigt)", qm + ["landsoversigt", "--format", "csv"], floor, 1.5)

    # ------------------------------------------------------------ start-up

    def startup(self):
        db = os.path.join(self.a.data, "kik-demo.db")
        if not os.path.exists(db):
            measure([self.a.qm, "run", os.path.join(ROOT, "models", "kik", "demo_data.lua"), "--db", db, "--write"])
        peers = []
        if shutil.which("lua5.4"):
            peers.append(("lua5.4 -e ''", ["lua5.4", "-e", ""]))
        if shutil.which("sqlite3"):
            peers.append(("sqlite3 :memory: ''", ["sqlite3", ":memory:", ""]))
        cases = [("check", "qm check models/kik/kik.lua", [self.a.qm, "check", KIK], 0.004),
                 ("konsensusrapport", "demo konsensusrapport", [self.a.qm, "run", KIK, "--db", db, "--report",
                                                                 "konsensusrapport", "--round", "2025-aeblet"], 0.006)]
        n = self.a.startup_runs or (20 if self.a.quick else 50)
        times = {}
        for label, args in peers + [(c[0], c[2]) for c in cases]:
            times[label] = []
        for _ in range(n):   # interleaved, so a busy moment hits all alike
            for label, args in peers + [(c[0], c[2]) for c in cases]:
                times[label].append(measure(args))
        def best(label):     # the quickest run: start-up is the least the machine lets it take
            w = min(x[0] for x in times[label])
            c = min(x[1] for x in times[label])
            return w, c, max(x[2] for x in times[label])
        for label, _ in peers:
            w, c, r = best(label)
            self.line("startup", label.split()[0], w, c, r)
        base = best(peers[0][0]) if peers else None
        for key, what, _, goal in cases:
            w, c, r = best(key)
            self.line("startup", key, w, c, r)
            ok = "yes" if w <= goal else "no"
            print(f"bench=startup-{key} result seconds={w:.4f} target={goal} ok={ok}", flush=True)
            peer = " / ".join(f"{best(lbl)[0] * 1000:.1f} ms {lbl.split()[0]}" for lbl, _ in peers)
            self.rows.append((f"start-up: {key}", what, c, base[1] if base else float("nan"),
                              f"{w * 1000:.1f} ms (peers {peer})", w, base[0] if base else float("nan"), r,
                              f"{goal * 1000:g} ms", ok))

    # ------------------------------------------------------------ job centre

    def jobcentre(self):
        citizens = self.a.citizens or (10000 if self.a.quick else 200000)
        db = os.path.join(self.a.data, f"jobcentre-{citizens}.db")
        if not os.path.exists(db):
            t0 = time.monotonic()
            measure([self.a.qm, "run", JC_DEMO, "--db", db, "--write", "--timeout", "0", "--param", f"citizens={citizens}"])
            print(f"# generated {db} in {time.monotonic() - t0:.0f} s", flush=True)
        values = {"as_of": AS_OF, "caseworker": "sb03", "citizen": "B0007"}
        qm = [self.a.qm, "run", JC_MODEL, "--db", db, "--as-of", AS_OF, "--timeout", "0", "--report"]
        out = os.path.join(self.tmp, "jc.out")
        cases = [("progression", [], "jc_pairs", "csv"), ("stagnation", [], "jc_pairs", "csv"),
                 ("completeness", [], "jc_conversations", "csv"), ("coverage", [], "jc_scored", "csv"),
                 ("indsatser", [], "jc_pairs", "csv"), ("fokus", [], "jc_focus", "csv"),
                 ("borger", ["--param", "citizen=B0007"], "jc_citizen", "text"),
                 ("borger", ["--param", "caseworker=sb03"], "jc_caseload", "csv"),
                 ("borger", [], "jc_pairs", "csv"), ("borger", [], "jc_pairs", "text")]
        if self.a.reports:
            wanted = set(self.a.reports.split(","))
            cases = [c for c in cases if c[0] in wanted]
        for report, extra, floor, fmt in cases:
            what = " ".join([report] + [e for e in extra if e != "--param"] + [fmt])
            self.pair("jobcentre-" + what.replace(" ", "-"), f"{what} (floor {floor})",
                      qm + [report, "--format", fmt, "--out", out] + extra, self.step(db, floor, **values), 3)
            os.remove(out)

    # ------------------------------------------------------------ import

    def imports(self):
        sys.path.insert(0, os.path.join(ROOT, "bench"))
        import importlib
        imp = importlib.import_module("import")
        answers = self.a.answers or (120000 if self.a.quick else 12000000)
        if shutil.which("sqlite3") is None:
            print("# import: the sqlite3 shell is missing (scripts/setup.sh --bench): skipped", flush=True)
            return
        rounds = max(1, answers // imp.PER_ROUND)
        rows = rounds * imp.PER_ROUND
        data = os.path.join(self.a.data, f"import-{rows}")
        os.makedirs(data, exist_ok=True)
        csv, base = os.path.join(data, "responses.csv"), os.path.join(data, "base.db")
        model = os.path.join(data, "model.lua")
        if not (os.path.exists(csv) and os.path.exists(base) and os.path.exists(model)):
            with open(model, "w") as f:
                f.write(imp.model_text())
            with open(os.path.join(data, "setup.lua"), "w") as f:
                f.write(imp.setup_text(rounds))
            imp.write_csv(csv, rounds)
            if os.path.exists(base):
                os.remove(base)
            measure([self.a.qm, "run", os.path.join(data, "setup.lua"), "--db", base, "--write", "--timeout", "0"])
        dbs = {c: os.path.join(data, f"{c}.db") for c in ("sqlite3", "qm")}

        def fresh(case):
            for suffix in ("", "-wal", "-shm"):
                if os.path.exists(dbs[case] + suffix):
                    os.remove(dbs[case] + suffix)
            shutil.copyfile(base, dbs[case])
        ratios, q, f = [], [], []
        for _ in range(self.a.repeat):
            fresh("sqlite3")
            fw, fc, fr = measure(["sqlite3", dbs["sqlite3"], '.import --csv --skip 1 "%s" qm_responses' % csv.replace('"', '\\"')])
            self.line("import", "floor", fw, fc, fr)
            fresh("qm")
            qw, qc, qr = measure([self.a.qm, "import", "--db", dbs["qm"], "--write", "--quiet", "--timeout", "0",
                                  "--model", model, csv])
            self.line("import", "qm", qw, qc, qr)
            if imp.summary(dbs["qm"])[:3] != imp.summary(dbs["sqlite3"])[:3]:
                sys.exit("run.py: qm and sqlite3 imported different answers")
            ratios.append(qc / fc)
            q.append((qw, qc, qr))
            f.append((fw, fc, fr))
        ratio = statistics.median(ratios)
        ok = "yes" if ratio <= 3 else "no"
        print(f"bench=import result ratio={ratio:.2f} target=3 ok={ok}", flush=True)
        self.rows.append(("import", f"{rows} answers, qm import vs sqlite3 .import", statistics.median(x[1] for x in q),
                          statistics.median(x[1] for x in f), f"{ratio:.2f}x", statistics.median(x[0] for x in q),
                          statistics.median(x[0] for x in f), max(x[2] for x in q), "3x", ok))
        for c in dbs.values():
            os.remove(c)

    def table(self):
        print()
        print(f"{'target':<34} {'qm CPU':>8} {'floor CPU':>9} {'ratio':>8} {'qm wall':>8} {'floor wall':>10} {'qm peak':>9} {'goal':>6}  ok")
        for target, what, qc, fc, ratio, qw, fw, rss, goal, ok in self.rows:
            label = what if len(what) <= 34 else what[:33] + "…"
            if target.startswith("start-up"):
                print(f"{label:<34} {qc * 1000:>6.1f}ms {fc * 1000:>7.1f}ms {'':>8} {qw * 1000:>6.1f}ms {fw * 1000:>8.1f}ms {rss:>6.1f} MB {goal:>6}  {ok}  {ratio}")
            else:
                print(f"{label:<34} {qc:>7.2f}s {fc:>8.2f}s {ratio:>8} {qw:>7.2f}s {fw:>9.2f}s {rss:>6.1f} MB {goal:>6}  {ok}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small data: a look in minutes, not a measurement")
    ap.add_argument("--repeat", type=int, default=3, help="pairs per target (default 3)")
    ap.add_argument("--only", default="national,startup,jobcentre,import", help="which targets, comma-separated")
    ap.add_argument("--qm", default=os.path.join(ROOT, "build", "qm"))
    ap.add_argument("--qm-bench", default=os.path.join(ROOT, "build", "qm_bench"))
    ap.add_argument("--data", default=os.path.join(ROOT, "bench", "data"))
    # other sizes (the test suite's smoke test runs everything on tiny data)
    ap.add_argument("--national-scale", type=float, help="share of the national file's units (1 = 11.76 M answers)")
    ap.add_argument("--citizens", type=int, help="the job centre's citizens")
    ap.add_argument("--answers", type=int, help="answers to import")
    ap.add_argument("--startup-runs", type=int, help="runs of each start-up command")
    ap.add_argument("--reports", help="only these job-centre reports, comma-separated (e.g. fokus,borger)")
    a = ap.parse_args()
    a.repeat = max(1, a.repeat)
    global EXEC
    EXEC = a.qm_bench
    os.makedirs(a.data, exist_ok=True)
    b = Bench(a)
    print(f"# qm {a.qm}; {os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f}", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        b.tmp = tmp
        for name in a.only.split(","):
            {"national": b.national, "startup": b.startup, "jobcentre": b.jobcentre, "import": b.imports}[name.strip()]()
    b.table()


if __name__ == "__main__":
    main()
