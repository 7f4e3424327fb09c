-- tables.lua — the one table renderer: a table's rows written in a format, row by row, for the
-- REPL's output modes (qm.engine.printer) and the report documents (qm.reports.document,
-- qm.reports.html) alike, so the same format is the same code wherever a table is printed.
--   tables.new(format, columns, opts) -> w; w.row(row) for each row; w.finish()
-- format: column (aligned columns under a dashed rule: the REPL's column mode and the
-- reports' text), box, table, markdown, line, csv, json, html (a <table>).
-- columns: { { title = "...", align = "right"|"left"|nil, wrap = <width in text> }, ... }
-- opts:
--   line(s)        writes one line (without its end); the caller ends lines as its format does
--   text(i, row)   the cell's plain text (nil or "" for none); each format escapes it its way
--   value(i, row)  the cell's value (a number right-aligns its column; JSON writes it)
--   headers        false: no header row (column, box, table, csv)
--   empty          the line written when a column table has no rows ("(none)")
--   fit            the terminal's width: aligned tables are narrowed to it (values cut with …)
--   newlines       " ": a line break (and a tab) in a cell reads as a space (prose in reports);
--                  otherwise it is shown escaped (\n, \x09), as data
--   guard          csv: neutralise cells a spreadsheet would take for a formula (OWASP)
--   rows           html: the number of rows when known (a short table is kept on one page)
--   caption        html: the table's caption
--   hold           how many rows to look at before writing (default ALIGN_ROWS; a report's
--                  table that is an array is measured whole)
-- A column is right-aligned when its `align` says so, else when every value in the rows seen
-- is a number and there is one (a column of only empty values is text). Aligned formats hold
-- the first ALIGN_ROWS rows to choose the widths and alignment, then stream the rest at those
-- widths (a longer value later widens only its own row, or is cut to the terminal): memory
-- stays flat however many rows a query gives. csv and json write each row as it comes.
local width = require "qm.reports.width"
-- the JSON writer is loaded at the first JSON output: a report as text does not load it
local json = setmetatable({}, { __index = function(t, k)
  local mod = require "qm.reports.json"
  setmetatable(t, { __index = mod })
  return mod[k]
end })
-- plain(s): no control characters and valid UTF-8, text a terminal shows as it is (qm.width,
-- engine/width.c): most cells, which escape() and sanitize() then return without a pattern
local plain = require("qm.width").plain

local M = {}

M.ALIGN_ROWS = 1000
M.formats = { "column", "box", "table", "markdown", "line", "csv", "json", "html" }

local null_value
local function is_null(v)
  if v == nil then return true end
  if null_value == nil then null_value = require("qm.host").null end
  return v == null_value
end

-- ---------------------------------------------------------------- escaping, per format

-- text for a terminal: a line break as \n, other control characters and bytes that are not
-- UTF-8 as \xNN, so data never moves the cursor or breaks a table's lines
local function escape(s)
  if plain(s) then return s end
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

-- control characters shown escaped, line breaks and tabs kept (prose)
local function sanitize(s)
  if plain(s) then return s end
  return (s:gsub("[%z\1-\8\11-\31\127]", function(c) return ("\\x%02x"):format(c:byte()) end))
end
M.sanitize = sanitize

-- Text in Markdown is text, never markup: HTML (<script>) becomes entities, the characters
-- that make emphasis, code, links, tables and strike-through are escaped with a backslash, and
-- at the start of a block (`start`) so are headings, lists and quotes.
local md_entities = { ["&"] = "&amp;", ["<"] = "&lt;", [">"] = "&gt;" }
local function md_escape(s, start)
  -- most text has nothing to escape: returned after one look (no control character, line
  -- break or markup character; at a block's start no heading, list or quote mark)
  if plain(s) and not s:find("[&<>|\\`*_%[%]~]") and not (start and (s:find("^[#+-]") or s:find("^%d+[.)]"))) then
    return s
  end
  s = sanitize(s):gsub("[&<>]", md_entities):gsub("([|\\`*_%[%]~])", "\\%1")
  if start then s = s:gsub("^([#+-])", "\\%1"):gsub("^(%d+)([.)])", "%1\\%2") end
  return (s:gsub("\n", "<br>"))
end
M.md_escape = md_escape

-- A cell that a spreadsheet would take for a formula (it begins with =, +, -, @, a tab or a
-- carriage return) is neutralised with a leading single quote, as OWASP's CSV-injection
-- guidance says (also after leading spaces, which some spreadsheets skip); a plain number
-- ("-3", "+2.5", "-1e3") stays a number, and so does a lone "-" (a blank mark, no formula).
local function csv_guard(s)
  local first, rest = s:match("^ *(.)(.*)$")
  if (first == "=" or first == "+" or first == "-" or first == "@" or first == "\t" or first == "\r")
     and rest ~= "" and not (tonumber(s) and s:match("^ *[-+]?[%d.]+[eE]?[-+]?%d*$")) then
    s = "'" .. s
  end
  return s
end

-- RFC 4180: quoted when it holds a comma, a quote or a line break
local function csv_quote(s)
  if s:find('[,"\r\n]') then return '"' .. s:gsub('"', '""') .. '"' end
  return s
end

-- the report's CSV cell: guarded, then quoted
function M.csv_field(s) return csv_quote(csv_guard(s)) end

local html_entities = { ["&"] = "&amp;", ["<"] = "&lt;", [">"] = "&gt;", ['"'] = "&quot;", ["'"] = "&#39;" }
local function html_escape(s)
  s = tostring(s)
  if not s:find("[&<>\"']") then return s end   -- most cells: nothing to escape
  return (s:gsub("[&<>\"']", html_entities))
end
M.html_escape = html_escape

-- the lines of a text at most `w` characters wide, broken between words (a word longer
-- than w stands on its own line); with `hang`, the lines after the first are indented by
-- that many spaces (and are that much shorter), so a wrapped table cell reads as one; a
-- cell's own indentation (a criterion under its theme) stays
-- (In C, width.wrap, for a whole width; M.wrap_lua is the same in Lua, which the tests
-- compare it with. In UTF-8 text a line's width is the sum of its words' and spaces' widths,
-- so it is kept as words are added; text that is not UTF-8 counts a column per byte.)
local wrap_c = width.wrap
function M.wrap_text(s, w, hang)
  if math.type(w) == "integer" and (hang == nil or math.type(hang) == "integer") then return wrap_c(s, w, hang) end
  return M.wrap_lua(s, w, hang)
end

function M.wrap_lua(s, w, hang)
  local of = width.of
  local lines, cur, cur_w = {}, nil, 0
  local lead = s:match("^ *")
  local indent = hang and hang > 0 and lead .. string.rep(" ", hang) or lead
  local first_room, room = w - #lead, w - #indent
  local additive = utf8.len(s) ~= nil
  for word in s:gmatch("%S+") do
    local word_w = of(word)
    if cur == nil then cur, cur_w = word, word_w
    else
      if not additive then cur_w = of(cur) end
      if cur_w + 1 + word_w <= (#lines == 0 and first_room or room) then
        cur, cur_w = cur .. " " .. word, cur_w + 1 + word_w
      else
        lines[#lines + 1] = (#lines == 0 and lead or indent) .. cur
        cur, cur_w = word, word_w
      end
    end
  end
  lines[#lines + 1] = (#lines == 0 and lead or indent) .. (cur or "")
  return lines
end

-- ---------------------------------------------------------------- the writer

local function default_text(i, row)
  local v = row[i]
  if is_null(v) then return "" end
  return tostring(v)
end

function M.new(format, cols, opts)
  opts = opts or {}
  local line = assert(opts.line, "tables.new needs opts.line")
  local text = opts.text or default_text
  local value = opts.value or function(i, row) return row[i] end
  local headers = opts.headers ~= false
  local n = #cols
  local function str(i, row)
    local s = text(i, row)
    if type(s) == "string" then return s end
    if s == nil then return "" end
    return tostring(s)
  end
  -- a terminal's text of a cell or title
  local prose = opts.newlines
  local function term(s)
    if plain(s) then return s end
    if prose then s = s:gsub("[\n\t]", prose) end
    return escape(s)
  end

  if format == "csv" then
    local guard = opts.guard and csv_guard or function(s) return s end
    local cells = {}
    if headers then
      for i, c in ipairs(cols) do cells[i] = csv_quote(guard(c.title or "")) end
      line(table.concat(cells, ","))
    end
    return {
      row = function(row)
        for i = 1, n do cells[i] = csv_quote(guard(str(i, row))) end
        line(table.concat(cells, ","))
      end,
      finish = function() end }
  end

  if format == "json" then
    -- an array of objects, keys in column order, NULL as null; each row's object is written
    -- when the next one comes (it then takes its comma) or the array ends
    local keys, pending = {}, nil
    for i, c in ipairs(cols) do keys[i] = c.title end
    local null = require("qm.host").null
    return {
      row = function(row)
        local o = {}
        for i, k in ipairs(keys) do
          local v = value(i, row)
          o[k] = is_null(v) and null or v
        end
        if pending then line(pending .. ",") else line("[") end
        pending = "  " .. json.encode(json.object(o, keys), { indent = "  " }):gsub("\n", "\n  ")
      end,
      finish = function()
        if pending then line(pending); line("]") else line("[]") end
      end }
  end

  if format == "line" then
    -- one `column = value` per line, a blank line between rows
    local w, names, count = 0, {}, 0
    for i, c in ipairs(cols) do names[i] = term(c.title or ""); w = math.max(w, width.of(names[i])) end
    return {
      row = function(row)
        if count > 0 then line("") end
        count = count + 1
        for i = 1, n do line(width.pad(names[i], w, true) .. " = " .. term(str(i, row))) end
      end,
      finish = function() end }
  end

  -- the formats that look at the first rows first: aligned (column, box, table), markdown, html
  local numeric, seen_number = {}, {}
  for i = 1, n do numeric[i] = true end
  local function note(i, v)
    if not is_null(v) then
      if type(v) == "number" then seen_number[i] = true else numeric[i] = false end
    end
  end
  local function right_aligned(i)
    local a = cols[i].align
    if a then return a == "right" end
    return numeric[i] and seen_number[i] == true
  end
  local held, started, count = {}, false, 0
  local hold_rows = opts.hold or M.ALIGN_ROWS

  local start, body
  if format == "markdown" then
    local right = {}
    start = function()
      local head, rule = {}, {}
      for i, c in ipairs(cols) do
        right[i] = right_aligned(i)
        head[i] = md_escape(c.title or "")
        rule[i] = right[i] and "---:" or "---"
      end
      line("| " .. table.concat(head, " | ") .. " |")
      line("| " .. table.concat(rule, " | ") .. " |")
    end
    local cells = {}
    body = function(row)
      for i = 1, n do cells[i] = md_escape(str(i, row)) end
      line("| " .. table.concat(cells, " | ") .. " |")
    end
  elseif format == "html" then
    local right = {}
    local classes = {}
    if opts.rows and opts.rows <= 25 then classes[#classes + 1] = "short" end
    if n >= 9 then classes[#classes + 1] = "wide" end
    start = function()
      line(('<div class="table-wrap"><table%s>'):format(#classes > 0 and (' class="%s"'):format(table.concat(classes, " ")) or ""))
      if opts.caption then line("<caption>" .. html_escape(opts.caption) .. "</caption>") end
      local ths = {}
      for i, c in ipairs(cols) do
        right[i] = right_aligned(i)
        ths[i] = (right[i] and '<th scope="col" class="n">' or '<th scope="col">') .. html_escape(c.title or "") .. "</th>"
      end
      line("<thead><tr>" .. table.concat(ths) .. "</tr></thead><tbody>")
    end
    local tds = {}
    body = function(row)
      for i = 1, n do tds[i] = (right[i] and '<td class="n">' or "<td>") .. html_escape(str(i, row)) .. "</td>" end
      line("<tr>" .. table.concat(tds) .. "</tr>")
    end
  else
    -- aligned: column (under a dashed rule), box (Unicode lines), table (ASCII, as sqlite3's)
    assert(format == "column" or format == "box" or format == "table", "tables.new: unknown format " .. tostring(format))
    local w, right, names = {}, {}, {}
    local wrapped = false
    for i, c in ipairs(cols) do
      names[i] = term(c.title or "")
      w[i] = headers and width.of(names[i]) or 1
      if c.wrap then wrapped = true end
    end
    local fit = opts.fit
    local streaming = false
    local function fitted(s, i, is_value)
      -- values are cut to the column's width on a terminal, or while the widths still
      -- hold every value; a number is never cut (a longer one later widens its row instead)
      if (fit or not streaming) and not (right[i] and is_value) then return width.shorten(s, w[i]) end
      return s
    end
    -- a column line ends without spaces: cut after its last other character (a match that
    -- backs up over the trailing spaces once; "%s+$" tried every space of a padded line), when
    -- it ends in one (%s: space, \t, \n, \v, \f, \r)
    local function join(parts)
      if format == "column" then
        local s = table.concat(parts, "  ")
        local last = s:byte(-1)
        if last ~= nil and last ~= 32 and (last < 9 or last > 13) then return s end
        return s:match("^.*%S") or ""
      end
      local v = format == "table" and "|" or "│"
      return v .. " " .. table.concat(parts, " " .. v .. " ") .. " " .. v
    end
    local function rule(l, m, r)
      local h = format == "table" and "-" or "─"
      local d = {}
      for i = 1, n do d[i] = string.rep(h, w[i] + 2) end
      return l .. table.concat(d, m) .. r
    end
    local corners = format == "table" and { top = { "+", "+", "+" }, mid = { "+", "+", "+" }, bottom = { "+", "+", "+" } }
      or { top = { "┌", "┬", "┐" }, mid = { "├", "┼", "┤" }, bottom = { "└", "┴", "┘" } }
    -- a column line's last cell, when left-aligned, is not padded: join cuts the spaces
    local pad_last = true
    local function pad(s, i)
      if i == n and not pad_last then return s end
      return width.pad(s, w[i], right[i])
    end
    local parts = {}
    -- a line of text cells, padded and joined: the column format's in C (width.columns),
    -- the same text as join() of the padded cells
    local columns = width.columns
    local function padded_line(cells)
      if format == "column" then return columns(cells, n, w, right, pad_last) end
      for i = 1, n do parts[i] = pad(cells[i], i) end
      return join(parts)
    end
    local function emit(cells)
      if not wrapped then
        if fit then
          for i = 1, n do parts[i] = fitted(cells[i], i, true) end
          line(padded_line(parts))
        else
          line(padded_line(cells))
        end
        return
      end
      -- a wrapped column continues on the next lines, the other columns blank there
      local pieces, height = {}, 1
      for i, c in ipairs(cols) do
        pieces[i] = c.wrap and M.wrap_text(cells[i], w[i], 2) or { cells[i] }
        if #pieces[i] > height then height = #pieces[i] end
      end
      local row = {}
      for k = 1, height do
        for i = 1, n do row[i] = pieces[i][k] or "" end
        line(padded_line(row))
      end
    end
    start = function()
      for i = 1, n do right[i] = right_aligned(i) end
      pad_last = format ~= "column" or right[n] == true
      -- a wrapped column is at most its width (and at least its longest word, indented)
      for i, c in ipairs(cols) do
        if c.wrap and w[i] > c.wrap then
          local longest = width.of(names[i])
          for _, cells in ipairs(held) do
            local widest = width.longest(cells[i])
            if widest then longest = math.max(longest, widest + 2) end
          end
          w[i] = math.max(c.wrap, longest)
        end
      end
      if fit then
        local sep = format == "column" and 2 or 3
        local function total() local t = 1 for i = 1, n do t = t + w[i] + sep end return t end
        while total() > fit do
          local wi, best = nil, 0
          for i = 1, n do if w[i] > best then best, wi = w[i], i end end
          if best <= 4 then break end
          w[wi] = w[wi] - 1
        end
      end
      if format ~= "column" then line(rule(corners.top[1], corners.top[2], corners.top[3])) end
      if headers then
        local hs = {}
        for i = 1, n do hs[i] = pad(width.shorten(names[i], w[i]), i) end
        line(join(hs))
        if format == "column" then
          local d = {}
          for i = 1, n do d[i] = string.rep("-", w[i]) end
          line(table.concat(d, "  "))
        else
          line(rule(corners.mid[1], corners.mid[2], corners.mid[3]))
        end
      end
    end
    local cells_of = function(row)
      local cells = {}
      for i = 1, n do cells[i] = term(str(i, row)) end
      return cells
    end
    -- aligned formats hold the cells' text (measured once), the others the rows
    local hold = function(row)
      local cells = cells_of(row)
      for i = 1, n do
        note(i, value(i, row))
        local cw = width.of(cells[i])
        if cw > w[i] then w[i] = cw end
      end
      return cells
    end
    local finish_rows = function()
      if count == 0 and opts.empty then line(opts.empty) end
      if format ~= "column" then line(rule(corners.bottom[1], corners.bottom[2], corners.bottom[3])) end
    end
    local function flush()
      start()
      streaming = true
      started = true
      for _, cells in ipairs(held) do emit(cells) end
      held = nil
    end
    return {
      row = function(row)
        count = count + 1
        if started then emit(cells_of(row)) return end
        held[#held + 1] = hold(row)
        if #held >= hold_rows then flush() end
      end,
      finish = function()
        if not started then flush() end
        finish_rows()
      end,
      -- once the held rows are written: the widths and alignment the rest is written at, for
      -- a caller that writes those rows itself (the C row writer, qm.rows: the same text);
      -- nil while rows are held, and for wrapped columns or a terminal's width (cut values)
      streaming_layout = function()
        if not started or wrapped or fit or format ~= "column" then return nil end
        return w, right, prose
      end }
  end

  -- markdown and html: the first rows decide the alignment, then everything streams
  local function flush()
    start()
    started = true
    for _, row in ipairs(held) do body(row) end
    held = nil
  end
  return {
    row = function(row)
      count = count + 1
      if started then body(row) return end
      for i = 1, n do note(i, value(i, row)) end
      held[#held + 1] = row
      if #held >= hold_rows then flush() end
    end,
    finish = function()
      if not started then flush() end
      if format == "html" then
        if count == 0 then line(('<tr><td class="empty" colspan="%d">–</td></tr>'):format(n)) end
        line("</tbody></table></div>")
      end
    end }
end

return M
