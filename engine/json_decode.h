/*
** json_decode.h — the "qm.json_decode" module (engine only): json.decode's fast path in C
** (json_decode.c); qm.reports.json falls back to its Lua decoder for what C declines.
*/
#ifndef QM_JSON_DECODE_H
#define QM_JSON_DECODE_H

#include <lua.h>

int qmJ_open_lib(lua_State *L);

#endif
