-- Tests of the Lua statistics module (qm.stats) as an API: the same definitions as the SQL
-- functions (checked against Python in tests/e2e/test_sqlfuncs_vs_python.sh) and the same
-- argument checks, with errors at the caller's line.
local t = require "testing"
local stats = require "qm.stats"
local scale = require "qm.scale"

local here = "test_stats.lua:"

t.test("rwg on KIK's 0-100 in steps of 5 is computed in scale steps", function()
  t.near(stats.rwg({ 60, 70, 70, 75, 80, 65, 70, 90, 70 }, 21, 5), 0.9174242424242425, 1e-15)
  t.near(stats.rwg({ 3, 4, 4, 5, 3 }, 6), 0.76, 1e-15)
  local err = t.raises(function() stats.rwg({ 60, 70, 70, 75, 80, 65, 70, 90, 70 }, 21) end,
    "stats.rwg: the scores span 30, more than a scale of 21 answer options 1 apart can (20)")
  t.truthy(err:find(here, 1, true), "the error names the caller's line: " .. err)
  local r, why = stats.rwg({ 3 }, 6)
  t.eq(r, nil); t.eq(why, "fewer than 2 scores")
  r, why = stats.rwg({ 3, 4 }, nil)
  t.eq(r, nil); t.eq(why, "the scale has no countable set of answer options")
end)

t.test("arguments are checked like the SQL functions, at the caller's line", function()
  local function raises_here(fn, text)
    local err = t.raises(fn, text)
    t.truthy(err:find(here, 1, true), "not at the caller's line: " .. err)
  end
  raises_here(function() stats.rwg({ 1, 2, 3 }, 0) end, "A, the number of answer options of the scale, must be a whole number of at least 2, not 0")
  raises_here(function() stats.rwg({ 1, 2, 3 }, 1) end, "at least 2, not 1")
  raises_here(function() stats.rwg({ 1, 2, 3 }, 5, 0) end, "step, the distance between two answer options")
  raises_here(function() stats.summary({ 1, 2 }, { A = 1 }) end, "at least 2, not 1")
  raises_here(function() stats.within_k({ 1, 2 }, nil) end, "k must not be nil")
  raises_here(function() stats.within_k({ 1, 2 }, -1) end, "k must be a number of at least 0")
  raises_here(function() stats.median({ "10", "9" }) end, "stats.median: xs[1] is string \"10\", not a number")
  raises_here(function() stats.median({ 1, 0 / 0 }) end, "stats.median: xs[2] is NaN, not a number")
  raises_here(function() stats.median("1 2 3") end, "xs must be an array of numbers, not string")
  raises_here(function() stats.percentile({ 1, 2 }, -10) end, "p must be between 0 and 100 (a percentage), not -10")
  raises_here(function() stats.percentile({ 1, 2 }, 0.5) end, "p = 0.5 is a percentage from 0 to 100")
  raises_here(function() stats.mode({ 1, 2 }, "smallest") end, "ties must be \"median\", \"lowest\", \"highest\" or \"flag\"")
end)

t.test("numbers sort as numbers and percentiles accept explicit percent text", function()
  t.eq(stats.percentile({ 10, 9, 100 }, 0), 9.0)
  t.eq(stats.percentile({ 10, 9, 100 }, 100), 100.0)
  t.near(stats.percentile({ 1, 2, 3, 4, 5 }, "0.5%"), 1.02, 1e-12)
  local s = stats.summary({ 10, 9 })
  t.eq(s.min, 9.0); t.eq(s.max, 10.0); t.eq(s.range, 1.0)
end)

t.test("tied modes follow the rule, and the default is the middle mode", function()
  local xs = { 1, 1, 1, 5, 5, 5, 3 }
  t.eq(stats.mode(xs), 3.0)
  t.eq(stats.mode(xs, "lowest"), 1.0)
  t.eq(stats.mode(xs, "highest"), 5.0)
  local m, why = stats.mode(xs, "flag")
  t.eq(m, nil); t.eq(why, "the modes tie (ties = flag)")
  t.eq(stats.mode({ 2, 2, 7 }, "flag"), 2.0)
  t.eq(stats.modes(xs), { 1.0, 5.0 })
end)

t.test("a panel of one has nil sd and rwg with reasons; don't-knows are counted", function()
  local s = stats.summary({ 4, scale.dontknow }, { A = 5, dontknow = scale.dontknow })
  t.eq(s.n, 1); t.eq(s.dontknow, 1); t.eq(s.sd, nil); t.eq(s.rwg, nil)
  t.eq(s.reasons.sd, "fewer than 2 scores"); t.eq(s.reasons.rwg, "fewer than 2 scores")
  local none = stats.summary({ scale.dontknow }, { dontknow = scale.dontknow })
  t.eq(none.n, 0); t.eq(none.reasons.n, "nobody scored it")
end)

t.test("infinity never passes as a number in a summary, and the median skips it", function()
  t.eq(stats.median({ 1, 2, math.huge }), 2.0)
  local s = stats.summary({ 1, 2, math.huge })
  t.eq(s.median, 2.0); t.eq(s.mean, nil); t.eq(s.reasons.mean, "not finite: a score is infinite")
  t.eq(s.modes[3], math.huge); t.eq(s.reasons.modes, "a mode is infinite: null in JSON")
  t.eq(s.sd, nil); t.eq(s.max, nil)
end)

t.test("an infinite score on a scale with answer options gives nil with reasons, not a span error", function()
  -- the span check is for a wrong A or step; an infinite score says nothing about those
  local s = stats.summary({ 1, 2, math.huge }, { A = 5 })
  t.eq(s.median, 2.0); t.eq(s.rwg, nil); t.eq(s.reasons.rwg, "undefined: a score is infinite")
  t.eq(s.sd, nil); t.eq(s.reasons.sd, "undefined: a score is infinite")
  local r, why = stats.rwg({ -math.huge, 1, 2 }, 5)
  t.eq(r, nil); t.eq(why, "undefined: a score is infinite")
  t.raises(function() stats.rwg({ 1, 2, 30 }, 5) end, "the scores span 29")
end)

t.test("variance is two-pass: large offsets lose nothing", function()
  local xs = { 1e9 + 0.1, 1e9 + 0.2, 1e9 + 0.3, 1e9 + 0.4 }
  t.near(stats.variance(xs), 0.016666658719382593, 1e-17)   -- Python's statistics.variance
end)

t.test("a scale gives A, the step and k", function()
  local kik = scale.points { 0, 100, step = 5 }
  local s = stats.summary({ 60, 70, 70, 75, 80, 65, 70, 90, 70 }, kik)
  t.near(s.rwg, 0.9174242424242425, 1e-15); t.eq(s.k, 5); t.eq(s.A, 21); t.eq(s.step, 5)
  local pct = stats.summary({ 10, 20 }, scale.percent {})
  t.eq(pct.rwg, nil); t.eq(pct.reasons.rwg, "the scale has no countable set of answer options")
end)

t.test("conventions are named", function()
  local c = stats.conventions { ties = "lowest" }
  t.eq(c.sd, "sample (n - 1)"); t.eq(c.mode_ties, "lowest")
  t.truthy(c.quantiles:find("type 7", 1, true)); t.truthy(c.rwg_null:find("scale steps", 1, true))
end)

t.done()
