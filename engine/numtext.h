/*
** numtext.h — the "qm.numtext" module (engine only): numbers as the reports write them for
** people (a fixed number of decimals, trailing zeros dropped, the language's decimal mark and
** thousands separator), in C (numtext.c).
*/
#ifndef QM_NUMTEXT_H
#define QM_NUMTEXT_H

#include <lua.h>

int qmN_open_lib(lua_State *L);

#endif
