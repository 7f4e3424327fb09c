/* test_authorizer.c — the authorizer of qm.db connections (sqlite_lua.c): what model SQL may do. */
#include <lauxlib.h>
#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "check.h"
#include "qm.h"
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
  int rc = DONE();
  char cmd[400];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
  if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", tmpdir);
  return rc;
}
