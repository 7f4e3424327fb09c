-- printer.lua — how the REPL shows what it computes, in one place: result sets (a query's
-- rows, a Lua array of records) in an output mode, and Lua values. The interface:
--   printer.new(columns, opts) -> p; p.row(values) for each row (an array, SQL NULL as
--   host.null); p.finish()
--   opts: mode (one of printer.modes), write (function(text)), fit (the terminal's width,
--   or nil when the output is not a terminal), null (the text NULL shows as), headers
--   (false: no header row)
--   printer.show(value) -> the text of a Lua value; printer.records(value) -> columns, rows
--   when the value is an array of records
-- csv, json and line write each row as it comes; the aligned modes (box, table, column,
-- markdown) hold the first ALIGN_ROWS rows to choose column widths, then stream the rest at
-- those widths, so a query of millions of rows prints in constant memory.
local host = require "qm.host"
local width = require "qm.reports.width"
local json = require "qm.reports.json"

local M = {}

M.modes = { "box", "table", "column", "markdown", "line", "csv", "json" }
M.about = {
  box = "a table drawn with Unicode lines (the default on a terminal)",
  table = "a table drawn with ASCII +--+ |, as sqlite3's",
  column = "aligned columns under a dashed rule (the default in scripts)",
  markdown = "a Markdown table",
  line = "one `column = value` per line, a blank line between rows",
  csv = "comma-separated values (RFC 4180), the data as it is",
  json = "a JSON array of objects, NULL as null",
}

local ALIGN_ROWS = 1000

local function is_null(v) return v == nil or v == host.null end

-- text for a terminal: a line break as \n, other control characters and bytes that are not
-- UTF-8 as \xNN, so data never moves the cursor or breaks a table's lines
local function escape(s)
  if not s:find("[%z\1-\31\127-\255]") then return s end
  s = s:gsub("\n", "\\n"):gsub("[%z\1-\31\127]", function(c) return ("\\x%02x"):format(c:byte()) end)
  if utf8.len(s) then return s end
  local parts, i = {}, 1
  while i <= #s do
    local ok, bad = utf8.len(s, i)
    if ok then parts[#parts + 1] = s:sub(i) break end
    parts[#parts + 1] = s:sub(i, bad - 1)
    parts[#parts + 1] = ("\\x%02x"):format(s:byte(bad))
    i = bad + 1
  end
  return table.concat(parts)
end
M.escape = escape

local function text_of(v)
  if type(v) == "number" and math.type(v) == "float" then return ("%.15g"):format(v) end
  return tostring(v)
end

local function csv_field(s)
  if s:find('[,"\r\n]') then return '"' .. s:gsub('"', '""') .. '"' end
  return s
end

function M.new(cols, opts)
  local mode, write = opts.mode or "column", opts.write
  local null = opts.null or ""
  local headers = opts.headers ~= false
  local n = 0
  if mode == "json" then
    return {
      row = function(r)
        local o = {}
        for i, c in ipairs(cols) do local v = r[i]; o[c] = is_null(v) and host.null or v end
        local text = json.encode(json.object(o, cols), { indent = "  " }):gsub("\n", "\n  ")
        write((n == 0 and "[\n  " or ",\n  ") .. text)
        n = n + 1
      end,
      finish = function() write(n == 0 and "[]\n" or "\n]\n") end }
  end
  if mode == "csv" then
    local line = {}
    if headers then
      for i, c in ipairs(cols) do line[i] = csv_field(c) end
      write(table.concat(line, ",") .. "\n")
    end
    return {
      row = function(r)
        for i = 1, #cols do line[i] = csv_field(is_null(r[i]) and null or text_of(r[i])) end
        write(table.concat(line, ",") .. "\n")
      end,
      finish = function() end }
  end
  local function cell(v)
    if is_null(v) then return escape(null) end
    return escape(text_of(v))
  end
  if mode == "line" then
    local w = 0
    for _, c in ipairs(cols) do w = math.max(w, width.of(escape(c))) end
    return {
      row = function(r)
        if n > 0 then write("\n") end
        n = n + 1
        for i, c in ipairs(cols) do write(width.pad(escape(c), w, true) .. " = " .. cell(r[i]) .. "\n") end
      end,
      finish = function() end }
  end
  -- aligned modes: box (Unicode lines), table (ASCII, as sqlite3's), column, markdown
  local names, w, numeric, held, streaming = {}, {}, {}, {}, false
  for i, c in ipairs(cols) do
    names[i] = escape(c)
    if mode == "markdown" then names[i] = names[i]:gsub("|", "\\|") end
    w[i] = headers and width.of(names[i]) or 1
    numeric[i] = true
  end
  local function cells_of(r)
    local t = {}
    for i = 1, #cols do
      t[i] = cell(r[i])
      if mode == "markdown" then t[i] = t[i]:gsub("|", "\\|") end
    end
    return t
  end
  -- values are shortened to the column's width on a terminal, or when they came after the
  -- widths were fixed and the terminal is the limit; a number is never shortened (a longer
  -- one after the first ALIGN_ROWS rows makes its row wider instead)
  local fit = opts.fit
  local function row_line(vals, left, mid, right, header)
    local parts = {}
    for i = 1, #cols do
      local s = vals[i]
      if (fit or not streaming) and not (numeric[i] and not header) then s = width.shorten(s, w[i]) end
      parts[i] = width.pad(s, w[i], numeric[i] and not header)
    end
    return left .. table.concat(parts, mid) .. right
  end
  local ascii = mode == "table"
  local h, v = ascii and "-" or "─", ascii and "|" or "│"
  local function rule(l, m, r)
    local d = {}
    for i = 1, #cols do d[i] = string.rep(h, w[i] + 2) end
    return l .. table.concat(d, m) .. r .. "\n"
  end
  local top, mid, bottom = { "┌", "┬", "┐" }, { "├", "┼", "┤" }, { "└", "┴", "┘" }
  if ascii then top = { "+", "+", "+" }; mid, bottom = top, top end
  local function body_line(t)
    if mode == "column" then return (row_line(t, "", "  ", ""):gsub("%s+$", "")) .. "\n" end
    if mode == "markdown" then return row_line(t, "| ", " | ", " |") .. "\n" end
    return row_line(t, v .. " ", " " .. v .. " ", " " .. v) .. "\n"
  end
  -- widths from the rows held so far, fitted to the terminal; then the header
  local function start_streaming()
    streaming = true
    if fit then
      local sep = (mode == "column") and 2 or 3
      local total = function() local t = 1 for i = 1, #w do t = t + w[i] + sep end return t end
      while total() > fit do
        local wi, best = nil, 0
        for i = 1, #w do if w[i] > best then best, wi = w[i], i end end
        if best <= 4 then break end
        w[wi] = w[wi] - 1
      end
    end
    if mode == "column" then
      if headers then
        write((row_line(names, "", "  ", "", true):gsub("%s+$", "")) .. "\n")
        local d = {}
        for i = 1, #cols do d[i] = string.rep("-", w[i]) end
        write(table.concat(d, "  ") .. "\n")
      end
    elseif mode == "markdown" then
      write(row_line(names, "| ", " | ", " |", true) .. "\n")
      local d = {}
      for i = 1, #cols do d[i] = numeric[i] and (string.rep("-", math.max(w[i] - 1, 2)) .. ":") or string.rep("-", math.max(w[i], 3)) end
      write("| " .. table.concat(d, " | ") .. " |\n")
    else
      write(rule(top[1], top[2], top[3]))
      if headers then
        write(row_line(names, v .. " ", " " .. v .. " ", " " .. v, true) .. "\n")
        write(rule(mid[1], mid[2], mid[3]))
      end
    end
    for _, t in ipairs(held) do write(body_line(t)) end
    held = nil
  end
  return {
    row = function(r)
      if streaming then write(body_line(cells_of(r))) return end
      local t = cells_of(r)
      for i = 1, #cols do
        if type(r[i]) ~= "number" and not is_null(r[i]) then numeric[i] = false end
        local cw = width.of(t[i])
        if cw > w[i] then w[i] = cw end
      end
      held[#held + 1] = t
      if #held >= ALIGN_ROWS then start_streaming() end
    end,
    finish = function()
      if not streaming then start_streaming() end
      if mode ~= "column" and mode ~= "markdown" then write(rule(bottom[1], bottom[2], bottom[3])) end
    end }
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
  table.sort(keys, function(a, b)
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
