/*
** stats_lua.c — the "qm.stats.formulas" module: stats.c's formulas (quantile, mean, variance,
** modes, the mode by a tie rule, the count within ±k, rwg) over a sorted Lua array of numbers.
** The stdlib's qm.stats checks a model's input and sorts it, then calls these, so the Lua API
** and the SQL functions share one implementation of each formula (issue 10). Engine-only: the
** sandbox maps no model-visible name to this module.
*/
#include <math.h>
#include <lauxlib.h>
#include "stats.h"
#include "stats_lua.h"

/* the array at idx (numbers, sorted by the caller) as doubles in a userdata left on the
** stack, so an error later frees it with the rest of the stack */
static double *read_values(lua_State *L, int idx, int64_t *n) {
  luaL_checktype(L, idx, LUA_TTABLE);
  lua_Integer len = luaL_len(L, idx);
  double *v = lua_newuserdatauv(L, (size_t)(len > 0 ? len : 1) * sizeof(double), 0);
  for (lua_Integer i = 1; i <= len; i++) {
    int isnum = 0;
    lua_rawgeti(L, idx, i);
    v[i - 1] = lua_tonumberx(L, -1, &isnum);
    lua_pop(L, 1);
    if (!isnum) luaL_error(L, "stats: value %d is not a number", (int)i);
  }
  *n = (int64_t)len;
  return v;
}

/* a finite or infinite number, or nil for NaN (undefined) */
static void push_number_or_nil(lua_State *L, double x) {
  if (isnan(x)) lua_pushnil(L);
  else lua_pushnumber(L, x);
}

/* quantile(v, p) -> the p-th percentile (0-100) of sorted v, or nil when v is empty */
static int l_quantile(lua_State *L) {
  int64_t n;
  double *v = read_values(L, 1, &n);
  double p = luaL_checknumber(L, 2);
  if (n == 0) return lua_pushnil(L), 1;
  lua_pushnumber(L, qmStat_quantile(v, n, p));
  return 1;
}

/* mean(v) -> the mean, or nil when v is empty */
static int l_mean(lua_State *L) {
  int64_t n;
  double *v = read_values(L, 1, &n);
  if (n == 0) return lua_pushnil(L), 1;
  lua_pushnumber(L, qmStat_mean(v, n));
  return 1;
}

/* variance(v, mean) -> the sample variance, or nil below 2 values or with infinite values */
static int l_variance(lua_State *L) {
  int64_t n;
  double *v = read_values(L, 1, &n);
  if (lua_isnil(L, 2)) return lua_pushnil(L), 1;
  push_number_or_nil(L, qmStat_variance(v, n, luaL_checknumber(L, 2)));
  return 1;
}

/* modes(v) -> every most frequent value ascending (a new array), and how often each occurs */
static int l_modes(lua_State *L) {
  int64_t n;
  double *v = read_values(L, 1, &n);
  lua_newtable(L);
  if (n == 0) return lua_pushinteger(L, 0), 2;
  QmModes m;
  qmStat_modes(v, n, &m);
  int64_t pos = 0, at, k = 0;
  while ((at = qmStat_next_mode(v, n, m.top, &pos)) >= 0) {
    lua_pushnumber(L, v[at]);
    lua_rawseti(L, -2, (lua_Integer)++k);
  }
  lua_pushinteger(L, (lua_Integer)m.top);
  return 2;
}

/* mode(v, ties) -> the one mode by the tie rule; nil and the reason when the modes tie under
** "flag"; nil when v is empty */
static int l_mode(lua_State *L) {
  int64_t n;
  double *v = read_values(L, 1, &n);
  QmTies ties;
  if (qmStat_ties(luaL_checkstring(L, 2), &ties) != 0)
    return luaL_error(L, "stats: unknown tie rule %s", lua_tostring(L, 2));
  if (n == 0) return lua_pushnil(L), 1;
  QmModes m;
  double out;
  qmStat_modes(v, n, &m);
  if (!qmStat_mode(&m, ties, &out)) {
    lua_pushnil(L);
    lua_pushliteral(L, "the modes tie (ties = flag)");
    return 2;
  }
  lua_pushnumber(L, out);
  return 1;
}

/* within(v, center, k) -> how many values lie within ±k of center */
static int l_within(lua_State *L) {
  int64_t n;
  double *v = read_values(L, 1, &n);
  double center = luaL_checknumber(L, 2), k = luaL_checknumber(L, 3);
  lua_pushinteger(L, (lua_Integer)qmStat_within(v, n, center, k));
  return 1;
}

/* rwg(n, variance|nil, A|nil, step) -> rwg, or nil and the reason it is undefined */
static int l_rwg(lua_State *L) {
  lua_Integer n = luaL_checkinteger(L, 1);
  double var = lua_isnil(L, 2) ? NAN : luaL_checknumber(L, 2);
  double A = lua_isnil(L, 3) ? NAN : luaL_checknumber(L, 3);
  double step = luaL_checknumber(L, 4), out;
  const char *why = qmStat_rwg((int64_t)n, var, A, step, &out);
  if (why) {
    lua_pushnil(L);
    lua_pushstring(L, why);
    return 2;
  }
  lua_pushnumber(L, out);
  return 1;
}

int qmStat_open_lib(lua_State *L) {
  static const luaL_Reg fns[] = {
    { "quantile", l_quantile }, { "mean", l_mean }, { "variance", l_variance },
    { "modes", l_modes }, { "mode", l_mode }, { "within", l_within }, { "rwg", l_rwg },
    { NULL, NULL }
  };
  luaL_newlib(L, fns);
  return 1;
}
