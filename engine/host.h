/*
** host.h — one run of qm: the Lua state with its limits, sandbox, stdlib and bindings.
*/
#ifndef QM_HOST_H
#define QM_HOST_H

#include <stddef.h>
#include <lua.h>
#include "qm_limits.h"

typedef struct QmHost {
  lua_State *L;
  QmLimits limits;
  int finalizer_errors;   /* errors raised in __gc (Lua reports them as warnings) */
  char warning[512];      /* the warning being assembled from its pieces */
  size_t warning_len;
} QmHost;

/* Create the state: capped allocator, hook, standard libraries for the engine's own Lua,
** the stdlib searcher, the sandbox and the C modules (qm.db, qm.yaml, qm.host). NULL when
** memory runs out. */
QmHost *qmH_new(size_t max_memory, double timeout);
void qmH_free(QmHost *h);
/* Close the state (its finalizers run under the time limit's watchdog) and free h; non-zero
** when a finalizer raised an error during the run or while closing (qm's exit is then not 0). */
int qmH_close(QmHost *h);
/* End the process's run and return its exit code (`code`, or 1 when a finalizer raised an
** error and code was 0). Normally without freeing the state: close its databases (as their
** __gc would: SQLite finishes its files as on any close) and flush stdout and stderr, then
** leave the memory to the operating system — freeing every Lua object one by one was 4-7 % of
** a short command (qm check, a report); the state stays reachable (a static), so leak checkers
** do not count it. When a model gave an object a finalizer (__gc), the state is closed
** instead (qmH_close), so the finalizer runs under the time limit and its error is reported.
** For main() only: anything else that makes hosts frees them with qmH_free. */
int qmH_exit(QmHost *h, int code);
/* The host that owns L (NULL for a state qmH_new did not make). */
QmHost *qmH_of(lua_State *L);

/* Make a C module requirable by the engine's Lua (never by a model: the sandbox's require
** serves only its public modules). main.c adds the terminal REPL ("qm.terminal") this way,
** so the host does not depend on the REPL. */
void qmH_preload(QmHost *h, const char *name, lua_CFunction open);
/* lua_pcall with the engine's message handler: the error gets a short traceback of the
** model's own frames (stdlib and C frames are left out). Restarts the command's limits. */
int qmH_pcall(QmHost *h, int nargs, int nresults);
/* Print the error on top of the stack to stderr ("qm: " only when it has no position) and
** return the exit code for it: the limit's code when one was hit, else its class. Pops it. */
int qmH_report(QmHost *h, int status);
/* After a command: flush stdout; when any write to it failed (a full disk, > /dev/full) say
** so and return QM_EXIT_IO instead of a success `code`. */
int qmH_check_stdout(int code);
/* Call require("qm.engine.runner").main(argv) for argv[0..argc-1]; return qm's exit code. */
int qmH_main(QmHost *h, int argc, char **argv);

#endif
