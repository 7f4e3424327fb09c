#!/usr/bin/env python3
"""Runs every command shown in README.md, docs/*.md and docs/models/*.md, and the commands
scripts/demo.sh suggests at its end, against the bundled demo data (test_docs_commands.sh).

The conventions a document follows (docs/architecture.md, "Tests"):
  ```sh             a block of commands: each line (a trailing \\ continues it) runs with bash
                    in the document's own work folder and must exit 0, and nothing it prints
                    may name an engine file (stdlib/...)
  ```sh no-test     shown, not run: installing packages, building, a browser (say why nearby)
  ```sh needs-xlsx  run only when qm was built with libxlsxwriter
  ```               (untagged) output or text; a line starting with `qm ` or `build/qm ` in
                    one is an error, so a command cannot be shown where it is never run
  <!-- file: PATH --> on the line before any fenced block: the block is written to PATH in
                    the work folder (before the commands after it run), so a tutorial's own
                    files exist when its commands use them
The work folder of each document holds build/qm (the qm under test, also `qm` on PATH),
a copy of models/, and the KIK demo database as build/demo/kik.db and kik.db; documents run
in order, and their commands in order, so one command may use what an earlier one made.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

QM = os.environ["QM"]
SRC = os.environ.get("QM_SOURCE_DIR") or os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

FENCE = re.compile(r"^```(.*)$")
FILE_MARK = re.compile(r"^<!--\s*file:\s*(\S+)\s*-->\s*$")
UNTAGGED_COMMAND = re.compile(r"^\s*(build/)?qm\s+[a-z-]")


def blocks(path):
    """(info, body, file_mark, line) for every fenced block of a Markdown file."""
    out = []
    lines = open(path, encoding="utf-8").read().split("\n")
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if m:
            info = m.group(1).strip()
            mark = FILE_MARK.match(lines[i - 1]) if i > 0 else None
            j = i + 1
            while j < len(lines) and not lines[j].startswith("```"):
                j += 1
            out.append((info, "\n".join(lines[i + 1:j]) + "\n", mark.group(1) if mark else None, i + 1))
            i = j + 1
        else:
            i += 1
    return out


def commands(body):
    """The commands of a block: continuation lines joined, blanks and comments left out."""
    out, cur = [], ""
    for line in body.split("\n"):
        if line.rstrip().endswith("\\"):
            cur += line.rstrip()[:-1] + " "
            continue
        cur += line
        if cur.strip() and not cur.strip().startswith("#"):
            out.append(cur.strip())
        cur = ""
    return out


def demo_suggestions():
    """The commands scripts/demo.sh suggests after the demo (run from the repository's root)."""
    text = open(os.path.join(SRC, "scripts", "demo.sh"), encoding="utf-8").read()
    part = text.split("What to try next", 1)[1].split("\nEOF", 1)[0]
    cmds = [l.strip().replace("${here}", "") for l in part.split("\n") if l.strip().startswith("${here}build/qm")]
    return "\n".join(cmds) + "\n"


def has_xlsx(work):
    probe = os.path.join(work, "probe.lua")
    open(probe, "w").write('model "p" { title = "P", theme "t" { title = "T", question "1" { text = "?" } } }\n')
    r = subprocess.run([QM, "run", probe, "--format", "xlsx", "--out", os.path.join(work, "probe.xlsx")],
                       capture_output=True, text=True)
    return r.returncode == 0


def main():
    tmp = tempfile.mkdtemp(prefix="qm-docs.")
    passed = failed = 0
    try:
        demo = os.path.join(tmp, "demo.db")
        r = subprocess.run([QM, "run", os.path.join(SRC, "models", "kik", "demo_data.lua"), "--db", demo, "--write"],
                           capture_output=True, text=True)
        if r.returncode != 0:
            print("FAIL the KIK demo data could not be made:", r.stderr)
            return 1
        xlsx = has_xlsx(tmp)
        docs = [os.path.join(SRC, "README.md")]
        docs += sorted(os.path.join(SRC, "docs", f) for f in os.listdir(os.path.join(SRC, "docs")) if f.endswith(".md"))
        docs += sorted(os.path.join(SRC, "docs", "models", f) for f in os.listdir(os.path.join(SRC, "docs", "models")) if f.endswith(".md"))
        docs.append("scripts/demo.sh")
        total_run = 0
        for doc in docs:
            rel = os.path.relpath(doc, SRC) if doc != "scripts/demo.sh" else doc
            work = os.path.join(tmp, re.sub(r"[^\w]", "_", rel))
            os.makedirs(os.path.join(work, "build", "demo"))
            os.makedirs(os.path.join(work, "bin"))
            os.symlink(QM, os.path.join(work, "build", "qm"))
            os.symlink(QM, os.path.join(work, "bin", "qm"))
            shutil.copytree(os.path.join(SRC, "models"), os.path.join(work, "models"))
            shutil.copy(demo, os.path.join(work, "build", "demo", "kik.db"))
            shutil.copy(demo, os.path.join(work, "kik.db"))
            env = dict(os.environ, PATH=os.path.join(work, "bin") + os.pathsep + os.environ.get("PATH", ""))
            items = [("sh", demo_suggestions(), None, 1)] if doc == "scripts/demo.sh" else blocks(doc)
            for info, body, mark, line in items:
                if mark:
                    target = os.path.join(work, mark)
                    os.makedirs(os.path.dirname(target) or work, exist_ok=True)
                    open(target, "w", encoding="utf-8").write(body)
                words = info.split()
                if not words and any(UNTAGGED_COMMAND.match(l) for l in body.split("\n")):
                    # a command shown outside an ```sh block would never run: tag it
                    failed += 1
                    print(f"FAIL {rel}:{line}: a qm command in an untagged block (use ```sh, or ```sh no-test and say why)")
                    continue
                if not words or words[0] != "sh":
                    continue
                if "no-test" in words or ("needs-xlsx" in words and not xlsx):
                    continue
                for cmd in commands(body):
                    total_run += 1
                    name = f"{rel}:{line}: {cmd}"
                    r = subprocess.run(["bash", "-c", cmd], cwd=work, env=env, capture_output=True, text=True,
                                       stdin=subprocess.DEVNULL, timeout=240)
                    problems = []
                    if r.returncode != 0:
                        problems.append(f"exit code {r.returncode}")
                    if "stdlib/" in r.stderr or "stdlib/" in r.stdout:
                        problems.append("the output names an engine file (stdlib/...)")
                    if problems:
                        failed += 1
                        print(f"FAIL {name}: {'; '.join(problems)}")
                        print("  --- stderr:\n" + r.stderr[-2000:])
                        print("  --- stdout:\n" + r.stdout[-1000:])
                    else:
                        passed += 1
                        print(f"ok   {name}")
        if total_run < 30:
            print(f"FAIL only {total_run} commands found in the documents: the extraction is broken")
            failed += 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
