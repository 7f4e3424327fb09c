-- consensus.lua — rules that propose a consensus score per question from the panel's
-- statistics and flag the questions the group must discuss. A rule is called with the
-- question's statistics q (n, dontknow, mean, median, mode, modes, min, max, range, sd,
-- variance, q1, q3, iqr, within_k, k, rwg, mode_outside, mode_rule_ok, reasons: why a
-- statistic is nil; docs/statistics.md) and the question's scale, and returns
-- { score = proposed, flag = true/false, reason = "why flagged" }. Any Lua function
-- function(q, scale) returning the same is a rule too.
local M = {}

local Rule = {}
Rule.__index = Rule
Rule.__metatable = "consensus rule"
Rule.__call = function(self, q, s) return self.fn(q, s) end
Rule.__tostring = function(self) return "<consensus " .. self.name .. ">" end

local TIES = { median = true, lowest = true, highest = true, flag = true }

local function rule(name, fn, opts)
  return setmetatable({ name = name, fn = fn, opts = opts or {} }, Rule)
end

-- round a proposal to the scale's step (KIK: 5 points)
local function on_scale(v, s)
  if v == nil or s == nil or not s.step then return v end
  local base = s.min or 0
  local k = math.floor((v - base) / s.step + 0.5)
  local r = base + k * s.step
  if s.max and r > s.max then r = s.max end
  return math.tointeger(r) or r
end
M.on_scale = on_scale

local function extra_flag(opts, q)
  if type(opts.flag) == "function" then
    local f = opts.flag(q)
    if f then return true, type(f) == "string" and f or "flagged by the model's rule" end
  end
  return false
end

-- a built-in rule from three parts: propose(q) -> score, test(q) -> needs discussion,
-- why(q) -> the reason. `flags(q)` is the fast path for national-scale passes: only the
-- decision, no table and no text per question. `decide` states the same test as data
-- ({ rule = name, limit =, ties = }) so the engine's C source (qm.rows.consensus) decides
-- a national pass without calling Lua per question; a rule with a `flag` function of the
-- model's own has none (its function must be called).
local function builtin(name, opts, propose, test, why, limit)
  local r = rule(name, function(q, s)
    if q.n == 0 then
      -- "all don't know" only when somebody said so; a question nobody answered is not that
      local dk = (q.dontknow or 0) > 0
      return { score = nil, flag = true, reason = dk and "nobody scored it (all don't know)" or "nobody scored it" }
    end
    local flagged = test(q)
    local reason = flagged and why(q) or nil
    if not flagged then
      local f2, r2 = extra_flag(opts, q)
      if f2 then flagged, reason = true, r2 end
    end
    return { score = on_scale(propose(q), s), flag = flagged and true or false, reason = reason }
  end, opts)
  r.flags = function(q)
    if q.n == 0 or test(q) then return true end
    return (extra_flag(opts, q))
  end
  if opts.flag == nil then r.decide = { rule = name, limit = limit, ties = opts.ties } end
  return r
end

--- consensus.median { max_range = 30, flag = function(q) ... end }: the median; flagged
--- when the range is wider than max_range.
function M.median(opts)
  opts = opts or {}
  local max_range = opts.max_range
  return builtin("median", opts, function(q) return q.median end,
    function(q) return max_range ~= nil and q.range ~= nil and q.range > max_range end,
    function(q) return ("range %g is wider than %g"):format(q.range, max_range) end, max_range)
end

--- consensus.mean { max_sd = 15 }: the mean; flagged when the standard deviation is larger.
function M.mean(opts)
  opts = opts or {}
  local max_sd = opts.max_sd
  return builtin("mean", opts, function(q) return q.mean end,
    function(q) return max_sd ~= nil and q.sd ~= nil and q.sd == q.sd and q.sd > max_sd end,
    function(q) return ("standard deviation %.1f is above %g"):format(q.sd, max_sd) end, max_sd)
end

--- consensus.mode_rule { ties = "median" }: the mode; flagged unless at most 2 (8-10 raters)
--- or 3 (11-13 raters) fall outside it (other sizes: 20 %). Tied modes are resolved by `ties`:
--- "median" (the default: the middle of the tied modes, rounded to the scale), "lowest",
--- "highest", or "flag" (the question is flagged for discussion and the median proposed).
function M.mode_rule(opts)
  opts = opts or {}
  local ties = opts.ties or "median"
  if not TIES[ties] then
    error(("consensus.mode_rule: ties must be \"median\", \"lowest\", \"highest\" or \"flag\", not %s"):format(tostring(ties)), 2)
  end
  local allows = require("qm.eval.stats").mode_rule_allows
  -- tied: the modes listed (a round's statistics) or counted (a national pass's)
  local function tied(q)
    if ties ~= "flag" then return false end
    if q.modes ~= nil then return #q.modes > 1 end
    return q.n_modes ~= nil and q.n_modes > 1
  end
  local r = builtin("mode_rule", opts, function(q)
      if q.mode ~= nil then return q.mode end
      return q.median
    end,
    function(q) return q.mode_outside > allows(q.n) or tied(q) end,
    function(q)
      if q.mode_outside > allows(q.n) then return ("%d of %d outside the mode"):format(q.mode_outside, q.n) end
      local ms = {}
      for i, v in ipairs(q.modes) do ms[i] = ("%g"):format(v) end
      return "tied modes: " .. table.concat(ms, ", ") .. " (ties = flag)"
    end)
  r.ties = ties
  return r
end

--- consensus.rwg { cutoff = 0.70 }: the median; flagged when rwg is below the cutoff.
function M.rwg(opts)
  opts = opts or {}
  local cutoff = opts.cutoff or 0.70
  -- rwg lies between 0 and 1: a cutoff of 70 (a percentage) would flag every question
  if type(cutoff) ~= "number" or cutoff ~= cutoff or cutoff < 0 or cutoff > 1 then
    error(("consensus.rwg: cutoff must be a number from 0 to 1 (rwg's range; 0.70 is the usual one), not %s"):format(tostring(cutoff)), 2)
  end
  return builtin("rwg", opts, function(q) return q.median end,
    function(q) return q.rwg == nil or q.rwg ~= q.rwg or q.rwg < cutoff end,
    function(q)
      if q.rwg == nil or q.rwg ~= q.rwg then
        return ("rwg cannot be computed (%s), so agreement above %.2f is not shown"):format(q.reasons and q.reasons.rwg or "undefined", cutoff)
      end
      return ("rwg %.2f is below %.2f"):format(q.rwg, cutoff)
    end, cutoff)
end

--- consensus.percent_agreement { k = 10, threshold = 0.75 }: the median; flagged when fewer
--- than `threshold` of the scores lie within ±k of the median (Delphi practice). k is in the
--- scale's unit; without k it is one step of the question's scale (1 without a step).
function M.percent_agreement(opts)
  opts = opts or {}
  local threshold = opts.threshold or 0.75
  if opts.k ~= nil and (type(opts.k) ~= "number" or opts.k ~= opts.k or opts.k < 0) then
    error(("consensus.percent_agreement: k must be a number of at least 0 in the scale's unit, not %s"):format(tostring(opts.k)), 2)
  end
  if type(threshold) ~= "number" or threshold < 0 or threshold > 1 then
    error(("consensus.percent_agreement: threshold must be a share from 0 to 1, not %s"):format(tostring(threshold)), 2)
  end
  return builtin("percent_agreement", opts, function(q) return q.median end,
    function(q) return q.within_k == nil or q.within_k < threshold end,
    function(q)
      if q.within_k == nil then return "the share within ±k cannot be computed (" .. (q.reasons and q.reasons.within_k or "undefined") .. ")" end
      return ("%.0f%% within ±%g of the median, below %.0f%%"):format(q.within_k * 100, q.k or opts.k or 0, threshold * 100)
    end, threshold)
end

-- k for "within ±k of the median": the rule's own, else one step of the question's scale,
-- else 1 (docs/statistics.md); stated in every output as `k`
function M.k_of(r, s)
  if type(r) == "table" and r.opts and r.opts.k then return r.opts.k end
  return s and s.step or 1
end

-- the rule for tied modes: the mode rule's own, else "median"
function M.ties_of(r)
  if type(r) == "table" and r.ties then return r.ties end
  return "median"
end

-- apply(rule, q, scale): a rule object or a plain function
function M.apply(r, q, s)
  local out = r(q, s)
  if type(out) == "number" then return { score = on_scale(out, s), flag = false } end
  if type(out) ~= "table" then error("a consensus rule must return { score =, flag = } or a number", 2) end
  return out
end

-- the meeting agenda: flagged questions first, then most disagreement (range, then standard
-- deviation), then the model's own question order — deterministic
function M.agenda(items)
  table.sort(items, function(a, b)
    if a.flag ~= b.flag then return a.flag end
    local ra, rb = a.stats.range or -1, b.stats.range or -1
    if ra ~= rb then return ra > rb end
    local sa, sb = a.stats.sd or -1, b.stats.sd or -1
    if sa ~= sb then return sa > sb end
    return a.order < b.order
  end)
  return items
end

return M
