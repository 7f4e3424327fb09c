/*
** host.c — creates and owns the Lua state of one qm run, and reports errors from it.
** The engine's own Lua (stdlib/) runs with Lua's standard libraries; model code never sees
** them: it runs in environments made by sandbox.c. Compare lua.c's pmain/msghandler.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <dirent.h>
#include <unistd.h>
#include <lauxlib.h>
#include <lualib.h>
#include <sqlite3.h>
#include "qm.h"
#include "host.h"
#include "sandbox.h"
#include "sql_budget.h"
#include "stdlib_embed.h"
#include "sqlite_lua.h"
#include "yaml_lua.h"
#include "csv_lua.h"
#include "rows.h"
#include "width.h"
#include "numtext.h"
#include "json_decode.h"
#include "stats_lua.h"
#include "xlsx_lua.h"

#define MAX_TRACE_FRAMES 8

/* ---------------------------------------------------------------- qm.host (engine-only) */

QmHost *qmH_of(lua_State *L) {
  lua_getfield(L, LUA_REGISTRYINDEX, "qm.host.ptr");
  QmHost *h = lua_touserdata(L, -1);
  lua_pop(L, 1);
  return h;
}

static int l_isatty(lua_State *L) {
  lua_pushboolean(L, isatty((int)luaL_optinteger(L, 1, 1)));
  return 1;
}

/* host.term_width(): columns of the terminal on stdout (COLUMNS, else 80) */
static int l_term_width(lua_State *L) {
  struct winsize ws;
  int cols = 0;
  if (ioctl(1, TIOCGWINSZ, &ws) == 0) cols = ws.ws_col;
  if (cols <= 0 && getenv("COLUMNS")) cols = atoi(getenv("COLUMNS"));
  lua_pushinteger(L, cols > 0 ? cols : 80);
  return 1;
}

static int l_memory(lua_State *L) {
  QmHost *h = qmH_of(L);
  lua_createtable(L, 0, 7);
  lua_pushinteger(L, (lua_Integer)qmB_sqlite_used());
  lua_setfield(L, -2, "sqlite");
  lua_pushinteger(L, (lua_Integer)qmB_sqlite_peak());
  lua_setfield(L, -2, "sqlite_peak");
  lua_pushinteger(L, (lua_Integer)qmB_temp_used());
  lua_setfield(L, -2, "temp");
  lua_pushinteger(L, (lua_Integer)qmB_temp_peak());
  lua_setfield(L, -2, "temp_peak");
  lua_pushinteger(L, (lua_Integer)h->limits.used);
  lua_setfield(L, -2, "used");
  lua_pushinteger(L, (lua_Integer)h->limits.peak);
  lua_setfield(L, -2, "peak");
  lua_pushinteger(L, (lua_Integer)h->limits.max_memory);
  lua_setfield(L, -2, "max");
  return 1;
}

static int l_modules(lua_State *L) {
  qmE_pushnames(L);
  return 1;
}

/* host.report_index(): report name -> the stdlib module that registers it, as the build
** found it (a hint; qm.engine.reports checks it) */
static int l_report_index(lua_State *L) {
  qmE_pushreportindex(L);
  return 1;
}

/* host.stdlib(): where this process's stdlib comes from ("bytecode", "source" or "folder"),
** and why when it is "source" (the installed liblua cannot read the embedded bytecode) */
static int l_stdlib(lua_State *L) {
  static const char *const names[] = { "bytecode", "source", "folder" };
  const char *why;
  lua_pushstring(L, names[qmE_mode(L, &why)]);
  if (*why == '\0') return 1;
  lua_pushstring(L, why);
  return 2;
}

static int l_now(lua_State *L) {
  lua_pushnumber(L, qmL_now());
  return 1;
}

/* host.raise(class, msg, level): a typed error (see qm.h); class is a name ("io", "usage",
** ...) or an exit code (host.exit.io) */
static int l_raise(lua_State *L) {
  const char *msg = luaL_checkstring(L, 2);
  int level = (int)luaL_optinteger(L, 3, 1);
  const char *cls = lua_type(L, 1) == LUA_TSTRING ? lua_tostring(L, 1)
                                                   : qm_classname((int)luaL_checkinteger(L, 1));
  qm_where(L, level);
  lua_pushstring(L, msg);
  lua_concat(L, 2);
  qm_pusherror(L, cls, lua_tostring(L, -1));
  return lua_error(L);
}

/* host.errclass(err): the class of an error value ("model" for a plain Lua error) */
static int l_errclass(lua_State *L) {
  luaL_checkany(L, 1);
  lua_pushstring(L, qm_errclassname(L, 1));
  return 1;
}

/* host.rethrow(err, msg, level): raise msg (at level) with err's class */
static int l_rethrow(lua_State *L) {
  luaL_checkany(L, 1);
  const char *msg = luaL_checkstring(L, 2);
  int level = (int)luaL_optinteger(L, 3, 1);
  const char *cls = qm_errclassname(L, 1);
  qm_where(L, level);
  lua_pushstring(L, msg);
  lua_concat(L, 2);
  qm_pusherror(L, cls, lua_tostring(L, -1));
  return lua_error(L);
}

/* host.limited(fn, ...): call fn in protected mode under a limit of its own: a fresh time limit
** (--timeout from now, with the watchdog) and the memory limit. A limit hit inside is that
** call's failure, not the command's: afterwards the limits are cleared and no deadline runs
** until the next call, so a server can wait for its next request as long as it likes (qm lsp
** calls it once per message). Returns true, fn's results; or false, the error, and "time" or
** "memory" when a limit stopped it. Ctrl-C, SIGTERM and SIGHUP are not swallowed: they stop
** the command as anywhere else. */
static int l_limited(lua_State *L) {
  QmHost *h = qmH_of(L);
  luaL_checktype(L, 1, LUA_TFUNCTION);
  int nargs = lua_gettop(L) - 1;
  qmL_restart(&h->limits);
  qmL_arm(L, &h->limits);
  qmL_watch(&h->limits);
  int st = lua_pcall(L, nargs, LUA_MULTRET, 0);
  qmL_unwatch();
  QmTrip trip = h->limits.tripped;
  if (trip == QM_TRIP_INTERRUPT) return lua_error(L);  /* still tripped: the command stops */
  h->limits.tripped = QM_TRIP_NONE;
  h->limits.deadline = 0;
  qmL_arm(L, &h->limits);  /* the hook back to its usual pace */
  if (st == LUA_OK) {
    lua_pushboolean(L, 1);
    lua_insert(L, 1);
    return lua_gettop(L);
  }
  if (trip == QM_TRIP_MEMORY || st == LUA_ERRMEM) lua_gc(L, LUA_GCCOLLECT);
  lua_pushboolean(L, 0);
  lua_insert(L, -2);
  if (trip == QM_TRIP_TIME) lua_pushliteral(L, "time");
  else if (trip == QM_TRIP_MEMORY || st == LUA_ERRMEM) lua_pushliteral(L, "memory");
  else lua_pushnil(L);
  return 3;
}

/* host.opendb(path, {write=, create=, engine=, memory=, defer=}): the engine's own connection
** (may write qm_* tables when writing was asked for), or with engine=false the connection a
** model's `db` is. memory=true: path names an in-memory database shared by every connection
** that opens the same name while one is open (qm test's fresh database per test, with the
** engine's and the model's connection). defer=true opens it only when the handle is first
** used. */
static int l_opendb(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  int flags = QM_DB_ENGINE;
  if (lua_istable(L, 2)) {
    if (lua_getfield(L, 2, "write") == LUA_TBOOLEAN && lua_toboolean(L, -1)) flags |= QM_DB_WRITE;
    if (lua_getfield(L, 2, "create") == LUA_TBOOLEAN && lua_toboolean(L, -1)) flags |= QM_DB_CREATE;
    if (lua_getfield(L, 2, "engine") == LUA_TBOOLEAN && !lua_toboolean(L, -1)) flags &= ~QM_DB_ENGINE;
    if (lua_getfield(L, 2, "memory") == LUA_TBOOLEAN && lua_toboolean(L, -1)) flags |= QM_DB_MEMORY;
    if (lua_getfield(L, 2, "defer") == LUA_TBOOLEAN && lua_toboolean(L, -1)) flags |= QM_DB_DEFER;
    lua_pop(L, 5);
  }
  qmDb_push_open(L, path, flags);
  return 1;
}

/* host.remove_on_error(path): a to-be-closed guard that removes `path` when its scope is left
** by an error, once guard:arm() said the file is ours (so a file qm never opened is never
** removed). Written in C on purpose: after a limit is hit the count hook raises again on
** every Lua instruction, so a Lua cleanup handler could never finish; this one runs no Lua
** and allocates nothing. Layout: one byte "armed", then the path. */
static int l_remove_guard_close(lua_State *L) {
  char *g = luaL_checkudata(L, 1, "qm.remove_on_error");
  if (g[0] && !lua_isnoneornil(L, 2)) remove(g + 1);
  return 0;
}

static int l_remove_guard_arm(lua_State *L) {
  char *g = luaL_checkudata(L, 1, "qm.remove_on_error");
  g[0] = 1;
  return 0;
}

static int l_remove_on_error(lua_State *L) {
  size_t len;
  const char *path = luaL_checklstring(L, 1, &len);
  char *g = lua_newuserdatauv(L, len + 2, 0);
  g[0] = 0;
  memcpy(g + 1, path, len + 1);
  if (luaL_newmetatable(L, "qm.remove_on_error")) {
    lua_pushcfunction(L, l_remove_guard_close);
    lua_setfield(L, -2, "__close");
    lua_createtable(L, 0, 1);
    lua_pushcfunction(L, l_remove_guard_arm);
    lua_setfield(L, -2, "arm");
    lua_setfield(L, -2, "__index");
    lua_pushliteral(L, "qm.remove_on_error");
    lua_setfield(L, -2, "__metatable");
  }
  lua_setmetatable(L, -2);
  return 1;
}

/* host.stat(path) -> nil when nothing is there, else { kind = "file" | "dir" | "link" |
** "fifo" | "char" | "block" | "socket", id = "dev:inode" } of the path itself (lstat: a
** symlink is a "link", not what it points to) */
static int l_stat(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  struct stat st;
  if (lstat(path, &st) != 0) return 0;
  const char *kind = S_ISREG(st.st_mode) ? "file" : S_ISDIR(st.st_mode) ? "dir" : S_ISLNK(st.st_mode) ? "link"
                   : S_ISFIFO(st.st_mode) ? "fifo" : S_ISCHR(st.st_mode) ? "char" : S_ISBLK(st.st_mode) ? "block" : "socket";
  lua_createtable(L, 0, 2);
  lua_pushstring(L, kind);
  lua_setfield(L, -2, "kind");
  if (S_ISLNK(st.st_mode) && stat(path, &st) != 0) return 1;  /* a dangling link: no id */
  lua_pushfstring(L, "%I:%I", (lua_Integer)st.st_dev, (lua_Integer)st.st_ino);
  lua_setfield(L, -2, "id");
  return 1;
}

/* host.listdir(path) -> the names in a folder (not . and ..), sorted; or nil, message */
static int l_listdir(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  DIR *d = opendir(path);
  if (d == NULL) return luaL_fileresult(L, 0, path);
  lua_newtable(L);
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    lua_pushstring(L, e->d_name);
    lua_rawseti(L, -2, ++n);
  }
  closedir(d);
  /* sorted in Lua's order: table.sort */
  lua_getglobal(L, "table");
  lua_getfield(L, -1, "sort");
  lua_pushvalue(L, -3);
  lua_call(L, 1, 0);
  lua_pop(L, 1);
  return 1;
}

static int close_stream(lua_State *L) {
  luaL_Stream *p = luaL_checkudata(L, 1, LUA_FILEHANDLE);
  int res = fclose(p->f);
  return luaL_fileresult(L, res == 0, NULL);
}

/* host.create_new(path [, guard]) -> a Lua file open for writing a file that did not exist
** (O_EXCL, not following a symlink), or nil, message. A remove_on_error guard given is armed
** in the same C call, so no Lua instruction (where a limit or a signal stops the run) comes
** between the file's creation and the guard's knowing it is ours. */
static int l_create_new(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  char *guard = lua_isnoneornil(L, 2) ? NULL : luaL_checkudata(L, 2, "qm.remove_on_error");
  luaL_Stream *p = lua_newuserdatauv(L, sizeof *p, 0);
  p->f = NULL;
  p->closef = NULL;
  luaL_setmetatable(L, LUA_FILEHANDLE);
  int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
  if (fd < 0) return luaL_fileresult(L, 0, path);
  p->f = fdopen(fd, "wb");
  if (p->f == NULL) { int e = errno; close(fd); unlink(path); errno = e; return luaL_fileresult(L, 0, path); }
  p->closef = close_stream;
  if (guard != NULL) guard[0] = 1;
  return 1;
}

/* host.take_stdout() -> a Lua file writing to what standard output was; from then on file
** descriptor 1 (and so stdout, print and io.write) goes to standard error. A protocol on stdout
** (qm lsp) keeps the channel to itself: nothing a model prints can corrupt it. */
static int l_take_stdout(lua_State *L) {
  luaL_Stream *p = lua_newuserdatauv(L, sizeof *p, 0);
  p->f = NULL;
  p->closef = NULL;
  luaL_setmetatable(L, LUA_FILEHANDLE);
  fflush(stdout);
  int fd = fcntl(1, F_DUPFD_CLOEXEC, 3);
  if (fd < 0) return luaL_fileresult(L, 0, "standard output");
  p->f = fdopen(fd, "wb");
  if (p->f == NULL) { int e = errno; close(fd); errno = e; return luaL_fileresult(L, 0, "standard output"); }
  p->closef = close_stream;
  if (dup2(2, 1) < 0) return luaL_fileresult(L, 0, "standard error");
  return 1;
}

static int msghandler(lua_State *L);   /* host.msghandler: the error with the model's frames */

/* Pushes a folder of qm's installation: `rel` (relative to the folder of the running binary,
** "../share/qm/models" for PREFIX/bin/qm) when it is there, so qm installed under any --prefix
** finds its own models and guides; else `configured` (the configured prefix's folder). */
static void push_install_dir(lua_State *L, const char *rel, const char *configured) {
  char exe[4096];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  exe[n > 0 ? n : 0] = '\0';
  char *slash = strrchr(exe, '/');
  if (slash != NULL) {
    *slash = '\0';
    lua_pushfstring(L, "%s/%s", exe, rel);
    char *found = realpath(lua_tostring(L, -1), NULL);
    lua_pop(L, 1);
    struct stat st;
    if (found != NULL && stat(found, &st) == 0 && S_ISDIR(st.st_mode)) {
      lua_pushstring(L, found);
      free(found);
      return;
    }
    free(found);  /* free(NULL) is a no-op */
  }
  lua_pushstring(L, configured);
}

static int open_host(lua_State *L) {
  static const luaL_Reg fns[] = {
    { "isatty", l_isatty }, { "memory", l_memory },
    { "modules", l_modules }, { "now", l_now }, { "raise", l_raise }, { "errclass", l_errclass }, { "rethrow", l_rethrow }, { "opendb", l_opendb }, { "term_width", l_term_width },
    { "remove_on_error", l_remove_on_error }, { "limited", l_limited }, { "take_stdout", l_take_stdout }, { "listdir", l_listdir },
    { "columns_of", qmDb_columns_of }, { "msghandler", msghandler }, { "stat", l_stat }, { "create_new", l_create_new },
    { "stdlib", l_stdlib }, { "report_index", l_report_index }, { NULL, NULL } };
  luaL_newlib(L, fns);
  lua_pushliteral(L, QM_VERSION);
  lua_setfield(L, -2, "version");
  push_install_dir(L, QM_INSTALL_MODELS_REL, QM_INSTALL_MODELS);
  lua_setfield(L, -2, "models_dir");
  push_install_dir(L, QM_INSTALL_DOCS_REL, QM_INSTALL_DOCS);
  lua_setfield(L, -2, "docs_dir");
  lua_pushliteral(L, QM_SOURCE_MODELS);
  lua_setfield(L, -2, "source_models_dir");
  lua_pushboolean(L, QM_USE_LIBEDIT);
  lua_setfield(L, -2, "libedit");
  static const struct { const char *name; int code; } codes[] = {
    { "ok", QM_EXIT_OK }, { "model", QM_EXIT_MODEL }, { "usage", QM_EXIT_USAGE },
    { "io", QM_EXIT_IO }, { "limit", QM_EXIT_LIMIT }, { "interrupt", QM_EXIT_INTERRUPT } };
  lua_createtable(L, 0, 6);
  for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
    lua_pushinteger(L, codes[i].code);
    lua_setfield(L, -2, codes[i].name);
  }
  lua_setfield(L, -2, "exit");
  qm_pushnull(L);
  lua_setfield(L, -2, "null");
  return 1;
}

/* ---------------------------------------------------------------- state */

static int panic(lua_State *L) {
  const char *msg = lua_tostring(L, -1);
  fprintf(stderr, "qm: internal error (Lua panic): %s\n", msg ? msg : "?");
  return 0;  /* abort follows */
}

static void preload(lua_State *L, const char *name, lua_CFunction open) {
  luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_PRELOAD_TABLE);
  lua_pushcfunction(L, open);
  lua_setfield(L, -2, name);
  lua_pop(L, 1);
}

void qmH_preload(QmHost *h, const char *name, lua_CFunction open) {
  preload(h->L, name, open);
}

static int init_state(lua_State *L) {
  QmHost *h = lua_touserdata(L, 1);
  lua_pushlightuserdata(L, h);
  lua_setfield(L, LUA_REGISTRYINDEX, "qm.host.ptr");
  luaL_openlibs(L);
  qmL_open_coroutines(L);
  qmE_install(L);
  qmS_init(L);
  preload(L, "qm.host", open_host);
  preload(L, "qm.db", qmDb_open_lib);
  preload(L, "qm.yaml", qmY_open_lib);
  preload(L, "qm.csv", qmCsv_open_lib);
  preload(L, "qm.rows", qmRows_open_lib);
  preload(L, "qm.width", qmW_open_lib);
  preload(L, "qm.numtext", qmN_open_lib);
  preload(L, "qm.json_decode", qmJ_open_lib);
  preload(L, "qm.stats.formulas", qmStat_open_lib);
  preload(L, "qm.xlsx", qmX_open_lib);
  return 0;
}

/* Lua 5.4 reports an error raised in a finalizer (__gc) as a warning, in pieces; models cannot
** call warn, so every warning is such an error: say it, and make the exit code say it. */
static void on_warning(void *ud, const char *msg, int tocont) {
  QmHost *h = ud;
  if (h->warning_len == 0 && !tocont && msg[0] == '@') return;  /* a control message */
  size_t n = strlen(msg), room = sizeof h->warning - 1 - h->warning_len;
  if (n > room) n = room;
  memcpy(h->warning + h->warning_len, msg, n);
  h->warning_len += n;
  h->warning[h->warning_len] = '\0';
  if (tocont) return;
  fprintf(stderr, "qm: %s\n", h->warning);
  fflush(stderr);
  h->finalizer_errors++;
  h->warning_len = 0;
}

QmHost *qmH_new(size_t max_memory, double timeout) {
  /* SQLite's memory and temporary files count against the same budget as Lua's heap; a
  ** program that started SQLite before (the benchmark) gets no cap on it, so must ask none */
  int rc = qmB_install();
  if (rc != SQLITE_OK && max_memory > 0) {
    fprintf(stderr, "qm: cannot set up SQLite's memory budget: %s\n", sqlite3_errstr(rc));
    return NULL;
  }
  QmHost *h = calloc(1, sizeof *h);
  if (h == NULL) return NULL;
  qmL_init(&h->limits, max_memory, timeout);
  h->L = lua_newstate(qmL_alloc, &h->limits);
  if (h->L == NULL) { free(h); return NULL; }
  qmB_attach(&h->limits);
  lua_atpanic(h->L, panic);
  lua_setwarnf(h->L, on_warning, h);
  lua_pushcfunction(h->L, init_state);
  lua_pushlightuserdata(h->L, h);
  if (lua_pcall(h->L, 1, 0, 0) != LUA_OK) {
    fprintf(stderr, "qm: cannot start: %s\n", lua_tostring(h->L, -1));
    qmH_free(h);
    return NULL;
  }
  qmL_arm(h->L, &h->limits);
  return h;
}

int qmH_close(QmHost *h) {
  if (h == NULL) return 0;
  if (h->L) {
    /* finalizers run no hooks: only the watchdog can end one that does not return */
    qmL_watch_close(&h->limits);
    lua_close(h->L);  /* __gc closes statements before their connections */
    qmL_unwatch();
  }
  qmL_free_pool(&h->limits);
  qmB_detach(&h->limits);
  int failed = h->finalizer_errors > 0;
  free(h);
  return failed;
}

/* the host qmH_exit left: a pointer leak checkers see, so the state counts as reachable */
static QmHost *volatile exited_host;

static int close_databases(lua_State *L) {
  qmDb_close_all(L);
  return 0;
}

int qmH_exit(QmHost *h, int code) {
  if (h == NULL) return code;
  if (h->finalizer_errors > 0 && code == QM_EXIT_OK) code = QM_EXIT_MODEL;
  lua_getfield(h->L, LUA_REGISTRYINDEX, QM_MODEL_FINALIZERS);
  int model_finalizers = lua_toboolean(h->L, -1);
  lua_pop(h->L, 1);
  if (model_finalizers) {
    fflush(stdout);
    if (qmH_close(h) != 0 && code == QM_EXIT_OK) code = QM_EXIT_MODEL;
    fflush(stderr);
    return code;
  }
  exited_host = h;
  /* protected: after a memory limit even this may fail, and then the files are left as
  ** after a crash (SQLite recovers them at the next open) rather than qm aborting */
  lua_settop(h->L, 0);
  lua_pushcfunction(h->L, close_databases);
  if (lua_pcall(h->L, 0, 0, 0) != LUA_OK) lua_pop(h->L, 1);
  fflush(stdout);
  fflush(stderr);
  return code;
}

void qmH_free(QmHost *h) {
  (void)qmH_close(h);
}

/* ---------------------------------------------------------------- errors */

/* a frame of the model's own code: a file chunk that is not part of the stdlib */
static int is_model_frame(const lua_Debug *ar) {
  return ar->source[0] == '@' && strncmp(ar->source, "@stdlib/", 8) != 0 && ar->currentline > 0;
}

/* The length of a leading "file:line: " (the first ":digits: " in msg), 0 when none. */
static size_t position_prefix(const char *msg) {
  for (const char *p = msg; *p && *p != '\n'; p++) {
    if (*p != ':' || p[1] < '0' || p[1] > '9') continue;
    const char *q = p + 1;
    while (*q >= '0' && *q <= '9') q++;
    if (q[0] == ':' && q[1] == ' ') return (size_t)(q + 2 - msg);
  }
  return 0;
}

/* coroutine.wrap adds the position again at every level it passes: a recursion through 200
** coroutines gave "f.lua:1: " 200 times. Keep one of a run of identical positions. */
static const char *collapse_positions(const char *msg) {
  size_t n = position_prefix(msg);
  if (n == 0) return msg;
  while (strncmp(msg + n, msg, n) == 0) msg += n;
  return msg;
}

/* lua.c's msghandler, for qm: the message (of a string or a typed error) with the model's own
** frames; a typed error stays typed (same class), so the exit code survives the traceback */
static int msghandler(lua_State *L) {
  const char *msg = qm_errmsg(L, 1);
  if (msg == NULL) {
    if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING) msg = lua_tostring(L, -1);
    else msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
  }
  msg = collapse_positions(msg);
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  /* an error at a line of the engine's own Lua (a model passed a library function what it
  ** does not take): the user's file and line are where the model called it, the innermost
  ** model frame. Who develops the stdlib (QM_STDLIB_PATH) keeps the engine's position. */
  const char *dev = getenv("QM_STDLIB_PATH");
  lua_Debug ar;
  if ((dev == NULL || *dev == '\0') && strncmp(msg, "stdlib/", 7) == 0 && position_prefix(msg) > 0) {
    for (int level = 1; lua_getstack(L, level, &ar); level++) {
      if (!lua_getinfo(L, "Sl", &ar)) continue;
      /* a model file's frame, or input typed at the REPL (its chunks are named "=stdin:LINE") */
      if (!is_model_frame(&ar) && !(ar.source[0] == '=' && ar.currentline > 0)) continue;
      msg += position_prefix(msg);
      lua_pushfstring(L, "%s:%d: ", ar.short_src, ar.currentline);
      luaL_addvalue(&b);
      break;
    }
  }
  luaL_addstring(&b, msg);
  int shown = 0;
  for (int level = 1; lua_getstack(L, level, &ar); level++) {
    if (!lua_getinfo(L, "Sln", &ar) || !is_model_frame(&ar)) continue;
    if (shown == 0) luaL_addstring(&b, "\ntraceback (model code):");
    if (++shown > MAX_TRACE_FRAMES) { luaL_addstring(&b, "\n  ..."); break; }
    lua_pushfstring(L, "\n  %s:%d: ", ar.short_src, ar.currentline);
    luaL_addvalue(&b);
    if (*ar.what == 'm') luaL_addstring(&b, "in main chunk");
    else if (ar.name) { lua_pushfstring(L, "in function '%s'", ar.name); luaL_addvalue(&b); }
    else luaL_addstring(&b, "in a function");
  }
  luaL_pushresult(&b);
  qm_errreplace(L, 1, lua_tostring(L, -1));
  lua_settop(L, 1);
  return 1;
}

int qmH_pcall(QmHost *h, int nargs, int nresults) {
  lua_State *L = h->L;
  int base = lua_gettop(L) - nargs;
  lua_pushcfunction(L, msghandler);
  lua_insert(L, base);
  qmL_restart(&h->limits);
  qmL_arm(L, &h->limits);
  qmL_clear_interrupt();
  qmL_catch_sigint(1);
  qmL_watch(&h->limits);
  int st = lua_pcall(L, nargs, nresults, base);
  if (st != LUA_OK) qmL_poll(&h->limits);  /* settles a memory refusal the error came from */
  /* also after a nested call: what called it is a REPL about to wait for the analyst */
  qmL_unwatch();
  qmL_catch_sigint(0);
  lua_remove(L, base);
  return st;
}

/* "file.lua:12: ..." (or "file.yaml:3:5: ...") already says where; other messages get "qm: " */
static int has_position(const char *msg) {
  const char *p = msg;
  while (*p && *p != ':' && *p != ' ' && *p != '\n') p++;
  if (*p != ':' || p == msg) return 0;
  p++;
  if (*p < '0' || *p > '9') return 0;
  while (*p >= '0' && *p <= '9') p++;
  return *p == ':';
}

int qmH_report(QmHost *h, int status) {
  lua_State *L = h->L;
  const char *msg = qm_errmsg(L, -1);
  if (msg == NULL) msg = status == LUA_ERRMEM ? "not enough memory" : "(no message)";
  /* a position in the engine's own Lua means nothing to a user (the stdlib is built into
  ** the binary): the message says what, the user's file and line come from the model. Who
  ** develops the stdlib (QM_STDLIB_PATH) sees it. */
  const char *dev = getenv("QM_STDLIB_PATH");
  if ((dev == NULL || *dev == '\0') && strncmp(msg, "stdlib/", 7) == 0 && position_prefix(msg) > 0)
    msg += position_prefix(msg);
  int code;
  if (h->limits.tripped != QM_TRIP_NONE) {
    char why[320];
    qmL_describe(&h->limits, why, sizeof why);
    code = h->limits.tripped != QM_TRIP_INTERRUPT ? QM_EXIT_LIMIT
         : qmL_terminating() ? 128 + qmL_terminating() : QM_EXIT_INTERRUPT;
    /* the message may be "not enough memory" from deep inside: say which limit */
    if (strstr(msg, why) == NULL) fprintf(stderr, "qm: %s\n", why);
  } else {
    code = status == LUA_ERRMEM ? QM_EXIT_LIMIT : qm_errexit(L, -1);
  }
  fprintf(stderr, "%s%s\n", has_position(msg) ? "" : "qm: ", msg);
  fflush(stderr);
  lua_pop(L, 1);
  return code;
}

/* Everything of a command runs inside this one protected function, as lua.c's pmain: the
** arguments are C values until it runs, so no Lua error (not even a memory error while
** building argv) escapes to C. Returns runner.main's exit code. */
static int pmain(lua_State *L) {
  int argc = (int)lua_tointeger(L, 1);
  char **argv = lua_touserdata(L, 2);
  lua_getglobal(L, "require");
  lua_pushliteral(L, "qm.engine.runner");
  lua_call(L, 1, 1);
  lua_getfield(L, -1, "main");
  lua_createtable(L, argc, 0);
  for (int i = 0; i < argc; i++) {
    lua_pushstring(L, argv[i]);
    lua_rawseti(L, -2, i + 1);
  }
  lua_call(L, 1, 1);
  lua_pushinteger(L, lua_isinteger(L, -1) ? lua_tointeger(L, -1) : QM_EXIT_OK);
  return 1;
}

int qmH_main(QmHost *h, int argc, char **argv) {
  lua_State *L = h->L;
  if (!lua_checkstack(L, 4)) return QM_EXIT_LIMIT;
  lua_pushcfunction(L, pmain);
  lua_pushinteger(L, argc);
  lua_pushlightuserdata(L, argv);
  int st = qmH_pcall(h, 2, 1);
  if (st != LUA_OK) return qmH_report(h, st);
  int code = (int)lua_tointeger(L, -1);
  lua_pop(L, 1);
  return qmH_check_stdout(code);
}

int qmH_check_stdout(int code) {
  errno = 0;
  int failed = fflush(stdout) != 0;
  int err = errno;
  if (!failed && !ferror(stdout)) return code;
  fprintf(stderr, "qm: cannot write to standard output: %s\n", err ? strerror(err) : "write error");
  return code == QM_EXIT_OK ? QM_EXIT_IO : code;
}
