/* sqlite_lua.c — placeholder until the SQLite binding lands (see sqlite_lua.h). */
#include <lauxlib.h>
#include "qm.h"
#include "sqlite_lua.h"
#include "sqlfuncs.h"

int qmDb_open_lib(lua_State *L) { lua_newtable(L); return 1; }
void qmDb_push_open(lua_State *L, const char *path, int flags) { (void)flags; qm_raise(L, QM_EXIT_IO, 1, "cannot open %s", path); }
sqlite3 *qmDb_check(lua_State *L, int idx) { luaL_argerror(L, idx, "db handle expected"); return NULL; }
