#!/usr/bin/env python3
"""import.py -- the import benchmark: national-scale answers (PRODUCT.md: about 12 million)
as one CSV file, loaded into the engine's qm_responses table twice from the same starting
database -- by SQLite's own shell (`sqlite3 DB ".import --csv --skip 1 FILE qm_responses"`,
no checks at all) and by `qm import` (every row validated against the model: question,
scale, participants, duplicates; all or nothing, in one transaction) -- with wall time and
CPU time (user + system, the kernel's accounting of the child: on a shared machine the
steadier figure) and peak resident set (VmHWM, sampled every 20 ms) of each.

  python3 bench/import.py [--answers N] [--qm build/qm] [--sqlite3 sqlite3] [--reuse]

Data goes to bench/data/import-N/ (the CSV and the starting database are made once; --reuse
keeps them). One machine-readable line per measurement:
  bench=import case=<case> rows=<n> seconds=<s> cpu_seconds=<s> max_rss_mb=<mb>
then the ratios qm / sqlite3 (wall and CPU). bench/README.md records the figures."""
import argparse
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PARTICIPANTS, QUESTIONS = 10, 40
PER_ROUND = PARTICIPANTS * QUESTIONS
TEXTS = ["", "", "", "God dialog i gruppen", "Mere opfølgning; færre møder", "\"Klare mål\", tak"]


def hwm_mb(pid):
    """the process's peak resident set so far (VmHWM: of its own image since exec, unlike
    ru_maxrss, which counts the Python process that forked it)"""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return None


def measured(args, what):
    """wall seconds, CPU seconds (user + system, from the kernel's accounting of the child:
    on a busy machine the steadier figure) and peak RSS in MB (VmHWM, sampled every 20 ms)"""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    p = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0.0
    while p.poll() is None:
        h = hwm_mb(p.pid)
        if h is not None:
            peak = max(peak, h)
        time.sleep(0.02)
    secs = time.monotonic() - t0
    err = p.stderr.read().decode(errors="replace")
    p.stderr.close()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if p.returncode != 0 or err.strip():
        sys.exit(f"import.py: {what} failed (exit {p.returncode}):\n{err[:2000]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return secs, cpu, peak


def model_text():
    qs = "\n".join(f'    question "{t}.{q}" {{ text = "Spørgsmål {t}.{q}" }},'
                   for t in range(1, 5) for q in range(1, QUESTIONS // 4 + 1))
    return f'''-- the benchmark's model: {QUESTIONS} questions on KIK's 0-100 scale, 10 participants a round
model "national" {{
  title = "Benchmark", max_participants = {PARTICIPANTS},
  scale = scale.points {{ 0, 100, step = 5 }},
  theme "alt" {{ title = "Alt",
{qs}
  }},
}}
'''


def setup_text(rounds):
    return f'''-- the starting database: one unit and one open round per {PER_ROUND} answers
local m = use "model.lua"
store.transaction(function()
  store.unit {{ id = "dk", kind = "land", name = "Danmark" }}
  for k = 1, 98 do store.unit {{ id = ("k%02d"):format(k), parent = "dk", kind = "kommune", name = "Kommune " .. k }} end
  for r = 1, {rounds} do
    local unit = ("u%06d"):format(r)
    store.unit {{ id = unit, parent = ("k%02d"):format(r % 98 + 1), kind = "enhed", name = "Enhed " .. r }}
    store.round {{ id = ("r%06d"):format(r), model = m.id, unit = unit, started = "2026-03-01" }}
  end
end)
'''


def write_csv(path, rounds):
    """round_id,participant,question,score,dontknow,strengths,improvements,suggestions: the
    columns of qm_responses in order, so sqlite3's .import fills the same table. Every answer
    has a score: sqlite3's .import stores an empty field as '' (never NULL), which the table's
    CHECK refuses for a don't-know."""
    qids = [f"{t}.{q}" for t in range(1, 5) for q in range(1, QUESTIONS // 4 + 1)]
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write("round_id,participant,question,score,dontknow,strengths,improvements,suggestions\n")
        for r in range(1, rounds + 1):
            rid = f"r{r:06d}"
            lines = []
            for p in range(1, PARTICIPANTS + 1):
                for qi, q in enumerate(qids):
                    score = ((r * 7 + p * 13 + qi * 17) % 21) * 5
                    s = TEXTS[(r + p + qi) % len(TEXTS)]
                    if s and ('"' in s or "," in s or ";" in s):
                        s = '"' + s.replace('"', '""') + '"'
                    lines.append(f"{rid},P{p:02d},{q},{score},0,{s},,\n")
            f.write("".join(lines))


def summary(db):
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as c:
        return c.execute("SELECT count(*), total(score), count(DISTINCT round_id), "
                         "count(DISTINCT round_id || ' ' || participant) FROM qm_responses").fetchone()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--answers", type=int, default=12_000_000)
    ap.add_argument("--qm", default=os.path.join(ROOT, "build", "qm"))
    ap.add_argument("--sqlite3", default="sqlite3")
    ap.add_argument("--reuse", action="store_true", help="keep the CSV and the starting database")
    ap.add_argument("--data", help="the folder for the data (default bench/data/import-N)")
    ap.add_argument("--no-baseline", action="store_true", help="qm only, without the sqlite3 shell (a smoke test)")
    a = ap.parse_args()
    if not a.no_baseline and shutil.which(a.sqlite3) is None:
        sys.exit("import.py: the sqlite3 shell is missing: scripts/setup.sh --bench installs it")
    rounds = max(1, a.answers // PER_ROUND)
    rows = rounds * PER_ROUND
    data = a.data or os.path.join(ROOT, "bench", "data", f"import-{rows}")
    os.makedirs(data, exist_ok=True)
    csv, base = os.path.join(data, "responses.csv"), os.path.join(data, "base.db")
    if not (a.reuse and os.path.exists(csv) and os.path.exists(base)):
        for f in (base, base + "-wal", base + "-shm"):
            if os.path.exists(f):
                os.remove(f)
        with open(os.path.join(data, "model.lua"), "w") as f:
            f.write(model_text())
        with open(os.path.join(data, "setup.lua"), "w") as f:
            f.write(setup_text(rounds))
        t0 = time.monotonic()
        write_csv(csv, rounds)
        measured([a.qm, "run", os.path.join(data, "setup.lua"), "--db", base, "--write",
                  "--timeout", "0"], "setting up the database")
        print(f"# generated {rows} answers ({os.path.getsize(csv) / 1e6:.0f} MB of CSV) and "
              f"{rounds} rounds in {time.monotonic() - t0:.1f} s")
    results = {}
    for case in (("qm",) if a.no_baseline else ("sqlite3", "qm")):
        db = os.path.join(data, f"{case}.db")
        for f in (db, db + "-wal", db + "-shm"):
            if os.path.exists(f):
                os.remove(f)
        shutil.copyfile(base, db)
        if case == "sqlite3":
            args = [a.sqlite3, db, '.import --csv --skip 1 "%s" qm_responses' % csv.replace('"', '\\"')]
        else:
            args = [a.qm, "import", "--db", db, "--write", "--quiet", "--timeout", "0",
                    "--model", os.path.join(data, "model.lua"), csv]
        secs, cpu, rss = measured(args, case)
        got = summary(db)
        if got[0] != rows:
            sys.exit(f"import.py: {case} imported {got[0]} answers, not {rows}")
        results[case] = (secs, cpu, got)
        print(f"bench=import case={case} rows={rows} seconds={secs:.2f} cpu_seconds={cpu:.2f} max_rss_mb={rss:.1f}")
    if a.no_baseline:
        return
    if results["sqlite3"][2][:3] != results["qm"][2][:3]:
        sys.exit(f"import.py: the two tables differ: {results['sqlite3'][2]} vs {results['qm'][2]}")
    print(f"bench=import case=ratio rows={rows} wall={results['qm'][0] / results['sqlite3'][0]:.2f} "
          f"cpu={results['qm'][1] / results['sqlite3'][1]:.2f}")


if __name__ == "__main__":
    main()
