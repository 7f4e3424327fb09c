/*
** numtext.c — the "qm.numtext" module (engine only): a number as the reports write it for
** people, in C. numtext.fixed(v, decimals, trim, mark, group) is the text that the Lua steps
**   s = math.type(v) == "integer" and tostring(v) or ("%.<decimals>f"):format(v)
**   if trim and s:find("%.") then s = s:gsub("0+$", ""):gsub("%.$", "") end
**   if s == "-0" then s = "0" end
** give, then, when s is a plain number (^-?%d+%.?%d*$; "inf" is kept as it is), its
** integer part grouped by threes with `group` when it has five digits or more (4500,
** 12.345) and the point written as `mark`. qm.reports.i18n's number() and qm.reports.charts'
** number() were those steps in Lua (a format and three to four gsubs per number; a
** konsensusrapport writes some 500 numbers); tests/engine/test_numtext.lua checks this
** against them.
*/
#include <stdio.h>
#include <string.h>
#include <lauxlib.h>
#include "numtext.h"

/* room for %.99f of the largest double (309 digits, a sign, a point and 99 decimals) */
#define NUMTEXT_MAX 512

/* trailing zeros of a text with a point removed, then the point if nothing follows it */
static size_t trim_zeros(const char *s, size_t n) {
  if (memchr(s, '.', n) == NULL) return n;
  while (n > 0 && s[n - 1] == '0') n--;
  if (n > 0 && s[n - 1] == '.') n--;
  return n;
}

/* the digits of s[i..n) up to the first non-digit: their end */
static size_t digits_end(const char *s, size_t i, size_t n) {
  while (i < n && s[i] >= '0' && s[i] <= '9') i++;
  return i;
}

/* numtext.fixed(v, decimals, trim, mark, group) -> string (see the header) */
static int l_fixed(lua_State *L) {
  char num[NUMTEXT_MAX];
  int len;
  lua_Integer decimals = luaL_optinteger(L, 2, 2);
  int trim = lua_toboolean(L, 3);
  size_t mark_len, group_len;
  const char *mark = luaL_optlstring(L, 4, ".", &mark_len);
  const char *group = luaL_optlstring(L, 5, "", &group_len);
  if (decimals < 0 || decimals > 99) return luaL_argerror(L, 2, "decimals must be 0 to 99");
  if (lua_isinteger(L, 1)) len = snprintf(num, sizeof num, LUA_INTEGER_FMT, (LUAI_UACINT)lua_tointeger(L, 1));
  else len = snprintf(num, sizeof num, "%.*f", (int)decimals, (double)luaL_checknumber(L, 1));
  if (len < 0 || (size_t)len >= sizeof num) return luaL_error(L, "numtext.fixed: number too long");
  size_t n = trim ? trim_zeros(num, (size_t)len) : (size_t)len;
  if (n == 2 && num[0] == '-' && num[1] == '0') { num[0] = '0'; n = 1; }
  /* a plain number: sign, integer digits, then nothing or a point and digits */
  size_t start = num[0] == '-' ? 1 : 0;
  size_t int_end = digits_end(num, start, n);
  int plain = int_end > start && (int_end == n || (num[int_end] == '.' && digits_end(num, int_end + 1, n) == n));
  size_t ndig = int_end - start;
  int grouped = plain && group_len > 0 && ndig > 4;
  int marked = plain && int_end < n && !(mark_len == 1 && mark[0] == '.');
  if (!grouped && !marked) {
    lua_pushlstring(L, num, n);
    return 1;
  }
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  luaL_addlstring(&b, num, start);
  for (size_t i = start; i < int_end; i++) {
    if (grouped && i > start && (int_end - i) % 3 == 0) luaL_addlstring(&b, group, group_len);
    luaL_addchar(&b, num[i]);
  }
  if (int_end < n) {
    luaL_addlstring(&b, mark, mark_len);
    luaL_addlstring(&b, num + int_end + 1, n - int_end - 1);
  }
  luaL_pushresult(&b);
  return 1;
}

int qmN_open_lib(lua_State *L) {
  static const luaL_Reg fns[] = { { "fixed", l_fixed }, { NULL, NULL } };
  luaL_newlib(L, fns);
  return 1;
}
