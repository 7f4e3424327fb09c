/* test_limits.c — the capped allocator, the instruction hook and the host's error reporting. */
#include <stdlib.h>
#include <lauxlib.h>
#include "check.h"
#include "host.h"
#include "qm.h"

static int run(QmHost *h, const char *code) {
  if (luaL_loadstring(h->L, code) != LUA_OK) return -1;
  int st = qmH_pcall(h, 0, 0);
  if (st != LUA_OK) lua_pop(h->L, 1);
  return st;
}

TEST(allocator_refuses_to_grow_past_the_cap) {
  QmLimits lim;
  qmL_init(&lim, 1024 * 1024, 0);
  void *a = qmL_alloc(&lim, NULL, 0, 512 * 1024);
  CHECK(a != NULL);
  CHECK(lim.used == 512 * 1024);
  void *b = qmL_alloc(&lim, NULL, 0, 600 * 1024);
  CHECK(b == NULL);
  CHECK(lim.tripped == QM_TRIP_MEMORY);
  CHECK(lim.used == 512 * 1024);
  qmL_alloc(&lim, a, 512 * 1024, 0);
  CHECK(lim.used == 0);
  CHECK(lim.peak == 512 * 1024);
}

TEST(allocator_allows_shrinking_at_the_cap) {
  QmLimits lim;
  qmL_init(&lim, 1024 * 1024, 0);
  void *a = qmL_alloc(&lim, NULL, 0, 1000 * 1024);
  CHECK(a != NULL);
  void *b = qmL_alloc(&lim, a, 1000 * 1024, 10);
  CHECK(b != NULL);
  CHECK(lim.used == 10);
  qmL_alloc(&lim, b, 10, 0);
}

TEST(memory_bomb_ends_with_limit_exit_code) {
  QmHost *h = qmH_new(32u * 1024 * 1024, 0);
  CHECK(h != NULL);
  int st = run(h, "local t = {} for i = 1, 1e9 do t[i] = tostring(i) end");
  CHECK(st == LUA_ERRMEM || st == LUA_ERRRUN);
  CHECK(h->limits.tripped == QM_TRIP_MEMORY);
  CHECK(h->limits.peak <= 32u * 1024 * 1024);
  qmH_free(h);
}

TEST(hook_stops_infinite_loop_even_inside_pcall) {
  QmHost *h = qmH_new(0, 0.2);
  int st = run(h, "while true do pcall(function() while true do end end) end");
  CHECK(st == LUA_ERRRUN);
  CHECK(h->limits.tripped == QM_TRIP_TIME);
  qmH_free(h);
}

TEST(state_is_usable_after_a_limit_in_the_next_command) {
  QmHost *h = qmH_new(0, 0.1);
  CHECK(run(h, "while true do end") == LUA_ERRRUN);
  CHECK(run(h, "x = 0 for i = 1, 1000 do x = x + i end") == LUA_OK);
  lua_getglobal(h->L, "x");
  CHECK(lua_tointeger(h->L, -1) == 500500);
  lua_pop(h->L, 1);
  qmH_free(h);
}

TEST(report_maps_errors_to_exit_codes) {
  QmHost *h = qmH_new(0, 0);
  luaL_loadstring(h->L, "error('plain')");
  int st = qmH_pcall(h, 0, 0);
  CHECK(qmH_report(h, st) == QM_EXIT_MODEL);
  luaL_loadstring(h->L, "require('qm.host').raise(3, 'disk on fire', 0)");
  st = qmH_pcall(h, 0, 0);
  CHECK(qmH_report(h, st) == QM_EXIT_IO);
  CHECK(lua_gettop(h->L) == 0);
  qmH_free(h);
}

TEST(null_sentinel_is_one_value) {
  QmHost *h = qmH_new(0, 0);
  qm_pushnull(h->L);
  qm_pushnull(h->L);
  CHECK(lua_rawequal(h->L, -1, -2));
  CHECK(qm_isnull(h->L, -1));
  lua_pushnil(h->L);
  CHECK(!qm_isnull(h->L, -1));
  lua_settop(h->L, 0);
  qmH_free(h);
}

int main(void) {
  RUN(allocator_refuses_to_grow_past_the_cap);
  RUN(allocator_allows_shrinking_at_the_cap);
  RUN(memory_bomb_ends_with_limit_exit_code);
  RUN(hook_stops_infinite_loop_even_inside_pcall);
  RUN(state_is_usable_after_a_limit_in_the_next_command);
  RUN(report_maps_errors_to_exit_codes);
  RUN(null_sentinel_is_one_value);
  return DONE();
}
