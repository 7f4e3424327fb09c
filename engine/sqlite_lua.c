/*
** sqlite_lua.c — SQLite for Lua: the "qm.db" module. Connections ("qm.db") and prepared
** statements ("qm.stmt") as userdata; query iterators that finalize their statement when a
** loop is left early (Lua 5.4 to-be-closed values); transactions that commit on return and
** roll back on error. Every connection gets qm's SQL functions, the authorizer
** (sql_guard.c) and a progress handler that honours --timeout and Ctrl-C.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <lauxlib.h>
#include "qm.h"
#include "qm_limits.h"
#include "sandbox.h"
#include "sqlfuncs.h"
#include "sql_budget.h"
#include "sql_guard.h"
#include "sqlite_lua.h"

#define DB_MT "qm.db"
#define STMT_MT "qm.stmt"
#define PROGRESS_EVERY 10000  /* VM steps between limit checks */
static const char OPEN_DBS[] = "qm.db.handles";  /* weak keys: every handle, for qmDb_close_all */

typedef struct Stmt Stmt;

typedef struct Db {
  sqlite3 *conn;         /* NULL once closed, or until first use when deferred */
  char *path;
  int flags;
  int deferred;          /* QM_DB_DEFER: opened by the first method that needs it */
  int tx_depth;          /* nesting of :transaction */
  QmLimits *limits;      /* of the state that opened it; NULL for a plain state */
  QmGuard guard;         /* what the authorizer allows, and why it refused last */
  Stmt *stmts;           /* open statements, finalized before the connection closes */
  char saved_error[256];  /* SQLite's message kept across a ROLLBACK that would replace it */
} Db;

struct Stmt {
  sqlite3_stmt *st;      /* NULL once finalized */
  Db *db;
  Stmt *next, *prev;
};

/* ---------------------------------------------------------------- helpers */

static void open_conn(lua_State *L, Db *d);

static Db *check_db(lua_State *L, int idx) {
  Db *d = luaL_checkudata(L, idx, DB_MT);
  if (d->conn == NULL && d->deferred) {
    open_conn(L, d);     /* raises when it cannot; the next use tries again */
    d->deferred = 0;
  }
  if (d->conn == NULL) luaL_error(L, "the database %s is closed", d->path ? d->path : "");
  return d;
}

static Stmt *check_stmt(lua_State *L, int idx) {
  Stmt *s = luaL_checkudata(L, idx, STMT_MT);
  if (s->st == NULL) luaL_error(L, "the statement is closed");
  if (s->db == NULL || s->db->conn == NULL) luaL_error(L, "the statement's database is closed");
  return s;
}

sqlite3 *qmDb_check(lua_State *L, int idx) {
  return check_db(L, idx)->conn;
}

/* Raise an SQLite error, preferring the authorizer's or the limit's reason. */
static int db_error(lua_State *L, Db *d, int rc, const char *sql) {
  size_t held[3];
  int refused = qmB_take_refusal(held);
  if (d->limits != NULL && d->limits->tripped == QM_TRIP_NONE) {
    /* the memory budget: SQLite's allocations, or a temporary file it refused to grow */
    QmLimits *lim = d->limits;
    if (rc == SQLITE_NOMEM) qmL_trip_memory(lim, QM_MEM_SQLITE);
    else if (rc == SQLITE_FULL && refused == QM_MEM_TEMP) qmL_trip_memory(lim, QM_MEM_TEMP);
    if (lim->tripped == QM_TRIP_MEMORY && refused != 0) {  /* as it was when refused */
      lim->held_lua = held[0];
      lim->held_sqlite = held[1];
      lim->held_temp = held[2];
    }
  }
  if ((rc == SQLITE_INTERRUPT || rc == SQLITE_NOMEM || rc == SQLITE_FULL) &&
      d->limits && d->limits->tripped != QM_TRIP_NONE) {
    char why[320];
    qmL_describe(d->limits, why, sizeof why);
    qmL_stop(L);
    return luaL_error(L, "%s", why);  /* the hook and qmH_report classify it */
  }
  const char *msg = d->saved_error[0] ? d->saved_error : sqlite3_errmsg(d->conn);
  char copy[sizeof d->saved_error];
  snprintf(copy, sizeof copy, "%s", msg);
  msg = copy;
  d->saved_error[0] = '\0';
  if (rc == SQLITE_BUSY)
    msg = "the database is locked: another connection reads or writes it (a db:query loop of this "
          "run still open, or another program). In SQLite's default rollback journal a write waits "
          "until readers finish: read the rows first (db:rows), or switch the file to WAL once: "
          "sqlite3 FILE 'PRAGMA journal_mode=WAL'";
  /* SQL the rules refuse is the model's error (exit 1), like any sandbox refusal; a database
  ** that fails (cannot open, corrupt, busy, disk full) is an I/O error (exit 3) */
  int cls = (rc == SQLITE_AUTH || rc == SQLITE_READONLY) ? QM_EXIT_MODEL : QM_EXIT_IO;
  if (rc == SQLITE_AUTH && d->guard.reason[0]) msg = d->guard.reason;
  if (rc == SQLITE_READONLY) msg = "the database is open read-only: writing needs --write";
  if (sql != NULL) {
    while (*sql == ' ' || *sql == '\t' || *sql == '\n' || *sql == '\r') sql++;
    char excerpt[96];
    size_t len = strcspn(sql, "\n");
    int cut = len >= sizeof excerpt - 4 || sql[len] != '\0';
    if (len > sizeof excerpt - 5) len = sizeof excerpt - 5;
    memcpy(excerpt, sql, len);
    strcpy(excerpt + len, cut ? " ..." : "");
    return qm_raise(L, cls, 1, "SQL error: %s (in: %s)", msg, excerpt);
  }
  return qm_raise(L, cls, 1, "SQL error: %s", msg);
}

static void stmt_unlink(Stmt *s) {
  if (s->db == NULL) return;
  if (s->prev) s->prev->next = s->next; else s->db->stmts = s->next;
  if (s->next) s->next->prev = s->prev;
  s->next = s->prev = NULL;
  s->db = NULL;
}

static void stmt_finalize(Stmt *s) {
  if (s->st) { sqlite3_finalize(s->st); s->st = NULL; }
  stmt_unlink(s);
}

static int progress(void *ud) {
  Db *d = ud;
  return d->limits != NULL && qmL_poll(d->limits);
}

/* ---------------------------------------------------------------- values */

static void push_column(lua_State *L, sqlite3_stmt *st, int i) {
  switch (sqlite3_column_type(st, i)) {
  case SQLITE_INTEGER: lua_pushinteger(L, sqlite3_column_int64(st, i)); break;
  case SQLITE_FLOAT: lua_pushnumber(L, sqlite3_column_double(st, i)); break;
  case SQLITE_TEXT:
    lua_pushlstring(L, (const char *)sqlite3_column_text(st, i), (size_t)sqlite3_column_bytes(st, i));
    break;
  case SQLITE_BLOB: {
    const void *b = sqlite3_column_blob(st, i);
    lua_pushlstring(L, b ? b : "", (size_t)sqlite3_column_bytes(st, i));
    break;
  }
  default: qm_pushnull(L); break;
  }
}

/* push the current row as a table keyed by column name (or an array) */
static void push_row(lua_State *L, sqlite3_stmt *st, int as_array) {
  int n = sqlite3_column_count(st);
  lua_createtable(L, as_array ? n : 0, as_array ? 0 : n);
  for (int i = 0; i < n; i++) {
    push_column(L, st, i);
    if (as_array) lua_rawseti(L, -2, i + 1);
    else lua_setfield(L, -2, sqlite3_column_name(st, i));
  }
}

static int bind_value(lua_State *L, Stmt *s, int i, int vidx, const char *name) {
  sqlite3_stmt *st = s->st;
  int rc;
  switch (lua_type(L, vidx)) {
  case LUA_TNIL: case LUA_TNONE: rc = sqlite3_bind_null(st, i); break;
  case LUA_TBOOLEAN: rc = sqlite3_bind_int(st, i, lua_toboolean(L, vidx)); break;
  case LUA_TNUMBER:
    rc = lua_isinteger(L, vidx) ? sqlite3_bind_int64(st, i, lua_tointeger(L, vidx))
                                : sqlite3_bind_double(st, i, lua_tonumber(L, vidx));
    break;
  case LUA_TSTRING: {
    size_t len;
    const char *v = lua_tolstring(L, vidx, &len);
    rc = sqlite3_bind_text64(st, i, v, len, SQLITE_TRANSIENT, SQLITE_UTF8);
    break;
  }
  default:
    if (qm_isnull(L, vidx)) { rc = sqlite3_bind_null(st, i); break; }
    if (name == NULL) {   /* positional (stmt:try): the label is made only for the message */
      return qm_raise(L, QM_EXIT_MODEL, 1, "parameter ?%d: cannot bind a %s value (use a number, string, boolean or null)",
                      i, luaL_typename(L, vidx));
    }
    return qm_raise(L, QM_EXIT_MODEL, 1, "parameter %s: cannot bind a %s value (use a number, string, boolean or null)",
                    name, luaL_typename(L, vidx));
  }
  if (rc != SQLITE_OK) return db_error(L, s->db, rc, NULL);
  return 0;
}

/* bind the params table at pidx (or nothing when it is nil/none) */
static void bind_params(lua_State *L, Stmt *s, int pidx) {
  sqlite3_stmt *st = s->st;
  sqlite3_reset(st);
  sqlite3_clear_bindings(st);
  int n = sqlite3_bind_parameter_count(st);
  if (n == 0) return;
  if (lua_isnoneornil(L, pidx)) {
    const char *name = sqlite3_bind_parameter_name(st, 1);
    qm_raise(L, QM_EXIT_MODEL, 1, "parameter %s not given (the SQL has %d parameter%s; pass a table)",
             name ? name : "?1", n, n == 1 ? "" : "s");
    return;
  }
  luaL_checktype(L, pidx, LUA_TTABLE);
  for (int i = 1; i <= n; i++) {
    const char *name = sqlite3_bind_parameter_name(st, i);
    if (name == NULL || name[0] == '?') {
      lua_Integer pos = name && name[1] ? (lua_Integer)strtol(name + 1, NULL, 10) : i;
      lua_geti(L, pidx, pos);
      if (lua_isnil(L, -1) && pos > (lua_Integer)luaL_len(L, pidx))
        qm_raise(L, QM_EXIT_MODEL, 1, "parameter ?%d not given", (int)pos);
      char label[24];
      snprintf(label, sizeof label, "?%d", (int)pos);
      bind_value(L, s, i, -1, label);
    } else {
      if (lua_getfield(L, pidx, name + 1) == LUA_TNIL)
        qm_raise(L, QM_EXIT_MODEL, 1, "parameter %s not given", name);
      bind_value(L, s, i, -1, name);
    }
    lua_pop(L, 1);
  }
}

/* ---------------------------------------------------------------- statements */

static Stmt *prepare(lua_State *L, int dbidx, const char *sql, const char **tail) {
  Db *d = check_db(L, dbidx);
  Stmt *s = lua_newuserdatauv(L, sizeof *s, 1);
  memset(s, 0, sizeof *s);
  luaL_setmetatable(L, STMT_MT);
  lua_pushvalue(L, dbidx);
  lua_setiuservalue(L, -2, 1);  /* the statement keeps its connection alive */
  d->guard.reason[0] = '\0';
  d->guard.sql = sql;
  int rc = sqlite3_prepare_v2(d->conn, sql, -1, &s->st, tail);
  d->guard.sql = NULL;
  if (rc != SQLITE_OK) { db_error(L, d, rc, sql); return NULL; }
  s->db = d;
  s->next = d->stmts;
  if (d->stmts) d->stmts->prev = s;
  d->stmts = s;
  return s;
}

/* step once: 1 = row, 0 = done; raises on error (finalizing nothing: the owner does) */
static int step(lua_State *L, Stmt *s) {
  int rc = sqlite3_step(s->st);
  if (rc == SQLITE_ROW) return 1;
  if (rc == SQLITE_DONE) return 0;
  const char *sql = sqlite3_sql(s->st);
  sqlite3_reset(s->st);
  return db_error(L, s->db, rc, sql), 0;
}

static int stmt_gc(lua_State *L) {
  Stmt *s = luaL_checkudata(L, 1, STMT_MT);
  stmt_finalize(s);
  return 0;
}

static int stmt_tostring(lua_State *L) {
  Stmt *s = luaL_checkudata(L, 1, STMT_MT);
  if (s->st == NULL) lua_pushliteral(L, "<statement (closed)>");
  else lua_pushfstring(L, "<statement %s>", sqlite3_sql(s->st));
  return 1;
}

static int stmt_bind(lua_State *L) {
  Stmt *s = check_stmt(L, 1);
  bind_params(L, s, 2);
  lua_settop(L, 1);
  return 1;
}

static int stmt_reset(lua_State *L) {
  Stmt *s = check_stmt(L, 1);
  sqlite3_reset(s->st);
  lua_settop(L, 1);
  return 1;
}

static int stmt_columns(lua_State *L) {
  Stmt *s = check_stmt(L, 1);
  int n = sqlite3_column_count(s->st);
  lua_createtable(L, n, 0);
  for (int i = 0; i < n; i++) {
    lua_pushstring(L, sqlite3_column_name(s->st, i));
    lua_rawseti(L, -2, i + 1);
  }
  return 1;
}

/* st:decltypes(): for each result column, the declared type of the table column it is taken
** from unchanged (a plain column reference, also through a view or subquery), else false —
** qm check reads a dataset's declared qm type this way */
static int stmt_decltypes(lua_State *L) {
  Stmt *s = check_stmt(L, 1);
  int n = sqlite3_column_count(s->st);
  lua_createtable(L, n, 0);
  for (int i = 0; i < n; i++) {
    const char *t = sqlite3_column_decltype(s->st, i);
    if (t) lua_pushstring(L, t); else lua_pushboolean(L, 0);
    lua_rawseti(L, -2, i + 1);
  }
  return 1;
}

/* the rows a statement changed: sqlite3_changes() keeps the count of the last INSERT, UPDATE
** or DELETE through later statements of other kinds, so it counts only when the connection's
** total moved while this one ran */
static sqlite3_int64 changed_by(sqlite3 *conn, sqlite3_int64 total_before) {
  return sqlite3_total_changes64(conn) != total_before ? sqlite3_changes64(conn) : 0;
}

/* st:parameters(): the statement's parameter names as written (":year", "@x", "$y"), and
** "?N" for positional ones, in order */
static int stmt_parameters(lua_State *L) {
  Stmt *s = check_stmt(L, 1);
  int n = sqlite3_bind_parameter_count(s->st);
  lua_createtable(L, n, 0);
  for (int i = 1; i <= n; i++) {
    const char *name = sqlite3_bind_parameter_name(s->st, i);
    if (name == NULL) lua_pushfstring(L, "?%d", i); else lua_pushstring(L, name);
    lua_rawseti(L, -2, i);
  }
  return 1;
}

static int stmt_exec(lua_State *L) {
  Stmt *s = check_stmt(L, 1);
  bind_params(L, s, 2);
  sqlite3_int64 before = sqlite3_total_changes64(s->db->conn);
  while (step(L, s)) {}
  sqlite3_reset(s->st);
  lua_pushinteger(L, (lua_Integer)changed_by(s->db->conn, before));
  return 1;
}

/* A table keyed by column names keeps no order, so db:rows (and db:first, for its one row)
** remembers the query's column order of each result it gives (a weak side table: result ->
** { names }); the REPL prints the columns in SELECT order from it (qmDb_columns_of). */
static const char COLUMNS_OF[] = "qm.db.columns";

static void remember_columns(lua_State *L, sqlite3_stmt *st, int result) {
  result = lua_absindex(L, result);
  int n = sqlite3_column_count(st);
  qm_weaktable(L, COLUMNS_OF);
  lua_pushvalue(L, result);
  lua_createtable(L, n, 0);
  for (int i = 0; i < n; i++) {
    lua_pushstring(L, sqlite3_column_name(st, i));
    lua_rawseti(L, -2, i + 1);
  }
  lua_rawset(L, -3);
  lua_pop(L, 1);
}

int qmDb_columns_of(lua_State *L) {
  luaL_checkany(L, 1);
  if (lua_getfield(L, LUA_REGISTRYINDEX, COLUMNS_OF) != LUA_TTABLE) { lua_pushnil(L); return 1; }
  lua_pushvalue(L, 1);
  lua_rawget(L, -2);
  return 1;
}

/* stmt:try(v1, v2, ...): bind the arguments to ?1, ?2, ... (no table per call: the fast path
** of an import), step once; true when it ran, or false and SQLite's message when a constraint
** refused the row (UNIQUE, CHECK, NOT NULL, FOREIGN KEY), so a caller can list bad rows and
** go on. Any other error raises as usual. */
static int stmt_try(lua_State *L) {
  Stmt *s = check_stmt(L, 1);
  sqlite3_stmt *st = s->st;
  sqlite3_reset(st);
  int n = sqlite3_bind_parameter_count(st);
  int given = lua_gettop(L) - 1;
  if (given != n) return luaL_error(L, "try: the statement has %d parameter%s, %d given", n, n == 1 ? "" : "s", given);
  for (int i = 1; i <= n; i++) bind_value(L, s, i, i + 1, NULL);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW || rc == SQLITE_DONE) {
    sqlite3_reset(st);
    lua_pushboolean(L, 1);
    return 1;
  }
  if ((rc & 0xFF) == SQLITE_CONSTRAINT) {
    lua_pushboolean(L, 0);
    lua_pushstring(L, sqlite3_errmsg(s->db->conn));
    sqlite3_reset(st);
    return 2;
  }
  const char *sql = sqlite3_sql(st);
  sqlite3_reset(st);
  return db_error(L, s->db, rc, sql);
}

static int stmt_rows(lua_State *L) {
  Stmt *s = check_stmt(L, 1);
  int as_array = lua_isstring(L, 3) && strcmp(lua_tostring(L, 3), "array") == 0;
  bind_params(L, s, 2);
  lua_newtable(L);
  lua_Integer n = 0;
  while (step(L, s)) {
    push_row(L, s->st, as_array);
    lua_rawseti(L, -2, ++n);
  }
  if (!as_array) remember_columns(L, s->st, -1);
  sqlite3_reset(s->st);
  return 1;
}

static int stmt_first(lua_State *L) {
  Stmt *s = check_stmt(L, 1);
  bind_params(L, s, 2);
  if (step(L, s)) {
    push_row(L, s->st, 0);
    remember_columns(L, s->st, -1);  /* the REPL shows db:first's record in SELECT order */
  } else {
    lua_pushnil(L);
  }
  sqlite3_reset(s->st);
  return 1;
}

static int stmt_scalar(lua_State *L) {
  Stmt *s = check_stmt(L, 1);
  bind_params(L, s, 2);
  if (step(L, s) && sqlite3_column_count(s->st) > 0) push_column(L, s->st, 0); else lua_pushnil(L);
  sqlite3_reset(s->st);
  return 1;
}

/* iterator state: upvalue 1 = the Stmt userdata; upvalue 2 = "array" flag; upvalue 3 =
** whether the statement is owned by the iterator (finalize at the end) */
static int iter_next(lua_State *L) {
  Stmt *s = luaL_checkudata(L, lua_upvalueindex(1), STMT_MT);
  if (s->st == NULL) return 0;
  if (s->db == NULL || s->db->conn == NULL) return luaL_error(L, "the statement's database is closed");
  int owned = lua_toboolean(L, lua_upvalueindex(3));
  int ok;
  if (owned) {
    /* an error while stepping finalizes an owned statement before it propagates */
    int rc = sqlite3_step(s->st);
    if (rc == SQLITE_ROW) ok = 1;
    else if (rc == SQLITE_DONE) ok = 0;
    else {
      Db *d = s->db;
      char sql[96];
      snprintf(sql, sizeof sql, "%s", sqlite3_sql(s->st));
      sqlite3_reset(s->st);
      return db_error(L, d, rc, sql);
    }
  } else {
    ok = step(L, s);
  }
  if (!ok) {
    if (owned) stmt_finalize(s); else sqlite3_reset(s->st);
    return 0;
  }
  int mode = (int)lua_tointeger(L, lua_upvalueindex(2));
  if (mode == 2) {  /* "values": the columns as the loop's variables, no table per row */
    int n = sqlite3_column_count(s->st);
    luaL_checkstack(L, n, "too many columns");
    for (int i = 0; i < n; i++) push_column(L, s->st, i);
    return n;
  }
  push_row(L, s->st, mode == 1);
  return 1;
}

/* the to-be-closed value: closes (or resets) the statement when the loop ends */
static int iter_close(lua_State *L) {
  lua_getiuservalue(L, 1, 1);
  Stmt *s = lua_touserdata(L, -1);
  if (s == NULL) return 0;
  lua_getiuservalue(L, 1, 2);
  if (lua_toboolean(L, -1)) stmt_finalize(s);
  else if (s->st) sqlite3_reset(s->st);
  return 0;
}

/* the row shape a query asks for: "array" (1), "values" (2), else by column name (0) */
static int row_mode(lua_State *L, int idx) {
  const char *m = lua_isstring(L, idx) ? lua_tostring(L, idx) : NULL;
  if (m == NULL) return 0;
  if (strcmp(m, "array") == 0) return 1;
  if (strcmp(m, "values") == 0) return 2;
  return luaL_error(L, "row shape must be \"array\" or \"values\", not \"%s\"", m);
}

static int push_iterator(lua_State *L, int stmt_idx, int as_array, int owned) {
  stmt_idx = lua_absindex(L, stmt_idx);
  lua_pushvalue(L, stmt_idx);
  lua_pushinteger(L, as_array);
  lua_pushboolean(L, owned);
  lua_pushcclosure(L, iter_next, 3);
  lua_pushnil(L);
  lua_pushnil(L);
  /* closing value: a small userdata whose __close finalizes the statement */
  lua_newuserdatauv(L, 0, 2);
  lua_pushvalue(L, stmt_idx);
  lua_setiuservalue(L, -2, 1);
  lua_pushboolean(L, owned);
  lua_setiuservalue(L, -2, 2);
  if (luaL_newmetatable(L, "qm.db.closer")) {
    lua_pushcfunction(L, iter_close);
    lua_setfield(L, -2, "__close");
    lua_pushcfunction(L, iter_close);
    lua_setfield(L, -2, "__gc");
  }
  lua_setmetatable(L, -2);
  return 4;
}

static int stmt_query(lua_State *L) {
  Stmt *s = check_stmt(L, 1);
  int as_array = row_mode(L, 3);
  bind_params(L, s, 2);
  return push_iterator(L, 1, as_array, 0);
}

static int stmt_close(lua_State *L) {
  Stmt *s = luaL_checkudata(L, 1, STMT_MT);
  stmt_finalize(s);
  return 0;
}

/* ---------------------------------------------------------------- connections */

static int db_prepare(lua_State *L) {
  const char *sql = luaL_checkstring(L, 2);
  const char *tail = NULL;
  Stmt *s = prepare(L, 1, sql, &tail);
  if (s->st == NULL) return luaL_error(L, "no SQL statement in: %s", sql);
  while (tail && (*tail == ' ' || *tail == '\n' || *tail == '\t' || *tail == '\r' || *tail == ';')) tail++;
  if (tail && *tail) return luaL_error(L, "prepare takes one statement; use db:exec for several");
  return 1;
}

/* db:try_prepare(sql): like prepare, but a statement SQLite cannot compile against this
** database (SQLITE_ERROR: syntax, no such table or column, ...) is a value, not an error:
** nil, SQLite's own message (no position, no SQL excerpt) and the byte offset of the error
** in the SQL (0-based; nil when SQLite does not know it). The data contract makes such an
** indicator "not evaluable" with the reason. Refusals (the authorizer) and failures of the
** database itself still raise, as in prepare. */
static int db_try_prepare(lua_State *L) {
  Db *d = check_db(L, 1);
  const char *sql = luaL_checkstring(L, 2);
  sqlite3_stmt *st = NULL;
  const char *tail = NULL;
  d->guard.reason[0] = '\0';
  d->guard.sql = sql;
  int rc = sqlite3_prepare_v2(d->conn, sql, -1, &st, &tail);
  d->guard.sql = NULL;
  if (rc == SQLITE_ERROR) {
#if SQLITE_VERSION_NUMBER >= 3038000
    int off = sqlite3_error_offset(d->conn);
#else
    int off = -1;
#endif
    lua_pushnil(L);
    lua_pushstring(L, sqlite3_errmsg(d->conn));
    if (off >= 0) lua_pushinteger(L, off); else lua_pushnil(L);
    return 3;
  }
  if (rc != SQLITE_OK) return db_error(L, d, rc, sql);
  while (tail && (*tail == ' ' || *tail == '\n' || *tail == '\t' || *tail == '\r' || *tail == ';')) tail++;
  if (st == NULL || (tail && *tail)) {
    sqlite3_finalize(st);
    lua_pushnil(L);
    lua_pushstring(L, st == NULL ? "no SQL statement" : "more than one statement (a query is one SELECT)");
    lua_pushnil(L);
    return 3;
  }
  sqlite3_finalize(st);
  /* compiled once to learn that it compiles; prepare() makes the statement object the
  ** usual way (a second compile is cheap next to running the query) */
  lua_settop(L, 2);
  Stmt *s = prepare(L, 1, sql, NULL);
  (void)s;
  return 1;
}

/* re-raise the error on top after a protected call, at the position of the Lua code that
** called the db method (errors raised inside have none) */
static int rethrow(lua_State *L) {
  const char *msg = qm_errmsg(L, -1);
  qm_where(L, 1);
  const char *where = lua_tostring(L, -1);
  if (msg != NULL && where[0] != '\0' && strncmp(msg, where, strlen(where)) != 0) {
    lua_pushstring(L, msg);
    lua_concat(L, 2);
    qm_errreplace(L, -2, lua_tostring(L, -1));  /* same class, position prepended */
  }
  lua_pop(L, 1);
  return lua_error(L);
}

/* db:rows/first/scalar(sql, params, mode): a statement prepared for this call only, finalized
** after it whether fn returns or raises */
static int with_stmt(lua_State *L, lua_CFunction fn) {
  check_db(L, 1);
  const char *sql = luaL_checkstring(L, 2);
  lua_settop(L, 4);
  Stmt *s = prepare(L, 1, sql, NULL);
  if (s->st == NULL) { lua_pushnil(L); return 1; }
  lua_pushcfunction(L, fn);
  lua_pushvalue(L, 5);
  lua_pushvalue(L, 3);
  lua_pushvalue(L, 4);
  int st = lua_pcall(L, 3, 1, 0);
  stmt_finalize(s);
  if (st != LUA_OK) return rethrow(L);
  return 1;
}

static int db_rows(lua_State *L) { return with_stmt(L, stmt_rows); }
static int db_first(lua_State *L) { return with_stmt(L, stmt_first); }
static int db_scalar(lua_State *L) { return with_stmt(L, stmt_scalar); }

static int db_query(lua_State *L) {
  check_db(L, 1);
  const char *sql = luaL_checkstring(L, 2);
  int as_array = row_mode(L, 4);
  Stmt *s = prepare(L, 1, sql, NULL);
  if (s->st == NULL) return luaL_error(L, "no SQL statement in: %s", sql);
  int sidx = lua_gettop(L);
  /* bind in a protected call so a bad parameter does not leave the statement open */
  lua_pushcfunction(L, stmt_bind);
  lua_pushvalue(L, sidx);
  lua_pushvalue(L, 3);
  if (lua_pcall(L, 2, 0, 0) != LUA_OK) { stmt_finalize(s); return rethrow(L); }
  return push_iterator(L, sidx, as_array, 1);
}

/* exec(sql [, params]): several statements without params, one with */
static int db_exec(lua_State *L) {
  check_db(L, 1);
  const char *sql = luaL_checkstring(L, 2);
  int has_params = !lua_isnoneornil(L, 3);
  lua_Integer total = 0;
  while (sql && *sql) {
    const char *tail = NULL;
    Stmt *s = prepare(L, 1, sql, &tail);
    int sidx = lua_gettop(L);
    if (s->st == NULL) { lua_pop(L, 1); sql = tail; continue; }  /* blank or comment */
    if (has_params && tail) {
      const char *t = tail;
      while (*t == ' ' || *t == '\n' || *t == '\t' || *t == '\r' || *t == ';') t++;
      if (*t) { stmt_finalize(s); return luaL_error(L, "exec with parameters takes one statement"); }
    }
    lua_pushcfunction(L, stmt_exec);
    lua_pushvalue(L, sidx);
    if (has_params) lua_pushvalue(L, 3); else lua_pushnil(L);
    int st = lua_pcall(L, 2, 1, 0);
    stmt_finalize(s);
    if (st != LUA_OK) return rethrow(L);
    total += lua_tointeger(L, -1);  /* stmt_exec's count for this statement */
    lua_pop(L, 2);
    sql = tail;
  }
  lua_pushinteger(L, total);
  return 1;
}

static int exec_simple(lua_State *L, Db *d, const char *sql) {
  d->guard.reason[0] = '\0';
  int rc = sqlite3_exec(d->conn, sql, NULL, NULL, NULL);
  if (rc != SQLITE_OK) return db_error(L, d, rc, sql);
  return 0;
}

/* transaction(fn, ...): commit when fn returns, roll back and re-raise when it raises */
static int db_transaction(lua_State *L) {
  Db *d = check_db(L, 1);
  luaL_checktype(L, 2, LUA_TFUNCTION);
  char sp[24];
  int depth = d->tx_depth;
  snprintf(sp, sizeof sp, "qm_tx_%d", depth);
  if (depth == 0) exec_simple(L, d, (d->flags & (QM_DB_WRITE | QM_DB_CREATE)) ? "BEGIN IMMEDIATE" : "BEGIN");
  else { char q[64]; snprintf(q, sizeof q, "SAVEPOINT %s", sp); exec_simple(L, d, q); }
  d->tx_depth++;
  int nargs = lua_gettop(L) - 2;
  int base = 2;
  int st = lua_pcall(L, nargs, LUA_MULTRET, 0);
  d->tx_depth--;
  if (d->conn == NULL) return st == LUA_OK ? lua_gettop(L) - base + 1 : lua_error(L);
  if (st != LUA_OK) {
    if (depth == 0) sqlite3_exec(d->conn, "ROLLBACK", NULL, NULL, NULL);
    else {
      char q[160];
      snprintf(q, sizeof q, "ROLLBACK TO %s; RELEASE %s", sp, sp);
      sqlite3_exec(d->conn, q, NULL, NULL, NULL);
    }
    return lua_error(L);
  }
  if (depth == 0) {
    int rc = sqlite3_exec(d->conn, "COMMIT", NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
      snprintf(d->saved_error, sizeof d->saved_error, "%s", sqlite3_errmsg(d->conn));
      sqlite3_exec(d->conn, "ROLLBACK", NULL, NULL, NULL);
      return db_error(L, d, rc, "COMMIT");
    }
  } else {
    char q[64];
    snprintf(q, sizeof q, "RELEASE %s", sp);
    exec_simple(L, d, q);
  }
  return lua_gettop(L) - base + 1;
}

static void close_db(Db *d) {
  while (d->stmts) stmt_finalize(d->stmts);
  if (d->conn) { sqlite3_close_v2(d->conn); d->conn = NULL; }
}

static int db_close(lua_State *L) {
  Db *d = luaL_checkudata(L, 1, DB_MT);
  d->deferred = 0;
  close_db(d);
  return 0;
}

static int db_gc(lua_State *L) {
  Db *d = luaL_checkudata(L, 1, DB_MT);
  close_db(d);
  free(d->path);
  d->path = NULL;
  return 0;
}

static int db_tostring(lua_State *L) {
  Db *d = luaL_checkudata(L, 1, DB_MT);
  if (d->conn == NULL && d->deferred)
    lua_pushfstring(L, "<db %s (%s)>", d->path, (d->flags & QM_DB_WRITE) ? "read-write" : "read-only");
  else if (d->conn == NULL) lua_pushfstring(L, "<db %s (closed)>", d->path ? d->path : "");
  else lua_pushfstring(L, "<db %s (%s)>", d->path, sqlite3_db_readonly(d->conn, "main") ? "read-only" : "read-write");
  return 1;
}

static int db_changes(lua_State *L) {
  lua_pushinteger(L, sqlite3_changes(check_db(L, 1)->conn));
  return 1;
}

static int db_last_insert_rowid(lua_State *L) {
  lua_pushinteger(L, sqlite3_last_insert_rowid(check_db(L, 1)->conn));
  return 1;
}

static int db_path(lua_State *L) {
  lua_pushstring(L, check_db(L, 1)->path);
  return 1;
}

static int db_readonly(lua_State *L) {
  lua_pushboolean(L, sqlite3_db_readonly(check_db(L, 1)->conn, "main") == 1);
  return 1;
}

/* names from a one-column query, as an array */
static int name_list(lua_State *L, Db *d, const char *sql, const char *arg) {
  sqlite3_stmt *st = NULL;
  int rc = sqlite3_prepare_v2(d->conn, sql, -1, &st, NULL);
  if (rc != SQLITE_OK) return db_error(L, d, rc, NULL);
  if (arg) sqlite3_bind_text(st, 1, arg, -1, SQLITE_TRANSIENT);
  lua_newtable(L);
  int i = 0;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    lua_pushstring(L, (const char *)sqlite3_column_text(st, 0));
    lua_rawseti(L, -2, ++i);
  }
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) return db_error(L, d, rc, NULL);
  return 1;
}

static int db_tables(lua_State *L) {
  return name_list(L, check_db(L, 1), "SELECT name FROM sqlite_schema WHERE type IN ('table','view') "
                   "AND name NOT LIKE 'sqlite_%' ORDER BY name", NULL);
}

static int db_columns(lua_State *L) {
  Db *d = check_db(L, 1);
  return name_list(L, d, "SELECT name FROM pragma_table_info(?1)", luaL_checkstring(L, 2));
}

/* ---------------------------------------------------------------- opening */

static void ensure_metatables(lua_State *L);

/* Is path on a file system mounted read-only (a CD, a read-only share, a locked USB stick)? */
static int on_readonly_media(const char *path) {
  struct statvfs sv;
  return statvfs(path, &sv) == 0 && (sv.f_flag & ST_RDONLY) != 0;
}

/* Is path an SQLite database in WAL mode (its header's read and write versions are 2)? */
static int is_wal_file(const char *path) {
  unsigned char h[20];
  FILE *f = fopen(path, "rb");
  if (f == NULL) return 0;
  size_t n = fread(h, 1, sizeof h, f);
  fclose(f);
  return n == sizeof h && memcmp(h, "SQLite format 3", 16) == 0 && h[18] == 2 && h[19] == 2;
}

/* "file:PATH?immutable=1" with PATH escaped as a URI path */
static char *immutable_uri(const char *path) {
  size_t n = strlen(path);
  char *uri = malloc(n * 3 + 32);
  if (uri == NULL) return NULL;
  char *o = uri;
  o += sprintf(o, "file:");
  for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
    if (*p == '%' || *p == '?' || *p == '#' || *p <= ' ' || *p >= 0x7f) o += sprintf(o, "%%%02X", *p);
    else *o++ = (char)*p;
  }
  strcpy(o, "?immutable=1");
  return uri;
}

/* open d->conn; 0 or an SQLite error code with d->conn possibly set (for its message) */
static int open_file(Db *d, const char *path, int flags) {
  int budgeted = qmB_install() == SQLITE_OK;
  int oflags = (flags & QM_DB_WRITE) ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY;
  if (flags & QM_DB_CREATE) oflags |= SQLITE_OPEN_CREATE;
  oflags |= SQLITE_OPEN_NOMUTEX;
  if (flags & QM_DB_MEMORY) oflags |= SQLITE_OPEN_URI;  /* path is "file:NAME?mode=memory..." */
  /* without --write, temporary files count against --max-memory (sql_budget.c); a shared
  ** in-memory database is shared only between connections of the same VFS: the default */
  const char *vfs = (!(flags & (QM_DB_WRITE | QM_DB_MEMORY)) && budgeted) ? QM_BUDGET_VFS : NULL;
  int rc = sqlite3_open_v2(path, &d->conn, oflags, vfs);
  /* a read-only open of a file that is not a database fails only at first use: check now */
  if (rc == SQLITE_OK) rc = sqlite3_exec(d->conn, "SELECT count(*) FROM sqlite_schema", NULL, NULL, NULL);
  if (rc == SQLITE_CANTOPEN && !(flags & (QM_DB_WRITE | QM_DB_MEMORY)) && is_wal_file(path) &&
      on_readonly_media(path)) {
    /* a WAL database on read-only media: SQLite cannot make its -shm file there; nothing can
    ** change the file either, so it may be read as immutable */
    char *uri = immutable_uri(path);
    if (uri == NULL) return SQLITE_NOMEM;
    sqlite3_close_v2(d->conn);
    d->conn = NULL;
    rc = sqlite3_open_v2(uri, &d->conn, oflags | SQLITE_OPEN_URI, vfs);
    free(uri);
    if (rc == SQLITE_OK) rc = sqlite3_exec(d->conn, "SELECT count(*) FROM sqlite_schema", NULL, NULL, NULL);
  }
  return rc;
}

void qmDb_push_open(lua_State *L, const char *path, int flags) {
  ensure_metatables(L);
  Db *d = lua_newuserdatauv(L, sizeof *d, 0);
  memset(d, 0, sizeof *d);
  luaL_setmetatable(L, DB_MT);
  size_t plen = strlen(path);
  d->path = malloc(plen + 1);
  if (d->path == NULL) { luaL_error(L, "not enough memory"); return; }
  memcpy(d->path, path, plen + 1);
  if (flags & QM_DB_CREATE) flags |= QM_DB_WRITE;
  d->flags = flags;
  d->limits = qmL_of(L);
  qm_weaktable(L, OPEN_DBS);
  lua_pushvalue(L, -2);
  lua_pushboolean(L, 1);
  lua_rawset(L, -3);
  lua_pop(L, 1);
  if (flags & QM_DB_DEFER) d->deferred = 1;
  else open_conn(L, d);
}

void qmDb_close_all(lua_State *L) {
  qm_weaktable(L, OPEN_DBS);
  lua_pushnil(L);
  while (lua_next(L, -2)) {
    lua_pop(L, 1);
    Db *d = luaL_testudata(L, -1, DB_MT);
    if (d != NULL) { d->deferred = 0; close_db(d); }
  }
  lua_pop(L, 1);
}

/* opens d->path as d->flags say; on failure closes what was opened and raises */
static void open_conn(lua_State *L, Db *d) {
  const char *path = d->path;
  int flags = d->flags;
  const char *target = path;
  char uri[128];
  if (flags & QM_DB_MEMORY) {
    /* a shared in-memory database: a plain name only, so the URI says nothing else */
    size_t n = strspn(path, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-");
    if (n == 0 || path[n] != '\0' || n > 64) { luaL_error(L, "an in-memory database's name must be letters, digits, _ and -"); return; }
    snprintf(uri, sizeof uri, "file:%s?mode=memory&cache=shared", path);
    target = uri;
  }
  int rc = open_file(d, target, flags);
  if (rc == SQLITE_OK) {
    sqlite3_extended_result_codes(d->conn, 0);
    sqlite3_db_config(d->conn, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, NULL);
    sqlite3_db_config(d->conn, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
    sqlite3_db_config(d->conn, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
    sqlite3_db_config(d->conn, SQLITE_DBCONFIG_ENABLE_FTS3_TOKENIZER, 0, NULL);
    /* the engine's writes fire no trigger, whoever made it (a model, another tool): its
    ** tables change only as qm changes them (docs/db.md) */
    if (flags & QM_DB_ENGINE) sqlite3_db_config(d->conn, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, NULL);
    sqlite3_busy_timeout(d->conn, 5000);
    /* SQLITE_LIMIT_LENGTH stays SQLite's (1e9): set to the budget, SQLite's strings grow by
    ** a row at a time between half of it and it (each row copying the whole string), so the
    ** budget's allocator refuses the doubling instead */
    rc = qmSql_register(d->conn);
  }
  if (rc == SQLITE_OK && d->limits != NULL && d->limits->max_memory > 0 &&
      d->limits->max_memory / 16 < (size_t)2000 * 1024) {
    /* a small budget: page caches (and the sorts sized from them) of a 16th of it, not 2 MB */
    char pragma[64];
    snprintf(pragma, sizeof pragma, "PRAGMA cache_size = -%zu", d->limits->max_memory / 16 / 1024);
    rc = sqlite3_exec(d->conn, pragma, NULL, NULL, NULL);
  }
  /* the journal mode stays as the file has it (docs/db.md) */
  if (rc == SQLITE_OK && (flags & QM_DB_WRITE))
    rc = sqlite3_exec(d->conn, "PRAGMA foreign_keys=ON", NULL, NULL, NULL);
  if (rc != SQLITE_OK) {
    lua_pushstring(L, d->conn ? sqlite3_errmsg(d->conn) : sqlite3_errstr(rc));
    close_db(d);
    if (rc == SQLITE_NOMEM && d->limits != NULL) {
      qmL_trip_memory(d->limits, QM_MEM_SQLITE);
      char why[320];
      qmL_stop(L);
      luaL_error(L, "%s", qmL_describe(d->limits, why, sizeof why));
      return;
    }
    if (rc == SQLITE_CANTOPEN && !(flags & (QM_DB_WRITE | QM_DB_MEMORY)) && is_wal_file(path))
      lua_pushfstring(L, "%s (the database is in WAL mode, so SQLite must be able to create its "
                      "-shm file beside it: make the folder writable, or switch the file to the "
                      "default journal once: sqlite3 FILE 'PRAGMA journal_mode=DELETE')",
                      lua_tostring(L, -1));
    qm_raise(L, QM_EXIT_IO, 1, "cannot open database %s: %s", path, lua_tostring(L, -1));
    return;
  }
  qmG_install(d->conn, &d->guard, (flags & QM_DB_WRITE) != 0, (flags & QM_DB_ENGINE) != 0);
  sqlite3_progress_handler(d->conn, PROGRESS_EVERY, progress, d);
}

/* db.open(path [, opts]) for models: read-only, and only files the run may read */
static int l_open(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  qmS_checkpath(L, path);
  const char *full = lua_tostring(L, -1);
  qmDb_push_open(L, full, 0);
  return 1;
}

static void ensure_metatables(lua_State *L) {
  static const luaL_Reg db_methods[] = {
    { "query", db_query }, { "rows", db_rows }, { "first", db_first }, { "scalar", db_scalar },
    { "exec", db_exec }, { "prepare", db_prepare }, { "try_prepare", db_try_prepare }, { "transaction", db_transaction },
    { "close", db_close }, { "changes", db_changes }, { "last_insert_rowid", db_last_insert_rowid },
    { "tables", db_tables }, { "columns", db_columns }, { "path", db_path },
    { "readonly", db_readonly }, { NULL, NULL } };
  static const luaL_Reg stmt_methods[] = {
    { "bind", stmt_bind }, { "query", stmt_query }, { "rows", stmt_rows }, { "first", stmt_first },
    { "scalar", stmt_scalar }, { "exec", stmt_exec }, { "try", stmt_try }, { "columns", stmt_columns },
    { "decltypes", stmt_decltypes }, { "parameters", stmt_parameters }, { "reset", stmt_reset }, { "close", stmt_close }, { NULL, NULL } };
  if (luaL_newmetatable(L, DB_MT)) {
    luaL_newlib(L, db_methods);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, db_gc);
    lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, db_close);
    lua_setfield(L, -2, "__close");
    lua_pushcfunction(L, db_tostring);
    lua_setfield(L, -2, "__tostring");
    lua_pushliteral(L, "db");
    lua_setfield(L, -2, "__metatable");
  }
  lua_pop(L, 1);
  if (luaL_newmetatable(L, STMT_MT)) {
    luaL_newlib(L, stmt_methods);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, stmt_gc);
    lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, stmt_close);
    lua_setfield(L, -2, "__close");
    lua_pushcfunction(L, stmt_tostring);
    lua_setfield(L, -2, "__tostring");
    lua_pushliteral(L, "statement");
    lua_setfield(L, -2, "__metatable");
  }
  lua_pop(L, 1);
}

/* ---------------------------------------------------------------- for other C modules */

/* the statement of the qm.stmt at idx (raises when it or its database is closed) */
sqlite3_stmt *qmDb_tostmt(lua_State *L, int idx) {
  return check_stmt(L, idx)->st;
}

/* steps the qm.stmt at idx: its sqlite3_stmt standing on a row, or NULL when it is done
** (the statement reset); raises SQLite's error (or the limit that interrupted it) as
** db:query would */
sqlite3_stmt *qmDb_stepstmt(lua_State *L, int idx) {
  Stmt *s = check_stmt(L, idx);
  if (step(L, s)) return s->st;
  sqlite3_reset(s->st);
  return NULL;
}

/* db.split(sql): the statements of a text, each up to and including its ";" as SQLite's own
** sqlite3_complete sees it (so a ";" inside a string or comment does not split), and an
** unfinished rest, if any; blank pieces are left out. The REPL runs typed SQL this way. */
static int l_split(lua_State *L) {
  size_t len;
  const char *sql = luaL_checklstring(L, 1, &len);
  char *buf = lua_newuserdatauv(L, len + 1, 0);
  lua_newtable(L);
  int n = 0;
  size_t start = 0;
  for (size_t i = 0; i < len; i++) {
    if (sql[i] != ';') continue;
    size_t piece = i + 1 - start;
    memcpy(buf, sql + start, piece);
    buf[piece] = '\0';
    if (!sqlite3_complete(buf)) continue;
    lua_pushlstring(L, sql + start, piece);
    lua_rawseti(L, -2, ++n);
    start = i + 1;
  }
  size_t k = start;
  while (k < len && (sql[k] == ' ' || sql[k] == '\t' || sql[k] == '\n' || sql[k] == '\r')) k++;
  if (k < len) {
    lua_pushlstring(L, sql + start, len - start);
    lua_rawseti(L, -2, ++n);
  }
  return 1;
}

int qmDb_open_lib(lua_State *L) {
  ensure_metatables(L);
  lua_createtable(L, 0, 4);
  lua_pushcfunction(L, l_open);
  lua_setfield(L, -2, "open");
  lua_pushcfunction(L, l_split);
  lua_setfield(L, -2, "split");
  qm_pushnull(L);
  lua_setfield(L, -2, "null");
  lua_pushstring(L, sqlite3_libversion());
  lua_setfield(L, -2, "sqlite_version");
  return 1;
}
