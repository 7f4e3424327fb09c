/*
** value.c — small shared values: the null sentinel and classified errors (see qm.h).
** Both live in the Lua registry, so there is no C global state here.
*/
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "qm.h"

static const char NULL_KEY[] = "qm.null";
static const char ERRCLASS_KEY[] = "qm.errclass";

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

/* The position an error raised at `level` shows, as luaL_where gives it, except that an
** engine file (a chunk of the stdlib) is never named to a user: the innermost frame of the
** model's own code above it instead (the model line that led there), or no position. */
void qm_where(lua_State *L, int level) {
  lua_Debug ar;
  if (level <= 0 || !lua_getstack(L, level, &ar) || !lua_getinfo(L, "Sl", &ar)) { lua_pushliteral(L, ""); return; }
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
  /* remember message -> class; a stale entry is harmless because it is matched by text */
  lua_pushvalue(L, -1);
  lua_pushinteger(L, exit_class);
  lua_setfield(L, LUA_REGISTRYINDEX, ERRCLASS_KEY);
  lua_pushvalue(L, -1);
  lua_setfield(L, LUA_REGISTRYINDEX, "qm.errclass.msg");
  lua_pop(L, 1);
  return lua_error(L);
}

int qm_errclass(lua_State *L, const char *msg) {
  int cls = QM_EXIT_MODEL;
  if (msg == NULL) return cls;
  lua_getfield(L, LUA_REGISTRYINDEX, "qm.errclass.msg");
  const char *last = lua_tostring(L, -1);
  /* the error may have been re-raised with a traceback appended or a position prefixed */
  if (last != NULL && strstr(msg, last) != NULL) {
    lua_getfield(L, LUA_REGISTRYINDEX, ERRCLASS_KEY);
    cls = (int)lua_tointeger(L, -1);
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  return cls;
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
