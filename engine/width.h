/*
** width.h — the "qm.width" module (engine only): the display width of text in C, over the
** code point ranges that qm.reports.width (stdlib/qm/reports/width.lua) defines (width.c).
*/
#ifndef QM_WIDTH_H
#define QM_WIDTH_H

#include <lua.h>

int qmW_open_lib(lua_State *L);

#endif
