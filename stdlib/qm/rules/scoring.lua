-- scoring.lua — rules that turn the scores of a theme's questions (and sub-themes) into the
-- theme's score, and themes into the model's. A rule is a table { name, uses_weights, fn }
-- made here, or any Lua function(items) -> score, where items is an array of
-- { id =, value =, weight = } with "don't know" and missing values already left out.
local M = {}

local Rule = {}
Rule.__index = Rule
Rule.__metatable = "scoring rule"
Rule.__call = function(self, items) return self.fn(items) end
Rule.__tostring = function(self) return "<scoring " .. self.name .. ">" end
local made = setmetatable({}, { __mode = "k" })

local function rule(name, uses_weights, fn)
  local r = setmetatable({ name = name, uses_weights = uses_weights, fn = fn }, Rule)
  made[r] = true
  return r
end

function M.is_rule(v) return made[v] == true end

-- apply(rule, items): a rule object or a plain function
function M.apply(r, items)
  if #items == 0 then return nil end
  if made[r] then return r.fn(items) end
  return r(items)
end

--- scoring.mean {}: the plain mean.
function M.mean()
  return rule("mean", false, function(items)
    local s = 0
    for _, it in ipairs(items) do s = s + it.value end
    return s / #items
  end)
end

--- scoring.weighted_mean {}: Σ wₖ sₖ / Σ wₖ (weight defaults to 1).
function M.weighted_mean()
  return rule("weighted_mean", true, function(items)
    local s, w = 0, 0
    for _, it in ipairs(items) do
      local wk = it.weight or 1
      s = s + wk * it.value
      w = w + wk
    end
    if w == 0 then return nil end
    return s / w
  end)
end

--- scoring.median {}: the median (ignores weights).
function M.median()
  return rule("median", false, function(items)
    local v = {}
    for i, it in ipairs(items) do v[i] = it.value end
    table.sort(v)
    local n = #v
    if n % 2 == 1 then return v[(n + 1) // 2] end
    return (v[n // 2] + v[n // 2 + 1]) / 2
  end)
end

--- scoring.sum {}: the sum (weights multiply).
function M.sum()
  return rule("sum", true, function(items)
    local s = 0
    for _, it in ipairs(items) do s = s + (it.weight or 1) * it.value end
    return s
  end)
end

--- scoring.bands { {0, 10, points = 0}, {11, 30, points = 1}, ... , of = scoring.mean() }:
--- the rule `of` (default mean) gives a value; the band it falls in gives the points.
function M.bands(opts)
  if type(opts) ~= "table" or #opts == 0 then error("scoring.bands needs a list of bands, like { {0, 10, points = 0}, ... }", 2) end
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
  end)
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
--- points (EFQM 2020 RADAR: the item's value is a percentage 0-100).
function M.efqm(opts)
  local points = opts and opts.points
  return rule("efqm", false, function(items)
    local total = 0
    for _, it in ipairs(items) do
      local avail = (points and points[it.id]) or it.weight or 0
      total = total + it.value / 100 * avail
    end
    return total
  end)
end

M.names = { "mean", "weighted_mean", "median", "sum", "bands", "efqm" }

return M
