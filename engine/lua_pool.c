/*
** lua_pool.c — the Lua heap's small blocks: a free list per 16-byte size class, carved from
** 64 KiB chunks. Most of what a Lua state allocates is small (a table header, a short string,
** a closure, a two-slot hash part) and freed with its exact size, so a class's free list is a
** pop and a push; glibc's malloc/realloc took about 15 % of `qm check`'s instructions. Chunks
** are given back only when the state closes (qmP_release): a class keeps its peak. Under
** AddressSanitizer a free block is poisoned, so a use after free in the Lua heap is still
** caught, as with malloc.
** Chunks are mapped with MAP_POPULATE: the kernel fills a chunk's 16 pages in one call
** instead of one page fault each (a fault costs about 1.4 µs here; `qm check` took 355 of
** them, 214 with this). Under ASan they come from malloc, whose blocks LeakSanitizer scans
** for pointers (it does not scan mappings of our own), since the state is not closed at exit.
*/
#include "lua_pool.h"

#include <stdlib.h>
#include <sys/mman.h>

#if defined(__SANITIZE_ADDRESS__)
#define QM_POOL_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define QM_POOL_ASAN 1
#endif
#endif
#ifdef QM_POOL_ASAN
#include <sanitizer/asan_interface.h>
#define POISON(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define POISON(p, n) ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

#define CHUNK_BYTES ((size_t)64 * 1024)   /* a chunk with its header: whole pages */

#ifdef QM_POOL_ASAN
static void *chunk_new(size_t bytes) { return malloc(bytes); }
static void chunk_free(void *c, size_t bytes) { (void)bytes; free(c); }
#else
static void *chunk_new(size_t bytes) {
  void *c = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
  return c == MAP_FAILED ? NULL : c;
}
static void chunk_free(void *c, size_t bytes) { (void)munmap(c, bytes); }
#endif

struct QmPoolChunk {
  QmPoolChunk *prev;
  /* 16-byte aligned blocks follow (malloc's alignment; the header is padded to it) */
  union { max_align_t align; char bytes[1]; } data[];
};

static size_t class_of(size_t size) { return (size - 1) / QM_POOL_GRAIN; }

int qmP_same_class(size_t a, size_t b) {
  return a > 0 && b > 0 && a <= QM_POOL_MAX && b <= QM_POOL_MAX && class_of(a) == class_of(b);
}

/* a new chunk to carve from; what was left of the old one goes to the free lists */
static int grow(QmPool *pool) {
  while (pool->end - pool->next >= QM_POOL_GRAIN) {
    size_t left = (size_t)(pool->end - pool->next);
    size_t take = left > QM_POOL_MAX ? QM_POOL_MAX : left - left % QM_POOL_GRAIN;
    qmP_free(pool, pool->next, take);
    pool->next += take;
  }
  QmPoolChunk *c = chunk_new(CHUNK_BYTES);
  if (c == NULL) return 0;
  c->prev = pool->chunks;
  pool->chunks = c;
  pool->chunk_bytes += CHUNK_BYTES;
  pool->next = (char *)c->data;
  pool->end = (char *)c + CHUNK_BYTES;
  POISON(pool->next, (size_t)(pool->end - pool->next));
  return 1;
}

void *qmP_alloc(QmPool *pool, size_t size) {
  size_t k = class_of(size);
  size_t bytes = (k + 1) * QM_POOL_GRAIN;
  void *b = pool->free_list[k];
  if (b != NULL) {
    UNPOISON(b, bytes);
    pool->free_list[k] = *(void **)b;
    return b;
  }
  if ((size_t)(pool->end - pool->next) < bytes && !grow(pool)) return NULL;
  b = pool->next;
  pool->next += bytes;
  UNPOISON(b, bytes);
  return b;
}

void qmP_free(QmPool *pool, void *block, size_t size) {
  size_t k = class_of(size);
  UNPOISON(block, sizeof(void *));
  *(void **)block = pool->free_list[k];
  pool->free_list[k] = block;
  POISON(block, (k + 1) * QM_POOL_GRAIN);
}

void qmP_release(QmPool *pool) {
  QmPoolChunk *c = pool->chunks;
  while (c != NULL) {
    QmPoolChunk *prev = c->prev;
    UNPOISON(c, CHUNK_BYTES);
    chunk_free(c, CHUNK_BYTES);
    c = prev;
  }
  *pool = (QmPool){ 0 };
}
