/*
** xlsx_lua.h — spreadsheets for the report renderer: the engine-only "qm.xlsx" module
** (libxlsxwriter; without it at build time the module says available = false).
*/
#ifndef QM_XLSX_LUA_H
#define QM_XLSX_LUA_H

#include <lua.h>

int qmX_open_lib(lua_State *L);

#endif
