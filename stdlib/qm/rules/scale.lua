-- scale.lua — the scales answers are given on: points, ordinal with anchor labels, yes/no
-- with "not applicable", percent, count, free text, and CAF's classical and fine-tuned
-- scoring. "Don't know" (scale.dontknow) is a value of its own, never zero.
--
-- A Scale has: kind, min, max, step, options (the number of answer options, A in rwg; nil
-- for a scale without a countable set of options: percent, count, CAF fine-tuned, text),
-- labels (value -> label), and the methods check(v), describe(), midpoint(), label(v).
local types = require "qm.lang.types"

local M = {}

local DONTKNOW = setmetatable({}, { __tostring = function() return "don't know" end, __metatable = "dontknow" })
local NA = setmetatable({}, { __tostring = function() return "not applicable" end, __metatable = "na" })
M.dontknow = DONTKNOW
M.na = NA

local Scale = {}
Scale.__index = Scale
Scale.__name = "scale"
Scale.__metatable = "scale"   -- models cannot reach (and change) the methods
local made = setmetatable({}, { __mode = "k" })
function Scale.__tostring(s) return "<scale " .. s:describe() .. ">" end

local function fmt(n)
  if math.type(n) == "float" and n == math.floor(n) and math.tointeger(n) then return tostring(math.tointeger(n)) end
  return tostring(n)   -- inf stays "inf" (math.tointeger gives nil for it)
end

function Scale:describe()
  if self.kind == "points" or self.kind == "ordinal" or self.kind == "caf_classic" then
    local s = fmt(self.min) .. "-" .. fmt(self.max)
    if self.step and self.step ~= 1 then s = s .. " in steps of " .. fmt(self.step) end
    if self.kind == "caf_classic" then s = "CAF classical " .. self.panel .. " " .. s end
    return s
  elseif self.kind == "caf_fine" then
    return "CAF fine-tuned " .. self.panel .. " (" .. table.concat(self.parts, ", ") .. " each 0-100, averaged)"
  elseif self.kind == "yesno" then
    return self.allow_na and "yes/no/not applicable" or "yes/no"
  elseif self.kind == "percent" then return "percent 0-100"
  elseif self.kind == "count" then return "count (0 or more)"
  elseif self.kind == "text" then return "free text"
  end
  return self.kind
end

function Scale:label(v)
  if v == DONTKNOW then return "ved ikke" end
  if v == NA then return "ikke relevant" end
  return self.labels and self.labels[v] or nil
end

function Scale:midpoint()
  if self.min and self.max then return (self.min + self.max) / 2 end
  return nil
end

-- check(v) -> the value to store, or nil and a message saying what is wrong
function Scale:check(v)
  if v == DONTKNOW then return DONTKNOW end
  if v == NA then
    if self.allow_na then return NA end
    return nil, "\"not applicable\" is not allowed on this scale (" .. self:describe() .. ")"
  end
  return self:_check(v)
end

local function numeric(self, v)
  local n = tonumber(v)
  if n == nil then return nil, ("%s is not a number, but the scale is %s"):format(tostring(v), self:describe()) end
  if n ~= n then return nil, "NaN is not a score" end
  if (self.min and n < self.min) or (self.max and n > self.max) then
    return nil, ("%s is outside the scale %s"):format(fmt(n), self:describe())
  end
  if self.step then
    local k = (n - (self.min or 0)) / self.step
    if math.abs(k - math.floor(k + 0.5)) > 1e-9 then
      return nil, ("%s is not on the scale %s"):format(fmt(n), self:describe())
    end
  end
  if self.integer and math.tointeger(n) == nil then
    return nil, ("%s is not a whole number, but the scale is %s"):format(fmt(n), self:describe())
  end
  return math.tointeger(n) or n
end

local function new(kind, fields, check)
  fields.kind = kind
  fields._check = check or numeric
  setmetatable(fields, Scale)
  made[fields] = true
  return fields
end

local function range_args(opts, name)
  if type(opts) ~= "table" then error(("scale.%s takes a table, like scale.%s { 0, 100 }"):format(name, name), 3) end
  local lo, hi = opts[1] or opts.min, opts[2] or opts.max
  if type(lo) ~= "number" or type(hi) ~= "number" then
    error(("scale.%s needs a minimum and a maximum, like scale.%s { 0, 100 }"):format(name, name), 3)
  end
  if lo >= hi then error(("scale.%s: the minimum %s must be below the maximum %s"):format(name, fmt(lo), fmt(hi)), 3) end
  return lo, hi
end

--- scale.points { 0, 100, step = 5 }: points as in KIK and CAF 0-100.
function M.points(opts)
  local lo, hi = range_args(opts, "points")
  local step = opts.step or 1
  if type(step) ~= "number" or step <= 0 then error("scale.points: step must be a positive number", 2) end
  local n = (hi - lo) / step
  if math.abs(n - math.floor(n + 0.5)) > 1e-9 then
    error(("scale.points: the range %s-%s is not a whole number of steps of %s"):format(fmt(lo), fmt(hi), fmt(step)), 2)
  end
  return new("points", { min = lo, max = hi, step = step, options = math.floor(n + 0.5) + 1,
                         labels = opts.labels })
end

--- scale.ordinal { 1, 5, labels = { [1] = "...", [5] = "..." } }: whole steps with anchors.
function M.ordinal(opts)
  local lo, hi = range_args(opts, "ordinal")
  if math.tointeger(lo) == nil or math.tointeger(hi) == nil then error("scale.ordinal: the ends must be whole numbers", 2) end
  local labels = opts.labels or {}
  for k in pairs(labels) do
    if type(k) ~= "number" or k < lo or k > hi then
      error(("scale.ordinal: label for %s is outside %s-%s"):format(tostring(k), fmt(lo), fmt(hi)), 2)
    end
  end
  return new("ordinal", { min = lo, max = hi, step = 1, integer = true, options = hi - lo + 1, labels = labels })
end

-- yes and no are the words of the boolean type (qm.lang.types: 1/0, ja/nej, yes/no,
-- true/false, any case) and nothing else, so an answer and a yes/no column agree
local na_words = { na = true, ["n/a"] = true, ["ikke relevant"] = true, ir = true }

--- scale.yesno { na = true }: 1 = yes, 0 = no, scale.na = not applicable (when allowed).
function M.yesno(opts)
  opts = opts or {}
  return new("yesno", { min = 0, max = 1, options = 2, allow_na = opts.na == true,
                        labels = { [1] = "ja", [0] = "nej" } },
    function(self, v)
      local words = types.boolean_words
      if v == true or v == 1 then return 1 end
      if v == false or v == 0 then return 0 end
      local key = type(v) == "string" and types.lower(types.trim(v)) or nil
      if key and words[key] then return words[key] end
      if key and na_words[key] then
        if self.allow_na then return NA end
        return nil, "\"not applicable\" is not allowed on this scale (yes/no)"
      end
      return nil, ("%s is not yes or no (%s%s)"):format(tostring(v), types.boolean_list,
        self.allow_na and ", or ikke relevant/na" or "")
    end)
end

--- scale.percent {}: 0-100, any number in between.
function M.percent(opts)
  return new("percent", { min = 0, max = 100, labels = opts and opts.labels })
end

--- scale.count {}: whole numbers from 0.
function M.count(opts)
  return new("count", { min = 0, integer = true, labels = opts and opts.labels })
end

--- scale.text {}: free text (strengths, improvement areas).
function M.text(opts)
  return new("text", { max_length = opts and opts.max_length }, function(self, v)
    if type(v) ~= "string" then return nil, "expected text" end
    if self.max_length and utf8.len(v) and utf8.len(v) > self.max_length then
      return nil, ("text is longer than %d characters"):format(self.max_length)
    end
    return v
  end)
end

-- CAF 2020 classical scoring: one PDCA phase per sub-criterion (enablers) or one level of
-- results, 0-5 (methods.md).
M.caf_labels = {
  enablers = { [0] = "Ingen dokumentation (0-10)", [1] = "PLAN (11-30)", [2] = "DO (31-50)",
               [3] = "CHECK (51-70)", [4] = "ACT (71-90)", [5] = "Fuld PDCA, læring fra andre (91-100)" },
  results = { [0] = "Ingen resultater målt", [1] = "Mål ikke nået / negativ tendens",
              [2] = "Nogle mål / flad tendens", [3] = "De fleste mål / let positiv tendens",
              [4] = "Alle mål / stærkt positiv tendens", [5] = "Fremragende, bedre end sammenlignelige" },
}

--- scale.caf_classic { panel = "enablers" | "results" }
function M.caf_classic(opts)
  local panel = opts and opts.panel or "enablers"
  if not M.caf_labels[panel] then error('scale.caf_classic: panel must be "enablers" or "results"', 2) end
  return new("caf_classic", { min = 0, max = 5, step = 1, integer = true, options = 6, panel = panel,
                              labels = M.caf_labels[panel] })
end

M.caf_parts = { enablers = { "plan", "do", "check", "act" }, results = { "trends", "targets" } }

--- scale.caf_fine { panel = "enablers" | "results" }: each part 0-100, the score their mean.
function M.caf_fine(opts)
  local panel = opts and opts.panel or "enablers"
  local parts = M.caf_parts[panel]
  if not parts then error('scale.caf_fine: panel must be "enablers" or "results"', 2) end
  return new("caf_fine", { min = 0, max = 100, panel = panel, parts = parts },
    function(self, v)
      if type(v) == "number" then return numeric(self, v) end
      local values, err = self:parts_of(v)
      if not values then return nil, err end
      local sum = 0
      for _, p in ipairs(parts) do sum = sum + values[p:upper()] end
      return sum / #parts
    end)
end

-- the parts of a composite score (CAF fine-tuned): { PLAN = 60, DO = 50, ... } keyed by the
-- upper-case part name, each checked 0-100; nil and a message for a missing part, a part
-- off the scale, or a key that is not a part ({ scroe = 60 } is an error, never "don't know")
function Scale:parts_of(v)
  local parts = self.parts
  if not parts then return nil, ("the scale %s has no parts"):format(self:describe()) end
  local names = {}
  for _, p in ipairs(parts) do names[#names + 1] = p:upper() end
  if type(v) ~= "table" then
    return nil, "a fine-tuned CAF score is a table of " .. table.concat(names, ", ") .. " (each 0-100)"
  end
  local out = {}
  for k, x in pairs(v) do
    local key = type(k) == "string" and k:upper() or nil
    local known = false
    for _, p in ipairs(names) do if p == key then known = true end end
    if not known then
      return nil, ("%s is not a part of the score (the parts are %s)"):format(tostring(k), table.concat(names, ", "))
    end
    if out[key] ~= nil then return nil, ("%s is given twice"):format(key) end
    local n, err = numeric(self, x)
    if not n then return nil, key .. ": " .. err end
    out[key] = n
  end
  for _, p in ipairs(names) do
    if out[p] == nil then return nil, ("the %s score is missing (%s)"):format(p, table.concat(names, ", ")) end
  end
  return out
end

function M.is_scale(v) return made[v] == true end

return M
