-- scoring.lua — rules that turn the scores of an element's questions (and sub-themes) into
-- its score: a theme's from its questions, the model's from its themes. A rule is a table
-- made here, or any Lua function(items) -> score, where items is an array of
-- { id =, value =, weight = } ("don't know" and missing values left out; weight 1 when the
-- element sets none). A rule applies at the level it is declared for; with `inherit = true`
-- also to every element below that has no rule of its own. Elements without a rule use the
-- mean. docs/language.md ("Scoring rules") documents each rule.
local M = {}

local Rule = {}
Rule.__index = Rule
Rule.__metatable = "scoring rule"
-- A rule called from a model's code: items are { { value = n [, weight = w] }, ... }; anything
-- else is an error at the caller's line, never inside the rule (found by fuzzing)
Rule.__call = function(self, items)
  if type(items) ~= "table" then
    error(("scoring %s: expected a list of items like { { value = 3, weight = 2 } }, got %s"):format(self.name, type(items)), 2)
  end
  local copy = {}
  for i, it in ipairs(items) do
    if type(it) ~= "table" or type(it.value) ~= "number" then
      error(("scoring %s: item %d needs a number value, like { value = 3 }"):format(self.name, i), 2)
    end
    copy[i] = { value = it.value, weight = it.weight }
  end
  return M.apply(self, copy)
end
Rule.__tostring = function(self) return "<scoring " .. self.name .. ">" end
local made = setmetatable({}, { __mode = "k" })

-- "file:line" of the model code that made the rule (level counts from the constructor's
-- caller), or nil; C frames (the sandbox's guard a model calls through) are skipped. Taken
-- in C (sandbox.where, whose level 1 is this function as debug.getinfo's is), without a table of
-- debug information: every element's default rule (scoring.mean()) asks for it.
local position_of = require("qm.sandbox").where
local function where_of(level)
  local w = position_of(level + 1)
  if w == "?" then return nil end
  return w
end

-- the options table of a rule, with every key checked: an unknown one is an error at the
-- model's line, with the known ones listed
local function options(name, opts, known, level)
  if opts == nil then return {} end
  if type(opts) ~= "table" then
    error(("scoring.%s takes a table of options { %s }, not %s"):format(name, table.concat(known, " =, ") .. " =", type(opts)), level + 1)
  end
  local ok = {}
  for _, k in ipairs(known) do ok[k] = true end
  for k in pairs(opts) do
    if not ok[k] and math.type(k) ~= "integer" then
      error(("scoring.%s: unknown option %s (options: %s)"):format(name, tostring(k), table.concat(known, ", ")), level + 1)
    end
  end
  if opts.inherit ~= nil and type(opts.inherit) ~= "boolean" then
    error(("scoring.%s: inherit must be true or false"):format(name), level + 1)
  end
  return opts
end

local function rule(name, uses_weights, fn, opts)
  local r = setmetatable({ name = name, uses_weights = uses_weights, fn = fn, inherit = opts.inherit == true,
                           where = where_of(3) }, Rule)
  made[r] = true
  return r
end

function M.is_rule(v) return made[v] == true end

-- whether a rule also applies below the element it is declared on
function M.inherits(r) return made[r] == true and r.inherit end

-- apply(rule, items): a rule object or a plain function; nil for no items
function M.apply(r, items)
  if #items == 0 then return nil end
  for _, it in ipairs(items) do
    if it.weight_given == nil then it.weight_given = it.weight ~= nil end
    if it.weight == nil then it.weight = 1 end
  end
  if made[r] then return r.fn(items) end
  return r(items)
end

--- scoring.mean { inherit = false }: the plain mean.
function M.mean(opts)
  opts = options("mean", opts, { "inherit" }, 2)
  return rule("mean", false, function(items)
    local s = 0
    for _, it in ipairs(items) do s = s + it.value end
    return s / #items
  end, opts)
end

--- scoring.weighted_mean { inherit = false }: Σ wₖ sₖ / Σ wₖ (weight 1 when none is set).
function M.weighted_mean(opts)
  opts = options("weighted_mean", opts, { "inherit" }, 2)
  return rule("weighted_mean", true, function(items)
    local s, w = 0, 0
    for _, it in ipairs(items) do
      local wk = it.weight or 1
      s = s + wk * it.value
      w = w + wk
    end
    if w == 0 then return nil end
    return s / w
  end, opts)
end

--- scoring.median { inherit = false }: the median (ignores weights).
function M.median(opts)
  opts = options("median", opts, { "inherit" }, 2)
  return rule("median", false, function(items)
    local v = {}
    for i, it in ipairs(items) do v[i] = it.value end
    table.sort(v)
    local n = #v
    if n % 2 == 1 then return v[(n + 1) // 2] end
    return (v[n // 2] + v[n // 2 + 1]) / 2
  end, opts)
end

--- scoring.sum { weighted = false, inherit = false }: the plain sum; with weighted = true,
--- Σ wₖ sₖ (weight 1 when none is set).
function M.sum(opts)
  opts = options("sum", opts, { "weighted", "inherit" }, 2)
  if opts.weighted ~= nil and type(opts.weighted) ~= "boolean" then error("scoring.sum: weighted must be true or false", 2) end
  local weighted = opts.weighted == true
  local r = rule("sum", weighted, function(items)
    local s = 0
    for _, it in ipairs(items) do s = s + (weighted and (it.weight or 1) or 1) * it.value end
    return s
  end, opts)
  r.weighted = weighted
  return r
end

--- scoring.bands { {0, 10, points = 0}, {11, 30, points = 1}, ... , of = scoring.mean() }:
--- the rule `of` (default mean) gives a value; the band it falls in gives the points.
function M.bands(opts)
  if type(opts) ~= "table" or #opts == 0 then error("scoring.bands needs a list of bands, like { {0, 10, points = 0}, ... }", 2) end
  options("bands", opts, { "of", "inherit" }, 2)
  local bands = {}
  for i, b in ipairs(opts) do
    local lo, hi, pts = b[1] or b.min, b[2] or b.max, b.points
    if type(lo) ~= "number" or type(hi) ~= "number" or type(pts) ~= "number" then
      error(("scoring.bands: band %d needs a minimum, a maximum and points"):format(i), 2)
    end
    if lo > hi then error(("scoring.bands: band %d has minimum %s above maximum %s"):format(i, lo, hi), 2) end
    if i > 1 and lo <= bands[i - 1].hi then
      error(("scoring.bands: band %d (%s-%s) overlaps band %d"):format(i, lo, hi, i - 1), 2)
    end
    bands[i] = { lo = lo, hi = hi, points = pts }
  end
  local of = opts.of or M.mean()
  local r = rule("bands", made[of] and of.uses_weights or false, function(items)
    local v = M.apply(of, items)
    return M.band(bands, v)
  end, opts)
  r.bands = bands
  return r
end

-- the points of the band v falls in (between bands: the lower band's points)
function M.band(bands, v)
  if v == nil then return nil end
  for i, b in ipairs(bands) do
    if v >= b.lo and v <= b.hi then return b.points end
    if bands[i + 1] and v > b.hi and v < bands[i + 1].lo then return b.points end
  end
  if v < bands[1].lo then return bands[1].points end
  return bands[#bands].points
end

--- scoring.efqm { points = { ["1"] = 100, ["4"] = 200, ... } }: Σ awarded % × available
--- points / 100 (EFQM 2020 RADAR: each item's value is a percentage 0-100). The keys are the
--- ids of the elements it combines (checked by qm check); without `points` each element's
--- weight is its available points. r:breakdown(items) gives each item's percent, points and
--- maximum, and the total out of the maximum.
function M.efqm(opts)
  opts = options("efqm", opts, { "points", "inherit" }, 2)
  local points = opts.points
  if points ~= nil then
    if type(points) ~= "table" then error("scoring.efqm: points must be a table { [\"1\"] = 100, ... }", 2) end
    for k, v in pairs(points) do
      if type(k) ~= "string" then
        error(("scoring.efqm: points keys are element ids in quotes ([\"%s\"] = ...), not %s"):format(tostring(k), type(k)), 2)
      end
      if type(v) ~= "number" or v ~= v or v < 0 then
        error(("scoring.efqm: the points of \"%s\" must be a number of at least 0"):format(k), 2)
      end
    end
  end
  local r
  local function available(it)
    local avail = points and points[it.id]
    if points == nil then avail = (it.weight_given ~= false) and it.weight or nil end
    if avail == nil then
      error(("scoring.efqm%s: \"%s\" has no points (points are given for: %s)"):format(
        r.where and (" (" .. r.where .. ")") or "", it.id, table.concat(M.keys(r), ", ")), 0)
    end
    return avail
  end
  r = rule("efqm", points == nil, function(items)
    local total = 0
    for _, it in ipairs(items) do total = total + it.value / 100 * available(it) end
    return total
  end, opts)
  r.points = points
  r.points_based = true
  --- breakdown(items) -> { criteria = { {id, percent, points, max} }, total, max }
  function r.breakdown(items)
    local out, total, max = {}, 0, 0
    for _, it in ipairs(items) do
      local avail = available(it)
      local pts = it.value ~= nil and it.value / 100 * avail or nil
      out[#out + 1] = { id = it.id, percent = it.value, points = pts, max = avail }
      total, max = total + (pts or 0), max + avail
    end
    return { criteria = out, total = total, max = max }
  end
  return r
end

-- the ids a rule is keyed by (efqm's points), sorted; {} for rules without keys
function M.keys(r)
  local out = {}
  if made[r] and type(r.points) == "table" then
    for k in pairs(r.points) do out[#out + 1] = k end
  end
  table.sort(out)
  return out
end

M.names = { "mean", "weighted_mean", "median", "sum", "bands", "efqm" }

return M
