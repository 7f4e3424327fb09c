/* test_stdlib_bytecode.c — the stdlib embedded as bytecode: it is the running liblua's own
** compilation of the embedded source (code and line numbers, without local names), it loads
** only as a binary chunk, and a liblua that would write other bytecode is detected and the
** source used. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <lauxlib.h>
#include <lualib.h>
#include "check.h"
#include "host.h"
#include "qm.h"
#include "stdlib_embed.h"
#include "stdlib_strip.h"

typedef struct Bytes { char *data; size_t len; } Bytes;

static int collect(lua_State *L, const void *p, size_t n, void *ud) {
  (void)L;
  Bytes *b = ud;
  char *data = realloc(b->data, b->len + n);
  if (data == NULL) return 1;
  memcpy(data + b->len, p, n);
  b->data = data;
  b->len += n;
  return 0;
}

TEST(every_module_is_embedded_as_bytecode_of_its_embedded_source_without_local_names) {
  lua_State *L = luaL_newstate();
  int count = 0;
  for (const QmEmbeddedModule *m = qmE_modules; m->name; m++, count++) {
    CHECK(m->bytecode_size > 4 && memcmp(m->bytecode, LUA_SIGNATURE, 4) == 0);
    char chunkname[256];
    snprintf(chunkname, sizeof chunkname, "@%s", m->path);
    /* the same bytes as this liblua's dump of the source without its local names: same code,
    ** same line numbers in every function */
    CHECK(luaL_loadbufferx(L, m->source, m->source_size, chunkname, "t") == LUA_OK);
    Bytes b = { NULL, 0 };
    CHECK(lua_dump(L, collect, &b, 0) == 0);
    unsigned char *no_locals = malloc(b.len);
    size_t n = qmE_strip_locals((const unsigned char *)b.data, b.len, no_locals);
    CHECK(n > 0 && n <= b.len);   /* equal for a module with no local names (a data table: a catalogue) */
    CHECK(n == m->bytecode_size && memcmp(no_locals, m->bytecode, n) == 0);
    free(no_locals);
    free(b.data);
    lua_settop(L, 0);
    /* binary only: the text mode that model files get refuses it */
    CHECK(luaL_loadbufferx(L, m->bytecode, m->bytecode_size, chunkname, "t") != LUA_OK);
    lua_settop(L, 0);
    CHECK(luaL_loadbufferx(L, m->bytecode, m->bytecode_size, chunkname, "b") == LUA_OK);
    lua_Debug ar;
    lua_getinfo(L, ">S", &ar);
    CHECK_STR(ar.source, chunkname);
    lua_settop(L, 0);
  }
  CHECK(count > 10);
  lua_close(L);
}

/* the dump of `code` (debug info kept) without local names, loaded: 1 on success */
static int load_without_locals(lua_State *L, const char *code) {
  if (luaL_loadbufferx(L, code, strlen(code), "=t", "t") != LUA_OK) return 0;
  Bytes b = { NULL, 0 };
  int ok = lua_dump(L, collect, &b, 0) == 0;
  lua_pop(L, 1);
  unsigned char *out = malloc(b.len);
  size_t n = ok ? qmE_strip_locals((const unsigned char *)b.data, b.len, out) : 0;
  ok = n > 0 && luaL_loadbufferx(L, (const char *)out, n, "=t", "b") == LUA_OK;
  free(out);
  free(b.data);
  return ok;
}

TEST(without_local_names_errors_keep_their_line_and_globals_their_name) {
  lua_State *L = luaL_newstate();
  luaL_openlibs(L);
  CHECK(load_without_locals(L, "local t = {}\nlocal function f(x)\n  return x.y\nend\n"
                                "return f, function() return nosuch() end"));
  CHECK(lua_pcall(L, 0, 2, 0) == LUA_OK);
  lua_pushvalue(L, 1);
  lua_pushnil(L);
  CHECK(lua_pcall(L, 1, 1, 0) != LUA_OK);
  CHECK_STR(lua_tostring(L, -1), "t:3: attempt to index a nil value");
  lua_pop(L, 1);
  CHECK(lua_pcall(L, 0, 0, 0) != LUA_OK);
  CHECK_STR(lua_tostring(L, -1), "t:5: attempt to call a nil value (global 'nosuch')");
  lua_close(L);
}

TEST(a_truncated_or_foreign_chunk_is_refused_not_misread) {
  const QmEmbeddedModule *m = qmE_modules;
  lua_State *L = luaL_newstate();
  CHECK(luaL_loadbufferx(L, m->source, m->source_size, "=m", "t") == LUA_OK);
  Bytes b = { NULL, 0 };
  CHECK(lua_dump(L, collect, &b, 0) == 0);
  unsigned char *out = malloc(b.len + 1);
  CHECK(qmE_strip_locals((const unsigned char *)b.data, b.len, out) > 0);
  int misread = 0;
  for (size_t len = 0; len < b.len; len++)   /* every proper prefix */
    if (qmE_strip_locals((const unsigned char *)b.data, len, out) != 0) misread++;
  CHECK(misread == 0);
  b.data[4] = 0x53;                          /* Lua 5.3 */
  CHECK(qmE_strip_locals((const unsigned char *)b.data, b.len, out) == 0);
  free(out);
  free(b.data);
  lua_close(L);
}

TEST(the_running_liblua_matches_the_build) {
  lua_State *L = luaL_newstate();
  char why[256] = "unset";
  CHECK(qmE_bytecode_matches(L, qmE_probe_dump, qmE_probe_dump_size, why, sizeof why) == 1);
  CHECK_STR(why, "");
  lua_close(L);
}

/* a copy of the build's probe dump with byte `at` set to `value` (at == -1: none) */
static char *altered(int at, int value, size_t *len) {
  *len = qmE_probe_dump_size;
  char *p = malloc(*len + 1);
  memcpy(p, qmE_probe_dump, *len);
  if (at >= 0) p[at] = (char)value;
  return p;
}

static void expect_mismatch(char *dump, size_t len, const char *says) {
  lua_State *L = luaL_newstate();
  char why[256] = "";
  CHECK(qmE_bytecode_matches(L, dump, len, why, sizeof why) == 0);
  if (strstr(why, says) == NULL) {
    fprintf(stderr, "  reason \"%s\" lacks \"%s\"\n", why, says);
    CHECK(strstr(why, says) != NULL);
  }
  lua_close(L);
  free(dump);
}

TEST(a_foreign_header_or_code_is_detected_with_its_reason) {
  size_t len;
  char *p;
  p = altered(4, 0x55, &len);   /* LUAC_VERSION */
  expect_mismatch(p, len, "compiled for Lua 5.5, the installed library is Lua 5.4");
  p = altered(5, 1, &len);      /* LUAC_FORMAT */
  expect_mismatch(p, len, "bytecode format 1, the installed library reads format 0");
  p = altered(8, 'X', &len);    /* LUAC_DATA */
  expect_mismatch(p, len, "check bytes differ");
  p = altered(13, 4, &len);     /* sizeof(lua_Integer) */
  expect_mismatch(p, len, "integers and floats of 4, 4 and 8 bytes, the installed library uses 4, 8 and 8");
  p = altered(15, 0x12, &len);  /* LUAC_INT */
  expect_mismatch(p, len, "stores integers or floats differently");
  p = altered((int)qmE_probe_dump_size - 2, 0x7f, &len);  /* the code itself */
  expect_mismatch(p, len, "compiles Lua 5.4 to different bytecode");
  p = altered(-1, 0, &len);     /* shorter: the running liblua writes more */
  expect_mismatch(p, len - 1, "different bytecode");
  p = altered(-1, 0, &len);     /* longer */
  p[len] = 0;
  expect_mismatch(p, len + 1, "different bytecode");
}

/* runs `code` in a fresh host; returns its first result as a malloc'd string (or NULL) */
static char *run(const char *code) {
  QmHost *h = qmH_new(0, 0);
  if (h == NULL) return NULL;
  char *out = NULL;
  if (luaL_loadstring(h->L, code) == LUA_OK && qmH_pcall(h, 0, 1) == LUA_OK) {
    const char *s = lua_tostring(h->L, -1);
    out = s ? strdup(s) : NULL;
  } else {
    fprintf(stderr, "  error: %s\n", qm_errmsg(h->L, -1) ? qm_errmsg(h->L, -1) : "?");
  }
  qmH_free(h);
  return out;
}

static int count(const char *hay, const char *needle) {
  int n = 0;
  for (const char *p = hay; (p = strstr(p, needle)) != NULL; p++) n++;
  return n;
}

TEST(with_a_foreign_liblua_the_source_is_used_and_noted_once) {
  size_t len;
  char *foreign = altered(4, 0x53, &len);
  qmE_reset(foreign, len);
  fflush(stderr);
  int saved = dup(2);
  FILE *err = tmpfile();
  CHECK(saved >= 0 && err != NULL);
  dup2(fileno(err), 2);
  setenv("QM_STDLIB_TRACE", "1", 1);   /* names the way each module was actually loaded */
  const char *code =
    "local host = require 'qm.host'\n"
    "local t = require 'qm.eval.time'\n"
    "local json = require 'qm.reports.json'\n"
    "local mode, why = host.stdlib()\n"
    "return mode .. '|' .. why .. '|' .. json.encode({ t.parse('2025-03-01') ~= nil })";
  char *first = run(code);
  char *second = run(code);   /* another state in the same process: no second note */
  fflush(stderr);
  unsetenv("QM_STDLIB_TRACE");
  dup2(saved, 2);
  close(saved);
  char text[8192] = "";
  rewind(err);
  size_t n = fread(text, 1, sizeof text - 1, err);
  text[n] = '\0';
  fclose(err);
  CHECK_STR(first, "source|it was compiled for Lua 5.3, the installed library is Lua 5.4|[true]");
  CHECK_STR(second, first);
  CHECK(count(text, "qm: note: the Lua library installed (liblua5.4) cannot run the stdlib bytecode") == 1);
  CHECK(strstr(text, "compiled for Lua 5.3") != NULL);
  CHECK(count(text, "qm: stdlib qm.eval.time: source, load") == 2);
  CHECK(count(text, "qm: stdlib qm.reports.json: source, load") == 2);
  CHECK(strstr(text, ": bytecode, load") == NULL);
  CHECK(strstr(text, "rebuilding qm removes this note") != NULL);
  free(first);
  free(second);
  /* the build's own probe again: bytecode */
  qmE_reset(NULL, 0);
  char *again = run("return (require 'qm.host').stdlib()");
  CHECK_STR(again, "bytecode");
  free(again);
  free(foreign);
}

int main(void) {
  unsetenv("QM_STDLIB_PATH");
  RUN(every_module_is_embedded_as_bytecode_of_its_embedded_source_without_local_names);
  RUN(without_local_names_errors_keep_their_line_and_globals_their_name);
  RUN(a_truncated_or_foreign_chunk_is_refused_not_misread);
  RUN(the_running_liblua_matches_the_build);
  RUN(a_foreign_header_or_code_is_detected_with_its_reason);
  RUN(with_a_foreign_liblua_the_source_is_used_and_noted_once);
  return DONE();
}
