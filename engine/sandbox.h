/*
** sandbox.h — the environment model code runs in (see sandbox.c).
*/
#ifndef QM_SANDBOX_H
#define QM_SANDBOX_H

#include <lua.h>

/* Prepare a fresh state: protect the string metatable, register the private "qm.sandbox"
** module (stdlib only). Called once by qmH_new. */
void qmS_init(lua_State *L);
/* Push a read-only proxy of the table at idx (nested tables are frozen too, memoised). */
void qmS_freeze(lua_State *L, int idx);
/* Allow the run to read `path` (a file or a folder and everything below it). */
void qmS_allowpath(lua_State *L, const char *path);
/* Resolve `path` (a relative one against the folder of the model file that names it) and
** push it if the run may read it; otherwise raise an error naming it at
** the caller's line. */
void qmS_checkpath(lua_State *L, const char *path);
/* Load a Lua source file in text mode only; pushes the function or raises. */
void qmS_loadfile(lua_State *L, const char *path, const char *chunkname);

#endif
