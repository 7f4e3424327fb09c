-- report.lua — reports as documents: a producer adds headings, paragraphs, key-value lists
-- and tables to a document, and one renderer per format (text, markdown, csv, json, html)
-- writes it. JSON output is the document's `data` (a stable shape the producer documents)
-- when it sets one, otherwise the blocks themselves.
local json = require "qm.json"

local M = {}
local Doc = {}
Doc.__index = Doc

M.formats = { "text", "markdown", "csv", "json", "html" }

-- report.document{ title = ..., subtitle = ..., data = <value for JSON> }
function M.document(opts)
  opts = opts or {}
  return setmetatable({ title = opts.title, subtitle = opts.subtitle, data = opts.data, blocks = {} }, Doc)
end

function Doc:heading(text, level)
  self.blocks[#self.blocks + 1] = { kind = "heading", text = tostring(text), level = level or 2 }
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

-- t = { name = "questions", columns = { {key=, title=, align="right"|"left", format=fn}, ... },
--       rows = { {key = value, ...}, ... } }
function Doc:table(t)
  assert(t.columns and t.rows, "report table needs columns and rows")
  t.kind = "table"
  self.blocks[#self.blocks + 1] = t
  return self
end

-- a heading and its table, only when the table has rows (optional parts of a report)
function Doc:section(heading, t, level)
  if #t.rows == 0 then return self end
  self:heading(heading, level or 3)
  return self:table(t)
end

-- ---------------------------------------------------------------- cell values

local function cell(col, row)
  local v = row[col.key]
  if col.format then v = col.format(v, row) end
  if v == nil then return "" end
  if type(v) == "number" then
    if math.type(v) == "float" then
      if v ~= v then return "" end
      local s = ("%.2f"):format(v)
      return (s:gsub("%.?0+$", ""))
    end
    return tostring(v)
  end
  if type(v) == "boolean" then return v and "yes" or "no" end
  local s = tostring(v)
  if s == "null" and type(v) == "userdata" then return "" end
  return s
end
M.cell = cell

-- display width in characters (code points), control characters shown escaped
local function sanitize(s)
  return (s:gsub("[%z\1-\8\11-\31\127]", function(c) return ("\\x%02x"):format(c:byte()) end))
end
M.sanitize = sanitize

local function width(s)
  local ok, n = pcall(utf8.len, s)
  return (ok and n) or #s
end
M.width = width

local function pad(s, w, right)
  local gap = w - width(s)
  if gap <= 0 then return s end
  return right and (string.rep(" ", gap) .. s) or (s .. string.rep(" ", gap))
end
M.pad = pad

local function is_numeric_col(col, rows)
  if col.align then return col.align == "right" end
  for _, r in ipairs(rows) do
    local v = r[col.key]
    if v ~= nil and type(v) ~= "number" then return false end
  end
  return true
end

-- ---------------------------------------------------------------- text

local function text_table(t, out)
  local cols, rows = t.columns, t.rows
  local w, cells, right = {}, {}, {}
  for i, c in ipairs(cols) do
    w[i] = width(c.title or c.key)
    right[i] = is_numeric_col(c, rows)
  end
  for r, row in ipairs(rows) do
    cells[r] = {}
    for i, c in ipairs(cols) do
      local s = sanitize(cell(c, row)):gsub("\n", " ")
      cells[r][i] = s
      if width(s) > w[i] then w[i] = width(s) end
    end
  end
  local line = {}
  for i, c in ipairs(cols) do line[i] = pad(c.title or c.key, w[i], right[i]) end
  out[#out + 1] = (table.concat(line, "  "):gsub("%s+$", ""))
  for i in ipairs(cols) do line[i] = string.rep("-", w[i]) end
  out[#out + 1] = table.concat(line, "  ")
  for r in ipairs(rows) do
    for i in ipairs(cols) do line[i] = pad(cells[r][i], w[i], right[i]) end
    out[#out + 1] = (table.concat(line, "  "):gsub("%s+$", ""))
  end
  if #rows == 0 then out[#out + 1] = "(none)" end
end

local function render_text(doc)
  local out = {}
  if doc.title then
    out[#out + 1] = doc.title
    out[#out + 1] = string.rep("=", width(doc.title))
    if doc.subtitle then out[#out + 1] = doc.subtitle end
    out[#out + 1] = ""
  end
  for _, b in ipairs(doc.blocks) do
    if b.kind == "heading" then
      out[#out + 1] = b.text
      out[#out + 1] = string.rep(b.level <= 2 and "-" or "·", width(b.text))
    elseif b.kind == "paragraph" then
      out[#out + 1] = sanitize(b.text)
    elseif b.kind == "keyvalues" then
      local w = 0
      for _, p in ipairs(b.pairs) do w = math.max(w, width(tostring(p[1]))) end
      for _, p in ipairs(b.pairs) do
        out[#out + 1] = pad(tostring(p[1]) .. ":", w + 1) .. " " .. sanitize(cell({ key = 2 }, p))
      end
    elseif b.kind == "list" then
      for _, item in ipairs(b.items) do out[#out + 1] = "  - " .. sanitize(tostring(item)) end
    elseif b.kind == "table" then
      text_table(b, out)
    end
    out[#out + 1] = ""
  end
  return table.concat(out, "\n")
end

-- ---------------------------------------------------------------- markdown

local function md_escape(s)
  return (sanitize(s):gsub("([|\\`*_])", "\\%1"):gsub("\n", "<br>"))
end

local function render_markdown(doc)
  local out = {}
  if doc.title then
    out[#out + 1] = "# " .. md_escape(doc.title)
    out[#out + 1] = ""
    if doc.subtitle then out[#out + 1] = md_escape(doc.subtitle); out[#out + 1] = "" end
  end
  for _, b in ipairs(doc.blocks) do
    if b.kind == "heading" then
      out[#out + 1] = string.rep("#", math.min(b.level, 6)) .. " " .. md_escape(b.text)
    elseif b.kind == "paragraph" then
      out[#out + 1] = md_escape(b.text)
    elseif b.kind == "keyvalues" then
      for _, p in ipairs(b.pairs) do
        out[#out + 1] = "- **" .. md_escape(tostring(p[1])) .. ":** " .. md_escape(cell({ key = 2 }, p))
      end
    elseif b.kind == "list" then
      for _, item in ipairs(b.items) do out[#out + 1] = "- " .. md_escape(tostring(item)) end
    elseif b.kind == "table" then
      local head, rule = {}, {}
      for i, c in ipairs(b.columns) do
        head[i] = md_escape(c.title or c.key)
        rule[i] = is_numeric_col(c, b.rows) and "---:" or "---"
      end
      out[#out + 1] = "| " .. table.concat(head, " | ") .. " |"
      out[#out + 1] = "| " .. table.concat(rule, " | ") .. " |"
      for _, row in ipairs(b.rows) do
        local line = {}
        for i, c in ipairs(b.columns) do line[i] = md_escape(cell(c, row)) end
        out[#out + 1] = "| " .. table.concat(line, " | ") .. " |"
      end
    end
    out[#out + 1] = ""
  end
  return table.concat(out, "\n")
end

-- ---------------------------------------------------------------- csv (RFC 4180)

local function csv_field(s)
  if s:find('[,"\r\n]') then return '"' .. s:gsub('"', '""') .. '"' end
  return s
end
M.csv_field = csv_field

-- CSV is one table: the one named by doc.csv_table, else the first. Other tables are left
-- out, since CSV has no way to hold several; use JSON for the whole report.
local function render_csv(doc)
  local t
  for _, b in ipairs(doc.blocks) do
    if b.kind == "table" and (doc.csv_table == nil or b.name == doc.csv_table) then t = b; break end
  end
  if not t then return "" end
  local out, line = {}, {}
  for i, c in ipairs(t.columns) do line[i] = csv_field(c.key) end
  out[#out + 1] = table.concat(line, ",")
  for _, row in ipairs(t.rows) do
    line = {}
    for i, c in ipairs(t.columns) do line[i] = csv_field(cell(c, row)) end
    out[#out + 1] = table.concat(line, ",")
  end
  return table.concat(out, "\r\n") .. "\r\n"
end

-- ---------------------------------------------------------------- json

local function blocks_data(doc)
  local blocks = json.array({})
  for _, b in ipairs(doc.blocks) do
    if b.kind == "table" then
      local rows = json.array({})
      for _, row in ipairs(b.rows) do
        local r = {}
        for _, c in ipairs(b.columns) do r[c.key] = row[c.key] end
        rows[#rows + 1] = r
      end
      blocks[#blocks + 1] = { kind = "table", name = b.name, rows = rows }
    elseif b.kind == "keyvalues" then
      local kv = {}
      for _, p in ipairs(b.pairs) do kv[tostring(p[1])] = p[2] end
      blocks[#blocks + 1] = { kind = "keyvalues", values = kv }
    else
      blocks[#blocks + 1] = { kind = b.kind, text = b.text, level = b.level, items = b.items }
    end
  end
  return { title = doc.title, subtitle = doc.subtitle, blocks = blocks }
end

local function render_json(doc)
  return json.encode(doc.data ~= nil and doc.data or blocks_data(doc), { indent = "  " }) .. "\n"
end

-- ---------------------------------------------------------------- html

local function html_escape(s)
  return (s:gsub("[&<>\"']", { ["&"] = "&amp;", ["<"] = "&lt;", [">"] = "&gt;", ['"'] = "&quot;", ["'"] = "&#39;" }))
end
M.html_escape = html_escape

local function render_html(doc)
  local out = { "<!DOCTYPE html>", '<html lang="da"><head><meta charset="utf-8">',
    "<title>" .. html_escape(doc.title or "qm") .. "</title>",
    "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto}table{border-collapse:collapse}" ..
    "td,th{border:1px solid #ccc;padding:.2em .5em}td.n{text-align:right}</style>",
    "</head><body>" }
  if doc.title then out[#out + 1] = "<h1>" .. html_escape(doc.title) .. "</h1>" end
  if doc.subtitle then out[#out + 1] = "<p>" .. html_escape(doc.subtitle) .. "</p>" end
  for _, b in ipairs(doc.blocks) do
    if b.kind == "heading" then
      local l = math.min(b.level, 6)
      out[#out + 1] = ("<h%d>%s</h%d>"):format(l, html_escape(b.text), l)
    elseif b.kind == "paragraph" then
      out[#out + 1] = "<p>" .. html_escape(b.text) .. "</p>"
    elseif b.kind == "keyvalues" then
      out[#out + 1] = "<dl>"
      for _, p in ipairs(b.pairs) do
        out[#out + 1] = "<dt>" .. html_escape(tostring(p[1])) .. "</dt><dd>" .. html_escape(cell({ key = 2 }, p)) .. "</dd>"
      end
      out[#out + 1] = "</dl>"
    elseif b.kind == "list" then
      out[#out + 1] = "<ul>"
      for _, item in ipairs(b.items) do out[#out + 1] = "<li>" .. html_escape(tostring(item)) .. "</li>" end
      out[#out + 1] = "</ul>"
    elseif b.kind == "table" then
      out[#out + 1] = "<table><thead><tr>"
      for _, c in ipairs(b.columns) do out[#out + 1] = "<th>" .. html_escape(c.title or c.key) .. "</th>" end
      out[#out + 1] = "</tr></thead><tbody>"
      for _, row in ipairs(b.rows) do
        local tds = {}
        for i, c in ipairs(b.columns) do
          tds[i] = (is_numeric_col(c, b.rows) and '<td class="n">' or "<td>") .. html_escape(cell(c, row)) .. "</td>"
        end
        out[#out + 1] = "<tr>" .. table.concat(tds) .. "</tr>"
      end
      out[#out + 1] = "</tbody></table>"
    end
  end
  out[#out + 1] = "</body></html>"
  return table.concat(out, "\n") .. "\n"
end

local renderers = { text = render_text, markdown = render_markdown, csv = render_csv,
                    json = render_json, html = render_html }

-- report.render(doc, format) -> string
function M.render(doc, format)
  local r = renderers[format or "text"]
  if not r then error(("unknown report format %q (use text, markdown, csv, json or html)"):format(tostring(format)), 2) end
  return r(doc)
end

return M
