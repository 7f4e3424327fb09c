/*
** stats_lua.h — the formulas of stats.c for the stdlib's Lua statistics module (qm.stats), so
** a statistic computed in Lua is computed by the same code as in SQL.
*/
#ifndef QM_STATS_LUA_H
#define QM_STATS_LUA_H

#include <lua.h>

int qmStat_open_lib(lua_State *L);

#endif
