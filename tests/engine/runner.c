/*
** runner.c — qm_engine_test FILE [ARGS...]: runs a Lua file in the engine's own state (full
** standard library, every stdlib module requirable), not in a model's sandbox. For tests of
** engine-internal modules (qm.reports.*, qm.lang.*, qm.engine.*) that no model may reach.
** `require "name"` also finds name.lua beside FILE and in tests/lua/ (testing.lua).
** Exit code: 0 when the file ran without error, else the host's code for the error.
*/
#include <stdio.h>
#include <string.h>
#include <lauxlib.h>
#include "host.h"

static const char BOOT[] =
  "local dir = ...\n"
  "package.path = dir .. '/?.lua;' .. dir .. '/../lua/?.lua'\n"
  "table.insert(package.searchers, function(name)\n"
  "  local path, err = package.searchpath(name, package.path)\n"
  "  if not path then return err end\n"
  "  return assert(loadfile(path)), path\n"
  "end)\n";

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: qm_engine_test FILE [ARGS...]\n");
    return 2;
  }
  QmHost *h = qmH_new((size_t)512 << 20, 120);
  if (h == NULL) return 4;
  lua_State *L = h->L;
  const char *file = argv[1];
  const char *slash = strrchr(file, '/');
  if (luaL_loadbufferx(L, BOOT, sizeof BOOT - 1, "=boot", "t") != LUA_OK) return qmH_report(h, 1);
  if (slash) lua_pushlstring(L, file, (size_t)(slash - file));
  else lua_pushliteral(L, ".");
  int st = qmH_pcall(h, 1, 0);
  if (st != LUA_OK) { int code = qmH_report(h, st); qmH_free(h); return code; }
  if (luaL_loadfilex(L, file, "t") != LUA_OK) { int code = qmH_report(h, LUA_ERRSYNTAX); qmH_free(h); return code; }
  for (int i = 2; i < argc; i++) lua_pushstring(L, argv[i]);
  st = qmH_pcall(h, argc - 2, 0);
  int code = st == LUA_OK ? 0 : qmH_report(h, st);
  fflush(stdout);
  qmH_free(h);
  return code;
}
