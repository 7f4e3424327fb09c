-- printer.lua — how the REPL shows what it computes, in one place: result sets (a query's
-- rows, a Lua array of records) in an output mode, and Lua values. The interface:
--   printer.new(columns, opts) -> p; p.row(values) for each row (an array, SQL NULL as
--   host.null); p.finish()
--   opts: mode (one of printer.modes), write (function(text)), fit (the terminal's width,
--   or nil when the output is not a terminal), null (the text NULL shows as), headers
--   (false: no header row)
--   printer.show(value) -> the text of a Lua value; printer.records(value) -> columns, rows
--   when the value is an array of records
-- Result sets are written by the one table renderer, qm.reports.tables, which the reports'
-- text, Markdown, CSV and HTML use too. csv, json and line write each row as it comes; the
-- aligned modes (box, table, column) and markdown and html hold the first rows to choose
-- column widths and alignment, then stream the rest, so a query of millions of rows prints
-- in constant memory.
local host = require "qm.host"
local tables = require "qm.reports.tables"

local M = {}

M.modes = { "box", "table", "column", "markdown", "line", "csv", "json", "html" }
M.about = {
  box = "a table drawn with Unicode lines (the default on a terminal)",
  table = "a table drawn with ASCII +--+ |, as sqlite3's",
  column = "aligned columns under a dashed rule (the default in scripts)",
  markdown = "a Markdown table, its text escaped (as a report's Markdown)",
  line = "one `column = value` per line, a blank line between rows",
  csv = "comma-separated values (RFC 4180), the data as it is",
  json = "a JSON array of objects, NULL as null",
  html = "an HTML <table> (as a report's HTML page has them)",
}

local function is_null(v) return v == nil or v == host.null end

local escape = tables.escape
M.escape = escape

local function text_of(v)
  if type(v) == "number" and math.type(v) == "float" then return ("%.15g"):format(v) end
  return tostring(v)
end

-- a result set written by the one table renderer (qm.reports.tables), which the reports use
-- too: the same format is the same code. The REPL's cells are the data: numbers at full
-- precision, NULL as .nullvalue, and CSV without the reports' spreadsheet-formula guard (an
-- analyst's export that .import reads back unchanged).
function M.new(cols, opts)
  local mode, write = opts.mode or "column", opts.write
  local null = opts.null or ""
  local eol = "\n"
  local tcols = {}
  for i, c in ipairs(cols) do tcols[i] = { title = c } end
  return tables.new(mode, tcols, {
    line = function(s) write(s .. eol) end,
    text = function(i, r)
      local v = r[i]
      if is_null(v) then return null end
      return text_of(v)
    end,
    value = function(i, r) return r[i] end,
    headers = opts.headers ~= false,
    fit = opts.fit,
  })
end

-- ---------------------------------------------------------------- Lua values

local function is_object(v)
  local mt = getmetatable(v)
  return mt == "model" or mt == "model element" or mt == "model collection" or mt == "scale" or mt == "date"
    or mt == "period" or mt == "deadline"
end
M.is_object = is_object

local function key_text(k)
  if type(k) == "string" and k:match("^[%a_][%w_]*$") then return k end
  return "[" .. (type(k) == "string" and ("%q"):format(k) or tostring(k)) .. "]"
end

local MAX_DEPTH, MAX_ITEMS = 4, 40

local function show(v, depth, seen)
  depth, seen = depth or 0, seen or {}
  local t = type(v)
  if t == "string" then return escape((("%q"):format(v):gsub("\\\n", "\\n"))) end
  local mt = debug.getmetatable(v)
  if t ~= "table" or is_object(v) or (mt and mt.__tostring) then
    local ok, s = pcall(tostring, v)
    return ok and escape(s) or ("<" .. t .. ">")
  end
  if seen[v] then return "<cycle>" end
  if depth >= MAX_DEPTH then return "{...}" end
  seen[v] = true
  local keys, n = {}, #v
  for k in pairs(v) do
    if not (math.type(k) == "integer" and k >= 1 and k <= n) then keys[#keys + 1] = k end
  end
  -- a record from db:first: its columns in SELECT order (host.columns_of), else keys sorted
  local ordered = host.columns_of and host.columns_of(v)
  local rank = {}
  for i, c in ipairs(ordered or {}) do rank[c] = i end
  table.sort(keys, function(a, b)
    local ra, rb = rank[a], rank[b]
    if ra or rb then return (ra or math.huge) < (rb or math.huge) end
    if type(a) == type(b) and (type(a) == "string" or type(a) == "number") then return a < b end
    return type(a) < type(b)
  end)
  local parts, count = {}, 0
  for i = 1, n do
    count = count + 1
    if count > MAX_ITEMS then parts[#parts + 1] = ("... (%d more)"):format(n + #keys - MAX_ITEMS) break end
    parts[#parts + 1] = show(v[i], depth + 1, seen)
  end
  if count <= MAX_ITEMS then
    for _, k in ipairs(keys) do
      count = count + 1
      if count > MAX_ITEMS then parts[#parts + 1] = ("... (%d more)"):format(n + #keys - MAX_ITEMS) break end
      parts[#parts + 1] = key_text(k) .. " = " .. show(v[k], depth + 1, seen)
    end
  end
  seen[v] = nil
  local s = "{ " .. table.concat(parts, ", ") .. " }"
  if #s > 100 and depth == 0 then s = "{\n  " .. table.concat(parts, ",\n  ") .. "\n}" end
  if #parts == 0 then s = "{}" end
  return s
end
M.show = show

-- An array of records (tables with string keys) prints as a table: the columns in the
-- order the query gave them (db:rows remembers it, host.columns_of), else sorted.
function M.records(v)
  if type(v) ~= "table" or is_object(v) or #v == 0 then return nil end
  local cols, set = {}, {}
  for i, r in ipairs(v) do
    if type(r) ~= "table" or is_object(r) then return nil end
    for k in pairs(r) do
      if type(k) ~= "string" then return nil end
      if not set[k] then set[k] = true; cols[#cols + 1] = k end
    end
    if i > 200 then break end
  end
  if #cols == 0 then return nil end
  local ordered = host.columns_of and host.columns_of(v)
  if ordered then
    -- the query's order, then any key a record gained afterwards (sorted)
    local known, extra = {}, {}
    for _, c in ipairs(ordered) do known[c] = true end
    for _, c in ipairs(cols) do if not known[c] then extra[#extra + 1] = c end end
    table.sort(extra)
    cols = {}
    for _, c in ipairs(ordered) do cols[#cols + 1] = c end
    for _, c in ipairs(extra) do cols[#cols + 1] = c end
  else
    table.sort(cols)
  end
  local rows = {}
  for i, r in ipairs(v) do
    local row = {}
    for j, c in ipairs(cols) do
      local x = r[c]
      row[j] = (type(x) == "table" and not is_object(x)) and show(x, 1, {}) or (x == nil and host.null or x)
    end
    rows[i] = row
  end
  return cols, rows
end

return M
