-- contract.lua — the data contract at run time: an indicator's rows, fetched from its `sql`
-- (or `data` function) and checked against what its kind declares it reads
-- (qm.lang.inputs): every declared column present (names compared without regard to case),
-- every value of the declared type and domain (qm.lang.types, the one vocabulary). Rows come
-- back with the declared names and the values as the kinds use them ('ja' -> 1, '2016-K3' ->
-- '2016-Q3', '5.1' -> 5.1). What does not fit is a problem, never a guess:
--   contract.rows(run, ind, as_of) -> rows | nil, problem
--   problem = { kind = "none"|"database"|"query"|"parameter"|"column"|"value"|"rows", message = "...",
--               table =, column =, expected =, got =, row = (1-based), unit = }
-- The indicator is then "not evaluable" with problem.message as its reason. Messages name
-- the user's table, column, parameter or value, never an engine file or a parameter the
-- engine binds itself (:as_of and :year are always given).
local inputs = require "qm.lang.inputs"
local types = require "qm.lang.types"
local host = require "qm.host"

local M = {}

local null = host.null
local function is_null(v) return v == nil or v == null end

-- how a value from the database is shown in a message: its SQL type and the value
local function shown(v)
  if is_null(v) then return "NULL" end
  if math.type(v) == "integer" then return "the whole number " .. tostring(v) end
  if type(v) == "number" then return "the number " .. tostring(v) end
  if type(v) == "string" then
    local s = #v > 40 and (v:sub(1, 37) .. "...") or v
    return ("the text \"%s\""):format(s)
  end
  if type(v) == "boolean" then return tostring(v) end
  return "a " .. type(v)
end
M.shown = shown

local function problem(kind, message, fields)
  local p = fields or {}
  p.kind, p.message = kind, message
  return p
end

local function kind_of(ind) return ind.type or "value" end

local function names(list)
  local out = {}
  for _, c in ipairs(list) do out[#out + 1] = c.optional and ("[" .. c.name .. "]") or c.name end
  return table.concat(out, ", ")
end
local names_of = names

-- the query's own words for why it cannot run, with the table or column it names said plainly
local function query_problem(msg)
  local t = msg:match("^no such table: (.+)$")
  if t then
    t = t:gsub("^main%.", "")
    return problem("query", ("table \"%s\" does not exist in the database"):format(t), { table = t })
  end
  local c = msg:match("^no such column: (.+)$")
  if c then
    return problem("query", ("the query names column \"%s\", which its tables do not have"):format(c), { column = c })
  end
  return problem("query", "the query cannot run: " .. msg)
end

-- the value a parameter of the query has: :as_of and :year from the date, then the
-- indicator's params, then --param
local function parameters(run, ind, as_of)
  local p = { as_of = tostring(as_of), year = as_of.y }
  for k, v in pairs(ind.params or {}) do p[k] = v end
  for k, v in pairs(run.params or {}) do p[k] = v end
  return p
end
M.parameters = parameters

local function bindable(v)
  local t = type(v)
  return t == "string" or t == "number" or t == "boolean" or v == null
end

-- the rows of the indicator's sql, or nil and the problem
local function from_sql(run, ind, params)
  local db = run.model_database and run:model_database() or run.db
  if not db then return nil, problem("database", "no database (give --db)") end
  local st, msg = db:try_prepare(ind.sql)
  if not st then return nil, query_problem(msg) end
  for _, name in ipairs(st:parameters()) do
    local key = name:sub(2)
    if name:sub(1, 1) == "?" then
      st:close()
      return nil, problem("parameter", ("the query has a positional parameter %s: name it (:name) and give it with --param or params"):format(name))
    end
    local v = params[key]
    if v == nil then
      st:close()
      return nil, problem("parameter", ("the query uses %s, which is not given: give --param %s=VALUE, or params = { %s = ... } on the indicator")
        :format(name, key, key), { parameter = name })
    end
    if not bindable(v) then
      st:close()
      return nil, problem("parameter", ("%s is a %s: a query parameter is one value (a number or a text)"):format(name, type(v)),
        { parameter = name })
    end
  end
  local cols = st:columns()
  local bind = {}
  for _, name in ipairs(st:parameters()) do bind[name:sub(2)] = params[name:sub(2)] end
  local ok, rows = pcall(st.rows, st, bind)
  st:close()
  if not ok then
    -- the query compiled but cannot run on this data (malformed JSON, an integer overflow, a
    -- function refusing its argument): this indicator is not evaluable, the rest of the run
    -- goes on. A database that fails (I/O, corrupt, locked, full) and a limit still stop it.
    local msg = type(rows) == "string" and rows or tostring(rows)
    local why = msg:match("SQL error: (.-) %(in: .*%)$") or msg:match("SQL error: (.*)$")
    if host.errclass(rows) ~= "io" or not why or why:find("disk", 1, true) or why:find("database", 1, true)
        or why:find("unable to open", 1, true) or why:find("locked", 1, true) then
      error(rows, 0)
    end
    return nil, query_problem(why)
  end
  return rows, nil, cols
end

-- a callback's view of the run: made for it (the run's read-only view: db, params, as_of,
-- warn), never the engine's own context
local function callback_view(run, as_of)
  if run.callback_view then return run:callback_view(as_of) end
  return { as_of = tostring(as_of) }
end

local function from_data(run, ind, params, as_of)
  local rows = ind.data(callback_view(run, as_of), params)
  if rows == nil then return {} end
  if type(rows) ~= "table" then
    return nil, problem("rows", ("data returned %s: it must return a list of rows { { column = value, ... }, ... }"):format(type(rows)))
  end
  local cols, seen = {}, {}
  for i, r in ipairs(rows) do
    if type(r) ~= "table" then
      return nil, problem("rows", ("data: row %d is %s, not a table { column = value, ... }"):format(i, type(r)), { row = i })
    end
    for k in pairs(r) do
      if type(k) == "string" and not seen[k] then seen[k] = true; cols[#cols + 1] = k end
    end
  end
  table.sort(cols)
  return rows, nil, cols, true
end

-- Fetch and check. Returns rows (declared names, values as the kinds use them), or nil and a
-- problem.
function M.rows(run, ind, as_of)
  local kind = inputs.kinds[kind_of(ind)]
  local params = parameters(run, ind, as_of)
  local rows, p, cols, from_lua
  if ind.data then rows, p, cols, from_lua = from_data(run, ind, params, as_of)
  elseif ind.sql then rows, p, cols = from_sql(run, ind, params)
  else return nil, problem("none", "no data: give the indicator sql or data") end
  if not rows then return nil, p end
  if not kind then return rows end
  -- the columns: declared ones by name (any case), every required one present
  local by_lower = {}
  for _, c in ipairs(cols) do by_lower[c:lower()] = c end
  local rename = {}   -- the query's name -> the declared name
  local present = {}
  for _, col in ipairs(kind.columns) do
    local given = by_lower[col.name]
    if given then rename[given] = col.name; present[col.name] = true
    elseif not col.optional and not (from_lua and #rows == 0) then
      return nil, problem("column", ("column \"%s\" is missing: a %s indicator reads %s (the %s gives %s)")
        :format(col.name, kind_of(ind), names(kind.columns), from_lua and "data function" or "query",
          #cols > 0 and table.concat(cols, ", ") or "no columns"), { column = col.name, expected = names(kind.columns),
          got = table.concat(cols, ", ") })
    end
  end
  if run and run.data_warning then
    for _, miss in ipairs(inputs.near_misses(cols, kind.columns)) do
      run:data_warning(ind, ("the %s gives column %s, which a %s indicator does not read (did you mean %s?)")
        :format(from_lua and "data function" or "query", miss.given, kind_of(ind), miss.meant))
    end
  end
  for _, group in ipairs(kind.any_of or {}) do
    local any = false
    for _, n in ipairs(group) do if present[n] then any = true end end
    if not any and not (from_lua and #rows == 0) then
      return nil, problem("column", ("a %s indicator needs a column %s: the %s gives %s"):format(kind_of(ind),
        table.concat(group, " or "), from_lua and "data function" or "query", #cols > 0 and table.concat(cols, ", ") or "no columns"),
        { column = table.concat(group, " or "), expected = table.concat(group, " or "), got = table.concat(cols, ", ") })
    end
  end
  -- the values: each declared column's value checked and converted. The columns to check
  -- are made once; a text seen before in a column is not checked again (dates repeat).
  local env = { model = nil }
  local checks = {}
  for _, col in ipairs(kind.columns) do
    if present[col.name] or from_lua then
      checks[#checks + 1] = { name = col.name, col = inputs.column_for(col, ind), seen = {} }
    end
  end
  -- rows are copied when a column is renamed, or when they are a data function's own
  -- tables (the model's values are never changed under it); else checked in place
  for g, d in pairs(rename) do if g == d then rename[g] = nil end end
  local renames = next(rename) ~= nil or from_lua
  local out = {}
  for i, r in ipairs(rows) do
    local row = r
    if renames then
      row = {}
      for k, v in pairs(r) do row[rename[k] or k] = v end
    end
    for _, c in ipairs(checks) do
      local v = row[c.name]
      if v ~= nil or not from_lua then
        local x = type(v) == "string" and c.seen[v]
        if x == nil or x == false then
          local ok
          ok, x = types.check(c.col, v, env)
          if not ok then
            local unit = not is_null(row.unit_id) and row.unit_id ~= nil and tostring(row.unit_id) or nil
            local expected = inputs.describe(c.col)
            return nil, problem("value", ("column \"%s\", row %d%s: expected %s, got %s"):format(c.name, i,
              unit and (" (unit " .. unit .. ")") or "", expected, shown(v)),
              { column = c.name, row = i, unit = unit, expected = expected, got = shown(v) })
          end
          if x == nil then x = null end
          if type(v) == "string" then c.seen[v] = x end
        end
        row[c.name] = x
      end
    end
    out[i] = row
  end
  return out
end

-- ---------------------------------------------------------------- reports

-- Does every row fit? One SELECT DISTINCT over the checked columns' values (a scale, yes/no,
-- an indicator id) and, per required text or date column, whether the row fails there (0/1):
-- the combinations are a few dozen rows for a table of millions (the scores: one pass, 1.6 s
-- CPU for 11 M rows, where a DISTINCT per column and the NULL check took 2.1 s). Each value
-- the columns' own DISTINCT would give is among them, so a yes means the checks below pass;
-- a no (or a table without such a column) leaves it to check_domains' one query per column.
local function fits_in_one_pass(db, qt, t, lower, only, env)
  local exprs, cols = {}, {}
  for _, c in ipairs(t.columns) do
    local qc = '"' .. lower[c.name] .. '"'
    if c.type == "text" then
      if c.required then exprs[#exprs + 1] = qc .. " IS NULL"; cols[#cols + 1] = false end
    elseif c.type == "date" then
      exprs[#exprs + 1] = ("(%s IS NOT NULL AND date(%s, '+0 days') IS NOT %s)%s"):format(qc, qc, qc,
        c.required and (" OR " .. qc .. " IS NULL") or "")
      cols[#cols + 1] = false
    else
      exprs[#exprs + 1] = qc; cols[#cols + 1] = c
    end
  end
  -- a table with no such column (conversations, citizens): its own queries, which can use an
  -- index (IS NULL on a primary key) and read no more than this pass would
  local any = false
  for _, c in ipairs(cols) do if c then any = true end end
  if not any then return false end
  for i, e in ipairs(exprs) do exprs[i] = e .. " AS v" .. i end
  local checked = {}   -- per column: "type:value" -> true, each value checked once
  for i in ipairs(cols) do checked[i] = {} end
  for r in db:query(("SELECT DISTINCT %s FROM %s%s"):format(table.concat(exprs, ", "), qt, only and (" WHERE " .. only) or "")) do
    for i, c in ipairs(cols) do
      local v = r["v" .. i]
      if not c then
        if v ~= 0 then return false end
      else
        local key = is_null(v) and "null" or math.type(v) == "float" and ("float:%.17g"):format(v)
          or ((math.type(v) or type(v)) .. ":" .. tostring(v))
        if not checked[i][key] then
          if not types.check(c, v, env) then return false end
          checked[i][key] = true
        end
      end
    end
  end
  return true
end

-- the values of a large table (the job centre's millions of scores) checked against their
-- columns' domains without a row in Lua each: a text column only for NULL where it is
-- required; a date by SQLite's date(d, '+0 days'), which gives a valid date back unchanged
-- (and 2010-02-30 as 2010-03-02); any other
-- column by its distinct values (a scale, yes/no, an indicator id: a handful), each checked
-- as the import checks it. The first value outside raises at the model's line with the row.
-- only (optional) is an SQL condition on the table's rows: only those are checked (the rows
-- one report reads, kept by check_report's subset), and the row named is one of them.
-- One pass first (fits_in_one_pass); only when it finds something wrong are the columns
-- checked one by one, which names the first value wrong as before.
function M.check_domains(db, m, where, name, t, lower, only)
  local env = { model = m }
  local qt = '"' .. name .. '"'
  if fits_in_one_pass(db, qt, t, lower, only, env) then return end
  local w = only and ("(" .. only .. ") AND ") or ""
  local function fail(c, v)
    local row
    local ok, r = pcall(db.first, db, ("SELECT rowid AS r FROM %s WHERE %s\"%s\" IS ? LIMIT 1"):format(qt, w, lower[c.name]),
      { is_null(v) and null or v })
    if ok and r then row = tostring(r.r) end
    host.raise(host.exit.model, ("%stable \"%s\" (%s), column \"%s\"%s: expected %s, got %s")
      :format(where, name, t.setting, c.name, row and (", row " .. row) or "",
        c.type == "scale" and types.describe(c, env) or inputs.describe(c), shown(v)), 0)
  end
  for _, c in ipairs(t.columns) do
    local qc = '"' .. lower[c.name] .. '"'
    if c.type == "text" then
      if c.required and db:first(("SELECT 1 AS x FROM %s WHERE %s%s IS NULL LIMIT 1"):format(qt, w, qc)) then fail(c, null) end
    elseif c.type == "date" then
      local r = db:first(("SELECT %s AS v FROM %s WHERE %s%s IS NOT NULL AND date(%s, '+0 days') IS NOT %s LIMIT 1"):format(qc, qt, w, qc, qc, qc))
      if r then fail(c, r.v) end
      if c.required and db:first(("SELECT 1 AS x FROM %s WHERE %s%s IS NULL LIMIT 1"):format(qt, w, qc)) then fail(c, null) end
    else
      for r in db:query(("SELECT DISTINCT %s AS v FROM %s%s"):format(qc, qt, only and (" WHERE " .. only) or "")) do
        if not types.check(c, r.v, env) then fail(c, r.v) end
      end
    end
  end
end

-- The rows of one table that a report reads when it reads a subset (one citizen's), kept as
-- their rowids in temp.qm_checked_<role>: one pass over the table, whose rows are then checked
-- and read by rowid. where is an SQL condition on the table's columns; {role} in it is an
-- earlier role's kept rows (sources). Only an ordinary table has rowids to keep: for a view, a
-- table WITHOUT ROWID or one with a column named rowid, nil (the whole table is checked).
local function keep_subset(db, name, role, have, sub, sources)
  for _, c in ipairs(have) do
    local l = c:lower()
    if l == "rowid" or l == "oid" or l == "_rowid_" then return nil end
  end
  if db:scalar("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ? COLLATE NOCASE", { name }) == 0 then
    return nil
  end
  local probe = db:try_prepare(('SELECT rowid FROM "%s"'):format(name))
  if not probe then return nil end
  probe:close()
  local tmp = "temp.qm_checked_" .. role
  local cond = sub.where:gsub("{(%w+)}", sources)
  db:exec("DROP TABLE IF EXISTS " .. tmp)
  db:exec("CREATE TEMP TABLE qm_checked_" .. role .. " (r INTEGER PRIMARY KEY)")
  db:exec(('INSERT INTO %s SELECT rowid FROM "%s" WHERE %s'):format(tmp, name, cond), sub.params)
  local only = ("rowid IN (SELECT r FROM %s)"):format(tmp)
  return only, ('(SELECT * FROM "%s" WHERE %s)'):format(name, only)
end

-- check_report(db, m, report, names[, roles[, subset]]): the tables a report reads (qm.lang.inputs'
-- M.reports[report]), named by role ({ answers = "gs_audit" }), exist and have the declared
-- columns; a table declared with check = "values" has every value checked too (small tables:
-- the audit's answers). roles limits the check to the tables one report needs. Raises a
-- model/data error (exit 1) at the model's line naming the table, the setting and what is
-- missing or wrong.
-- subset, for a report that reads only some rows ({ role = { where = SQL, params = {} } }, in
-- the declaration's order of roles: { conversations = { where = "citizen_id = :id", ... },
-- scores = { where = "conversation_id IN (SELECT id FROM {conversations})" } }): only those
-- rows' values are checked, so a bad value elsewhere does not stop the report, while every
-- value it reads is still checked. Returns, for each role checked, what the report reads
-- from: the table's name, or a subquery over the kept rows (every column, read by rowid: the
-- same rows as the table under the report's own conditions, with the same column types and
-- collations, without another pass over the table).
function M.check_report(db, m, report, names, roles, subset)
  local decl = inputs.reports[report]
  local want
  if roles then want = {} for _, r in ipairs(roles) do want[r] = true end end
  local where = m.where and (m.where .. ": ") or ""
  local sources = {}
  for _, t in ipairs(decl.tables) do
    local name = names[t.role]
    if name and (want == nil or want[t.role]) then
      local have = db:columns(name)
      if #have == 0 then
        host.raise(host.exit.model, ("%sthe %s report reads table \"%s\" (%s), which does not exist in the database")
          :format(where, report, name, t.setting), 0)
      end
      local lower = {}
      for _, c in ipairs(have) do lower[c:lower()] = c end
      local missing = {}
      for _, c in ipairs(t.columns) do if not lower[c.name] then missing[#missing + 1] = c.name end end
      if #missing > 0 then
        host.raise(host.exit.model, ("%stable \"%s\" (%s) has no column %s: the %s report reads %s (it has %s)")
          :format(where, name, t.setting, table.concat(missing, ", "), report, names_of(t.columns), table.concat(have, ", ")), 0)
      end
      local only, from
      if subset and subset[t.role] then only, from = keep_subset(db, name, t.role, have, subset[t.role], sources) end
      sources[t.role] = from or name
      if t.check ~= "values" then
        M.check_domains(db, m, where, name, t, lower, only)
      else
        local list = {}
        for _, c in ipairs(t.columns) do list[#list + 1] = '"' .. lower[c.name] .. '"' end
        local env = { model = m }
        for r in db:query(("SELECT rowid AS qm_rowid__, %s FROM \"%s\"%s"):format(table.concat(list, ", "), name,
            only and (" WHERE " .. only) or "")) do
          for _, c in ipairs(t.columns) do
            local v = r[lower[c.name]]
            local ok = types.check(c, v, env)
            if not ok then
              host.raise(host.exit.model, ("%stable \"%s\" (%s), column \"%s\", row %s: expected %s, got %s")
                :format(where, name, t.setting, c.name, tostring(r.qm_rowid__), inputs.describe(c), shown(v)), 0)
            end
          end
        end
      end
    end
  end
  return sources
end

-- check_query(db, m, report, role, sql, params): a query the model gives a report (its
-- `survey_sql`) compiles against the database, gives the declared columns, and every value
-- fits; raises a model/data error (exit 1) at the model's line naming the setting otherwise.
function M.check_query(db, m, report, role, sql, params)
  local q
  for _, x in ipairs(inputs.reports[report].queries or {}) do if x.role == role then q = x end end
  local where = m.where and (m.where .. ": ") or ""
  local st, msg = db:try_prepare(sql)
  if not st then
    local p = query_problem(msg)
    host.raise(host.exit.model, ("%s%s: %s"):format(where, q.setting, p.message), 0)
  end
  local have = st:columns()
  for _, name in ipairs(st:parameters()) do
    local key = name:sub(2)
    local v = (params or {})[key]
    local why = name:sub(1, 1) == "?" and ("has a positional parameter %s: name it (:name) and give it with --param"):format(name)
      or v == nil and ("uses %s, which is not given: give --param %s=VALUE"):format(name, key)
      or not bindable(v) and ("uses %s, which is a %s: a query parameter is one value (a number or a text)"):format(name, type(v))
    if why then
      st:close()
      host.raise(host.exit.model, ("%s%s %s"):format(where, q.setting, why), 0)
    end
  end
  st:close()
  local lower = {}
  for _, c in ipairs(have) do lower[c:lower()] = c end
  for _, c in ipairs(q.columns) do
    if not lower[c.name] then
      host.raise(host.exit.model, ("%s%s gives no column %s: the %s report reads %s (the query gives %s)")
        :format(where, q.setting, c.name, report, names_of(q.columns), table.concat(have, ", ")), 0)
    end
  end
  local env = { model = m }
  local i = 0
  for r in db:query(sql, params) do
    i = i + 1
    for _, c in ipairs(q.columns) do
      local v = r[lower[c.name]]
      if not types.check(c, v, env) then
        host.raise(host.exit.model, ("%s%s, column \"%s\", row %d: expected %s, got %s")
          :format(where, q.setting, c.name, i, inputs.describe(c), shown(v)), 0)
      end
    end
  end
end

return M
