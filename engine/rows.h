/*
** rows.h — the "qm.rows" module (engine only): the rows of long report tables written from C
** (rows.c): a writer per table and format, and C-level sources stepping a statement.
*/
#ifndef QM_ROWS_H
#define QM_ROWS_H

#include <lua.h>

int qmRows_open_lib(lua_State *L);

#endif
