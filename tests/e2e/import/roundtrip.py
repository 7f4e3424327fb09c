#!/usr/bin/env python3
"""roundtrip.py QM SOURCE_DIR WORKDIR MODEL -- a bundled model's demo data through qm import.

Generates the model's demo database with its demo_data.lua, exports every table the model's
data lives in to files (plain CSV, Danish-Excel CSV -- BOM, semicolons, CR LF, decimal
commas --, and YAML), imports them with `qm import` into a fresh database, and compares
the two databases table by table. Prints what differs and exits 1; prints "ok MODEL" else."""
import json
import os
import sqlite3
import subprocess
import sys

QM, SRC, WORK, MODEL = sys.argv[1:5]


def model(path):
    return os.path.join(SRC, "models", path)


# each model: its demo script and arguments, the model file, and the steps: (what to import,
# file format, the query that exports it); then the queries whose results must be equal
SPECS = {
    "kik": {
        "demo": ("kik/demo_data.lua", []), "model": ("kik/kik.lua", []),
        "steps": [
            ("units", "csv", "SELECT id, parent_id, kind, name FROM qm_units ORDER BY rowid"),
            ("rounds", "excel", "SELECT id, unit_id, started, previous_id FROM qm_rounds ORDER BY id"),
            ("responses", "csv", "SELECT round_id AS round, participant, question, score, dontknow, strengths, improvements, "
                                 "suggestions FROM qm_responses ORDER BY round_id, participant, question"),
            ("consensus", "yaml", "SELECT round_id AS round, question, score, strengths, improvements, comment, "
                                  "decided_by AS by, decided_at AS at FROM qm_consensus ORDER BY 1, 2"),
            ("plan", "excel", "SELECT a.round_id AS round, a.question, a.text AS area, a.impact, a.effort, x.title, x.owner, "
                              "x.start, x.deadline, x.status, x.themes FROM qm_areas a LEFT JOIN qm_actions x ON x.area_id = a.id "
                              "ORDER BY a.id, x.id"),
            ("table:kik_klager", "csv", "SELECT * FROM kik_klager"),
            ("table:kik_venteliste", "yaml", "SELECT * FROM kik_venteliste"),
            ("table:kik_sygefravaer", "excel", "SELECT * FROM kik_sygefravaer"),
            ("table:kik_belaegning", "excel", "SELECT * FROM kik_belaegning"),
            ("table:kik_procedurer", "csv", "SELECT * FROM kik_procedurer"),
        ],
        "compare": [
            "SELECT id, parent_id, kind, name FROM qm_units ORDER BY id",
            "SELECT id, model_id, unit_id, started, status, previous_id, scoring FROM qm_rounds ORDER BY id",
            "SELECT round_id, code FROM qm_participants ORDER BY 1, 2",
            "SELECT * FROM qm_responses ORDER BY 1, 2, 3",
            "SELECT round_id, question, score, dontknow, strengths, improvements, comment, decided_by, decided_at FROM qm_consensus ORDER BY 1, 2",
            "SELECT round_id, question, old_score, new_score, comment, changed_by, changed_at FROM qm_consensus_history ORDER BY 1, 2, 7",
            "SELECT round_id, question, text, impact, effort, selected FROM qm_areas ORDER BY 1, 2, 3",
            "SELECT a.round_id, a.title, a.owner, a.start, a.deadline, a.status, a.themes, r.text FROM qm_actions a "
            "LEFT JOIN qm_areas r ON r.id = a.area_id ORDER BY 1, 2",
            "SELECT * FROM kik_klager ORDER BY 1, 2, 3",
            "SELECT * FROM kik_venteliste ORDER BY 1, 2, 3",
            "SELECT * FROM kik_sygefravaer ORDER BY 1, 2, 3",
            "SELECT * FROM kik_belaegning ORDER BY 1, 2, 3",
            "SELECT * FROM kik_procedurer ORDER BY 1, 2",
        ],
    },
    "efqm2020": {
        "demo": ("efqm2020/demo_data.lua", []), "model": ("efqm2020/efqm2020.lua", []),
        "steps": [
            ("units", "excel", "SELECT id, parent_id, kind, name FROM qm_units ORDER BY rowid"),
            ("rounds", "yaml", "SELECT id, unit_id, started, previous_id FROM qm_rounds ORDER BY id"),
            ("responses", "excel", "SELECT round_id AS round, participant, question, score, dontknow, strengths, improvements, "
                                   "suggestions FROM qm_responses ORDER BY round_id, participant, question"),
            ("consensus", "yaml", "SELECT round_id AS round, question, score, comment, decided_by AS by, decided_at AS at FROM qm_consensus ORDER BY 1, 2"),
        ],
        "compare": [
            "SELECT id, model_id, unit_id, started, status, scoring FROM qm_rounds ORDER BY id",
            "SELECT * FROM qm_responses ORDER BY 1, 2, 3",
            "SELECT round_id, question, score, dontknow, comment, decided_by, decided_at FROM qm_consensus ORDER BY 1, 2",
        ],
    },
    "caf2020": {
        "demo": ("caf2020/demo_data.lua", ["--param", "scoring=fine"]), "model": ("caf2020/caf2020.lua", ["--param", "scoring=fine"]),
        "steps": [
            ("units", "yaml", "SELECT id, parent_id, kind, name FROM qm_units ORDER BY rowid"),
            ("rounds", "csv", "SELECT id, unit_id, started, previous_id FROM qm_rounds ORDER BY id"),
            ("responses", "excel", "SELECT r.round_id AS round, r.participant, r.question, "
                                   "CASE WHEN r.dontknow = 1 THEN 'ved ikke' END AS score, "
                                   "(SELECT value FROM qm_response_parts p WHERE p.round_id = r.round_id AND p.participant = r.participant AND p.question = r.question AND part = 'PLAN') AS plan, "
                                   "(SELECT value FROM qm_response_parts p WHERE p.round_id = r.round_id AND p.participant = r.participant AND p.question = r.question AND part = 'DO') AS do, "
                                   "(SELECT value FROM qm_response_parts p WHERE p.round_id = r.round_id AND p.participant = r.participant AND p.question = r.question AND part = 'CHECK') AS \"check\", "
                                   "(SELECT value FROM qm_response_parts p WHERE p.round_id = r.round_id AND p.participant = r.participant AND p.question = r.question AND part = 'ACT') AS act, "
                                   "(SELECT value FROM qm_response_parts p WHERE p.round_id = r.round_id AND p.participant = r.participant AND p.question = r.question AND part = 'TRENDS') AS trends, "
                                   "(SELECT value FROM qm_response_parts p WHERE p.round_id = r.round_id AND p.participant = r.participant AND p.question = r.question AND part = 'TARGETS') AS targets "
                                   "FROM qm_responses r ORDER BY 1, 2, 3"),
            ("consensus", "csv", "SELECT round_id AS round, question, score, comment, decided_by AS by, decided_at AS at FROM qm_consensus ORDER BY 1, 2"),
        ],
        "compare": [
            "SELECT id, model_id, unit_id, started, status, scoring FROM qm_rounds ORDER BY id",
            "SELECT * FROM qm_responses ORDER BY 1, 2, 3",
            "SELECT * FROM qm_response_parts ORDER BY 1, 2, 3, 4",
            "SELECT round_id, question, score, dontknow, comment, decided_by, decided_at FROM qm_consensus ORDER BY 1, 2",
        ],
    },
    "maalaftale": {
        "demo": ("maalaftale/demo_data.lua", []), "model": ("maalaftale/maalaftale.lua", []),
        "steps": [(f"table:{t}", fmt, f"SELECT * FROM {t}") for t, fmt in [
            ("cpp_lirk", "csv"), ("cpp_sygefravaer", "excel"), ("cpp_personaleomsaetning", "yaml"), ("cpp_ledertrivsel", "csv"),
            ("cpp_lus", "excel"), ("cpp_forloeb", "csv"), ("cpp_temadage", "yaml"), ("cpp_kurser", "csv"), ("cpp_udbytte", "excel"),
            ("cpp_roadshow", "csv"), ("cpp_gule_kort", "csv"), ("cpp_erfa", "excel"), ("cpp_gufi", "yaml"), ("cpp_indmelding", "csv"),
            ("cpp_betingelse", "csv"), ("cpp_vurdering", "yaml")]],
        "compare": [f"SELECT * FROM {t} ORDER BY 1, 2" for t in [
            "cpp_lirk", "cpp_sygefravaer", "cpp_ledertrivsel", "cpp_lus", "cpp_forloeb", "cpp_udbytte", "cpp_roadshow",
            "cpp_gule_kort", "cpp_gufi", "cpp_indmelding", "cpp_betingelse", "cpp_vurdering"]] +
            [f"SELECT * FROM {t} ORDER BY 1" for t in ["cpp_personaleomsaetning", "cpp_temadage", "cpp_kurser", "cpp_erfa"]],
    },
    "god_sagsbehandling": {
        "demo": ("god_sagsbehandling/demo_data.lua", []), "model": ("god_sagsbehandling/god_sagsbehandling.lua", []),
        "steps": [
            ("audit", "excel", "SELECT round, case_id, criterion, CASE answer WHEN 1 THEN 'ja' WHEN 0 THEN 'nej' ELSE 'ikke relevant' END AS answer "
                               "FROM gs_audit ORDER BY 1, 2, 3"),
            ("table:gs_checklist", "yaml", "SELECT * FROM gs_checklist"),
            ("table:gs_events", "csv", "SELECT * FROM gs_events"),
            ("table:gs_training", "excel", "SELECT * FROM gs_training"),
        ],
        "compare": [
            "SELECT round, CAST(case_id AS TEXT), criterion, answer FROM gs_audit ORDER BY 1, 2, 3",
            "SELECT * FROM gs_checklist ORDER BY 1, 2", "SELECT * FROM gs_events ORDER BY 1, 2", "SELECT * FROM gs_training ORDER BY 1",
        ],
    },
    "videndeling": {
        "demo": ("videndeling/demo_data.lua", []), "model": ("videndeling/videndeling.lua", []),
        "steps": [("table:dlo_trin1", "csv", "SELECT * FROM dlo_trin1"), ("table:dlo_events", "yaml", "SELECT * FROM dlo_events"),
                  ("table:dlo_temperatur", "excel", "SELECT * FROM dlo_temperatur")],
        "compare": ["SELECT * FROM dlo_trin1 ORDER BY 1, 2", "SELECT * FROM dlo_events ORDER BY 1, 2",
                    "SELECT * FROM dlo_temperatur ORDER BY 1, 2"],
    },
}
JC_STEPS = [
    ("units", "csv", "SELECT id, parent_id, kind, name FROM qm_units ORDER BY rowid"),
    ("citizens", "excel", "SELECT * FROM jc_citizens"),
    ("conversations", "csv", "SELECT * FROM jc_conversations"),
    ("scores", "csv", "SELECT * FROM jc_scores"),
    ("focus", "yaml", "SELECT * FROM jc_focus"),
    ("interventions", "excel", "SELECT * FROM jc_interventions"),
]
JC_COMPARE = ["SELECT id, parent_id, kind, name FROM qm_units ORDER BY id", "SELECT * FROM jc_citizens ORDER BY 1",
              "SELECT * FROM jc_conversations ORDER BY 1", "SELECT * FROM jc_scores ORDER BY 1, 2",
              "SELECT * FROM jc_focus ORDER BY 1, 2, 3", "SELECT * FROM jc_interventions ORDER BY 1, 2"]
for variant in ("vejle", "esbjerg"):
    SPECS[variant] = {"demo": ("resultatbaseret_styring/demo_data.lua", ["--param", f"variant={variant}", "--param", "citizens=400"]),
                      "model": (f"resultatbaseret_styring/{variant}.lua", []), "steps": JC_STEPS, "compare": JC_COMPARE}


def qm(*args, ok=(0,)):
    p = subprocess.run([QM, *args], capture_output=True, text=True)
    if p.returncode not in ok:
        sys.exit(f"qm {' '.join(args)} exited {p.returncode}:\n{p.stderr[:3000]}")
    return p


def text(v, fmt):
    if v is None:
        return ""
    if isinstance(v, float):
        s = repr(v)
        if s.endswith(".0"):
            s = s[:-2]
        return s.replace(".", ",") if fmt == "excel" else s
    return str(v)


def csv_field(s, delim):
    if any(c in s for c in (delim, '"', "\n", "\r")) or s != s.strip():
        return '"' + s.replace('"', '""') + '"'
    return s


def write(path, fmt, cols, rows, key):
    if fmt == "yaml":
        with open(path, "w", encoding="utf-8") as f:
            f.write(f"{key}:\n")
            for r in rows:
                items = [f"{c}: {json.dumps(v, ensure_ascii=False) if isinstance(v, str) else text(v, 'yaml')}"
                         for c, v in zip(cols, r) if v is not None]
                f.write("  - { " + ", ".join(items) + " }\n")
        return
    delim, eol = (";", "\r\n") if fmt == "excel" else (",", "\n")
    lines = [delim.join(cols)] + [delim.join(csv_field(text(v, fmt), delim) for v in r) for r in rows]
    data = eol.join(lines) + eol
    with open(path, "wb") as f:
        f.write(("\ufeff" if fmt == "excel" else "").encode("utf-8") + data.encode("utf-8"))


def norm(v):
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return None if v is None else str(v)


def main():
    spec = SPECS[MODEL]
    os.makedirs(WORK, exist_ok=True)
    demo, new = os.path.join(WORK, f"{MODEL}-demo.db"), os.path.join(WORK, f"{MODEL}-import.db")
    for f in (demo, new):
        for s in ("", "-wal", "-shm"):
            if os.path.exists(f + s):
                os.remove(f + s)
    env = dict(os.environ, QM_NOW="2026-01-01T00:00:00Z")
    p = subprocess.run([QM, "run", model(spec["demo"][0]), "--db", demo, "--write", *spec["demo"][1]],
                       capture_output=True, text=True, env=env)
    if p.returncode != 0:
        sys.exit(f"demo data failed:\n{p.stderr}")
    src = sqlite3.connect(f"file:{demo}?mode=ro", uri=True)
    mfile, margs = model(spec["model"][0]), spec["model"][1]
    warnings = []
    for i, (what, fmt, query) in enumerate(spec["steps"]):
        cur = src.execute(query)
        cols = [d[0] for d in cur.description]
        rows = cur.fetchall()
        if not rows:
            continue   # an empty table: its file would be "nothing to import"
        name = what.replace("table:", "")
        path = os.path.join(WORK, f"{MODEL}-{i}-{name}." + ("yaml" if fmt == "yaml" else "csv"))
        write(path, fmt, cols, rows, name if not what.startswith("table:") else "rows")
        args = ["import", "--db", new, "--write", *margs]
        if what != "units":
            args += ["--model", mfile]
        args += ["--table", name] if what.startswith("table:") else ["--what", what]
        r = subprocess.run([QM, *args, path], capture_output=True, text=True, env=env)
        if r.returncode != 0:
            sys.exit(f"qm {' '.join(args)} {path} exited {r.returncode}:\n{r.stderr[:3000]}")
        warnings += [w for w in r.stderr.splitlines() if w.startswith("warning:")]
    dst = sqlite3.connect(f"file:{new}?mode=ro", uri=True)
    bad, empty = 0, 0
    for q in spec["compare"]:
        a = [tuple(norm(v) for v in r) for r in src.execute(q).fetchall()]
        if not a:
            empty += 1   # an empty demo table was not imported (nothing to import)
            continue
        b = [tuple(norm(v) for v in r) for r in dst.execute(q).fetchall()]
        if a != b:
            bad += 1
            diff = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
            print(f"differs: {q}\n  demo   {len(a)} rows, at {diff}: {a[diff] if diff < len(a) else '-'}\n"
                  f"  import {len(b)} rows, at {diff}: {b[diff] if diff < len(b) else '-'}")
    for w in warnings:
        print(w)
    if bad:
        sys.exit(1)
    print(f"ok {MODEL} ({len(spec['compare']) - empty} tables equal, {empty} empty in the demo, {len(warnings)} warnings)")


main()
