#!/usr/bin/env python3
"""Runs every command shown in README.md, docs/*.md and docs/models/*.md, and the commands
scripts/demo.sh suggests at its end, against the bundled demo data (test_docs_commands.sh);
the man page's examples (docs/qm.1, EXAMPLES) have each option checked against `qm help
COMMAND`, and the ones on the demo data (KIK, the goal agreement) are run.

The conventions a document follows (docs/architecture.md, "Tests"):
  ```sh             a block of commands: each line (a trailing \\ continues it) runs with bash
                    in the document's own work folder and must exit 0, and nothing it prints
                    may name an engine file (stdlib/...)
  ```sh no-test     shown, not run: installing packages, building, a browser (say why nearby);
                    a qm command in one still has its options checked against qm help
  `qm ...` inline   a command in the text: its options are checked the same way
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
INLINE_COMMAND = re.compile(r"`((?:build/)?qm [a-z][^`]*)`")


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


def man_examples():
    """The command lines of qm.1's EXAMPLES section, as a user types them (\\- is -)."""
    text = open(os.path.join(SRC, "docs", "qm.1"), encoding="utf-8").read()
    part = text.split("\n.SH EXAMPLES", 1)[1].split("\n.SH ", 1)[0]
    return [l.replace("\\-", "-") for l in part.split("\n") if l.startswith("qm ")]


def help_options(command):
    """The options `qm help COMMAND` lists."""
    r = subprocess.run([QM, "help", command], capture_output=True, text=True)
    return set(re.findall(r"^  (--[a-z][a-z-]*)", r.stdout, re.M)) if r.returncode == 0 else None


# qm.1's examples that run in the man page's work folder (the demo's databases and the KIK and
# goal-agreement models beside them); the others use a user's own model (trivsel.lua,
# mymodel/...), the tutorial's, and have their command and every option checked against
# `qm help COMMAND` instead
MAN_RUN = ("kik.lua", "kik/kik.lua", "kik/demo_data.lua", "maalaftale.lua", "repl --db kik.db kik.lua")


def option_problems(cmd):
    """What is wrong with a qm command line's command and options (by `qm help COMMAND`)."""
    words = cmd.split("#", 1)[0].split()
    if words and words[0] in ("qm", "build/qm") and len(words) > 1:
        opts = help_options(words[1])
        if opts is None:
            return [f"qm help {words[1]}: no such command"]
        return [f"{w.split('=')[0]} is not an option of qm {words[1]}" for w in words[2:]
                if w.startswith("--") and w.split("=")[0] not in opts | {"--help"}]
    return []


def check_man(work, env):
    """(passed, failed): qm.1's examples — each option one its command takes, the runnable ones run."""
    passed = failed = 0
    examples = man_examples()
    if len(examples) < 8:
        print(f"FAIL docs/qm.1: only {len(examples)} example commands found: the extraction is broken")
        return 0, 1
    shutil.copy(os.path.join(SRC, "models", "kik", "kik.lua"), work)
    shutil.copy(os.path.join(SRC, "models", "maalaftale", "maalaftale.lua"), work)
    os.remove(os.path.join(work, "kik.db"))   # the first example makes it
    subprocess.run([QM, "run", os.path.join(SRC, "models", "maalaftale", "demo_data.lua"), "--db",
                    os.path.join(work, "cpp.db"), "--write"], capture_output=True, check=True)
    ran = 0
    for cmd in examples:
        cmd = cmd.replace("/usr/share/qm/models/", "models/")
        problems = option_problems(cmd)
        runs = any(f" {m} " in f" {cmd} " or f"/{m} " in f"{cmd} " for m in MAN_RUN) and "<" not in cmd
        if runs and not problems:
            ran += 1
            r = subprocess.run(["bash", "-c", cmd], cwd=work, env=env, capture_output=True, text=True,
                               stdin=subprocess.DEVNULL, timeout=240)
            if r.returncode != 0:
                problems.append(f"exit code {r.returncode}: {r.stderr[-500:]}")
            if "stdlib/" in r.stderr or "stdlib/" in r.stdout:
                problems.append("the output names an engine file (stdlib/...)")
        if problems:
            failed += 1
            print(f"FAIL docs/qm.1: {cmd}: {'; '.join(problems)}")
        else:
            passed += 1
            print(f"ok   docs/qm.1: {cmd}" + ("" if runs else "   (options checked)"))
    if ran < 5:
        print(f"FAIL docs/qm.1: only {ran} examples ran")
        failed += 1
    return passed, failed


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
        docs.append("docs/qm.1")
        total_run = 0
        for doc in docs:
            rel = os.path.relpath(doc, SRC) if doc not in ("scripts/demo.sh", "docs/qm.1") else doc
            work = os.path.join(tmp, re.sub(r"[^\w]", "_", rel))
            os.makedirs(os.path.join(work, "build", "demo"))
            os.makedirs(os.path.join(work, "bin"))
            os.symlink(QM, os.path.join(work, "build", "qm"))
            os.symlink(QM, os.path.join(work, "bin", "qm"))
            shutil.copytree(os.path.join(SRC, "models"), os.path.join(work, "models"))
            shutil.copy(demo, os.path.join(work, "build", "demo", "kik.db"))
            shutil.copy(demo, os.path.join(work, "kik.db"))
            env = dict(os.environ, PATH=os.path.join(work, "bin") + os.pathsep + os.environ.get("PATH", ""))
            if doc == "docs/qm.1":
                p, f = check_man(work, env)
                passed, failed = passed + p, failed + f
                continue
            if doc != "scripts/demo.sh":
                # a qm command inline in the text (`qm run FILE --report list`): its options
                for n, text in enumerate(open(doc, encoding="utf-8").read().split("\n"), 1):
                    for cmd in INLINE_COMMAND.findall(text):
                        problems = option_problems(cmd)
                        if problems:
                            failed += 1
                            print(f"FAIL {rel}:{n}: `{cmd}`: {'; '.join(problems)} (inline)")
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
                if "no-test" in words:
                    # shown, not run: its qm commands' options must still be qm's
                    for cmd in commands(body):
                        problems = option_problems(cmd)
                        if problems:
                            failed += 1
                            print(f"FAIL {rel}:{line}: {cmd}: {'; '.join(problems)} (a no-test block)")
                    continue
                if "needs-xlsx" in words and not xlsx:
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
