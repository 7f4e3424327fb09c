-- import_tables.lua — `qm import --table NAME` (and the job centre's --what citizens,
-- conversations, scores, focus, interventions): a model's own table, declared with
-- `dataset "name" { column "c" { type = ... } }` (or, for the job centre's tables, by the
-- progression reports that read them), loaded typed and checked: every value parsed with
-- the type vocabulary, the table created from the declaration when it is missing (key as
-- PRIMARY KEY/UNIQUE), keys that repeat, references to rows that do not exist and the
-- declaration's own checks (focus points over the maximum) found with one query each over
-- the imported rows, all inside the import's transaction.
local host = require "qm.host"
local types = require "qm.lang.types"
local kinds = require "qm.engine.import_kinds"

local M = {}

local NULL = host.null

local function list(v) if v == nil then return {} end return type(v) == "table" and v or { v } end

-- an identifier quoted for SQL (names are checked to be letters, digits and _ already; the
-- quotes keep a column called "order" or "group" from being read as a keyword)
local function q(name) return '"' .. name .. '"' end

-- a dataset node of the model (dataset "x" { column ... }) as an import declaration
function M.from_dataset(d)
  local cols = {}
  for _, c in ipairs(d.columns or {}) do
    cols[#cols + 1] = { name = c.id, type = c.type, required = c.required, min = c.min, max = c.max, values = c.values,
      scale = c.scale, of = c.of, aliases = c.aliases, references = c.references, default = c.default, doc = c.title or c.description }
  end
  return { name = d.id, table = d.id, columns = cols, key = list(d.key), yaml_keys = { d.id, "rows" }, where = d.where }
end

-- the job centre's role declarations (qm.reports.progression) for model m, with references
-- and table names resolved to the model's progression.tables
local function from_role(m, role)
  local progression = require "qm.reports.progression"
  local names = progression.table_names(m)
  local r = progression.tables[role]
  local tbl = names[role]
  local cols = {}
  for _, c in ipairs(r.columns) do
    local x = {}
    for k, v in pairs(c) do x[k] = v end
    if c.references then
      local target = progression.tables[c.references]
      x.references = names[c.references] .. "." .. target.key[1]
    end
    cols[#cols + 1] = x
  end
  return { name = tbl, table = tbl, role = role, columns = cols, key = r.key or {}, yaml_keys = { tbl, role, "rows" },
           check = r.check and r.check(m) }
end

-- the declaration for `--table NAME`: the model's dataset, else a job-centre role the model's
-- progression.tables maps to NAME; nil and why when there is none
function M.find(m, name)
  local d = m:dataset(name)
  if d then return M.from_dataset(d) end
  if m.progression then
    local progression = require "qm.reports.progression"
    for role, tbl in pairs(progression.table_names(m)) do
      if tbl:lower() == name:lower() then return from_role(m, role) end
    end
  end
  local have = {}
  for _, x in ipairs(m.datasets or {}) do have[#have + 1] = x.id end
  if m.progression then
    local progression = require "qm.reports.progression"
    for _, role in ipairs(progression.roles) do have[#have + 1] = progression.table_names(m)[role] end
  end
  table.sort(have)
  return nil, ("model %s declares no table \"%s\"%s"):format(m.id, name,
    #have > 0 and (" (its tables: " .. table.concat(have, ", ") .. ")") or
    " (declare it in the model: dataset \"" .. name .. "\" { column \"id\" { type = \"text\" }, ... })")
end

-- the declaration for a job-centre role (--what scores, ...)
function M.for_role(m, role)
  local d = m:dataset(require("qm.reports.progression").table_names(m)[role])
  if d then return M.from_dataset(d) end
  return from_role(m, role)
end

-- ---------------------------------------------------------------- the table

local function create(db, decl)
  local defs = {}
  local key = decl.key
  for _, c in ipairs(decl.columns) do
    local t = types.sql(c)
    local def = q(c.name) .. (t ~= "" and (" " .. t) or "")
    if c.required then def = def .. " NOT NULL" end
    if #key == 1 and key[1] == c.name then def = def .. " PRIMARY KEY" end
    defs[#defs + 1] = def
  end
  if #key > 1 then
    local ks = {}
    for i, k in ipairs(key) do ks[i] = q(k) end
    defs[#defs + 1] = "UNIQUE (" .. table.concat(ks, ", ") .. ")"
  end
  db:exec(("CREATE TABLE %s (%s)"):format(q(decl.table), table.concat(defs, ", ")))
end

-- the table's columns (lower-case name -> true), or nil when the table does not exist
local function columns_of(db, tbl)
  local cols
  for c in db:query("SELECT name FROM pragma_table_info(?)", { tbl }) do
    cols = cols or {}
    cols[c.name:lower()] = true
  end
  return cols
end

-- whether the table has a rowid (WITHOUT ROWID tables have none)
local function has_rowid(db, tbl)
  return pcall(db.scalar, db, ("SELECT rowid FROM %s LIMIT 0"):format(q(tbl)))
end

-- ---------------------------------------------------------------- the import

-- "file:line:col: name" of column `name` in an imported row
local function position(filemeta, file, line, name)
  local meta = filemeta[file]
  local cur = meta and meta.cur
  if cur and cur.kind == "csv" and name and cur.index[name] then
    local i = cur.index[name]
    return ("%s:%d:%d: %s"):format(meta.path, line, i, cur.header[i])
  end
  if cur and cur.kind == "yaml" and name then return ("%s:%d: %s"):format(meta.path, line, name) end
  return ("%s:%d"):format(meta and meta.path or "?", line)
end


-- run(imp, db, ctx, m, decl, files) -> message
function M.run(imp, db, ctx, m, decl, files)
  kinds.table_name(decl.table, "table")
  local tcols = columns_of(db, decl.table)
  local created = false
  if not tcols then
    create(db, decl)
    created = true
    tcols = columns_of(db, decl.table)
  end
  local missing = {}
  for _, c in ipairs(decl.columns) do
    if not tcols[c.name:lower()] then missing[#missing + 1] = c.name end
  end
  if #missing > 0 then
    imp:error(("table %s in the database has no column %s, which the model declares: add it (ALTER TABLE %s ADD COLUMN %s ...) or change the declaration")
      :format(decl.table, table.concat(missing, ", "), decl.table, missing[1]))
    return
  end
  if not has_rowid(db, decl.table) then
    imp:error(("table %s is a WITHOUT ROWID table: qm imports into ordinary tables only"):format(decl.table))
    return
  end
  -- every declared column is written: a blank (or a column the file does not have) is the
  -- column's default, else NULL
  local names, qnames, marks, defaults = {}, {}, {}, {}
  for i, c in ipairs(decl.columns) do
    names[i], qnames[i], marks[i] = c.name, q(c.name), "?"
    if c.default ~= nil then
      local ok, v = types.check(c, c.default, { model = m })
      defaults[i] = ok and v or nil
    end
  end
  local ins = db:prepare(("INSERT INTO %s (%s) VALUES (%s)"):format(q(decl.table), table.concat(qnames, ", "), table.concat(marks, ", ")))
  db:exec("DROP TABLE IF EXISTS temp.qm_import_rows")
  db:exec("CREATE TEMP TABLE qm_import_rows (rid INTEGER PRIMARY KEY, file INTEGER NOT NULL, line INTEGER NOT NULL)")
  local track = db:prepare("INSERT INTO temp.qm_import_rows (rid, file, line) VALUES (?, ?, ?)")
  -- per file: its path and where each column is (for "file:line:column: name" afterwards)
  local filemeta = {}
  local key_cols = {}
  for _, k in ipairs(decl.key) do key_cols[#key_cols + 1] = k end
  local find_key, key_args
  if #key_cols > 0 then
    local conds = {}
    for _, k in ipairs(key_cols) do conds[#conds + 1] = q(k) .. " IS ?" end
    find_key = db:prepare(("SELECT rowid AS rid FROM %s WHERE %s LIMIT 1"):format(q(decl.table), table.concat(conds, " AND ")))
    local kargs = {}
    key_args = function(row)
      for i, k in ipairs(key_cols) do local v = row[k]; if v == nil then v = NULL end; kargs[i] = v end
      return kargs
    end
  end
  local n = 0
  local args = {}
  local ncols = #decl.columns
  for fi, path in ipairs(files) do
    filemeta[fi] = { path = path }
    imp:each(path, decl, function(row)
      if not filemeta[fi].cur then filemeta[fi].cur = imp.cur end
      for i = 1, ncols do
        local v = row[names[i]]
        if v == nil then v = defaults[i] end
        if v == nil then v = NULL end
        args[i] = v
      end
      local ok, why = ins:try(table.unpack(args, 1, ncols))
      if not ok then
        local other = #key_cols > 0 and find_key:first(key_args(row)) or nil
        if other then
          local vals = {}
          for _, k in ipairs(key_cols) do vals[#vals + 1] = tostring(row[k]) end
          local o = db:first("SELECT file, line FROM temp.qm_import_rows WHERE rid = ?", { other.rid })
          local first = o and ("at " .. position(filemeta, o.file, o.line)) or ("in table " .. decl.table .. " before this import")
          imp:fail(key_cols[1], ("the key (%s) = (%s) is given twice (also %s)"):format(table.concat(key_cols, ", "),
            table.concat(vals, ", "), first))
        else
          imp:fail(nil, ("table %s refuses the row: %s"):format(decl.table, why))
        end
        return
      end
      track:try(db:last_insert_rowid(), fi, imp.cur.line)
      n = n + 1
    end)
  end
  ins:close()
  track:close()
  if find_key then find_key:close() end
  if imp.nerrors == 0 then M.after(imp, db, m, decl, filemeta, created) end
  db:exec("DROP TABLE IF EXISTS temp.qm_import_rows")
  return ("imported %d rows into %s"):format(n, decl.table)
end

-- checks over the whole import, one query each: keys given twice, references to rows that do
-- not exist, the declaration's own checks
function M.after(imp, db, m, decl, filemeta, created)
  local tbl = decl.table
  local function report(level, r, name, msg)
    local at = position(filemeta, r.file, r.line, name)
    if level == "warning" then imp:warn(("%s: %s"):format(at, msg)) else imp:error(("%s: %s"):format(at, msg)) end
  end
  if #decl.key > 0 and not created then
    local conds = {}
    local sel = {}
    for i, k in ipairs(decl.key) do
      conds[#conds + 1] = ("u.%s IS t.%s"):format(q(k), q(k))
      sel[i] = ("t.%s AS k%d"):format(q(k), i)
    end
    -- a join, not a subquery per row: a table without an index on its key (a municipality's
    -- own, the demo's jc_scores) then gets SQLite's automatic index, built once, instead of a
    -- scan of the whole table for every imported row (quadratic: 40 000 scores took minutes)
    local sql = ([[SELECT r.file AS file, r.line AS line, %s, min(u.rowid) AS other
                   FROM temp.qm_import_rows r JOIN %s t ON t.rowid = r.rid
                   JOIN %s u ON %s AND u.rowid < t.rowid
                   GROUP BY r.rid ORDER BY r.rid]])
      :format(table.concat(sel, ", "), q(tbl), q(tbl), table.concat(conds, " AND "))
    for r in db:query(sql) do
      local vals = {}
      for i in ipairs(decl.key) do vals[#vals + 1] = tostring(r["k" .. i] == NULL and "" or r["k" .. i]) end
      local o = db:first("SELECT file, line FROM temp.qm_import_rows WHERE rid = ?", { r.other })
      local first = o and ("at " .. position(filemeta, o.file, o.line)) or ("in table " .. tbl .. " before this import")
      report("error", r, decl.key[1], ("the key (%s) = (%s) is given twice (also %s)"):format(table.concat(decl.key, ", "),
        table.concat(vals, ", "), first))
    end
  end
  for _, c in ipairs(decl.columns) do
    if c.references then
      local rt, rc = c.references:match("^([%a_][%w_]*)%.([%a_][%w_]*)$")
      if not rt then
        rt = c.references
        local d = m:dataset(rt)
        rc = d and list(d.key)[1]
      end
      local exists = rt and db:scalar("SELECT count(*) FROM sqlite_master WHERE type IN ('table', 'view') AND name = ? COLLATE NOCASE", { rt }) > 0
      if not rc or not exists then
        imp:error(("%s: column %s references %s, which is not in the database (import it first)"):format(filemeta[1] and filemeta[1].path or tbl,
          c.name, c.references))
      else
        kinds.table_name(rt, "references")
        kinds.table_name(rc, "references")
        local sql = ([[SELECT r.file AS file, r.line AS line, t.%s AS v FROM temp.qm_import_rows r JOIN %s t ON t.rowid = r.rid
                       WHERE t.%s IS NOT NULL AND t.%s NOT IN (SELECT %s FROM %s WHERE %s IS NOT NULL) ORDER BY r.rid]])
          :format(q(c.name), q(tbl), q(c.name), q(c.name), q(rc), q(rt), q(rc))
        for r in db:query(sql) do
          report("error", r, c.name, ("\"%s\" is not in %s.%s"):format(tostring(r.v), rt, rc))
        end
      end
    end
  end
  if decl.check then
    local sql = decl.check.sql:gsub("{tbl}", q(tbl))
    for r in db:query(sql, decl.check.params) do
      local o = db:first("SELECT file, line FROM temp.qm_import_rows WHERE rid = ?", { r.rid })
      report(decl.check.level, o, decl.check.column, decl.check.message(r))
    end
  end
end

return M
