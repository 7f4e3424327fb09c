-- The reports' text helpers in C against the Lua they replaced: qm.numtext's fixed()
-- (engine/numtext.c) behind qm.reports.i18n's numbers and charts.number, and its sorted()
-- behind a dot chart's scores; qm.width's plain()
-- (engine/width.c) behind qm.reports.tables' escape(), sanitize() and term(), and its wrap()
-- and longest() behind tables.wrap_text and a wrapped column's width, and its columns()
-- behind the column format's lines.
local t = require "testing"
local numtext = require "qm.numtext"
local plain = require("qm.width").plain
local i18n = require "qm.reports.i18n"
local charts = require "qm.reports.charts"
local tables = require "qm.reports.tables"

-- qm.reports.i18n's number(), as it was in Lua (before engine/numtext.c)
local function lua_group(int, sep)
  if #int <= 4 or sep == "" then return int end
  local out = int:reverse():gsub("(%d%d%d)", "%1" .. sep):reverse()
  if out:sub(1, #sep) == sep then out = out:sub(#sep + 1) end
  return out
end
local function lua_i18n_number(cat, v, decimals, fixed)
  if v == nil or v ~= v then return nil end
  if math.type(v) == "integer" and v > -10000 and v < 10000 then return tostring(v) end
  if v == math.huge then return "∞" elseif v == -math.huge then return "-∞" end
  local s
  if math.type(v) == "integer" then s = tostring(v)
  else
    s = ("%." .. (decimals or 2) .. "f"):format(v)
    if not fixed and s:find("%.") then s = s:gsub("0+$", ""):gsub("%.$", "") end
    if s == "-0" then s = "0" end
  end
  local sign, int, frac = s:match("^(%-?)(%d+)%.?(%d*)$")
  if not int then return s end
  s = sign .. lua_group(int, cat.number.group)
  if frac ~= "" then s = s .. cat.number.decimal .. frac end
  return s
end

-- charts.number(), as it was in Lua
local function lua_chart_number(opts)
  local d, mark, pct = opts.decimals or 1, opts.decimal or ".", opts.percent
  local fixed = "%." .. d .. "f"
  return function(v)
    if v == nil or type(v) ~= "number" or v ~= v then return "–" end
    if pct then v = v * 100 end
    local s = fixed:format(v)
    if d > 0 then s = s:gsub("0+$", ""):gsub("%.$", "") end
    if s == "-0" then s = "0" end
    if mark ~= "." then s = s:gsub("%.", mark) end
    return pct and (s .. "%") or s
  end
end

-- the numbers: rounding edges (0.05, 2.675, 0.125 are not what they look like in binary),
-- negative zero and values that round to it, grouping edges (4 and 5 digits), integers and
-- floats, huge and tiny values, infinities and NaN
local VALUES = { 0, 0.0, -0.0, 1, -1, 0.05, -0.05, 0.049, 2.675, -2.675, 1.005, 0.125, 0.5, 1.5,
  2.5, -0.5, -0.004, -0.04, 0.004, 9.995, 99.95, 55, 55.0, 71.666666, 42.5, 100, 9999, 9999.5,
  10000, -10000, 10000.0, 12345, -12345, 12345.678, 999999.999, 1234567, -1234567.5, 1e15,
  1e20, -1e20, 1.5e300, 2^53, 2^63 - 1, math.mininteger, 1e-300, -1e-300, 0.1 + 0.2,
  math.huge, -math.huge, 0 / 0 }

t.test("the C number text is the Lua number text: i18n's numbers in Danish and English", function()
  local checked = 0
  for _, lang in ipairs { "da", "en" } do
    local L = i18n.new(lang)
    for _, v in ipairs(VALUES) do
      for _, d in ipairs { 0, 1, 2, 3 } do
        for _, fixed in ipairs { false, true } do
          local what = ("%s %s decimals %d%s"):format(lang, tostring(v), d, fixed and " fixed" or "")
          t.eq(L:num(v, d, fixed), lua_i18n_number(L.cat, v, d, fixed), what)
          checked = checked + 1
        end
      end
      t.eq(L:num(v), lua_i18n_number(L.cat, v), lang .. " default decimals " .. tostring(v))
    end
  end
  t.truthy(checked > 700, "many numbers checked")
  local da = i18n.new("da")
  t.eq(da:num(12345.678), "12.345,68", "grouped from five digits, decimal comma")
  t.eq(da:num(4500.5), "4500,5", "four digits are not grouped")
  t.eq(da:num(-0.004), "0", "a value that rounds to -0 is 0")
  t.eq(da:num(-0.004, 2, true), "-0,00", "fixed keeps the sign and the zeros, as before")
  t.eq(da:num(2.675), "2,67", "2.675 is 2.67499... in binary")
  t.eq(da:num(-1234567), "-1.234.567", "an integer is grouped after its sign")
  t.eq(da:num(0 / 0), nil, "NaN is no number")
end)

t.test("the C number text is the Lua number text: charts.number, with percent and marks", function()
  for _, opts in ipairs { {}, { decimals = 0 }, { decimals = 1, decimal = "," }, { decimals = 2, decimal = "," },
                          { decimals = 1, percent = true }, { decimals = 0, percent = true, decimal = "," },
                          { decimals = 3, decimal = "·" } } do
    local c, l = charts.number(opts), lua_chart_number(opts)
    for pass = 1, 2 do   -- the second time from the formatter's memo
      for _, v in ipairs(VALUES) do
        t.eq(c(v), l(v), ("%s decimals %s mark %s%s, pass %d"):format(tostring(v), tostring(opts.decimals),
          tostring(opts.decimal), opts.percent and " percent" or "", pass))
      end
    end
    t.eq(c(nil), "–", "nil")
    t.eq(c("12"), "–", "text is no number")
  end
  t.eq(charts.number { decimals = 1, decimal = "," }(0 / 0), "–", "NaN is a dash")
  t.eq(charts.number { decimals = 1 }(-0.0), "0", "negative zero")
  t.eq(charts.number { decimals = 1, decimal = "," }(0.05), "0,1", "0.05 rounds up at one decimal")
  t.eq(charts.number { decimals = 1, decimal = "," }(55), "55", "an integer, trimmed")
  t.eq(charts.number { decimals = 1, decimal = "," }(1e20), "100000000000000000000", "charts do not group")
end)

t.test("a chart's coordinates: %.1f without its zero decimal, as the Lua wrote them", function()
  local function lua_coord(v)
    local s = ("%.1f"):format(v)
    if s == "-0.0" then s = "0.0" end
    return (s:gsub("%.0$", ""))
  end
  local checked = 0
  for _, v in ipairs(VALUES) do
    for _, d in ipairs { 0, 0.04, -0.04, 0.05, -0.05, 0.95, 0.25, 1 / 3, 123.45, -99.95 } do
      t.eq(charts.coord(v + d), lua_coord(v + d), tostring(v + d))
      checked = checked + 1
    end
  end
  t.eq(charts.coord(-0.04), "0", "no -0")
  t.eq(charts.coord(12), "12")
  t.eq(charts.coord(12.25), "12.2", "%.1f rounds as printf does")
  t.truthy(checked > 400)
end)

t.test("HTML and SVG text escaped as the gsubs escaped it, plain text returned at once", function()
  local E = { ["&"] = "&amp;", ["<"] = "&lt;", [">"] = "&gt;", ['"'] = "&quot;", ["'"] = "&#39;" }
  local function lua_html(s) return (tostring(s):gsub("[&<>\"']", E)) end
  local function lua_svg(s)
    s = tostring(s):gsub("[%z\1-\8\11\12\14-\31]", "")
    return (s:gsub("[&<>\"']", E))
  end
  for _, s in ipairs { "", "Æblet", "a & b", "<script>", "it's \"x\"", "tab\there\nline\r", "bell\7 nul\0 esc\27",
                       "\xe6ble <b>", "漢字 & 👍", 42, 2.5 } do
    t.eq(tables.html_escape(s), lua_html(s), ("html %q"):format(tostring(s)))
    t.eq(charts.escape(s), lua_svg(s), ("svg %q"):format(tostring(s)))
  end
end)

t.test("Markdown text escaped as the gsubs escaped it, plain text returned at once", function()
  local ent = { ["&"] = "&amp;", ["<"] = "&lt;", [">"] = "&gt;" }
  local function lua_md(s, start)
    s = s:gsub("[%z\1-\8\11-\31\127]", function(c) return ("\\x%02x"):format(c:byte()) end)
    s = s:gsub("[&<>]", ent):gsub("([|\\`*_%[%]~])", "\\%1")
    if start then s = s:gsub("^([#+-])", "\\%1"):gsub("^(%d+)([.)])", "%1\\%2") end
    return (s:gsub("\n", "<br>"))
  end
  for _, s in ipairs { "", "Æblet", "a | b", "*bold* _it_ `code` [x](y) ~s~ \\", "# heading", "- item", "+ item",
                       "12. point", "3) x", "1.5 og 2", "line\nbreak", "tab\there", "ctl\1", "\xe6ble", "<b> & </b>", "a-b" } do
    for _, start in ipairs { false, true } do
      t.eq(tables.md_escape(s, start), lua_md(s, start), ("%q start %s"):format(s, tostring(start)))
    end
  end
end)

t.test("numtext.fixed: its arguments", function()
  t.eq(numtext.fixed(12345.5, 1, true, ",", "."), "12.345,5")
  t.eq(numtext.fixed(12345.5, 1, true, ",", "\u{a0}"), "12\u{a0}345,5", "a separator of two bytes")
  t.eq(numtext.fixed(1.5), "1.50", "defaults: two decimals, not trimmed, a point, no groups")
  t.eq(numtext.fixed(12345), "12345", "an integer as tostring writes it")
  -- integers (and whole floats below 1e15, trimmed) are written without printf: every digit,
  -- the sign and the extremes as %d writes them
  for _, i in ipairs { 0, 1, -1, 9, 10, -10, 99, 100, 4500, -4500, 12345, 1000000, math.maxinteger,
                       math.mininteger, math.mininteger + 1, 999999999999999, -999999999999999 } do
    t.eq(numtext.fixed(i), ("%d"):format(i), "integer " .. ("%d"):format(i))
    local f = i + 0.0
    if f == math.floor(f) and math.abs(f) < 1e15 then
      t.eq(numtext.fixed(f, 2, true), ("%d"):format(i), "whole float " .. ("%d"):format(i))
      t.eq(numtext.fixed(f, 0, false), ("%.0f"):format(f), "whole float, no decimals " .. ("%d"):format(i))
    end
  end
  t.eq(numtext.fixed(-0.0, 2, true), "0", "-0 written as 0")
  t.eq(numtext.fixed(12345678, 0, true, ",", "."), "12.345.678", "an integer grouped")
  t.eq(numtext.sorted({ 100, -5, 0, 35.5, 20 }, 1, ",", " "), "-5 0 20 35,5 100", "sorted: whole scores without decimals")
  t.eq(numtext.fixed(-math.huge, 1, true, ","), "-inf", "what is no plain number is kept")
  t.raises(function() numtext.fixed(1, 100) end, "decimals")
  t.raises(function() numtext.fixed(1, -1) end, "decimals")
  t.raises(function() numtext.fixed("x") end, "number expected")
end)

-- a dot chart's scores: sorted and written in one C call (numtext.sorted) when the chart's
-- format is a charts.number; the Lua loop it stands in for otherwise, and in the test
t.test("the C sorted scores are the Lua sort, format and join", function()
  local function lua_sorted(list, fmt)
    local ss = {}
    for _, s in ipairs(list) do if type(s) == "number" and s == s then ss[#ss + 1] = s end end
    table.sort(ss)
    for j, s in ipairs(ss) do ss[j] = fmt(s) end
    return table.concat(ss, " ")
  end
  local lists = { {}, { 55 }, { 90, 25, 55.5, 55, 10, 100, 0, -0.0, 0.0 }, { 0 / 0, 5, "7", true, 2.675, 0.05 },
    { math.huge, -math.huge, 1e20, -1e-300, 12345.678 }, { 3, 1, nil, 2 }, { 70, 65, 65, 65.0, 80, 40, 45 } }
  for _, opts in ipairs { {}, { decimals = 0 }, { decimals = 1, decimal = "," }, { decimals = 2, decimal = "·" } } do
    local f = charts.number(opts)
    for k, list in ipairs(lists) do
      t.eq(numtext.sorted(list, opts.decimals or 1, opts.decimal or ".", " "), lua_sorted(list, f),
        ("list %d, decimals %s, mark %s"):format(k, tostring(opts.decimals), tostring(opts.decimal)))
    end
  end
  -- the dots chart's table: the same with a charts.number format (C) and a format of the
  -- producer's own that writes the same (Lua)
  local own = charts.number { decimals = 1, decimal = "," }
  local function spec(format)
    return { type = "dots", min = 0, max = 100, format = format,
      rows = { { label = "a", scores = lists[3], agreed = 55 }, { label = "b", scores = lists[7] }, { label = "c" } } }
  end
  local via_c = charts.table(spec(own))
  local via_lua = charts.table(spec(function(v) return own(v) end))
  t.eq(via_c.rows, via_lua.rows)
  t.eq(via_c.rows[1].scores, "0 0 0 10 25 55 55,5 90 100", "sorted, with a decimal comma; -0 as 0")
end)

-- tables' escape() before plain(): the pattern steps, which plain() lets it skip
local function lua_escape(s)
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

t.test("plain() is true exactly for text without control characters that utf8.len reads", function()
  local texts = { "", "abc", "Spørgsmål æøå ÆØÅ", "漢字 e\u{301} 👍", "a b  ", "~!@#$%^&*()_+{}|:\"<>?",
    "a\nb", "tab\there", "\r", "\0", "x\127", "\27[31mred", "\xe6ble", "ab\x80", "\xc3", "\xc0\xaf",
    "\xed\xa0\x80x", "\xf4\x90\x80\x80", "\xff\xfe", "æ\0ø", "\u{10FFFF}", "\u{FEFF}bom", "\u{85}" }
  for _, s in ipairs(texts) do
    local want = not s:find("[%z\1-\31\127]") and utf8.len(s) ~= nil
    t.eq(plain(s), want, ("%q"):format(s))
    if want then t.eq(lua_escape(s), s, "the Lua escape keeps plain text as it is") end
    t.eq(tables.escape(s), lua_escape(s), ("escape %q"):format(s))
  end
  t.eq(tables.sanitize("a\tb\nc\1"), "a\tb\nc\\x01", "sanitize keeps line breaks and tabs")
  t.eq(tables.sanitize("Æblet"), "Æblet")
end)

-- tables.wrap_text as it was in Lua (before width.wrap), word by word
local width = require "qm.reports.width"
local function lua_wrap(s, w, hang)
  local lines, cur = {}, nil
  local lead = s:match("^ *")
  local indent = lead .. string.rep(" ", hang or 0)
  local function room() return (#lines == 0 and w - #lead) or w - #indent end
  for word in s:gmatch("%S+") do
    if cur == nil then cur = word
    elseif width.of(cur) + 1 + width.of(word) <= room() then cur = cur .. " " .. word
    else lines[#lines + 1] = (#lines == 0 and lead or indent) .. cur; cur = word end
  end
  lines[#lines + 1] = (#lines == 0 and lead or indent) .. (cur or "")
  return lines
end

t.test("the C word wrap is the Lua word wrap: Danish, wide characters, bytes that are not UTF-8", function()
  local texts = { "", "   ", "one", "I hvilken grad formidler ledelsen tydelige mål og retning for enhedens arbejde?",
    "  indented criterion text that goes on and on", "Æblet ærgrer øen; Ål og å. Sø, æg, øl!",
    "漢字 漢字漢字 漢字 e\u{301}e\u{301} 👍 👍👍 ok", "averyveryverylongwordthatdoesnotfit and more",
    "tabs\tand\nnewlines\r\nand\vfeeds\fhere", "\xe6ble \xe6ble æble æble \xe6ble", "mixed æ\xc3 ø \x80ø end",
    "  lead  and   runs    of spaces  ", "a b c d e f g h i j k l m n o p q r s t u v w x y z" }
  local checked = 0
  for _, s in ipairs(texts) do
    for _, w in ipairs { 1, 3, 5, 8, 10, 14, 20, 28, 40, 200 } do
      for _, hang in ipairs { false, 0, 2, 5 } do
        hang = hang or nil
        local what = ("%q at %d, hang %s"):format(s, w, tostring(hang))
        t.eq(width.wrap(s, w, hang), lua_wrap(s, w, hang), what)
        t.eq(tables.wrap_text(s, w, hang), lua_wrap(s, w, hang), what)
        t.eq(tables.wrap_lua(s, w, hang), lua_wrap(s, w, hang), "the Lua fallback " .. what)
        checked = checked + 1
      end
    end
    local widest
    for word in s:gmatch("%S+") do widest = math.max(widest or 0, width.of(word)) end
    t.eq(width.longest(s), widest, ("longest word of %q"):format(s))
  end
  t.truthy(checked > 400, "many wraps checked")
  t.eq(tables.wrap_text("aaa bbb ccc", 7.5, 2), lua_wrap("aaa bbb ccc", 7.5, 2), "a width that is no integer: the Lua wrap")
  t.eq(width.wrap("Spørgsmål om æbler", 10, 2), { "Spørgsmål", "  om æbler" }, "æøå take one column")
end)

-- i18n's messages: each text parsed once into literal pieces and placeholders, then filled
-- as the gsub over "{name:spec}" filled it
local function lua_fill(L, text, args)
  return (text:gsub("{([%w_]+):?([%w%%]*)}", function(name, spec)
    local v = args[name]
    if spec == "%" then return L:pct(v) end
    if spec == "date" then return L:date(v) end
    if type(v) == "number" then return L:num(v, tonumber(spec)) end
    return tostring(v)
  end))
end

t.test("messages are filled as the pattern filled them, parsed once", function()
  local da = i18n.new("da")
  local args = { a = 12345.678, b = 0.625, c = "2025-03-01", d = "tekst {x}", e = 0 / 0, n = 3 }
  for _, text in ipairs { "", "plain", "{a}", "{a:1} og {b:%} den {c:date}", "{d}{a:0}", "x {e} y {e:%} z",
                          "{{a}}", "{a", "a}", "{ a }", "{a:}", "end {a}" } do
    local want = lua_fill(da, text, args)
    t.eq(i18n.fill(da, text, args, "k"), want, text)
    t.eq(i18n.fill(da, text, args, "k"), want, text .. " (parsed before)")
  end
  t.eq(i18n.fill(da, "{e:%}", args, "k"), "{e:%}", "a value that gives no text leaves the placeholder")
  t.raises(function() i18n.fill(da, "x {missing}", args, "key.name") end, 'message "key.name" (da) has no value for {missing}')
  local langs = i18n.languages()
  t.eq(langs, { "da", "en" })
  langs[1] = "xx"
  t.eq(i18n.languages(), { "da", "en" }, "the list is a copy")
  t.eq(i18n.catalogue("xx"), nil)
  t.truthy(i18n.catalogue("en"), "en")
end)

-- an aligned line in C (width.columns) against the Lua: each cell padded by width.pad (the
-- last only when asked), joined by two spaces, trailing white space cut as gsub("%s+$") did
t.test("the C column line is the Lua join of padded cells", function()
  local function lua_line(cells, n, w, right, pad_last)
    local parts = {}
    for i = 1, n do
      parts[i] = (i < n or pad_last) and width.pad(cells[i], w[i], right[i]) or cells[i]
    end
    return (table.concat(parts, "  "):gsub("%s+$", ""))
  end
  local texts = { "", "a", "Æblet", "漢字", "e\u{301}", "trailing  ", "  lead", "\xe6ble", "12,5", "–", "tab\t" }
  local checked = 0
  for _, a in ipairs(texts) do
    for _, b in ipairs(texts) do
      for _, c in ipairs(texts) do
        local cells = { a, b, c }
        for _, w in ipairs { { 0, 0, 0 }, { 6, 3, 8 }, { 10, 10, 10 } } do
          for _, right in ipairs { { false, false, false }, { true, false, true } } do
            for _, pad_last in ipairs { false, true } do
              t.eq(width.columns(cells, 3, w, right, pad_last), lua_line(cells, 3, w, right, pad_last),
                ("%q %q %q"):format(a, b, c))
              checked = checked + 1
            end
          end
        end
      end
    end
  end
  t.truthy(checked > 10000, "many lines checked")
  t.eq(width.columns({}, 0, {}, {}, true), "")
  t.raises(function() width.columns({ 5 }, 1, { 3 }, {}, true) end, "not text")
  t.raises(function() width.columns({ "x" }, 1, { 3.5 }, {}, true) end, "not a whole number")
end)

-- the column format pads every cell but a left-aligned last one, and cuts a line's trailing
-- spaces once (the old gsub("%s+$") tried every space of a padded line: quadratic)
t.test("column lines end without spaces, whatever the last cells hold", function()
  local lines = {}
  local w = tables.new("column", { { title = "a" }, { title = "bb" }, { title = "c" } },
    { line = function(l) lines[#lines + 1] = l end })
  w.row { "x", "y", "z" }
  w.row { "longer", "", "" }
  w.row { "x", "text with trailing   ", "" }
  w.row { "x", "yy", "last   " }
  w.finish()
  t.eq(lines, { "a       bb                     c", "------  ---------------------  -------",
    "x       y                      z", "longer", "x       text with trailing", "x       yy                     last" })
  lines = {}
  w = tables.new("column", { { title = "n" }, { title = "v" } }, { line = function(l) lines[#lines + 1] = l end })
  w.row { "a", 5 }
  w.row { "", 12 }
  w.finish()
  t.eq(lines, { "n   v", "-  --", "a   5", "   12" }, "a right-aligned last column keeps its padding")
  local long = string.rep(" ", 5000)
  lines = {}
  w = tables.new("column", { { title = "x" } }, { line = function(l) lines[#lines + 1] = l end })
  w.row { "a" .. long .. "b" .. long }
  w.finish()
  t.eq(lines[3], "a" .. long .. "b", "inner spaces kept, trailing ones cut")
end)

t.done()
