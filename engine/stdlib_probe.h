/*
** stdlib_probe.h — a small Lua chunk that the build compiles (cmake/embed_stdlib.c) and qm
** compiles again at start (stdlib_loader.c). The embedded stdlib is bytecode from the build's
** liblua; it is used only when the running liblua writes the very same bytes for this chunk,
** so a liblua of another version, number format or code generator is detected before any of
** its bytecode is loaded. The chunk touches most kinds of instruction: arithmetic on integers
** and floats, bitwise operators, comparisons, closures and upvalues, varargs, both for loops,
** table constructors, methods, concatenation, goto and to-be-closed variables.
** Included by exactly one file of the engine and by the build tool.
*/
#ifndef QM_STDLIB_PROBE_H
#define QM_STDLIB_PROBE_H

static const char qmE_probe_source[] =
  "local a, b, c = ...\n"
  "local t = { 1, 2.5, 'x', 0x7fffffffffffffff, -0.0, 1e308, [a or 1] = b, k = c,\n"
  "  10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30,\n"
  "  31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51 }\n"
  "local n = (a or 3) + 1 - 2 * 3 / 4 % 5 ^ 6 // 7\n"
  "local m = ((b or 7) & 3 | 4 ~ 5 << 1 >> 2) + ~(c or 0) + -n + #t\n"
  "local s = 'p' .. n .. m .. [[long string]] .. t.k\n"
  "if n < m and n <= 1 or n > 2 and m >= 3 or n == m or n ~= m or not a then s = s .. 1 end\n"
  "local function up(x, ...)\n"
  "  local v = select('#', ...)\n"
  "  return function(y, ...) n = n + x + y + v return n, ... end\n"
  "end\n"
  "for i = 1, 10, 2 do m = m + i end\n"
  "for i = 1.0, 2.0, 0.5 do m = m + i end\n"
  "for k, v in pairs(t) do if k == 3 then goto done end m = m + (tonumber(v) or 0) end\n"
  "::done::\n"
  "while m > 100 do m = m - 1 end\n"
  "repeat m = m + 1 until m > 0\n"
  "do local x <close> = nil; local y <const> = 42; m = m + y end\n"
  "local o = { f = function(self, z) return self, z end }\n"
  "o:f(s)\n"
  "t[#t + 1], t.z = up(1, 2, 3)(4), o\n"
  "return t, s, m, up, setmetatable({}, { __index = t })[1]\n";

#endif
