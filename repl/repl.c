/* repl.c — placeholder until the REPL lands (see repl.h). */
#include <stdio.h>
#include "repl.h"
int qmR_run(lua_State *L, int opts_idx) { (void)L; (void)opts_idx; fprintf(stderr, "qm: the REPL is not built yet\n"); return 2; }
