/*
** csv_lua.h — the "qm.csv" module: the streaming CSV reader (csv.h) for Lua.
*/
#ifndef QM_CSV_LUA_H
#define QM_CSV_LUA_H

#include <lua.h>

int qmCsv_open_lib(lua_State *L);

#endif
