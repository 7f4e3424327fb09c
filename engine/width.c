/*
** width.c — the "qm.width" module (engine only): how many terminal columns text takes, in C.
** qm.reports.width (stdlib/qm/reports/width.lua) holds the one definition: its tables of
** zero-width and wide code point ranges. It hands them to width.measurer(zero, wide), which
** copies them into a userdata and returns of(s), a C function counting as width.lua's Lua
** loop did: text without bytes >= 0x80 is its length; text that is not UTF-8 by utf8.len's
** rules (strict: no surrogates, nothing above U+10FFFF, no overlong forms) counts one column
** per byte; otherwise each code point counts 0 (a zero range), 2 (a wide range, from U+1100)
** or 1. The text reports measure every cell, so this loop ran a quarter of a konsensusrapport.
** The measurer also gives wrap(s, w, hang), qm.reports.tables' word wrap over the same
** widths, longest(s), the widest word's columns (a wrapped column's least width), and
** columns(cells, n, widths, right, pad_last), a "column" table line padded and joined.
** plain(s) says whether text needs no escaping on a terminal (no control characters, UTF-8).
*/
#include <ctype.h>
#include <stdint.h>
#include <string.h>
#include <lauxlib.h>
#include "width.h"

typedef struct { uint32_t lo, hi; } Range;

typedef struct {
  int nzero, nwide;
  Range r[];  /* the zero ranges, then the wide ones; each list sorted */
} Ranges;

/* one UTF-8 sequence at s (n bytes left), as Lua 5.4's utf8_decode with strict = 1: the
** code point in *cp and the sequence's length, or 0 when it is not valid UTF-8 */
static size_t decode(const unsigned char *s, size_t n, uint32_t *cp) {
  static const uint32_t limits[] = { ~(uint32_t)0, 0x80, 0x800, 0x10000u, 0x200000u, 0x4000000u };
  unsigned int c = s[0];
  uint32_t res = 0;
  size_t count = 0;
  if (c < 0x80) {
    *cp = c;
    return 1;
  }
  for (; c & 0x40; c <<= 1) {
    if (++count >= n) return 0;
    unsigned int cc = s[count];
    if ((cc & 0xC0) != 0x80) return 0;
    res = (res << 6) | (cc & 0x3F);
  }
  if (count > 5) return 0;
  res |= (uint32_t)(c & 0x7F) << (count * 5);
  if (res > 0x7FFFFFFFu || res < limits[count]) return 0;
  if (res > 0x10FFFFu || (res >= 0xD800u && res <= 0xDFFFu)) return 0;
  *cp = res;
  return count + 1;
}

static int within(const Range *r, int n, uint32_t c) {
  int lo = 0, hi = n - 1;
  while (lo <= hi) {
    int mid = (lo + hi) / 2;
    if (c < r[mid].lo) hi = mid - 1;
    else if (c > r[mid].hi) lo = mid + 1;
    else return 1;
  }
  return 0;
}

static int char_width(const Ranges *rs, uint32_t c) {
  if (c < 0x300) return 1;
  if (within(rs->r, rs->nzero, c)) return 0;
  if (c >= 0x1100 && within(rs->r + rs->nzero, rs->nwide, c)) return 2;
  return 1;
}

/* the columns of s[0..len): *valid = 0 when it is not UTF-8 (it then counts a column a byte) */
static lua_Integer columns(const Ranges *rs, const unsigned char *s, size_t len, int *valid) {
  size_t i = 0;
  *valid = 1;
  while (i < len && s[i] < 0x80) i++;
  lua_Integer cols = (lua_Integer)i;
  while (i < len) {
    uint32_t cp;
    size_t k = decode(s + i, len - i, &cp);
    if (k == 0) {  /* not UTF-8: a column per byte, as width.lua */
      *valid = 0;
      return (lua_Integer)len;
    }
    cols += char_width(rs, cp);
    i += k;
  }
  return cols;
}

/* of(s): the columns s takes (the measurer's upvalue holds the ranges) */
static int l_of(lua_State *L) {
  size_t len;
  const unsigned char *s = (const unsigned char *)luaL_checklstring(L, 1, &len);
  int valid;
  lua_pushinteger(L, columns(lua_touserdata(L, lua_upvalueindex(1)), s, len, &valid));
  return 1;
}

/* the next word of s (a run of bytes that are not isspace, as Lua's %S+) at or after *i:
** its start in *start and its end in *i; 0 when there is none */
static int next_word(const unsigned char *s, size_t len, size_t *i, size_t *start) {
  size_t k = *i;
  while (k < len && isspace(s[k])) k++;
  if (k == len) return 0;
  *start = k;
  while (k < len && !isspace(s[k])) k++;
  *i = k;
  return 1;
}

/* wrap(s, w, hang) -> lines: qm.reports.tables.wrap_text in C (the lines of s at most w
** columns wide, broken between words, a longer word on its own line; the lines after the
** first indented by s's leading spaces and `hang` more). A line's width is measured as the
** Lua did, of(cur) + 1 + of(word): the sum of the widths when the words are UTF-8, else
** the line's bytes. */
static int l_wrap(lua_State *L) {
  size_t len;
  const unsigned char *s = (const unsigned char *)luaL_checklstring(L, 1, &len);
  lua_Integer w = luaL_checkinteger(L, 2), hang = luaL_optinteger(L, 3, 0);
  const Ranges *rs = lua_touserdata(L, lua_upvalueindex(1));
  if (hang < 0) hang = 0;
  if ((size_t)hang > len + 4096) return luaL_argerror(L, 3, "hang too large");
  size_t lead = 0;
  while (lead < len && s[lead] == ' ') lead++;
  size_t indent = lead + (size_t)hang;
  /* the line being built sits at buf[indent..]; its first line's or later lines' spaces
  ** are written just before it */
  char *buf = lua_newuserdatauv(L, indent + len + 1, 0);
  memset(buf, ' ', indent);
  char *cur = buf + indent;
  lua_newtable(L);
  lua_Integer nlines = 0, cur_cols = 0;
  size_t cur_len = 0, i = 0, start;
  int have = 0, cur_valid = 1;
  while (next_word(s, len, &i, &start)) {
    size_t wl = i - start;
    int wvalid;
    lua_Integer wcols = columns(rs, s + start, wl, &wvalid);
    if (have) {
      lua_Integer room = w - (lua_Integer)(nlines == 0 ? lead : indent);
      lua_Integer cw = cur_valid ? cur_cols : (lua_Integer)cur_len;
      if (cw + 1 + wcols <= room) {
        cur[cur_len++] = ' ';
        memcpy(cur + cur_len, s + start, wl);
        cur_len += wl;
        cur_cols += 1 + wcols;
        cur_valid = cur_valid && wvalid;
        continue;
      }
      size_t pre = nlines == 0 ? lead : indent;
      lua_pushlstring(L, cur - pre, pre + cur_len);
      lua_rawseti(L, -2, ++nlines);
    }
    memcpy(cur, s + start, wl);
    cur_len = wl;
    cur_cols = wcols;
    cur_valid = wvalid;
    have = 1;
  }
  size_t pre = nlines == 0 ? lead : indent;
  lua_pushlstring(L, cur - pre, pre + (have ? cur_len : 0));
  lua_rawseti(L, -2, ++nlines);
  return 1;
}

/* longest(s) -> the columns of s's widest word (words as Lua's %S+), or nil when it has none */
static int l_longest(lua_State *L) {
  size_t len;
  const unsigned char *s = (const unsigned char *)luaL_checklstring(L, 1, &len);
  const Ranges *rs = lua_touserdata(L, lua_upvalueindex(1));
  size_t i = 0, start;
  lua_Integer best = -1;
  int valid;
  while (next_word(s, len, &i, &start)) {
    lua_Integer c = columns(rs, s + start, i - start, &valid);
    if (c > best) best = c;
  }
  if (best < 0) lua_pushnil(L);
  else lua_pushinteger(L, best);
  return 1;
}

/* plain(s): true when s shows on a terminal as it is: no control character (bytes 0-31
** and 127) and valid UTF-8 by utf8.len's rules; qm.reports.tables' escape() and term() and
** its sanitize() then have nothing to do, and return s without running their patterns */
static int l_plain(lua_State *L) {
  size_t len;
  const unsigned char *s = (const unsigned char *)luaL_checklstring(L, 1, &len);
  size_t i = 0;
  while (i < len) {
    unsigned char c = s[i];
    if (c < 0x80) {
      if (c < 32 || c == 127) break;
      i++;
      continue;
    }
    uint32_t cp;
    size_t k = decode(s + i, len - i, &cp);
    if (k == 0) break;
    i += k;
  }
  lua_pushboolean(L, i == len);
  return 1;
}

/* columns(cells, n, widths, right, pad_last) -> the line of an aligned text table in the
** "column" format (qm.reports.tables): the text cells 1..n each padded with spaces to its
** width (on the left when right[i]), the last only when pad_last, joined by two spaces, the
** line's trailing white space (isspace, as Lua's %s) cut. The same text as the Lua join of
** width.pad's cells, in one call per line. */
typedef struct { const char *s; size_t len; lua_Integer before, after; } Piece;

static int l_columns(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_Integer n = luaL_checkinteger(L, 2);
  luaL_checktype(L, 3, LUA_TTABLE);
  luaL_checktype(L, 4, LUA_TTABLE);
  int pad_last = lua_toboolean(L, 5);
  const Ranges *rs = lua_touserdata(L, lua_upvalueindex(1));
  if (n < 0 || n > 65536) return luaL_argerror(L, 2, "0 to 65536 cells");
  Piece *p = lua_newuserdatauv(L, (size_t)(n > 0 ? n : 1) * sizeof *p, 0);
  size_t total = n > 1 ? 2 * (size_t)(n - 1) : 0;
  for (lua_Integer i = 0; i < n; i++) {
    /* the cells table holds the strings, so their text stays put after the pop */
    if (lua_geti(L, 1, i + 1) != LUA_TSTRING) return luaL_error(L, "width.columns: cell %d is not text", (int)(i + 1));
    p[i].s = lua_tolstring(L, -1, &p[i].len);
    lua_pop(L, 1);
    lua_Integer gap = 0;
    if (i < n - 1 || pad_last) {
      lua_geti(L, 3, i + 1);
      int whole;
      lua_Integer w = lua_tointegerx(L, -1, &whole);
      lua_pop(L, 1);
      if (!whole) return luaL_error(L, "width.columns: the width of column %d is not a whole number", (int)(i + 1));
      int valid;
      gap = w - columns(rs, (const unsigned char *)p[i].s, p[i].len, &valid);
      if (gap < 0) gap = 0;
      if (gap > 1 << 20) return luaL_error(L, "width.columns: column %d is too wide", (int)(i + 1));
    }
    lua_geti(L, 4, i + 1);
    int right = lua_toboolean(L, -1);
    lua_pop(L, 1);
    p[i].before = right ? gap : 0;
    p[i].after = right ? 0 : gap;
    total += p[i].len + (size_t)gap;
  }
  luaL_Buffer b;
  char *out = luaL_buffinitsize(L, &b, total);
  size_t k = 0;
  for (lua_Integer i = 0; i < n; i++) {
    if (i > 0) { out[k++] = ' '; out[k++] = ' '; }
    memset(out + k, ' ', (size_t)p[i].before);
    k += (size_t)p[i].before;
    memcpy(out + k, p[i].s, p[i].len);
    k += p[i].len;
    memset(out + k, ' ', (size_t)p[i].after);
    k += (size_t)p[i].after;
  }
  while (k > 0 && isspace((unsigned char)out[k - 1])) k--;
  luaL_pushresultsize(&b, k);
  return 1;
}

/* copy the list of {lo, hi} pairs at index t into r; returns its length */
static int copy_ranges(lua_State *L, int t, Range *r, const char *what) {
  int n = (int)luaL_len(L, t);
  uint32_t prev = 0;
  for (int i = 0; i < n; i++) {
    lua_rawgeti(L, t, i + 1);
    if (!lua_istable(L, -1)) return luaL_error(L, "width.measurer: %s range %d is not a {lo, hi} pair", what, i + 1);
    lua_rawgeti(L, -1, 1);
    lua_rawgeti(L, -2, 2);
    lua_Integer lo = luaL_checkinteger(L, -2), hi = luaL_checkinteger(L, -1);
    if (lo < 0 || hi < lo || hi > 0x7FFFFFFF || (i > 0 && (uint32_t)lo <= prev))
      return luaL_error(L, "width.measurer: %s range %d is out of order", what, i + 1);
    r[i].lo = (uint32_t)lo;
    r[i].hi = prev = (uint32_t)hi;
    lua_pop(L, 3);
  }
  return n;
}

/* width.measurer(zero, wide) -> of, wrap, longest, columns: zero and wide are sorted lists of
** {lo, hi} code points; the four functions share them */
static int l_measurer(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  luaL_checktype(L, 2, LUA_TTABLE);
  lua_Integer nz = luaL_len(L, 1), nw = luaL_len(L, 2);
  if (nz > 4096 || nw > 4096) return luaL_error(L, "width.measurer: too many ranges");
  Ranges *rs = lua_newuserdatauv(L, sizeof *rs + (size_t)(nz + nw) * sizeof(Range), 0);
  rs->nzero = copy_ranges(L, 1, rs->r, "zero-width");
  rs->nwide = copy_ranges(L, 2, rs->r + rs->nzero, "wide");
  int ud = lua_gettop(L);
  lua_pushvalue(L, ud);
  lua_pushcclosure(L, l_of, 1);
  lua_pushvalue(L, ud);
  lua_pushcclosure(L, l_wrap, 1);
  lua_pushvalue(L, ud);
  lua_pushcclosure(L, l_longest, 1);
  lua_pushvalue(L, ud);
  lua_pushcclosure(L, l_columns, 1);
  return 4;
}

int qmW_open_lib(lua_State *L) {
  static const luaL_Reg fns[] = { { "measurer", l_measurer }, { "plain", l_plain }, { NULL, NULL } };
  luaL_newlib(L, fns);
  return 1;
}
