/*
** lua_pool.h — small blocks of the Lua heap (strings, tables, closures, hash parts up to
** QM_POOL_MAX bytes) from one free list per size class, carved out of 64 KiB chunks.
** The capped allocator (limits.c) sends small requests here and the rest to malloc.
*/
#ifndef QM_LUA_POOL_H
#define QM_LUA_POOL_H

#include <stddef.h>

#define QM_POOL_GRAIN 16                      /* block sizes are multiples of this */
#define QM_POOL_CLASSES 16                    /* so the largest pooled block is 256 bytes */
#define QM_POOL_MAX (QM_POOL_GRAIN * QM_POOL_CLASSES)

typedef struct QmPoolChunk QmPoolChunk;

typedef struct QmPool {
  void *free_list[QM_POOL_CLASSES];   /* freed blocks of each size, linked through their first word */
  char *next, *end;                   /* the unused rest of the newest chunk */
  QmPoolChunk *chunks;                /* every chunk, to give back at the end */
  size_t chunk_bytes;                 /* what the chunks hold in all (the pool's own memory) */
} QmPool;

/* a block of `size` bytes (1..QM_POOL_MAX) or NULL when malloc has no new chunk */
void *qmP_alloc(QmPool *pool, size_t size);
/* gives back a block qmP_alloc made for the same size class */
void qmP_free(QmPool *pool, void *block, size_t size);
/* whether blocks of these two sizes are of one class (a resize can stay in place) */
int qmP_same_class(size_t a, size_t b);
/* frees every chunk; the pool is empty and usable again */
void qmP_release(QmPool *pool);

#endif
