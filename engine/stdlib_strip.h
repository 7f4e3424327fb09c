/*
** stdlib_strip.h — removes local variable names from a Lua 5.4 binary chunk (stdlib_strip.c).
*/
#ifndef QM_STDLIB_STRIP_H
#define QM_STDLIB_STRIP_H

#include <stddef.h>

/* Writes `chunk` (len bytes, as lua_dump wrote it with debug info) to `out` (at least len
** bytes) without its local variable names; returns the new length, or 0 when the chunk is not
** a Lua 5.4 chunk this code can read. */
size_t qmE_strip_locals(const unsigned char *chunk, size_t len, unsigned char *out);

#endif
