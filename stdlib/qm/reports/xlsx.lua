-- xlsx.lua — a report document as a spreadsheet (libxlsxwriter through the engine's qm.xlsx):
-- one sheet per table (a chart's data table and a key-value list count as tables), named
-- after the heading above it (or the chart's title, the table's name), sanitised to Excel's
-- rules (at most 31 characters, none of []:*?/\, not blank, unique ignoring case). Each sheet
-- has the report's title in bold, the headings and paragraphs that led to the table, a bold
-- header row that stays in view (frozen panes), column widths from the contents, numbers
-- written as numbers and YYYY-MM-DD values as dates. Rows are written as they come (the
-- workbook keeps constant memory), so a streamed table of a million rows stays small.
-- The file is made in a temporary file and then copied to the run's output, so --out is
-- still written only when the run succeeds.
local M = {}

M.ALIGN_ROWS = 1000
M.RESERVED = { history = true }   -- Excel reserves this sheet name

local function utf8_chars(s)
  local ok, n = pcall(utf8.len, s)
  return (ok and n) or #s
end

-- Excel counts a sheet name in UTF-16 units: a character outside the BMP counts twice
local function excel_len(s)
  local n = 0
  for _, cp in utf8.codes(s) do n = n + (cp > 0xFFFF and 2 or 1) end
  return n
end

local function excel_cut(s, max)
  local out, n = {}, 0
  for _, cp in utf8.codes(s) do
    local w = cp > 0xFFFF and 2 or 1
    if n + w > max then break end
    out[#out + 1] = utf8.char(cp); n = n + w
  end
  return table.concat(out)
end

local function fold(s)
  return (s:lower():gsub("Æ", "æ"):gsub("Ø", "ø"):gsub("Å", "å"):gsub("Ä", "ä"):gsub("Ö", "ö"):gsub("Ü", "ü"):gsub("É", "é"))
end

-- sheet_namer() -> function(wanted) -> a valid, unused sheet name
function M.sheet_namer()
  local used, count = {}, 0
  return function(wanted)
    count = count + 1
    local s = tostring(wanted or "")
    if not utf8.len(s) then s = s:gsub("[\128-\255]", "?") end
    s = s:gsub("[%[%]:%*%?/\\]", " "):gsub("[%c]", " "):gsub("%s+", " ")
    s = s:gsub("^[%s']+", ""):gsub("[%s']+$", "")
    if s == "" then s = tostring(count) end
    s = excel_cut(s, 31):gsub("[%s']+$", "")
    if s == "" then s = tostring(count) end
    local name, n = s, 1
    while used[fold(name)] or M.RESERVED[fold(name)] do
      n = n + 1
      local suffix = (" (%d)"):format(n)
      name = excel_cut(s, 31 - #suffix):gsub("[%s']+$", "") .. suffix
    end
    used[fold(name)] = true
    return name
  end
end

-- a YYYY-MM-DD text (or a date object printing as one) -> year, month, day
local function as_date(v)
  local s
  if type(v) == "string" then s = v
  elseif type(v) == "table" or type(v) == "userdata" then
    local mt = getmetatable(v)
    if mt and mt.__tostring then s = tostring(v) end
  end
  if not s then return nil end
  local y, m, d = s:match("^(%d%d%d%d)%-(%d%d)%-(%d%d)$")
  if not y then return nil end
  y, m, d = tonumber(y), tonumber(m), tonumber(d)
  if m < 1 or m > 12 or d < 1 or d > 31 or y < 1900 then return nil end
  return y, m, d
end
M.as_date = as_date

local function rows_of(t)
  if type(t.rows) == "function" then
    local it, s, ctl, closing = t.rows()
    if type(it) == "userdata" then return it:each() end  -- a C-level source (qm.rows)
    return it, s, ctl, closing
  end
  local i, rows = 0, t.rows
  return function() i = i + 1; return rows[i] end
end

-- xlsx.write(doc, sink, opts): opts.cell(col, row) -> display text (the report's own),
-- opts.null (the null value), opts.chart_table(spec) -> { columns, rows },
-- opts.fail(msg) raises an error of the right class
function M.write(doc, sink, opts)
  local ok_x, xl = pcall(require, "qm.xlsx")
  if not ok_x or not xl.available then
    opts.fail("--format xlsx is not available: this qm was built without libxlsxwriter " ..
      "(install the Debian package libxlsxwriter-dev and build qm again)")
  end
  local path = os.tmpname()
  local cleanup <close> = setmetatable({}, { __close = function() os.remove(path) end })
  local wb <close> = xl.workbook(path)
  local F = {
    title = wb:format { bold = true, size = 14 },
    sub = wb:format { italic = true },
    header = wb:format { bold = true, border_bottom = true, bg = 0xE8E8E8, wrap = true },
    date = wb:format { num_format = "yyyy-mm-dd" },
  }
  local numfmts = {}
  local function numfmt(f)
    if not f then return 0 end
    if not numfmts[f] then numfmts[f] = wb:format { num_format = f } end
    return numfmts[f]
  end
  local name_of = M.sheet_namer()
  local context = {}      -- headings and paragraphs since the last sheet
  local headings = {}     -- the current heading at each level
  local sheets = 0
  local null = opts.null

  local function sheet_for(wanted, columns)
    sheets = sheets + 1
    local ws = wb:sheet(name_of(wanted))
    local r = 0
    if doc.title then ws:string(r, 0, doc.title, F.title); r = r + 1 end
    if doc.subtitle then ws:string(r, 0, doc.subtitle, F.sub); r = r + 1 end
    for _, line in ipairs(context) do ws:string(r, 0, line, line == context[1] and F.sub or 0); r = r + 1 end
    context = {}
    r = r + 1
    for i, col in ipairs(columns) do ws:string(r, i - 1, col.title or col.key, F.header) end
    ws:freeze(r + 1, 0)
    return ws, r + 1
  end

  -- a cell: numbers as numbers (with the column's numfmt, if any), dates as dates, the
  -- rest as the report's text of the value
  local function put(ws, r, i, col, row)
    local v = row[col.key]
    if type(v) == "number" then
      if v == v and v ~= math.huge and v ~= -math.huge then ws:number(r, i - 1, v, numfmt(col.numfmt)) end
      return
    end
    if v ~= nil and v ~= null then
      local y, m, d = as_date(v)
      if y then ws:date(r, i - 1, y, m, d, F.date); return end
    end
    local s = opts.cell(col, row)
    if s ~= "" then ws:string(r, i - 1, s) end
  end

  local function write_table(wanted, columns, t)
    local ws, r = sheet_for(wanted, columns)
    local widths = {}
    for i, col in ipairs(columns) do widths[i] = utf8_chars(col.title or col.key) end
    local head, sized = {}, false
    local function set_widths()
      sized = true
      for _, h in ipairs(head) do
        for i, col in ipairs(columns) do
          local w = utf8_chars(opts.cell(col, h))
          if w > widths[i] then widths[i] = w end
        end
      end
      for i, w in ipairs(widths) do ws:width(i - 1, math.max(8, math.min(60, w + 2))) end
    end
    local function row_out(row)
      if r >= xl.max_rows then
        opts.fail(("the table \"%s\" has more rows than a spreadsheet sheet holds (%d): use --format csv")
          :format(tostring(wanted), xl.max_rows))
      end
      for i, col in ipairs(columns) do put(ws, r, i, col, row) end
      r = r + 1
    end
    -- column widths from the first ALIGN_ROWS rows; they must be measured before they are
    -- set, so those rows are held, then written; the rest are written as they come
    for row in rows_of(t) do
      if sized then row_out(row)
      else
        head[#head + 1] = row
        if #head >= M.ALIGN_ROWS then
          set_widths()
          for _, h in ipairs(head) do row_out(h) end
          head = nil
        end
      end
    end
    if not sized then
      set_widths()
      for _, h in ipairs(head) do row_out(h) end
    end
  end

  local function heading_text()
    for l = 6, 1, -1 do if headings[l] then return headings[l] end end
    return nil
  end

  for _, b in ipairs(doc.blocks) do
    if b.kind == "heading" then
      local l = math.max(1, math.min(6, b.level or 2))
      headings[l] = b.text
      for k = l + 1, 6 do headings[k] = nil end
      context = { b.text }
    elseif b.kind == "paragraph" then
      context[#context + 1] = b.text
    elseif b.kind == "list" then
      for _, item in ipairs(b.items) do context[#context + 1] = "- " .. tostring(item) end
    elseif b.kind == "keyvalues" then
      local rows = {}
      for i, p in ipairs(b.pairs) do rows[i] = { label = tostring(p[1]), value = p[2] } end
      write_table(heading_text() or doc.title, { { key = "label", title = "" }, { key = "value", title = "" } }, { rows = rows })
    elseif b.kind == "table" then
      write_table(b.sheet or heading_text() or b.name or doc.title, b.columns, b)
    elseif b.kind == "chart" then
      local t = opts.chart_table(b.spec)
      write_table(b.spec.title or heading_text() or b.spec.type, t.columns, t)
    end
  end
  if sheets == 0 then
    -- a document without tables still opens: its title and text on one sheet
    local ws = wb:sheet(name_of(doc.title))
    local r = 0
    if doc.title then ws:string(r, 0, doc.title, F.title); r = r + 1 end
    if doc.subtitle then ws:string(r, 0, doc.subtitle, F.sub); r = r + 1 end
    for _, line in ipairs(context) do ws:string(r, 0, line); r = r + 1 end
  end
  wb:close()
  local f = assert(io.open(path, "rb"))
  while true do
    local chunk = f:read(65536)
    if not chunk then break end
    sink(chunk)
  end
  f:close()
end

return M
