/*
** qm.h — what every engine module shares: exit codes, the null sentinel, classified errors.
** Exit codes are the contract automation relies on; docs/cli.md and `qm --help` list them.
*/
#ifndef QM_H
#define QM_H

#include <lua.h>
#include <lauxlib.h>

enum {
  QM_EXIT_OK = 0,        /* success */
  QM_EXIT_MODEL = 1,     /* model or data error (also: qm check found errors) */
  QM_EXIT_USAGE = 2,     /* bad command line */
  QM_EXIT_IO = 3,        /* database or file I/O error */
  QM_EXIT_LIMIT = 4,     /* memory or time limit hit */
  QM_EXIT_INTERRUPT = 130 /* stopped by Ctrl-C (SIGINT), as shells report it */
};

/* The one `null` value shared by the SQLite and YAML bindings: SQL NULL and YAML null are
** this sentinel, so a NULL column is distinguishable from a missing one (nil). */
void qm_pushnull(lua_State *L);
int qm_isnull(lua_State *L, int idx);

/* Typed errors. An error qm raises carries its class: "model", "data", "usage", "io" or
** "limit"; the exit code comes from the class (value.c's table, the one place), never from
** the message's text. It is a userdata that reads like its message (tostring, .., err:match).
** A plain Lua error (a string) is of class "model". */
/* Raise an error of the class of exit code `exit_class` (QM_EXIT_IO for database/file errors,
** QM_EXIT_MODEL for model errors, ...). The message gets the usual "file:line:" of the Lua code
** at `level` (1 = the function that called the C function; 0 = no position); when that code is
** the engine's own (a stdlib chunk), the innermost model line above it instead, or no
** position: a user never sees an engine file. Never returns. */
int qm_raise(lua_State *L, int exit_class, int level, const char *fmt, ...);
/* Push the position qm_raise gives an error at `level` ("model.lua:12: ", or ""). A frame of
** qm_guard_call is looked through: the position is its caller's. */
void qm_where(lua_State *L, int level);
/* The sandbox's guard around a stdlib function a model calls (sandbox.c): it passes the call on
** and gives an error at an engine position the model's position instead. */
int qm_guard_call(lua_State *L);
/* Push a new error of class `cls` with message `msg`. */
void qm_pusherror(lua_State *L, const char *cls, const char *msg);
/* The class name for an exit code ("io" for QM_EXIT_IO, ...). */
const char *qm_classname(int exit_code);
/* The message of the error value at idx (a string, or a typed error's), or NULL. */
const char *qm_errmsg(lua_State *L, int idx);
/* The class of the error value at idx ("model" for anything but a typed error). */
const char *qm_errclassname(lua_State *L, int idx);
/* The exit code for the error value at idx, from its class. */
int qm_errexit(lua_State *L, int idx);
/* Replace the error at idx with one of the same class whose message is `msg`. */
void qm_errreplace(lua_State *L, int idx, const char *msg);

/* Push the registry table at `key`, created with weak keys when missing. */
void qm_weaktable(lua_State *L, const char *key);
/* Push the whole contents of the file at `path` as a string; on failure push nothing and
** return the errno (0 on success). */
int qm_pushfile(lua_State *L, const char *path);

#endif
