/*
** sqlite_lua.h — SQLite for Lua: the "qm.db" module (connections, statements, transactions),
** the authorizer that keeps model SQL in bounds, and the registration of qm's SQL functions.
*/
#ifndef QM_SQLITE_LUA_H
#define QM_SQLITE_LUA_H

#include <lua.h>
#include <sqlite3.h>

/* Flags for qmDb_push_open */
enum {
  QM_DB_WRITE = 1,   /* open read-write (default: read-only) */
  QM_DB_CREATE = 2,  /* create the file if missing (implies WRITE) */
  QM_DB_ENGINE = 4,  /* the engine's own connection: may write the engine's qm_* tables */
  QM_DB_MEMORY = 8,  /* path names a shared in-memory database (no file) */
  QM_DB_DEFER = 16   /* open the file at the first use of the handle, not now (a run that
                     ** never uses it never pays for it); errors are raised then */
};

/* luaopen-style: the "qm.db" module for models and the stdlib */
int qmDb_open_lib(lua_State *L);
/* Open a database and push its Lua handle; raises (class QM_EXIT_IO) on failure (with
** QM_DB_DEFER: at the first use of the handle). */
void qmDb_push_open(lua_State *L, const char *path, int flags);
/* Close every connection made by qmDb_push_open in this state (finalizing its statements),
** as their __gc would; the handles then say they are closed. */
void qmDb_close_all(lua_State *L);
/* The sqlite3 connection of the handle at idx (raises if it is not an open handle). */
sqlite3 *qmDb_check(lua_State *L, int idx);
/* lua_CFunction (engine-only, host.columns_of): the column names, in the query's order, of a
** result table db:rows gave; nil for any other value. */
int qmDb_columns_of(lua_State *L);

/* The sqlite3_stmt of the "qm.stmt" userdata at idx (raises when it is closed), and one step
** of it: the statement on its next row, or NULL when done; raises SQLite's error or the
** limit that stopped it. For C modules that read rows without Lua values (rows.c). */
sqlite3_stmt *qmDb_tostmt(lua_State *L, int idx);
sqlite3_stmt *qmDb_stepstmt(lua_State *L, int idx);

#endif
