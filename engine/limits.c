/*
** limits.c — the capped allocator, the time limit's timer and hook, and Ctrl-C handling.
** No hook runs while nothing is wrong: a timer (SIGALRM) sets the hook on the running thread
** when the deadline passes, Ctrl-C does the same, and so does the allocator when the memory
** budget runs out — as lua.c does for Ctrl-C (lua_sethook is safe in a signal handler).
** A limit, once hit, stays hit for the command: the hook then fires on every instruction and
** raises again, so a model's pcall can catch the error but cannot keep running. Hooks are per
** thread, so coroutine.resume/wrap keep track of the running thread for the handlers.
*/
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include <lauxlib.h>
#include "qm.h"
#include "qm_limits.h"
#include "sql_budget.h"

/* The process-wide state the signal handlers need. */
static volatile sig_atomic_t interrupted = 0;  /* set by the signal handler only */
static volatile sig_atomic_t terminating = 0;  /* SIGTERM or SIGHUP when one came, else 0 */
static volatile double interrupted_at = 0;     /* when that Ctrl-C came (handler only) */
static volatile sig_atomic_t watching = 0;     /* a command runs under the timer */
static volatile sig_atomic_t alarms = 0;       /* SIGALRMs since the timer was set */
static QmLimits *volatile active = NULL;       /* the limits of the running command */
static char watchdog_msg[240];                 /* prepared before arming: the handler only writes */
static size_t watchdog_len = 0;
static int sigint_depth = 0;  /* nested catchers (a REPL inside a run): the outermost restores */

#define WATCHDOG_GRACE 2.0   /* seconds past the deadline before the watchdog ends the process */
#define SIGINT_PATIENCE 1.0  /* a second Ctrl-C this long after an unanswered first one ends it */
#define MB(n) ((double)(n) / (1024.0 * 1024.0))

double qmL_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void qmL_init(QmLimits *lim, size_t max_memory, double timeout) {
  memset(lim, 0, sizeof *lim);
  lim->max_memory = max_memory;
  lim->timeout = timeout;
  qmL_restart(lim);
}

void qmL_restart(QmLimits *lim) {
  lim->deadline = lim->timeout > 0 ? qmL_now() + lim->timeout : 0;
  lim->tripped = QM_TRIP_NONE;
  lim->expired = 0;
  lim->refused = 0;
}

/* ---------------------------------------------------------------- the hook */

static void hook(lua_State *L, lua_Debug *ar);

static void set_hook(lua_State *L) {
  if (L != NULL) lua_sethook(L, hook, LUA_MASKCOUNT, 1);
}

/* a reason to stop is pending (the flags the handlers set; no clock read) */
static int pending(const QmLimits *lim) {
  return lim->tripped != QM_TRIP_NONE || lim->refused || lim->expired || interrupted;
}

void qmL_stop(lua_State *L) { set_hook(L); }

static void hook(lua_State *L, lua_Debug *ar) {
  (void)ar;
  QmLimits *lim = qmL_of(L);
  if (lim == NULL) { lua_sethook(L, NULL, 0, 0); return; }
  if (!qmL_poll(lim)) {
    /* left over from an earlier command: off again, then look once more, since a signal
    ** may have set it between the check and the removal */
    lua_sethook(L, NULL, 0, 0);
    if (!qmL_poll(lim)) return;
  }
  set_hook(L);  /* from now on at every instruction, so no Lua code runs between pcalls */
  char buf[320];
  luaL_error(L, "%s", qmL_describe(lim, buf, sizeof buf));
}

int qmL_poll(QmLimits *lim) {
  if (lim->tripped != QM_TRIP_NONE) return 1;
  if (lim->refused) {  /* a refusal nobody answered by collecting and asking again */
    lim->refused = 0;
    qmL_trip_memory(lim, QM_MEM_LUA);
    return 1;
  }
  if (interrupted) { lim->tripped = QM_TRIP_INTERRUPT; return 1; }
  if (lim->expired || (lim->deadline > 0 && qmL_now() > lim->deadline)) {
    lim->tripped = QM_TRIP_TIME;
    return 1;
  }
  return 0;
}

void qmL_arm(lua_State *L, QmLimits *lim) {
  lim->main = L;
  lim->running = L;
  lua_sethook(L, NULL, 0, 0);
}

/* ---------------------------------------------------------------- memory */

void qmL_trip_memory(QmLimits *lim, QmMemPart part) {
  if (lim->tripped != QM_TRIP_NONE) return;
  lim->tripped = QM_TRIP_MEMORY;
  lim->part = part;
  lim->held_lua = lim->used;
  lim->held_sqlite = qmB_sqlite_used();
  lim->held_temp = qmB_temp_used();
  set_hook(lim->running);
}

/* A refused growth trips the memory limit unless the very same request succeeds right after:
** Lua answers a refusal with an emergency collection and asks again, and only when that fails
** too is the memory really not there. A refusal Lua does not retry (lauxlib's buffers) is
** settled by the hook at the next instruction, or by qmL_poll. */
int qmL_reserve(QmLimits *lim, size_t n) {
  size_t total = lim->used + lim->reserved + qmB_held(lim) + n;
  if (lim->max_memory && (total > lim->max_memory || total < n)) {
    qmL_trip_memory(lim, QM_MEM_YAML);
    return -1;
  }
  lim->reserved += n;
  return 0;
}

void qmL_release(QmLimits *lim, size_t n) {
  lim->reserved -= n < lim->reserved ? n : lim->reserved;
}

void qmL_free_pool(QmLimits *lim) { qmP_release(&lim->pool); }

/* a block of the Lua heap given back: small ones to the pool (Lua always says a block's size) */
static void give_back(QmLimits *lim, void *ptr, size_t size) {
  if (ptr == NULL) return;
  if (size <= QM_POOL_MAX) qmP_free(&lim->pool, ptr, size);
  else free(ptr);
}

/* realloc for the Lua heap: small blocks from the pool, the rest from malloc */
static void *resize(QmLimits *lim, void *ptr, size_t old, size_t nsize) {
  if (ptr != NULL && qmP_same_class(old, nsize)) return ptr;
  if (nsize > QM_POOL_MAX && (ptr == NULL || old > QM_POOL_MAX)) return realloc(ptr, nsize);
  void *p = nsize <= QM_POOL_MAX ? qmP_alloc(&lim->pool, nsize) : malloc(nsize);
  if (p == NULL || ptr == NULL) return p;
  memcpy(p, ptr, old < nsize ? old : nsize);
  give_back(lim, ptr, old);
  return p;
}

void *qmL_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
  QmLimits *lim = ud;
  size_t old = ptr ? osize : 0;
  if (nsize == 0) {
    give_back(lim, ptr, old);
    lim->used -= old;
    return NULL;
  }
  int same = lim->refused && lim->refused_ptr == ptr && lim->refused_size == nsize;
  if (lim->max_memory && nsize > old) {
    size_t total = lim->used - old + nsize + lim->reserved + qmB_held(lim);
    if (total > lim->max_memory || total < nsize) {
      if (same) {
        lim->refused = 0;
        qmL_trip_memory(lim, QM_MEM_LUA);
      } else {
        lim->refused = 1;
        lim->refused_ptr = ptr;
        lim->refused_size = nsize;
        set_hook(lim->running);
      }
      return NULL;  /* Lua collects and asks again, or raises "not enough memory" */
    }
  }
  void *p = resize(lim, ptr, old, nsize);
  if (p == NULL) return NULL;
  if (same) lim->refused = 0;
  lim->used = lim->used - old + nsize;
  if (lim->used > lim->peak) lim->peak = lim->used;
  return p;
}

QmLimits *qmL_of(lua_State *L) {
  void *ud = NULL;
  lua_Alloc f = lua_getallocf(L, &ud);
  return f == qmL_alloc ? ud : NULL;
}

const char *qmL_describe(const QmLimits *lim, char *buf, size_t len) {
  static const char *const parts[] = {
    [QM_MEM_LUA] = "by the Lua heap",
    [QM_MEM_SQLITE] = "inside SQLite (a query needed more memory)",
    [QM_MEM_YAML] = "by the YAML loader (its buffers take up to the document's size)" };
  switch (lim->tripped) {
  case QM_TRIP_MEMORY:
    if (lim->part == QM_MEM_TEMP) {
      snprintf(buf, len, "temporary-file limit of %zu MB reached by SQLite's temporary files "
               "(TEMP tables and sorts of a run without --write may take %d times --max-memory "
               "on disk; raise it with --max-memory)",
               lim->max_memory / (1024 * 1024) * QM_TEMP_FACTOR, QM_TEMP_FACTOR);
      break;
    }
    snprintf(buf, len, "memory limit of %zu MB reached %s; held: Lua %.1f MB, SQLite %.1f MB "
             "(raise it with --max-memory)",
             lim->max_memory / (1024 * 1024),
             lim->part >= QM_MEM_LUA && lim->part <= QM_MEM_YAML && parts[lim->part] ? parts[lim->part] : "",
             MB(lim->held_lua), MB(lim->held_sqlite));
    break;
  case QM_TRIP_TIME:
    snprintf(buf, len, "time limit of %g s reached (raise it with --timeout)", lim->timeout);
    break;
  case QM_TRIP_INTERRUPT:
    if (terminating) snprintf(buf, len, "terminated (%s)", terminating == SIGHUP ? "SIGHUP" : "SIGTERM");
    else snprintf(buf, len, "interrupted");
    break;
  default: snprintf(buf, len, "no limit reached"); break;
  }
  return buf;
}

/* ---------------------------------------------------------------- coroutines */

/* lcorolib.c's auxresume, telling the limits which thread runs: a handler that fires while
** the coroutine runs hooks the coroutine, and a stop pending on either side carries over. */
static int auxresume(lua_State *L, lua_State *co, int narg) {
  int status, nres;
  if (!lua_checkstack(co, narg)) {
    lua_pushliteral(L, "too many arguments to resume");
    return -1;
  }
  QmLimits *lim = qmL_of(L);
  lua_xmove(L, co, narg);
  if (lim) {
    lim->running = co;
    if (pending(lim)) set_hook(co);  /* after the switch: a handler sees co from here on */
  }
  status = lua_resume(co, L, narg, &nres);
  if (lim) {
    lim->running = L;
    if (pending(lim)) set_hook(L);
  }
  if (status == LUA_OK || status == LUA_YIELD) {
    if (!lua_checkstack(L, nres + 1)) {
      lua_pop(co, nres);
      lua_pushliteral(L, "too many results to resume");
      return -1;
    }
    lua_xmove(co, L, nres);
    return nres;
  }
  lua_xmove(co, L, 1);  /* the error */
  return -1;
}

static lua_State *getco(lua_State *L) {
  lua_State *co = lua_tothread(L, 1);
  luaL_argexpected(L, co, 1, "coroutine");
  return co;
}

static int co_resume(lua_State *L) {
  lua_State *co = getco(L);
  int r = auxresume(L, co, lua_gettop(L) - 1);
  if (r < 0) {
    lua_pushboolean(L, 0);
    lua_insert(L, -2);
    return 2;
  }
  lua_pushboolean(L, 1);
  lua_insert(L, -(r + 1));
  return r + 1;
}

static int co_auxwrap(lua_State *L) {
  lua_State *co = lua_tothread(L, lua_upvalueindex(1));
  int r = auxresume(L, co, lua_gettop(L));
  if (r < 0) {
    int stat = lua_status(co);
    if (stat != LUA_OK && stat != LUA_YIELD) {  /* an error in the coroutine */
      stat = lua_resetthread(co);  /* close its to-be-closed variables */
      lua_xmove(co, L, 1);
    }
    if (stat != LUA_ERRMEM && lua_type(L, -1) == LUA_TSTRING) {
      luaL_where(L, 1);
      lua_insert(L, -2);
      lua_concat(L, 2);
    }
    return lua_error(L);
  }
  return r;
}

static int co_wrap(lua_State *L) {
  luaL_checktype(L, 1, LUA_TFUNCTION);
  lua_State *co = lua_newthread(L);
  lua_pushvalue(L, 1);
  lua_xmove(L, co, 1);
  lua_pushcclosure(L, co_auxwrap, 1);
  return 1;
}

void qmL_open_coroutines(lua_State *L) {
  if (lua_getglobal(L, "coroutine") == LUA_TTABLE) {
    lua_pushcfunction(L, co_resume);
    lua_setfield(L, -2, "resume");
    lua_pushcfunction(L, co_wrap);
    lua_setfield(L, -2, "wrap");
  }
  lua_pop(L, 1);
}

/* ---------------------------------------------------------------- signals */

/* Ctrl-C sets a flag and the hook on the running thread, and so do SIGTERM and SIGHUP (which
** also say the session is to end): the command stops like after Ctrl-C, so the to-be-closed
** guards run and a half-written --out FILE.tmp is removed. A command stuck inside one C call
** never runs the hook, so a second signal, a second or more after an unanswered first, ends qm. */
static void on_sigint(int sig) {
  if (sig == SIGTERM || sig == SIGHUP) terminating = sig;
  if (interrupted && watching && qmL_now() - interrupted_at >= SIGINT_PATIENCE) {
    static const char msg[] = "\nqm: interrupted (the running command did not stop, so qm ended)\n";
    ssize_t n = write(2, msg, sizeof msg - 1);
    (void)n;
    _exit(terminating ? 128 + terminating : QM_EXIT_INTERRUPT);
  }
  if (!interrupted) interrupted_at = qmL_now();
  interrupted = 1;
  QmLimits *lim = active;
  if (watching && lim != NULL) set_hook(lim->running);
}

/* The first alarm is the deadline: the hook stops Lua code at its next instruction, SQLite's
** progress handler a query. The second, WATCHDOG_GRACE later, is the last resort for what
** neither reaches: one long C call (string.find with a pathological pattern), or a finalizer
** (Lua runs no hooks inside __gc). Only async-signal-safe calls here. */
static void on_alarm(int sig) {
  (void)sig;
  QmLimits *lim = active;
  if (!watching || lim == NULL) return;
  if (alarms++ == 0) {
    lim->expired = 1;
    set_hook(lim->running);
    return;
  }
  ssize_t n = write(2, watchdog_msg, watchdog_len);
  (void)n;
  _exit(QM_EXIT_LIMIT);
}

/* first alarm after `seconds`, then every WATCHDOG_GRACE seconds; 0 stops the timer */
static void set_timer(double seconds) {
  struct itimerval it;
  memset(&it, 0, sizeof it);
  if (seconds > 0) {
    it.it_value.tv_sec = (time_t)seconds;
    it.it_value.tv_usec = (suseconds_t)((seconds - (double)(time_t)seconds) * 1e6);
    if (it.it_value.tv_sec == 0 && it.it_value.tv_usec == 0) it.it_value.tv_usec = 1;
    it.it_interval.tv_sec = (time_t)WATCHDOG_GRACE;
  }
  setitimer(ITIMER_REAL, &it, NULL);
}

static void start_timer(QmLimits *lim, const char *why) {
  set_timer(0);
  active = lim;
  alarms = 0;
  watching = 1;
  if (lim->timeout <= 0) return;
  int len = snprintf(watchdog_msg, sizeof watchdog_msg,
                     "qm: time limit of %g s reached (raise it with --timeout); %s, so qm ended\n",
                     lim->timeout, why);
  watchdog_len = len < 0 ? 0 : (size_t)len < sizeof watchdog_msg ? (size_t)len : sizeof watchdog_msg - 1;
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_alarm;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  sigaction(SIGALRM, &sa, NULL);
  double left = lim->deadline - qmL_now();
  set_timer(left > 1e-6 ? left : 1e-6);
}

void qmL_watch(QmLimits *lim) {
  start_timer(lim, "the command was stuck inside one call or a finalizer (__gc)");
}

void qmL_watch_close(QmLimits *lim) {
  /* no thread to hook: the state is going away under the handler, and finalizers run no
  ** hooks anyway; the second alarm ends what does not */
  lim->running = NULL;
  start_timer(lim, "a finalizer (__gc) did not end");
}

void qmL_unwatch(void) {
  watching = 0;
  set_timer(0);
  active = NULL;
}

void qmL_catch_sigint(int on) {
  struct sigaction sa;
  if (on) { if (sigint_depth++ > 0) return; }
  else { if (sigint_depth == 0 || --sigint_depth > 0) return; }
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on ? on_sigint : SIG_DFL;  /* no SA_RESTART: a blocked read sees EINTR */
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGHUP, &sa, NULL);
}

int qmL_terminating(void) { return terminating; }

int qmL_interrupted(void) { return interrupted != 0; }
void qmL_clear_interrupt(void) { interrupted = 0; }
