-- declared.lua — the reports a model declares (`report "id" { section "id" { ... } }`), made
-- into documents and written in every format like the bundled ones. A section's table comes
-- from its `sql` (named parameters: the report's params, --param, :as_of, :year) or its Lua
-- `rows` function, its chart maps the rows' columns onto the chart vocabulary
-- (qm.reports.charts). A model's report runs with the model's capabilities only: its SQL on a
-- read-only connection to --db, its Lua function given a read-only view { db, params, as_of,
-- warn } like an indicator's data function, never the run's context.
-- JSON: { model, report, title, as_of, params, sections = [ { id, title, text, rows } ] }, each
-- row every column of the query (or every field of the Lua record), values as they are.
-- `qm check` compiles the sections' SQL: qm.engine.sqlcheck.
local host = require "qm.host"
local report = require "qm.reports.document"
local json = require "qm.reports.json"
local charts = require "qm.reports.charts"
local lang = require "qm.lang.reports"
local sandbox = require "qm.sandbox"

local M = {}

local function list(v) if type(v) == "string" then return { v } end return v or {} end
local function is_null(v) return v == nil or v == host.null end

-- the read-only connection the model's reports read (the model's own without --write)
local function database(ctx)
  if ctx.report_db == nil then
    local mdb = ctx:model_database()   -- the same checks and messages as every other use of --db
    if not mdb then return nil end
    ctx.report_db = (ctx.opts.write and ctx.opts.db) and host.opendb(ctx.opts.db, { engine = false }) or mdb
  end
  return ctx.report_db
end

-- the values of the SQL's named parameters: :as_of and :year, the report's params, --param
local function params_of(ctx, rep, as_of)
  local p = { as_of = tostring(as_of), year = as_of.y }
  for k, v in pairs(rep.params or {}) do p[k] = v end
  for k, v in pairs(ctx.params or {}) do p[k] = v end
  return p
end

-- a section's column as a report table's column; numbers and percents written as the
-- report's language writes them (L: qm.reports.i18n's words: 64,9 and "15 %" in Danish)
local function table_column(m, c, L)
  local col = { key = c.key, title = c.title or c.key }
  local fmt, d = c.format, c.decimals
  if c.element then
    col.text = function(v)
      if is_null(v) then return nil end
      local e = m:find(tostring(v))
      return e and (e.title or e.text or e.id) or v
    end
  elseif fmt == "percent" then
    col.align, col.numfmt = "right", (d and d > 0) and ("0." .. string.rep("0", d) .. "%") or "0%"
    col.text = function(v) if type(v) ~= "number" then return v end return L:pct(v, d or 0) end
  elseif fmt == "integer" then
    col.align, col.numfmt = "right", "0"
    col.text = function(v) if type(v) ~= "number" then return v end return L:num(math.floor(v + 0.5)) end
  elseif fmt == "number" or d then
    col.align = "right"
    if d then col.numfmt = d > 0 and ("0." .. string.rep("0", d)) or "0" end
    col.text = function(v) if type(v) ~= "number" then return v end return L:num(v, d or 2) end
  elseif fmt == "text" then
    col.align = "left"
  end
  return col
end

-- the keys of a Lua function's records, in the order a query gave them when it did
local function keys_of(rows)
  local ordered = host.columns_of and host.columns_of(rows)
  if ordered then return ordered end
  local set, keys = {}, {}
  for i = 1, math.min(#rows, 200) do
    for k in pairs(rows[i]) do if type(k) == "string" and not set[k] then set[k] = true; keys[#keys + 1] = k end end
  end
  table.sort(keys)
  return keys
end

-- the chart spec (the chart vocabulary) of a section's chart declaration over its rows
-- (title_of(key): a column's title; label_of(key, v): the text of a label, an element's title;
-- L: the report's words, for its numbers: 64,9 and "15 %" in Danish; English without it)
function M.chart_spec(decl, rows, section_title, title_of, label_of, L)
  L = L or require("qm.reports.i18n").new("en")
  local spec = { type = decl.type, title = decl.title or section_title, desc = decl.desc, min = decl.min, max = decl.max,
                 target = decl.target }
  -- the data table's column titles: the section's column titles, unless labels says otherwise
  local labels = {}
  local function t(k) return k and title_of(k) or nil end
  if decl.type == "radar" then labels.axis, labels.value = t(decl.label), t(decl.value)
  elseif decl.type == "bars" then labels.category = t(decl.label)
  elseif decl.type == "dots" then labels.item, labels.scores, labels.agreed = t(decl.label), t(decl.scores), t(decl.agreed)
  elseif decl.type == "lights" then labels.item, labels.status = t(decl.label), t(decl.word or decl.status)
  elseif decl.type == "lines" then labels.x = t(decl.x) end
  -- the words no column gives, in the report's language (the chart module's own defaults
  -- are bare keys: "target", "change")
  if decl.target ~= nil then labels.target = L("chart.target") end
  if decl.type == "bars" and decl.change then labels.change = L("col.change") end
  for k, v in pairs(decl.labels or {}) do labels[k] = v end
  spec.labels = labels
  local decimals = decl.decimals or (decl.percent and 0 or 1)
  if decl.percent then
    spec.format = function(v) return type(v) == "number" and v == v and L:pct(v, decimals) or "–" end
  else
    spec.format = charts.number { decimals = decimals, decimal = L.decimal }
  end
  if decl.percent then spec.numfmt = "0%"; spec.change_numfmt = "0%" end
  local function num(v) return type(v) == "number" and v or tonumber(v ~= host.null and v or nil) end
  local function label(r)
    local v = r[decl.label]
    if is_null(v) then return "–" end
    return tostring(label_of and label_of(decl.label, v) or v)
  end
  if decl.type == "radar" then
    spec.axes = {}
    for _, r in ipairs(rows) do spec.axes[#spec.axes + 1] = { label = label(r), value = num(r[decl.value]) } end
  elseif decl.type == "bars" then
    local keys = list(decl.values)
    spec.series = {}
    for i, k in ipairs(keys) do spec.series[i] = list(decl.series)[i] or title_of(k) end
    spec.change = decl.change
    spec.categories = {}
    for _, r in ipairs(rows) do
      local vals = {}
      for i, k in ipairs(keys) do vals[i] = num(r[k]) end
      spec.categories[#spec.categories + 1] = { label = label(r), values = vals }
    end
  elseif decl.type == "dots" then
    spec.rows = {}
    for _, r in ipairs(rows) do
      local scores = {}
      for x in tostring(is_null(r[decl.scores]) and "" or r[decl.scores]):gmatch("[^,;%s]+") do scores[#scores + 1] = tonumber(x) end
      spec.rows[#spec.rows + 1] = { label = label(r), scores = scores, agreed = decl.agreed and num(r[decl.agreed]) or nil }
    end
  elseif decl.type == "lights" then
    spec.items = {}
    for _, r in ipairs(rows) do
      local st = is_null(r[decl.status]) and "" or tostring(r[decl.status])
      local word = decl.word and not is_null(r[decl.word]) and tostring(r[decl.word]) or st
      spec.items[#spec.items + 1] = { label = label(r), status = st, word = word }
    end
  elseif decl.type == "lines" then
    local xs, seen, series, by = {}, {}, {}, {}
    for _, r in ipairs(rows) do
      local x = tostring(r[decl.x])
      if not seen[x] then seen[x] = true; xs[#xs + 1] = x end
      local s = tostring(r[decl.series])
      if not by[s] then by[s] = { label = s, values = {} }; series[#series + 1] = by[s] end
      by[s].values[x] = num(r[decl.value])
    end
    spec.x, spec.series = xs, series
  end
  return spec
end

-- run the model's report `rep` of model m: a document written to out in --format
local function run(ctx, m, rep, out, at)
  local as_of = ctx:as_of(m)
  local params = params_of(ctx, rep, as_of)
  local db = database(ctx)
  local view
  local sections = json.array({})
  local given = {}   -- the report's own parameters, as this run gives them
  for k in pairs(rep.params or {}) do given[k] = params[k] end
  -- the report's language (--lang): the model's words as written, numbers as the language
  -- writes them (docs/reports.md, "Language")
  local L = require("qm.reports.i18n").of(ctx, m)
  local doc = report.document { lang = L.lang, title = rep.title or rep.id, subtitle = rep.subtitle,
    data = json.object({ model = m.id, report = rep.id, title = rep.title or rep.id, as_of = tostring(as_of),
      params = given, sections = sections },
      { "model", "report", "title", "as_of", "params", "sections" }) }
  for _, s in ipairs(rep.sections or {}) do
    at.section = s
    local jsec = json.object({ id = s.id, title = s.title, text = s.text }, { "id", "title", "text", "rows" })
    sections[#sections + 1] = jsec
    if s.title then doc:heading(s.title, 2) end
    if s.text then doc:paragraph(s.text) end
    local rows, keys, open
    if s.sql then
      if not db then
        require("qm.engine.cli").usage_error(("the report \"%s\" reads the database (section \"%s\" has sql): give --db FILE"):format(rep.id, s.id))
      end
      local st = db:prepare(s.sql)
      keys = st:columns()
      st:close()
      if s.chart then
        rows = db:rows(s.sql, params)
      else
        open = function() at.section = s return db:query(s.sql, params) end
      end
    elseif s.rows then
      if not view then
        local copy = {}
        for k, v in pairs(params) do copy[k] = v end
        view = sandbox.view { db = db, params = copy, as_of = tostring(as_of),
          warn = function(msg) ctx:warn(tostring(msg)) end }
      end
      rows = s.rows(view)
      if type(rows) ~= "table" then
        error(("%s: report \"%s\": section \"%s\": rows must return an array of records, not %s"):format(s.where, rep.id, s.id, type(rows)), 0)
      end
      keys = keys_of(rows)
    end
    if keys then
      local decl = lang.columns(s) or {}
      local cols = {}
      if #decl > 0 then
        for _, c in ipairs(decl) do cols[#cols + 1] = table_column(m, c, L) end
      else
        for _, k in ipairs(keys) do cols[#cols + 1] = { key = k, title = k } end
      end
      local titles, by_key = {}, {}
      for _, c in ipairs(cols) do titles[c.key], by_key[c.key] = c.title, c end
      local function label_of(k, v)
        local c = by_key[k]
        if c and c.text and type(v) ~= "number" then return c.text(v) end
        return v
      end
      local function shape(r)
        local o = {}
        for _, k in ipairs(keys) do o[k] = r[k] end
        return json.object(o, keys)
      end
      if open then
        jsec.rows = json.stream(function()
          local it, st, ctl, closing = open()
          return function()
            local r = it(st, ctl)
            ctl = r
            if r == nil then return nil end
            return shape(r)
          end, nil, nil, closing
        end)
      else
        jsec.rows = json.array({})
        for i, r in ipairs(rows) do jsec.rows[i] = shape(r) end
      end
      if rows and #rows == 0 and s.empty then
        doc:paragraph(s.empty)
      else
        doc:table { name = s.id, sheet = s.title, columns = cols, rows = rows or open }
      end
      if s.chart and rows and #rows > 0 then
        local ok, err = pcall(doc.chart, doc, M.chart_spec(s.chart, rows, s.title, function(k) return titles[k] or k end, label_of, L))
        if not ok then
          -- the rows do not fit the chart (a radar of two axes): the data's error, at the section
          local why = tostring(err):gsub("^[^\n]-%.lua:%d+: ", "")
          host.raise("data", ("%s: report \"%s\": section \"%s\": the chart cannot be drawn from these rows: %s")
            :format(s.where, rep.id, s.id, why), 0)
        end
      end
    end
  end
  report.write(doc, ctx.opts.format, out)
end

-- An error the engine raised while a section ran (SQLite's, at the line of this module) is
-- said at the section's line in the model, keeping its class; the model's own errors (its
-- rows function) already name its line.
function M.run(ctx, m, rep, out)
  local at = {}
  local ok, err = pcall(run, ctx, m, rep, out, at)
  if ok then return err end
  local msg = tostring(err)
  -- SQLite's error from this module: at its line, or (qm_raise) at no line at all
  local rest = msg:match("^@?stdlib/[^:]+:%d+: (.*)$") or (not msg:match("^[^\n]-:%d+: ") and msg) or nil
  if rest and at.section then
    host.rethrow(err, ("%s: report \"%s\": section \"%s\": %s"):format(at.section.where, rep.id, at.section.id, rest), 0)
  end
  error(err, 0)
end

return M
