/* test_authorizer.c — the authorizer of qm.db connections (sqlite_lua.c): what model SQL may do. */
#include <lauxlib.h>
#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sqlite3.h>
#include "check.h"
#include "qm.h"
#include "sql_guard.h"
#include "sqlite_lua.h"

static char tmpdir[] = "/tmp/qm-auth-XXXXXX";
static char dbpath[300];

static int open_call(lua_State *L) {
  qmDb_push_open(L, luaL_checkstring(L, 1), (int)luaL_checkinteger(L, 2));
  return 1;
}

/* Like run, with `h` opened by qmDb_push_open(dbpath, flags) */
static int with_db(int flags, const char *code, char *err, size_t elen) {
  lua_State *L = luaL_newstate();
  luaL_openlibs(L);
  err[0] = '\0';
  int ok = 0;
  lua_pushcfunction(L, open_call);
  lua_pushstring(L, dbpath);
  lua_pushinteger(L, flags);
  if (lua_pcall(L, 2, 1, 0) == LUA_OK) {
    lua_setglobal(L, "h");
    ok = luaL_dostring(L, code) == LUA_OK;
  }
  if (!ok) snprintf(err, elen, "%s", qm_errmsg(L, -1) ? qm_errmsg(L, -1) : "?");
  lua_close(L);
  return ok;
}

static void fresh(void) {
  char err[400];
  unlink(dbpath);
  CHECK(with_db(QM_DB_CREATE | QM_DB_WRITE | QM_DB_ENGINE,
                "h:exec('CREATE TABLE t(a); INSERT INTO t VALUES (1); CREATE TABLE qm_runs(a)') h:close()",
                err, sizeof err));
}

TEST(attach_denied) {
  char err[400], other[320];
  snprintf(other, sizeof other, "%s/other.db", tmpdir);
  char code[600];
  snprintf(code, sizeof code, "h:exec(\"ATTACH '%s' AS o\")", other);
  CHECK(!with_db(QM_DB_WRITE | QM_DB_ENGINE, code, err, sizeof err));
  CHECK(strstr(err, "ATTACH") != NULL);
  CHECK(access(other, F_OK) != 0);
  CHECK(!with_db(QM_DB_WRITE, "h:exec('DETACH main')", err, sizeof err));
  /* VACUUM is refused by the same rule, and the message says so (it named only ATTACH) */
  CHECK(!with_db(QM_DB_WRITE, "h:exec('VACUUM')", err, sizeof err));
  CHECK(strstr(err, "nor VACUUM") != NULL);
  snprintf(code, sizeof code, "h:exec(\"VACUUM INTO '%s'\")", other);
  CHECK(!with_db(QM_DB_WRITE, code, err, sizeof err));
  CHECK(strstr(err, "nor VACUUM") != NULL);
  CHECK(access(other, F_OK) != 0);
}

TEST(load_extension_denied) {
  char err[400];
  CHECK(!with_db(0, "h:scalar(\"SELECT load_extension('/tmp/nope')\")", err, sizeof err));
  CHECK(strstr(err, "load_extension") != NULL);
}

TEST(write_on_readonly_denied) {
  char err[400];
  const char *writes[] = { "h:exec('INSERT INTO t VALUES (2)')", "h:exec('UPDATE t SET a = 3')",
    "h:exec('DELETE FROM t')", "h:exec('CREATE TABLE u(a)')", "h:exec('DROP TABLE t')",
    "h:exec('ALTER TABLE t ADD COLUMN b')", "h:exec('PRAGMA user_version = 3')" };
  for (size_t i = 0; i < sizeof writes / sizeof writes[0]; i++) {
    CHECK(!with_db(QM_DB_ENGINE, writes[i], err, sizeof err));
    CHECK(strstr(err, "read-only") != NULL && strstr(err, "--write") != NULL);
  }
  CHECK(with_db(0, "assert(h:scalar('SELECT count(*) FROM t') == 1)", err, sizeof err));
  CHECK(with_db(0, "assert(h:readonly())", err, sizeof err));
}

TEST(engine_tables_protected_from_models) {
  char err[400];
  CHECK(!with_db(QM_DB_WRITE, "h:exec('INSERT INTO qm_runs VALUES (1)')", err, sizeof err));
  CHECK(strstr(err, "table qm_runs belongs to the engine") != NULL);
  CHECK(!with_db(QM_DB_WRITE, "h:exec('DROP TABLE qm_runs')", err, sizeof err));
  CHECK(!with_db(QM_DB_WRITE, "h:exec('CREATE TABLE qm_new(a)')", err, sizeof err));
  CHECK(strstr(err, "qm_new") != NULL);
  /* other tables are fine on a writable connection, and reading qm_ tables is fine */
  CHECK(with_db(QM_DB_WRITE, "h:exec('INSERT INTO t VALUES (5)') assert(h:scalar('SELECT count(*) FROM qm_runs') == 0)", err, sizeof err));
}

TEST(engine_connection_may_write_engine_tables) {
  char err[400];
  CHECK(with_db(QM_DB_WRITE | QM_DB_ENGINE,
                "h:exec('INSERT INTO qm_runs VALUES (1)') h:exec('CREATE TABLE qm_more(a)') "
                "assert(h:scalar('SELECT count(*) FROM qm_runs') == 1)", err, sizeof err));
  if (err[0]) fprintf(stderr, "%s\n", err);
}

TEST(dangerous_pragmas_denied_for_everyone) {
  char err[400];
  CHECK(!with_db(QM_DB_WRITE | QM_DB_ENGINE, "h:exec('PRAGMA writable_schema = ON')", err, sizeof err));
  CHECK(strstr(err, "writable_schema") != NULL);
  CHECK(!with_db(QM_DB_WRITE | QM_DB_ENGINE, "h:exec('PRAGMA trusted_schema = ON')", err, sizeof err));
}

TEST(pragmas_are_compared_without_case_on_model_connections) {
  char err[400];
  const char *set[] = { "PRAGMA TRUSTED_SCHEMA=1", "PRAGMA Locking_Mode=EXCLUSIVE",
    "PRAGMA JOURNAL_MODE=MEMORY", "PRAGMA journal_mode=memory", "PRAGMA Writable_Schema=1",
    "PRAGMA threads=4", "PRAGMA Mmap_Size=1000000", "PRAGMA hard_heap_limit=1",
    "PRAGMA main.SYNCHRONOUS=OFF", "PRAGMA temp_store=MEMORY", "PRAGMA optimize",
    "PRAGMA wal_checkpoint", "PRAGMA shrink_memory" };
  for (size_t i = 0; i < sizeof set / sizeof set[0]; i++) {
    char code[200];
    snprintf(code, sizeof code, "h:exec('%s')", set[i]);
    CHECK(!with_db(0, code, err, sizeof err));
    CHECK(strstr(err, "PRAGMA") != NULL);
    if (strstr(err, "PRAGMA") == NULL) fprintf(stderr, "  %s: %s\n", set[i], err);
  }
  /* reading, and the few settings a model may change */
  CHECK(with_db(0, "assert(h:scalar('PRAGMA user_version') == 0) "
                   "assert(h:scalar('PRAGMA JOURNAL_MODE') == 'delete') "
                   "assert(#h:rows('PRAGMA table_info(t)') == 1) "
                   "assert(#h:rows(\"SELECT * FROM pragma_table_info('t')\") == 1) "
                   "assert(h:scalar('SELECT journal_mode FROM pragma_journal_mode') == 'delete') "
                   "h:exec('PRAGMA cache_size = 100; PRAGMA Case_Sensitive_Like = 1')", err, sizeof err));
  if (err[0]) fprintf(stderr, "  %s\n", err);
}

TEST(schema_version_cannot_be_set_by_a_model_even_with_write) {
  char err[400];
  CHECK(!with_db(QM_DB_WRITE, "h:exec('PRAGMA user_version = 999')", err, sizeof err));
  CHECK(strstr(err, "schema version") != NULL);
  CHECK(!with_db(QM_DB_WRITE, "h:exec('PRAGMA USER_VERSION = 999')", err, sizeof err));
  CHECK(!with_db(QM_DB_WRITE, "h:exec('PRAGMA application_id = 7')", err, sizeof err));
  CHECK(with_db(0, "assert(h:scalar('PRAGMA user_version') == 0)", err, sizeof err));
}

TEST(models_cannot_create_triggers) {
  char err[400];
  CHECK(!with_db(QM_DB_WRITE, "h:exec('CREATE TRIGGER tr AFTER INSERT ON t BEGIN DELETE FROM t; END')", err, sizeof err));
  CHECK(strstr(err, "triggers cannot be created from a model") != NULL);
  CHECK(!with_db(QM_DB_WRITE, "h:exec('CREATE TEMP TRIGGER tr AFTER INSERT ON t BEGIN SELECT 1; END')", err, sizeof err));
  CHECK(strstr(err, "triggers cannot be created") != NULL);
  CHECK(!with_db(0, "h:exec('CREATE TEMP TRIGGER tr AFTER INSERT ON t BEGIN SELECT 1; END')", err, sizeof err));
  /* temporary tables and views stay the connection's own */
  CHECK(with_db(0, "h:exec('CREATE TEMP TABLE x(a); INSERT INTO x VALUES (1); CREATE TEMP VIEW v AS SELECT a FROM x') "
                   "assert(h:scalar('SELECT a FROM v') == 1)", err, sizeof err));
}

TEST(engine_names_are_the_engines_in_any_case) {
  char err[400];
  const char *creates[] = { "CREATE TABLE QM_NEW(a)", "CREATE TABLE Qm_New(a)", "CREATE INDEX qm_i ON t(a)",
    "CREATE INDEX i ON QM_RUNS(a)", "CREATE VIEW qm_v AS SELECT 1", "DROP TABLE QM_RUNS",
    "ALTER TABLE QM_RUNS ADD COLUMN b", "INSERT INTO QM_RUNS VALUES (1)", "ANALYZE qm_runs" };
  for (size_t i = 0; i < sizeof creates / sizeof creates[0]; i++) {
    char code[200];
    snprintf(code, sizeof code, "h:exec('%s')", creates[i]);
    CHECK(!with_db(QM_DB_WRITE, code, err, sizeof err));
    CHECK(strstr(err, "belongs to the engine") != NULL);
    if (strstr(err, "belongs to the engine") == NULL) fprintf(stderr, "  %s: %s\n", creates[i], err);
  }
  CHECK(with_db(QM_DB_WRITE, "h:exec('CREATE INDEX ti ON t(a); ANALYZE t')", err, sizeof err));
  if (err[0]) fprintf(stderr, "  %s\n", err);
  CHECK(!with_db(QM_DB_WRITE, "h:exec(\"UPDATE sqlite_stat1 SET stat = '1000000 1'\")", err, sizeof err));
  CHECK(strstr(err, "sqlite_stat1") != NULL);
  CHECK(!with_db(QM_DB_WRITE, "h:exec(\"INSERT INTO SQLITE_STAT1 VALUES ('qm_runs', NULL, '1')\")", err, sizeof err));
  CHECK(with_db(QM_DB_WRITE, "h:exec('DROP INDEX ti; CREATE TABLE s(id INTEGER PRIMARY KEY AUTOINCREMENT); "
                             "INSERT INTO s VALUES (NULL); DROP TABLE s')", err, sizeof err));
  if (err[0]) fprintf(stderr, "  %s\n", err);
}

TEST(a_table_cannot_be_renamed_to_an_engine_name) {
  /* SQLite tells the authorizer only the old name: the new one is read from the statement */
  char err[400];
  const char *renames[] = { "ALTER TABLE t RENAME TO qm_x", "ALTER TABLE t RENAME TO \"QM_X\"",
    "ALTER TABLE main.t RENAME TO [Qm_x]", "alter /* c */ table t -- c\n rename\tto `qm_x`",
    "ALTER TABLE \"t\" RENAME TO 'qm_x'" };
  for (size_t i = 0; i < sizeof renames / sizeof renames[0]; i++) {
    char code[200];
    snprintf(code, sizeof code, "h:exec([==[%s]==])", renames[i]);
    CHECK(!with_db(QM_DB_WRITE, code, err, sizeof err));
    CHECK(strstr(err, "cannot be renamed to") != NULL && strstr(err, "qm_ are qm's") != NULL);
    if (strstr(err, "cannot be renamed to") == NULL) fprintf(stderr, "  %s: %s\n", renames[i], err);
  }
  CHECK(with_db(0, "assert(h:scalar(\"SELECT count(*) FROM sqlite_schema WHERE name = 't'\") == 1)", err, sizeof err));
  /* a statement it cannot read as a rename is refused for a model */
  CHECK(!with_db(QM_DB_WRITE, "h:exec('EXPLAIN ALTER TABLE t RENAME TO qm_x')", err, sizeof err));
  CHECK(strstr(err, "cannot read what the table is renamed to") != NULL);
  /* other renames, columns (any name) and a connection's TEMP tables stay allowed */
  CHECK(with_db(QM_DB_WRITE, "h:exec('ALTER TABLE t RENAME TO t2; ALTER TABLE t2 ADD COLUMN qm_b; "
                             "ALTER TABLE t2 RENAME COLUMN qm_b TO c; ALTER TABLE t2 RENAME TO t; "
                             "ALTER TABLE t DROP COLUMN c; "
                             "CREATE TEMP TABLE tt(a); ALTER TABLE temp.tt RENAME TO qm_tt')", err, sizeof err));
  if (err[0]) fprintf(stderr, "  %s\n", err);
  /* the engine's own connection may */
  CHECK(with_db(QM_DB_WRITE | QM_DB_ENGINE, "h:exec('ALTER TABLE t RENAME TO qm_t; ALTER TABLE qm_t RENAME TO t')",
                err, sizeof err));
  if (err[0]) fprintf(stderr, "  %s\n", err);
}

TEST(every_authorizer_action_code_has_a_listed_rule) {
  for (int code = 0; code <= SQLITE_RECURSIVE; code++) {
    CHECK(qmG_listed(code));
    if (!qmG_listed(code)) fprintf(stderr, "  action %d is not listed\n", code);
  }
  CHECK(!qmG_listed(SQLITE_RECURSIVE + 1));
  CHECK(!qmG_listed(-1));
}

TEST(fts3_tokenizer_is_refused) {
  char err[400];
  CHECK(!with_db(0, "h:scalar(\"SELECT fts3_tokenizer('simple')\")", err, sizeof err));
  CHECK(!with_db(0, "h:scalar(\"SELECT FTS3_TOKENIZER('simple')\")", err, sizeof err));
  CHECK(!with_db(QM_DB_WRITE | QM_DB_ENGINE, "h:scalar(\"SELECT fts3_tokenizer('simple')\")", err, sizeof err));
}

/* a trigger made by another tool (no authorizer) on a table the engine writes */
static void plant_trigger(void) {
  sqlite3 *raw = NULL;
  CHECK(sqlite3_open(dbpath, &raw) == SQLITE_OK);
  CHECK(sqlite3_exec(raw, "CREATE TABLE IF NOT EXISTS audit(a); CREATE TABLE IF NOT EXISTS qm_hist(x); "
                          "INSERT INTO qm_hist VALUES (1), (2); "
                          "CREATE TRIGGER IF NOT EXISTS wipe AFTER INSERT ON audit BEGIN DELETE FROM qm_hist; END",
                     NULL, NULL, NULL) == SQLITE_OK);
  sqlite3_close(raw);
}

TEST(engine_writes_fire_no_trigger_and_model_writes_cannot_ride_one) {
  char err[400];
  plant_trigger();
  CHECK(with_db(QM_DB_WRITE | QM_DB_ENGINE, "h:exec('INSERT INTO audit VALUES (1)') "
                "assert(h:scalar('SELECT count(*) FROM qm_hist') == 2, 'the trigger fired')", err, sizeof err));
  if (err[0]) fprintf(stderr, "  %s\n", err);
  CHECK(!with_db(QM_DB_WRITE, "h:exec('INSERT INTO audit VALUES (2)')", err, sizeof err));
  CHECK(strstr(err, "table qm_hist belongs to the engine") != NULL);
  CHECK(with_db(0, "assert(h:scalar('SELECT count(*) FROM qm_hist') == 2)", err, sizeof err));
}

TEST(exec_counts_the_rows_its_statements_changed) {
  char err[400];
  CHECK(with_db(QM_DB_WRITE, "h:exec('CREATE TABLE IF NOT EXISTS n(a)') "
                "local c = h:exec('INSERT INTO n VALUES (1), (2), (3); SELECT 1; SELECT 2') "
                "assert(c == 3, 'exec counted ' .. c) "
                "assert(h:exec('CREATE TABLE n2(a)') == 0) "
                "assert(h:exec('UPDATE n SET a = a + 1 WHERE a > 1; SELECT * FROM n') == 2) "
                "local st = h:prepare('SELECT count(*) FROM n') "
                "assert(st:exec() == 0, 'a SELECT changed rows') st:close() "
                "assert(h:exec('DELETE FROM n WHERE a = ?', {1}) == 1) "
                "h:exec('DROP TABLE n; DROP TABLE n2')", err, sizeof err));
  if (err[0]) fprintf(stderr, "  %s\n", err);
}

TEST(journal_mode_is_left_as_the_file_has_it) {
  char err[400], other[sizeof dbpath - 16];
  snprintf(other, sizeof other, "%s/new.db", tmpdir);
  lua_State *L = luaL_newstate();
  lua_pushcfunction(L, open_call);
  lua_pushstring(L, other);
  lua_pushinteger(L, QM_DB_CREATE | QM_DB_WRITE | QM_DB_ENGINE);
  CHECK(lua_pcall(L, 2, 1, 0) == LUA_OK);
  lua_close(L);
  sqlite3 *raw = NULL;
  sqlite3_stmt *st = NULL;
  CHECK(sqlite3_open(other, &raw) == SQLITE_OK);
  CHECK(sqlite3_prepare_v2(raw, "PRAGMA journal_mode", -1, &st, NULL) == SQLITE_OK);
  CHECK(sqlite3_step(st) == SQLITE_ROW);
  CHECK_STR((const char *)sqlite3_column_text(st, 0), "delete");
  sqlite3_finalize(st);
  CHECK(sqlite3_exec(raw, "PRAGMA journal_mode=WAL", NULL, NULL, NULL) == SQLITE_OK);
  sqlite3_close(raw);
  /* a WAL file stays WAL after qm wrote it */
  char *saved = strdup(dbpath);
  snprintf(dbpath, sizeof dbpath, "%s", other);
  CHECK(with_db(QM_DB_WRITE | QM_DB_ENGINE, "h:exec('CREATE TABLE w(a); INSERT INTO w VALUES (1)') "
                "assert(h:scalar('PRAGMA journal_mode') == 'wal')", err, sizeof err));
  snprintf(dbpath, sizeof dbpath, "%s", saved);
  free(saved);
}

int main(void) {
  if (mkdtemp(tmpdir) == NULL) { perror("mkdtemp"); return 1; }
  snprintf(dbpath, sizeof dbpath, "%s/a.db", tmpdir);
  fresh();
  RUN(attach_denied);
  RUN(load_extension_denied);
  RUN(write_on_readonly_denied);
  RUN(engine_tables_protected_from_models);
  RUN(engine_connection_may_write_engine_tables);
  RUN(dangerous_pragmas_denied_for_everyone);
  RUN(pragmas_are_compared_without_case_on_model_connections);
  RUN(schema_version_cannot_be_set_by_a_model_even_with_write);
  RUN(models_cannot_create_triggers);
  RUN(engine_names_are_the_engines_in_any_case);
  RUN(a_table_cannot_be_renamed_to_an_engine_name);
  RUN(every_authorizer_action_code_has_a_listed_rule);
  RUN(fts3_tokenizer_is_refused);
  RUN(engine_writes_fire_no_trigger_and_model_writes_cannot_ride_one);
  RUN(exec_counts_the_rows_its_statements_changed);
  RUN(journal_mode_is_left_as_the_file_has_it);
  int rc = DONE();
  char cmd[400];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
  if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", tmpdir);
  return rc;
}
