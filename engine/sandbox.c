/*
** sandbox.c — the environment model code runs in.
** Builds a fresh _ENV per model from an allow-list, freezes shared library tables behind
** read-only proxies, and turns forbidden access into an error at the model's own line.
** Model scripts are untrusted: they may be shared between municipalities.
*/
#define _GNU_SOURCE
#include <limits.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <lauxlib.h>
#include <lualib.h>
#include "qm.h"
#include "qm_limits.h"
#include "sandbox.h"

/* ---- the allow-lists: the documentation and the tests read these too (docs/sandbox.md) */
static const char *const allowed_globals[] = {
  "assert", "error", "getmetatable", "ipairs", "next", "pairs", "pcall", "print", "rawequal",
  "rawget", "rawlen", "select", "setmetatable", "tonumber", "tostring", "type", "xpcall",
  "_VERSION", NULL };
static const char *const allowed_libs[] = { "string", "table", "math", "utf8", "coroutine", NULL };
static const char *const allowed_os[] = { "clock", "date", "difftime", "time", NULL };
static const char *const allowed_gc_options[] = { "count", "collect", "step", NULL };

/* globals the sandbox makes itself: safe versions of these (see newenv), and _G (the env) */
static const char *const own_globals[] = { "load", "require", "collectgarbage", "os", "_G", NULL };
/* the globals qm's own Lua adds to a model's environment (the model language, data access);
** newenv refuses any other, so this list is the whole of it (db and store only with --db) */
static const char *const model_globals[] = {
  "model", "theme", "question", "indicator", "dataset", "column", "report", "section", "use",
  "scale", "scoring",
  "consensus", "prioritise", "time", "yaml", "params", "null", "db", "store", NULL };
/* the globals a test file (qm test, NAME.test.lua) gets instead: the test constructor and the
** expectations it holds, and the same data helpers a model has; newenv{test = true} */
static const char *const test_globals[] = {
  "test", "indicator", "consensus", "report", "contains", "near", "yaml", "null", NULL };
/* the fields of the read-only view a model's callback gets instead of the run's context
** (an indicator's data = function(view, params)); sandbox.view refuses any other */
static const char *const view_fields[] = { "db", "params", "as_of", "warn", NULL };

typedef struct { const char *name, *why; } Denied;
static const Denied denied_globals[] = {
  { "io", "io is not available in a model: read data through db, or yaml.load_file for files in the model's folder" },
  { "debug", "debug is not available in a model" },
  { "package", "package is not available in a model: use require for stdlib modules and modules in the model's folder" },
  { "dofile", "dofile is not available in a model: use require for modules in the model's folder" },
  { "loadfile", "loadfile is not available in a model: use require for modules in the model's folder" },
  { "rawset", "rawset is not available in a model" },
  { NULL, NULL } };
/* The functions of those modules that read files: a model's copy of each is bound to the
** model's scope (its folder and the files named on the command line), fixed when the scope
** is made (sandbox.scope); nothing a model does widens it. */
static const struct { const char *module, *fn; } bound_readers[] = {
  { "qm.yaml", "load_file" }, { "qm.db", "open" }, { NULL, NULL } };
static const char *const denied_os[] = { "execute", "exit", "remove", "rename", "getenv",
                                         "tmpname", "setlocale", NULL };
/* The stdlib modules a model may require: the public name, and the engine's module behind
** it. A model gets the same read-only table as the global of that name (`time`, `yaml`, ...);
** every other module (qm.lang.*, qm.reports.*, qm.engine.*, qm.host, qm.sandbox) is the
** engine's own and refused. */
typedef struct { const char *name, *module; } PublicModule;
static const PublicModule public_modules[] = {
  { "qm.time", "qm.eval.time" }, { "qm.stats", "qm.eval.stats" },
  { "qm.scale", "qm.rules.scale" }, { "qm.scoring", "qm.rules.scoring" },
  { "qm.consensus", "qm.rules.consensus" }, { "qm.prioritise", "qm.rules.prioritise" },
  { "qm.json", "qm.reports.json" }, { "qm.yaml", "qm.yaml" }, { "qm.db", "qm.db" },
  { NULL, NULL } };

static const char FREEZE_MEMO[] = "qm.sandbox.frozen";  /* weak: original -> proxy */

/* ---------------------------------------------------------------- frozen tables */

/* Plain tables are frozen on the way out; a table with a metatable is an object (a scale,
** a date, a sentinel) whose identity matters, so it is passed as it is — such objects protect
** their metatable with __metatable. */
static int wants_freeze(lua_State *L, int idx) {
  if (lua_type(L, idx) != LUA_TTABLE) return 0;
  if (!lua_getmetatable(L, idx)) return 1;
  int yes = lua_getfield(L, -1, "__qm_freeze") == LUA_TBOOLEAN && lua_toboolean(L, -1);
  lua_pop(L, 2);
  return yes;
}

/* ---------------------------------------------------------------- guarded stdlib functions */

/* A function of the stdlib a model calls (time.after, json.decode, ...) may fail deep inside the
** engine's Lua, its error then starting with the engine's position ("stdlib/qm/eval/time.lua:
** 739: ..."), which a model would see under pcall and print. A model gets each such function
** through a guard that calls it and gives such an error the model's position instead (the
** class stays: an I/O error stays one). A guard is made once per function (a weak memo), so
** time.after == time.after still holds. */
static const char GUARD_MEMO[] = "qm.sandbox.guarded";  /* weak: stdlib function -> guard */

/* the length of the "stdlib/...:N: " an engine error starts with, or 0 */
static size_t engine_position(const char *msg) {
  if (strncmp(msg, "stdlib/", 7) != 0) return 0;
  const char *p = msg + 7;
  while (*p != '\0' && *p != ':' && *p != '\n') p++;
  if (p[0] != ':' || p[1] < '0' || p[1] > '9') return 0;
  p++;
  while (*p >= '0' && *p <= '9') p++;
  return p[0] == ':' && p[1] == ' ' ? (size_t)(p + 2 - msg) : 0;
}

/* does the message start with a position ("m.lua:3: ", "/a b/m.lua:3: ", "stdin:1: ")? */
static int has_position(const char *msg) {
  const char *colon = msg;
  for (;;) {
    colon = strchr(colon, ':');
    if (colon == NULL) return 0;
    if (colon[1] >= '0' && colon[1] <= '9') break;
    colon++;
  }
  const char *p = colon + 1;
  while (*p >= '0' && *p <= '9') p++;
  if (*p != ':' || memchr(msg, '\n', (size_t)(colon - msg)) != NULL) return 0;
  /* a file name: a .lua file (its path may have spaces), or one word */
  return (colon - msg >= 4 && strncmp(colon - 4, ".lua", 4) == 0) || memchr(msg, ' ', (size_t)(colon - msg)) == NULL;
}

/* after the guarded call (also the continuation when it yielded): results pass through. An
** error at an engine position gets the position of the model line that called the guard; one
** without a position gets it too (error(msg, 2) in the function meant its caller, and its
** caller is now the guard) */
static int guard_done(lua_State *L, int status, lua_KContext ctx) {
  (void)ctx;
  if (status != LUA_OK && status != LUA_YIELD) {
    /* a limit's error (memory, time, Ctrl-C) passes as it is: it is no mistake of the call */
    QmLimits *lim = qmL_of(L);
    int limit = (lim != NULL && lim->tripped != QM_TRIP_NONE) || strcmp(qm_errclassname(L, -1), "limit") == 0;
    const char *msg = status == LUA_ERRRUN && !limit ? qm_errmsg(L, -1) : NULL;
    if (msg != NULL) {
      size_t skip = engine_position(msg);
      if (skip > 0 || !has_position(msg)) {
        qm_where(L, 1);
        lua_pushstring(L, msg + skip);
        lua_concat(L, 2);
        qm_errreplace(L, -2, lua_tostring(L, -1));
        lua_pop(L, 1);
      }
    }
    return lua_error(L);
  }
  return lua_gettop(L);
}

/* upvalue 1 is the function called (a stdlib function, or a proxied table's metamethod) */
int qm_guard_call(lua_State *L) {
  int n = lua_gettop(L);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  return guard_done(L, lua_pcallk(L, n, LUA_MULTRET, 0, 0, guard_done), 0);
}

/* replace the value at the top by its guard when it is a Lua function of the stdlib */
static void guard_top(lua_State *L) {
  if (lua_type(L, -1) != LUA_TFUNCTION || lua_iscfunction(L, -1)) return;
  qm_weaktable(L, GUARD_MEMO);           /* fn memo */
  lua_pushvalue(L, -2);
  if (lua_rawget(L, -2) == LUA_TFUNCTION) { lua_replace(L, -3); lua_pop(L, 1); return; }
  lua_pop(L, 1);
  lua_Debug ar;
  lua_pushvalue(L, -2);
  if (!lua_getinfo(L, ">S", &ar) || strncmp(ar.source, "@stdlib/", 8) != 0) { lua_pop(L, 1); return; }
  lua_pushvalue(L, -2);
  lua_pushcclosure(L, qm_guard_call, 1); /* fn memo guard */
  lua_pushvalue(L, -3);
  lua_pushvalue(L, -2);
  lua_rawset(L, -4);                     /* memo[fn] = guard */
  lua_replace(L, -3);                    /* the guard where the function was */
  lua_pop(L, 1);                         /* the memo */
}

/* __index of a proxy: upvalue 1 is the original table. Nested tables come back frozen, the
** stdlib's functions guarded. */
static int frozen_index(lua_State *L) {
  lua_pushvalue(L, 2);
  lua_gettable(L, lua_upvalueindex(1));
  if (wants_freeze(L, -1)) qmS_freeze(L, -1);
  else guard_top(L);
  return 1;
}

static int frozen_newindex(lua_State *L) {
  lua_getfield(L, lua_upvalueindex(1), "__qm_name");
  const char *name = lua_tostring(L, -1);
  const char *key = luaL_tolstring(L, 2, NULL);
  if (name == NULL)  /* a module, or a value made for the model (a callback's view, params) */
    return luaL_error(L, "cannot change %s: the tables qm gives a model are read-only", key);
  return luaL_error(L, "cannot change %s.%s: shared library tables are read-only in a model", name, key);
}

static int frozen_next(lua_State *L) {
  lua_settop(L, 2);
  if (!lua_next(L, lua_upvalueindex(1))) { lua_pushnil(L); return 1; }
  if (wants_freeze(L, -1)) { qmS_freeze(L, -1); lua_replace(L, -2); }
  else guard_top(L);
  return 2;
}

/* the original's own iterator (upvalue 1), its values frozen and guarded as __index gives them */
static int frozen_custom_next(lua_State *L) {
  lua_settop(L, 2);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, 2, 2);
  if (lua_isnil(L, 1)) return 1;
  if (wants_freeze(L, 2)) { qmS_freeze(L, 2); lua_replace(L, 2); }
  else guard_top(L);
  return 2;
}

/* pairs over a proxy: the original's own __pairs when it has one (a rule library lists its
** rules that way: the REPL completes `consensus.` from it), else its fields; either way the
** values frozen and guarded */
static int frozen_pairs(lua_State *L) {
  lua_getmetatable(L, 1);
  lua_getfield(L, -1, "__qm_original");
  if (luaL_getmetafield(L, -1, "__pairs") != LUA_TNIL) {
    lua_insert(L, -2);
    lua_call(L, 1, 3);
    lua_pushvalue(L, -3);
    lua_pushcclosure(L, frozen_custom_next, 1);
    lua_replace(L, -4);
    return 3;
  }
  lua_pushcclosure(L, frozen_next, 1);
  lua_pushvalue(L, 1);
  lua_pushnil(L);
  return 3;
}

static int frozen_len(lua_State *L) {
  lua_getmetatable(L, 1);
  lua_getfield(L, -1, "__qm_original");
  lua_pushinteger(L, (lua_Integer)luaL_len(L, -1));
  return 1;
}

void qmS_freeze(lua_State *L, int idx) {
  idx = lua_absindex(L, idx);
  qm_weaktable(L, FREEZE_MEMO);
  lua_pushvalue(L, idx);
  if (lua_rawget(L, -2) == LUA_TTABLE) { lua_remove(L, -2); return; }
  lua_pop(L, 1);
  /* already a proxy? freezing twice gives the same proxy */
  if (lua_getmetatable(L, idx)) {
    int isproxy = lua_getfield(L, -1, "__qm_original") == LUA_TTABLE;
    lua_pop(L, 2);
    if (isproxy) { lua_pop(L, 1); lua_pushvalue(L, idx); return; }
  }
  lua_newtable(L);                       /* memo proxy */
  lua_createtable(L, 0, 8);              /* memo proxy mt */
  lua_pushvalue(L, idx);
  lua_setfield(L, -2, "__qm_original");
  lua_pushvalue(L, idx);
  lua_pushcclosure(L, frozen_index, 1);
  lua_setfield(L, -2, "__index");
  lua_pushvalue(L, idx);
  lua_pushcclosure(L, frozen_newindex, 1);
  lua_setfield(L, -2, "__newindex");
  lua_pushcfunction(L, frozen_pairs);
  lua_setfield(L, -2, "__pairs");
  lua_pushcfunction(L, frozen_len);
  lua_setfield(L, -2, "__len");
  if (lua_getmetatable(L, idx)) {
    static const char *const forwarded[] = { "__call", "__tostring", NULL };
    for (int i = 0; forwarded[i]; i++) {
      if (lua_getfield(L, -1, forwarded[i]) != LUA_TNIL) {
        lua_pushcclosure(L, qm_guard_call, 1);  /* forwarded (a callable module stays callable) */
        lua_setfield(L, -3, forwarded[i]);
      } else {
        lua_pop(L, 1);
      }
    }
    lua_pop(L, 1);
  }
  lua_pushliteral(L, "frozen");
  lua_setfield(L, -2, "__metatable");
  lua_setmetatable(L, -2);               /* memo proxy */
  lua_pushvalue(L, idx);
  lua_pushvalue(L, -2);
  lua_rawset(L, -4);                     /* memo[original] = proxy */
  lua_remove(L, -2);
}

/* ---------------------------------------------------------------- denied functions */

static int denied_call(lua_State *L) {
  return luaL_error(L, "%s", lua_tostring(L, lua_upvalueindex(1)));
}

static void push_denied(lua_State *L, const char *fmt, const char *name) {
  lua_pushfstring(L, fmt, name);
  lua_pushcclosure(L, denied_call, 1);
}

/* setmetatable for models: as Lua's, but a metatable with __gc marks the run as having model
** finalizers. qm leaves its memory to the system at exit (qmH_exit) and so runs no finalizer
** then; when a model set one, the state is closed instead, so the finalizer runs under the
** time limit and its error is reported. (Lua 5.4 marks an object for finalization only when
** its metatable has __gc at the time of setmetatable, so this catches every such object.) */
static int safe_setmetatable(lua_State *L) {
  if (lua_type(L, 2) == LUA_TTABLE && lua_getfield(L, 2, "__gc") != LUA_TNIL) {
    lua_pushboolean(L, 1);
    lua_setfield(L, LUA_REGISTRYINDEX, QM_MODEL_FINALIZERS);
  }
  lua_settop(L, 2);
  lua_getglobal(L, "setmetatable");  /* the real one: the model's _ENV is not _G */
  lua_insert(L, 1);
  lua_call(L, 2, 1);
  return 1;
}

static int safe_collectgarbage(lua_State *L) {
  const char *opt = luaL_optstring(L, 1, "collect");
  for (int i = 0; allowed_gc_options[i]; i++) {
    if (strcmp(opt, allowed_gc_options[i]) != 0) continue;
    lua_getglobal(L, "collectgarbage");  /* the real one: the model's _ENV is not _G */
    lua_pushstring(L, opt);
    lua_call(L, 1, 1);
    return 1;
  }
  return luaL_error(L, "collectgarbage(\"%s\") is not allowed in a model (allowed: count, collect, step)", opt);
}

/* load(chunk [, chunkname [, mode [, env]]]) for models: text only, default env = the model's */
static int safe_load(lua_State *L) {
  lua_settop(L, 4);
  const char *mode = luaL_optstring(L, 3, "t");
  if (strchr(mode, 'b') != NULL)
    return luaL_error(L, "binary chunks are not allowed in a model (load mode must be \"t\")");
  int has_env = !lua_isnil(L, 4);
  lua_getglobal(L, "load");
  lua_pushvalue(L, 1);
  lua_pushvalue(L, 2);
  lua_pushliteral(L, "t");
  if (has_env) lua_pushvalue(L, 4); else lua_pushvalue(L, lua_upvalueindex(1));
  lua_call(L, 4, 2);
  return 2;
}

/* ---------------------------------------------------------------- paths */

static char *resolve(const char *path, char *out) {
  if (realpath(path, out) != NULL) return out;
  /* a file that does not exist yet: resolve its folder */
  char dir[PATH_MAX];
  const char *slash = strrchr(path, '/');
  const char *base = slash ? slash + 1 : path;
  size_t dlen = slash ? (size_t)(slash - path) : 1;
  if (dlen >= sizeof dir) return NULL;
  if (slash) { memcpy(dir, path, dlen); dir[dlen] = '\0'; if (dlen == 0) strcpy(dir, "/"); }
  else strcpy(dir, ".");
  char rdir[PATH_MAX];
  if (realpath(dir, rdir) == NULL || strcmp(base, "..") == 0 || strcmp(base, ".") == 0) return NULL;
  size_t rl = strcmp(rdir, "/") == 0 ? 0 : strlen(rdir), bl = strlen(base);
  if (rl + bl + 2 > PATH_MAX) return NULL;
  memcpy(out, rdir, rl);
  out[rl] = '/';
  memcpy(out + rl + 1, base, bl + 1);
  return out;
}

static int inside(const char *full, const char *allowed) {
  size_t n = strlen(allowed);
  if (strncmp(full, allowed, n) != 0) return 0;
  return full[n] == '\0' || full[n] == '/' || strcmp(allowed, "/") == 0;
}

/* Resolve `path` against the scope at index `scope` (a relative path is relative to the
** scope's folder, whatever file or chunk names it) into `full`; 1 when it is inside one of
** the scope's roots (its folder, and files named on the command line). */
static int in_scope(lua_State *L, int scope, const char *path, char *full) {
  int top = lua_gettop(L);
  scope = lua_absindex(L, scope);
  if (path[0] != '/') {
    lua_getfield(L, scope, "dir");
    path = lua_pushfstring(L, "%s/%s", lua_tostring(L, -1), path);
  }
  int ok = 0;
  if (resolve(path, full) != NULL && lua_getfield(L, scope, "roots") == LUA_TTABLE) {
    lua_pushnil(L);
    while (!ok && lua_next(L, -2)) {
      lua_pop(L, 1);
      if (lua_type(L, -1) == LUA_TSTRING && inside(full, lua_tostring(L, -1))) ok = 1;
    }
  }
  lua_settop(L, top);
  return ok;
}

/* Note in the scope's `read` set that its files read `full`: --out and the REPL's .output
** refuse every file a run read (Context:precious_files). */
static void note_read(lua_State *L, int scope, const char *full) {
  scope = lua_absindex(L, scope);
  if (lua_getfield(L, scope, "read") == LUA_TTABLE) {
    lua_pushboolean(L, 1);
    lua_setfield(L, -2, full);
  }
  lua_pop(L, 1);
}

/* A reader bound to a scope (yaml.load_file, db.open as a model has them) is a C closure whose
** first upvalue is the scope; the engine's own readers have none and read what it names. */
void qmS_checkpath(lua_State *L, const char *path) {
  char full[PATH_MAX];
  if (lua_type(L, lua_upvalueindex(1)) != LUA_TTABLE) {
    lua_pushstring(L, resolve(path, full) ? full : path);
    return;
  }
  if (in_scope(L, lua_upvalueindex(1), path, full)) {
    note_read(L, lua_upvalueindex(1), full);
    lua_pushstring(L, full);
    return;
  }
  qm_raise(L, QM_EXIT_IO, 1, "cannot read \"%s\": a model may only read files in its own folder "
           "or files given on the command line", path);
}

void qmS_loadfile(lua_State *L, const char *path, const char *chunkname) {
  int err = qm_pushfile(L, path);
  if (err != 0) { qm_raise(L, QM_EXIT_IO, 0, "cannot open %s: %s", path, strerror(err)); return; }
  size_t len;
  const char *src = lua_tolstring(L, -1, &len);
  if (len > 0 && src[0] == LUA_SIGNATURE[0]) {
    qm_raise(L, QM_EXIT_MODEL, 0, "%s: binary chunks are not allowed (qm loads Lua source text only)", path);
    return;
  }
  if (len > 0 && src[0] == '#') {  /* skip a shebang line, keep line numbers */
    const char *nl = memchr(src, '\n', len);
    size_t skip = nl ? (size_t)(nl - src) : len;
    lua_pushlstring(L, src + skip, len - skip);
    lua_replace(L, -2);
    src = lua_tolstring(L, -1, &len);
  }
  int st = luaL_loadbufferx(L, src, len, chunkname, "t");
  lua_remove(L, -2);
  if (st != LUA_OK) {
    /* a syntax error reads "file:line: message" already; but Lua's parser says only "C stack
    ** overflow" when the text nests too deeply (found by fuzzing): name the file, say why */
    const char *msg = lua_tostring(L, -1);
    if (msg != NULL && strstr(msg, "C stack overflow") != NULL && strncmp(msg, chunkname + 1, strlen(chunkname + 1)) != 0)
      qm_raise(L, QM_EXIT_MODEL, 0, "%s: the text nests too deeply to be read (more than about 200 levels of "
               "tables, calls or blocks inside each other)", path);
    lua_error(L);
  }
}

/* ---------------------------------------------------------------- require for models */

static const char *public_module(const char *name) {
  for (int i = 0; public_modules[i].name; i++)
    if (strcmp(name, public_modules[i].name) == 0) return public_modules[i].module;
  return NULL;
}

static int refuse_module(lua_State *L, const char *name) {
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  for (int i = 0; public_modules[i].name; i++) {
    if (i > 0) luaL_addstring(&b, ", ");
    luaL_addstring(&b, public_modules[i].name);
  }
  luaL_pushresult(&b);
  return luaL_error(L, "module \"%s\" is internal to qm and not available to models (a model may require %s)",
                    name, lua_tostring(L, -1));
}

static int valid_module_name(const char *name) {
  if (*name == '\0' || *name == '.') return 0;
  for (const char *p = name; *p; p++) {
    if (*p == '.' && (p[1] == '.' || p[1] == '\0')) return 0;
    if (!(*p == '.' || *p == '_' || *p == '-' || (*p >= 'a' && *p <= 'z') ||
          (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9'))) return 0;
  }
  return 1;
}

/* upvalues: 1 env, 2 scope, 3 cache table (public name or module name -> value) */
static int safe_require(lua_State *L) {
  const char *name = luaL_checkstring(L, 1);
  if (lua_getfield(L, lua_upvalueindex(3), name) != LUA_TNIL) return 1;
  lua_pop(L, 1);
  if (!valid_module_name(name)) return luaL_error(L, "module name \"%s\" is not valid", name);
  if (strncmp(name, "qm.", 3) == 0 || strcmp(name, "qm") == 0) {
    const char *module = public_module(name);
    if (module == NULL) return refuse_module(L, name);
    lua_getglobal(L, "require");
    lua_pushstring(L, module);
    lua_call(L, 1, 1);
    if (lua_type(L, -1) == LUA_TTABLE) qmS_freeze(L, -1), lua_remove(L, -2);
  } else {
    lua_getfield(L, lua_upvalueindex(2), "dir");
    const char *dir = lua_tostring(L, -1);
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    luaL_addstring(&b, dir);
    luaL_addchar(&b, '/');
    luaL_addgsub(&b, name, ".", "/");
    luaL_addstring(&b, ".lua");
    luaL_pushresult(&b);
    const char *path = lua_tostring(L, -1);
    char full[PATH_MAX];
    /* a symlink in the folder must not lead out of it */
    if (realpath(path, full) == NULL || !inside(full, dir))
      return luaL_error(L, "module \"%s\" not found: no stdlib module of that name and no file %s", name, path);
    FILE *f = fopen(path, "r");
    if (f == NULL) return luaL_error(L, "module \"%s\" not found: no stdlib module of that name and no file %s", name, path);
    fclose(f);
    note_read(L, lua_upvalueindex(2), full);
    lua_pushfstring(L, "@%s", path);
    qmS_loadfile(L, path, lua_tostring(L, -1));
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_setupvalue(L, -2, 1);           /* _ENV of the module = the requiring model's env */
    lua_pushstring(L, name);
    lua_call(L, 1, 1);
    if (lua_isnil(L, -1)) { lua_pop(L, 1); lua_pushboolean(L, 1); }
  }
  lua_pushvalue(L, -1);
  lua_setfield(L, lua_upvalueindex(3), name);
  return 1;
}

/* ---------------------------------------------------------------- the environment */

static int env_index(lua_State *L) {
  /* upvalue 1: the base table of allowed names */
  lua_pushvalue(L, 2);
  if (lua_rawget(L, lua_upvalueindex(1)) != LUA_TNIL) return 1;
  const char *key = lua_tostring(L, 2);
  if (key != NULL)
    for (int i = 0; denied_globals[i].name; i++)
      if (strcmp(key, denied_globals[i].name) == 0) return luaL_error(L, "%s", denied_globals[i].why);
  return 1;
}

static void copy_lib(lua_State *L, const char *lib, const char *const *only) {
  lua_newtable(L);
  lua_getglobal(L, lib);
  if (only != NULL) {
    for (int i = 0; only[i]; i++) {
      lua_getfield(L, -1, only[i]);
      lua_setfield(L, -3, only[i]);
    }
  } else {
    lua_pushnil(L);
    while (lua_next(L, -2)) {
      lua_pushvalue(L, -2);
      lua_insert(L, -2);
      lua_settable(L, -5);
    }
  }
  lua_pop(L, 1);
  lua_pushstring(L, lib);
  lua_setfield(L, -2, "__qm_name");  /* named in "cannot change string.rep" messages */
}

static int listed(const char *const *list, const char *name) {
  if (name == NULL) return 0;
  for (int i = 0; list[i]; i++) if (strcmp(list[i], name) == 0) return 1;
  return 0;
}

/* sandbox.view{ field = value, ... } -> a read-only proxy; only view_fields may be given */
static int l_view(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_pushnil(L);
  while (lua_next(L, 1)) {
    lua_pop(L, 1);
    if (lua_type(L, -1) != LUA_TSTRING || !listed(view_fields, lua_tostring(L, -1)))
      return luaL_error(L, "internal error: \"%s\" is not in sandbox.c's view_fields", luaL_tolstring(L, -1, NULL));
  }
  qmS_freeze(L, 1);
  return 1;
}

/* sandbox.scope{ dir = folder, files = { path, ... } } -> scope: what the model files of one
** folder may read, fixed now. { dir = resolved folder, roots = { [path] = true },
** read = { [path] = true } (filled as its files read: yaml.load_file, db.open, require),
** modules = { ["qm.yaml"] = copy with load_file bound to this scope, ["qm.db"] = ... } } */
static int l_scope(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_getfield(L, 1, "dir");
  const char *dir = luaL_optstring(L, -1, ".");
  char full[PATH_MAX];
  if (realpath(dir, full) == NULL) return qm_raise(L, QM_EXIT_IO, 0, "cannot read folder %s", dir);
  int scope = (lua_createtable(L, 0, 3), lua_gettop(L));
  lua_pushstring(L, full);
  lua_setfield(L, scope, "dir");
  lua_newtable(L);
  lua_pushboolean(L, 1);
  lua_setfield(L, -2, full);
  if (lua_getfield(L, 1, "files") == LUA_TTABLE) {
    for (lua_Integer i = 1; lua_rawgeti(L, -1, i) == LUA_TSTRING; i++) {
      if (resolve(lua_tostring(L, -1), full) != NULL) {
        lua_pushboolean(L, 1);
        lua_setfield(L, -4, full);
      }
      lua_pop(L, 1);
    }
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  lua_setfield(L, scope, "roots");
  lua_newtable(L);                       /* read: { [full path] = true } of what its files read */
  lua_setfield(L, scope, "read");
  lua_newtable(L);                       /* modules */
  for (int i = 0; bound_readers[i].module; i++) {
    if (lua_getfield(L, -1, bound_readers[i].module) != LUA_TTABLE) {
      lua_pop(L, 1);
      lua_newtable(L);                   /* the model's copy of the module */
      lua_getglobal(L, "require");
      lua_pushstring(L, bound_readers[i].module);
      lua_call(L, 1, 1);
      lua_pushnil(L);
      while (lua_next(L, -2)) {
        lua_pushvalue(L, -2);
        lua_insert(L, -2);
        lua_rawset(L, -5);
      }
      lua_pop(L, 1);
      lua_pushvalue(L, -1);
      lua_setfield(L, -3, bound_readers[i].module);
    }
    lua_getfield(L, -1, bound_readers[i].fn);
    lua_CFunction fn = lua_tocfunction(L, -1);
    lua_pop(L, 1);
    if (fn == NULL) return luaL_error(L, "%s.%s is not a C function", bound_readers[i].module, bound_readers[i].fn);
    lua_pushvalue(L, scope);
    lua_pushcclosure(L, fn, 1);
    lua_setfield(L, -2, bound_readers[i].fn);
    lua_pop(L, 1);
  }
  lua_setfield(L, scope, "modules");
  return 1;
}

/* sandbox.newenv{ scope = sandbox.scope{...}, globals = {name = value, ...}, test = (a test file: the
** globals come from test_globals) } -> env */
static int l_newenv(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  if (lua_getfield(L, 1, "scope") != LUA_TTABLE) return luaL_error(L, "newenv needs a scope");
  int scope = lua_gettop(L);
  int base = (lua_newtable(L), lua_gettop(L));
  for (int i = 0; allowed_globals[i]; i++) {
    lua_getglobal(L, allowed_globals[i]);
    lua_setfield(L, base, allowed_globals[i]);
  }
  for (int i = 0; allowed_libs[i]; i++) {
    copy_lib(L, allowed_libs[i], NULL);
    if (strcmp(allowed_libs[i], "string") == 0) {
      push_denied(L, "string.dump is not allowed in a model", NULL);
      lua_setfield(L, -2, "dump");
    }
    qmS_freeze(L, -1);
    lua_setfield(L, base, allowed_libs[i]);
    lua_pop(L, 1);
  }
  copy_lib(L, "os", allowed_os);
  for (int i = 0; denied_os[i]; i++) {
    push_denied(L, "os.%s is not allowed in a model", denied_os[i]);
    lua_setfield(L, -2, denied_os[i]);
  }
  qmS_freeze(L, -1);
  lua_setfield(L, base, "os");
  lua_pop(L, 1);
  lua_pushcfunction(L, safe_collectgarbage);
  lua_setfield(L, base, "collectgarbage");
  lua_pushcfunction(L, safe_setmetatable);
  lua_setfield(L, base, "setmetatable");
  /* extra globals from the stdlib: the model language, db, yaml, params ... (a test file's:
  ** the test vocabulary) */
  lua_getfield(L, 1, "test");
  const char *const *extra = lua_toboolean(L, -1) ? test_globals : model_globals;
  lua_pop(L, 1);
  if (lua_getfield(L, 1, "globals") == LUA_TTABLE) {
    lua_pushnil(L);
    while (lua_next(L, -2)) {
      if (!listed(extra, lua_tostring(L, -2)))
        return luaL_error(L, "internal error: global \"%s\" is not in sandbox.c's %s", lua_tostring(L, -2),
                          extra == test_globals ? "test_globals" : "model_globals");
      if (lua_type(L, -1) == LUA_TTABLE) { qmS_freeze(L, -1); lua_remove(L, -2); }
      lua_pushvalue(L, -2);
      lua_insert(L, -2);
      lua_settable(L, base);
    }
  }
  lua_pop(L, 1);
  int env = (lua_newtable(L), lua_gettop(L));
  lua_pushvalue(L, env);
  lua_setfield(L, env, "_G");
  lua_pushvalue(L, env);
  lua_pushcclosure(L, safe_load, 1);
  lua_setfield(L, base, "load");
  lua_pushvalue(L, env);
  lua_pushvalue(L, scope);
  lua_newtable(L);                       /* require's cache: the scope's bound modules */
  lua_getfield(L, scope, "modules");
  lua_pushnil(L);
  while (lua_next(L, -2)) {
    qmS_freeze(L, -1);
    lua_remove(L, -2);
    lua_pushvalue(L, -2);
    lua_insert(L, -2);
    lua_rawset(L, -5);
  }
  lua_pop(L, 1);
  lua_pushcclosure(L, safe_require, 3);
  lua_setfield(L, base, "require");
  lua_createtable(L, 0, 2);
  lua_pushvalue(L, base);
  lua_pushcclosure(L, env_index, 1);
  lua_setfield(L, -2, "__index");
  lua_pushliteral(L, "the model environment");
  lua_setfield(L, -2, "__metatable");
  lua_setmetatable(L, env);
  return 1;
}

static int l_loadfile(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  luaL_checktype(L, 2, LUA_TTABLE);
  lua_pushfstring(L, "@%s", path);
  qmS_loadfile(L, path, lua_tostring(L, -1));
  lua_pushvalue(L, 2);
  lua_setupvalue(L, -2, 1);
  return 1;
}

static int l_freeze(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  qmS_freeze(L, 1);
  return 1;
}

/* sandbox.inside(path, dir) -> the resolved path of an existing regular file that `path`
** (relative to dir, or absolute) names inside dir, or nil: what `use` may load */
static int l_inside(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  const char *dir = luaL_checkstring(L, 2);
  char rdir[PATH_MAX], full[PATH_MAX];
  struct stat st;
  if (realpath(dir, rdir) == NULL) return 0;
  if (path[0] != '/') path = lua_pushfstring(L, "%s/%s", rdir, path);
  if (realpath(path, full) == NULL || !inside(full, rdir)) return 0;
  if (stat(full, &st) != 0 || !S_ISREG(st.st_mode)) return 0;
  lua_pushstring(L, full);
  return 1;
}

/* sandbox.where(level) -> "file:line" of the Lua code `level` frames up from the caller of
** where (1: the caller's caller), C frames skipped (a model calls a library's function
** through a guard); the file as the chunk names it (the full path, not short_src's cut), or
** "?". What qm.lang.construct.where_of says for every construct a model declares: one call,
** no table of debug information. */
static int l_where(lua_State *L) {
  int level = (int)luaL_checkinteger(L, 1);
  lua_Debug ar;
  if (level < 1) { lua_pushliteral(L, "?"); return 1; }
  for (;;) {
    if (!lua_getstack(L, level, &ar) || !lua_getinfo(L, "Sl", &ar)) { lua_pushliteral(L, "?"); return 1; }
    if (strcmp(ar.what, "C") != 0) break;
    level++;
  }
  if (ar.currentline <= 0) { lua_pushliteral(L, "?"); return 1; }
  if (ar.source[0] == '@') lua_pushfstring(L, "%s:%d", ar.source + 1, ar.currentline);
  else lua_pushfstring(L, "%s:%d", ar.short_src, ar.currentline);
  return 1;
}

/* the allow-lists as data, for docs and tests */
static int l_lists(lua_State *L) {
  lua_newtable(L);
  lua_newtable(L);
  for (int i = 0; allowed_globals[i]; i++) { lua_pushstring(L, allowed_globals[i]); lua_rawseti(L, -2, i + 1); }
  lua_setfield(L, -2, "globals");
  lua_newtable(L);
  for (int i = 0; allowed_libs[i]; i++) { lua_pushstring(L, allowed_libs[i]); lua_rawseti(L, -2, i + 1); }
  lua_setfield(L, -2, "libs");
  lua_newtable(L);
  for (int i = 0; allowed_os[i]; i++) { lua_pushstring(L, allowed_os[i]); lua_rawseti(L, -2, i + 1); }
  lua_setfield(L, -2, "os");
  lua_newtable(L);
  for (int i = 0; denied_globals[i].name; i++) { lua_pushstring(L, denied_globals[i].why); lua_setfield(L, -2, denied_globals[i].name); }
  lua_setfield(L, -2, "denied");
  lua_newtable(L);
  for (int i = 0; public_modules[i].name; i++) {
    lua_pushstring(L, public_modules[i].module);
    lua_setfield(L, -2, public_modules[i].name);
  }
  lua_setfield(L, -2, "modules");
  static const struct { const char *key; const char *const *list; } more[] = {
    { "model_globals", model_globals }, { "view", view_fields }, { "own_globals", own_globals },
    { "test_globals", test_globals } };
  for (size_t k = 0; k < sizeof more / sizeof more[0]; k++) {
    lua_newtable(L);
    for (int i = 0; more[k].list[i]; i++) { lua_pushstring(L, more[k].list[i]); lua_rawseti(L, -2, i + 1); }
    lua_setfield(L, -2, more[k].key);
  }
  return 1;
}

static int open_sandbox(lua_State *L) {
  static const luaL_Reg fns[] = {
    { "newenv", l_newenv }, { "loadfile", l_loadfile }, { "freeze", l_freeze },
    { "scope", l_scope }, { "inside", l_inside }, { "view", l_view }, { "lists", l_lists },
    { "where", l_where }, { NULL, NULL } };
  luaL_newlib(L, fns);
  return 1;
}

void qmS_init(lua_State *L) {
  /* getmetatable("") must not hand a model the real string table, and the methods every
  ** string has (("").rep) come from a copy without dump, so ("").dump is nil in a model too */
  lua_pushliteral(L, "");
  if (lua_getmetatable(L, -1)) {
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_newtable(L);
    lua_getglobal(L, "string");
    lua_pushnil(L);
    while (lua_next(L, -2)) {
      lua_pushvalue(L, -2);
      lua_insert(L, -2);
      lua_rawset(L, -5);
    }
    lua_pop(L, 1);
    lua_pushnil(L);
    lua_setfield(L, -2, "dump");
    lua_setfield(L, -2, "__index");
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_PRELOAD_TABLE);
  lua_pushcfunction(L, open_sandbox);
  lua_setfield(L, -2, "qm.sandbox");
  lua_pop(L, 1);
}
