/*
** sandbox.h — the environment model code runs in (see sandbox.c).
*/
#ifndef QM_SANDBOX_H
#define QM_SANDBOX_H

#include <lua.h>

/* registry key: true once a model gave an object a metatable with __gc (see qmH_exit) */
#define QM_MODEL_FINALIZERS "qm.sandbox.model_finalizers"

/* Prepare a fresh state: protect the string metatable, register the private "qm.sandbox"
** module (stdlib only). Called once by qmH_new. */
void qmS_init(lua_State *L);
/* Push a read-only proxy of the table at idx (nested tables are frozen too, memoised). */
void qmS_freeze(lua_State *L, int idx);
/* For a C function that reads a file a model names: push the resolved path when the running
** function may read it, else raise an error at the caller's line. A function bound to a
** model's scope (upvalue 1, made by sandbox.scope) may read inside that scope only (a
** relative path is relative to the scope's folder); the engine's own may read anything. */
void qmS_checkpath(lua_State *L, const char *path);
/* Load a Lua source file in text mode only; pushes the function or raises. */
void qmS_loadfile(lua_State *L, const char *path, const char *chunkname);

#endif
