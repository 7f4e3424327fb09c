/*
** qm_limits.h — resource limits for one run: one memory budget (the Lua heap here; SQLite's
** memory and temporary files in sql_budget.c), a time limit kept by a timer that sets the
** Lua hook only when the deadline passes (and Ctrl-C the same way), a hook that re-arms
** itself so pcall cannot swallow a limit, and the watchdog for what no hook can stop.
*/
#ifndef QM_LIMITS_H
#define QM_LIMITS_H

#include <signal.h>
#include <stddef.h>
#include <lua.h>
#include "lua_pool.h"

typedef enum { QM_TRIP_NONE = 0, QM_TRIP_MEMORY, QM_TRIP_TIME, QM_TRIP_INTERRUPT } QmTrip;
/* which part of the memory budget ran out */
typedef enum { QM_MEM_LUA = 1, QM_MEM_SQLITE, QM_MEM_TEMP, QM_MEM_YAML } QmMemPart;

typedef struct QmLimits {
  size_t max_memory;      /* bytes for Lua and SQLite together; 0 = unlimited (temporary
                          ** files: QM_TEMP_FACTOR times it, sql_budget.c) */
  size_t used;            /* bytes currently allocated by the Lua state */
  size_t reserved;        /* bytes set aside for buffers outside both (the YAML parser's) */
  size_t peak;            /* the most the Lua state ever held */
  double timeout;         /* seconds per command; 0 = unlimited */
  double deadline;        /* monotonic time when the current command must stop */
  QmTrip tripped;         /* why the run is being stopped, once it is */
  QmMemPart part;         /* for a memory trip: the part that asked for more */
  size_t held_lua, held_sqlite, held_temp;  /* what each part held at the memory trip */
  /* a growth the allocator refused; Lua answers with an emergency collection and asks again,
  ** and only a second refusal of the same request means the memory is not there */
  const void *refused_ptr;
  size_t refused_size;
  int refused;
  lua_State *main;                /* the state's main thread (qmL_arm) */
  lua_State *volatile running;    /* the thread running Lua code now (coroutines tracked) */
  volatile sig_atomic_t expired;  /* the timer saw the deadline pass */
  QmPool pool;                    /* the Lua heap's small blocks (lua_pool.c) */
} QmLimits;

#define QM_DEFAULT_MAX_MEMORY ((size_t)512 * 1024 * 1024)
#define QM_DEFAULT_TIMEOUT 300.0
/* temporary files of a run without --write may take this many times --max-memory on disk */
#define QM_TEMP_FACTOR 2
/* the range --max-memory and --timeout accept (main.c says it in its usage error) */
#define QM_MIN_MAX_MEMORY ((size_t)1024 * 1024)
#define QM_MAX_MAX_MEMORY ((size_t)1024 * 1024 * 1024 * 1024)   /* 1 TB */
#define QM_MAX_TIMEOUT 1000000.0                                /* seconds, about 11.5 days */

void qmL_init(QmLimits *lim, size_t max_memory, double timeout);
/* gives back the small-block pool's memory: after lua_close of the state using lim */
void qmL_free_pool(QmLimits *lim);
/* lua_Alloc that refuses to grow the Lua heap past what --max-memory leaves after SQLite's
** share; ud is the QmLimits. */
void *qmL_alloc(void *ud, void *ptr, size_t osize, size_t nsize);
/* Make L (a state made with qmL_alloc) the main thread of the limits and clear its hook;
** qmH_pcall calls it per command. */
void qmL_arm(lua_State *L, QmLimits *lim);
/* Replace coroutine.resume and coroutine.wrap with versions that tell the limits which thread
** runs, so a limit reached inside a coroutine stops it (hooks are per thread). */
void qmL_open_coroutines(lua_State *L);
/* Start a new command: a fresh deadline, trip cleared (the REPL calls it per line). */
void qmL_restart(QmLimits *lim);
/* Non-zero when the current command must stop (checks deadline and Ctrl-C); for callbacks
** that run outside Lua, such as SQLite's progress handler. Sets lim->tripped. */
int qmL_poll(QmLimits *lim);
/* The memory budget ran out in `part`: stop the command (the hook raises from the running
** thread's next instruction on). */
void qmL_trip_memory(QmLimits *lim, QmMemPart part);
/* Set aside n bytes of the budget for memory neither Lua nor SQLite allocates (libyaml's
** buffers); 0, or -1 after tripping the memory limit (part QM_MEM_YAML) when they do not fit.
** qmL_release gives them back. */
int qmL_reserve(QmLimits *lim, size_t n);
void qmL_release(QmLimits *lim, size_t n);
/* Make thread L raise the limit's error at its next instruction, and at every one after. */
void qmL_stop(lua_State *L);
/* The QmLimits of a state made by qmH_new (NULL for a plain state). */
QmLimits *qmL_of(lua_State *L);
/* A human sentence for why the run stopped, e.g. "memory limit of 512 MB reached ...". */
const char *qmL_describe(const QmLimits *lim, char *buf, size_t len);

/* Ctrl-C: while installed, SIGINT sets a flag and the hook on the running thread, which
** stops the command. Calls nest: qmL_catch_sigint(1) ... qmL_catch_sigint(0) pairs, the
** outermost restores. The flags here and the timer's are the only process-wide mutable state
** in qm besides SQLite's budget (signal handlers and SQLite's allocator need them). */
void qmL_catch_sigint(int on);
int qmL_interrupted(void);
/* SIGTERM or SIGHUP when one of them stopped the command (qm is to end: exit 128 + it), else 0.
** qmL_catch_sigint catches them too, the same way as SIGINT. */
int qmL_terminating(void);
/* The timer for the running command: at the deadline it sets the hook on the running thread;
** if the command is still running WATCHDOG_GRACE seconds later (stuck inside one C call, or in
** a finalizer, where hooks do not run), qm prints the time limit's message and exits with
** QM_EXIT_LIMIT; a second Ctrl-C a second after an unanswered first exits with
** QM_EXIT_INTERRUPT. qmL_unwatch stops it (a REPL waiting for input). */
void qmL_watch(QmLimits *lim);
void qmL_unwatch(void);
/* The same timer while the state closes and its finalizers run: what is left of the last
** command's time, then the grace; the message says finalizers did not end. */
void qmL_watch_close(QmLimits *lim);
void qmL_clear_interrupt(void);
double qmL_now(void);

#endif
