/*
** json_decode.c — the "qm.json_decode" module (engine only): decode(text, null, object, array)
** reads JSON in C into the values qm.reports.json's Lua decoder makes, and returns true and
** the value, or false when it declines: broken input (the Lua decoder then raises its error,
** with its line), a \u escape, or nesting deeper than MAX_DEPTH. What it accepts it reads as
** the Lua decoder does, byte for byte:
**   - white space is " \t\r\n"; true, false and null are read by their first letters' word;
**   - a number is the longest run matching -?%d+%.?%d*[eE]?[-+]?%d* read by tonumber, then
**     an integer when the float is a whole number (math.tointeger(tonumber(num)) or tonumber(num));
**   - a string is its bytes up to the closing quote, with \b \f \n \r \t \" \\ \/ decoded;
**   - an object is a table passed to object(t, keys) with every key in order, duplicates
**     included (a later value replaces an earlier one; a null value sets nil);
**   - an array is array({}) filled as t[#t + 1] = v (so a null that is nil leaves no slot).
** Every report that reads consensus_stats' JSON per question decodes it here.
*/
#include <string.h>
#include <lauxlib.h>
#include "json_decode.h"

#define MAX_DEPTH 64

typedef struct {
  lua_State *L;
  const char *s;
  size_t len, pos;
  luaL_Buffer *b;
} Reader;

enum { U_NULL = 2, U_OBJECT = 3, U_ARRAY = 4 };  /* the decode's arguments */

static void skip(Reader *r) {
  while (r->pos < r->len) {
    char c = r->s[r->pos];
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n') return;
    r->pos++;
  }
}

static int word(Reader *r, const char *w) {
  size_t n = strlen(w);
  if (r->len - r->pos < n || memcmp(r->s + r->pos, w, n) != 0) return 0;
  r->pos += n;
  return 1;
}

static int isdigit_(char c) { return c >= '0' && c <= '9'; }

/* pushes the string starting at the opening quote; 0 when declined */
static int string(Reader *r) {
  lua_State *L = r->L;
  size_t i = r->pos + 1, start = i;
  while (i < r->len && r->s[i] != '"' && r->s[i] != '\\') i++;
  if (i >= r->len) return 0;
  if (r->s[i] == '"') {   /* no escapes: the run itself */
    lua_pushlstring(L, r->s + start, i - start);
    r->pos = i + 1;
    return 1;
  }
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  for (;;) {
    luaL_addlstring(&b, r->s + start, i - start);
    if (i >= r->len) return 0;   /* luaL_Buffer's stack slot is dropped by the caller's settop */
    if (r->s[i] == '"') break;
    if (i + 1 >= r->len) return 0;
    char e = r->s[i + 1], out;
    switch (e) {
    case 'b': out = '\b'; break;
    case 'f': out = '\f'; break;
    case 'n': out = '\n'; break;
    case 'r': out = '\r'; break;
    case 't': out = '\t'; break;
    case '"': case '\\': case '/': out = e; break;
    default: return 0;   /* \u (and broken escapes): the Lua decoder's */
    }
    luaL_addchar(&b, out);
    i += 2;
    start = i;
    while (i < r->len && r->s[i] != '"' && r->s[i] != '\\') i++;
  }
  luaL_pushresult(&b);
  r->pos = i + 1;
  return 1;
}

static int number(Reader *r) {
  lua_State *L = r->L;
  size_t i = r->pos;
  char text[64];
  if (i < r->len && r->s[i] == '-') i++;
  if (i >= r->len || !isdigit_(r->s[i])) return 0;
  while (i < r->len && isdigit_(r->s[i])) i++;
  if (i < r->len && r->s[i] == '.') i++;
  while (i < r->len && isdigit_(r->s[i])) i++;
  if (i < r->len && (r->s[i] == 'e' || r->s[i] == 'E')) i++;
  if (i < r->len && (r->s[i] == '-' || r->s[i] == '+')) i++;
  while (i < r->len && isdigit_(r->s[i])) i++;
  size_t n = i - r->pos;
  if (n >= sizeof text) return 0;
  memcpy(text, r->s + r->pos, n);
  text[n] = '\0';
  if (lua_stringtonumber(L, text) == 0) return 0;
  if (!lua_isinteger(L, -1)) {
    int whole;
    lua_Integer k = lua_tointegerx(L, -1, &whole);
    if (whole) { lua_pop(L, 1); lua_pushinteger(L, k); }
  }
  r->pos = i;
  return 1;
}

/* pushes the value at pos (after white space); 0 when declined */
static int value(Reader *r, int depth) {
  lua_State *L = r->L;
  skip(r);
  if (r->pos >= r->len) return 0;
  char c = r->s[r->pos];
  if (c == '{' || c == '[') {
    if (depth >= MAX_DEPTH) return 0;
    luaL_checkstack(L, 6, "json");
    int obj = c == '{';
    r->pos++;
    lua_newtable(L);
    int t = lua_gettop(L), keys = 0;
    lua_Integer n = 0;
    if (obj) { lua_newtable(L); keys = lua_gettop(L); }
    skip(r);
    if (r->pos < r->len && r->s[r->pos] == (obj ? '}' : ']')) r->pos++;
    else for (;;) {
      if (obj) {
        skip(r);
        if (r->pos >= r->len || r->s[r->pos] != '"' || !string(r)) return 0;
        lua_pushvalue(L, -1);
        lua_rawseti(L, keys, ++n);
        skip(r);
        if (r->pos >= r->len || r->s[r->pos] != ':') return 0;
        r->pos++;
        if (!value(r, depth + 1)) return 0;
        lua_rawset(L, t);
      } else {
        if (!value(r, depth + 1)) return 0;
        if (lua_isnil(L, -1)) lua_pop(L, 1);
        else lua_rawseti(L, t, ++n);
      }
      skip(r);
      if (r->pos >= r->len) return 0;
      char d = r->s[r->pos++];
      if (d == (obj ? '}' : ']')) break;
      if (d != ',') return 0;
    }
    /* json.object(t, keys) or json.array(t): they mark the table and return it */
    lua_pushvalue(L, obj ? U_OBJECT : U_ARRAY);
    lua_pushvalue(L, t);
    if (obj) lua_pushvalue(L, keys);
    lua_call(L, obj ? 2 : 1, 1);
    lua_replace(L, t);
    lua_settop(L, t);
    return 1;
  }
  if (c == '"') return string(r);
  if (c == 't' && word(r, "true")) { lua_pushboolean(L, 1); return 1; }
  if (c == 'f' && word(r, "false")) { lua_pushboolean(L, 0); return 1; }
  if (c == 'n' && word(r, "null")) { lua_pushvalue(L, U_NULL); return 1; }
  return number(r);
}

/* decode(text, null, object, array) -> true, value | false */
static int l_decode(lua_State *L) {
  size_t len;
  const char *s = luaL_checklstring(L, 1, &len);
  luaL_checktype(L, U_OBJECT, LUA_TFUNCTION);
  luaL_checktype(L, U_ARRAY, LUA_TFUNCTION);
  lua_settop(L, U_ARRAY);
  Reader r = { L, s, len, 0, NULL };
  if (!value(&r, 0)) { lua_pushboolean(L, 0); return 1; }
  skip(&r);
  if (r.pos < r.len) { lua_pushboolean(L, 0); return 1; }
  lua_pushboolean(L, 1);
  lua_insert(L, -2);
  return 2;
}

int qmJ_open_lib(lua_State *L) {
  static const luaL_Reg fns[] = { { "decode", l_decode }, { NULL, NULL } };
  luaL_newlib(L, fns);
  return 1;
}
