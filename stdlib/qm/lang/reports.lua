-- reports.lua — a model's own reports as the language sees them (`report "id" { section ... }`):
-- their columns and charts read into one shape, and what `qm check` finds in them without
-- data: unknown fields of a column or chart (with "did you mean"), a chart's missing fields,
-- a section with both sql and rows, needs that are not in the vocabulary, duplicate ids.
-- The SQL itself is compiled by the engine's check (qm.engine.sqlcheck), which has the
-- database. Running a report is qm.reports.declared's; this module runs nothing.
local schema = require "qm.lang.schema"
local construct = require "qm.lang.construct"

local problem = construct.problem

local M = {}

local function list(v) if type(v) == "string" then return { v } end return v end

-- a section's columns, { { key =, title =, format =, decimals =, element = }, ... }, or nil
-- when it names none (then every column of the rows is shown); problems go to `bad(msg)`
function M.columns(section, bad)
  bad = bad or function() end
  if section.columns == nil then return nil end
  local out = {}
  for i, c in ipairs(section.columns) do
    if type(c) == "string" then c = { c } end
    if type(c) ~= "table" then
      bad(("columns: item %d must be { \"key\", \"Title\" } or a column name"):format(i))
    else
      local col = {}
      for k, v in pairs(c) do
        if k == 1 then col.key = v
        elseif k == 2 then col.title = v
        elseif type(k) ~= "string" or not schema.report_column.by_name[k] then
          local names = {}
          for _, f in ipairs(schema.report_column) do names[#names + 1] = f.name end
          local hint = type(k) == "string" and construct.did_you_mean(k, names)
          bad(("columns: item %d: unknown field %s%s"):format(i, tostring(k),
            hint and (" (did you mean \"" .. hint .. "\"?)") or (" (fields: " .. table.concat(names, ", ") .. ")")))
        else
          local ok, why = schema.check_type(schema.report_column.by_name[k], v)
          if not ok then bad(("columns: item %d: %s %s"):format(i, k, why)) else col[k] = v end
        end
      end
      if type(col.key) ~= "string" or col.key == "" then
        bad(("columns: item %d needs the column's key: { \"key\", \"Title\" }"):format(i))
      else
        if col.title ~= nil and type(col.title) ~= "string" then bad(("columns: item %d: the title must be text"):format(i)) col.title = nil end
        out[#out + 1] = col
      end
    end
  end
  return out
end

-- the fields a chart of `type` may have: the common ones and the type's own
function M.chart_fields(ctype)
  local fields, by_name = {}, {}
  for _, f in ipairs(schema.report_chart.common) do fields[#fields + 1] = f; by_name[f.name] = f end
  for _, f in ipairs(schema.report_chart[ctype] or {}) do fields[#fields + 1] = f; by_name[f.name] = f end
  return fields, by_name
end

-- the row keys a chart reads (to check them against the query's columns)
function M.chart_keys(chart)
  local keys = {}
  local function add(k) if type(k) == "string" then keys[#keys + 1] = k end end
  add(chart.label)
  if chart.type == "radar" then add(chart.value)
  elseif chart.type == "bars" then for _, k in ipairs(list(chart.values) or {}) do add(k) end
  elseif chart.type == "dots" then add(chart.scores); add(chart.agreed)
  elseif chart.type == "lights" then add(chart.status); add(chart.word)
  elseif chart.type == "lines" then add(chart.x); add(chart.series); add(chart.value) end
  return keys
end

local function check_chart(chart, bad0)
  local function bad(msg) bad0(msg, "chart") end
  local ctype = chart.type
  local types = schema.report_chart.common.by_name.type
  local ok, why = schema.check_type(types, ctype)
  if ctype == nil then bad("chart: type is required (" .. table.concat(types.values, ", ") .. ")") return end
  if not ok then bad("chart: type " .. why) return end
  local fields, by_name = M.chart_fields(ctype)
  local names = {}
  for _, f in ipairs(fields) do names[#names + 1] = f.name end
  for k, v in pairs(chart) do
    local f = type(k) == "string" and by_name[k]
    if not f then
      local hint = type(k) == "string" and construct.did_you_mean(k, names)
      bad(("chart: unknown field %s for a %s chart%s"):format(tostring(k), ctype,
        hint and (" (did you mean \"" .. hint .. "\"?)") or (" (fields: " .. table.concat(names, ", ") .. ")")))
    else
      local tok, twhy = schema.check_type(f, v)
      if not tok then bad(("chart: %s %s"):format(k, twhy)) end
    end
  end
  for _, f in ipairs(fields) do
    if f.required and chart[f.name] == nil then bad(("chart: a %s chart needs %s (%s)"):format(ctype, f.name, f.doc)) end
  end
  if ctype ~= "lines" and chart.label == nil then bad(("chart: a %s chart needs label (the column with each item's label)"):format(ctype)) end
end

-- what qm check finds in the model's own reports
function M.check(ctx, m)
  local seen = {}
  for _, r in ipairs(m.reports or {}) do
    local rl = ("report \"%s\""):format(r.id)
    if seen[r.id] and seen[r.id] ~= r then
      problem(ctx, "error", r.where, ("duplicate report \"%s\": %s has it too"):format(r.id, seen[r.id].where))
    end
    seen[r.id] = r
    if not r.id:match("^[%w_%-]+$") then
      problem(ctx, "error", r.where, ("%s: a report's id is a word (letters, digits, _ and -): it is what --report names"):format(rl))
    end
    for _, need in ipairs(list(r.needs) or {}) do
      local known = false
      for _, n in ipairs(schema.need_names) do if n == need then known = true end end
      if not known then
        local hint = construct.did_you_mean(need, schema.need_names)
        problem(ctx, "error", r.where, ("%s: needs \"%s\" is not something a report can need%s"):format(rl, need,
          hint and (" (did you mean \"" .. hint .. "\"?)") or (" (needs: " .. table.concat(schema.need_names, ", ") .. ")")),
          { kind = "report", id = r.id, field = "needs", suggestion = hint })
      end
    end
    for k, v in pairs(r.params or {}) do
      if type(k) ~= "string" then
        problem(ctx, "error", r.where, ("%s: params are { name = value }, a parameter's name is a word"):format(rl))
      elseif type(v) ~= "string" and type(v) ~= "number" and type(v) ~= "boolean" then
        problem(ctx, "error", r.where, ("%s: params.%s must be text, a number or true/false"):format(rl, k))
      end
    end
    if #(r.sections or {}) == 0 then
      problem(ctx, "error", r.where, ("%s has no sections: add section \"id\" { title = ..., sql = ... }"):format(rl))
    end
    local sids = {}
    for _, s in ipairs(r.sections or {}) do
      local sl = ("%s: section \"%s\""):format(rl, s.id)
      local function bad(msg, field) problem(ctx, "error", s.where, sl .. ": " .. msg, { kind = "section", id = s.id, field = field }) end
      if sids[s.id] then bad("another section of the report has this id") end
      sids[s.id] = true
      if s.sql ~= nil and s.rows ~= nil then bad("give sql or rows, not both", "rows") end
      M.columns(s, function(msg) bad(msg, "columns") end)
      if s.chart ~= nil then
        if s.sql == nil and s.rows == nil then bad("a chart draws the section's rows: give sql or rows", "chart") end
        check_chart(s.chart, bad)
      end
      if s.sql == nil and s.rows == nil and s.text == nil and s.title == nil then
        bad("is empty: give it a title, text, sql or rows")
      end
    end
  end
end

return M
