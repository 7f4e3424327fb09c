/* test_limits.c — the capped allocator, the time limit's timer and hook, finalizers, and the
** host's error reporting. */
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
  CHECK(lim.used == 512 * 1024);
  /* Lua asks again after its emergency collection: the second refusal is final */
  b = qmL_alloc(&lim, NULL, 0, 600 * 1024);
  CHECK(b == NULL);
  CHECK(lim.tripped == QM_TRIP_MEMORY);
  CHECK(lim.part == QM_MEM_LUA);
  qmL_alloc(&lim, a, 512 * 1024, 0);
  CHECK(lim.used == 0);
  CHECK(lim.peak == 512 * 1024);
  qmL_free_pool(&lim);   /* the small blocks' chunks */
}

TEST(allocator_does_not_trip_when_the_retry_after_collection_succeeds) {
  QmLimits lim;
  qmL_init(&lim, 1024 * 1024, 0);
  void *a = qmL_alloc(&lim, NULL, 0, 700 * 1024);
  CHECK(qmL_alloc(&lim, NULL, 5, 600 * 1024) == NULL);  /* refused once ... */
  qmL_alloc(&lim, a, 700 * 1024, 0);                     /* ... the collection frees ... */
  void *b = qmL_alloc(&lim, NULL, 5, 600 * 1024);        /* ... and the same request fits */
  CHECK(b != NULL);
  CHECK(lim.tripped == QM_TRIP_NONE);
  CHECK(!qmL_poll(&lim));
  qmL_alloc(&lim, b, 600 * 1024, 0);
  qmL_free_pool(&lim);   /* the small blocks' chunks */
}

TEST(allocator_refusal_nobody_retries_trips_at_the_next_poll) {
  QmLimits lim;
  qmL_init(&lim, 1024 * 1024, 0);
  CHECK(qmL_alloc(&lim, NULL, 0, 2 * 1024 * 1024) == NULL);  /* lauxlib's buffers do not retry */
  void *small = qmL_alloc(&lim, NULL, 0, 100);               /* another request succeeds */
  CHECK(small != NULL);
  CHECK(qmL_poll(&lim));
  CHECK(lim.tripped == QM_TRIP_MEMORY);
  qmL_alloc(&lim, small, 100, 0);
  qmL_free_pool(&lim);   /* the small blocks' chunks */
}

TEST(garbage_heavy_script_passes_under_a_cap_its_live_data_fits) {
  /* 17 MB live and much garbage under 32 MB: Lua's emergency collection makes room */
  QmHost *h = qmH_new(32u * 1024 * 1024, 0);
  int st = run(h, "local live = {} for i = 1, 17 * 1024 do live[i] = ('x'):rep(1000) .. i end "
                  "for r = 1, 40 do local g = {} for i = 1, 4000 do g[i] = ('y'):rep(1000) .. i end end "
                  "ok = #live");
  CHECK(st == LUA_OK);
  CHECK(h->limits.tripped == QM_TRIP_NONE);
  lua_getglobal(h->L, "ok");
  CHECK(lua_tointeger(h->L, -1) == 17 * 1024);
  lua_pop(h->L, 1);
  qmH_free(h);
}

TEST(big_string_past_the_cap_is_the_memory_limit_even_when_caught) {
  QmHost *h = qmH_new(16u * 1024 * 1024, 0);
  int st = run(h, "local ok = pcall(string.rep, 'x', 64 * 1024 * 1024) x = 1");
  CHECK(st != LUA_OK);
  CHECK(h->limits.tripped == QM_TRIP_MEMORY);
  qmH_free(h);
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
  qmL_free_pool(&lim);   /* the small blocks' chunks */
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

/* the running thread's hook, seen from Lua: nil while nothing is wrong */
static int l_hooked(lua_State *L) {
  lua_pushboolean(L, lua_gethook(L) != NULL);
  return 1;
}

TEST(no_hook_runs_while_nothing_is_wrong) {
  QmHost *h = qmH_new(0, 5);
  lua_register(h->L, "hooked", l_hooked);
  CHECK(run(h, "assert(not hooked()) "
               "local co = coroutine.wrap(function() assert(not hooked()) coroutine.yield(1) end) co() "
               "local x = 0 for i = 1, 1e5 do x = x + i end assert(not hooked())") == LUA_OK);
  qmH_free(h);
}

TEST(coroutine_made_before_the_deadline_stops_at_it) {
  QmHost *h = qmH_new(0, 0.2);
  /* made at once, resumed later: it runs when the timer fires */
  int st = run(h, "local co = coroutine.create(function() while true do end end) "
                  "local ok, err = coroutine.resume(co) "
                  "while true do end");
  CHECK(st == LUA_ERRRUN);
  CHECK(h->limits.tripped == QM_TRIP_TIME);
  CHECK(strstr(lua_tostring(h->L, -1) ? lua_tostring(h->L, -1) : "time limit", "time limit") != NULL);
  qmH_free(h);
  h = qmH_new(0, 0.2);
  st = run(h, "local f = coroutine.wrap(function() while true do pcall(function() while true do end end) end end) "
              "while true do pcall(f) end");
  CHECK(st == LUA_ERRRUN);
  CHECK(h->limits.tripped == QM_TRIP_TIME);
  qmH_free(h);
}

TEST(finalizer_error_is_counted_and_makes_close_fail) {
  QmHost *h = qmH_new(0, 0);
  CHECK(run(h, "setmetatable({}, {__gc = function() error('boom in gc') end}) collectgarbage()") == LUA_OK);
  CHECK(h->finalizer_errors == 1);
  CHECK(qmH_close(h) != 0);
  h = qmH_new(0, 0);
  CHECK(run(h, "keep = setmetatable({}, {__gc = function() error('at close') end})") == LUA_OK);
  CHECK(h->finalizer_errors == 0);
  CHECK(qmH_close(h) != 0);  /* raised while the state closed */
  h = qmH_new(0, 0);
  CHECK(run(h, "keep = setmetatable({}, {__gc = function() end})") == LUA_OK);
  CHECK(qmH_close(h) == 0);
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
  RUN(allocator_does_not_trip_when_the_retry_after_collection_succeeds);
  RUN(allocator_refusal_nobody_retries_trips_at_the_next_poll);
  RUN(allocator_allows_shrinking_at_the_cap);
  RUN(memory_bomb_ends_with_limit_exit_code);
  RUN(garbage_heavy_script_passes_under_a_cap_its_live_data_fits);
  RUN(big_string_past_the_cap_is_the_memory_limit_even_when_caught);
  RUN(hook_stops_infinite_loop_even_inside_pcall);
  RUN(no_hook_runs_while_nothing_is_wrong);
  RUN(coroutine_made_before_the_deadline_stops_at_it);
  RUN(state_is_usable_after_a_limit_in_the_next_command);
  RUN(finalizer_error_is_counted_and_makes_close_fail);
  RUN(report_maps_errors_to_exit_codes);
  RUN(null_sentinel_is_one_value);
  return DONE();
}
