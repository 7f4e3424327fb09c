-- Tests of qm.reports.document (document rendering) and qm.reports.json (engine modules: run
-- by qm_engine_test in the engine's own state).
local t = require "testing"
local report = require "qm.reports.document"
local json = require "qm.reports.json"

local function sample()
  local doc = report.document { title = "Rapport", data = { answer = 42 } }
  doc:heading("Tema")
  doc:keyvalues { { "Enhed", "Børnehaven Æblet" } }
  doc:table { name = "q", columns = { { key = "id", title = "Spørgsmål" }, { key = "score", title = "Point" } },
              rows = { { id = "1.1", score = 75 }, { id = "1.2", score = 62.5 }, { id = "å,\"x\"", score = nil } } }
  return doc
end

t.test("text tables align by characters, not bytes", function()
  local out = report.render(sample(), "text")
  t.truthy(out:find("Spørgsmål  Point", 1, true), "header")
  t.truthy(out:find("1.1           75", 1, true), "right-aligned integer: " .. out)
  t.truthy(out:find("1.2         62.5", 1, true), "float shown with its decimals")
end)

t.test("csv quotes fields with commas and quotes, and uses column keys as header", function()
  local out = report.render(sample(), "csv")
  t.eq(out, 'id,score\r\n1.1,75\r\n1.2,62.5\r\n"å,""x""",\r\n')
end)

t.test("markdown escapes pipes and right-aligns numbers", function()
  local doc = report.document {}
  doc:table { columns = { { key = "a" }, { key = "n" } }, rows = { { a = "x|y", n = 1 } } }
  local out = report.render(doc, "markdown")
  t.truthy(out:find("| a | n |\n| --- | ---: |\n| x\\|y | 1 |", 1, true), out)
end)

t.test("json renders the document's data when it has one", function()
  t.eq(report.render(sample(), "json"), '{\n  "answer": 42\n}\n')
end)

t.test("html escapes markup", function()
  local doc = report.document { title = "<b>" }
  t.truthy(report.render(doc, "html"):find("&lt;b&gt;", 1, true))
end)

t.test("control characters are escaped in text output", function()
  local doc = report.document {}
  doc:paragraph("bell\7here")
  t.truthy(report.render(doc, "text"):find("bell\\x07here", 1, true))
end)

t.test("unknown format is an error", function()
  t.raises(function() report.render(sample(), "pdf") end, 'unknown report format "pdf"')
end)

t.test("json is deterministic: sorted keys, integers, declared order", function()
  t.eq(json.encode({ b = 1, a = { 1, 2.5, "x" }, c = true }), '{"a":[1,2.5,"x"],"b":1,"c":true}')
  t.eq(json.encode(json.object({ z = 1, a = 2 }, { "z", "a" })), '{"z":1,"a":2}')
  t.eq(json.encode(json.array {}), "[]")
  t.eq(json.encode({ x = 1.0 }), '{"x":1.0}')
  t.eq(json.encode("æ\n\1"), '"æ\\n\\u0001"')
end)

t.test("json decodes what it encodes", function()
  local v = json.decode('{"a":[1,2.5,"x\\u00e6"],"b":null,"c":false}')
  t.eq(v.a, { 1, 2.5, "xæ" })
  t.eq(math.type(v.a[1]), "integer")
  t.eq(v.c, false)
  t.raises(function() json.decode("[1,") end, "json: line 1")
end)


-- ---------------------------------------------------------------- streamed tables

-- a row source like db:query: a generic-for iterator with a closing value, and a count of
-- how often it was opened and closed
local function source(rows)
  local stats = { opened = 0, closed = 0 }
  local function open()
    stats.opened = stats.opened + 1
    local i = 0
    local closer = setmetatable({}, { __close = function() stats.closed = stats.closed + 1 end })
    return function()
      i = i + 1
      return rows[i]
    end, nil, nil, closer
  end
  return open, stats
end

local function pair_of_docs(rows)
  local cols = { { key = "id", title = "Id" }, { key = "score", title = "Point" }, { key = "txt", title = "Tekst" } }
  local a = report.document { title = "T" }
  a:keyvalues { { "Rækker", #rows } }
  a:table { name = "x", columns = cols, rows = rows }
  local open, stats = source(rows)
  local b = report.document { title = "T" }
  b:keyvalues { { "Rækker", #rows } }
  b:table { name = "x", columns = cols, rows = open }
  return a, b, stats
end

t.test("a streamed table renders exactly like the same rows as an array, in every format", function()
  local rows = {}
  for i = 1, 250 do rows[i] = { id = ("r%03d"):format(i), score = i % 7 == 0 and 2.5 or i, txt = i % 3 == 0 and "æ|ø,\"å\"\n" or "x" } end
  for _, f in ipairs({ "text", "markdown", "csv", "html" }) do
    local a, b, stats = pair_of_docs(rows)
    t.eq(report.render(b, f), report.render(a, f), f)
    t.eq(stats.opened, 1, f .. ": opened once")
    t.eq(stats.closed, 1, f .. ": closed once")
  end
  local a, b = pair_of_docs(rows)
  t.eq(report.render(b, "json"), report.render(a, "json"), "json blocks")
end)

t.test("an empty streamed table says (none), like an empty array", function()
  local a, b = pair_of_docs({})
  t.eq(report.render(b, "text"), report.render(a, "text"))
  t.truthy(report.render(b, "text"):find("(none)", 1, true))
end)

t.test("a streamed text table takes its widths from the first ALIGN_ROWS rows", function()
  local rows = {}
  for i = 1, report.ALIGN_ROWS + 5 do rows[i] = { id = "a", score = 1, txt = "x" } end
  rows[#rows] = { id = "a-much-longer-id", score = 1, txt = "x" }
  local _, b = pair_of_docs(rows)
  local out = report.render(b, "text")
  t.truthy(out:find("\na   ", 1, true), "early rows keep the narrow width")
  t.truthy(out:find("\na-much-longer-id  ", 1, true), "the late long value widens only its own row")
  t.falsy(out:find("\na                 ", 1, true), "early rows are not padded to the late width")
end)

t.test("report.write hands the output to the file in pieces and matches render", function()
  local rows = {}
  for i = 1, 20000 do rows[i] = { id = ("r%05d"):format(i), score = i, txt = "tekst" } end
  for _, f in ipairs({ "text", "csv", "json", "markdown", "html" }) do
    local _, b = pair_of_docs(rows)
    local pieces = {}
    report.write(b, f, { write = function(_, s) pieces[#pieces + 1] = s end })
    local a = pair_of_docs(rows)
    t.eq(table.concat(pieces), report.render(a, f), f)
    t.truthy(#pieces > 1, f .. ": written in pieces, not one string (" .. #pieces .. ")")
  end
end)

t.test("json.stream encodes an iterator as an array, written in pieces by json.write", function()
  local function open()
    local i = 0
    return function() i = i + 1; if i <= 3 then return { n = i } end end
  end
  t.eq(json.encode({ xs = json.stream(open) }), '{"xs":[{"n":1},{"n":2},{"n":3}]}')
  t.eq(json.encode({ xs = json.stream(function() return function() end end) }), '{"xs":[]}')
  t.eq(json.encode({ xs = json.stream(open) }, { indent = " " }), json.encode({ xs = { { n = 1 }, { n = 2 }, { n = 3 } } }, { indent = " " }))
  local pieces = {}
  local big = {}
  for i = 1, 10000 do big[i] = i end
  json.write({ a = big }, nil, function(s) pieces[#pieces + 1] = s end)
  t.eq(table.concat(pieces), json.encode({ a = big }))
  t.truthy(#pieces > 1, "several pieces")
end)

t.test("csv cells a spreadsheet would run as formulas are neutralised, numbers stay numbers", function()
  local doc = report.document { title = "x" }
  doc:table { name = "c", columns = { { key = "v", title = "v" } }, rows = {
    { v = '=HYPERLINK("http://evil","x")' }, { v = "+cmd" }, { v = "-2+3" }, { v = "@SUM(A1)" },
    { v = "\tx" }, { v = "\rx" }, { v = "  =1+1" }, { v = -3 }, { v = "-3" }, { v = "+2.5" }, { v = -1e3 }, { v = "a-b" } } }
  local out = report.render(doc, "csv")
  local lines = {}
  for l in out:gmatch("(.-)\r\n") do lines[#lines + 1] = l end
  t.eq(lines[2], [["'=HYPERLINK(""http://evil"",""x"")"]])
  t.eq(lines[3], "'+cmd")
  t.eq(lines[4], "'-2+3")
  t.eq(lines[5], "'@SUM(A1)")
  t.eq(lines[6], "'\tx")
  t.eq(lines[7], '"\'\rx"', "a leading CR is neutralised (and quoted)")
  t.eq(lines[8], "'  =1+1")
  t.eq(lines[9], "-3")
  t.eq(lines[10], "-3")
  t.eq(lines[11], "+2.5")
  t.eq(lines[12], "-1000")
  t.eq(lines[13], "a-b")
end)

t.test("markdown shows text, never markup", function()
  local doc = report.document { title = "<script>alert(1)</script>" }
  doc:paragraph("# not a heading & [a link](http://x) *b* `c` ~~d~~")
  doc:paragraph("- not a list")
  doc:table { name = "c", columns = { { key = "v", title = "v" } }, rows = { { v = "<img src=x onerror=alert(1)> | x" } } }
  local out = report.render(doc, "markdown")
  t.falsy(out:find("<script>", 1, true), "no raw <script>: " .. out)
  t.falsy(out:find("<img", 1, true), "no raw <img>")
  t.truthy(out:find("&lt;script&gt;", 1, true), "HTML as entities")
  t.truthy(out:find([[\# not a heading &amp; \[a link\](http://x) \*b\* \`c\` \~\~d\~\~]], 1, true), "markup escaped: " .. out)
  t.truthy(out:find("\n\\- not a list", 1, true), "a list marker at the start is escaped")
  t.truthy(out:find("&lt;img src=x onerror=alert(1)&gt; \\| x", 1, true), "table cell escaped")
end)

t.test("html escapes markup", function()
  local doc = report.document { title = "<b>x</b>" }
  doc:paragraph("<script>alert('x')</script> & \"q\"")
  local out = report.render(doc, "html")
  t.falsy(out:find("<script>", 1, true))
  t.truthy(out:find("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;", 1, true))
end)

-- ---------------------------------------------------------------- a document's language

local function lang_doc(lang)
  local doc = report.document { title = "T", lang = lang }
  doc:table { name = "t", columns = { { key = "q", title = "Q", wrap = 20 }, { key = "v", title = "V" },
    { key = "s", title = "S", text = function(v) return v == "achieved" and "opfyldt" or v end } },
    rows = { { q = "1.1 I hvilken grad formidler ledelsen tydelige mål?", v = 12345.6, s = "achieved" },
             { q = "  indrykket kriterium med en lang tekst", v = 64.94, s = true } } }
  return doc
end

t.test("a document in Danish writes numbers with a decimal comma and thousands dot, and yes/no in Danish", function()
  local out = report.render(lang_doc("da"), "text")
  t.truthy(out:find("12.345,6", 1, true), out)
  t.truthy(out:find("64,94", 1, true), out)
  t.truthy(out:find("opfyldt", 1, true), "a column's text function for people")
  t.truthy(out:find("  ja\n", 1, true) or out:find("  ja$"), "true is ja: " .. out)
  local md = report.render(lang_doc("en"), "markdown")
  t.truthy(md:find("12345.6", 1, true), md)
end)

t.test("CSV and JSON do not depend on the document's language, nor on a column's text function", function()
  t.eq(report.render(lang_doc("da"), "csv"), report.render(lang_doc("en"), "csv"))
  local csv = report.render(lang_doc("da"), "csv")
  t.truthy(csv:find("12345.6,achieved", 1, true), csv)
  t.eq(report.render(lang_doc("da"), "json"), report.render(lang_doc("en"), "json"))
end)

t.test("a wrapped text column breaks between words, indents what follows and keeps a cell's own indentation", function()
  local out = report.render(lang_doc("da"), "text")
  t.truthy(out:find("\n1.1 I hvilken grad   ", 1, true), out)
  t.truthy(out:find("\n  formidler ledelsen\n", 1, true), out)
  t.truthy(out:find("\n  indrykket          ", 1, true), out)
  t.truthy(out:find("\n    kriterium med en\n", 1, true), out)
  t.eq(report.wrap_text("a bb ccc dddd", 6, 2), { "a bb", "  ccc", "  dddd" })
end)

t.done()
