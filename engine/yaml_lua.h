/*
** yaml_lua.h — YAML for Lua: the "qm.yaml" module (load, load_file), with mapping order,
** positions for error messages, and limits against crafted documents.
*/
#ifndef QM_YAML_LUA_H
#define QM_YAML_LUA_H

#include <lua.h>

int qmY_open_lib(lua_State *L);

#endif
