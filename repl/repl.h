/*
** repl.h — the analyst's interactive shell (readline or libedit).
*/
#ifndef QM_REPL_H
#define QM_REPL_H

#include <lua.h>

/* Run the REPL on the state of a qm host; opts (a table at index opts_idx) carries the parsed
** command line: db, models, ... Returns the exit code. */
int qmR_run(lua_State *L, int opts_idx);
/* luaopen-style: the engine-internal "qm.terminal" module, { repl = function(opts) -> exit
** code }, registered by main.c with qmH_preload. */
int qmR_open_lib(lua_State *L);

#endif
