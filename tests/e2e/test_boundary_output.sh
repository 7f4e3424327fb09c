#!/usr/bin/env bash
# Issue 9, point 8: output that cannot destroy. --out refuses the open database, a loaded
# model file, every file the model read, symlinks, FIFOs and devices; FILE.tmp is never
# written through a planted symlink; failed writes to stdout are exit 3 with the reason;
# SIGTERM and SIGHUP stop a run and leave no FILE.tmp, as Ctrl-C does.
source "$(dirname "$0")/lib.sh"
M="$T_TMP/m"; mkdir -p "$M"
printf 'model "x" { title = "x", scale = scale.points { 0, 100 }, theme "t" { title = "t", question "1" { text = "?" } } }\n' >"$M/x.lua"
"$QM" run /dev/null --db "$T_TMP/k.db" --write >/dev/null 2>&1
sum_db() { cksum <"$T_TMP/k.db"; }

t_case out_refuses_the_open_database
before=$(sum_db)
t_run run "$M/x.lua" --db "$T_TMP/k.db" --out "$T_TMP/k.db"
expect_exit 3
expect_stderr_has "is the database given with --db"
[ "$(sum_db)" = "$before" ] || t_fail "the database changed"
expect_no_file "$T_TMP/k.db.tmp"

t_case out_refuses_the_database_by_another_name
ln "$T_TMP/k.db" "$T_TMP/hard.db"
t_run run "$M/x.lua" --db "$T_TMP/k.db" --out "$T_TMP/hard.db"
expect_exit 3
expect_stderr_has "is the database given with --db"

t_case out_refuses_the_model_file
cp "$M/x.lua" "$T_TMP/x_copy.lua"
t_run run "$M/x.lua" --out "$M/x.lua"
expect_exit 3
expect_stderr_has "is the model file"
cmp -s "$M/x.lua" "$T_TMP/x_copy.lua" || t_fail "the model file changed"

t_case out_refuses_a_model_file_loaded_with_use
printf 'local b = use "x.lua"\nmodel "y" { extends = b }\n' >"$M/y.lua"
t_run run "$M/y.lua" --out "$M/x.lua"
expect_exit 3
expect_stderr_has "is the model file"
cmp -s "$M/x.lua" "$T_TMP/x_copy.lua" || t_fail "the used model file changed"

t_case out_refuses_every_file_the_model_read
# a required module, a YAML structure file, a YAML data file and a database opened with
# qm.db.open are what the model reads as much as its own file: --out must not replace them
R="$T_TMP/r"; mkdir -p "$R"
printf 'return { n = 1 }\n' >"$R/helper.lua"
printf 'themes:\n  - id: t\n    title: T\n    questions:\n      - id: "1"\n        text: q\n' >"$R/structure.yaml"
printf 'a: 1\n' >"$R/data.yaml"
python3 -c "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute('CREATE TABLE z(a)'); c.commit()" "$R/other.db"
cat >"$R/m.lua" <<'LUA'
local h = require "helper"
local d = yaml.load_file("data.yaml")
local o = require("qm.db").open("other.db")
assert(o:scalar("SELECT count(*) FROM z") == 0)
model "r" { title = "r", scale = scale.points { 0, 100 }, structure = "structure.yaml" }
LUA
for f in helper.lua structure.yaml data.yaml other.db; do
  cp "$R/$f" "$T_TMP/before"
  t_run run "$R/m.lua" --report summary --out "$R/$f"
  expect_exit 3
  expect_stderr_has "--out $R/$f: is a file the model read"
  cmp -s "$R/$f" "$T_TMP/before" || t_fail "$f was replaced"
  expect_no_file "$R/$f.tmp"
done
# ... also when the model reads it only after the report's output began
printf 'print("first")\nlocal d = yaml.load_file("data.yaml")\nprint("second")\n' >"$R/late.lua"
cp "$R/data.yaml" "$T_TMP/before"
t_run run "$R/late.lua" --out "$R/data.yaml"
expect_exit 3
expect_stderr_has "is a file the model read"
cmp -s "$R/data.yaml" "$T_TMP/before" || t_fail "data.yaml was replaced"
expect_no_file "$R/data.yaml.tmp"
t_run run "$R/m.lua" --report summary --out "$R/report.txt"
expect_exit 0
grep -q "Temaer" "$R/report.txt" || t_fail "a new file next to them was not written"   # the summary, in Danish

t_case out_refuses_a_symlink
printf 'keep\n' >"$T_TMP/target.txt"
ln -s "$T_TMP/target.txt" "$T_TMP/link.txt"
t_run run "$M/x.lua" --out "$T_TMP/link.txt"
expect_exit 3
expect_stderr_has "is a symbolic link"
[ -L "$T_TMP/link.txt" ] || t_fail "the symlink was replaced"
[ "$(cat "$T_TMP/target.txt")" = "keep" ] || t_fail "the link's target changed"

t_case out_refuses_a_fifo_and_a_device
mkfifo "$T_TMP/fifo"
t_run run "$M/x.lua" --out "$T_TMP/fifo"
expect_exit 3
expect_stderr_has "is a FIFO"
[ -p "$T_TMP/fifo" ] || t_fail "the FIFO was replaced"
t_run run "$M/x.lua" --out /dev/null
expect_exit 3
expect_stderr_has "is a device"

t_case out_writes_a_regular_file_and_replaces_an_old_report
printf 'old report\n' >"$T_TMP/report.txt"
t_run run "$M/x.lua" --out "$T_TMP/report.txt"
expect_exit 0
grep -q "Temaer" "$T_TMP/report.txt" || t_fail "the report was not written"

t_case a_planted_tmp_symlink_is_not_written_through
printf 'victim\n' >"$T_TMP/victim.txt"
ln -s "$T_TMP/victim.txt" "$T_TMP/new.txt.tmp"
t_run run "$M/x.lua" --out "$T_TMP/new.txt"
expect_exit 0
[ "$(cat "$T_TMP/victim.txt")" = "victim" ] || t_fail "the symlink's target was overwritten"
grep -q "Temaer" "$T_TMP/new.txt" || t_fail "the report was not written"

t_case repl_output_and_once_refuse_the_database
before=$(sum_db)
t_run_stdin ".output '$T_TMP/k.db'"$'\n'"select 1;"$'\n'".once '$T_TMP/k.db'"$'\n'"select 2;" repl --db "$T_TMP/k.db"
expect_stderr_has ".output $T_TMP/k.db: is the database given with --db"
expect_stderr_has ".once $T_TMP/k.db: is the database given with --db"
[ "$(sum_db)" = "$before" ] || t_fail "the database changed"

t_case a_report_to_a_full_stdout_is_exit_3
"$QM" run "$M/x.lua" >/dev/full 2>"$T_ERR"; T_RC=$?
expect_exit 3
expect_stderr_has "cannot write to standard output"

t_case print_to_a_full_stdout_is_exit_3
printf 'print("hello")\n' >"$M/p.lua"
"$QM" run "$M/p.lua" >/dev/full 2>"$T_ERR"; T_RC=$?
expect_exit 3
expect_stderr_has "cannot write to standard output"

t_case out_on_a_full_disk_is_exit_3_and_leaves_no_file
# a 16 KB file system in a private mount namespace (needs root; skipped where there is none):
# the write that does not fit is exit 3 with the reason, and neither FILE nor FILE.tmp stays
printf 'for i = 1, 2000 do print(("line %%d of a long report"):format(i)) end\n' >"$M/long.lua"
mkdir -p "$T_TMP/small"
if unshare -m --propagation private true 2>/dev/null; then
  unshare -m --propagation private sh -c '
    mount -t tmpfs -o size=16k tmpfs "$1" || exit 77
    "$2" run "$3" --out "$1/r.txt"; rc=$?
    ls -A "$1" >&2
    exit $rc' sh "$T_TMP/small" "$QM" "$M/long.lua" >"$T_OUT" 2>"$T_ERR" </dev/null
  T_RC=$?
  if [ "$T_RC" -eq 77 ]; then
    echo "  (skipped: no tmpfs mount here)"
  else
    expect_exit 3
    expect_stderr_has "cannot write $T_TMP/small/r.txt: No space left on device"
    expect_stderr_lacks "r.txt.tmp"
    ! grep -qx "r.txt" "$T_ERR" || t_fail "the cut report was left as r.txt"
  fi
else
  echo "  (skipped: no mount namespace here)"
fi

for sig in TERM HUP; do
  t_case "sig${sig}_stops_a_run_and_leaves_no_tmp_file"
  printf 'model "s" { title = "s" }\nlocal x = 0\nwhile true do x = x + 1 end\n' >"$M/slow.lua"
  cat >"$M/slowreport.lua" <<'LUA'
model "s" { title = "s", scale = scale.points { 0, 100 }, theme "t" { title = "t",
  indicator "i" { title = "i", data = function() while true do end end } } }
LUA
  rm -f "$T_TMP/sig.txt" "$T_TMP/sig.txt.tmp"
  "$QM" run "$M/slowreport.lua" --report status --out "$T_TMP/sig.txt" --timeout 30 >"$T_OUT" 2>"$T_ERR" &
  pid=$!
  for _ in $(seq 50); do [ -e "$T_TMP/sig.txt.tmp" ] && break; sleep 0.1; done
  [ -e "$T_TMP/sig.txt.tmp" ] || t_fail "FILE.tmp never appeared (the test did not reach the write)"
  kill -"$sig" "$pid"
  wait "$pid"; T_RC=$?
  [ "$sig" = TERM ] && expect_exit 143 || expect_exit 129
  expect_stderr_has "terminated (SIG$sig)"
  expect_no_file "$T_TMP/sig.txt.tmp"
  expect_no_file "$T_TMP/sig.txt"
done

t_done
