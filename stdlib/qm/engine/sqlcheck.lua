-- sqlcheck.lua — the SQL of a model, checked without running it (qm check): every indicator's
-- `sql` and the model's `survey_sql` prepared (compiled, never stepped) against the database
-- given with --db, or, without one, against an empty in-memory database, where only what
-- does not depend on the data counts (a syntax error, an unknown function, more than one
-- statement; "no such table" there is not a finding). A query that compiles gives its
-- columns, which are checked against what the indicator's kind reads under its declared
-- data contract (qm.lang.inputs); its parameters against what a run gives (:as_of, :year,
-- the indicator's params, --param). With --db the tables the model's reports read
-- (audit.table, progression.tables) and the tables it declares (dataset) are checked too.
-- The sections of the model's own reports (report "id" { section "id" { sql = ... } }) are
-- compiled the same way: the columns the section's `columns` and chart name must be among the
-- query's, and its parameters given by the report's params, :as_of, :year or --param.
-- Problems are recorded on the run at the model's line, the SQL's own position where SQLite
-- names one. Nothing is evaluated and nothing is written.
local host = require "qm.host"
local construct = require "qm.lang.construct"
local inputs = require "qm.lang.inputs"
-- qm.lang.reports: only for a model with reports of its own (check_reports)
local lang_reports = setmetatable({}, { __index = function(t, k)
  local mod = require "qm.lang.reports"
  setmetatable(t, { __index = mod })
  return mod[k]
end })

local problem = construct.problem

local M = {}

-- the parameters every run gives an indicator's query
local GIVEN = { as_of = true, year = true }

local function names_of(cols)
  local out = {}
  for _, c in ipairs(cols) do out[#out + 1] = c.optional and ("[" .. c.name .. "]") or c.name end
  return table.concat(out, ", ")
end

-- SQLite's reason, said for a model's author; nil when it is about the data and there is none
local function reason(msg, with_db)
  local t = msg:match("^no such table: (.+)$")
  if t then
    if not with_db then return nil end
    return ("table \"%s\" does not exist in the database"):format((t:gsub("^main%.", "")))
  end
  local c = msg:match("^no such column: (.+)$")
  if c then
    if not with_db then return nil end
    return ("column \"%s\" does not exist in the tables the query reads"):format(c)
  end
  return "the SQL does not compile: " .. msg
end

-- prepare sql on db: the statement, or nil and a problem (message, offset) already recorded
local function prepare(ctx, db, with_db, sql, where, about, what)
  local ok, st, msg, offset = pcall(db.try_prepare, db, sql)
  if not ok then
    -- refused by the authorizer (a write, ATTACH) or a failure of the database itself
    local why = tostring(st):gsub("^[^\n]-:%d+: ", ""):gsub("^SQL error: ", "")
    problem(ctx, "error", where, ("%s: %s"):format(what, why), about)
    return nil
  end
  if st then return st end
  local r = reason(msg, with_db)
  if r then
    local a = {}
    for k, v in pairs(about) do a[k] = v end
    -- where SQLite does not say, the table or column it names, found in the SQL
    local name = not offset and (msg:match("^no such table: (.+)$") or msg:match("^no such column: (.+)$"))
    if name then
      name = name:gsub("^main%.", ""):match("([^.]+)$")
      local at = sql:lower():find("%f[%w_]" .. name:lower():gsub("%p", "%%%0") .. "%f[^%w_]")
      if at then offset = at - 1 end
    end
    a.offset = offset
    problem(ctx, "error", where, ("%s: %s"):format(what, r), a)
  end
  return nil
end

-- the columns a statement gives, checked against those `decl_columns` says are read
local function check_columns(ctx, st, where, about, what, kind_name, decl)
  local have = st:columns()
  local lower = {}
  for _, c in ipairs(have) do lower[c:lower()] = true end
  local missing = {}
  for _, col in ipairs(decl.columns or {}) do
    if not col.optional and not lower[col.name] then missing[#missing + 1] = col.name end
  end
  if #missing > 0 then
    problem(ctx, "error", where, ("%s: the query gives no column %s: %s reads %s (the query gives %s)"):format(what,
      table.concat(missing, ", "), kind_name, names_of(decl.columns), #have > 0 and table.concat(have, ", ") or "no columns"), about)
  end
  -- a column the kind does not read, named like one it reads that the query does not give
  for _, miss in ipairs(inputs.near_misses(have, decl.columns)) do
    local a = {}
    for k, v in pairs(about) do a[k] = v end
    a.suggestion = miss.meant
    problem(ctx, "warning", where, ("%s: the query gives column %s, which %s does not read (did you mean %s?)")
      :format(what, miss.given, kind_name, miss.meant), a)
  end
  for _, group in ipairs(decl.any_of or {}) do
    local any = false
    for _, n in ipairs(group) do if lower[n] then any = true end end
    if not any then
      problem(ctx, "error", where, ("%s: the query gives neither %s: %s reads one of them (the query gives %s)"):format(what,
        table.concat(group, " nor "), kind_name, table.concat(have, ", ")), about)
    end
  end
end

-- the statement's parameters a run will not give
local function check_parameters(ctx, st, where, about, what, ind)
  for _, name in ipairs(st:parameters()) do
    local key = name:sub(2)
    if name:sub(1, 1) == "?" then
      problem(ctx, "error", where, ("%s: the query has a positional parameter %s: name it (:name) and give it with --param or params"):format(what, name), about)
    elseif not GIVEN[key] and not (ind and type(ind.params) == "table" and ind.params[key] ~= nil) and not (ctx.params or {})[key] then
      problem(ctx, "warning", where, ("%s: the query uses %s, which a run does not give: give --param %s=VALUE%s"):format(what, name, key,
        ind and (", or params = { " .. key .. " = ... } on the indicator") or ""), about)
    end
  end
end

-- a setting's value by its dotted path ("progression.tables.scores") in model m
local function setting(m, path)
  local v = m
  for part in path:gmatch("[^.]+") do
    if type(v) ~= "table" then return nil end
    v = v[part]
  end
  return v
end

-- the tables a family of reports reads (inputs.reports), when the model uses it
local USES = { audit = "audit", progression = "progression" }

local function check_report_tables(ctx, db, m)
  for family, field in pairs(USES) do
    local decl = inputs.reports[family]
    if m[field] ~= nil and decl and decl.tables then
      for _, t in ipairs(decl.tables) do
        local name = setting(m, t.setting) or t.default
        if type(name) == "string" then
          local about = { kind = "model", id = m.id, field = field }
          local ok, have = pcall(db.columns, db, name)
          if not ok or #have == 0 then
            if not t.optional then
              problem(ctx, "error", m.where, ("model \"%s\": the %s reports read table \"%s\" (%s), which does not exist in the database")
                :format(m.id, family, name, t.setting), about)
            elseif t.needed_by then
              -- the other reports run without it; the one that needs it would stop
              problem(ctx, "warning", m.where, ("model \"%s\": table \"%s\" (%s) does not exist in the database: the %s report needs it (the other %s reports run without it)")
                :format(m.id, name, t.setting, t.needed_by, family), about)
            end
          else
            local lower = {}
            for _, c in ipairs(have) do lower[c:lower()] = true end
            local missing = {}
            for _, c in ipairs(t.columns) do if not c.optional and not lower[c.name] then missing[#missing + 1] = c.name end end
            if #missing > 0 then
              problem(ctx, "error", m.where, ("model \"%s\": table \"%s\" (%s) has no column %s: the %s reports read %s (it has %s)")
                :format(m.id, name, t.setting, table.concat(missing, ", "), family, names_of(t.columns), table.concat(have, ", ")), about)
            end
          end
        end
      end
    end
  end
end

-- the tables the model declares (dataset "name" { column ... }) that the database has: the
-- declared columns must be there; one it does not have yet is said once
local function check_datasets(ctx, db, m)
  for _, d in ipairs(m.datasets or {}) do
    local ok, have = pcall(db.columns, db, d.id)
    local about = { kind = "dataset", id = d.id }
    if not ok or #have == 0 then
      problem(ctx, "warning", d.where, ("dataset \"%s\": the database has no table %s yet (qm import --table %s FILE creates it)")
        :format(d.id, d.id, d.id), about)
    else
      local lower = {}
      for _, c in ipairs(have) do lower[c:lower()] = true end
      for _, c in ipairs(d.columns or {}) do
        if not lower[c.id:lower()] then
          problem(ctx, "error", c.where or d.where, ("dataset \"%s\": table %s in the database has no column %s (it has %s)")
            :format(d.id, d.id, c.id, table.concat(have, ", ")), { kind = "column", id = c.id })
        end
      end
    end
  end
end

-- A dataset column whose type admits values the indicator kind reading it refuses: `done`
-- (a date or yes/no) read by a completion, whose `done` must be a date, imports "ja" and then
-- makes the indicator not evaluable at every run. Found by preparing each indicator's SQL
-- against an in-memory database of the model's declared tables, each column's declared SQL
-- type naming its dataset type (qm_done_3_2: dataset 3, column 2), which SQLite gives back
-- for a result column taken unchanged from a table (st:decltypes()).
-- the dataset types whose values the kind's column type refuses (text is checked at run)
local REFUSED = {
  date = { done = true, boolean = true, number = true, integer = true, period = true, enum = true, scale = true, element = true },
  number = { date = true, done = true, period = true, enum = true, element = true },
  boolean = { date = true, done = true, number = true, period = true, enum = true, scale = true, element = true },
  done = { number = true, integer = true, period = true, enum = true, scale = true, element = true },
  period = { date = true, done = true, boolean = true, number = true, enum = true, scale = true, element = true },
}

local function check_dataset_types(ctx, m)
  local datasets = m.datasets or {}
  if #datasets == 0 then return end
  local inds = {}
  for _, ind in ipairs(m:indicators()) do
    local decl = inputs.kinds[ind.type or "value"]
    if type(ind.sql) == "string" and decl then inds[#inds + 1] = { ind = ind, decl = decl } end
  end
  if #inds == 0 then return end
  local mem = host.opendb(":memory:", { write = true, create = true, engine = false })
  for di, d in ipairs(datasets) do
    local defs = {}
    for ci, c in ipairs(d.columns or {}) do
      if type(c.id) == "string" and type(c.type) == "string" and c.type:match("^%a+$") then
        defs[#defs + 1] = ('"%s" qm_%s_%d_%d'):format(c.id, c.type, di, ci)
      end
    end
    if #defs > 0 and type(d.id) == "string" then
      pcall(mem.exec, mem, ('CREATE TABLE "%s" (%s)'):format(d.id, table.concat(defs, ", ")))
    end
  end
  local types = require "qm.lang.types"
  for _, x in ipairs(inds) do
    local ind, decl = x.ind, x.decl
    local ok, st = pcall(mem.try_prepare, mem, ind.sql)
    if ok and st then
      local names, dts = st:columns(), st:decltypes()
      st:close()
      -- the result columns taken unchanged from a dataset's column, read once per statement
      local from = {}
      for i, n in ipairs(names) do
        local t, di, ci = tostring(dts[i] or ""):match("^qm_(%a+)_(%d+)_(%d+)$")
        if t then from[#from + 1] = { name = n:lower(), t = t, di = di, ci = ci } end
      end
      for _, col in ipairs(decl.columns or {}) do
        for _, r in ipairs(from) do
          local t, di, ci = r.t, r.di, r.ci
          if r.name == col.name and REFUSED[col.type] and REFUSED[col.type][t] then
            local d = datasets[tonumber(di)]
            local c = d.columns[tonumber(ci)]
            problem(ctx, "warning", ind.where, ("indicator \"%s\": column \"%s\" comes from dataset %s, whose column %s is type = \"%s\" (%s), "
              .. "but a %s indicator reads %s there: a value the import accepts would make the indicator not evaluable (declare it type = \"%s\")")
              :format(ind.id, col.name, d.id, c.id, t, types.describe({ type = t }), ind.type or "value",
                inputs.describe(col), col.type),
              { kind = "indicator", id = ind.id, field = "sql" })
          end
        end
      end
    end
  end
  mem:close()
end

-- the SQL of the model's own reports' sections
local function check_reports(ctx, db, with_db, m)
  for _, rep in ipairs(m.reports or {}) do
    for _, s in ipairs(rep.sections or {}) do
      if type(s.sql) == "string" then
        local what = ("report \"%s\": section \"%s\""):format(rep.id, s.id)
        local about = { kind = "section", id = s.id, field = "sql" }
        local st = prepare(ctx, db, with_db, s.sql, s.where, about, what)
        if st then
          local have = st:columns()
          local set = {}
          for _, c in ipairs(have) do set[c] = true end
          local wanted = {}
          for _, c in ipairs(lang_reports.columns(s) or {}) do wanted[#wanted + 1] = { c.key, "columns" } end
          if type(s.chart) == "table" then
            for _, k in ipairs(lang_reports.chart_keys(s.chart)) do wanted[#wanted + 1] = { k, "the chart" } end
          end
          for _, w in ipairs(wanted) do
            if not set[w[1]] then
              local hint = construct.did_you_mean(w[1], have)
              problem(ctx, "error", s.where, ("%s: %s names column \"%s\", which the query does not give%s (it gives %s)")
                :format(what, w[2], w[1], hint and (" — did you mean \"" .. hint .. "\"?") or "", table.concat(have, ", ")),
                { kind = "section", id = s.id, field = w[2] == "columns" and "columns" or "chart", suggestion = hint })
            end
          end
          for _, name in ipairs(st:parameters()) do
            local key = name:sub(2)
            if name:sub(1, 1) == "?" then
              problem(ctx, "error", s.where, ("%s: the query has a positional parameter %s: name it (:name) and give it in the report's params"):format(what, name), about)
            elseif not GIVEN[key] and not (type(rep.params) == "table" and rep.params[key] ~= nil) and not (ctx.params or {})[key] then
              problem(ctx, "error", s.where, ("%s: the query uses %s, which the report does not give: add params = { %s = ... } to the report, or give --param %s=VALUE")
                :format(what, name, key, key), about)
            end
          end
          st:close()
        end
      end
    end
  end
end

-- Check the SQL of every model the run declared (and what it extends). db: the model's
-- connection to --db, or nil (then an empty in-memory database).
function M.check(ctx, db)
  local with_db = db ~= nil
  local own
  if not db then
    -- read-only, as a model's connection is; opened at the first statement (a model without
    -- SQL opens no database)
    own = host.opendb(":memory:", { engine = false, defer = true })
    db = own
  end
  local seen = {}
  for _, m in ipairs(ctx:declared_models()) do
    for _, ind in ipairs(m:indicators()) do
      if type(ind.sql) == "string" and not seen[ind] then
        seen[ind] = true
        local what = ("indicator \"%s\""):format(ind.id)
        local about = { kind = "indicator", id = ind.id, field = "sql" }
        local st = prepare(ctx, db, with_db, ind.sql, ind.where, about, what)
        if st then
          local kind = ind.type or "value"
          local decl = inputs.kinds[kind]
          if decl then check_columns(ctx, st, ind.where, about, what, ("a %s indicator"):format(kind), decl) end
          check_parameters(ctx, st, ind.where, about, what, ind)
          st:close()
        end
      end
    end
    if type(m.survey_sql) == "string" and not seen[m] then
      seen[m] = true
      local what = ("model \"%s\": survey_sql"):format(m.id)
      local about = { kind = "model", id = m.id, field = "survey_sql" }
      local st = prepare(ctx, db, with_db, m.survey_sql, m.where, about, what)
      if st then
        for _, q in ipairs((inputs.reports.prioriteter or {}).queries or {}) do
          if q.setting == "survey_sql" then check_columns(ctx, st, m.where, about, what, "the prioriteter report", q) end
        end
        check_parameters(ctx, st, m.where, about, what, nil)
        st:close()
      end
    end
    check_reports(ctx, db, with_db, m)
    check_dataset_types(ctx, m)
    if with_db then
      check_report_tables(ctx, db, m)
      check_datasets(ctx, db, m)
    end
  end
  if own then own:close() end
end

return M
