/*
** qm_limits.h — resource limits for one run: a capped allocator (memory), an instruction-count
** hook (time) that re-arms itself so pcall cannot swallow it, and Ctrl-C.
*/
#ifndef QM_LIMITS_H
#define QM_LIMITS_H

#include <stddef.h>
#include <lua.h>

typedef enum { QM_TRIP_NONE = 0, QM_TRIP_MEMORY, QM_TRIP_TIME, QM_TRIP_INTERRUPT } QmTrip;

typedef struct QmLimits {
  size_t max_memory;      /* bytes; 0 = unlimited */
  size_t used;            /* bytes currently allocated by the Lua state */
  size_t peak;            /* the most ever allocated */
  double timeout;         /* seconds per command; 0 = unlimited */
  double deadline;        /* monotonic time when the current command must stop */
  QmTrip tripped;         /* why the run is being stopped, once it is */
} QmLimits;

#define QM_DEFAULT_MAX_MEMORY ((size_t)512 * 1024 * 1024)
#define QM_DEFAULT_TIMEOUT 300.0

void qmL_init(QmLimits *lim, size_t max_memory, double timeout);
/* lua_Alloc that refuses to grow past max_memory; ud is the QmLimits. */
void *qmL_alloc(void *ud, void *ptr, size_t osize, size_t nsize);
/* Install the count hook on L (and so on every coroutine created from it). */
void qmL_arm(lua_State *L, QmLimits *lim);
/* Start a new command: a fresh deadline, trip cleared (the REPL calls it per line). */
void qmL_restart(QmLimits *lim);
/* Non-zero when the current command must stop (checks deadline and Ctrl-C); for callbacks
** that run outside Lua, such as SQLite's progress handler. Sets lim->tripped. */
int qmL_poll(QmLimits *lim);
/* The QmLimits of a state made by qmH_new (NULL for a plain state). */
QmLimits *qmL_of(lua_State *L);
/* A human sentence for why the run stopped, e.g. "memory limit of 512 MB reached". */
const char *qmL_describe(const QmLimits *lim, char *buf, size_t len);

/* Ctrl-C: while installed, SIGINT sets a flag that the hook and qmL_poll turn into a stop.
** Calls nest: qmL_catch_sigint(1) ... qmL_catch_sigint(0) pairs, the outermost restores.
** The flag and the watchdog's are the only process-wide mutable state in qm (signal handlers
** need them). */
void qmL_catch_sigint(int on);
int qmL_interrupted(void);
/* SIGTERM or SIGHUP when one of them stopped the command (qm is to end: exit 128 + it), else 0.
** qmL_catch_sigint catches them too, the same way as SIGINT. */
int qmL_terminating(void);
/* The watchdog for the running command: if it is still running WATCHDOG_GRACE seconds after
** its deadline (stuck inside one C call, where the hook cannot see it), qm prints the time
** limit's message and exits with QM_EXIT_LIMIT; a second Ctrl-C a second after an unanswered
** first exits with QM_EXIT_INTERRUPT. qmL_unwatch stops it (a REPL waiting for input). */
void qmL_watch(QmLimits *lim);
void qmL_unwatch(void);
void qmL_clear_interrupt(void);
double qmL_now(void);

#endif
