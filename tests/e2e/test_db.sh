#!/usr/bin/env bash
# The db API end to end, and the command line's database behaviour.
source "$(dirname "$0")/lib.sh"

t_case db_api_behaviours
cp "$QM_SOURCE_DIR/tests/e2e/db/api.lua" "$T_TMP/api.lua"
cp "$QM_SOURCE_DIR/tests/lua/testing.lua" "$T_TMP/testing.lua"
t_run run "$T_TMP/api.lua" --db "$T_TMP/api.db" --write
expect_exit 0
expect_stdout_has " passed, 0 failed"

t_case missing_database_is_an_io_error
t_run run "$T_TMP/api.lua" --db "$T_TMP/none.db"
expect_exit 3
expect_stderr_has "cannot open database $T_TMP/none.db: no such file (give --write to create one)"
expect_no_file "$T_TMP/none.db"

t_case a_file_that_is_not_a_database_is_an_io_error
echo "not sqlite" >"$T_TMP/junk.db"
printf 'print(1)\n' >"$T_TMP/one.lua"
t_run run "$T_TMP/one.lua" --db "$T_TMP/junk.db"
expect_exit 3
expect_stderr_has "file is not a database"

t_case writing_in_a_read_only_run_is_refused
python3 -c "import sqlite3; c = sqlite3.connect('$T_TMP/ro.db'); c.execute('CREATE TABLE t(a)'); c.commit()"
printf 'db:exec("INSERT INTO t VALUES (1)")\n' >"$T_TMP/w.lua"
t_run run "$T_TMP/w.lua" --db "$T_TMP/ro.db"
expect_exit 1
expect_stderr_has "w.lua:1: SQL error: the database is open read-only: writing needs --write"
[ "$(python3 -c "import sqlite3; print(sqlite3.connect('$T_TMP/ro.db').execute('select count(*) from t').fetchone()[0])")" = 0 ] || t_fail "row written"

t_case attach_from_a_model_creates_no_file
printf "db:exec(\"ATTACH '%s/evil.db' AS e\")\n" "$T_TMP" >"$T_TMP/att.lua"
t_run run "$T_TMP/att.lua" --db "$T_TMP/ro.db" --write
expect_exit 1
expect_stderr_has "ATTACH and DETACH are not allowed"
expect_no_file "$T_TMP/evil.db"

t_case long_query_is_stopped_by_the_timeout
printf 'print(db:scalar("WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 1e10) SELECT count(*) FROM c"))\n' >"$T_TMP/long.lua"
t_run run "$T_TMP/long.lua" --db "$T_TMP/ro.db" --timeout 1
expect_exit 4
expect_stderr_has "time limit of 1 s reached"
expect_no_crash

t_case ctrl_c_stops_a_long_query
"$QM" run "$T_TMP/long.lua" --db "$T_TMP/ro.db" >"$T_OUT" 2>"$T_ERR" </dev/null &
pid=$!
sleep 0.5
kill -INT $pid
wait $pid; T_RC=$?
expect_exit 130
expect_stderr_has "interrupted"

t_case write_creates_the_database
printf 'db:exec("CREATE TABLE x(a)")\n' >"$T_TMP/c.lua"
t_run run "$T_TMP/c.lua" --db "$T_TMP/new.db" --write
expect_exit 0
expect_file "$T_TMP/new.db"

t_done
