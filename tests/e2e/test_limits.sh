#!/usr/bin/env bash
# Resource limits from the command line: the values --max-memory and --timeout accept, the
# memory budget with Lua's emergency collection, and databases: the journal mode qm leaves,
# and reading from read-only media. (Hostile scripts: test_sandbox_hostile.sh.)
source "$(dirname "$0")/lib.sh"

printf 'print("ran")\n' >"$T_TMP/ok.lua"

t_case limit_values_must_be_finite_and_in_range
for v in nan NaN inf -inf 1e400 -5 0 0.5M 2T 0x100000 1e9 12Q ''; do
  t_run run --max-memory "$v" "$T_TMP/ok.lua"
  expect_exit 2
  expect_stderr_has "--max-memory $v: give a size from 1M to 1T"
  expect_stdout_lacks "ran"
done
for v in nan inf -1 1e400 1e3 2000000 0x10 ''; do
  t_run run --timeout "$v" "$T_TMP/ok.lua"
  expect_exit 2
  expect_stderr_has "--timeout $v: give seconds from 0 to 1000000"
done
t_run run --max-memory=1.5G --timeout=0.5 "$T_TMP/ok.lua"
expect_exit 0
expect_stdout_is "ran"
t_run run --max-memory 1T --timeout 1000000 "$T_TMP/ok.lua"
expect_exit 0

t_case garbage_does_not_trip_the_memory_limit
# 17 MB live and much more garbage under 32 MB: Lua's emergency collection makes room
cat >"$T_TMP/garbage.lua" <<'LUA'
local live = {}
for i = 1, 17 * 1024 do live[i] = ("x"):rep(1000) .. i end
for r = 1, 40 do
  local g = {}
  for i = 1, 4000 do g[i] = ("y"):rep(1000) .. i end
end
print(#live)
LUA
t_run run --max-memory 32M "$T_TMP/garbage.lua"
expect_exit 0
expect_stdout_is "17408"
# ...while live data past the cap still ends the run
t_run run --max-memory 16M "$T_TMP/garbage.lua"
expect_exit 4
expect_stderr_has "memory limit of 16 MB reached by the Lua heap"

t_case memory_limit_names_sqlite_when_sqlite_ran_out
python3 -c "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute('CREATE TABLE t(a)'); c.commit()" "$T_TMP/s.db"
cat >"$T_TMP/gc.lua" <<'LUA'
-- caught or not, the budget is the budget
local ok = pcall(db.scalar, db, [[WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 400000)
                                 SELECT length(group_concat(printf('%0100d', x))) FROM c]])
print("went on", ok)
LUA
t_run run --max-memory 16M --db "$T_TMP/s.db" "$T_TMP/gc.lua"
expect_exit 4
expect_stderr_has "memory limit of 16 MB reached inside SQLite"
expect_stdout_lacks "went on"

t_case memory_limit_names_the_yaml_loader_when_its_share_does_not_fit
# libyaml allocates outside Lua: the document's size is set aside in the budget while it
# parses, so 23 MB held in Lua and a 10 MB document do not fit 32 MB, and the message says
# which part ran out (with 64 MB the same script loads the document)
cat >"$T_TMP/yaml_budget.lua" <<'LUA'
local doc = ("x"):rep(10 * 1024 * 1024)
collectgarbage("collect")
local keep = {}
for i = 1, 13 * 1024 do keep[i] = ("k"):rep(1000) .. i end
collectgarbage("collect")
print("loaded", #yaml.load(doc))
LUA
t_run run --max-memory 32M "$T_TMP/yaml_budget.lua"
expect_exit 4
expect_stderr_has "memory limit of 32 MB reached by the YAML loader"
expect_stdout_lacks "loaded"
t_run run --max-memory 64M "$T_TMP/yaml_budget.lua"
expect_exit 0
expect_stdout_is $'loaded\t10485760'

t_case a_database_qm_creates_keeps_the_default_journal_and_a_wal_one_stays_wal
printf 'print("x")\n' >"$T_TMP/x.lua"
t_run run --db "$T_TMP/new.db" --write "$T_TMP/x.lua"
expect_exit 0
mode=$(python3 -c "import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute('PRAGMA journal_mode').fetchone()[0])" "$T_TMP/new.db")
[ "$mode" = "delete" ] || t_fail "qm created a database in journal mode $mode"
python3 -c "import sqlite3, sys; sqlite3.connect(sys.argv[1]).execute('PRAGMA journal_mode=WAL')" "$T_TMP/new.db"
t_run run --db "$T_TMP/new.db" --write "$T_TMP/x.lua"
expect_exit 0
mode=$(python3 -c "import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute('PRAGMA journal_mode').fetchone()[0])" "$T_TMP/new.db")
[ "$mode" = "wal" ] || t_fail "qm changed a WAL database to $mode"

t_case a_write_while_a_query_is_open_says_what_to_do_and_wal_is_the_users_choice
cat >"$T_TMP/loop.lua" <<'LUA'
db:exec("CREATE TABLE IF NOT EXISTS src(id, name); DELETE FROM src; INSERT INTO src VALUES ('u1', 'A'), ('u2', 'B')")
for row in db:query("SELECT id, name FROM src") do
  store.unit { id = row.id, name = row.name, kind = "unit" }
end
print(db:scalar("SELECT count(*) FROM qm_units"))
LUA
t_run run --db "$T_TMP/loop.db" --write "$T_TMP/loop.lua"
expect_exit 3
expect_stderr_has "loop.lua:3: SQL error: the database is locked"
expect_stderr_has "read the rows first (db:rows), or switch the file to WAL once"
python3 -c "import sqlite3, sys; sqlite3.connect(sys.argv[1]).execute('PRAGMA journal_mode=WAL')" "$T_TMP/loop.db"
t_run run --db "$T_TMP/loop.db" --write "$T_TMP/loop.lua"
expect_exit 0
expect_stdout_is "2"

t_case reading_works_on_read_only_media
# a read-only bind mount in a private mount namespace (needs root; skipped where there is none)
mkdir -p "$T_TMP/media" "$T_TMP/ro"
printf 'db:exec("CREATE TABLE t(a); INSERT INTO t VALUES (1), (2), (3)")\n' >"$T_TMP/fill.lua"
t_run run --db "$T_TMP/media/qm.db" --write "$T_TMP/fill.lua"   # a file qm wrote
expect_exit 0
python3 -c "
import sqlite3, sys
c = sqlite3.connect(sys.argv[1]); c.execute('PRAGMA journal_mode=WAL')
c.executescript('CREATE TABLE t(a); INSERT INTO t VALUES (1), (2), (3);'); c.close()" "$T_TMP/media/wal.db"
printf 'print(db:scalar("SELECT count(*) FROM t"))\n' >"$T_TMP/count.lua"
if unshare -m --propagation private true 2>/dev/null; then
  unshare -m --propagation private sh -c '
    mount --bind "$1" "$2" && mount -o remount,ro,bind "$2" || exit 77
    touch "$2/probe" 2>/dev/null && exit 77
    for f in qm.db wal.db; do "$3" run "$4" --db "$2/$f" || exit $?; done' \
    sh "$T_TMP/media" "$T_TMP/ro" "$QM" "$T_TMP/count.lua" >"$T_OUT" 2>"$T_ERR" </dev/null
  T_RC=$?
  if [ "$T_RC" -eq 77 ]; then
    echo "  (skipped: no read-only bind mount here)"
  else
    expect_exit 0
    expect_stdout_is $'3\n3'
  fi
else
  echo "  (skipped: no mount namespace here)"
fi

t_done
