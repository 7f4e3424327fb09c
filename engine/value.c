/*
** value.c — small shared values: the null sentinel and typed errors (see qm.h).
** Both live in the Lua registry, so there is no C global state here.
*/
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "qm.h"

static const char NULL_KEY[] = "qm.null";

static int null_tostring(lua_State *L) {
  lua_pushliteral(L, "null");
  return 1;
}

void qm_pushnull(lua_State *L) {
  if (lua_getfield(L, LUA_REGISTRYINDEX, NULL_KEY) != LUA_TNIL) return;
  lua_pop(L, 1);
  lua_newuserdatauv(L, 0, 0);
  lua_createtable(L, 0, 3);
  lua_pushcfunction(L, null_tostring);
  lua_setfield(L, -2, "__tostring");
  lua_pushliteral(L, "null");
  lua_setfield(L, -2, "__name");
  lua_pushboolean(L, 0);
  lua_setfield(L, -2, "__metatable");
  lua_setmetatable(L, -2);
  lua_pushvalue(L, -1);
  lua_setfield(L, LUA_REGISTRYINDEX, NULL_KEY);
}

int qm_isnull(lua_State *L, int idx) {
  idx = lua_absindex(L, idx);
  if (lua_type(L, idx) != LUA_TUSERDATA) return 0;
  qm_pushnull(L);
  int same = lua_rawequal(L, idx, -1);
  lua_pop(L, 1);
  return same;
}

/* ---------------------------------------------------------------- typed errors
** An error qm raises is a userdata of metatable "qm.error" carrying its class and its message
** (user values 1 and 2); the exit code comes from the class, here, in one table. It reads like
** the message it carries: tostring, .., and string methods (err:match(...)) all work. A plain
** Lua error (a string, or anything else) is of class "model". */

static const struct { const char *name; int exit; } classes[] = {
  { "model", QM_EXIT_MODEL }, { "data", QM_EXIT_MODEL }, { "usage", QM_EXIT_USAGE },
  { "io", QM_EXIT_IO }, { "limit", QM_EXIT_LIMIT }, { NULL, 0 } };

static const char ERROR_MT[] = "qm.error";

const char *qm_classname(int exit_code) {
  for (int i = 0; classes[i].name; i++)
    if (classes[i].exit == exit_code) return classes[i].name;
  return "model";
}

static int valid_class(const char *name) {
  for (int i = 0; classes[i].name; i++)
    if (strcmp(classes[i].name, name) == 0) return 1;
  return 0;
}

static int error_tostring(lua_State *L) {
  luaL_checkudata(L, 1, ERROR_MT);
  lua_getiuservalue(L, 1, 2);
  return 1;
}

/* err:method(...) calls the string method on the message */
static int error_method(lua_State *L) {
  lua_getiuservalue(L, 1, 2);
  lua_replace(L, 1);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
  return lua_gettop(L);
}

static int error_index(lua_State *L) {
  luaL_checkudata(L, 1, ERROR_MT);
  const char *key = luaL_checkstring(L, 2);
  if (strcmp(key, "class") == 0) { lua_getiuservalue(L, 1, 1); return 1; }
  if (strcmp(key, "message") == 0) { lua_getiuservalue(L, 1, 2); return 1; }
  lua_getglobal(L, "string");
  if (!lua_istable(L, -1) || lua_getfield(L, -1, key) != LUA_TFUNCTION) return 0;
  lua_pushcclosure(L, error_method, 1);
  return 1;
}

static int error_concat(lua_State *L) {
  for (int i = 1; i <= 2; i++) {
    if (luaL_testudata(L, i, ERROR_MT)) { lua_getiuservalue(L, i, 2); lua_replace(L, i); }
    else luaL_tolstring(L, i, NULL), lua_replace(L, i);
  }
  lua_concat(L, 2);
  return 1;
}

void qm_pusherror(lua_State *L, const char *cls, const char *msg) {
  if (!valid_class(cls)) cls = "model";
  lua_newuserdatauv(L, 0, 2);
  lua_pushstring(L, cls);
  lua_setiuservalue(L, -2, 1);
  lua_pushstring(L, msg);
  lua_setiuservalue(L, -2, 2);
  if (luaL_newmetatable(L, ERROR_MT)) {
    static const luaL_Reg mm[] = { { "__tostring", error_tostring }, { "__index", error_index },
                                   { "__concat", error_concat }, { NULL, NULL } };
    luaL_setfuncs(L, mm, 0);
    lua_pushliteral(L, "qm.error");
    lua_setfield(L, -2, "__metatable");
  }
  lua_setmetatable(L, -2);
}

/* The position an error raised at `level` shows, as luaL_where gives it, except that an
** engine file (a chunk of the stdlib) is never named to a user: the innermost frame of the
** model's own code above it instead (the model line that led there), or no position. */
void qm_where(lua_State *L, int level) {
  lua_Debug ar;
  if (level <= 0 || !lua_getstack(L, level, &ar) || !lua_getinfo(L, "Slf", &ar)) { lua_pushliteral(L, ""); return; }
  int guard = lua_tocfunction(L, -1) == qm_guard_call;
  lua_pop(L, 1);
  if (guard) { qm_where(L, level + 1); return; }   /* the guard passes the call on: its caller */
  if (strncmp(ar.source, "@stdlib/", 8) != 0) { luaL_where(L, level); return; }
  for (int up = level + 1; lua_getstack(L, up, &ar); up++) {
    if (lua_getinfo(L, "Sl", &ar) && ar.source[0] == '@' && strncmp(ar.source, "@stdlib/", 8) != 0 && ar.currentline > 0) {
      lua_pushfstring(L, "%s:%d: ", ar.short_src, ar.currentline);
      return;
    }
  }
  lua_pushliteral(L, "");
}

int qm_raise(lua_State *L, int exit_class, int level, const char *fmt, ...) {
  va_list ap;
  qm_where(L, level);
  va_start(ap, fmt);
  lua_pushvfstring(L, fmt, ap);
  va_end(ap);
  lua_concat(L, 2);
  qm_pusherror(L, qm_classname(exit_class), lua_tostring(L, -1));
  return lua_error(L);
}

const char *qm_errmsg(lua_State *L, int idx) {
  if (luaL_testudata(L, idx, ERROR_MT)) {
    lua_getiuservalue(L, idx, 2);
    const char *msg = lua_tostring(L, -1);  /* kept alive by the user value */
    lua_pop(L, 1);
    return msg;
  }
  return lua_type(L, idx) == LUA_TSTRING || lua_type(L, idx) == LUA_TNUMBER ? lua_tostring(L, idx) : NULL;
}

const char *qm_errclassname(lua_State *L, int idx) {
  if (!luaL_testudata(L, idx, ERROR_MT)) return "model";
  lua_getiuservalue(L, idx, 1);
  const char *cls = lua_tostring(L, -1);
  lua_pop(L, 1);
  return cls ? cls : "model";
}

int qm_errexit(lua_State *L, int idx) {
  const char *cls = qm_errclassname(L, idx);
  for (int i = 0; classes[i].name; i++)
    if (strcmp(classes[i].name, cls) == 0) return classes[i].exit;
  return QM_EXIT_MODEL;
}

void qm_errreplace(lua_State *L, int idx, const char *msg) {
  idx = lua_absindex(L, idx);
  if (luaL_testudata(L, idx, ERROR_MT)) qm_pusherror(L, qm_errclassname(L, idx), msg);
  else lua_pushstring(L, msg);
  lua_replace(L, idx);
}

void qm_weaktable(lua_State *L, const char *key) {
  if (lua_getfield(L, LUA_REGISTRYINDEX, key) == LUA_TTABLE) return;
  lua_pop(L, 1);
  lua_newtable(L);
  lua_createtable(L, 0, 1);
  lua_pushliteral(L, "k");
  lua_setfield(L, -2, "__mode");
  lua_setmetatable(L, -2);
  lua_pushvalue(L, -1);
  lua_setfield(L, LUA_REGISTRYINDEX, key);
}

int qm_pushfile(lua_State *L, const char *path) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) return errno ? errno : EIO;
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  char chunk[8192];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) luaL_addlstring(&b, chunk, n);
  int bad = ferror(f);
  fclose(f);
  luaL_pushresult(&b);
  if (bad) { lua_pop(L, 1); return EIO; }
  return 0;
}
