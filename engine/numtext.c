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
** konsensusrapport writes some 500 numbers); numtext.sorted(list, decimals, mark, sep) is a
** dot chart's scores, sorted and written so, in one call. tests/engine/test_report_text.lua
** checks both against the Lua.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
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

/* the text num[0..len) (a %lld or %.*f result) as fixed() writes it, added to b: trimmed,
** "-0" as "0", then, when it is a plain number, grouped and with its mark */
static void put_number(luaL_Buffer *b, char *num, size_t len, int trim, const char *mark, size_t mark_len,
                       const char *group, size_t group_len) {
  size_t n = trim ? trim_zeros(num, len) : len;
  if (n == 2 && num[0] == '-' && num[1] == '0') { num[0] = '0'; n = 1; }
  /* a plain number: sign, integer digits, then nothing or a point and digits */
  size_t start = num[0] == '-' ? 1 : 0;
  size_t int_end = digits_end(num, start, n);
  int plain = int_end > start && (int_end == n || (num[int_end] == '.' && digits_end(num, int_end + 1, n) == n));
  size_t ndig = int_end - start;
  int grouped = plain && group_len > 0 && ndig > 4;
  int marked = plain && int_end < n && !(mark_len == 1 && mark[0] == '.');
  if (!grouped && !marked) {
    luaL_addlstring(b, num, n);
    return;
  }
  luaL_addlstring(b, num, start);
  for (size_t i = start; i < int_end; i++) {
    if (grouped && i > start && (int_end - i) % 3 == 0) luaL_addlstring(b, group, group_len);
    luaL_addchar(b, num[i]);
  }
  if (int_end < n) {
    luaL_addlstring(b, mark, mark_len);
    luaL_addlstring(b, num + int_end + 1, n - int_end - 1);
  }
}

/* %lld of i into num (at least 21 bytes), without printf: a report's numbers are mostly
** whole (scores, counts), and printf's parsing of its format was most of their cost */
static int format_int(char *num, long long i) {
  char tmp[24];
  int n = 0, len = 0;
  unsigned long long u = i < 0 ? 0ULL - (unsigned long long)i : (unsigned long long)i;
  do { tmp[n++] = (char)('0' + u % 10); u /= 10; } while (u);
  if (i < 0) num[len++] = '-';
  while (n) num[len++] = tmp[--n];
  num[len] = '\0';
  return len;
}

/* %.*f of v into num (NUMTEXT_MAX bytes); with trim, a whole number below 1e15 in size is
** written as an integer at once: what %.*f and trimming its zeros and point give ("-0" as
** "-0", which put_number makes "0"), without printf's decimal conversion */
static int format_fixed(char *num, double v, int decimals, int trim) {
  if ((trim || decimals == 0) && v == floor(v) && fabs(v) < 1e15) {
    long long i = (long long)v;
    if (i == 0 && signbit(v)) { memcpy(num, "-0", 3); return 2; }
    return format_int(num, i);
  }
  return snprintf(num, NUMTEXT_MAX, "%.*f", decimals, v);
}

static int check_decimals(lua_State *L, int arg) {
  lua_Integer d = luaL_optinteger(L, arg, 2);
  if (d < 0 || d > 99) return luaL_argerror(L, arg, "decimals must be 0 to 99");
  return (int)d;
}

/* numtext.fixed(v, decimals, trim, mark, group) -> string (see the header) */
static int l_fixed(lua_State *L) {
  char num[NUMTEXT_MAX];
  int len;
  int decimals = check_decimals(L, 2);
  int trim = lua_toboolean(L, 3);
  size_t mark_len, group_len;
  const char *mark = luaL_optlstring(L, 4, ".", &mark_len);
  const char *group = luaL_optlstring(L, 5, "", &group_len);
  if (lua_isinteger(L, 1)) len = format_int(num, (long long)lua_tointeger(L, 1));
  else len = format_fixed(num, (double)luaL_checknumber(L, 1), decimals, trim);
  if (len < 0 || (size_t)len >= sizeof num) return luaL_error(L, "numtext.fixed: number too long");
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  put_number(&b, num, (size_t)len, trim, mark, mark_len, group, group_len);
  luaL_pushresult(&b);
  return 1;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* numtext.sorted(list, decimals, mark, sep) -> the numbers of list (as ipairs reads it; NaN
** and what is no number left out) in ascending order, each as fixed(v + 0.0, decimals,
** decimals > 0, mark) writes it, joined by sep: a dot chart's scores column (qm.reports.charts
** with a charts.number format), which sorted and formatted them one by one in Lua */
static int l_sorted(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  int decimals = check_decimals(L, 2);
  size_t mark_len, sep_len;
  const char *mark = luaL_optlstring(L, 3, ".", &mark_len);
  const char *sep = luaL_optlstring(L, 4, " ", &sep_len);
  size_t count = 0;
  for (lua_Integer i = 1;; i++) {
    int t = lua_geti(L, 1, i);
    lua_pop(L, 1);
    if (t == LUA_TNIL) break;
    count++;
  }
  double *v = lua_newuserdatauv(L, (count > 0 ? count : 1) * sizeof *v, 0);
  size_t n = 0;
  for (size_t i = 0; i < count; i++) {
    if (lua_geti(L, 1, (lua_Integer)i + 1) == LUA_TNUMBER) {
      double x = lua_tonumber(L, -1);
      if (x == x) v[n++] = x;
    }
    lua_pop(L, 1);
  }
  qsort(v, n, sizeof *v, cmp_double);
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  for (size_t i = 0; i < n; i++) {
    char num[NUMTEXT_MAX];
    int len = format_fixed(num, v[i], decimals, decimals > 0);
    if (len < 0 || (size_t)len >= sizeof num) return luaL_error(L, "numtext.sorted: number too long");
    if (i > 0) luaL_addlstring(&b, sep, sep_len);
    put_number(&b, num, (size_t)len, decimals > 0, mark, mark_len, "", 0);
  }
  luaL_pushresult(&b);
  return 1;
}

int qmN_open_lib(lua_State *L) {
  static const luaL_Reg fns[] = { { "fixed", l_fixed }, { "sorted", l_sorted }, { NULL, NULL } };
  luaL_newlib(L, fns);
  return 1;
}
