/* yaml_lua.c — placeholder until the YAML binding lands (see yaml_lua.h). */
#include <lauxlib.h>
#include "yaml_lua.h"
int qmY_open_lib(lua_State *L) { lua_newtable(L); return 1; }
