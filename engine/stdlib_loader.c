/*
** stdlib_loader.c — finds stdlib modules: embedded in the binary as bytecode (the normal
** case: no compiling at start), as source when the running liblua cannot read that bytecode,
** or, for development, read from the folder named by QM_STDLIB_PATH (a source tree's
** stdlib/). Replaces Lua's own file and C-library searchers so nothing is loaded from the
** current directory or LUA_PATH. Only this searcher loads binary chunks (mode "b", its own
** embedded bytecode); model code and files are loaded as text (sandbox.c).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <lauxlib.h>
#include "qm.h"
#include "stdlib_embed.h"
#include "stdlib_probe.h"

/* ---------------------------------------------------------------- is the bytecode ours? */

/* The first bytes of a Lua 5.4 dump: "\x1bLua", version, format, LUAC_DATA (6 bytes), the
** sizes of Instruction, lua_Integer and lua_Number, then LUAC_INT and LUAC_NUM. */
enum { H_VERSION = 4, H_FORMAT = 5, H_DATA = 6, H_SIZES = 12, H_NUMBERS = 15, H_KEEP = 64 };

typedef struct Compare {
  const unsigned char *ref;   /* the build's dump */
  size_t reflen;
  size_t pos;                 /* bytes the running liblua wrote so far */
  size_t diff;                /* offset of the first difference, or (size_t)-1 */
  unsigned char head[H_KEEP]; /* the first bytes the running liblua wrote */
} Compare;

static int compare_writer(lua_State *L, const void *p, size_t n, void *ud) {
  (void)L;
  Compare *c = ud;
  const unsigned char *b = p;
  for (size_t i = 0; i < n; i++, c->pos++) {
    if (c->pos < H_KEEP) c->head[c->pos] = b[i];
    if (c->diff == (size_t)-1 && (c->pos >= c->reflen || c->ref[c->pos] != b[i])) c->diff = c->pos;
  }
  return 0;
}

static void describe(const Compare *c, char *why, size_t whylen) {
  const unsigned char *r = c->ref, *h = c->head;
  size_t d = c->diff;
  size_t numbers_end = H_NUMBERS + (c->pos > H_SIZES + 2 ? (size_t)h[H_SIZES + 1] + h[H_SIZES + 2] : 0);
  if (d < H_VERSION)
    snprintf(why, whylen, "it is not Lua bytecode");
  else if (d == H_VERSION)
    snprintf(why, whylen, "it was compiled for Lua %d.%d, the installed library is Lua %d.%d",
             r[H_VERSION] >> 4, r[H_VERSION] & 15, h[H_VERSION] >> 4, h[H_VERSION] & 15);
  else if (d == H_FORMAT)
    snprintf(why, whylen, "it has bytecode format %d, the installed library reads format %d",
             r[H_FORMAT], h[H_FORMAT]);
  else if (d < H_SIZES)
    snprintf(why, whylen, "its check bytes differ from the installed library's");
  else if (d < H_NUMBERS)
    snprintf(why, whylen, "it was compiled with instructions, integers and floats of %d, %d and %d "
             "bytes, the installed library uses %d, %d and %d", r[H_SIZES], r[H_SIZES + 1],
             r[H_SIZES + 2], h[H_SIZES], h[H_SIZES + 1], h[H_SIZES + 2]);
  else if (d < numbers_end)
    snprintf(why, whylen, "the installed library stores integers or floats differently");
  else
    snprintf(why, whylen, "the installed library compiles Lua %d.%d to different bytecode "
             "(another release or build)", h[H_VERSION] >> 4, h[H_VERSION] & 15);
}

int qmE_bytecode_matches(lua_State *L, const char *dump, size_t len, char *why, size_t whylen) {
  Compare c = { (const unsigned char *)dump, len, 0, (size_t)-1, { 0 } };
  if (luaL_loadbufferx(L, qmE_probe_source, sizeof qmE_probe_source - 1, "=probe", "t") != LUA_OK)
    return lua_error(L);  /* only when out of memory: the probe is valid Lua */
  lua_dump(L, compare_writer, &c, 1);
  lua_pop(L, 1);
  if (c.diff == (size_t)-1 && c.pos == len) {
    if (whylen > 0) why[0] = '\0';
    return 1;
  }
  if (c.diff == (size_t)-1) c.diff = c.pos;  /* the build's dump is longer */
  describe(&c, why, whylen);
  return 0;
}

/* ---------------------------------------------------------------- the process's mode */

static const char *reference = NULL;  /* NULL: qmE_probe_dump */
static size_t reference_len = 0;
static int decided = 0;
static QmStdlibMode mode = QM_STDLIB_BYTECODE;
static char reason[256];

static const char *stdlib_dir(void) {
  const char *dir = getenv("QM_STDLIB_PATH");
  return dir != NULL && *dir != '\0' ? dir : NULL;
}

/* bytecode or source, decided once per process; a fallback is noted once on stderr */
static QmStdlibMode decide(lua_State *L) {
  if (decided) return mode;
  if (QM_LUA_STATIC && reference == NULL) {
    /* liblua linked in, the same archive the build tool compiled the bytecode with (CMake) */
    decided = 1;
    return mode = QM_STDLIB_BYTECODE;
  }
  const char *ref = reference ? reference : qmE_probe_dump;
  size_t len = reference ? reference_len : qmE_probe_dump_size;
  if (qmE_bytecode_matches(L, ref, len, reason, sizeof reason)) {
    mode = QM_STDLIB_BYTECODE;
  } else {
    mode = QM_STDLIB_SOURCE;
    fprintf(stderr, "qm: note: the Lua library installed (liblua5.4) cannot run the stdlib "
            "bytecode built into qm: %s. qm compiles its stdlib from the embedded source "
            "instead, which works but starts slower; rebuilding qm removes this note.\n", reason);
    fflush(stderr);
  }
  decided = 1;
  return mode;
}

QmStdlibMode qmE_mode(lua_State *L, const char **why) {
  QmStdlibMode m = stdlib_dir() ? QM_STDLIB_FOLDER : decide(L);
  if (why) *why = m == QM_STDLIB_SOURCE ? reason : "";
  return m;
}

void qmE_reset(const char *dump, size_t len) {
  reference = dump;
  reference_len = len;
  decided = 0;
  mode = QM_STDLIB_BYTECODE;
  reason[0] = '\0';
}

/* ---------------------------------------------------------------- the searcher */

static const char *const mode_names[] = { "bytecode", "source", "folder" };

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* QM_STDLIB_TRACE: the loader require calls, wrapped to time the module's main chunk.
** upvalues: 1 the chunk, 2 the module name, 3 the mode, 4 the time to load it (ms) */
static int traced_loader(lua_State *L) {
  int nargs = lua_gettop(L);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  double t0 = now_ms();
  lua_call(L, nargs, 1);
  fprintf(stderr, "qm: stdlib %s: %s, load %.3f ms, run %.3f ms (with what it requires)\n",
          lua_tostring(L, lua_upvalueindex(2)), lua_tostring(L, lua_upvalueindex(3)),
          lua_tonumber(L, lua_upvalueindex(4)), now_ms() - t0);
  return 1;
}

/* Reads dir/qm/time.lua for "qm.time"; the chunk is named "@stdlib/qm/time.lua" as when
** embedded, so tracebacks and the engine's frame filter read the same in both modes. */
static int load_from_dir(lua_State *L, const char *dir, const char *name) {
  const char *rel = luaL_gsub(L, name, ".", "/");
  const char *path = lua_pushfstring(L, "%s/%s.lua", dir, rel);
  if (qm_pushfile(L, path) != 0) {
    lua_pushfstring(L, "\n\tno stdlib file '%s' (QM_STDLIB_PATH)", path);
    return 1;
  }
  size_t len;
  const char *src = lua_tolstring(L, -1, &len);
  const char *chunkname = lua_pushfstring(L, "@stdlib/%s.lua", rel);
  if (luaL_loadbufferx(L, src, len, chunkname, "t") != LUA_OK) return lua_error(L);
  lua_pushstring(L, path);
  return 2;
}

/* pushes the module's chunk and its path; returns the mode it was loaded in */
static QmStdlibMode load_embedded(lua_State *L, const QmEmbeddedModule *m) {
  const char *chunkname = lua_pushfstring(L, "@%s", m->path);
  QmStdlibMode how = decide(L);
  int st = how == QM_STDLIB_BYTECODE
    ? luaL_loadbufferx(L, m->bytecode, m->bytecode_size, chunkname, "b")
    : luaL_loadbufferx(L, m->source, m->source_size, chunkname, "t");
  if (st != LUA_OK) return lua_error(L);
  lua_pushstring(L, m->path);
  return how;
}

static int searcher(lua_State *L) {
  const char *name = luaL_checkstring(L, 1);
  const char *dir = stdlib_dir();
  int trace = getenv("QM_STDLIB_TRACE") != NULL;
  double t0 = trace ? now_ms() : 0;
  QmStdlibMode how = QM_STDLIB_FOLDER;
  if (dir != NULL) {
    if (load_from_dir(L, dir, name) != 2) return 1;
  } else {
    const QmEmbeddedModule *m = qmE_modules;
    while (m->name && strcmp(m->name, name) != 0) m++;
    if (m->name == NULL) {
      lua_pushfstring(L, "\n\tno stdlib module '%s'", name);
      return 1;
    }
    how = load_embedded(L, m);
  }
  if (!trace) return 2;
  double load_ms = now_ms() - t0;
  lua_pushvalue(L, -2);   /* the chunk */
  lua_pushstring(L, name);
  lua_pushstring(L, mode_names[how]);
  lua_pushnumber(L, load_ms);
  lua_pushcclosure(L, traced_loader, 4);
  lua_replace(L, -3);
  return 2;
}

void qmE_install(lua_State *L) {
  lua_getglobal(L, "package");
  lua_createtable(L, 2, 0);
  lua_getfield(L, -2, "searchers");
  lua_rawgeti(L, -1, 1);             /* keep the preload searcher */
  lua_rawseti(L, -3, 1);
  lua_pop(L, 1);
  lua_pushcfunction(L, searcher);
  lua_rawseti(L, -2, 2);
  lua_setfield(L, -2, "searchers");
  lua_pushliteral(L, "");
  lua_setfield(L, -2, "path");
  lua_pushliteral(L, "");
  lua_setfield(L, -2, "cpath");
  lua_pop(L, 1);
}

void qmE_pushnames(lua_State *L) {
  lua_newtable(L);
  int i = 1;
  for (const QmEmbeddedModule *m = qmE_modules; m->name; m++) {
    lua_pushstring(L, m->name);
    lua_rawseti(L, -2, i++);
  }
}

void qmE_pushreportindex(lua_State *L) {
  lua_newtable(L);
  for (const QmEmbeddedHint *h = qmE_report_index; h->name; h++) {
    lua_pushstring(L, h->module);
    lua_setfield(L, -2, h->name);
  }
}
