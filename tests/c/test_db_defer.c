/* test_db_defer.c — a qm.db handle opened with QM_DB_DEFER (the connection behind a model's
** `db`) opens its file only when first used, and then behaves like one opened at once. */
#include <lauxlib.h>
#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "check.h"
#include "qm.h"
#include "sqlite_lua.h"

static char tmpdir[] = "/tmp/qm-defer-XXXXXX";
static char dbpath[300];

static int open_call(lua_State *L) {
  qmDb_push_open(L, luaL_checkstring(L, 1), (int)luaL_checkinteger(L, 2));
  return 1;
}

/* runs `code` with `h` = qmDb_push_open(path, flags); returns 1 when both succeed, else 0
** with the message in err */
static int with_db(const char *path, int flags, const char *code, char *err, size_t elen) {
  lua_State *L = luaL_newstate();
  luaL_openlibs(L);
  err[0] = '\0';
  int ok = 0;
  lua_pushcfunction(L, open_call);
  lua_pushstring(L, path);
  lua_pushinteger(L, flags);
  if (lua_pcall(L, 2, 1, 0) == LUA_OK) {
    lua_setglobal(L, "h");
    ok = luaL_dostring(L, code) == LUA_OK;
  }
  if (!ok) snprintf(err, elen, "%s", qm_errmsg(L, -1) ? qm_errmsg(L, -1) : "?");
  lua_close(L);
  return ok;
}

TEST(a_deferred_handle_touches_no_file_until_used) {
  char err[400], missing[320];
  snprintf(missing, sizeof missing, "%s/missing.db", tmpdir);
  /* at once: the missing file is an error at open */
  CHECK(!with_db(missing, 0, "", err, sizeof err));
  CHECK(strstr(err, "cannot open database") != NULL);
  /* deferred: the open succeeds, describes itself, and fails at first use, each time */
  CHECK(with_db(missing, QM_DB_DEFER, "assert(tostring(h):find('(read-only)', 1, true))", err, sizeof err));
  CHECK(!with_db(missing, QM_DB_DEFER, "h:scalar('SELECT 1')", err, sizeof err));
  CHECK(strstr(err, "cannot open database") != NULL && strstr(err, "missing.db") != NULL);
  CHECK(with_db(missing, QM_DB_DEFER,
                "for i = 1, 2 do local ok, e = pcall(h.scalar, h, 'SELECT 1') "
                "assert(not ok and tostring(e):find('cannot open database', 1, true), tostring(e)) end", err, sizeof err));
  CHECK(access(missing, F_OK) != 0);
}

TEST(a_deferred_handle_works_like_an_open_one) {
  char err[400];
  CHECK(with_db(dbpath, QM_DB_CREATE | QM_DB_WRITE | QM_DB_ENGINE,
                "h:exec('CREATE TABLE t(a); INSERT INTO t VALUES (42)') h:close()", err, sizeof err));
  CHECK(with_db(dbpath, QM_DB_DEFER,
                "assert(h:scalar('SELECT a FROM t') == 42) assert(h:readonly()) "
                "assert(not pcall(h.exec, h, 'INSERT INTO t VALUES (1)'))", err, sizeof err));
  /* the engine's tables stay read-only to it, as to any model connection */
  CHECK(with_db(dbpath, QM_DB_WRITE | QM_DB_DEFER,
                "h:exec('INSERT INTO t VALUES (1)') "
                "local ok, e = pcall(h.exec, h, 'CREATE TABLE qm_x(a)') assert(not ok, 'qm_ table made')",
                err, sizeof err));
  if (err[0]) fprintf(stderr, "  %s\n", err);
}

TEST(a_deferred_handle_closed_before_use_stays_closed) {
  char err[400];
  CHECK(!with_db(dbpath, QM_DB_DEFER, "h:close() h:scalar('SELECT 1')", err, sizeof err));
  CHECK(strstr(err, "is closed") != NULL);
}

int main(void) {
  if (mkdtemp(tmpdir) == NULL) { perror("mkdtemp"); return 1; }
  snprintf(dbpath, sizeof dbpath, "%s/t.db", tmpdir);
  RUN(a_deferred_handle_touches_no_file_until_used);
  RUN(a_deferred_handle_works_like_an_open_one);
  RUN(a_deferred_handle_closed_before_use_stays_closed);
  unlink(dbpath);
  char wal[320];
  snprintf(wal, sizeof wal, "%s-wal", dbpath);
  unlink(wal);
  snprintf(wal, sizeof wal, "%s-shm", dbpath);
  unlink(wal);
  rmdir(tmpdir);
  return DONE();
}
