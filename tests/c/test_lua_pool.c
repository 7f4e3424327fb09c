/* test_lua_pool.c — the Lua heap's small-block pool (engine/lua_pool.c) and the capped
** allocator's use of it (engine/limits.c): reuse by size class, resizes across the pool's
** edge keep the contents, the budget counts pooled blocks, a whole Lua state runs on it, and
** under AddressSanitizer a freed block is poisoned. */
#include <stdint.h>
#include <stdlib.h>
#include <lauxlib.h>
#include <lualib.h>
#include "check.h"
#include "lua_pool.h"
#include "qm_limits.h"

#if defined(__SANITIZE_ADDRESS__)
#define POOL_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define POOL_TEST_ASAN 1
#endif
#endif
#ifdef POOL_TEST_ASAN
#include <sanitizer/asan_interface.h>
#endif

TEST(a_freed_block_is_reused_for_its_size_class) {
  QmPool pool = { 0 };
  void *a = qmP_alloc(&pool, 24);
  CHECK(a != NULL);
  CHECK((uintptr_t)a % QM_POOL_GRAIN == 0);
  qmP_free(&pool, a, 24);
  void *b = qmP_alloc(&pool, 32);   /* 17..32 bytes: one class */
  CHECK(b == a);
  void *c = qmP_alloc(&pool, 33);   /* the next class: another block */
  CHECK(c != a);
  CHECK(qmP_same_class(17, 32));
  CHECK(!qmP_same_class(32, 33));
  CHECK(!qmP_same_class(QM_POOL_MAX, QM_POOL_MAX + 1));
  CHECK(!qmP_same_class(0, 1));
  qmP_release(&pool);
  CHECK(pool.chunks == NULL && pool.chunk_bytes == 0);
}

TEST(blocks_do_not_overlap_across_chunks) {
  QmPool pool = { 0 };
  enum { N = 5000 };   /* 5000 x 256 bytes: about twenty 64 KiB chunks */
  unsigned char **p = malloc(N * sizeof *p);
  CHECK(p != NULL);
  for (int i = 0; i < N; i++) {
    size_t size = (size_t)1 + (size_t)(i * 37) % QM_POOL_MAX;
    p[i] = qmP_alloc(&pool, size);
    CHECK(p[i] != NULL);
    memset(p[i], i & 0xff, size);
  }
  int intact = 1;
  for (int i = 0; i < N; i++) {
    size_t size = (size_t)1 + (size_t)(i * 37) % QM_POOL_MAX;
    for (size_t k = 0; k < size; k++) if (p[i][k] != (i & 0xff)) intact = 0;
  }
  CHECK(intact);
  CHECK(pool.chunk_bytes >= (size_t)64 * 1024 * 2);
  qmP_release(&pool);
  free(p);
}

TEST(resizes_across_the_pools_edge_keep_the_contents_and_the_count) {
  QmLimits lim;
  qmL_init(&lim, 0, 0);
  unsigned char *a = qmL_alloc(&lim, NULL, 0, 100);        /* pooled */
  for (int i = 0; i < 100; i++) a[i] = (unsigned char)i;
  unsigned char *b = qmL_alloc(&lim, a, 100, 112);         /* same class: stays */
  CHECK(b == a);
  unsigned char *c = qmL_alloc(&lim, b, 112, 4000);        /* pool -> malloc */
  int same = 1;
  for (int i = 0; i < 100; i++) if (c[i] != i) same = 0;
  CHECK(same);
  CHECK(lim.used == 4000);
  unsigned char *d = qmL_alloc(&lim, c, 4000, 40);         /* malloc -> pool */
  for (int i = 0; i < 40; i++) if (d[i] != i) same = 0;
  CHECK(same);
  CHECK(lim.used == 40);
  CHECK(qmL_alloc(&lim, d, 40, 0) == NULL);
  CHECK(lim.used == 0);
  CHECK(lim.peak == 4000);
  qmL_free_pool(&lim);
}

TEST(the_budget_counts_small_blocks) {
  QmLimits lim;
  qmL_init(&lim, 1024 * 1024, 0);
  size_t n = 0;
  /* 64-byte blocks until the 1 MiB budget refuses (twice: the second refusal is final) */
  while (n < 100000 && qmL_alloc(&lim, NULL, 0, 64) != NULL) n++;
  CHECK(n == 1024 * 1024 / 64);
  CHECK(lim.used == 1024 * 1024);
  CHECK(qmL_alloc(&lim, NULL, 0, 64) == NULL);
  CHECK(lim.tripped == QM_TRIP_MEMORY);
  qmL_free_pool(&lim);
}

TEST(a_lua_state_runs_on_the_pool_and_gives_everything_back) {
  QmLimits lim;
  qmL_init(&lim, 0, 0);
  lua_State *L = lua_newstate(qmL_alloc, &lim);
  CHECK(L != NULL);
  luaL_openlibs(L);
  const char *code =
    "local t = {} for i = 1, 20000 do t[i] = { i, tostring(i), name = 'x' .. i } end\n"
    "local s = 0 for i, v in ipairs(t) do s = s + v[1] + #v[2] end\n"
    "t = nil collectgarbage()\n"
    "local parts = {} for i = 1, 3000 do parts[#parts + 1] = string.rep('å', i % 40) end\n"
    "return s, #table.concat(parts)";
  CHECK(luaL_dostring(L, code) == LUA_OK);
  CHECK(lua_tointeger(L, -2) == 20000 * 20001 / 2 + 9 + 90 * 2 + 900 * 3 + 9000 * 4 + 10001 * 5);
  CHECK(lua_tointeger(L, -1) > 0);
  lua_close(L);
  CHECK(lim.used == 0);
  CHECK(lim.pool.chunk_bytes > 0);
  qmL_free_pool(&lim);
  CHECK(lim.pool.chunk_bytes == 0);
}

#ifdef POOL_TEST_ASAN
TEST(a_freed_block_is_poisoned_under_address_sanitizer) {
  QmPool pool = { 0 };
  char *a = qmP_alloc(&pool, 48);
  CHECK(!__asan_address_is_poisoned(a + 47));
  CHECK(__asan_address_is_poisoned(a + 48));   /* the chunk's unused rest */
  qmP_free(&pool, a, 48);
  CHECK(__asan_address_is_poisoned(a));
  CHECK(__asan_address_is_poisoned(a + 47));
  char *b = qmP_alloc(&pool, 40);
  CHECK(b == a && !__asan_address_is_poisoned(b + 47));
  qmP_release(&pool);
}
#endif

int main(void) {
  RUN(a_freed_block_is_reused_for_its_size_class);
  RUN(blocks_do_not_overlap_across_chunks);
  RUN(resizes_across_the_pools_edge_keep_the_contents_and_the_count);
  RUN(the_budget_counts_small_blocks);
  RUN(a_lua_state_runs_on_the_pool_and_gives_everything_back);
#ifdef POOL_TEST_ASAN
  RUN(a_freed_block_is_poisoned_under_address_sanitizer);
#endif
  return DONE();
}
