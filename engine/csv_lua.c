/*
** csv_lua.c — the "qm.csv" module: the streaming CSV reader (csv.c) for Lua. A reader
** ("qm.csv.reader") reads one record at a time into a table the caller reuses, so an import
** of any size runs in constant memory; its header is the first non-blank record. The module
** is the engine's (not one a model may require: sandbox.c's public_modules), so it opens the
** paths the command line gave. Errors come back as values ("name:line:field: message"),
** never raised, so an import can list them.
*/
#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <lauxlib.h>
#include "csv.h"
#include "csv_lua.h"
#include "qm.h"

#define READER_MT "qm.csv.reader"

typedef struct {
  QmCsv *csv;        /* NULL once closed */
  int header_read;   /* the header record was consumed (or there is none: header = 0) */
  int has_header;    /* opts.header ~= false */
  /* reader:fill's memory of the previous record's fields (trimmed), to leave a value that
  ** repeats (a round id, a participant) in place instead of making it again */
  char *prev;
  size_t prev_cap, *prev_off, *prev_len;
  int prev_n, prev_cap_n;
} Reader;

static void forget_prev(Reader *r) {
  free(r->prev); free(r->prev_off); free(r->prev_len);
  r->prev = NULL; r->prev_off = r->prev_len = NULL;
  r->prev_cap = 0; r->prev_n = r->prev_cap_n = 0;
}

static Reader *check_reader(lua_State *L, int idx) {
  Reader *r = luaL_checkudata(L, idx, READER_MT);
  if (r->csv == NULL) luaL_error(L, "the CSV reader is closed");
  return r;
}

/* push "name:line[:field]: message" for the reader's error */
static void push_error(lua_State *L, int idx, QmCsv *csv) {
  lua_getiuservalue(L, idx, 1);
  const char *name = lua_tostring(L, -1);
  int field = qmCsv_error_field(csv);
  if (field > 0)
    lua_pushfstring(L, "%s:%d:%d: %s", name ? name : "csv", (int)qmCsv_error_line(csv), field, qmCsv_error(csv));
  else
    lua_pushfstring(L, "%s:%d: %s", name ? name : "csv", (int)qmCsv_error_line(csv), qmCsv_error(csv));
  lua_remove(L, -2);
}

static int parse_delimiter(lua_State *L, int opts) {
  if (lua_type(L, opts) != LUA_TTABLE) return 0;
  int t = lua_getfield(L, opts, "delimiter");
  int d = 0;
  if (t == LUA_TSTRING) {
    const char *s = lua_tostring(L, -1);
    if (strcmp(s, ",") == 0) d = ',';
    else if (strcmp(s, ";") == 0) d = ';';
    else if (strcmp(s, "\t") == 0 || strcmp(s, "tab") == 0) d = '\t';
    else luaL_error(L, "delimiter must be \",\", \";\" or \"tab\", not \"%s\"", s);
  } else if (t != LUA_TNIL) {
    luaL_error(L, "delimiter must be a string");
  }
  lua_pop(L, 1);
  return d;
}

static int option_flag(lua_State *L, int opts, const char *name, int dflt) {
  if (lua_type(L, opts) != LUA_TTABLE) return dflt;
  int t = lua_getfield(L, opts, name);
  int v = t == LUA_TNIL ? dflt : lua_toboolean(L, -1);
  lua_pop(L, 1);
  return v;
}

static Reader *new_reader(lua_State *L, int opts) {
  Reader *r = lua_newuserdatauv(L, sizeof *r, 3);  /* name, source text, header */
  memset(r, 0, sizeof *r);
  luaL_setmetatable(L, READER_MT);
  r->has_header = option_flag(L, opts, "header", 1);
  return r;
}

/* csv.open(path [, { delimiter = ";", header = true, name = "shown as" }]) -> reader, or
** nil and "cannot open ..." */
static int l_open(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  int delim = parse_delimiter(L, 2);
  FILE *f = fopen(path, "rb");
  if (f == NULL) {
    int e = errno;
    lua_pushnil(L);
    lua_pushfstring(L, "cannot open %s: %s", path, strerror(e));
    return 2;
  }
  Reader *r = new_reader(L, 2);
  r->csv = qmCsv_open_file(f, 1, (char)delim);
  if (r->csv == NULL) return luaL_error(L, "not enough memory");
  if (lua_type(L, 2) == LUA_TTABLE && lua_getfield(L, 2, "name") == LUA_TSTRING) {
    lua_setiuservalue(L, -2, 1);
  } else {
    if (lua_type(L, 2) == LUA_TTABLE) lua_pop(L, 1);
    lua_pushvalue(L, 1);
    lua_setiuservalue(L, -2, 1);
  }
  return 1;
}

/* csv.reader(text [, opts]) -> a reader over a string (kept alive by the reader) */
static int l_reader(lua_State *L) {
  size_t len;
  const char *text = luaL_checklstring(L, 1, &len);
  int delim = parse_delimiter(L, 2);
  Reader *r = new_reader(L, 2);
  r->csv = qmCsv_open_mem(text, len, (char)delim);
  if (r->csv == NULL) return luaL_error(L, "not enough memory");
  if (lua_type(L, 2) == LUA_TTABLE && lua_getfield(L, 2, "name") == LUA_TSTRING) {
    lua_setiuservalue(L, -2, 1);
  } else {
    if (lua_type(L, 2) == LUA_TTABLE) lua_pop(L, 1);
    lua_pushliteral(L, "csv");
    lua_setiuservalue(L, -2, 1);
  }
  lua_pushvalue(L, 1);
  lua_setiuservalue(L, -2, 2);
  return 1;
}

/* fill the table at tidx with the current record's fields; clears what follows */
static void fill(lua_State *L, int tidx, QmCsv *csv, int trim) {
  int n = qmCsv_count(csv);
  for (int i = 0; i < n; i++) {
    size_t len;
    const char *s = qmCsv_field(csv, i, &len);
    if (trim) {
      while (len > 0 && (*s == ' ' || *s == '\t')) { s++; len--; }
      while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t')) len--;
    }
    lua_pushlstring(L, s, len);
    lua_rawseti(L, tidx, i + 1);
  }
  for (lua_Integer i = n + 1; lua_rawgeti(L, tidx, i) != LUA_TNIL; i++) {
    lua_pop(L, 1);
    lua_pushnil(L);
    lua_rawseti(L, tidx, i);
  }
  lua_pop(L, 1);
}

/* push a copy of the array at idx */
static void push_copy(lua_State *L, int idx) {
  idx = lua_absindex(L, idx);
  lua_Integer n = luaL_len(L, idx);
  lua_createtable(L, (int)n, 0);
  for (lua_Integer i = 1; i <= n; i++) { lua_rawgeti(L, idx, i); lua_rawseti(L, -2, i); }
}

/* reader:header() -> a new array of the first record's fields (trimmed), or nil when the
** input has no record (or the reader was opened with header = false); or false, message */
static int r_header(lua_State *L) {
  Reader *r = check_reader(L, 1);
  if (!r->has_header) { lua_pushnil(L); return 1; }
  if (r->header_read) {
    if (lua_getiuservalue(L, 1, 3) != LUA_TTABLE) { lua_pushnil(L); return 1; }
    push_copy(L, -1);
    return 1;
  }
  r->header_read = 1;
  int st = qmCsv_next(r->csv);
  if (st < 0) { lua_pushboolean(L, 0); push_error(L, 1, r->csv); return 2; }
  if (st == 0) { lua_pushnil(L); return 1; }
  lua_newtable(L);
  fill(L, lua_gettop(L), r->csv, 1);
  lua_pushvalue(L, -1);
  lua_setiuservalue(L, 1, 3);
  push_copy(L, -1);
  return 1;
}

/* reader:read([t]) -> t (the fields, t.n untouched), line; nil at the end; false, message */
static int r_read(lua_State *L) {
  Reader *r = check_reader(L, 1);
  if (lua_isnoneornil(L, 2)) { lua_settop(L, 1); lua_newtable(L); }
  else { luaL_checktype(L, 2, LUA_TTABLE); lua_settop(L, 2); }
  if (r->has_header && !r->header_read) {
    lua_pushcfunction(L, r_header);
    lua_pushvalue(L, 1);
    lua_call(L, 1, 2);
    if (lua_type(L, -2) == LUA_TBOOLEAN) return 2;  /* false, message */
    lua_pop(L, 2);
  }
  int st = qmCsv_next(r->csv);
  if (st < 0) { lua_pushboolean(L, 0); push_error(L, 1, r->csv); return 2; }
  if (st == 0) { lua_pushnil(L); return 1; }
  fill(L, 2, r->csv, 0);
  lua_pushvalue(L, 2);
  lua_pushinteger(L, qmCsv_line(r->csv));
  return 2;
}

/* reader:fill(row, names [, keep]) -> the record's field count, its line; nil at the end;
** false, message. The fast path of an import: for each field i whose names[i] is a string,
** sets row[names[i]] to the field without the spaces and tabs around it, or to nil when
** nothing is left -- no table per record, no Lua loop over the columns. With keep, a field
** i for which keep[i] is true and whose text is the previous record's is left as it is in
** row (the caller must not change those entries). The header is read first if it was not. */
static int r_fill(lua_State *L) {
  Reader *r = check_reader(L, 1);
  luaL_checktype(L, 2, LUA_TTABLE);
  luaL_checktype(L, 3, LUA_TTABLE);
  lua_settop(L, 4);
  if (r->has_header && !r->header_read) {
    lua_pushcfunction(L, r_header);
    lua_pushvalue(L, 1);
    lua_call(L, 1, 2);
    if (lua_type(L, -2) == LUA_TBOOLEAN) return 2;  /* false, message */
    lua_pop(L, 2);
  }
  int st = qmCsv_next(r->csv);
  if (st < 0) { lua_pushboolean(L, 0); push_error(L, 1, r->csv); return 2; }
  if (st == 0) { lua_pushnil(L); return 1; }
  int n = qmCsv_count(r->csv);
  int keep = lua_istable(L, 4);
  /* room to remember this record (best effort: without it nothing is left in place) */
  size_t total = 0;
  for (int i = 0; i < n; i++) { size_t len; qmCsv_field(r->csv, i, &len); total += len; }
  if (keep && (n > r->prev_cap_n || total > r->prev_cap)) {
    int cap_n = n > r->prev_cap_n ? n : r->prev_cap_n;
    size_t cap = total > r->prev_cap ? total * 2 + 64 : r->prev_cap;
    char *p = realloc(r->prev, cap);
    size_t *po = realloc(r->prev_off, (size_t)cap_n * sizeof *po);
    size_t *pl = po ? realloc(r->prev_len, (size_t)cap_n * sizeof *pl) : NULL;
    if (p) r->prev = p;
    if (po) r->prev_off = po;
    if (pl) r->prev_len = pl;
    if (p && po && pl) { r->prev_cap = cap; r->prev_cap_n = cap_n; }
    else { forget_prev(r); keep = 0; }
  }
  int had = keep ? r->prev_n : 0;
  size_t at = 0;
  for (int i = 0; i < n; i++) {
    size_t len;
    const char *f = qmCsv_field(r->csv, i, &len);
    while (len > 0 && (*f == ' ' || *f == '\t')) { f++; len--; }
    while (len > 0 && (f[len - 1] == ' ' || f[len - 1] == '\t')) len--;
    if (lua_rawgeti(L, 3, i + 1) == LUA_TSTRING) {
      int same = 0;
      if (i < had && r->prev_len[i] == len && memcmp(r->prev + r->prev_off[i], f, len) == 0) {
        lua_rawgeti(L, 4, i + 1);
        same = lua_toboolean(L, -1);
        lua_pop(L, 1);
      }
      if (same) lua_pop(L, 1);  /* row[name] already holds this value */
      else {
        if (len == 0) lua_pushnil(L);
        else lua_pushlstring(L, f, len);
        lua_rawset(L, 2);
      }
    } else {
      lua_pop(L, 1);
    }
    if (keep) {
      memcpy(r->prev + at, f, len);
      r->prev_off[i] = at;
      r->prev_len[i] = len;
      at += len;
    }
  }
  if (keep) r->prev_n = n;
  lua_pushinteger(L, n);
  lua_pushinteger(L, qmCsv_line(r->csv));
  return 2;
}

/* reader:line([i]) -> the line field i (1-based) of the current record starts on; without
** i, the record's first line */
static int r_line(lua_State *L) {
  Reader *r = check_reader(L, 1);
  if (lua_isnoneornil(L, 2)) lua_pushinteger(L, qmCsv_line(r->csv));
  else lua_pushinteger(L, qmCsv_field_line(r->csv, (int)luaL_checkinteger(L, 2) - 1));
  return 1;
}

/* reader:dialect() -> { delimiter = ";", bom = true, crlf = true } (after the first read) */
static int r_dialect(lua_State *L) {
  Reader *r = check_reader(L, 1);
  char d = qmCsv_delimiter(r->csv);
  lua_createtable(L, 0, 3);
  if (d != 0) {
    char s[2] = { d, '\0' };
    lua_pushstring(L, s);
    lua_setfield(L, -2, "delimiter");
  }
  lua_pushboolean(L, qmCsv_bom(r->csv));
  lua_setfield(L, -2, "bom");
  lua_pushboolean(L, qmCsv_crlf(r->csv));
  lua_setfield(L, -2, "crlf");
  return 1;
}

static int r_bytes(lua_State *L) {
  Reader *r = check_reader(L, 1);
  lua_pushinteger(L, (lua_Integer)qmCsv_bytes(r->csv));
  return 1;
}

static int r_name(lua_State *L) {
  check_reader(L, 1);
  lua_getiuservalue(L, 1, 1);
  return 1;
}

static int r_close(lua_State *L) {
  Reader *r = luaL_checkudata(L, 1, READER_MT);
  if (r->csv) { qmCsv_close(r->csv); r->csv = NULL; }
  forget_prev(r);
  return 0;
}

static int r_tostring(lua_State *L) {
  Reader *r = luaL_checkudata(L, 1, READER_MT);
  lua_getiuservalue(L, 1, 1);
  const char *name = lua_tostring(L, -1);
  if (r->csv == NULL) lua_pushfstring(L, "<csv reader %s (closed)>", name ? name : "");
  else lua_pushfstring(L, "<csv reader %s, line %d>", name ? name : "", (int)qmCsv_line(r->csv));
  return 1;
}

int qmCsv_open_lib(lua_State *L) {
  static const luaL_Reg methods[] = {
    { "header", r_header }, { "read", r_read }, { "fill", r_fill }, { "line", r_line }, { "dialect", r_dialect },
    { "bytes", r_bytes }, { "name", r_name }, { "close", r_close }, { NULL, NULL } };
  if (luaL_newmetatable(L, READER_MT)) {
    luaL_newlib(L, methods);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, r_close);
    lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, r_close);
    lua_setfield(L, -2, "__close");
    lua_pushcfunction(L, r_tostring);
    lua_setfield(L, -2, "__tostring");
    lua_pushliteral(L, "csv reader");
    lua_setfield(L, -2, "__metatable");
  }
  lua_pop(L, 1);
  lua_createtable(L, 0, 3);
  lua_pushcfunction(L, l_open);
  lua_setfield(L, -2, "open");
  lua_pushcfunction(L, l_reader);
  lua_setfield(L, -2, "reader");
  lua_pushinteger(L, (lua_Integer)QM_CSV_MAX_RECORD);
  lua_setfield(L, -2, "max_record");
  return 1;
}
