/*
** sql_budget.c — SQLite's part of the one --max-memory budget.
** SQLite allocates through counting memory methods wrapped around its default allocator:
** Lua's heap and SQLite's memory together may not pass --max-memory. Read-only connections
** open their files through a VFS shim ("qm-budget") that counts the bytes of their temporary
** files (TEMP tables, sorts that spill, materialised subqueries): together they may not pass
** QM_TEMP_FACTOR times --max-memory (on disk: a national report's sort needs about its
** database's size). A request past either is refused (SQLITE_NOMEM, or SQLITE_FULL for a
** file), the refusal is marked, and the binding (sqlite_lua.c) turns it into the memory limit
** with the part that ran out.
** SQLite's allocator is process-wide, so this state is too (one budget attached at a time);
** the counters are atomic because SQLite may allocate from its own threads.
*/
#include <stdatomic.h>
#include <string.h>
#include <sqlite3.h>
#include "sql_budget.h"

static sqlite3_mem_methods base;         /* SQLite's own allocator, which we wrap */
static int install_rc = -1;              /* qmB_install's answer, once it ran */
static atomic_size_t sqlite_used;        /* bytes SQLite holds, all connections */
static atomic_size_t temp_used;          /* bytes in counted temporary files */
static atomic_size_t sqlite_peak, temp_peak;  /* the most each ever held */
static atomic_int refusal;               /* QM_MEM_SQLITE or QM_MEM_TEMP after a refusal */
static size_t refusal_held[3];           /* Lua, SQLite, files when that refusal came */
static QmLimits *budget = NULL;          /* whose --max-memory counts; NULL = no cap */

size_t qmB_sqlite_used(void) { return atomic_load_explicit(&sqlite_used, memory_order_relaxed); }
size_t qmB_temp_used(void) { return atomic_load_explicit(&temp_used, memory_order_relaxed); }
size_t qmB_sqlite_peak(void) { return atomic_load_explicit(&sqlite_peak, memory_order_relaxed); }
size_t qmB_temp_peak(void) { return atomic_load_explicit(&temp_peak, memory_order_relaxed); }

static void raise_peak(atomic_size_t *peak, size_t now) {
  size_t p = atomic_load_explicit(peak, memory_order_relaxed);
  while (now > p && !atomic_compare_exchange_weak(peak, &p, now)) {}
}
void qmB_attach(QmLimits *lim) { budget = lim; }
void qmB_detach(QmLimits *lim) { if (budget == lim) budget = NULL; }

int qmB_take_refusal(size_t held[3]) {
  int part = atomic_exchange(&refusal, 0);
  if (part != 0 && held != NULL) memcpy(held, refusal_held, sizeof refusal_held);
  return part;
}

size_t qmB_held(const QmLimits *lim) {
  return lim != NULL && lim == budget ? qmB_sqlite_used() : 0;
}

/* may memory (part QM_MEM_SQLITE) or temporary files (QM_MEM_TEMP) grow by `more` bytes?
** marks the refusal when not */
static int fits(size_t more, int part) {
  QmLimits *lim = budget;
  if (lim == NULL || lim->max_memory == 0) return 1;
  size_t total = part == QM_MEM_TEMP ? qmB_temp_used() : lim->used + lim->reserved + qmB_sqlite_used();
  size_t cap = part == QM_MEM_TEMP ? lim->max_memory * QM_TEMP_FACTOR : lim->max_memory;
  if (total + more <= cap && total + more >= total) return 1;
  refusal_held[0] = lim->used;
  refusal_held[1] = qmB_sqlite_used();
  refusal_held[2] = qmB_temp_used();
  atomic_store(&refusal, part);
  return 0;
}

/* ---------------------------------------------------------------- memory */

static void *b_malloc(int n) {
  if (!fits((size_t)base.xRoundup(n), QM_MEM_SQLITE)) return NULL;
  void *p = base.xMalloc(n);
  if (p) raise_peak(&sqlite_peak, atomic_fetch_add_explicit(&sqlite_used, (size_t)base.xSize(p),
                                                             memory_order_relaxed) + (size_t)base.xSize(p));
  return p;
}

static void b_free(void *p) {
  if (p == NULL) return;
  atomic_fetch_sub_explicit(&sqlite_used, (size_t)base.xSize(p), memory_order_relaxed);
  base.xFree(p);
}

static void *b_realloc(void *p, int n) {
  size_t old = (size_t)base.xSize(p), want = (size_t)base.xRoundup(n);
  if (want > old && !fits(want - old, QM_MEM_SQLITE)) return NULL;
  void *q = base.xRealloc(p, n);
  if (q == NULL) return NULL;
  size_t now = (size_t)base.xSize(q);
  if (now >= old) raise_peak(&sqlite_peak, atomic_fetch_add_explicit(&sqlite_used, now - old,
                                                                      memory_order_relaxed) + now - old);
  else atomic_fetch_sub_explicit(&sqlite_used, old - now, memory_order_relaxed);
  return q;
}

static int b_size(void *p) { return base.xSize(p); }
static int b_roundup(int n) { return base.xRoundup(n); }
static int b_init(void *app) { (void)app; return base.xInit(base.pAppData); }
static void b_shutdown(void *app) { (void)app; base.xShutdown(base.pAppData); }

/* ---------------------------------------------------------------- temporary files */

/* A counted file: this header, then the real VFS's file object. Files that are not
** temporary are opened directly in the space SQLite gives, with the real methods. */
typedef struct Counted {
  sqlite3_file base;
  sqlite3_file *real;
  sqlite3_int64 size;   /* bytes this file counts for: its highest written end */
} Counted;

#define COUNTED_FLAGS (SQLITE_OPEN_TEMP_DB | SQLITE_OPEN_TEMP_JOURNAL | SQLITE_OPEN_TRANSIENT_DB | \
                       SQLITE_OPEN_SUBJOURNAL)
#define HEADER_SIZE ((sizeof(Counted) + 15) & ~(size_t)15)

static sqlite3_vfs *real_vfs(sqlite3_vfs *v) { return v->pAppData; }
static sqlite3_file *real_file(sqlite3_file *f) { return ((Counted *)f)->real; }

static void resize(Counted *c, sqlite3_int64 size) {
  if (size > c->size) {
    size_t more = (size_t)(size - c->size);
    raise_peak(&temp_peak, atomic_fetch_add_explicit(&temp_used, more, memory_order_relaxed) + more);
  } else atomic_fetch_sub_explicit(&temp_used, (size_t)(c->size - size), memory_order_relaxed);
  c->size = size;
}

static int f_close(sqlite3_file *f) {
  Counted *c = (Counted *)f;
  resize(c, 0);
  return c->real->pMethods->xClose(c->real);
}
static int f_read(sqlite3_file *f, void *buf, int amt, sqlite3_int64 off) {
  return real_file(f)->pMethods->xRead(real_file(f), buf, amt, off);
}
static int f_write(sqlite3_file *f, const void *buf, int amt, sqlite3_int64 off) {
  Counted *c = (Counted *)f;
  sqlite3_int64 end = off + amt;
  if (end > c->size && !fits((size_t)(end - c->size), QM_MEM_TEMP)) return SQLITE_FULL;
  int rc = c->real->pMethods->xWrite(c->real, buf, amt, off);
  if (rc == SQLITE_OK && end > c->size) resize(c, end);
  return rc;
}
static int f_truncate(sqlite3_file *f, sqlite3_int64 size) {
  Counted *c = (Counted *)f;
  int rc = c->real->pMethods->xTruncate(c->real, size);
  if (rc == SQLITE_OK && size < c->size) resize(c, size);
  return rc;
}
static int f_sync(sqlite3_file *f, int flags) { return real_file(f)->pMethods->xSync(real_file(f), flags); }
static int f_filesize(sqlite3_file *f, sqlite3_int64 *size) {
  return real_file(f)->pMethods->xFileSize(real_file(f), size);
}
static int f_lock(sqlite3_file *f, int l) { return real_file(f)->pMethods->xLock(real_file(f), l); }
static int f_unlock(sqlite3_file *f, int l) { return real_file(f)->pMethods->xUnlock(real_file(f), l); }
static int f_reserved(sqlite3_file *f, int *out) {
  return real_file(f)->pMethods->xCheckReservedLock(real_file(f), out);
}
static int f_control(sqlite3_file *f, int op, void *arg) {
  return real_file(f)->pMethods->xFileControl(real_file(f), op, arg);
}
static int f_sector(sqlite3_file *f) { return real_file(f)->pMethods->xSectorSize(real_file(f)); }
static int f_device(sqlite3_file *f) {
  return real_file(f)->pMethods->xDeviceCharacteristics(real_file(f));
}

/* version 1: temporary files use neither shared memory nor memory mapping */
static const sqlite3_io_methods counted_methods = {
  1, f_close, f_read, f_write, f_truncate, f_sync, f_filesize, f_lock, f_unlock, f_reserved,
  f_control, f_sector, f_device, NULL, NULL, NULL, NULL, NULL, NULL };

static int v_open(sqlite3_vfs *v, const char *name, sqlite3_file *f, int flags, int *out) {
  sqlite3_vfs *r = real_vfs(v);
  if (!(flags & COUNTED_FLAGS)) return r->xOpen(r, name, f, flags, out);
  Counted *c = (Counted *)f;
  memset(c, 0, sizeof *c);
  c->real = (sqlite3_file *)((char *)f + HEADER_SIZE);
  c->real->pMethods = NULL;
  int rc = r->xOpen(r, name, c->real, flags, out);
  if (rc != SQLITE_OK) {
    if (c->real->pMethods) c->real->pMethods->xClose(c->real);
    c->base.pMethods = NULL;
    return rc;
  }
  c->base.pMethods = &counted_methods;
  return SQLITE_OK;
}

static int v_delete(sqlite3_vfs *v, const char *name, int sync) {
  return real_vfs(v)->xDelete(real_vfs(v), name, sync);
}
static int v_access(sqlite3_vfs *v, const char *name, int flags, int *out) {
  return real_vfs(v)->xAccess(real_vfs(v), name, flags, out);
}
static int v_fullpath(sqlite3_vfs *v, const char *name, int n, char *out) {
  return real_vfs(v)->xFullPathname(real_vfs(v), name, n, out);
}
static void *v_dlopen(sqlite3_vfs *v, const char *name) { (void)v; (void)name; return NULL; }
static void v_dlerror(sqlite3_vfs *v, int n, char *out) {
  (void)v;
  if (n > 0) { strncpy(out, "extensions are not loaded by qm", (size_t)n - 1); out[n - 1] = '\0'; }
}
static void (*v_dlsym(sqlite3_vfs *v, void *h, const char *sym))(void) {
  (void)v; (void)h; (void)sym;
  return NULL;
}
static void v_dlclose(sqlite3_vfs *v, void *h) { (void)v; (void)h; }
static int v_random(sqlite3_vfs *v, int n, char *out) {
  return real_vfs(v)->xRandomness(real_vfs(v), n, out);
}
static int v_sleep(sqlite3_vfs *v, int us) { return real_vfs(v)->xSleep(real_vfs(v), us); }
static int v_time(sqlite3_vfs *v, double *out) { return real_vfs(v)->xCurrentTime(real_vfs(v), out); }
static int v_lasterror(sqlite3_vfs *v, int n, char *out) {
  return real_vfs(v)->xGetLastError ? real_vfs(v)->xGetLastError(real_vfs(v), n, out) : 0;
}
static int v_time64(sqlite3_vfs *v, sqlite3_int64 *out) {
  return real_vfs(v)->xCurrentTimeInt64(real_vfs(v), out);
}

static sqlite3_vfs shim = {
  2, 0, 1024, NULL, QM_BUDGET_VFS, NULL, v_open, v_delete, v_access, v_fullpath, v_dlopen,
  v_dlerror, v_dlsym, v_dlclose, v_random, v_sleep, v_time, v_lasterror, v_time64,
  NULL, NULL, NULL };

static int install(void) {
  /* SQLite's own statistics stay on (SQLITE_CONFIG_MEMSTATUS): without them SQLite notices a
  ** refused allocation inside group_concat only when the aggregate ends, after every row */
  int rc = sqlite3_config(SQLITE_CONFIG_GETMALLOC, &base);
  if (rc == SQLITE_OK) {
    static sqlite3_mem_methods counting = {
      b_malloc, b_free, b_realloc, b_size, b_roundup, b_init, b_shutdown, NULL };
    rc = sqlite3_config(SQLITE_CONFIG_MALLOC, &counting);
  }
  if (rc != SQLITE_OK) return rc;
  /* the VFS shim: registering it initialises SQLite (with the counting allocator) */
  sqlite3_vfs *r = sqlite3_vfs_find(NULL);
  if (r == NULL) return SQLITE_ERROR;
  if (r->iVersion < 2 || r->xCurrentTimeInt64 == NULL) return SQLITE_ERROR;
  shim.szOsFile = (int)HEADER_SIZE + r->szOsFile;
  shim.mxPathname = r->mxPathname;
  shim.pAppData = r;
  return sqlite3_vfs_register(&shim, 0);
}

int qmB_install(void) {
  if (install_rc < 0) install_rc = install();
  return install_rc;
}
