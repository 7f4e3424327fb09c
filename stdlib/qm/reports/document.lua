-- document.lua — reports as documents: a producer adds headings, paragraphs, key-value lists,
-- tables and charts to a document, and one renderer per format (text, markdown, csv, json,
-- html, xlsx) writes it. JSON output is the document's `data` (a stable shape the producer
-- documents) when it sets one, otherwise the blocks themselves. A chart (qm.reports.charts)
-- is inline SVG beside its data table in HTML, and its data table in text, Markdown and
-- xlsx; CSV leaves it out, JSON has its rows (docs/reports.md).
--
-- A table's rows are an array, or a function returning an iterator (for example
-- `function() return db:query(sql) end`) or a C-level source (qm.rows: a statement whose
-- columns are the row's keys): such a table is streamed, row by row, so a list of a million
-- rows is written without holding it. CSV rows are formatted by the engine's C row writer
-- (qm.rows), cell by cell without a Lua string per cell, the same text as below. Tables are written by the one table
-- renderer (qm.reports.tables), the REPL's too: aligned text takes its column widths from
-- the first rows (all of an array), a longer value later widens only its own row.
-- report.write renders straight to a file; report.render returns a string.
-- the JSON writer is loaded at the first JSON output: a report as text does not load it
local json = setmetatable({}, { __index = function(t, k)
  local mod = require "qm.reports.json"
  setmetatable(t, { __index = mod })
  return mod[k]
end })
local charts = require "qm.reports.charts"
local i18n = require "qm.reports.i18n"
local rows = require "qm.rows"

local M = {}
local Doc = {}
Doc.__index = Doc

M.formats = { "text", "markdown", "csv", "json", "html", "xlsx" }

-- report.document{ title = ..., subtitle = ..., data = <value for JSON> }
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
--                    place of format; CSV keeps the value)}, ... },
--       rows = { {key = value, ...}, ... } or function() return <iterator of rows, or a
--              C-level source (qm.rows)> end }
function Doc:table(t)
  assert(t.columns and t.rows, "report table needs columns and rows")
  assert(type(t.rows) == "table" or type(t.rows) == "function", "report table rows must be an array or a function")
  t.kind = "table"
  self.blocks[#self.blocks + 1] = t
  return self
end

-- spec: a chart (qm.reports.charts; docs/reports.md); checked now (its table made, its shape
-- and scale checked, the SVG not drawn), so a bad spec is an error at the producer's line,
-- not while writing
function Doc:chart(spec)
  local ok, err = pcall(charts.table, spec)
  if ok then ok, err = pcall(charts.check, spec) end
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


-- for row in each_row(t): an array's rows or a streamed table's iterator (a generic-for
-- iterator with its closing value, so a query's statement is finalized even on error); a
-- C-level source gives its rows as tables. raw = true keeps a source as it is (the first
-- value), for the C row writer.
local function each_row(t, raw)
  if type(t.rows) == "function" then
    local it, s, ctl, closing = t.rows()
    if type(it) == "userdata" and not raw then return it:each() end
    return it, s, ctl, closing
  end
  local i, list = 0, t.rows
  return function()
    i = i + 1
    return list[i]
  end
end
M.each_row = each_row

-- ---------------------------------------------------------------- output

-- lines joined with `sep` (and ended with `last`), handed to sink in pieces of about 64 kB
local function line_writer(sink, sep, last)
  local buf, n, size, first = {}, 0, 0, true   -- n: the pieces in buf
  local w = {}
  function w.line(s)
    if first then first = false
    else n = n + 1; buf[n] = sep end
    n = n + 1
    buf[n] = s
    size = size + #s + 1
    if size >= 65536 then
      sink(table.concat(buf, "", 1, n)); buf, n, size = {}, 0, 0
    end
  end
  function w.finish()
    if last and not first then n = n + 1; buf[n] = last end
    if n > 0 then sink(table.concat(buf, "", 1, n)) end
  end
  -- lines written elsewhere (the C row writer): what is held goes to the sink first, then
  -- write(sink, sep, first) writes its lines, each after `sep` but the output's first, and
  -- returns how many
  function w.lines_from(write)
    if n > 0 then sink(table.concat(buf, "", 1, n)); buf, n, size = {}, 0, 0 end
    if write(sink, sep, first) > 0 then first = false end
  end
  return w
end

-- ---------------------------------------------------------------- cell values

-- a number for programs (CSV): unrounded, the shortest text that reads back as the same
-- number (as JSON writes it); a whole number without ".0"
local function exact(v)
  if v == math.floor(v) and math.abs(v) < 2^53 then return ("%d"):format(v) end
  for prec = 15, 16 do
    local t = ("%." .. prec .. "g"):format(v)
    if tonumber(t) == v then return t end
  end
  return ("%.17g"):format(v)
end

-- a cell as text; `people` (text, Markdown, HTML, xlsx): the column's `text` applied, which
-- CSV leaves out (it keeps the value, and numbers unrounded); when `people` is the document's
-- language (an i18n words object), numbers are written as that language does and yes/no in
-- its words
local function cell(col, row, people)
  local v = row[col.key]
  if people and col.text then v = col.text(v, row)
  elseif col.format then v = col.format(v, row) end
  if v == nil then return "" end
  local tv = type(v)
  if tv == "string" then return v end   -- most cells: text, as tostring would give it
  local L = type(people) == "table" and people or nil
  if tv == "number" then
    if v ~= v then return "" end
    if L then return L:num(v, 2) end
    if math.type(v) == "float" then
      if not people then
        if v == math.huge or v == -math.huge then return "" end
        return exact(v)
      end
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

-- cell(col, row) as people read it in one document (its language's numbers and words), and
-- the language
local LANG_OF = setmetatable({}, { __mode = "k" })   -- cell_for's functions -> their language (or true)
local function cell_for(doc)
  local L = words(doc)
  local people = L or true
  local f = function(col, row) return cell(col, row, people) end
  LANG_OF[f] = people
  return f, L
end
M.cell_for = cell_for

-- control characters shown escaped (the one table renderer's, qm.reports.tables)
local tables = require "qm.reports.tables"
local sanitize = tables.sanitize
M.sanitize = sanitize
M.wrap_text = tables.wrap_text

-- columns on a terminal: æøå one, CJK two, combining marks none (qm.reports.width)
local width, pad = require("qm.reports.width").of, require("qm.reports.width").pad
M.width = width
M.pad = pad


-- ---------------------------------------------------------------- text

-- a table's columns as the table renderer takes them, and its writer's options: the cells as
-- people read them (or, for CSV, as they are), values for alignment, an array measured whole
-- (cellf(col, row): a cell as people read it, for every format but CSV)
local function table_writer(format, t, out, opts, cellf)
  local cols, tcols = t.columns, {}
  for i, c in ipairs(cols) do
    tcols[i] = { title = (format == "csv" and c.key) or c.title or c.key, align = c.align, wrap = c.wrap }
  end
  cellf = cellf or function(c, row) return cell(c, row, true) end
  opts = opts or {}
  opts.line = out.line
  local people = LANG_OF[cellf]   -- a cell_for function: its cell() called directly
  if format == "csv" then
    opts.text = function(i, row) return cell(cols[i], row) end
  elseif people ~= nil then
    opts.text = function(i, row) return cell(cols[i], row, people) end
  else
    opts.text = function(i, row) return cellf(cols[i], row) end
  end
  opts.value = function(i, row) return row[cols[i].key] end
  if type(t.rows) == "table" then
    opts.hold = math.max(#t.rows, tables.ALIGN_ROWS)
    opts.rows = #t.rows
  end
  return tables.new(format, tcols, opts)
end
M.table_writer = table_writer
M.ALIGN_ROWS = tables.ALIGN_ROWS

-- CSV through the C row writer (qm.rows): the header as the table renderer writes it, then
-- every row formatted in C as cell() and csv_field() would (a column's format function is
-- called from C); a C-level source's cells never become Lua values
local function write_csv_rows(t, out)
  local head, cols = {}, {}
  for i, c in ipairs(t.columns) do
    head[i] = tables.csv_field(tostring(c.key))
    cols[i] = { key = c.key, format = c.format, number = "csv" }   -- cell(): numbers unrounded
  end
  out.line(table.concat(head, ","))
  local it, s, ctl, closing = each_row(t, true)
  if type(it) == "userdata" then closing = it end  -- a source closes its statement
  local _ <close> = closing
  out.lines_from(function(sink, sep, first)
    local w = rows.writer { format = "csv", columns = cols, sink = sink, pre = sep, first = first }
    if type(it) == "userdata" then return w:drain(it) end
    return w:drain(it, s, ctl)
  end)
end

-- the C writer takes columns keyed by text (a keyvalues block's { key = 2 } is not a table's)
local function c_writable(t)
  for _, c in ipairs(t.columns) do
    if type(c.key) ~= "string" or #c.key >= 64 then return false end
  end
  return #t.columns <= 256
end

-- write table t in `format` with the table renderer: rows as they come. In aligned text
-- (format "column"), the rows after the ones the renderer holds to choose the widths are
-- written by the C row writer at those widths, cells escaped and padded as the renderer does
local function write_table(format, t, out, opts, cellf)
  if format == "csv" and opts and opts.guard and out.lines_from and c_writable(t) then
    return write_csv_rows(t, out)
  end
  local w = table_writer(format, t, out, opts, cellf)
  local it, s, ctl, closing = each_row(t, true)
  local source
  if type(it) == "userdata" then
    source, closing = it, it
    it, s, ctl = it:each()
  end
  local _ <close> = closing
  -- the C writer writes cells as cell() does for people, in a document's language too
  local lang = cellf ~= nil and LANG_OF[cellf] or nil
  local fast = format == "column" and (cellf == nil or lang ~= nil) and out.lines_from and w.streaming_layout and c_writable(t)
  while true do
    local row = it(s, ctl)
    if row == nil then break end
    ctl = row
    w.row(row)
    local widths, right, prose
    if fast then widths, right, prose = w.streaming_layout() end
    if widths and (prose == nil or prose == " ") then
      local cols = {}
      for i, c in ipairs(t.columns) do
        cols[i] = { key = c.key, format = c.text or c.format, width = widths[i], right = right[i] }
      end
      out.lines_from(function(sink, sep, first)
        local L = type(lang) == "table" and lang or nil
        local cw = rows.writer { format = "column", columns = cols, sink = sink, pre = sep, first = first,
          prose = prose ~= nil, width = width, decimal = L and L.cat.number.decimal, group = L and L.cat.number.group,
          yes = L and L("word.yes"), no = L and L("word.no") }
        if source then return cw:drain(source) end
        return cw:drain(it, s, ctl)
      end)
      break
    end
  end
  w.finish()
end
M.write_table = write_table

local function text_table(t, out, cellf, L)
  write_table("column", t, out, { newlines = " ", empty = L and L("doc.none") or "(none)" }, cellf)
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

local md_escape = tables.md_escape
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
      write_table("markdown", b, out, nil, cellf)
    end
    out.line("")
  end
end

-- ---------------------------------------------------------------- csv (RFC 4180)

local csv_field = tables.csv_field
M.csv_field = csv_field

-- CSV is one table: the one named by doc.csv_table, else the first. Other tables are left
-- out, since CSV has no way to hold several; use JSON for the whole report.
local function render_csv(doc, out)
  local t
  for _, b in ipairs(doc.blocks) do
    if b.kind == "table" and (doc.csv_table == nil or b.name == doc.csv_table) then t = b; break end
  end
  if not t then return end
  write_table("csv", t, out, { guard = true })
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
      local it, s, ctl, closing = each_row(b)
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

M.html_escape = tables.html_escape

-- the page itself is qm.reports.html; it gets the cell values and alignment from here
local function render_html(doc, out)
  local cellf = cell_for(doc)
  require("qm.reports.html").render(doc, out, { cell = cellf,
    write_table = function(format, t, o, opts) return write_table(format, t, o, opts, cellf) end })
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
