/*
** stdlib_embed.h — the Lua stdlib compiled into the binary (generated at build time by
** cmake/embed_stdlib.c) as bytecode and as source, and the searcher that finds its modules.
*/
#ifndef QM_STDLIB_EMBED_H
#define QM_STDLIB_EMBED_H

#include <stddef.h>
#include <lua.h>

typedef struct QmEmbeddedModule {
  const char *name;       /* "qm.time" */
  const char *path;       /* "stdlib/qm/time.lua", the chunk name (with "@") */
  const char *source;     /* the Lua source, loaded when the bytecode cannot be */
  size_t source_size;
  const char *bytecode;   /* lua_dump of the source by the build's liblua, debug info kept */
  size_t bytecode_size;
} QmEmbeddedModule;

extern const QmEmbeddedModule qmE_modules[];

/* The report index: for each `register("NAME"` the build found in a module's source, the
** pair (NAME, that module); ends with { NULL, NULL }. A hint for qm.engine.reports. */
typedef struct QmEmbeddedHint {
  const char *name;       /* "konsensusrapport" */
  const char *module;     /* "qm.reports.selfassess" */
} QmEmbeddedHint;
extern const QmEmbeddedHint qmE_report_index[];
/* the build's bytecode (stripped) of the probe chunk in stdlib_probe.h */
extern const char qmE_probe_dump[];
extern const size_t qmE_probe_dump_size;

/* Where the stdlib of this process comes from. */
typedef enum QmStdlibMode {
  QM_STDLIB_BYTECODE,   /* the embedded bytecode (the normal case) */
  QM_STDLIB_SOURCE,     /* the embedded source: the running liblua cannot read the bytecode */
  QM_STDLIB_FOLDER      /* the folder named by QM_STDLIB_PATH (development) */
} QmStdlibMode;

/* Install the stdlib searcher in package.searchers (after the preload searcher; Lua's file
** and C-library searchers are removed). With QM_STDLIB_PATH set, modules are read from that
** folder instead. With QM_STDLIB_TRACE set, each module load is reported on stderr. */
void qmE_install(lua_State *L);
/* Names of all stdlib modules (for REPL completion and docs), pushed as an array. */
void qmE_pushnames(lua_State *L);
/* The report index as a table NAME -> module name. */
void qmE_pushreportindex(lua_State *L);

/* Whether the running liblua reads bytecode the build wrote: it compiles the probe chunk and
** compares its stripped dump with `dump` (the build's). 1 when equal; otherwise 0 and `why`
** (of `whylen` bytes) says what differs (Lua version, bytecode format, sizes, code). */
int qmE_bytecode_matches(lua_State *L, const char *dump, size_t len, char *why, size_t whylen);

/* The mode of this process (bytecode or source is decided once, at the first embedded load
** or here), and in `why` (when not NULL) the reason when it is QM_STDLIB_SOURCE, else "". */
QmStdlibMode qmE_mode(lua_State *L, const char **why);
/* Tests only: check against `dump` instead of the build's probe (NULL: the build's again)
** and decide afresh at the next load, as a new process would. */
void qmE_reset(const char *dump, size_t len);

#endif
