/*
** limits.c — the capped allocator, the instruction-count hook and Ctrl-C handling.
** A limit, once hit, stays hit for the command: the hook fires on every instruction from then
** on and raises again, so a model's pcall can catch the error but cannot keep running.
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

#define HOOK_EVERY 1000  /* instructions between checks while nothing is wrong */

/* The process-wide state a signal handler needs; nothing else in qm is global and mutable. */
static volatile sig_atomic_t interrupted = 0;  /* set by the signal handler only */
static volatile sig_atomic_t terminating = 0;  /* SIGTERM or SIGHUP when one came, else 0 */
static volatile double interrupted_at = 0;     /* when that Ctrl-C came (handler only) */
static volatile sig_atomic_t watching = 0;     /* a command runs under the watchdog */
static char watchdog_msg[200];                 /* prepared before arming: the handler only writes */
static size_t watchdog_len = 0;
static int sigint_depth = 0;  /* nested catchers (a REPL inside a run): the outermost restores */

#define WATCHDOG_GRACE 2.0   /* seconds past the deadline before the watchdog ends the process */
#define SIGINT_PATIENCE 1.0  /* a second Ctrl-C this long after an unanswered first one ends it */

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
}

void *qmL_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
  QmLimits *lim = ud;
  size_t old = ptr ? osize : 0;
  if (nsize == 0) {
    free(ptr);
    lim->used -= old;
    return NULL;
  }
  if (lim->max_memory && nsize > old && lim->used - old + nsize > lim->max_memory) {
    lim->tripped = QM_TRIP_MEMORY;
    return NULL;  /* Lua raises "not enough memory" */
  }
  void *p = realloc(ptr, nsize);
  if (p == NULL) return NULL;
  lim->used = lim->used - old + nsize;
  if (lim->used > lim->peak) lim->peak = lim->used;
  return p;
}

int qmL_poll(QmLimits *lim) {
  if (lim->tripped != QM_TRIP_NONE) return 1;
  if (interrupted) { lim->tripped = QM_TRIP_INTERRUPT; return 1; }
  if (lim->deadline > 0 && qmL_now() > lim->deadline) { lim->tripped = QM_TRIP_TIME; return 1; }
  return 0;
}

QmLimits *qmL_of(lua_State *L) {
  void *ud = NULL;
  lua_Alloc f = lua_getallocf(L, &ud);
  return f == qmL_alloc ? ud : NULL;
}

const char *qmL_describe(const QmLimits *lim, char *buf, size_t len) {
  switch (lim->tripped) {
  case QM_TRIP_MEMORY:
    snprintf(buf, len, "memory limit of %zu MB reached (raise it with --max-memory)",
             lim->max_memory / (1024 * 1024));
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

static void hook(lua_State *L, lua_Debug *ar) {
  (void)ar;
  QmLimits *lim = qmL_of(L);
  if (lim == NULL || !qmL_poll(lim)) return;
  /* from now on check at every instruction, so no Lua code runs between pcalls */
  lua_sethook(L, hook, LUA_MASKCOUNT, 1);
  char buf[128];
  luaL_error(L, "%s", qmL_describe(lim, buf, sizeof buf));
}

void qmL_arm(lua_State *L, QmLimits *lim) {
  (void)lim;
  lua_sethook(L, hook, LUA_MASKCOUNT, HOOK_EVERY);
}

/* Ctrl-C sets a flag the hook and qmL_poll act on, and so do SIGTERM and SIGHUP (which also
** say the session is to end): the command stops like after Ctrl-C, so the to-be-closed
** guards run and a half-written --out FILE.tmp is removed. A command stuck inside one C
** call never looks at the flag, so a second signal, a second or more after an unanswered
** first, ends qm. */
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
}

/* The time limit's last resort: the hook checks the deadline between Lua instructions, and
** SQLite's progress handler during queries, but one long C call (string.find with a
** pathological pattern) runs neither. Only async-signal-safe calls here. */
static void on_alarm(int sig) {
  (void)sig;
  if (!watching) return;
  ssize_t n = write(2, watchdog_msg, watchdog_len);
  (void)n;
  _exit(QM_EXIT_LIMIT);
}

static void set_timer(double seconds) {
  struct itimerval it;
  memset(&it, 0, sizeof it);
  if (seconds > 0) {
    it.it_value.tv_sec = (time_t)seconds;
    it.it_value.tv_usec = (suseconds_t)((seconds - (double)(time_t)seconds) * 1e6);
    if (it.it_value.tv_sec == 0 && it.it_value.tv_usec == 0) it.it_value.tv_usec = 1;
  }
  setitimer(ITIMER_REAL, &it, NULL);
}

void qmL_watch(QmLimits *lim) {
  watching = 1;
  if (lim->timeout <= 0) return;
  int len = snprintf(watchdog_msg, sizeof watchdog_msg,
                     "qm: time limit of %g s reached (raise it with --timeout); the command was "
                     "stuck inside one call, so qm ended\n", lim->timeout);
  watchdog_len = len < 0 ? 0 : (size_t)len < sizeof watchdog_msg ? (size_t)len : sizeof watchdog_msg - 1;
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_alarm;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  sigaction(SIGALRM, &sa, NULL);
  set_timer(lim->timeout + WATCHDOG_GRACE);
}

void qmL_unwatch(void) {
  watching = 0;
  set_timer(0);
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
