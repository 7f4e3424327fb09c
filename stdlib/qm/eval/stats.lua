-- stats.lua — statistics of one panel (a Lua array of scores): the same formulas as the SQL
-- functions (engine/stats.c, through qm.stats.formulas) and the same argument checks.
-- Work on many rows belongs in SQL; this is for a rule, a test or the REPL. The API and its
-- conventions (sample sd, inclusive quantiles, rwg in scale steps, ties of the mode) are
-- documented in docs/statistics.md. Every function checks its input: numbers only (never
-- strings, never NaN), errors point at the caller's line.
local M = {}

local TIES = { median = true, lowest = true, highest = true, flag = true }
M.ties_rules = { "median", "lowest", "highest", "flag" }
M.default_ties = "median"

-- ---------------------------------------------------------------- checks

local function fail(fn, msg, level) error(("stats.%s: %s"):format(fn, msg), (level or 2) + 1) end

-- the numbers of xs, sorted; `skip` (a value such as scale.dontknow) is left out and counted
local function sorted_numbers(fn, xs, skip, level)
  level = (level or 2) + 1
  if type(xs) ~= "table" then fail(fn, ("xs must be an array of numbers, not %s"):format(type(xs)), level) end
  local v, skipped, n = {}, 0, #xs
  for k in pairs(xs) do
    if math.type(k) ~= "integer" or k < 1 or k > n then
      fail(fn, ("xs must be an array of numbers (it has the key %s)"):format(tostring(k)), level)
    end
  end
  for i = 1, n do
    local x = xs[i]
    if skip ~= nil and x == skip then
      skipped = skipped + 1
    elseif type(x) ~= "number" then
      fail(fn, ("xs[%d] is %s%s, not a number"):format(i, type(x), type(x) == "string" and (" \"" .. x .. "\"") or ""), level)
    elseif x ~= x then
      fail(fn, ("xs[%d] is NaN, not a number"):format(i), level)
    else
      v[#v + 1] = x + 0.0
    end
  end
  table.sort(v)
  return v, skipped
end

local function check_p(fn, p, level)
  level = (level or 2) + 1
  if type(p) == "string" then
    local num = p:match("^%s*([%d%.]+)%%%s*$")
    local x = num and tonumber(num)
    if x and x >= 0 and x <= 100 then return x end
    fail(fn, ("p \"%s\" is not a percentage: give a number from 0 to 100, or text like \"0.5%%\""):format(p), level)
  end
  if type(p) ~= "number" or p ~= p or p < 0 or p > 100 then
    fail(fn, ("p must be between 0 and 100 (a percentage), not %s"):format(tostring(p)), level)
  end
  if p > 0 and p < 1 then
    fail(fn, ("p = %g is a percentage from 0 to 100, so %g would be the %gth percentile, not the %gth: write %g for that, or \"%g%%\" if you mean the %gth percentile")
      :format(p, p, p, p * 100, p * 100, p, p), level)
  end
  return p
end

local function check_A(fn, A, level)
  if A == nil then return nil end   -- no countable set of answer options: rwg is nil
  if math.type(A) == "float" and A == math.floor(A) then A = math.tointeger(A) end
  if math.type(A) ~= "integer" or A < 2 then
    fail(fn, ("A, the number of answer options of the scale, must be a whole number of at least 2, not %s"):format(tostring(A)), (level or 2) + 1)
  end
  return A
end

local function check_k(fn, k, level)
  if k == nil then fail(fn, "k must not be nil: give the distance from the median that counts as agreement, in the scores' unit", (level or 2) + 1) end
  if type(k) ~= "number" or k ~= k or k < 0 or k == math.huge then
    fail(fn, ("k must be a number of at least 0 (in the scores' unit), not %s"):format(tostring(k)), (level or 2) + 1)
  end
  return k
end

local function check_step(fn, step, level)
  if step == nil then return 1 end
  if type(step) ~= "number" or step ~= step or step <= 0 or step == math.huge then
    fail(fn, ("step, the distance between two answer options in the scores' unit, must be a number above 0, not %s"):format(tostring(step)), (level or 2) + 1)
  end
  return step
end

local function check_ties(fn, ties, level)
  if ties == nil then return M.default_ties end
  if not TIES[ties] then
    fail(fn, ("ties must be \"median\", \"lowest\", \"highest\" or \"flag\", not %s"):format(tostring(ties)), (level or 2) + 1)
  end
  return ties
end

-- ---------------------------------------------------------------- formulas on sorted values

-- Each formula is written once, in engine/stats.c, and shared with the SQL functions; these
-- take the checked, sorted values (docs/statistics.md names the conventions)
local F = require "qm.stats.formulas"
local quantile, mean, variance, modes, within, rwg = F.quantile, F.mean, F.variance, F.modes, F.within, F.rwg

-- an infinite score is no sign of a wrong A or step: the statistics it reaches are nil with
-- the reason
local function check_span(fn, v, A, step, level)
  if A == nil or #v == 0 then return end
  local span, most = v[#v] - v[1], (A - 1) * step
  if span == math.huge then return end
  if not (span <= most * (1 + 1e-9)) then
    fail(fn, ("the scores span %g, more than a scale of %d answer options %g apart can (%g): give the scale's step in the scores' unit (on 0-100 in steps of 5: A = 21, step = 5)")
      :format(span, A, step, most), (level or 2) + 1)
  end
end

-- ---------------------------------------------------------------- the API

--- stats.mean(xs) -> the mean (nil for no values)
function M.mean(xs) return mean(sorted_numbers("mean", xs)) end

--- stats.median(xs) -> the median (the mean of the two middle values for an even count)
function M.median(xs) return quantile(sorted_numbers("median", xs), 50) end

--- stats.percentile(xs, p) -> the p-th percentile, p a percentage 0-100 (or "0.5%")
function M.percentile(xs, p)
  local pp = check_p("percentile", p)
  return quantile(sorted_numbers("percentile", xs), pp)
end

--- stats.quartiles(xs) -> q1, q3 (inclusive method)
function M.quartiles(xs)
  local v = sorted_numbers("quartiles", xs)
  return quantile(v, 25), quantile(v, 75)
end

--- stats.iqr(xs) -> q3 - q1
function M.iqr(xs)
  local v = sorted_numbers("iqr", xs)
  if #v == 0 then return nil end
  return quantile(v, 75) - quantile(v, 25)
end

--- stats.variance(xs) -> the sample variance (n - 1); nil below 2 values
function M.variance(xs)
  local v = sorted_numbers("variance", xs)
  return variance(v, mean(v))
end

--- stats.sd(xs) -> the sample standard deviation; nil below 2 values
function M.sd(xs)
  local v = sorted_numbers("sd", xs)
  local var = variance(v, mean(v))
  return var and math.sqrt(var)
end

--- stats.modes(xs) -> every most frequent value ascending, and how often each occurs
function M.modes(xs) return modes(sorted_numbers("modes", xs)) end

--- stats.mode(xs, ties) -> one mode; ties = "median" (default: the middle of tied modes),
--- "lowest", "highest" or "flag" (nil and a reason when the modes tie)
function M.mode(xs, ties)
  local t = check_ties("mode", ties)
  return F.mode(sorted_numbers("mode", xs), t)
end

--- stats.within_k(xs, k) -> the share (0-1) of scores within ±k of the median
function M.within_k(xs, k)
  k = check_k("within_k", k)
  local v = sorted_numbers("within_k", xs)
  if #v == 0 then return nil end
  return within(v, quantile(v, 50), k) / #v
end

--- stats.rwg(xs, A, step) -> rwg for a scale of A answer options `step` apart (step 1 by
--- default), or nil and why (fewer than 2 scores; A nil: no countable set of options)
function M.rwg(xs, A, step)
  A = check_A("rwg", A)
  step = check_step("rwg", step)
  local v = sorted_numbers("rwg", xs)
  if #v == 0 then return nil, "no scores" end
  check_span("rwg", v, A, step)
  return rwg(#v, variance(v, mean(v)), A, step)
end

-- the small-panel mode rule: consensus when at most 2 (8-10 raters) or 3 (11-13 raters)
-- fall outside the mode; other panel sizes: at most 20 % outside
function M.mode_rule_allows(n)
  if math.type(n) ~= "integer" and not (type(n) == "number" and n == math.floor(n)) then
    fail("mode_rule_allows", ("n must be a whole number, not %s"):format(tostring(n)))
  end
  if n >= 8 and n <= 10 then return 2 end
  if n >= 11 and n <= 13 then return 3 end
  return math.floor(n * 0.2)
end

local function finite(x) return x ~= nil and x == x and x ~= math.huge and x ~= -math.huge end

--- stats.summary(xs, { A =, step =, k =, ties =, dontknow = value } | scale) -> every
--- statistic of one panel, the same keys as consensus_stats() in SQL; a statistic that is
--- undefined is nil with its reason in `reasons`. A scale gives A (its options), step and
--- k = one step; opts.dontknow (e.g. scale.dontknow) is left out and counted.
function M.summary(xs, opts)
  opts = opts or {}
  if type(opts) ~= "table" then fail("summary", "the second argument must be a table { A =, step =, k =, ties = } or a scale") end
  local A = check_A("summary", opts.A or (opts.kind and opts.options) or nil)
  local step = check_step("summary", opts.step)
  local k = check_k("summary", opts.k or step)
  local ties = check_ties("summary", opts.ties)
  local v, dk = sorted_numbers("summary", xs, opts.dontknow)
  local n = #v
  local s = { n = n, dontknow = dk, k = k, A = A, step = step, ties = ties, reasons = {} }
  if n == 0 then
    s.reasons.n = "nobody scored it"
    return s
  end
  check_span("summary", v, A, step)
  local m = mean(v)
  s.mean, s.median = m, quantile(v, 50)
  s.q1, s.q3 = quantile(v, 25), quantile(v, 75)
  s.iqr = s.q3 - s.q1
  s.min, s.max = v[1], v[n]
  s.range = v[n] - v[1]
  local ms, top = modes(v)
  s.modes, s.mode_outside = ms, n - top
  s.mode, s.reasons.mode = F.mode(v, ties)
  for _, x in ipairs(ms) do
    if not finite(x) then s.reasons.modes = "a mode is infinite: null in JSON" end
  end
  s.variance = variance(v, m)
  s.sd = s.variance and math.sqrt(s.variance)
  if not s.variance then
    s.reasons.sd = n < 2 and "fewer than 2 scores" or "undefined: a score is infinite"
    s.reasons.variance = s.reasons.sd
  end
  s.rwg, s.reasons.rwg = rwg(n, s.variance, A, step)
  s.within_k = finite(s.median) and within(v, s.median, k) / n or nil
  -- infinite values never pass as numbers: nil with the reason
  for _, key in ipairs { "mean", "median", "mode", "q1", "q3", "iqr", "min", "max", "range", "within_k" } do
    local x = s[key]
    if x ~= nil and not finite(x) then
      s[key] = nil
      s.reasons[key] = x ~= x and "undefined: the scores include infinite values" or "not finite: a score is infinite"
    end
  end
  return s
end

--- stats.conventions(opts) -> the conventions every statistic here follows, as a table for
--- JSON output (docs/statistics.md): { sd, quantiles, rwg_null, mode_ties, within_k }
function M.conventions(opts)
  opts = opts or {}
  local ties = check_ties("conventions", opts.ties)
  return {
    sd = "sample (n - 1)",
    quantiles = "inclusive: linear interpolation between closest ranks (Hyndman-Fan type 7)",
    rwg_null = "uniform over the scale's A answer options, variance (A^2 - 1)/12 in scale steps; the scores' variance is divided by step^2",
    mode_ties = ties,
    within_k = "share of scores within ±k of the median, k in the scale's unit",
  }
end

M.convention_keys = { "sd", "quantiles", "rwg_null", "mode_ties", "within_k" }

--- stats.conventions_text(opts) -> the same as one sentence for people
function M.conventions_text(opts)
  local c = M.conventions(opts)
  return ("Standard deviation: sample (n − 1). Quartiles and IQR: inclusive (type 7). rwg: 1 − s²/σ²ᴇᴜ against a uniform null over the scale's answer options, both in scale steps. Tied modes: %s. Within k: ±k of the median in the scale's unit.")
    :format(c.mode_ties)
end

return M
