-- The Lua statistics module (qm.stats) computes with the formulas of engine/stats.c, the ones
-- the SQL functions use (issue 10: one implementation of each formula): every statistic of
-- stats.summary goes through qm.stats.formulas, and the module has none of its own.
local t = require "testing"
local F = require "qm.stats.formulas"

-- qm.eval.stats loaded afresh against a counting stand-in for the C formulas
local function load_with_spy()
  local calls = {}
  local spy = setmetatable({}, { __index = function(_, name)
    local fn = F[name]
    if not fn then return nil end
    return function(...) calls[name] = (calls[name] or 0) + 1; return fn(...) end
  end })
  local saved_f, saved_s = package.loaded["qm.stats.formulas"], package.loaded["qm.eval.stats"]
  package.loaded["qm.stats.formulas"], package.loaded["qm.eval.stats"] = spy, nil
  local ok, stats = pcall(require, "qm.eval.stats")
  package.loaded["qm.stats.formulas"], package.loaded["qm.eval.stats"] = saved_f, saved_s
  assert(ok, stats)
  return stats, calls
end

t.test("every statistic of stats.summary comes from engine/stats.c", function()
  local stats, calls = load_with_spy()
  local s = stats.summary({ 60, 70, 70, 75, 80, 65, 70, 90, 70 }, { A = 21, step = 5 })
  for _, name in ipairs({ "quantile", "mean", "variance", "modes", "mode", "within", "rwg" }) do
    t.truthy((calls[name] or 0) > 0, "stats.summary computed " .. name .. " without engine/stats.c")
  end
  t.near(s.rwg, 0.9174242424242425, 1e-15)
  t.eq(s.median, 70.0)
  t.eq(s.mode, 70.0)
  t.eq(s.within_k, 6 / 9)
end)

t.test("the single-statistic functions use the same formulas", function()
  local stats, calls = load_with_spy()
  stats.median({ 3, 1, 2 })
  stats.percentile({ 1, 2, 3, 4 }, 25)
  stats.sd({ 1, 2, 3 })
  stats.mode({ 1, 1, 2 })
  stats.within_k({ 1, 2, 9 }, 1)
  stats.rwg({ 3, 4, 4, 5, 3 }, 6)
  for _, name in ipairs({ "quantile", "mean", "variance", "mode", "within", "rwg" }) do
    t.truthy((calls[name] or 0) > 0, name .. " not taken from engine/stats.c")
  end
end)

t.test("the C formulas on sorted arrays: edges", function()
  t.eq(F.quantile({}, 50), nil)
  t.eq(F.quantile({ 1.0, 2.0, 3.0, 4.0 }, 50), 2.5)
  t.eq(F.mean({}), nil)
  t.eq(F.variance({ 1.0 }, 1.0), nil)                       -- fewer than 2 values
  t.eq(F.variance({ 1.0, math.huge }, math.huge), nil)      -- infinite: undefined
  local ms, top = F.modes({ 1.0, 1.0, 3.0, 5.0, 5.0 })
  t.eq(#ms, 2); t.eq(ms[1], 1.0); t.eq(ms[2], 5.0); t.eq(top, 2)
  t.eq(F.mode({ 1.0, 1.0, 3.0, 5.0, 5.0 }, "median"), 3.0)
  t.eq(F.mode({ 1.0, 1.0, 3.0, 5.0, 5.0 }, "highest"), 5.0)
  t.eq(F.mode({ 1.0, 1.0, 3.0, 5.0, 5.0 }, "lowest"), 1.0)
  local m, why = F.mode({ 1.0, 1.0, 5.0, 5.0 }, "flag")
  t.eq(m, nil); t.eq(why, "the modes tie (ties = flag)")
  t.eq(F.within({ 1.0, 2.0, 9.0 }, 2.0, 1), 2)
  local r, reason = F.rwg(1, nil, 5, 1)
  t.eq(r, nil); t.eq(reason, "fewer than 2 scores")
  r, reason = F.rwg(3, 1.0, nil, 1)
  t.eq(r, nil); t.eq(reason, "the scale has no countable set of answer options")
  t.raises(function() F.mean({ 1.0, "x" }) end, "value 2 is not a number")
end)

t.done()
