/*
** test_yaml.c — the "qm.yaml" module called from C on a plain Lua state: values, an alias bomb
** and depth bombs that fail within the limits, and errors (including the memory cap) unwinding
** through the loader without leaking the parser (run under ASan/LeakSanitizer).
*/
#include <time.h>
#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>
#include "check.h"
#include "qm.h"
#include "qm_limits.h"
#include "yaml_lua.h"

static lua_State *new_state(void) {
  lua_State *L = luaL_newstate();
  luaL_openlibs(L);
  lua_pushcfunction(L, qmY_open_lib);
  lua_call(L, 0, 1);
  lua_setglobal(L, "yaml");
  return L;
}

/* yaml.<fn>(text): status of the protected call; the result or message is left on the stack */
static int call_load(lua_State *L, const char *fn, const char *text, size_t len) {
  lua_getglobal(L, "yaml");
  lua_getfield(L, -1, fn);
  lua_remove(L, -2);
  lua_pushlstring(L, text, len);
  return lua_pcall(L, 1, 1, 0);
}

static double seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* "l0: &l0 [lol x9]" then nine levels of nine aliases each: 9^10 nodes if expanded */
static void build_bomb(luaL_Buffer *b) {
  luaL_addstring(b, "l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
  for (int i = 1; i <= 9; i++) {
    char line[256];
    int n = snprintf(line, sizeof line, "l%d: &l%d [*l%d, *l%d, *l%d, *l%d, *l%d, *l%d, *l%d, *l%d, *l%d]\n",
                     i, i, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1);
    luaL_addlstring(b, line, (size_t)n);
  }
}

TEST(test_load_mapping_values_from_c) {
  lua_State *L = new_state();
  static const char doc[] = "name: kik\nscale: [1, 5]\ncode: 0800\nok: true\nnone: ~\n";
  CHECK(call_load(L, "load", doc, sizeof doc - 1) == LUA_OK);
  CHECK(lua_getfield(L, -1, "name") == LUA_TSTRING);
  CHECK_STR(lua_tostring(L, -1), "kik");
  lua_pop(L, 1);
  CHECK(lua_getfield(L, -1, "code") == LUA_TSTRING);
  CHECK_STR(lua_tostring(L, -1), "0800");
  lua_pop(L, 1);
  CHECK(lua_getfield(L, -1, "ok") == LUA_TBOOLEAN);
  lua_pop(L, 1);
  lua_getfield(L, -1, "none");
  CHECK(qm_isnull(L, -1));
  lua_pop(L, 1);
  CHECK(lua_getfield(L, -1, "scale") == LUA_TTABLE);
  CHECK(lua_rawgeti(L, -1, 2) == LUA_TNUMBER);
  CHECK(lua_isinteger(L, -1) && lua_tointeger(L, -1) == 5);
  lua_close(L);
}

TEST(test_alias_bomb_fails_fast_within_the_limits) {
  lua_State *L = new_state();
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  build_bomb(&b);
  luaL_pushresult(&b);
  size_t len;
  const char *text = lua_tolstring(L, -1, &len);
  double t0 = seconds();
  CHECK(call_load(L, "load", text, len) == LUA_ERRRUN);
  double took = seconds() - t0;
  const char *msg = qm_errmsg(L, -1);
  CHECK(msg != NULL && strstr(msg, "yaml:") == msg);
  CHECK(msg != NULL && strstr(msg, "document too large after alias expansion (limit 10000 nodes)") != NULL);
  CHECK(took < 0.5);
  lua_close(L);
}

TEST(test_flow_depth_bomb_fails_at_the_depth_limit) {
  lua_State *L = new_state();
  static char text[200001];
  memset(text, '[', 100000);
  memset(text + 100000, ']', 100000);
  CHECK(call_load(L, "load", text, 200000) == LUA_ERRRUN);
  CHECK(strstr(qm_errmsg(L, -1), "yaml:1:65: nesting too deep (limit 64 levels)") != NULL);
  lua_close(L);
}

TEST(test_block_depth_bomb_fails_at_the_depth_limit) {
  lua_State *L = new_state();
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  for (int i = 0; i < 200; i++) {
    for (int j = 0; j < i; j++) luaL_addchar(&b, ' ');
    luaL_addstring(&b, "k:\n");
  }
  luaL_pushresult(&b);
  size_t len;
  const char *text = lua_tolstring(L, -1, &len);
  CHECK(call_load(L, "load", text, len) == LUA_ERRRUN);
  CHECK(strstr(qm_errmsg(L, -1), "yaml:65:65: nesting too deep (limit 64 levels)") != NULL);
  lua_close(L);
}

TEST(test_alias_cannot_exceed_depth) {
  lua_State *L = new_state();
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  luaL_addstring(&b, "a: &deep ");
  for (int i = 0; i < 40; i++) luaL_addchar(&b, '[');
  for (int i = 0; i < 40; i++) luaL_addchar(&b, ']');
  luaL_addstring(&b, "\nb: ");
  for (int i = 0; i < 30; i++) luaL_addchar(&b, '[');
  luaL_addstring(&b, "*deep");
  for (int i = 0; i < 30; i++) luaL_addchar(&b, ']');
  luaL_addchar(&b, '\n');
  luaL_pushresult(&b);
  size_t len;
  const char *text = lua_tolstring(L, -1, &len);
  CHECK(call_load(L, "load", text, len) == LUA_ERRRUN);
  CHECK(strstr(qm_errmsg(L, -1), "nesting too deep after alias expansion (limit 64 levels)") != NULL);
  lua_close(L);
}

TEST(test_syntax_error_in_load_all_unwinds) {
  lua_State *L = new_state();
  static const char doc[] = "a: 1\n---\nb: [1,\n";
  CHECK(call_load(L, "load_all", doc, sizeof doc - 1) == LUA_ERRRUN);
  CHECK(strstr(qm_errmsg(L, -1), "yaml:4:1: ") != NULL);
  lua_close(L);
}

TEST(test_memory_cap_during_load_unwinds_without_leak) {
  QmLimits lim;
  qmL_init(&lim, (size_t)3 * 1024 * 1024, 0);
  lua_State *L = lua_newstate(qmL_alloc, &lim);
  CHECK(L != NULL);
  if (L == NULL) return;
  luaL_openlibs(L);
  lua_pushcfunction(L, qmY_open_lib);
  CHECK(lua_pcall(L, 0, 1, 0) == LUA_OK);
  lua_setglobal(L, "yaml");
  /* about 100,000 small mappings: far more than 3 MB as Lua tables */
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  for (int i = 0; i < 100000; i++) luaL_addstring(&b, "- {a: 1}\n");
  luaL_pushresult(&b);
  size_t len;
  const char *text = lua_tolstring(L, -1, &len);
  int st = call_load(L, "load", text, len);
  CHECK(st == LUA_ERRMEM);
  lua_close(L);
  CHECK(lim.used == 0);   /* every block the load took was given back */
  qmL_free_pool(&lim);
}

TEST(test_parse_error_then_gc_leaves_state_usable) {
  lua_State *L = new_state();
  for (int i = 0; i < 50; i++) {
    static const char bad[] = "a: [1, 2\n";
    CHECK(call_load(L, "load", bad, sizeof bad - 1) == LUA_ERRRUN);
    lua_pop(L, 1);
  }
  lua_gc(L, LUA_GCCOLLECT);
  static const char good[] = "x: 1\n";
  CHECK(call_load(L, "load", good, sizeof good - 1) == LUA_OK);
  lua_close(L);
}

int main(void) {
  RUN(test_load_mapping_values_from_c);
  RUN(test_alias_bomb_fails_fast_within_the_limits);
  RUN(test_flow_depth_bomb_fails_at_the_depth_limit);
  RUN(test_block_depth_bomb_fails_at_the_depth_limit);
  RUN(test_alias_cannot_exceed_depth);
  RUN(test_syntax_error_in_load_all_unwinds);
  RUN(test_memory_cap_during_load_unwinds_without_leak);
  RUN(test_parse_error_then_gc_leaves_state_usable);
  return DONE();
}
