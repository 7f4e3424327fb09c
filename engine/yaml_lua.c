/*
** yaml_lua.c — YAML for Lua: the "qm.yaml" module. Parses with libyaml's event API into Lua
** values, keeping each mapping's key order and each node's position (for messages at the
** YAML file's own line), resolving scalars by a documented schema (docs/yaml.md), and
** refusing crafted documents (deep nesting, alias bombs, huge input) with a clear error.
** The parser lives in a userdata, so a Lua error in the middle still frees it (__gc).
*/
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>
#include <lauxlib.h>
#include "qm.h"
#include "sandbox.h"
#include "yaml_lua.h"

#define YAML_MAX_DEPTH 64
#define YAML_MAX_NODES 1000000        /* nodes built, aliases expanded included */
#define YAML_MAX_ALIAS_NODES 100000   /* nodes copied by expanding aliases */
#define YAML_MAX_INPUT (64u * 1024 * 1024)

static const char ORDER_KEY[] = "qm.yaml.order";   /* weak: mapping -> array of keys */
static const char WHERE_KEY[] = "qm.yaml.where";   /* weak: table -> {line, col, keys = {k = "l:c"}} */
#define PARSER_MT "qm.yaml.parser"

typedef struct {
  yaml_parser_t parser;
  yaml_event_t event;
  int has_event;
  int initialized;
} Parser;

typedef struct {
  lua_State *L;
  Parser *p;
  const char *name;
  int strings;        /* "string" scalars mode */
  long nodes, alias_nodes;
  int anchors;        /* stack index of the anchors table */
  int order, where;   /* stack indices of the weak tables */
} Ctx;

static int parser_gc(lua_State *L) {
  Parser *p = luaL_checkudata(L, 1, PARSER_MT);
  if (p->has_event) { yaml_event_delete(&p->event); p->has_event = 0; }
  if (p->initialized) { yaml_parser_delete(&p->parser); p->initialized = 0; }
  return 0;
}

/* raise "name:line:col: msg" (libyaml's marks are 0-based) */
static int fail(Ctx *c, size_t line, size_t col, const char *msg) {
  lua_State *L = c->L;
  return qm_raise(L, QM_EXIT_MODEL, 0, "%s:%d:%d: %s", c->name, (int)line + 1, (int)col + 1, msg);
}

static void next_event(Ctx *c) {
  Parser *p = c->p;
  if (p->has_event) { yaml_event_delete(&p->event); p->has_event = 0; }
  if (!yaml_parser_parse(&p->parser, &p->event)) {
    yaml_mark_t m = p->parser.problem_mark;
    const char *problem = p->parser.problem ? p->parser.problem : "syntax error";
    if (p->parser.context) {
      lua_pushfstring(c->L, "%s %s", problem, p->parser.context);
      fail(c, m.line, m.column, lua_tostring(c->L, -1));
    }
    fail(c, m.line, m.column, problem);
  }
  p->has_event = 1;
}

static void count_node(Ctx *c, yaml_mark_t m) {
  if (++c->nodes > YAML_MAX_NODES) {
    lua_pushfstring(c->L, "document too large (limit %d nodes)", YAML_MAX_NODES);
    fail(c, m.line, m.column, lua_tostring(c->L, -1));
  }
}

/* ---------------------------------------------------------------- scalars */

static int all_digits(const char *s) {
  if (*s == '\0') return 0;
  for (; *s; s++) if (*s < '0' || *s > '9') return 0;
  return 1;
}

static int is_one_of(const char *s, const char *const *list) {
  for (int i = 0; list[i]; i++) if (strcmp(s, list[i]) == 0) return 1;
  return 0;
}

static const char *const true_words[] = { "true", "True", "TRUE", NULL };
static const char *const false_words[] = { "false", "False", "FALSE", NULL };
static const char *const null_words[] = { "null", "Null", "NULL", "~", "", NULL };

/* plain scalar -> Lua value by the core schema with qm's leading-zero rule */
static void push_plain(lua_State *L, const char *s, size_t len) {
  if (is_one_of(s, null_words)) { qm_pushnull(L); return; }
  if (is_one_of(s, true_words)) { lua_pushboolean(L, 1); return; }
  if (is_one_of(s, false_words)) { lua_pushboolean(L, 0); return; }
  const char *digits = (s[0] == '-' || s[0] == '+') ? s + 1 : s;
  if (all_digits(digits)) {
    if (digits[0] == '0' && digits[1] != '\0') { lua_pushlstring(L, s, len); return; }  /* a code */
    errno = 0;
    long long v = strtoll(s, NULL, 10);
    if (errno == 0) { lua_pushinteger(L, (lua_Integer)v); return; }
  }
  if ((s[0] == '0' && (s[1] == 'x' || s[1] == 'o')) && s[2] != '\0') {
    char *end;
    errno = 0;
    long long v = strtoll(s + 2, &end, s[1] == 'x' ? 16 : 8);
    if (errno == 0 && *end == '\0') { lua_pushinteger(L, (lua_Integer)v); return; }
  }
  static const char *const inf[] = { ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", NULL };
  static const char *const ninf[] = { "-.inf", "-.Inf", "-.INF", NULL };
  static const char *const nan_words[] = { ".nan", ".NaN", ".NAN", NULL };
  if (is_one_of(s, inf)) { lua_pushnumber(L, HUGE_VAL); return; }
  if (is_one_of(s, ninf)) { lua_pushnumber(L, -HUGE_VAL); return; }
  if (is_one_of(s, nan_words)) { lua_pushnumber(L, NAN); return; }
  /* float: [-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )? */
  const char *q = digits;
  int mant = 0;
  while (*q >= '0' && *q <= '9') { q++; mant = 1; }
  if (*q == '.') { q++; while (*q >= '0' && *q <= '9') { q++; mant = 1; } }
  if (mant && (*q == 'e' || *q == 'E')) {
    q++;
    if (*q == '-' || *q == '+') q++;
    if (!(*q >= '0' && *q <= '9')) mant = 0;
    while (*q >= '0' && *q <= '9') q++;
  }
  if (mant && *q == '\0' && strpbrk(digits, ".eE")) { lua_pushnumber(L, strtod(s, NULL)); return; }
  lua_pushlstring(L, s, len);
}

static void push_scalar(Ctx *c, yaml_event_t *e) {
  lua_State *L = c->L;
  const char *v = (const char *)e->data.scalar.value;
  size_t len = e->data.scalar.length;
  const char *tag = (const char *)e->data.scalar.tag;
  int plain = e->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
  if (tag && strcmp(tag, "!") != 0) {
    if (strcmp(tag, YAML_STR_TAG) == 0) { lua_pushlstring(L, v, len); return; }
    if (strcmp(tag, YAML_NULL_TAG) == 0) { qm_pushnull(L); return; }
    if (strcmp(tag, YAML_BOOL_TAG) == 0) {
      if (is_one_of(v, true_words)) { lua_pushboolean(L, 1); return; }
      if (is_one_of(v, false_words)) { lua_pushboolean(L, 0); return; }
      lua_pushfstring(L, "\"%s\" is not a boolean (!!bool takes true or false)", v);
      fail(c, e->start_mark.line, e->start_mark.column, lua_tostring(L, -1));
    }
    if (strcmp(tag, YAML_INT_TAG) == 0 || strcmp(tag, YAML_FLOAT_TAG) == 0) {
      char *end;
      errno = 0;
      if (strcmp(tag, YAML_INT_TAG) == 0) {
        long long n = strtoll(v, &end, 0);
        if (errno == 0 && *v && *end == '\0') { lua_pushinteger(L, (lua_Integer)n); return; }
        lua_pushfstring(L, "\"%s\" is not an integer", v);
        fail(c, e->start_mark.line, e->start_mark.column, lua_tostring(L, -1));
      }
      double d = strtod(v, &end);
      if (errno == 0 && *v && *end == '\0') { lua_pushnumber(L, d); return; }
      lua_pushfstring(L, "\"%s\" is not a number", v);
      fail(c, e->start_mark.line, e->start_mark.column, lua_tostring(L, -1));
    }
    lua_pushfstring(L, "unknown tag %s (qm knows !!str, !!int, !!float, !!bool, !!null)", tag);
    fail(c, e->start_mark.line, e->start_mark.column, lua_tostring(L, -1));
  }
  if (!plain) { lua_pushlstring(L, v, len); return; }
  if (c->strings) {
    if (is_one_of(v, null_words)) qm_pushnull(L); else lua_pushlstring(L, v, len);
    return;
  }
  push_plain(L, v, len);
}

/* ---------------------------------------------------------------- positions and order */

static void record_where(Ctx *c, int tidx, yaml_mark_t m) {
  lua_State *L = c->L;
  tidx = lua_absindex(L, tidx);
  lua_pushvalue(L, tidx);
  lua_createtable(L, 0, 3);
  lua_pushinteger(L, (lua_Integer)m.line + 1);
  lua_setfield(L, -2, "line");
  lua_pushinteger(L, (lua_Integer)m.column + 1);
  lua_setfield(L, -2, "col");
  lua_newtable(L);
  lua_setfield(L, -2, "keys");
  lua_pushstring(L, c->name);
  lua_setfield(L, -2, "name");
  lua_rawset(L, c->where);
}

/* where[t].keys[key] = "line:col" for the key on top of the stack */
static void record_key_where(Ctx *c, int tidx, int kidx, yaml_mark_t m) {
  lua_State *L = c->L;
  lua_pushvalue(L, tidx);
  lua_rawget(L, c->where);
  lua_getfield(L, -1, "keys");
  lua_pushvalue(L, kidx);
  lua_pushfstring(L, "%d:%d", (int)m.line + 1, (int)m.column + 1);
  lua_rawset(L, -3);
  lua_pop(L, 2);
}

/* ---------------------------------------------------------------- nodes */

static void parse_node(Ctx *c, int depth);

/* a deep copy of the value on top (for aliases), counted against the limits */
static void copy_value(Ctx *c, int idx, yaml_mark_t m, int depth) {
  lua_State *L = c->L;
  idx = lua_absindex(L, idx);
  count_node(c, m);
  if (++c->alias_nodes > YAML_MAX_ALIAS_NODES) {
    lua_pushfstring(L, "document too large after alias expansion (limit %d nodes)", YAML_MAX_ALIAS_NODES);
    fail(c, m.line, m.column, lua_tostring(L, -1));
  }
  if (lua_type(L, idx) != LUA_TTABLE) { lua_pushvalue(L, idx); return; }
  if (depth > YAML_MAX_DEPTH) fail(c, m.line, m.column, "nesting deeper than the limit of 64 levels");
  lua_newtable(L);
  int t = lua_gettop(L);
  lua_pushnil(L);
  while (lua_next(L, idx)) {
    copy_value(c, -1, m, depth + 1);
    lua_pushvalue(L, -3);
    lua_insert(L, -2);
    lua_rawset(L, t);
    lua_pop(L, 1);
  }
  /* the copy keeps the original's key order and positions */
  lua_pushvalue(L, idx);
  if (lua_rawget(L, c->order) == LUA_TTABLE) { lua_pushvalue(L, t); lua_insert(L, -2); lua_rawset(L, c->order); }
  else lua_pop(L, 1);
  lua_pushvalue(L, idx);
  if (lua_rawget(L, c->where) == LUA_TTABLE) { lua_pushvalue(L, t); lua_insert(L, -2); lua_rawset(L, c->where); }
  else lua_pop(L, 1);
}

static void set_anchor(Ctx *c, const yaml_char_t *anchor) {
  if (anchor == NULL) return;
  lua_pushvalue(c->L, -1);
  lua_setfield(c->L, c->anchors, (const char *)anchor);
}

static void parse_sequence(Ctx *c, int depth) {
  lua_State *L = c->L;
  yaml_event_t *e = &c->p->event;
  yaml_mark_t m = e->start_mark;
  const yaml_char_t *anchor = e->data.sequence_start.anchor;
  if (anchor) lua_pushstring(L, (const char *)anchor); else lua_pushnil(L);
  int aidx = lua_gettop(L);
  lua_newtable(L);
  int t = lua_gettop(L);
  record_where(c, t, m);
  lua_Integer i = 0;
  for (;;) {
    next_event(c);
    if (c->p->event.type == YAML_SEQUENCE_END_EVENT) break;
    parse_node(c, depth + 1);
    lua_rawseti(L, t, ++i);
  }
  if (!lua_isnil(L, aidx)) { lua_pushvalue(L, aidx); lua_pushvalue(L, t); lua_rawset(L, c->anchors); }
  lua_remove(L, aidx);
}

static void parse_mapping(Ctx *c, int depth) {
  lua_State *L = c->L;
  yaml_event_t *e = &c->p->event;
  yaml_mark_t m = e->start_mark;
  if (e->data.mapping_start.anchor) lua_pushstring(L, (const char *)e->data.mapping_start.anchor);
  else lua_pushnil(L);
  int aidx = lua_gettop(L);
  lua_newtable(L);
  int t = lua_gettop(L);
  record_where(c, t, m);
  lua_newtable(L);
  int keys = lua_gettop(L);
  lua_Integer nkeys = 0;
  for (;;) {
    next_event(c);
    yaml_event_t *k = &c->p->event;
    if (k->type == YAML_MAPPING_END_EVENT) break;
    if (k->type != YAML_SCALAR_EVENT)
      fail(c, k->start_mark.line, k->start_mark.column, "mapping keys must be plain values (strings or numbers)");
    yaml_mark_t km = k->start_mark;
    push_scalar(c, k);
    if (qm_isnull(L, -1)) { lua_pop(L, 1); lua_pushliteral(L, ""); }
    int kidx = lua_gettop(L);
    lua_pushvalue(L, kidx);
    if (lua_rawget(L, t) != LUA_TNIL) {
      lua_pop(L, 1);
      lua_pushvalue(L, t);
      lua_rawget(L, c->where);
      lua_getfield(L, -1, "keys");
      lua_pushvalue(L, kidx);
      lua_rawget(L, -2);
      const char *first = lua_tostring(L, -1);
      lua_pushfstring(L, "duplicate key \"%s\" (first at line %d)", luaL_tolstring(L, kidx, NULL),
                      first ? atoi(first) : 0);
      fail(c, km.line, km.column, lua_tostring(L, -1));
    }
    lua_pop(L, 1);
    next_event(c);
    yaml_mark_t vm = c->p->event.start_mark;
    parse_node(c, depth + 1);
    record_key_where(c, t, kidx, vm);
    lua_pushvalue(L, kidx);
    lua_rawseti(L, keys, ++nkeys);
    lua_rawset(L, t);  /* t[key] = value */
  }
  lua_pushvalue(L, t);
  lua_pushvalue(L, keys);
  lua_rawset(L, c->order);
  lua_pop(L, 1);  /* keys */
  if (!lua_isnil(L, aidx)) { lua_pushvalue(L, aidx); lua_pushvalue(L, t); lua_rawset(L, c->anchors); }
  lua_remove(L, aidx);
}

/* the current event starts a node: push its value */
static void parse_node(Ctx *c, int depth) {
  lua_State *L = c->L;
  yaml_event_t *e = &c->p->event;
  yaml_mark_t m = e->start_mark;
  if (depth > YAML_MAX_DEPTH) fail(c, m.line, m.column, "nesting deeper than the limit of 64 levels");
  luaL_checkstack(L, 8, "YAML nesting");
  count_node(c, m);
  switch (e->type) {
  case YAML_SCALAR_EVENT:
    push_scalar(c, e);
    set_anchor(c, e->data.scalar.anchor);
    break;
  case YAML_SEQUENCE_START_EVENT: parse_sequence(c, depth); break;
  case YAML_MAPPING_START_EVENT: parse_mapping(c, depth); break;
  case YAML_ALIAS_EVENT: {
    const char *name = (const char *)e->data.alias.anchor;
    if (lua_getfield(L, c->anchors, name) == LUA_TNIL) {
      lua_pushfstring(L, "unknown alias *%s", name);
      fail(c, m.line, m.column, lua_tostring(L, -1));
    }
    copy_value(c, -1, m, depth);
    lua_remove(L, -2);
    break;
  }
  default:
    fail(c, m.line, m.column, "unexpected YAML event");
  }
}

/* ---------------------------------------------------------------- loading */

static void push_weak(lua_State *L, const char *key) {
  if (lua_getfield(L, LUA_REGISTRYINDEX, key) == LUA_TTABLE) return;
  lua_pop(L, 1);
  lua_newtable(L);
  lua_createtable(L, 0, 1);
  lua_pushliteral(L, "k");
  lua_setfield(L, -2, "__mode");
  lua_setmetatable(L, -2);
  lua_pushvalue(L, -1);
  lua_setfield(L, LUA_REGISTRYINDEX, key);
}

/* parse text (at stack index tidx) and push an array of its documents (max: 1 or all) */
static int load_docs(lua_State *L, int tidx, int optidx, const char *default_name, int all) {
  size_t len;
  const char *text = luaL_checklstring(L, tidx, &len);
  const char *name = default_name;
  int strings = 0;
  if (lua_istable(L, optidx)) {
    if (lua_getfield(L, optidx, "name") == LUA_TSTRING) name = lua_tostring(L, -1);
    lua_getfield(L, optidx, "scalars");
    const char *mode = lua_tostring(L, -1);
    if (mode && strcmp(mode, "string") == 0) strings = 1;
    else if (mode && strcmp(mode, "core") != 0)
      return luaL_error(L, "yaml: scalars must be \"core\" or \"string\", not \"%s\"", mode);
  }
  if (len > YAML_MAX_INPUT) return qm_raise(L, QM_EXIT_MODEL, 0, "%s: document too large (limit 64 MB)", name);
  Parser *p = lua_newuserdatauv(L, sizeof *p, 0);
  memset(p, 0, sizeof *p);
  luaL_setmetatable(L, PARSER_MT);
  int pidx = lua_gettop(L);
  if (!yaml_parser_initialize(&p->parser)) return luaL_error(L, "yaml: cannot create a parser (out of memory)");
  p->initialized = 1;
  yaml_parser_set_input_string(&p->parser, (const unsigned char *)text, len);
  Ctx c = { L, p, name, strings, 0, 0, 0, 0, 0 };
  push_weak(L, ORDER_KEY);
  c.order = lua_gettop(L);
  push_weak(L, WHERE_KEY);
  c.where = lua_gettop(L);
  lua_newtable(L);
  int docs = lua_gettop(L);
  lua_Integer ndocs = 0;
  for (;;) {
    next_event(&c);
    yaml_event_type_t t = p->event.type;
    if (t == YAML_STREAM_END_EVENT) break;
    if (t != YAML_DOCUMENT_START_EVENT) continue;
    lua_newtable(L);
    c.anchors = lua_gettop(L);
    next_event(&c);
    parse_node(&c, 0);
    lua_rawseti(L, docs, ++ndocs);
    lua_pop(L, 1);  /* anchors */
    next_event(&c);  /* document end */
    if (!all) break;
  }
  if (p->has_event) { yaml_event_delete(&p->event); p->has_event = 0; }
  yaml_parser_delete(&p->parser);
  p->initialized = 0;
  lua_replace(L, pidx);
  lua_settop(L, pidx);
  return 1;
}

static int l_load(lua_State *L) {
  load_docs(L, 1, 2, "yaml", 0);
  lua_rawgeti(L, -1, 1);
  if (lua_isnil(L, -1)) { lua_pop(L, 1); qm_pushnull(L); }
  return 1;
}

static int l_load_all(lua_State *L) {
  return load_docs(L, 1, 2, "yaml", 1);
}

static void read_file(lua_State *L, const char *path) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) { qm_raise(L, QM_EXIT_IO, 1, "cannot open %s: %s", path, strerror(errno)); return; }
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  char chunk[8192];
  size_t n, total = 0;
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
    total += n;
    if (total > YAML_MAX_INPUT) { fclose(f); qm_raise(L, QM_EXIT_MODEL, 1, "%s: document too large (limit 64 MB)", path); return; }
    luaL_addlstring(&b, chunk, n);
  }
  int bad = ferror(f);
  fclose(f);
  if (bad) { qm_raise(L, QM_EXIT_IO, 1, "cannot read %s", path); return; }
  luaL_pushresult(&b);
}

static int l_load_file(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  lua_settop(L, 2);
  qmS_checkpath(L, path);  /* pushes the resolved path, or raises */
  read_file(L, lua_tostring(L, -1));
  load_docs(L, 4, 2, path, 0);
  lua_rawgeti(L, -1, 1);
  if (lua_isnil(L, -1)) { lua_pop(L, 1); qm_pushnull(L); }
  return 1;
}

/* yaml.keys(t): the mapping's keys in the author's order */
static int l_keys(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  push_weak(L, ORDER_KEY);
  lua_pushvalue(L, 1);
  if (lua_rawget(L, -2) != LUA_TTABLE) {
    /* not from YAML: sorted keys, so the order is still deterministic */
    lua_pop(L, 1);
    lua_getglobal(L, "table");
    lua_newtable(L);
    int i = 0;
    lua_pushnil(L);
    while (lua_next(L, 1)) { lua_pop(L, 1); lua_pushvalue(L, -1); lua_rawseti(L, -3, ++i); }
    lua_getfield(L, -2, "sort");
    lua_pushvalue(L, -2);
    lua_pcall(L, 1, 0, 0);  /* mixed key types cannot be sorted: keep table order then */
    return 1;
  }
  /* a copy, so callers cannot change the recorded order */
  int n = (int)luaL_len(L, -1);
  lua_createtable(L, n, 0);
  for (int i = 1; i <= n; i++) { lua_rawgeti(L, -2, i); lua_rawseti(L, -2, i); }
  return 1;
}

static int pairs_next(lua_State *L) {
  lua_Integer i = lua_tointeger(L, lua_upvalueindex(3)) + 1;
  lua_pushinteger(L, i);
  lua_replace(L, lua_upvalueindex(3));
  if (lua_rawgeti(L, lua_upvalueindex(2), i) == LUA_TNIL) return 0;
  lua_pushvalue(L, -1);
  lua_rawget(L, lua_upvalueindex(1));
  return 2;
}

static int l_pairs(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_pushcfunction(L, l_keys);
  lua_pushvalue(L, 1);
  lua_call(L, 1, 1);
  lua_pushvalue(L, 1);
  lua_insert(L, -2);
  lua_pushinteger(L, 0);
  lua_pushcclosure(L, pairs_next, 3);
  return 1;
}

/* yaml.where(t [, key]) -> "name:line:col" (the name is kept per document in the record) */
static int l_where(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_settop(L, 2);
  push_weak(L, WHERE_KEY);
  lua_pushvalue(L, 1);
  if (lua_rawget(L, -2) != LUA_TTABLE) { lua_pushnil(L); return 1; }
  int rec = lua_gettop(L);
  lua_getfield(L, rec, "name");
  const char *name = lua_tostring(L, -1);
  if (!lua_isnoneornil(L, 2)) {
    lua_getfield(L, rec, "keys");
    lua_pushvalue(L, 2);
    if (lua_rawget(L, -2) != LUA_TSTRING) { lua_pushnil(L); return 1; }
    lua_pushfstring(L, "%s:%s", name ? name : "yaml", lua_tostring(L, -1));
    return 1;
  }
  lua_getfield(L, rec, "line");
  lua_getfield(L, rec, "col");
  lua_pushfstring(L, "%s:%d:%d", name ? name : "yaml", (int)lua_tointeger(L, -2), (int)lua_tointeger(L, -1));
  return 1;
}

int qmY_open_lib(lua_State *L) {
  static const luaL_Reg fns[] = {
    { "load", l_load }, { "load_all", l_load_all }, { "load_file", l_load_file },
    { "keys", l_keys }, { "pairs", l_pairs }, { "where", l_where }, { NULL, NULL } };
  if (luaL_newmetatable(L, PARSER_MT)) {
    lua_pushcfunction(L, parser_gc);
    lua_setfield(L, -2, "__gc");
  }
  lua_pop(L, 1);
  luaL_newlib(L, fns);
  qm_pushnull(L);
  lua_setfield(L, -2, "null");
  lua_pushinteger(L, YAML_MAX_DEPTH);
  lua_setfield(L, -2, "max_depth");
  lua_pushinteger(L, YAML_MAX_NODES);
  lua_setfield(L, -2, "max_nodes");
  lua_pushinteger(L, YAML_MAX_ALIAS_NODES);
  lua_setfield(L, -2, "max_alias_nodes");
  return 1;
}
