/*
** embed_stdlib.c — build tool: writes the C file that embeds the Lua stdlib in qm
** (generated/stdlib_embed.c, see engine/stdlib_embed.h). For each .lua file under stdlib/ it
** records the module name (stdlib/qm/time.lua is "qm.time"), the chunk name, the Lua source
** and the bytecode this liblua compiles it to, with line numbers but without the names of
** local variables (engine/stdlib_strip.c says why; checked here by loading the result); and
** the bytecode of the probe chunk (engine/stdlib_probe.h) that qm compiles again at start to
** check that the running liblua reads this bytecode. A syntax error in the stdlib fails the
** build here. It also writes the report index: for every `register("NAME"` in a module's
** source (how modules under qm/reports/ register their reports with qm.engine.reports), the
** pair (NAME, module), so that asking for one report loads only the module that has it. The
** index is a hint: qm.engine.reports falls back to loading every report module, and
** tests/engine/test_report_index.lua checks that it agrees with what the modules register.
** Built and run by CMake on the build machine (it links the same liblua5.4 as qm: Debian
** ships no luac). Writes OUT.tmp, then renames it to OUT.
** Usage: embed_stdlib OUT.c STDLIB_DIR RELPATH.lua...   (RELPATH relative to STDLIB_DIR)
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <lua.h>
#include <lauxlib.h>
#include "stdlib_probe.h"
#include "stdlib_strip.h"

typedef struct Buf {
  unsigned char *data;
  size_t len, cap;
} Buf;

static int buf_add(Buf *b, const void *p, size_t n) {
  if (b->len + n > b->cap) {
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + n) cap *= 2;
    unsigned char *data = realloc(b->data, cap);
    if (data == NULL) return -1;
    b->data = data;
    b->cap = cap;
  }
  memcpy(b->data + b->len, p, n);
  b->len += n;
  return 0;
}

static int dump_writer(lua_State *L, const void *p, size_t n, void *ud) {
  (void)L;
  return buf_add(ud, p, n);
}

/* the whole file at `path` into `b`; -1 with a message on failure */
static int read_file(const char *path, Buf *b) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) { perror(path); return -1; }
  unsigned char chunk[65536];
  size_t n;
  int rc = 0;
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
    if (buf_add(b, chunk, n) != 0) { fprintf(stderr, "embed_stdlib: out of memory\n"); rc = -1; break; }
  if (ferror(f)) { perror(path); rc = -1; }
  fclose(f);
  return rc;
}

/* compiles `src` as text and dumps it into `out`; the function stays on the stack (the
** callers reset the stack) */
static int compile(lua_State *L, const char *src, size_t len, const char *chunkname, int strip, Buf *out) {
  if (luaL_loadbufferx(L, src, len, chunkname, "t") != LUA_OK) {
    fprintf(stderr, "embed_stdlib: %s\n", lua_tostring(L, -1));
    return -1;
  }
  if (lua_dump(L, dump_writer, out, strip) != 0) {
    fprintf(stderr, "embed_stdlib: cannot dump %s (out of memory)\n", chunkname);
    return -1;
  }
  return 0;
}

/* a C string literal of any bytes: printable ASCII as is, the rest as 3-digit octal escapes
** (so a following digit never extends an escape), a line break after each newline */
static void write_literal(FILE *f, const unsigned char *p, size_t n) {
  size_t col = 0;
  fputs("  \"", f);
  for (size_t i = 0; i < n; i++) {
    unsigned char c = p[i];
    if (c == '\n') fputs("\\n", f), col += 2;
    else if (c == '"' || c == '\\' || c == '?') fprintf(f, "\\%c", c), col += 2;
    else if (c >= 0x20 && c < 0x7f) fputc(c, f), col++;
    else fprintf(f, "\\%03o", c), col += 4;
    if (i + 1 < n && (c == '\n' || col >= 96)) { fputs("\"\n  \"", f); col = 0; }
  }
  fputs("\"", f);
}

/* "qm/internal/cli.lua" -> "qm.internal.cli"; NULL when the path does not end in .lua */
static char *module_name(const char *rel) {
  size_t n = strlen(rel);
  if (n < 5 || strcmp(rel + n - 4, ".lua") != 0) return NULL;
  char *name = malloc(n - 3);
  if (name == NULL) return NULL;
  for (size_t i = 0; i < n - 4; i++) name[i] = rel[i] == '/' ? '.' : rel[i];
  name[n - 4] = '\0';
  return name;
}

/* the report index, written after the modules */
typedef struct Hint { char name[64]; char *module; } Hint;
static Hint *hints = NULL;
static size_t nhints = 0;

/* every `register("NAME"` (spaces allowed after the parenthesis) in src, outside "--"
** comments (a comment is taken to run to the end of its line) */
static int scan_registrations(const char *src, size_t len, const char *module) {
  static const char key[] = "register(";
  for (const char *p = src, *end = src + len; p < end; p++) {
    if (*p == '-' && p + 1 < end && p[1] == '-') {
      while (p < end && *p != '\n') p++;
      continue;
    }
    if ((size_t)(end - p) < sizeof key - 1 || memcmp(p, key, sizeof key - 1) != 0) continue;
    const char *q = p + sizeof key - 1;
    while (q < end && (*q == ' ' || *q == '\t')) q++;
    if (q >= end || *q != '"') continue;
    const char *name = ++q;
    while (q < end && (*q == '_' || (*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') ||
                       (*q >= '0' && *q <= '9'))) q++;
    size_t n = (size_t)(q - name);
    if (q >= end || *q != '"' || n == 0 || n >= sizeof hints->name) continue;
    Hint *more = realloc(hints, (nhints + 1) * sizeof *hints);
    char *mod = malloc(strlen(module) + 1);
    if (more == NULL || mod == NULL) {
      free(mod);
      if (more != NULL) hints = more;
      fprintf(stderr, "embed_stdlib: out of memory\n");
      return -1;
    }
    hints = more;
    memcpy(hints[nhints].name, name, n);
    hints[nhints].name[n] = '\0';
    hints[nhints].module = strcpy(mod, module);
    nhints++;
  }
  return 0;
}

static void write_hints(FILE *f) {
  fputs("\nconst QmEmbeddedHint qmE_report_index[] = {\n", f);
  for (size_t i = 0; i < nhints; i++)
    fprintf(f, "  { \"%s\", \"%s\" },\n", hints[i].name, hints[i].module);
  fputs("  { NULL, NULL }\n};\n", f);
}

static void free_hints(void) {
  for (size_t i = 0; i < nhints; i++) free(hints[i].module);
  free(hints);
}

/* `code` (a full dump of the function on top of L's stack) without local names, when that
** loads and has the same code as the full dump; otherwise `code` as it is, with a warning */
static int strip_locals(lua_State *L, const char *chunkname, Buf *code) {
  Buf full = { 0 }, again = { 0 };
  unsigned char *out = malloc(code->len);
  int rc = -1;
  if (out == NULL) { fprintf(stderr, "embed_stdlib: out of memory\n"); goto done; }
  size_t n = qmE_strip_locals(code->data, code->len, out);
  /* both stripped of all debug info must be the same bytes: the same code and constants */
  if (n > 0 && lua_dump(L, dump_writer, &full, 1) == 0 &&
      luaL_loadbufferx(L, (const char *)out, n, chunkname, "b") == LUA_OK) {
    int same = lua_dump(L, dump_writer, &again, 1) == 0 && again.len == full.len &&
               memcmp(again.data, full.data, full.len) == 0;
    lua_pop(L, 1);
    if (same) {
      memcpy(code->data, out, n);
      code->len = n;
      rc = 0;
      goto done;
    }
  } else if (n > 0 && full.len > 0) {
    lua_pop(L, 1);   /* the load's error message */
  }
  fprintf(stderr, "embed_stdlib: warning: %s: kept the local names (this liblua's bytecode is not "
          "laid out as engine/stdlib_strip.c reads it)\n", chunkname);
  rc = 0;
done:
  free(out);
  free(full.data);
  free(again.data);
  return rc;
}

static int embed_module(lua_State *L, FILE *f, int i, const char *dir, const char *rel) {
  Buf src = { 0 }, code = { 0 };
  char *name = module_name(rel);
  size_t pathlen = strlen(dir) + strlen(rel) + 2;
  size_t chunklen = strlen(rel) + sizeof "@stdlib/";
  char *path = malloc(pathlen), *chunkname = malloc(chunklen);
  int rc = -1;
  if (name == NULL || path == NULL || chunkname == NULL) {
    fprintf(stderr, "embed_stdlib: %s: not a .lua file (or out of memory)\n", rel);
    goto done;
  }
  snprintf(path, pathlen, "%s/%s", dir, rel);
  snprintf(chunkname, chunklen, "@stdlib/%s", rel);
  if (read_file(path, &src) != 0) goto done;
  if (compile(L, (const char *)src.data, src.len, chunkname, 0, &code) != 0) goto done;
  if (strip_locals(L, chunkname, &code) != 0) goto done;
  if (scan_registrations((const char *)src.data, src.len, name) != 0) goto done;
  fprintf(f, "/* %s */\nstatic const char s%d[] =\n", rel, i);
  write_literal(f, src.data, src.len);
  fprintf(f, ";\nstatic const char b%d[] =\n", i);
  write_literal(f, code.data, code.len);
  fputs(";\n\n", f);
  rc = 0;
done:
  lua_settop(L, 0);
  free(src.data);
  free(code.data);
  free(name);
  free(path);
  free(chunkname);
  return rc;
}

static int write_table(FILE *f, int argc, char **argv) {
  fputs("const QmEmbeddedModule qmE_modules[] = {\n", f);
  for (int i = 3; i < argc; i++) {
    char *name = module_name(argv[i]);
    if (name == NULL) return -1;
    fprintf(f, "  { \"%s\", \"stdlib/%s\", s%d, sizeof s%d - 1, b%d, sizeof b%d - 1 },\n",
            name, argv[i], i, i, i, i);
    free(name);
  }
  fputs("  { NULL, NULL, NULL, 0, NULL, 0 }\n};\n", f);
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: embed_stdlib OUT.c STDLIB_DIR RELPATH.lua...\n");
    return 2;
  }
  const char *out = argv[1], *dir = argv[2];
  size_t tmplen = strlen(out) + sizeof ".tmp";
  char *tmp = malloc(tmplen);
  lua_State *L = luaL_newstate();
  FILE *f = NULL;
  Buf probe = { 0 };
  int rc = 1;
  if (tmp == NULL || L == NULL) { fprintf(stderr, "embed_stdlib: out of memory\n"); goto done; }
  snprintf(tmp, tmplen, "%s.tmp", out);
  f = fopen(tmp, "w");
  if (f == NULL) { perror(tmp); goto done; }
  fputs("/* Generated by cmake/embed_stdlib.c from stdlib/: do not edit. */\n"
        "#include <stddef.h>\n#include \"stdlib_embed.h\"\n\n", f);
  for (int i = 3; i < argc; i++)
    if (embed_module(L, f, i, dir, argv[i]) != 0) goto done;
  if (write_table(f, argc, argv) != 0) goto done;
  write_hints(f);
  if (compile(L, qmE_probe_source, sizeof qmE_probe_source - 1, "=probe", 1, &probe) != 0) goto done;
  lua_settop(L, 0);
  fputs("\nconst char qmE_probe_dump[] =\n", f);
  write_literal(f, probe.data, probe.len);
  fputs(";\nconst size_t qmE_probe_dump_size = sizeof qmE_probe_dump - 1;\n", f);
  int werr = ferror(f);
  int cerr = fclose(f);
  f = NULL;
  if (werr || cerr != 0) { fprintf(stderr, "embed_stdlib: cannot write %s\n", tmp); goto done; }
  if (rename(tmp, out) != 0) { perror(out); goto done; }
  rc = 0;
done:
  if (f != NULL) fclose(f);
  if (rc != 0 && tmp != NULL) remove(tmp);
  free(probe.data);
  free_hints();
  free(tmp);
  if (L != NULL) lua_close(L);
  return rc;
}
