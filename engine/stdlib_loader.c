/*
** stdlib_loader.c — finds stdlib modules: embedded in the binary, or, for development, read
** from the folder named by QM_STDLIB_PATH (a source tree's stdlib/). Replaces Lua's own file
** and C-library searchers so nothing is loaded from the current directory or LUA_PATH.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <lauxlib.h>
#include "qm.h"
#include "stdlib_embed.h"

/* Reads dir/qm/time.lua for "qm.time"; the chunk is named "@stdlib/qm/time.lua" as when
** embedded, so tracebacks and the engine's frame filter read the same in both modes. */
static int load_from_dir(lua_State *L, const char *dir, const char *name) {
  const char *rel = luaL_gsub(L, name, ".", "/");
  const char *path = lua_pushfstring(L, "%s/%s.lua", dir, rel);
  if (qm_pushfile(L, path) != 0) {
    lua_pushfstring(L, "\n\tno stdlib file '%s' (QM_STDLIB_PATH)", path);
    return 1;
  }
  size_t len;
  const char *src = lua_tolstring(L, -1, &len);
  const char *chunkname = lua_pushfstring(L, "@stdlib/%s.lua", rel);
  if (luaL_loadbufferx(L, src, len, chunkname, "t") != LUA_OK) return lua_error(L);
  lua_pushstring(L, path);
  return 2;
}

static int searcher(lua_State *L) {
  const char *name = luaL_checkstring(L, 1);
  const char *dir = getenv("QM_STDLIB_PATH");
  if (dir != NULL && *dir != '\0') return load_from_dir(L, dir, name);
  for (const QmEmbeddedModule *m = qmE_modules; m->name; m++) {
    if (strcmp(m->name, name) != 0) continue;
    lua_pushfstring(L, "@%s", m->path);
    if (luaL_loadbufferx(L, m->source, m->size, lua_tostring(L, -1), "t") != LUA_OK)
      return lua_error(L);
    lua_pushstring(L, m->path);
    return 2;
  }
  lua_pushfstring(L, "\n\tno stdlib module '%s'", name);
  return 1;
}

void qmE_install(lua_State *L) {
  lua_getglobal(L, "package");
  lua_createtable(L, 2, 0);
  lua_getfield(L, -2, "searchers");
  lua_rawgeti(L, -1, 1);             /* keep the preload searcher */
  lua_rawseti(L, -3, 1);
  lua_pop(L, 1);
  lua_pushcfunction(L, searcher);
  lua_rawseti(L, -2, 2);
  lua_setfield(L, -2, "searchers");
  lua_pushliteral(L, "");
  lua_setfield(L, -2, "path");
  lua_pushliteral(L, "");
  lua_setfield(L, -2, "cpath");
  lua_pop(L, 1);
}

void qmE_pushnames(lua_State *L) {
  lua_newtable(L);
  int i = 1;
  for (const QmEmbeddedModule *m = qmE_modules; m->name; m++) {
    lua_pushstring(L, m->name);
    lua_rawseti(L, -2, i++);
  }
}
