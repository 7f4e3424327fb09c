-- prioritise.lua — rules that order improvement areas. Each area is a table with at least
-- id, text, order (the model's order of its question) and, as the rule needs them: score
-- (agreed), target, impact, effort, importance, performance, reach, confidence, moscow,
-- criteria = { name = value }. A rule returns the areas ordered, each with rank, in_focus
-- and a reason; `top` (or `max`) limits how many are in focus. Ties always break by the
-- model's question order, then by id, so the result is deterministic. Any Lua
-- function(areas) returning the areas in order is a rule too.
local M = {}

local Rule = {}
Rule.__index = Rule
Rule.__metatable = "prioritise rule"
Rule.__call = function(self, areas) return self.fn(areas) end
Rule.__tostring = function(self) return "<prioritise " .. self.name .. ">" end

local function tie(a, b)
  if (a.order or 0) ~= (b.order or 0) then return (a.order or 0) < (b.order or 0) end
  return tostring(a.id) < tostring(b.id)
end

-- order by key (descending unless asc), ties deterministic; mark rank and focus
local function ranked(name, areas, key, opts, reason)
  local list = {}
  for i, a in ipairs(areas) do list[i] = a; a._key = key(a) end
  table.sort(list, function(a, b)
    local ka, kb = a._key, b._key
    if ka == nil and kb ~= nil then return false end
    if kb == nil and ka ~= nil then return true end
    if ka ~= kb then
      if opts.asc then return ka < kb end
      return ka > kb
    end
    return tie(a, b)
  end)
  local top = opts.top or opts.max
  for i, a in ipairs(list) do
    a.rank = i
    -- an area the rule could not value (no score, a criterion not given) is never in focus
    a.in_focus = a._key ~= nil and (top == nil or i <= top)
    a.reason = reason(a)
    a._key = nil
  end
  return list
end

local function rule(name, fn, opts)
  return setmetatable({ name = name, fn = fn, opts = opts or {} }, Rule)
end

--- prioritise.gap { target = 75, top = 5 }: the largest gap between target and agreed score first.
function M.gap(opts)
  opts = opts or {}
  return rule("gap", function(areas)
    return ranked("gap", areas, function(a)
      local t = a.target or opts.target
      if t == nil or a.score == nil then return nil end
      return t - a.score
    end, opts, function(a)
      local t = a.target or opts.target
      return a.score and ("gap %g to target %g"):format(t - a.score, t) or "no agreed score"
    end)
  end, opts)
end

local quadrant_order = { ["quick win"] = 1, ["major project"] = 2, ["fill-in"] = 3, ["thankless task"] = 4 }

--- prioritise.impact_effort { threshold = 3 }: quick wins (high impact, low effort) first,
--- then major projects, fill-ins, thankless tasks; within a quadrant impact ÷ effort.
function M.impact_effort(opts)
  opts = opts or {}
  local t = opts.threshold or 3
  return rule("impact_effort", function(areas)
    for _, a in ipairs(areas) do
      if a.impact == nil or a.effort == nil then a.quadrant = nil
      elseif a.impact >= t then a.quadrant = a.effort < t and "quick win" or "major project"
      else a.quadrant = a.effort < t and "fill-in" or "thankless task" end
    end
    return ranked("impact_effort", areas, function(a)
      if not a.quadrant then return nil end
      return (5 - quadrant_order[a.quadrant]) * 1000 + a.impact / math.max(a.effort, 0.001)
    end, opts, function(a)
      return a.quadrant and ("%s (impact %g, effort %g)"):format(a.quadrant, a.impact, a.effort) or "impact or effort not given"
    end)
  end, opts)
end

--- prioritise.ipa { crosshair = "midpoint" | "mean", midpoint = 50 }: importance-performance
--- analysis (Martilla & James): "concentrate here" (important, performing low) first.
function M.ipa(opts)
  opts = opts or {}
  return rule("ipa", function(areas)
    local ci, cp
    if opts.crosshair == "mean" then
      local si, sp, n = 0, 0, 0
      for _, a in ipairs(areas) do
        if a.importance and (a.performance or a.score) then si = si + a.importance; sp = sp + (a.performance or a.score); n = n + 1 end
      end
      ci, cp = n > 0 and si / n or 0, n > 0 and sp / n or 0
    else
      ci = opts.importance_midpoint or opts.midpoint or 3
      cp = opts.performance_midpoint or opts.midpoint or 50
    end
    local order = { ["concentrate here"] = 4, ["keep up the good work"] = 2, ["low priority"] = 3, ["possible overkill"] = 1 }
    for _, a in ipairs(areas) do
      local p = a.performance or a.score
      if a.importance and p then
        if a.importance >= ci then a.quadrant = p < cp and "concentrate here" or "keep up the good work"
        else a.quadrant = p < cp and "low priority" or "possible overkill" end
      end
    end
    return ranked("ipa", areas, function(a)
      if not a.quadrant then return nil end
      return order[a.quadrant] * 1000 + (a.importance - (a.performance or a.score) / 100)
    end, opts, function(a) return a.quadrant or "importance or performance not given" end)
  end, opts)
end

--- prioritise.weighted { weights = { impact = 2, importance = 1 } }: Σ wₖ sₖ / Σ wₖ over each
--- area's criteria (area.criteria[k], or area[k]). An area without one of the weighted
--- criteria is not ranked ("urgency not given"): leaving it out of the sum would rank the
--- area on the other criteria alone, and a misspelt criterion would count for nothing.
function M.weighted(opts)
  opts = opts or {}
  local w = opts.weights or error("prioritise.weighted needs weights = { criterion = weight, ... }", 2)
  local keys = {}
  for k, wk in pairs(w) do
    if type(k) ~= "string" or type(wk) ~= "number" or wk ~= wk then
      error(("prioritise.weighted: weights are { criterion = number, ... }, not [%s] = %s"):format(tostring(k), tostring(wk)), 2)
    end
    keys[#keys + 1] = k
  end
  table.sort(keys)
  local function value(a, k)
    local v = a.criteria and a.criteria[k]
    if v == nil then v = a[k] end
    return type(v) == "number" and v or nil
  end
  local function missing(a)
    local out = {}
    for _, k in ipairs(keys) do if value(a, k) == nil then out[#out + 1] = k end end
    return out
  end
  return rule("weighted", function(areas)
    return ranked("weighted", areas, function(a)
      if #missing(a) > 0 then return nil end
      local s, ws = 0, 0
      for _, k in ipairs(keys) do s = s + w[k] * value(a, k); ws = ws + w[k] end
      if ws == 0 then return nil end
      return s / ws
    end, opts, function(a)
      local m = missing(a)
      if #m > 0 then return table.concat(m, ", ") .. " not given" end
      return "weighted score"
    end)
  end, opts)
end

--- prioritise.rice {}: reach × impact × confidence ÷ effort.
function M.rice(opts)
  opts = opts or {}
  return rule("rice", function(areas)
    return ranked("rice", areas, function(a)
      if not (a.reach and a.impact and a.confidence and a.effort) or a.effort <= 0 then return nil end
      return a.reach * a.impact * a.confidence / a.effort
    end, opts, function(a)
      if not (a.reach and a.impact and a.confidence and a.effort) then return "reach, impact, confidence or effort not given" end
      return ("RICE %g"):format(a.reach * a.impact * a.confidence / a.effort)
    end)
  end, opts)
end

local moscow_rank = { must = 4, should = 3, could = 2, ["won't"] = 1, wont = 1 }

--- prioritise.moscow {}: must, should, could, won't (this time).
function M.moscow(opts)
  opts = opts or {}
  return rule("moscow", function(areas)
    return ranked("moscow", areas, function(a) return a.moscow and moscow_rank[a.moscow:lower()] end, opts,
      function(a) return a.moscow or "not classified" end)
  end, opts)
end

-- apply(rule, areas): a rule, or a plain function(areas) returning the areas in order
function M.apply(r, areas)
  local out = r(areas)
  if type(out) ~= "table" then error("a prioritise rule must return the areas in order", 2) end
  for i, a in ipairs(out) do
    a.rank = a.rank or i
    if a.in_focus == nil then a.in_focus = true end
  end
  return out
end

return M
