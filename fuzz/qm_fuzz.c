/*
** qm_fuzz.c — the libFuzzer entry shared by every fuzz target (docs/fuzzing.md).
** A target is a Lua driver, fuzz/TARGET.lua, run with the engine's rights inside a qm host made
** by qmH_new, exactly as qm makes one, new for every input (so an input cannot depend on what
** earlier ones left behind, and LeakSanitizer sees everything freed). The driver returns a table:
**   run(input)      calls the entry point under test and checks its contract; a broken
**                   contract is an error starting with "finding:"
**   limits_expected true: the input may legitimately hit the memory or time limit (model code)
**   max_memory, timeout  the limits (bytes, seconds; default 64 MB and 5 s)
** A finding is anything that escapes run() -- a Lua error, a limit hit on an input where none
** should be, a limit that did not hold, a Lua panic, a sanitizer report -- and ends the process
** with abort(), so libFuzzer saves the input. Lua code gets coverage feedback through a line
** hook that feeds libFuzzer's extra counters (the interpreter itself is not instrumented).
*/
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <dirent.h>
#include <lua.h>
#include <lauxlib.h>
#include "host.h"
#include "qm_limits.h"

#ifndef QM_FUZZ_DRIVER
#error "QM_FUZZ_DRIVER (the path of fuzz/TARGET.lua) must be defined by the build"
#endif
#ifndef QM_FUZZ_NAME
#error "QM_FUZZ_NAME (the target's name) must be defined by the build"
#endif

#define HOOK_EVERY 1000      /* instructions between the harness's checks of the limits */
#define TIME_GRACE 3.0       /* seconds past the time limit before "the limit did not hold" */

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* ---------------------------------------------------------------- Lua line coverage */

/* libFuzzer reads this section as extra coverage counters, cleared before every input. */
#define COV_SIZE (1u << 16)
__attribute__((used, section("__libfuzzer_extra_counters")))
static uint8_t lua_cov[COV_SIZE];

static const char *cov_source;    /* last chunk source seen, and its hash */
static uint32_t cov_source_hash;
static uint32_t cov_prev;         /* previous location, for edges (prev -> current line) */

static uint32_t hash_source(const char *s) {
  uint32_t h = 2166136261u;
  for (size_t i = 0; s[i] != '\0' && i < 96; i++) h = (h ^ (uint8_t)s[i]) * 16777619u;
  return h;
}

/* The line hook for coverage; on its count events it looks at the limits as the host's timer
** would (the host sets no hook while nothing is wrong: limits.c). A limit reached hands the
** thread to the limits' own hook, which raises the limit's error from then on. */
static void fuzz_hook(lua_State *L, lua_Debug *ar) {
  if (ar->event != LUA_HOOKLINE) {
    QmLimits *lim = qmL_of(L);
    if (lim != NULL && qmL_poll(lim)) qmL_stop(L);
    return;
  }
  if (!lua_getinfo(L, "S", ar) || ar->source == NULL) return;
  if (ar->source != cov_source) {
    cov_source = ar->source;
    cov_source_hash = hash_source(ar->source);
  }
  uint32_t loc = (cov_source_hash ^ ((uint32_t)ar->currentline * 2654435761u)) & (COV_SIZE - 1);
  uint32_t idx = (loc ^ cov_prev) & (COV_SIZE - 1);
  if (lua_cov[idx] != 255) lua_cov[idx]++;
  cov_prev = loc >> 1;
}

/* ---------------------------------------------------------------- findings */

static const char *target_name = QM_FUZZ_NAME;

__attribute__((noreturn, format(printf, 1, 2)))
static void finding(const char *fmt, ...) {
  va_list ap;
  fprintf(stderr, "\n==qm-fuzz== finding in target \"%s\": ", target_name);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  fflush(stderr);
  abort();
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The host's timer ends the process (_exit) when a command is still running WATCHDOG_GRACE
** after its deadline, where no hook can stop it (one long C call, a finalizer). Under the
** fuzzer that is a finding whose input must be kept: the first alarm (the deadline) goes to
** the host's handler; a later one aborts, and libFuzzer saves the input. */
static void (*host_on_alarm)(int);
static volatile sig_atomic_t alarms_seen;

static void on_alarm(int sig) {
  if (alarms_seen++ == 0) { host_on_alarm(sig); return; }
  static const char msg[] = "\n==qm-fuzz== finding: the time limit did not hold (the run was "
                            "stuck inside one C call or a finalizer past its deadline)\n";
  ssize_t n = write(2, msg, sizeof msg - 1);
  (void)n;
  abort();
}

/* wrap the handler qmL_watch has just installed for this input */
static void watch_alarm(void) {
  struct sigaction sa;
  if (sigaction(SIGALRM, NULL, &sa) != 0) finding("sigaction: cannot read the SIGALRM handler");
  if (sa.sa_handler == SIG_DFL || sa.sa_handler == SIG_IGN) return;  /* no time limit */
  if (sa.sa_handler != on_alarm) host_on_alarm = sa.sa_handler;
  alarms_seen = 0;
  sa.sa_handler = on_alarm;
  if (sigaction(SIGALRM, &sa, NULL) != 0) finding("sigaction: cannot set the SIGALRM handler");
}

/* ---------------------------------------------------------------- helpers for drivers */

/* A Lua runtime error's wording: engine code that failed, not a message written for people. */
static const char *const internal_phrases[] = {
  "attempt to ", "bad argument #", "stack overflow", "number has no integer representation",
  "table index is nil", "table index is NaN", "string length overflow", "(error object is",
  "invalid value (at index", "'for' initial value", "'for' limit", "'for' step",
  "wrong number of arguments", "stdlib/", NULL };

/* strstr, written out: libFuzzer learns the needles of intercepted strstr calls as input words,
** and these phrases are no use to it */
static int contains(const char *s, size_t len, const char *needle) {
  size_t n = strlen(needle);
  for (size_t i = 0; i + n <= len; i++) if (memcmp(s + i, needle, n) == 0) return 1;
  return 0;
}

/* The text of an error value: a string, or what __tostring gives (qm's typed errors, a
** "qm.error" userdata, read like their message); NULL for anything else. Leaves the text on
** the stack when it came from __tostring. */
static const char *message_of(lua_State *L, int idx, size_t *len) {
  if (lua_type(L, idx) == LUA_TSTRING) return lua_tolstring(L, idx, len);
  if (luaL_callmeta(L, idx, "__tostring") && lua_type(L, -1) == LUA_TSTRING) return lua_tolstring(L, -1, len);
  return NULL;
}

/* fuzz.improper(msg [, input]) -> why msg is not a proper message for people, or nil. A
** phrase that the input itself contains may be the input quoted back, and is not held against
** the message. */
static int l_improper(lua_State *L) {
  size_t len, ilen = 0;
  const char *msg = message_of(L, 1, &len);
  if (msg == NULL) {
    lua_pushfstring(L, "the error is a %s, not a message", luaL_typename(L, 1));
    return 1;
  }
  const char *input = lua_tolstring(L, 2, &ilen);
  if (len == 0) { lua_pushliteral(L, "the message is empty"); return 1; }
  for (int i = 0; internal_phrases[i]; i++) {
    if (contains(msg, len, internal_phrases[i]) && !(input && contains(input, ilen, internal_phrases[i]))) {
      lua_pushfstring(L, "the message shows an internal error (\"%s\")", internal_phrases[i]);
      return 1;
    }
  }
  lua_pushnil(L);
  return 1;
}

/* a folder of this process's own for targets that write files (the model target) */
static char tmpdir[64];

static void remove_tmpdir(void) {
  if (tmpdir[0] == '\0') return;
  DIR *d = opendir(tmpdir);
  if (d) {
    struct dirent *e;
    char path[sizeof tmpdir + 256];
    while ((e = readdir(d)) != NULL) {
      if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
      snprintf(path, sizeof path, "%s/%s", tmpdir, e->d_name);
      unlink(path);
    }
    closedir(d);
  }
  rmdir(tmpdir);
}

static const char *get_tmpdir(void) {
  if (tmpdir[0] != '\0') return tmpdir;
  const char *base = getenv("TMPDIR");
  if (base == NULL || base[0] == '\0' || strlen(base) > 40) base = "/tmp";
  snprintf(tmpdir, sizeof tmpdir, "%s/qm-fuzz-XXXXXX", base);
  if (mkdtemp(tmpdir) == NULL) {
    perror("qm-fuzz: mkdtemp");
    exit(2);
  }
  atexit(remove_tmpdir);
  return tmpdir;
}

/* ---------------------------------------------------------------- the target */

typedef struct {
  char *source;        /* the driver's text, read once */
  size_t len;
  int limits_expected;
  size_t max_memory;
  double timeout;
} Target;

static Target target;

static int traceback(lua_State *L) {
  size_t len;
  const char *msg = message_of(L, 1, &len);
  if (msg == NULL) msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
  luaL_traceback(L, L, msg, 1);
  return 1;
}

static void read_driver(void) {
  const char *path = getenv("QM_FUZZ_DRIVER");
  if (path == NULL || path[0] == '\0') path = QM_FUZZ_DRIVER;
  FILE *f = fopen(path, "rb");
  if (f == NULL) { perror(path); exit(2); }
  size_t cap = 1 << 16;
  target.source = malloc(cap);
  if (target.source == NULL) { fprintf(stderr, "qm-fuzz: out of memory\n"); exit(2); }
  size_t n;
  while ((n = fread(target.source + target.len, 1, cap - target.len, f)) > 0) {
    target.len += n;
    if (target.len == cap) {
      char *p = realloc(target.source, cap *= 2);
      if (p == NULL) { fprintf(stderr, "qm-fuzz: out of memory\n"); exit(2); }
      target.source = p;
    }
  }
  if (ferror(f)) { perror(path); exit(2); }
  fclose(f);
}

static lua_Integer field_int(lua_State *L, int t, const char *k, lua_Integer dflt) {
  lua_getfield(L, t, k);
  lua_Integer v = lua_isinteger(L, -1) ? lua_tointeger(L, -1) : dflt;
  lua_pop(L, 1);
  return v;
}

/* A host as qm makes one, the driver loaded in it, its limits applied and run() referenced
** in the registry. */
static QmHost *new_host(int *run_ref) {
  QmHost *h = qmH_new(64u * 1024 * 1024, 10.0);
  if (h == NULL) finding("qmH_new failed");
  lua_State *L = h->L;
  if (qmL_of(L) != &h->limits) finding("the host's state does not allocate through its limits");
  lua_pushcfunction(L, traceback);
  char chunkname[128];
  snprintf(chunkname, sizeof chunkname, "@fuzz/%s.lua", target_name);
  if (luaL_loadbuffer(L, target.source, target.len, chunkname) != LUA_OK)
    finding("the driver does not load: %s", lua_tostring(L, -1));
  lua_createtable(L, 0, 3);
  lua_pushstring(L, target_name);
  lua_setfield(L, -2, "name");
  lua_pushstring(L, get_tmpdir());
  lua_setfield(L, -2, "tmpdir");
  lua_pushcfunction(L, l_improper);
  lua_setfield(L, -2, "improper");
  if (lua_pcall(L, 1, 1, -3) != LUA_OK) finding("the driver fails to start: %s", lua_tostring(L, -1));
  if (!lua_istable(L, -1)) finding("the driver must return a table with run()");
  int t = lua_gettop(L);
  lua_getfield(L, t, "limits_expected");
  target.limits_expected = lua_toboolean(L, -1);
  lua_pop(L, 1);
  target.max_memory = (size_t)field_int(L, t, "max_memory", 64 * 1024 * 1024);
  lua_getfield(L, t, "timeout");
  target.timeout = lua_isnumber(L, -1) ? lua_tonumber(L, -1) : 5.0;
  lua_pop(L, 1);
  /* the driver's limits replace the start-up ones (qmL_restart below applies the timeout) */
  h->limits.max_memory = target.max_memory;
  h->limits.timeout = target.timeout;
  if (lua_getfield(L, t, "run") != LUA_TFUNCTION) finding("the driver's run is not a function");
  *run_ref = luaL_ref(L, LUA_REGISTRYINDEX);
  lua_settop(L, 0);
  return h;
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc; (void)argv;
  read_driver();
  int ref;
  qmH_free(new_host(&ref));  /* the driver loads, before any input is blamed for it */
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  int ref;
  QmHost *h = new_host(&ref);
  lua_State *L = h->L;
  lua_settop(L, 0);
  lua_pushcfunction(L, traceback);
  lua_rawgeti(L, LUA_REGISTRYINDEX, ref);
  lua_pushlstring(L, (const char *)data, size);
  cov_source = NULL;
  cov_prev = 0;
  qmL_restart(&h->limits);
  qmL_arm(L, &h->limits);
  lua_sethook(L, fuzz_hook, LUA_MASKLINE | LUA_MASKCOUNT, HOOK_EVERY);
  /* the host's timer too, as qm runs a command: at the deadline it sets the limits' hook even
  ** where the line hook is gone (the limits' hook removes itself after an allocation that Lua's
  ** emergency collection saved) */
  qmL_watch(&h->limits);
  watch_alarm();
  double t0 = now();
  int st = lua_pcall(L, 1, 0, 1);
  double elapsed = now() - t0;
  qmL_unwatch();
  if (h->limits.max_memory && h->limits.used > h->limits.max_memory)
    finding("the memory limit did not hold: %zu bytes in use, limit %zu", h->limits.used,
            h->limits.max_memory);
  if (target.timeout > 0 && elapsed > target.timeout + TIME_GRACE)
    finding("the time limit did not hold: %.1f s for a limit of %g s", elapsed, target.timeout);
  if (st != LUA_OK) {
    const char *msg = lua_tostring(L, -1);
    if (msg == NULL) msg = "(an error that is not a string)";
    if (h->limits.tripped == QM_TRIP_NONE) finding("%s", msg);
    if (!target.limits_expected)
      finding("a limit was hit on a %zu-byte input, where the entry point should be bounded:\n%s",
              size, msg);
  }
  qmH_free(h);
  return 0;
}
