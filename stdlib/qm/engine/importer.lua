-- importer.lua — the machinery every `qm import` shares: rows streamed from CSV (the C reader
-- qm.csv: one record at a time, the dialect detected) or YAML (positions kept), the header
-- matched to declared columns (names and aliases, any case), each value parsed with the
-- type vocabulary (qm.lang.types), and bad values and bad rows listed as
-- "file:line:column: name: message" (column = the field's position in a CSV file, its
-- column in a YAML file). Validation and writing are one pass inside one transaction: a row
-- is checked and written at once, and on any error the import goes on checking (to list
-- every bad row, up to MAX_LISTED) and then rolls everything back.
--
--   local imp = importer.new { model = m }
--   imp:each(path, decl, function(row) ... imp:fail("score", "...") ... end)
--   decl = { name = "responses", columns = { { name =, type =, required =, aliases = } ... },
--            extra = function(header_name, i) -> column or nil (wide files),
--            yaml_keys = { "responses" } (the list's key in a YAML file),
--            yaml_rows = function(doc, imp) -> rows (another YAML form) }
-- row[name] is the parsed value (nil for a blank); row[name] of a column with
-- `raw = true` is the text as written without the spaces around it, never blank (a table
-- for a YAML mapping when `nested = true`).
local host = require "qm.host"
local types = require "qm.lang.types"

local M = {}

M.MAX_LISTED = 100

local Import = {}
Import.__index = Import

function M.new(opts)
  opts = opts or {}
  return setmetatable({ model = opts.model, errors = {}, nerrors = 0, warnings = {}, nwarnings = 0,
                        rows = 0, files = 0, strict = opts.strict }, Import)
end

-- a problem that is not about one value: "file:line: message" as given
-- (msg nil: one more bad row, for a reason already listed once: a round that does not exist)
function Import:error(msg)
  self.nerrors = self.nerrors + 1
  if msg == nil then self.repeats = (self.repeats or 0) + 1 return end
  if #self.errors < M.MAX_LISTED then self.errors[#self.errors + 1] = msg else self.unlisted = (self.unlisted or 0) + 1 end
end

function Import:warn(msg)
  if self.strict then return self:error(msg) end
  self.nwarnings = self.nwarnings + 1
  if #self.warnings < M.MAX_LISTED then self.warnings[#self.warnings + 1] = msg end
end

-- the position of column `name` in the current row: "file:line:col: header"
function Import:at(name)
  local cur = self.cur
  if not cur then return "?" end
  if cur.kind == "lua" then
    return ("%s:%d: %srow %d%s"):format(cur.path, cur.line, cur.label and (cur.label .. ", ") or "", cur.row,
      name and (": " .. (cur.keys[name] or name)) or "")
  end
  if cur.kind == "csv" then
    local i = name and cur.index[name]
    if i then return ("%s:%d:%d: %s"):format(cur.path, cur.reader:line(i), i, cur.header[i]) end
  else
    local key = name and cur.keys and cur.keys[name]
    local w = key and (cur.wheres and cur.wheres[key] or require("qm.yaml").where(cur.t, key))
    if w then return ("%s: %s"):format(w, key) end
  end
  -- a column the file does not have: the row, and the column's name
  if name then return ("%s:%d: %s"):format(cur.path, cur.line, name) end
  return ("%s:%d"):format(cur.path, cur.line)
end

-- a bad value in the current row
function Import:fail(name, msg)
  self.row_bad = true
  self:error(("%s: %s"):format(self:at(name), msg))
end

function Import:warn_at(name, msg)
  self:warn(("%s: %s"):format(self:at(name), msg))
end

-- the current row's "file:line"
function Import:where()
  local cur = self.cur
  return cur and ("%s:%d"):format(cur.path, cur.line) or "?"
end

-- the current row's position as one number (no text made per row), and back to "file:line"
function Import:mark() return self.files * 4294967296 + (self.cur and self.cur.line or 0) end
function Import:where_of(mark)
  return ("%s:%d"):format(self.paths[mark // 4294967296] or "?", mark % 4294967296)
end

-- ---------------------------------------------------------------- columns

-- the declaration's lookup: lower-case name or alias -> column
local function lookup_of(decl)
  if decl._lookup then return decl._lookup end
  local t = {}
  for _, c in ipairs(decl.columns) do
    t[types.lower(c.name)] = c
    for _, a in ipairs(c.aliases or {}) do t[types.lower(a)] = c end
  end
  decl._lookup = t
  return t
end

local function names_of(decl)
  local out = {}
  for _, c in ipairs(decl.columns) do out[#out + 1] = c.name end
  return table.concat(out, ", ")
end

local function did_you_mean(name, decl)
  local schema = require "qm.lang.schema"
  local best, bestd
  for _, c in ipairs(decl.columns) do
    local d = schema.distance(name, c.name)
    if d <= math.max(2, #c.name // 3) and (bestd == nil or d < bestd) then best, bestd = c.name, d end
  end
  return best and (" (did you mean \"" .. best .. "\"?)") or ""
end

-- one value: the type's parse, or the text itself for a raw column
local function value(col, text, env)
  if col.raw then
    if text == nil or (type(text) == "string" and types.blank(text)) then return nil end
    return type(text) == "string" and types.trim(text) or text
  end
  return types.parse(col, text, env)
end

local function raw_parser(text)
  if types.blank(text) then return nil end
  return text
end

-- the parse function of a column in a file with this env
local function parser_of(col, env)
  if col.raw then return raw_parser end
  return types.parser(col, env)
end

-- ---------------------------------------------------------------- CSV

local function each_csv(self, path, decl, fn)
  local csv = require "qm.csv"
  local r, oerr = csv.open(path)
  if not r then host.raise(host.exit.io, oerr, 0) end
  local header, herr = r:header()
  if header == false then self:error(herr) r:close() return end
  if header == nil then r:close() return end
  local lookup = lookup_of(decl)
  local cols, index, ok = {}, {}, true
  for i, h in ipairs(header) do
    local col = lookup[types.lower(h)] or (decl.extra and decl.extra(h, i))
    if not col then
      self:error(("%s:1:%d: %s: the column is not one of %s's columns (%s)%s"):format(path, i, h, decl.name, names_of(decl), did_you_mean(types.lower(h), decl)))
      ok = false
    elseif index[col.name] then
      self:error(("%s:1:%d: %s: column %s appears twice (first as column %d)"):format(path, i, h, col.name, index[col.name]))
      ok = false
    else
      cols[#cols + 1] = { i = i, col = col }
      index[col.name] = i
    end
  end
  for _, c in ipairs(decl.columns) do
    if c.required and not index[c.name] and not (decl.optional_columns and decl.optional_columns(index, c)) then
      self:error(("%s:1: the column %s is missing (the header has: %s)"):format(path, c.name, table.concat(header, ", ")))
      ok = false
    end
  end
  if decl.check_header then
    local msg = decl.check_header(index, header)
    if msg then self:error(("%s:1: %s"):format(path, msg)) ok = false end
  end
  if not ok then r:close() return end
  local dialect = r:dialect()
  local env = { decimal = types.decimal_of(dialect.delimiter), model = self.model }
  self.env = env
  local cur = { kind = "csv", path = path, reader = r, header = header, index = index, line = 1 }
  self.cur = cur
  local row, nh = {}, #header
  -- field i -> column name (set by the reader itself, blank as nil); the typed columns are
  -- then parsed here, the raw and text ones are taken as written
  local names, typed, keep = {}, {}, {}
  for _, c in ipairs(cols) do
    names[c.i] = c.col.name
    if not c.col.raw and not (c.col.type == "text" and not c.col.required) then
      typed[#typed + 1] = { name = c.col.name, parse = parser_of(c.col, env), required = c.col.required }
    else
      keep[c.i] = true   -- taken as written: a repeated value is left in row (fn must not change row)
    end
  end
  local ntyped = #typed
  while true do
    local nf, line = r:fill(row, names, keep)
    if nf == nil then break end
    if nf == false then self:error(line) break end
    cur.line = line
    self.rows = self.rows + 1
    if nf ~= nh then
      self:error(("%s:%d: %d fields, but the header has %d%s"):format(path, line, nf, nh,
        (nf > nh and dialect.delimiter == ",") and
        " (a decimal comma in a comma-separated file? quote the number or use ; as the delimiter)" or ""))
    else
      self.row_bad = false
      for k = 1, ntyped do
        local c = typed[k]
        local v = row[c.name]
        if v ~= nil or c.required then
          local x, msg = c.parse(v)
          if msg then self:fail(c.name, msg) end
          row[c.name] = x
        end
      end
      if not self.row_bad then fn(row) end
    end
  end
  self.cur = nil
  r:close()
end

-- ---------------------------------------------------------------- YAML

local function each_yaml(self, path, decl, fn)
  local yaml = require "qm.yaml"
  local ok, doc = pcall(yaml.load_file, path, { scalars = "string" })
  if not ok then
    local msg = tostring(doc):gsub("^stdlib/[^:]*:%d+: ", "")
    if msg:match("cannot open") or msg:match("cannot read") then host.raise(host.exit.io, msg, 0) end
    self:error(msg)
    return
  end
  if doc == nil or doc == yaml.null then return end
  local rows
  if decl.yaml_rows then rows = decl.yaml_rows(doc, self, path) end
  if not rows then
    local list = doc
    local keys = {}
    for _, k in ipairs(decl.yaml_keys or { decl.name }) do keys[#keys + 1] = k end
    if keys[#keys] ~= "rows" then keys[#keys + 1] = "rows" end
    if type(doc) == "table" and #doc == 0 then
      list = nil
      for _, k in ipairs(keys) do if doc[k] ~= nil then list = doc[k] break end end
    end
    if list == yaml.null then return end   -- "rows:" with nothing under it: no rows
    if type(list) ~= "table" then
      self:error(("%s:1: expected a list of rows (under %s:)"):format(path, table.concat(keys, ": or ")))
      return
    end
    rows = list
  end
  local lookup = lookup_of(decl)
  local env = { decimal = ".", model = self.model }
  self.env = env
  local row = {}
  for i, t in ipairs(rows) do
    -- a row is a YAML mapping, or one a form made: { values =, order =, where =, wheres = }
    local made = type(t) == "table" and t.values ~= nil and t.order ~= nil and not yaml.where(t)
    local w = made and t.where or (type(t) == "table" and yaml.where(t)) or yaml.where(rows, i)
    local line = tonumber((w or ""):match(":(%d+):%d+$")) or 1
    local cur = { kind = "yaml", path = path, t = made and t.values or t, keys = {}, line = line, wheres = made and t.wheres or nil }
    self.cur = cur
    self.rows = self.rows + 1
    if type(t) ~= "table" then
      self:error(("%s: row %d is not a mapping of column: value"):format(w or (path .. ":1"), i))
    else
      self.row_bad = false
      for k in pairs(row) do row[k] = nil end
      local values = cur.t
      for _, key in ipairs(made and t.order or yaml.keys(t)) do
        local col = lookup[types.lower(tostring(key))] or (decl.extra and decl.extra(tostring(key)))
        local kw = made and t.wheres[key] or yaml.where(t, key) or w
        if not col then
          self:error(("%s: %s: not one of %s's columns (%s)%s"):format(kw, key, decl.name, names_of(decl),
            did_you_mean(types.lower(tostring(key)), decl)))
          self.row_bad = true
        elseif cur.keys[col.name] ~= nil then
          self:error(("%s: %s: %s is given twice"):format(kw, key, col.name))
          self.row_bad = true
        else
          cur.keys[col.name] = key
          local v = values[key]
          if v == yaml.null then v = nil end
          if type(v) == "table" and not col.nested then
            self:fail(col.name, "expected one value, not a list or mapping")
          else
            local x, msg = value(col, v, env)
            if msg then self:fail(col.name, msg) end
            row[col.name] = x
          end
        end
      end
      for _, c in ipairs(decl.columns) do
        if c.required and cur.keys[c.name] == nil and not (decl.optional_columns and decl.optional_columns(cur.keys, c)) then
          self:error(("%s: %s is missing"):format(w or (path .. ":" .. line), c.name))
          self.row_bad = true
        end
      end
      if not self.row_bad then fn(row) end
    end
  end
  self.cur = nil
end

-- ---------------------------------------------------------------- rows given as Lua values

-- A source of rows written in Lua (qm test's fixtures: `data = { kik_klager = { { unit_id = "A",
-- year = 2025 }, ... } }`): M.rows(name, line, list) makes one that Import:each reads like a
-- file, each value parsed as if it were a file's text (numbers, true/false, null), so the
-- same columns, types and checks apply; positions read "test.lua:12: row 3: column".
-- A list may start with { columns = { names } } rows as arrays, or be rows of column = value.
local Rows = {}
Rows.__index = Rows
Rows.__tostring = function(r) return ("%s:%d"):format(r.name, r.line) end

function M.rows(name, line, list, label)
  return setmetatable({ name = name, line = line, list = list, label = label }, Rows)
end
function M.is_rows(v) return getmetatable(v) == Rows end

local function lua_text(v)
  local host_null = host.null
  if v == nil or v == host_null then return nil end
  if math.type(v) == "integer" then return tostring(v) end
  if type(v) == "number" then
    for prec = 15, 17 do   -- the shortest text that reads back as the same number
      local t = ("%." .. prec .. "g"):format(v)
      if tonumber(t) == v then return t end
    end
  end
  if type(v) == "boolean" then return v and "true" or "false" end
  return v
end

local function each_rows(self, src, decl, fn)
  local lookup = lookup_of(decl)
  local env = { decimal = ".", model = self.model }
  self.env = env
  local list = src.list
  if type(list) ~= "table" then
    self:error(("%s: expected a list of rows { { column = value, ... }, ... }"):format(tostring(src)))
    return
  end
  local header = type(list.columns) == "table" and list.columns or nil
  local row = {}
  for i, t in ipairs(list) do
    local cur = { kind = "lua", path = src.name, line = src.line, row = i, keys = {}, label = src.label }
    self.cur = cur
    self.rows = self.rows + 1
    if type(t) ~= "table" then
      self:error(("%s: row %d is not a table { column = value, ... }"):format(tostring(src), i))
    else
      self.row_bad = false
      for k in pairs(row) do row[k] = nil end
      local keys = {}
      if header then
        for j, name in ipairs(header) do keys[#keys + 1] = { name = tostring(name), v = t[j] } end
        if #t > #header then self:error(("%s: row %d has %d values, but columns names %d"):format(tostring(src), i, #t, #header)) self.row_bad = true end
      else
        for k, v in pairs(t) do keys[#keys + 1] = { name = tostring(k), v = v } end
        table.sort(keys, function(a, b) return a.name < b.name end)
      end
      for _, kv in ipairs(keys) do
        local col = lookup[types.lower(kv.name)] or (decl.extra and decl.extra(kv.name))
        if not col then
          self:error(("%s: %srow %d: %s: not one of %s's columns (%s)%s"):format(tostring(src), src.label and (src.label .. ", ") or "", i, kv.name, decl.name,
            names_of(decl), did_you_mean(types.lower(kv.name), decl)))
          self.row_bad = true
        elseif cur.keys[col.name] ~= nil then
          self:error(("%s: %srow %d: %s: %s is given twice"):format(tostring(src), src.label and (src.label .. ", ") or "", i, kv.name, col.name))
          self.row_bad = true
        else
          cur.keys[col.name] = kv.name
          local v = kv.v
          if type(v) == "table" and v ~= host.null and not col.nested then
            self:fail(col.name, "expected one value, not a list or mapping")
          else
            local x, msg = value(col, type(v) == "table" and v or lua_text(v), env)
            if msg then self:fail(col.name, msg) end
            row[col.name] = x
          end
        end
      end
      for _, c in ipairs(decl.columns) do
        if c.required and cur.keys[c.name] == nil and not (decl.optional_columns and decl.optional_columns(cur.keys, c)) then
          self:error(("%s: %srow %d: %s is missing"):format(tostring(src), src.label and (src.label .. ", ") or "", i, c.name))
          self.row_bad = true
        end
      end
      if not self.row_bad then fn(row) end
    end
  end
  self.cur = nil
end

-- each(path, decl, fn): every row of the file (or of M.rows' Lua rows), parsed and checked
-- against decl, given to fn(row) when its values are good (fn may still fail it with imp:fail)
function Import:each(path, decl, fn)
  self.files = self.files + 1
  self.paths = self.paths or {}
  self.paths[self.files] = path
  local before = self.rows
  if M.is_rows(path) then each_rows(self, path, decl, fn)
  elseif path:lower():match("%.csv$") or path:lower():match("%.txt$") then each_csv(self, path, decl, fn)
  elseif path:lower():match("%.ya?ml$") then each_yaml(self, path, decl, fn)
  else self:error(("%s: give a .csv, .yaml or .yml file"):format(path)) end
  return self.rows - before
end

-- ---------------------------------------------------------------- the transaction

local ROLLBACK = setmetatable({}, { __tostring = function() return "import rolled back" end })

-- run(db, fn [, opts]): fn() inside one transaction, rolled back when the import has errors
-- (or fn raises); returns true when it was committed. opts.foreign_keys = false turns
-- SQLite's foreign key checks off for the transaction, for a kind that writes every parent
-- row before its children itself (responses: the participant before the answer).
function Import:run(db, fn, opts)
  local fk = opts and opts.foreign_keys == false
  if fk then db:exec("PRAGMA foreign_keys = OFF") end
  local ok, err = pcall(db.transaction, db, function()
    fn()
    if self.nerrors > 0 then error(ROLLBACK, 0) end
  end)
  if fk then db:exec("PRAGMA foreign_keys = ON") end
  if ok then return true end
  if err == ROLLBACK then return false end
  error(err, 0)
end

-- report(stream): the listed errors and warnings; returns the exit code
function Import:report(stream, quiet)
  for _, e in ipairs(self.errors) do stream:write(e, "\n") end
  if self.unlisted then
    stream:write(("... and %d more errors (the first %d are listed)\n"):format(self.unlisted, #self.errors))
  end
  if self.repeats then
    stream:write(("... and %d more row%s refused for a reason listed above\n"):format(self.repeats, self.repeats == 1 and "" or "s"))
  end
  if not quiet or self.nerrors > 0 then
    for _, w in ipairs(self.warnings) do stream:write("warning: ", w, "\n") end
    if self.nwarnings > #self.warnings then
      stream:write(("warning: ... and %d more warnings\n"):format(self.nwarnings - #self.warnings))
    end
  end
  if self.nerrors > 0 then
    local where = self.rows > 0 and (" in %d row%s"):format(self.rows, self.rows == 1 and "" or "s") or ""
    stream:write(("%d error%s%s: nothing was imported\n"):format(self.nerrors, self.nerrors == 1 and "" or "s", where))
    return host.exit.model
  end
  return host.exit.ok
end

return M
