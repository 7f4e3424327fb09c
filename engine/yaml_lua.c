/*
** yaml_lua.c — the "qm.yaml" module: YAML text to Lua values with libyaml's event parser.
** Keeps what models need beside the values: the author's key order (yaml.keys/yaml.pairs) and
** positions (yaml.where), both in a weak-keyed registry table so mappings hold only their keys.
** Crafted documents are bounded: nesting depth, nodes (aliases expanded as copies, counted),
** and input size (the QMY_MAX_* constants; docs/yaml.md). The parser lives in a to-be-closed
** userdata, so a Lua error (or the memory cap) unwinding through the loader frees it.
*/
#include <errno.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>
#include <lauxlib.h>
#include "qm.h"
#include "qm_limits.h"
#include "sandbox.h"
#include "yaml_lua.h"

/* ---- limits (documented in docs/yaml.md; error messages name them) */
#define QMY_MAX_DEPTH 64                         /* nested mappings/sequences */
#define QMY_MAX_NODES 1000000                    /* nodes in one call, aliases expanded */
#define QMY_MAX_ALIAS_NODES 10000                /* nodes created by expanding aliases */
#define QMY_MAX_INPUT ((size_t)64 * 1024 * 1024) /* bytes of YAML text */
#define QMY_POLL_EVERY 4096                      /* events between time/Ctrl-C checks */

static const char PARSER_MT[] = "qm.yaml.parser";
static const char META_KEY[] = "qm.yaml.meta";   /* weak: table -> info */

/* info table of a loaded mapping/sequence (internal, never handed out) */
enum { INFO_NAME = 1, INFO_POS = 2, INFO_KIND = 3, INFO_KEYS = 4, INFO_VPOS = 5 };
enum { KIND_SEQ = 1, KIND_MAP = 2 };

/* positions are packed: line << 24 | column (both 1-based) */
#define POS_SHIFT 24
static lua_Integer pack_pos(yaml_mark_t m) {
  lua_Integer col = (lua_Integer)m.column + 1;
  if (col >= ((lua_Integer)1 << POS_SHIFT)) col = ((lua_Integer)1 << POS_SHIFT) - 1;
  return (((lua_Integer)m.line + 1) << POS_SHIFT) | col;
}
static int pos_line(lua_Integer p) { return (int)(p >> POS_SHIFT); }
static int pos_col(lua_Integer p) { return (int)(p & (((lua_Integer)1 << POS_SHIFT) - 1)); }

/* ---------------------------------------------------------------- the parser object */

typedef struct {
  yaml_parser_t parser;
  yaml_event_t event;
  int has_parser, has_event;
  QmLimits *lim;      /* libyaml's buffers are set aside in --max-memory while it parses */
  size_t reserved;
} Parser;

static void parser_release(Parser *p) {
  if (p->has_event) { yaml_event_delete(&p->event); p->has_event = 0; }
  if (p->has_parser) { yaml_parser_delete(&p->parser); p->has_parser = 0; }
  if (p->lim != NULL) { qmL_release(p->lim, p->reserved); p->lim = NULL; p->reserved = 0; }
}

static int parser_gc(lua_State *L) {
  parser_release((Parser *)luaL_checkudata(L, 1, PARSER_MT));
  return 0;
}

/* ---------------------------------------------------------------- loader state */

typedef struct {
  int kind;            /* KIND_SEQ or KIND_MAP */
  int slot;            /* stack index of the frame's first slot (see FRAME_*) */
  int has_key;         /* mapping: a key is waiting for its value */
  lua_Integer nodes0;  /* ctx->nodes when the container started (for anchors) */
  int height;          /* 1 + the highest child container */
  lua_Integer n;       /* sequence: elements so far */
} Frame;
/* slots of a frame on the Lua stack */
enum { FRAME_TABLE = 0, FRAME_INFO = 1, FRAME_VPOS = 2, FRAME_KEYLINES = 3, FRAME_ANCHOR = 4,
       FRAME_KEY = 5, FRAME_SLOTS = 6 };

typedef struct {
  lua_State *L;
  Parser *p;
  const char *name;
  const char *text;
  size_t len;
  int strings;          /* opts.scalars == "string" */
  int meta, null, anchors, anchorinfo, nameidx; /* stack slots */
  Frame frames[QMY_MAX_DEPTH + 1];
  int depth;
  lua_Integer nodes, alias_nodes;
  QmLimits *lim;
  long events;
} Ctx;

static int fail(Ctx *c, yaml_mark_t m, const char *fmt, ...) {
  lua_State *L = c->L;
  va_list ap;
  va_start(ap, fmt);
  const char *what = lua_pushvfstring(L, fmt, ap);
  va_end(ap);
  return qm_raise(L, QM_EXIT_MODEL, 0, "%s:%d:%d: %s", c->name, (int)m.line + 1,
                  (int)m.column + 1, what);
}

/* libyaml's error as "name:line:col: problem (while ... at line N)" */
static int parse_failed(Ctx *c) {
  yaml_parser_t *ps = &c->p->parser;
  lua_State *L = c->L;
  if (ps->error == YAML_MEMORY_ERROR)
    return qm_raise(L, QM_EXIT_LIMIT, 0, "%s: not enough memory to parse the YAML text", c->name);
  const char *problem = ps->problem ? ps->problem : "cannot parse the YAML text";
  yaml_mark_t m = ps->problem_mark;
  if (ps->error == YAML_READER_ERROR) {  /* only a byte offset: find its line and column */
    size_t off = ps->problem_offset < c->len ? ps->problem_offset : c->len;
    m.line = 0; m.column = 0;
    for (size_t i = 0; i < off; i++) {
      if (c->text[i] == '\n') { m.line++; m.column = 0; } else m.column++;
    }
    return fail(c, m, "%s (YAML text must be UTF-8: save the file as UTF-8)", problem);
  }
  if (ps->context)
    return fail(c, m, "%s (%s at line %d)", problem, ps->context, (int)ps->context_mark.line + 1);
  return fail(c, m, "%s", problem);
}

static void next_event(Ctx *c) {
  Parser *p = c->p;
  if (p->has_event) { yaml_event_delete(&p->event); p->has_event = 0; }
  if (!yaml_parser_parse(&p->parser, &p->event)) parse_failed(c);
  p->has_event = 1;
  if (c->lim != NULL && ++c->events % QMY_POLL_EVERY == 0 && qmL_poll(c->lim)) {
    char why[320];
    luaL_error(c->L, "%s", qmL_describe(c->lim, why, sizeof why));
  }
}

static void count_nodes(Ctx *c, lua_Integer n, yaml_mark_t m) {
  c->nodes += n;
  if (c->nodes > QMY_MAX_NODES)
    fail(c, m, "document too large (limit %d nodes)", QMY_MAX_NODES);
}

/* ---------------------------------------------------------------- scalars */

static int eq_any(const char *s, const char *const list[]) {
  for (int i = 0; list[i]; i++) if (strcmp(s, list[i]) == 0) return 1;
  return 0;
}
static const char *const null_words[] = { "", "~", "null", "Null", "NULL", NULL };
static const char *const true_words[] = { "true", "True", "TRUE", NULL };
static const char *const false_words[] = { "false", "False", "FALSE", NULL };

static int isdigit_(int ch) { return ch >= '0' && ch <= '9'; }

/* decimal integer: [-+]?[0-9]+ ; leading_zero_ok decides whether "012" counts */
static int is_decimal(const char *s, int leading_zero_ok) {
  if (*s == '-' || *s == '+') s++;
  if (!isdigit_((unsigned char)*s)) return 0;
  if (!leading_zero_ok && s[0] == '0' && s[1] != '\0') return 0;
  for (; *s; s++) if (!isdigit_((unsigned char)*s)) return 0;
  return 1;
}

/* float: [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)? ; no leading zero before a digit */
static int is_float(const char *s) {
  if (*s == '-' || *s == '+') s++;
  int digits = 0;
  if (s[0] == '0' && isdigit_((unsigned char)s[1])) return 0;
  while (isdigit_((unsigned char)*s)) s++, digits++;
  if (*s == '.') { s++; while (isdigit_((unsigned char)*s)) s++, digits++; }
  if (digits == 0) return 0;
  if (*s == 'e' || *s == 'E') {
    s++;
    if (*s == '-' || *s == '+') s++;
    if (!isdigit_((unsigned char)*s)) return 0;
    while (isdigit_((unsigned char)*s)) s++;
  }
  return *s == '\0';
}

static int push_special_float(lua_State *L, const char *s) {
  const char *t = (*s == '-' || *s == '+') ? s + 1 : s;
  static const char *const inf[] = { ".inf", ".Inf", ".INF", NULL };
  static const char *const nan[] = { ".nan", ".NaN", ".NAN", NULL };
  if (eq_any(t, inf)) { lua_pushnumber(L, *s == '-' ? -HUGE_VAL : HUGE_VAL); return 1; }
  if (t == s && eq_any(s, nan)) { lua_pushnumber(L, NAN); return 1; }
  return 0;
}

/* 0x1F / 0o17 (no sign, as in the core schema); 0 when not one or too large */
static int push_radix_int(lua_State *L, const char *s) {
  int base;
  if (s[0] != '0' || (s[1] != 'x' && s[1] != 'o') || s[2] == '\0') return 0;
  base = s[1] == 'x' ? 16 : 8;
  lua_Unsigned v = 0;
  for (const char *q = s + 2; *q; q++) {
    int d;
    if (isdigit_((unsigned char)*q)) d = *q - '0';
    else if (base == 16 && *q >= 'a' && *q <= 'f') d = *q - 'a' + 10;
    else if (base == 16 && *q >= 'A' && *q <= 'F') d = *q - 'A' + 10;
    else return 0;
    if (d >= base) return 0;
    if (v > ((lua_Unsigned)LUA_MAXINTEGER - (lua_Unsigned)d) / (lua_Unsigned)base) return 0;
    v = v * (lua_Unsigned)base + (lua_Unsigned)d;
  }
  lua_pushinteger(L, (lua_Integer)v);
  return 1;
}

/* a decimal number; integers that overflow become floats (Lua's own rule) */
static int push_decimal(lua_State *L, const char *s) {
  const char *t = *s == '+' ? s + 1 : s;
  return lua_stringtonumber(L, t) != 0;
}

/* the core-schema value of a plain scalar; 1 if it pushed a non-string */
static int resolve_plain(Ctx *c, const char *s) {
  lua_State *L = c->L;
  if (eq_any(s, null_words)) { lua_pushvalue(L, c->null); return 1; }
  if (c->strings) return 0;
  if (eq_any(s, true_words)) { lua_pushboolean(L, 1); return 1; }
  if (eq_any(s, false_words)) { lua_pushboolean(L, 0); return 1; }
  if (is_decimal(s, 0)) return push_decimal(L, s);
  if (push_radix_int(L, s)) return 1;
  if (is_float(s)) {
    if (!push_decimal(L, s)) return 0;
    lua_Number n = lua_tonumber(L, -1);
    lua_pop(L, 1);
    lua_pushnumber(L, n);  /* "1e3" is a float even though it is whole */
    return 1;
  }
  return push_special_float(L, s);
}

#define TAG_PREFIX "tag:yaml.org,2002:"

/* "tag:yaml.org,2002:foo" as the author wrote it: "!!foo" */
static const char *show_tag(const char *tag) {
  static const char prefix[] = TAG_PREFIX;
  if (strncmp(tag, prefix, sizeof prefix - 1) == 0) return tag + sizeof prefix - 1;
  return tag;
}
static const char *tag_bang(const char *tag) {
  return strncmp(tag, TAG_PREFIX, sizeof TAG_PREFIX - 1) == 0 ? "!!" : "";
}

/* push the value of the current scalar event */
static void push_scalar(Ctx *c) {
  lua_State *L = c->L;
  yaml_event_t *e = &c->p->event;
  const char *s = (const char *)e->data.scalar.value;
  size_t len = e->data.scalar.length;
  const char *tag = (const char *)e->data.scalar.tag;
  if (strlen(s) != len) {  /* an escaped NUL inside: keep the text exactly, no resolution */
    if (tag == NULL || strcmp(tag, TAG_PREFIX "str") == 0 || strcmp(tag, "!") == 0) {
      lua_pushlstring(L, s, len);
      return;
    }
    fail(c, e->start_mark, "a %s value cannot contain a NUL character", tag);
  }
  if (tag == NULL) {
    if (e->data.scalar.style == YAML_PLAIN_SCALAR_STYLE && resolve_plain(c, s)) return;
    lua_pushlstring(L, s, len);
    return;
  }
  if (strcmp(tag, "!") == 0 || strcmp(tag, TAG_PREFIX "str") == 0) { lua_pushlstring(L, s, len); return; }
  if (strcmp(tag, TAG_PREFIX "null") == 0) {
    if (!eq_any(s, null_words)) fail(c, e->start_mark, "!!null value \"%s\" is not null, ~ or empty", s);
    lua_pushvalue(L, c->null);
    return;
  }
  if (strcmp(tag, TAG_PREFIX "bool") == 0) {
    if (eq_any(s, true_words)) { lua_pushboolean(L, 1); return; }
    if (eq_any(s, false_words)) { lua_pushboolean(L, 0); return; }
    fail(c, e->start_mark, "!!bool value \"%s\" is not true or false", s);
  }
  if (strcmp(tag, TAG_PREFIX "int") == 0) {
    if (is_decimal(s, 1)) {
      const char *t = (*s == '+' || *s == '-') ? s + 1 : s;
      while (t[0] == '0' && t[1] != '\0') t++;  /* an explicit !!int 012 is twelve */
      lua_pushfstring(L, "%s%s", *s == '-' ? "-" : "", t);
      int ok = lua_stringtonumber(L, lua_tostring(L, -1)) != 0 && lua_isinteger(L, -1);
      if (ok) { lua_remove(L, -2); return; }
      fail(c, e->start_mark, "!!int value \"%s\" is too large for an integer", s);
    }
    if (push_radix_int(L, s)) return;
    fail(c, e->start_mark, "!!int value \"%s\" is not an integer", s);
  }
  if (strcmp(tag, TAG_PREFIX "float") == 0) {
    if (push_special_float(L, s)) return;
    if ((is_decimal(s, 1) || is_float(s)) && push_decimal(L, s)) {
      lua_Number n = lua_tonumber(L, -1);
      lua_pop(L, 1);
      lua_pushnumber(L, n);
      return;
    }
    fail(c, e->start_mark, "!!float value \"%s\" is not a number", s);
  }
  fail(c, e->start_mark, "unknown tag %s%s (known: !!str, !!int, !!float, !!bool, !!null, !!seq, !!map)", tag_bang(tag), show_tag(tag));
}

/* ---------------------------------------------------------------- building */

/* the value on top of the stack goes into the open container (or becomes the document);
** pos is where its node starts; a table value was counted and checked already */
static void add_value(Ctx *c, lua_Integer pos, yaml_mark_t m, int height) {
  lua_State *L = c->L;
  if (c->depth == 0) return;  /* the document: stays on the stack */
  Frame *f = &c->frames[c->depth];
  if (height + 1 > f->height) f->height = height + 1;
  int t = f->slot + FRAME_TABLE;
  if (f->kind == KIND_SEQ) {
    f->n++;
    lua_rawseti(L, t, f->n);
    lua_pushinteger(L, pos);
    lua_rawseti(L, f->slot + FRAME_VPOS, f->n);
    return;
  }
  if (!f->has_key) {  /* a key */
    int kt = lua_type(L, -1);
    if (kt == LUA_TTABLE) fail(c, m, "a mapping key must be a scalar, not a mapping or sequence");
    if (qm_isnull(L, -1)) fail(c, m, "a mapping key cannot be null (quote it: \"~\" or \"null\")");
    if (kt == LUA_TNUMBER && lua_tonumber(L, -1) != lua_tonumber(L, -1))
      fail(c, m, "a mapping key cannot be .nan");
    if (kt == LUA_TSTRING && !c->strings && strcmp(lua_tostring(L, -1), "<<") == 0 &&
        c->p->event.type == YAML_SCALAR_EVENT && c->p->event.data.scalar.style == YAML_PLAIN_SCALAR_STYLE)
      fail(c, m, "merge keys (<<) are not supported: repeat the keys, or use an alias (*name) for the whole mapping");
    lua_pushvalue(L, -1);
    if (lua_rawget(L, t) != LUA_TNIL) {
      lua_pop(L, 1);
      lua_pushvalue(L, -1);
      lua_rawget(L, f->slot + FRAME_KEYLINES);
      int first = (int)lua_tointeger(L, -1);
      lua_pop(L, 1);
      fail(c, m, "duplicate key \"%s\" (first at line %d)", luaL_tolstring(L, -1, NULL), first);
    }
    lua_pop(L, 1);
    lua_pushvalue(L, -1);
    lua_pushinteger(L, (lua_Integer)m.line + 1);
    lua_rawset(L, f->slot + FRAME_KEYLINES);
    lua_replace(L, f->slot + FRAME_KEY);
    f->has_key = 1;
    return;
  }
  /* the value of the waiting key */
  lua_pushvalue(L, f->slot + FRAME_KEY);
  lua_pushvalue(L, -2);
  lua_rawset(L, t);
  lua_pop(L, 1);
  lua_rawgeti(L, f->slot + FRAME_INFO, INFO_KEYS);
  lua_pushvalue(L, f->slot + FRAME_KEY);
  lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
  lua_pop(L, 1);
  lua_pushvalue(L, f->slot + FRAME_KEY);
  lua_pushinteger(L, pos);
  lua_rawset(L, f->slot + FRAME_VPOS);
  lua_pushnil(L);
  lua_replace(L, f->slot + FRAME_KEY);
  f->has_key = 0;
}

static void check_key_position(Ctx *c, yaml_mark_t m) {
  if (c->depth == 0) return;
  Frame *f = &c->frames[c->depth];
  if (f->kind == KIND_MAP && !f->has_key)
    fail(c, m, "a mapping key must be a scalar, not a mapping or sequence");
}

static void remember_anchor(Ctx *c, int anchor_slot, lua_Integer count, int height) {
  lua_State *L = c->L;
  lua_pushvalue(L, anchor_slot);
  lua_pushvalue(L, -2);
  lua_rawset(L, c->anchors);
  lua_pushvalue(L, anchor_slot);
  lua_pushinteger(L, count * 256 + height);
  lua_rawset(L, c->anchorinfo);
}

static void open_container(Ctx *c, int kind) {
  lua_State *L = c->L;
  yaml_event_t *e = &c->p->event;
  yaml_mark_t m = e->start_mark;
  const char *tag = (const char *)(kind == KIND_MAP ? e->data.mapping_start.tag : e->data.sequence_start.tag);
  const char *anchor = (const char *)(kind == KIND_MAP ? e->data.mapping_start.anchor : e->data.sequence_start.anchor);
  check_key_position(c, m);
  if (tag != NULL && strcmp(tag, "!") != 0 &&
      strcmp(tag, kind == KIND_MAP ? TAG_PREFIX "map" : TAG_PREFIX "seq") != 0)
    fail(c, m, "unknown tag %s%s on a %s (known: !!map, !!seq)", tag_bang(tag), show_tag(tag), kind == KIND_MAP ? "mapping" : "sequence");
  if (c->depth >= QMY_MAX_DEPTH)
    fail(c, m, "nesting too deep (limit %d levels)", QMY_MAX_DEPTH);
  count_nodes(c, 1, m);
  if (!lua_checkstack(L, FRAME_SLOTS + 8)) fail(c, m, "not enough memory");
  Frame *f = &c->frames[++c->depth];
  f->kind = kind;
  f->slot = lua_gettop(L) + 1;
  f->has_key = 0;
  f->nodes0 = c->nodes - 1;
  f->height = 1;
  f->n = 0;
  lua_newtable(L);                                   /* FRAME_TABLE */
  lua_createtable(L, 5, 0);                          /* FRAME_INFO */
  lua_pushvalue(L, c->nameidx);
  lua_rawseti(L, -2, INFO_NAME);
  lua_pushinteger(L, pack_pos(m));
  lua_rawseti(L, -2, INFO_POS);
  lua_pushinteger(L, kind);
  lua_rawseti(L, -2, INFO_KIND);
  if (kind == KIND_MAP) { lua_newtable(L); lua_rawseti(L, -2, INFO_KEYS); }
  lua_newtable(L);                                   /* FRAME_VPOS */
  lua_pushvalue(L, -1);
  lua_rawseti(L, -3, INFO_VPOS);
  if (kind == KIND_MAP) lua_newtable(L); else lua_pushnil(L);  /* FRAME_KEYLINES */
  if (anchor) lua_pushstring(L, anchor); else lua_pushnil(L);  /* FRAME_ANCHOR */
  lua_pushnil(L);                                    /* FRAME_KEY */
  /* meta[table] = info */
  lua_pushvalue(L, f->slot + FRAME_TABLE);
  lua_pushvalue(L, f->slot + FRAME_INFO);
  lua_rawset(L, c->meta);
}

static void close_container(Ctx *c) {
  lua_State *L = c->L;
  Frame *f = &c->frames[c->depth];
  lua_rawgeti(L, f->slot + FRAME_INFO, INFO_POS);
  lua_Integer pos = lua_tointeger(L, -1);
  lua_pop(L, 1);
  if (!lua_isnil(L, f->slot + FRAME_ANCHOR)) {
    lua_pushvalue(L, f->slot + FRAME_TABLE);
    remember_anchor(c, f->slot + FRAME_ANCHOR, c->nodes - f->nodes0, f->height);
    lua_pop(L, 1);
  }
  int height = f->height;
  yaml_mark_t m = c->p->event.start_mark;
  lua_settop(L, f->slot);  /* keep only the table */
  c->depth--;
  m.line = (size_t)pos_line(pos) - 1;
  m.column = (size_t)pos_col(pos) - 1;
  add_value(c, pos, m, height);
}

/* a copy of the loaded table at idx, with its order and positions (aliases are copies) */
static void deep_copy(Ctx *c, int idx) {
  lua_State *L = c->L;
  idx = lua_absindex(L, idx);
  if (!lua_checkstack(L, 8)) luaL_error(L, "not enough memory");
  lua_newtable(L);
  int dst = lua_gettop(L);
  lua_pushvalue(L, idx);
  lua_rawget(L, c->meta);
  int info = lua_gettop(L);
  lua_pushvalue(L, dst);
  lua_pushvalue(L, info);
  lua_rawset(L, c->meta);   /* the info is internal and never changes: share it */
  lua_pushnil(L);
  while (lua_next(L, idx)) {
    if (lua_type(L, -1) == LUA_TTABLE) { deep_copy(c, -1); lua_replace(L, -2); }
    lua_pushvalue(L, -2);
    lua_insert(L, -2);
    lua_rawset(L, dst);
  }
  lua_settop(L, dst);
}

static void alias(Ctx *c) {
  lua_State *L = c->L;
  yaml_event_t *e = &c->p->event;
  yaml_mark_t m = e->start_mark;
  const char *name = (const char *)e->data.alias.anchor;
  lua_pushstring(L, name);
  if (lua_rawget(L, c->anchorinfo) == LUA_TNIL)
    fail(c, m, "alias *%s refers to no anchor &%s before it (or to a node that contains the alias)", name, name);
  lua_Integer packed = lua_tointeger(L, -1);
  lua_pop(L, 1);
  lua_Integer count = packed / 256;
  int height = (int)(packed % 256);
  if (height > 0) check_key_position(c, m);
  c->alias_nodes += count;
  if (c->alias_nodes > QMY_MAX_ALIAS_NODES)
    fail(c, m, "document too large after alias expansion (limit %d nodes)", QMY_MAX_ALIAS_NODES);
  count_nodes(c, count, m);
  if (c->depth + height > QMY_MAX_DEPTH)
    fail(c, m, "nesting too deep after alias expansion (limit %d levels)", QMY_MAX_DEPTH);
  lua_pushstring(L, name);
  lua_rawget(L, c->anchors);
  if (lua_type(L, -1) == LUA_TTABLE) { deep_copy(c, -1); lua_remove(L, -2); }
  /* a copy keeps the positions of what it copies; the alias's own place is recorded here */
  add_value(c, pack_pos(m), m, height);
}

static void scalar(Ctx *c) {
  lua_State *L = c->L;
  yaml_event_t *e = &c->p->event;
  count_nodes(c, 1, e->start_mark);
  push_scalar(c);
  if (e->data.scalar.anchor) {
    lua_pushstring(L, (const char *)e->data.scalar.anchor);
    lua_pushvalue(L, -2);
    remember_anchor(c, lua_gettop(L) - 1, 1, 0);
    lua_pop(L, 2);
  }
  add_value(c, pack_pos(e->start_mark), e->start_mark, 0);
}

/* parse one document's events (after DOCUMENT-START) and leave its value on the stack */
static void document(Ctx *c) {
  lua_State *L = c->L;
  int top = lua_gettop(L);
  lua_newtable(L);                 /* anchors are per document */
  lua_replace(L, c->anchors);
  lua_newtable(L);
  lua_replace(L, c->anchorinfo);
  for (;;) {
    next_event(c);
    switch (c->p->event.type) {
      case YAML_SCALAR_EVENT: scalar(c); break;
      case YAML_ALIAS_EVENT: alias(c); break;
      case YAML_SEQUENCE_START_EVENT: open_container(c, KIND_SEQ); break;
      case YAML_MAPPING_START_EVENT: open_container(c, KIND_MAP); break;
      case YAML_SEQUENCE_END_EVENT:
      case YAML_MAPPING_END_EVENT: close_container(c); break;
      case YAML_DOCUMENT_END_EVENT:
        if (lua_gettop(L) == top) lua_pushvalue(L, c->null);
        return;
      default:
        fail(c, c->p->event.start_mark, "unexpected YAML event %d", (int)c->p->event.type);
    }
  }
}

/* ---------------------------------------------------------------- the module functions */

/* load(all) on the string at index 1 with opts at 2, name given; returns 1 value */
static int load_text(lua_State *L, int textidx, const char *defname, int all) {
  Ctx c;
  memset(&c, 0, sizeof c);
  c.L = L;
  c.lim = qmL_of(L);
  const char *name = defname, *scalars = "core";
  if (!lua_isnoneornil(L, 2)) {
    luaL_checktype(L, 2, LUA_TTABLE);
    if (lua_getfield(L, 2, "name") != LUA_TNIL) name = luaL_checkstring(L, -1);
    else lua_pop(L, 1);
    if (lua_getfield(L, 2, "scalars") != LUA_TNIL) scalars = luaL_checkstring(L, -1);
    else lua_pop(L, 1);
  }
  if (strcmp(scalars, "core") != 0 && strcmp(scalars, "string") != 0)
    return luaL_error(L, "yaml: opts.scalars must be \"core\" or \"string\", not \"%s\"", scalars);
  c.strings = strcmp(scalars, "string") == 0;
  c.text = lua_tolstring(L, textidx, &c.len);
  lua_pushstring(L, name);
  c.nameidx = lua_gettop(L);
  c.name = lua_tostring(L, c.nameidx);
  if (c.len > QMY_MAX_INPUT)
    return qm_raise(L, QM_EXIT_MODEL, 0, "%s: document too large (limit %d MB of YAML text)",
                    c.name, (int)(QMY_MAX_INPUT / (1024 * 1024)));
  luaL_getsubtable(L, LUA_REGISTRYINDEX, META_KEY);
  c.meta = lua_gettop(L);
  qm_pushnull(L);
  c.null = lua_gettop(L);
  lua_pushnil(L);
  c.anchors = lua_gettop(L);
  lua_pushnil(L);
  c.anchorinfo = lua_gettop(L);
  lua_newtable(L);
  int results = lua_gettop(L);

  c.p = (Parser *)lua_newuserdatauv(L, sizeof(Parser), 0);
  memset(c.p, 0, sizeof(Parser));
  luaL_setmetatable(L, PARSER_MT);
  lua_toclose(L, -1);
  if (!yaml_parser_initialize(&c.p->parser))
    return qm_raise(L, QM_EXIT_LIMIT, 0, "%s: not enough memory to start the YAML parser", c.name);
  c.p->has_parser = 1;
  /* libyaml allocates outside Lua: its buffers grow to about the longest scalar, at most the
  ** text's size (docs/yaml.md), so that much of the budget is set aside while it parses */
  if (c.lim != NULL) {
    if (qmL_reserve(c.lim, c.len) != 0) {
      char why[320];
      qmL_stop(L);
      return luaL_error(L, "%s", qmL_describe(c.lim, why, sizeof why));
    }
    c.p->lim = c.lim;
    c.p->reserved = c.len;
  }
  yaml_parser_set_input_string(&c.p->parser, (const unsigned char *)c.text, c.len);

  lua_Integer ndocs = 0;
  next_event(&c);
  if (c.p->event.type != YAML_STREAM_START_EVENT)
    fail(&c, c.p->event.start_mark, "the YAML text does not start a stream");
  for (;;) {
    next_event(&c);
    if (c.p->event.type == YAML_STREAM_END_EVENT) break;
    if (c.p->event.type != YAML_DOCUMENT_START_EVENT)
      fail(&c, c.p->event.start_mark, "expected a document");
    document(&c);
    lua_rawseti(L, results, ++ndocs);
    if (!all) break;
  }
  parser_release(c.p);
  if (all) lua_pushvalue(L, results);
  else if (ndocs == 0) lua_pushvalue(L, c.null);
  else lua_rawgeti(L, results, 1);
  return 1;
}

static int l_load(lua_State *L) {
  luaL_checkstring(L, 1);
  return load_text(L, 1, "yaml", 0);
}

static int l_load_all(lua_State *L) {
  luaL_checkstring(L, 1);
  return load_text(L, 1, "yaml", 1);
}

/* The file is read into a Lua-owned buffer made before fopen, so nothing that can raise runs
** while the FILE is open. */
static int l_load_file(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  if (!lua_isnoneornil(L, 2)) luaL_checktype(L, 2, LUA_TTABLE);
  lua_settop(L, 2);
  qmS_checkpath(L, path);
  const char *full = lua_tostring(L, -1);
  struct stat st;
  if (stat(full, &st) != 0)
    return qm_raise(L, QM_EXIT_IO, 1, "cannot read %s: %s", path, strerror(errno));
  if (!S_ISREG(st.st_mode))
    return qm_raise(L, QM_EXIT_IO, 1, "cannot read %s: not a regular file", path);
  if ((unsigned long long)st.st_size > QMY_MAX_INPUT)
    return qm_raise(L, QM_EXIT_MODEL, 0, "%s: document too large (limit %d MB of YAML text)",
                    path, (int)(QMY_MAX_INPUT / (1024 * 1024)));
  size_t size = (size_t)st.st_size;
  char *buf = (char *)lua_newuserdatauv(L, size + 1, 0);
  FILE *f = fopen(full, "rb");
  if (f == NULL)
    return qm_raise(L, QM_EXIT_IO, 1, "cannot read %s: %s", path, strerror(errno));
  size_t n = fread(buf, 1, size + 1, f);
  int bad = ferror(f), err = errno;
  fclose(f);
  if (bad) return qm_raise(L, QM_EXIT_IO, 1, "cannot read %s: %s", path, strerror(err));
  if (n > size)
    return qm_raise(L, QM_EXIT_IO, 1, "cannot read %s: the file changed while it was read", path);
  lua_pushlstring(L, buf, n);
  return load_text(L, lua_gettop(L), path, 0);
}

/* the info of a loaded table, pushed; 0 (nothing pushed) when t did not come from yaml.load */
static int push_info(lua_State *L, int idx) {
  idx = lua_absindex(L, idx);
  luaL_getsubtable(L, LUA_REGISTRYINDEX, META_KEY);
  lua_pushvalue(L, idx);
  if (lua_rawget(L, -2) != LUA_TTABLE) { lua_pop(L, 2); return 0; }
  lua_remove(L, -2);
  return 1;
}

/* keys(t): the author's keys still present, then keys added after loading */
static void push_keys(lua_State *L, int t, const char *fname) {
  t = lua_absindex(L, t);
  if (!push_info(L, t)) {
    luaL_error(L, "yaml.%s: the table was not loaded by yaml.load (no key order is known)", fname);
    return;
  }
  int info = lua_gettop(L);
  lua_newtable(L);
  int out = lua_gettop(L);
  lua_Integer n = 0;
  lua_rawgeti(L, info, INFO_KIND);
  int kind = (int)lua_tointeger(L, -1);
  lua_pop(L, 1);
  if (kind == KIND_SEQ) {
    lua_Integer len = (lua_Integer)lua_rawlen(L, t);
    for (lua_Integer i = 1; i <= len; i++) { lua_pushinteger(L, i); lua_rawseti(L, out, ++n); }
    lua_remove(L, info);
    return;
  }
  lua_newtable(L);
  int seen = lua_gettop(L);
  lua_rawgeti(L, info, INFO_KEYS);
  int keys = lua_gettop(L);
  lua_Integer len = (lua_Integer)lua_rawlen(L, keys);
  for (lua_Integer i = 1; i <= len; i++) {
    lua_rawgeti(L, keys, i);
    lua_pushvalue(L, -1);
    if (lua_rawget(L, t) != LUA_TNIL) {
      lua_pop(L, 1);
      lua_pushvalue(L, -1);
      lua_pushboolean(L, 1);
      lua_rawset(L, seen);
      lua_rawseti(L, out, ++n);
    } else {
      lua_pop(L, 2);
    }
  }
  lua_pushnil(L);
  while (lua_next(L, t)) {
    lua_pop(L, 1);
    lua_pushvalue(L, -1);
    if (lua_rawget(L, seen) == LUA_TNIL) { lua_pushvalue(L, -2); lua_rawseti(L, out, ++n); }
    lua_pop(L, 1);
  }
  lua_settop(L, out);
  lua_remove(L, info);
}

static int l_keys(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  push_keys(L, 1, "keys");
  return 1;
}

/* iterator: upvalue 1 the keys, 2 the table, 3 the position */
static int pairs_next(lua_State *L) {
  lua_Integer i = lua_tointeger(L, lua_upvalueindex(3));
  for (;;) {
    i++;
    if (lua_rawgeti(L, lua_upvalueindex(1), i) == LUA_TNIL) return 1;
    lua_pushvalue(L, -1);
    if (lua_rawget(L, lua_upvalueindex(2)) != LUA_TNIL) break;  /* removed meanwhile: skip */
    lua_pop(L, 2);
  }
  lua_pushinteger(L, i);
  lua_replace(L, lua_upvalueindex(3));
  return 2;
}

static int l_pairs(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  push_keys(L, 1, "pairs");
  lua_pushvalue(L, 1);
  lua_pushinteger(L, 0);
  lua_pushcclosure(L, pairs_next, 3);
  return 1;
}

/* where(t [, key]) -> "name:line:column" or nil */
static int l_where(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_settop(L, 2);
  if (!push_info(L, 1)) { lua_pushnil(L); return 1; }
  int info = lua_gettop(L);
  lua_rawgeti(L, info, INFO_NAME);
  if (lua_isnoneornil(L, 2)) {
    lua_rawgeti(L, info, INFO_POS);
  } else {
    lua_rawgeti(L, info, INFO_VPOS);
    lua_pushvalue(L, 2);
    lua_rawget(L, -2);
    lua_remove(L, -2);
  }
  if (!lua_isinteger(L, -1)) { lua_pushnil(L); return 1; }
  lua_Integer p = lua_tointeger(L, -1);
  lua_pushfstring(L, "%s:%d:%d", lua_tostring(L, -2), pos_line(p), pos_col(p));
  return 1;
}

int qmY_open_lib(lua_State *L) {
  static const luaL_Reg funcs[] = {
    { "load", l_load }, { "load_all", l_load_all }, { "load_file", l_load_file },
    { "keys", l_keys }, { "pairs", l_pairs }, { "where", l_where }, { NULL, NULL } };
  if (luaL_newmetatable(L, PARSER_MT)) {
    lua_pushcfunction(L, parser_gc);
    lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, parser_gc);
    lua_setfield(L, -2, "__close");
  }
  lua_pop(L, 1);
  qm_weaktable(L, META_KEY);  /* the weak side table of order and positions */
  lua_pop(L, 1);
  luaL_newlib(L, funcs);
  qm_pushnull(L);
  lua_setfield(L, -2, "null");
  lua_pushinteger(L, QMY_MAX_DEPTH);
  lua_setfield(L, -2, "max_depth");
  lua_pushinteger(L, QMY_MAX_NODES);
  lua_setfield(L, -2, "max_nodes");
  lua_pushinteger(L, QMY_MAX_ALIAS_NODES);
  lua_setfield(L, -2, "max_alias_nodes");
  lua_pushinteger(L, (lua_Integer)QMY_MAX_INPUT);
  lua_setfield(L, -2, "max_input_bytes");
  return 1;
}
