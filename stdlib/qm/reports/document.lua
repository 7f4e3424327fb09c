-- document.lua — reports as documents: a producer adds headings, paragraphs, key-value lists,
-- tables and charts to a document, and one renderer per format (text, markdown, csv, json,
-- html, xlsx) writes it. JSON output is the document's `data` (a stable shape the producer
-- documents) when it sets one, otherwise the blocks themselves. A chart (qm.reports.charts)
-- is inline SVG beside its data table in HTML, and its data table in text, Markdown and
-- xlsx; CSV leaves it out, JSON has its rows (docs/reports.md).
--
-- A table's rows are an array, or a function returning an iterator (for example
-- `function() return db:query(sql) end`): such a table is streamed, row by row, so a list
-- of a million rows is written without holding it. Aligned text takes its column widths
-- from the first ALIGN_ROWS rows (a longer value later widens only its own row), as the
-- REPL does. report.write renders straight to a file; report.render returns a string.
local json = require "qm.reports.json"
local charts = require "qm.reports.charts"
local i18n = require "qm.reports.i18n"

local M = {}
local Doc = {}
Doc.__index = Doc

M.formats = { "text", "markdown", "csv", "json", "html", "xlsx" }

-- report.document{ title = ..., subtitle = ..., data = <value for JSON>, lang = "da" }
-- With a lang (qm.reports.i18n), the formats for people (text, Markdown, HTML, xlsx) write
-- numbers as that language does (64,9; 12.345) and its words for yes/no and "none"; CSV and
-- JSON never depend on it. A document without one writes numbers as Lua does.
function M.document(opts)
  opts = opts or {}
  return setmetatable({ title = opts.title, subtitle = opts.subtitle, data = opts.data, lang = opts.lang,
                        blocks = {} }, Doc)
end

-- opts.break_before: a printed page starts here (HTML print); level-2 headings always do
function Doc:heading(text, level, opts)
  self.blocks[#self.blocks + 1] = { kind = "heading", text = tostring(text), level = level or 2,
                                    break_before = opts and opts.break_before or nil }
  return self
end

function Doc:paragraph(text)
  self.blocks[#self.blocks + 1] = { kind = "paragraph", text = tostring(text) }
  return self
end

-- pairs: array of {label, value}
function Doc:keyvalues(pairs_)
  self.blocks[#self.blocks + 1] = { kind = "keyvalues", pairs = pairs_ }
  return self
end

function Doc:list(items)
  self.blocks[#self.blocks + 1] = { kind = "list", items = items }
  return self
end

-- t = { name = "questions", sheet = <xlsx sheet name, default the heading above>,
--       columns = { {key=, title=, align="right"|"left", format=fn, numfmt=<xlsx number format>,
--                    text=fn(v, row) -> the words people read (text, Markdown, HTML, xlsx, in
--                    place of format; CSV keeps the value), wrap=<width of a text column in
--                    characters, in text output>}, ... },
--       rows = { {key = value, ...}, ... } or function() return <iterator of rows> end }
function Doc:table(t)
  assert(t.columns and t.rows, "report table needs columns and rows")
  assert(type(t.rows) == "table" or type(t.rows) == "function", "report table rows must be an array or a function")
  t.kind = "table"
  self.blocks[#self.blocks + 1] = t
  return self
end

-- spec: a chart (qm.reports.charts; docs/reports.md); checked now, so a bad spec is an
-- error at the producer's line, not while writing
function Doc:chart(spec)
  local ok, err = pcall(charts.table, spec)
  if ok then ok, err = pcall(charts.svg, spec, "check") end
  if not ok then error(err, 2) end
  self.blocks[#self.blocks + 1] = { kind = "chart", spec = spec }
  return self
end

-- a heading and its table, only when the table has rows (optional parts of a report; a
-- streamed table cannot be counted beforehand, so it is always shown)
function Doc:section(heading, t, level)
  if type(t.rows) == "table" and #t.rows == 0 then return self end
  self:heading(heading, level or 3)
  return self:table(t)
end

M.ALIGN_ROWS = 1000

-- for row in each_row(t): an array's rows or a streamed table's iterator (a generic-for
-- iterator with its closing value, so a query's statement is finalized even on error)
local function each_row(t)
  if type(t.rows) == "function" then return t.rows() end
  local i, rows = 0, t.rows
  return function()
    i = i + 1
    return rows[i]
  end
end
M.each_row = each_row

-- the rows a renderer looks at before writing (alignment): all of an array, the first
-- ALIGN_ROWS of a stream. `rest(fn)` then calls fn for every later row of the stream.
local function peek(t, on_head, on_row)
  if type(t.rows) == "table" then
    on_head(t.rows)
    for _, r in ipairs(t.rows) do on_row(r) end
    return
  end
  local head, flushed = {}, false
  for r in t.rows() do
    if flushed then on_row(r)
    else
      head[#head + 1] = r
      if #head >= M.ALIGN_ROWS then
        on_head(head); flushed = true
        for _, h in ipairs(head) do on_row(h) end
        head = nil
      end
    end
  end
  if not flushed then
    on_head(head)
    for _, h in ipairs(head) do on_row(h) end
  end
end

-- ---------------------------------------------------------------- output

-- lines joined with `sep` (and ended with `last`), handed to sink in pieces of about 64 kB
local function line_writer(sink, sep, last)
  local buf, size, first = {}, 0, true
  local w = {}
  function w.line(s)
    if not first then buf[#buf + 1] = sep end
    first = false
    buf[#buf + 1] = s
    size = size + #s + 1
    if size >= 65536 then
      sink(table.concat(buf)); buf, size = {}, 0
    end
  end
  function w.finish()
    if last and not first then buf[#buf + 1] = last end
    if #buf > 0 then sink(table.concat(buf)) end
  end
  return w
end

-- ---------------------------------------------------------------- cell values

-- a cell as text. L (the document's language, for people's formats): numbers written as
-- the language does and the column's `text` applied; without L (CSV) the value as it is
local function cell(col, row, L)
  local v = row[col.key]
  if L and col.text then v = col.text(v, row)
  elseif col.format then v = col.format(v, row) end
  if v == nil then return "" end
  if type(v) == "number" then
    if v ~= v then return "" end
    if L then return L:num(v, 2) end
    if math.type(v) == "float" then
      local s = ("%.2f"):format(v)
      return (s:gsub("%.?0+$", ""))
    end
    return tostring(v)
  end
  if type(v) == "boolean" then
    if L then return L(v and "word.yes" or "word.no") end
    return v and "yes" or "no"
  end
  local s = tostring(v)
  if s == "null" and type(v) == "userdata" then return "" end
  return s
end
M.cell = cell

-- the words of a document's language, or nil
local function words(doc)
  if doc.lang then return i18n.new(doc.lang) end
  return nil
end
M.words = words

-- cell(col, row) for one document in a format for people
local function cell_for(doc)
  local L = words(doc)
  return function(col, row) return cell(col, row, L) end, L
end
M.cell_for = cell_for

-- control characters shown escaped
local function sanitize(s)
  return (s:gsub("[%z\1-\8\11-\31\127]", function(c) return ("\\x%02x"):format(c:byte()) end))
end
M.sanitize = sanitize

-- columns on a terminal: æøå one, CJK two, combining marks none (qm.reports.width)
local width, pad = require("qm.reports.width").of, require("qm.reports.width").pad
M.width = width
M.pad = pad

-- right-aligned when every value (in the rows seen) is a number, and there is one: a
-- column with no values at all is text, left-aligned
local function is_numeric_col(col, rows)
  if col.align then return col.align == "right" end
  local any = false
  for _, r in ipairs(rows) do
    local v = r[col.key]
    if v ~= nil and not (type(v) == "userdata" and tostring(v) == "null") then
      if type(v) ~= "number" then return false end
      any = true
    end
  end
  return any
end
M.is_numeric_col = is_numeric_col

-- ---------------------------------------------------------------- text

-- the lines of a text at most `w` characters wide, broken between words (a word longer
-- than w stands on its own line); with `hang`, the lines after the first are indented by
-- that many spaces (and are that much shorter), so a wrapped table cell reads as one
local function wrap_text(s, w, hang)
  local lines, cur = {}, nil
  local lead = s:match("^ *")   -- a cell's own indentation (a criterion under its theme) stays
  local indent = lead .. string.rep(" ", hang or 0)
  local function room() return (#lines == 0 and w - #lead) or w - #indent end
  for word in s:gmatch("%S+") do
    if cur == nil then cur = word
    elseif width(cur) + 1 + width(word) <= room() then cur = cur .. " " .. word
    else lines[#lines + 1] = (#lines == 0 and lead or indent) .. cur; cur = word end
  end
  lines[#lines + 1] = (#lines == 0 and lead or indent) .. (cur or "")
  return lines
end
M.wrap_text = wrap_text

local function text_table(t, out, cellf, L)
  local cols = t.columns
  local w, right, n = {}, {}, 0
  local line, seen = {}, {}   -- seen: the cells of the rows measured for the widths
  local wrapped = false
  for _, c in ipairs(cols) do if c.wrap then wrapped = true end end
  local function cells_of(row)
    local cs = {}
    for i, c in ipairs(cols) do cs[i] = (sanitize(cellf(c, row)):gsub("\n", " ")) end
    return cs
  end
  local function row_line(row)
    n = n + 1
    local cs = seen[row] or cells_of(row)
    seen[row] = nil
    if not wrapped then
      for i in ipairs(cols) do line[i] = pad(cs[i], w[i], right[i]) end
      out.line((table.concat(line, "  "):gsub("%s+$", "")))
      return
    end
    -- a wrapped column continues on the next lines, the other columns blank there
    local parts, height = {}, 1
    for i, c in ipairs(cols) do
      parts[i] = c.wrap and wrap_text(cs[i], w[i], 2) or { cs[i] }
      if #parts[i] > height then height = #parts[i] end
    end
    for k = 1, height do
      for i in ipairs(cols) do line[i] = pad(parts[i][k] or "", w[i], right[i]) end
      out.line((table.concat(line, "  "):gsub("%s+$", "")))
    end
  end
  local function header(rows)
    for i, c in ipairs(cols) do
      w[i] = width(c.title or c.key)
      right[i] = is_numeric_col(c, rows)
    end
    for _, row in ipairs(rows) do
      local cs = cells_of(row)
      seen[row] = cs
      for i in ipairs(cols) do
        local cw = width(cs[i])
        if cw > w[i] then w[i] = cw end
      end
    end
    -- a wrapped column is at most its width (and at least its longest word, indented)
    for i, c in ipairs(cols) do
      if c.wrap and w[i] > c.wrap then
        local longest = width(c.title or c.key)
        for _, row in ipairs(rows) do
          for word in (seen[row][i]):gmatch("%S+") do longest = math.max(longest, width(word) + 2) end
        end
        w[i] = math.max(c.wrap, longest)
      end
    end
    for i, c in ipairs(cols) do line[i] = pad(c.title or c.key, w[i], right[i]) end
    out.line((table.concat(line, "  "):gsub("%s+$", "")))
    for i in ipairs(cols) do line[i] = string.rep("-", w[i]) end
    out.line(table.concat(line, "  "))
  end
  peek(t, header, row_line)
  if n == 0 then out.line(L and L("doc.none") or "(none)") end
end

local function render_text(doc, out)
  local cellf, L = cell_for(doc)
  if doc.title then
    out.line(doc.title)
    out.line(string.rep("=", width(doc.title)))
    if doc.subtitle then out.line(doc.subtitle) end
    out.line("")
  end
  for _, b in ipairs(doc.blocks) do
    if b.kind == "heading" then
      out.line(b.text)
      out.line(string.rep(b.level <= 2 and "-" or "·", width(b.text)))
    elseif b.kind == "paragraph" then
      out.line(sanitize(b.text))
    elseif b.kind == "keyvalues" then
      local w = 0
      for _, p in ipairs(b.pairs) do w = math.max(w, width(tostring(p[1]))) end
      for _, p in ipairs(b.pairs) do
        out.line(pad(tostring(p[1]) .. ":", w + 1) .. " " .. sanitize(cellf({ key = 2 }, p)))
      end
    elseif b.kind == "list" then
      for _, item in ipairs(b.items) do out.line("  - " .. sanitize(tostring(item))) end
    elseif b.kind == "table" then
      text_table(b, out, cellf, L)
    elseif b.kind == "chart" then
      if b.spec.title then out.line(sanitize(b.spec.title) .. ":") end
      text_table(charts.table(b.spec), out, cellf, L)
    end
    out.line("")
  end
end

-- ---------------------------------------------------------------- markdown

-- Text in Markdown is text, never markup: HTML (<script>) becomes entities, the characters
-- that make emphasis, code, links, tables and strike-through are escaped with a backslash, and
-- at the start of a block (`start`) so are headings, lists and quotes.
local md_entities = { ["&"] = "&amp;", ["<"] = "&lt;", [">"] = "&gt;" }
local function md_escape(s, start)
  s = sanitize(s):gsub("[&<>]", md_entities):gsub("([|\\`*_%[%]~])", "\\%1")
  if start then s = s:gsub("^([#+-])", "\\%1"):gsub("^(%d+)([.)])", "%1\\%2") end
  return (s:gsub("\n", "<br>"))
end
M.md_escape = md_escape

local function render_markdown(doc, out)
  local cellf = cell_for(doc)
  if doc.title then
    out.line("# " .. md_escape(doc.title))
    out.line("")
    if doc.subtitle then out.line(md_escape(doc.subtitle, true)); out.line("") end
  end
  for _, b in ipairs(doc.blocks) do
    if b.kind == "heading" then
      out.line(string.rep("#", math.min(b.level, 6)) .. " " .. md_escape(b.text))
    elseif b.kind == "paragraph" then
      out.line(md_escape(b.text, true))
    elseif b.kind == "keyvalues" then
      for _, p in ipairs(b.pairs) do
        out.line("- **" .. md_escape(tostring(p[1])) .. ":** " .. md_escape(cellf({ key = 2 }, p)))
      end
    elseif b.kind == "list" then
      for _, item in ipairs(b.items) do out.line("- " .. md_escape(tostring(item))) end
    elseif b.kind == "table" or b.kind == "chart" then
      if b.kind == "chart" then
        if b.spec.title then out.line("**" .. md_escape(b.spec.title) .. "**"); out.line("") end
        b = charts.table(b.spec)
      end
      local t = b
      peek(t, function(rows)
        local head, rule = {}, {}
        for i, c in ipairs(t.columns) do
          head[i] = md_escape(c.title or c.key)
          rule[i] = is_numeric_col(c, rows) and "---:" or "---"
        end
        out.line("| " .. table.concat(head, " | ") .. " |")
        out.line("| " .. table.concat(rule, " | ") .. " |")
      end, function(row)
        local line = {}
        for i, c in ipairs(t.columns) do line[i] = md_escape(cellf(c, row)) end
        out.line("| " .. table.concat(line, " | ") .. " |")
      end)
    end
    out.line("")
  end
end

-- ---------------------------------------------------------------- csv (RFC 4180)

-- A cell that a spreadsheet would take for a formula (it begins with =, +, -, @, a tab or a
-- carriage return) is neutralised with a leading single quote, as OWASP's CSV-injection
-- guidance says (also after leading spaces, which some spreadsheets skip); a plain number
-- ("-3", "+2.5", "-1e3") stays a number, and so does a lone "-" (a blank mark, no formula).
local function csv_field(s)
  local first, rest = s:match("^ *(.)(.*)$")
  if (first == "=" or first == "+" or first == "-" or first == "@" or first == "\t" or first == "\r")
     and rest ~= "" and not (tonumber(s) and s:match("^ *[-+]?[%d.]+[eE]?[-+]?%d*$")) then
    s = "'" .. s
  end
  if s:find('[,"\r\n]') then return '"' .. s:gsub('"', '""') .. '"' end
  return s
end
M.csv_field = csv_field

-- CSV is one table: the one named by doc.csv_table, else the first. Other tables are left
-- out, since CSV has no way to hold several; use JSON for the whole report.
local function render_csv(doc, out)
  local t
  for _, b in ipairs(doc.blocks) do
    if b.kind == "table" and (doc.csv_table == nil or b.name == doc.csv_table) then t = b; break end
  end
  if not t then return end
  local line = {}
  for i, c in ipairs(t.columns) do line[i] = csv_field(c.key) end
  out.line(table.concat(line, ","))
  for row in each_row(t) do
    for i, c in ipairs(t.columns) do line[i] = csv_field(cell(c, row)) end
    out.line(table.concat(line, ","))
  end
end

-- ---------------------------------------------------------------- json

local function table_rows_json(b)
  local function shape(row)
    local r = {}
    for _, c in ipairs(b.columns) do r[c.key] = row[c.key] end
    return r
  end
  if type(b.rows) == "function" then
    return json.stream(function()
      local it, s, ctl, closing = b.rows()
      return function()
        local row = it(s, ctl)
        ctl = row
        if row == nil then return nil end
        return shape(row)
      end, nil, nil, closing
    end)
  end
  local rows = json.array({})
  for _, row in ipairs(b.rows) do rows[#rows + 1] = shape(row) end
  return rows
end

local function blocks_data(doc)
  local blocks = json.array({})
  for _, b in ipairs(doc.blocks) do
    if b.kind == "table" then
      blocks[#blocks + 1] = { kind = "table", name = b.name, rows = table_rows_json(b) }
    elseif b.kind == "keyvalues" then
      local kv = {}
      for _, p in ipairs(b.pairs) do kv[tostring(p[1])] = p[2] end
      blocks[#blocks + 1] = { kind = "keyvalues", values = kv }
    elseif b.kind == "chart" then
      local t = charts.table(b.spec)
      t.kind = "chart"
      blocks[#blocks + 1] = json.object({ kind = "chart", type = b.spec.type, title = b.spec.title, rows = table_rows_json(t) },
        { "kind", "type", "title", "rows" })
    else
      blocks[#blocks + 1] = { kind = b.kind, text = b.text, level = b.level, items = b.items }
    end
  end
  return { title = doc.title, subtitle = doc.subtitle, blocks = blocks }
end

local function render_json(doc, _, sink)
  json.write(doc.data ~= nil and doc.data or blocks_data(doc), { indent = "  " }, sink)
  sink("\n")
end

-- ---------------------------------------------------------------- html

local function html_escape(s)
  return (s:gsub("[&<>\"']", { ["&"] = "&amp;", ["<"] = "&lt;", [">"] = "&gt;", ['"'] = "&quot;", ["'"] = "&#39;" }))
end
M.html_escape = html_escape

-- the page itself is qm.reports.html; it gets the cell values and alignment from here
local function render_html(doc, out)
  require("qm.reports.html").render(doc, out, { cell = cell_for(doc), peek = peek, is_numeric_col = is_numeric_col })
end

-- xlsx is binary: written whole by qm.reports.xlsx (libxlsxwriter), then copied to the sink
local function render_xlsx(doc, _, sink)
  require("qm.reports.xlsx").write(doc, sink, { cell = cell_for(doc), null = require("qm.host").null, chart_table = charts.table,
    fail = function(msg)
      local host = require "qm.host"
      host.raise(host.exit.usage, msg, 0)
    end })
end

-- renderer, line separator, what ends the last line
local renderers = { text = { render_text, "\n" }, markdown = { render_markdown, "\n" },
                    csv = { render_csv, "\r\n", "\r\n" }, json = { render_json },
                    html = { render_html, "\n", "\n" }, xlsx = { render_xlsx } }

local function renderer(format, level)
  local r = renderers[format or "text"]
  if not r then
    error(("unknown report format %q (use text, markdown, csv, json, html or xlsx)"):format(tostring(format)), level + 1)
  end
  return r
end

-- report.write(doc, format, file): render to a file handle (anything with :write), streaming
function M.write(doc, format, file)
  local r = renderer(format, 2)
  if format == "xlsx" and file.xlsx then file = file.xlsx end   -- see qm.engine.cmd_run
  local function sink(s) file:write(s) end  -- the run's output raises its own errors
  local out = line_writer(sink, r[2], r[3])
  r[1](doc, out, sink)
  out.finish()
end

-- report.render(doc, format) -> string
function M.render(doc, format)
  local r = renderer(format, 2)
  local parts = {}
  local function sink(s) parts[#parts + 1] = s end
  local out = line_writer(sink, r[2], r[3])
  r[1](doc, out, sink)
  out.finish()
  return table.concat(parts)
end

return M
