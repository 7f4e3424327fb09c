-- consensus.lua — rules that propose a consensus score per question from the panel's
-- statistics and flag the questions the group must discuss. A rule is called with the
-- question's statistics q (n, dontknow, mean, median, modes, min, max, range, sd, iqr,
-- within_k, rwg, mode_outside, mode_rule_ok) and the question's scale, and returns
-- { score = proposed, flag = true/false, reason = "why flagged" }. Any Lua function
-- function(q, scale) returning the same is a rule too.
local M = {}

local Rule = {}
Rule.__index = Rule
Rule.__metatable = "consensus rule"
Rule.__call = function(self, q, s) return self.fn(q, s) end
Rule.__tostring = function(self) return "<consensus " .. self.name .. ">" end

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

local function finish(score, flagged, reason, opts, q, s)
  local f2, r2 = extra_flag(opts, q)
  if not flagged and f2 then flagged, reason = true, r2 end
  if q.n == 0 then return { score = nil, flag = true, reason = "nobody scored it (all don't know)" } end
  return { score = on_scale(score, s), flag = flagged, reason = flagged and reason or nil }
end

--- consensus.median { max_range = 30, flag = function(q) ... end }: the median; flagged
--- when the range is wider than max_range.
function M.median(opts)
  opts = opts or {}
  return rule("median", function(q, s)
    local flagged = opts.max_range and q.range and q.range > opts.max_range
    return finish(q.median, flagged, flagged and ("range %g is wider than %g"):format(q.range, opts.max_range), opts, q, s)
  end, opts)
end

--- consensus.mean { max_sd = 15 }: the mean; flagged when the standard deviation is larger.
function M.mean(opts)
  opts = opts or {}
  return rule("mean", function(q, s)
    local flagged = opts.max_sd and q.sd and q.sd > opts.max_sd
    return finish(q.mean, flagged, flagged and ("standard deviation %.1f is above %g"):format(q.sd, opts.max_sd), opts, q, s)
  end, opts)
end

--- consensus.mode_rule {}: the (smallest) mode; flagged unless at most 2 (8-10 raters) or
--- 3 (11-13 raters) fall outside it.
function M.mode_rule(opts)
  opts = opts or {}
  return rule("mode_rule", function(q, s)
    local flagged = not q.mode_rule_ok
    return finish(q.modes and q.modes[1], flagged, flagged and ("%d of %d outside the mode"):format(q.mode_outside, q.n), opts, q, s)
  end, opts)
end

--- consensus.rwg { cutoff = 0.70 }: the median; flagged when rwg is below the cutoff.
function M.rwg(opts)
  opts = opts or {}
  local cutoff = opts.cutoff or 0.70
  return rule("rwg", function(q, s)
    local flagged = q.rwg == nil or q.rwg < cutoff
    return finish(q.median, flagged, flagged and ("rwg %s is below %.2f"):format(q.rwg and ("%.2f"):format(q.rwg) or "n/a", cutoff), opts, q, s)
  end, opts)
end

--- consensus.percent_agreement { k = 10, threshold = 0.75 }: the median; flagged when fewer
--- than `threshold` of the scores lie within ±k of the median (Delphi practice).
function M.percent_agreement(opts)
  opts = opts or {}
  local threshold = opts.threshold or 0.75
  return rule("percent_agreement", function(q, s)
    local flagged = q.within_k < threshold
    return finish(q.median, flagged, flagged and ("%.0f%% within ±%g of the median, below %.0f%%"):format(q.within_k * 100, opts.k or 0, threshold * 100), opts, q, s)
  end, opts)
end

-- k for "within ±k of the median": the rule's own, else one step of the scale
function M.k_of(r, s)
  if type(r) == "table" and r.opts and r.opts.k then return r.opts.k end
  return s and s.step or 1
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
