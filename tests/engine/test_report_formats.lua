-- Tests of the HTML document (qm.reports.html) and the spreadsheet writer's pure parts
-- (qm.reports.xlsx): heading order, the table of contents, sections and page breaks, lang,
-- charts in figures with their data tables, escaping; Excel's sheet-name rules and dates.
local t = require "testing"
local html = require "qm.reports.html"
local xlsx = require "qm.reports.xlsx"

-- the helpers the report module hands the renderer: the document's own
local h = {
  cell = function(col, row) return require("qm.reports.document").cell(col, row, true) end,
  write_table = require("qm.reports.document").write_table,
}

local function render(doc)
  local lines = {}
  html.render(doc, { line = function(s) lines[#lines + 1] = s end }, h)
  return table.concat(lines, "\n")
end

local function doc_of(blocks, extra)
  local d = { title = "Konsensusrapport <Æblet>", subtitle = "Runde 2025", blocks = blocks }
  for k, v in pairs(extra or {}) do d[k] = v end
  return d
end

t.test("headings never jump a level: h1 title, then h2, an h3 under no h2 becomes h2", function()
  t.eq(html.levels({ { kind = "heading", level = 3 }, { kind = "heading", level = 3 }, { kind = "paragraph" },
    { kind = "heading", level = 2 }, { kind = "heading", level = 4 }, { kind = "heading", level = 5 } }),
    { 2, 2, nil, 2, 3, 4 })
  local out = render(doc_of { { kind = "heading", text = "1 Ledelse", level = 3 }, { kind = "heading", text = "2 Ressourcer", level = 3 } })
  t.truthy(out:find('<h1>Konsensusrapport &lt;Æblet&gt;</h1>', 1, true), "one h1, escaped")
  t.truthy(out:find('<h2 id="s1">1 Ledelse</h2>', 1, true), out)
  t.falsy(out:find("<h3", 1, true), "no h3 without an h2 above")
end)

t.test("lang comes from the document, Danish by default", function()
  t.truthy(render(doc_of {}):find('<html lang="da">', 1, true))
  local out = render(doc_of({}, { lang = "en" }))
  t.truthy(out:find('<html lang="en">', 1, true))
end)

t.test("a table of contents links every h2 and h3 to its section, nested", function()
  local out = render(doc_of {
    { kind = "heading", text = "Konsensusrapport", level = 2 },
    { kind = "heading", text = "1 Ledelse", level = 3, break_before = true },
    { kind = "heading", text = "2 Ressourcer", level = 3, break_before = true },
    { kind = "heading", text = "Handleplan", level = 2 } })
  local nav = out:match("<nav.-</nav>")
  t.truthy(nav, "nav")
  t.truthy(nav:find('<ol>\n<li><a href="#s1">Konsensusrapport</a>\n<ol>\n<li><a href="#s2">1 Ledelse</a>\n</li>\n<li><a href="#s3">2 Ressourcer</a>\n</li>\n</ol></li>\n<li><a href="#s4">Handleplan</a>\n</li>\n</ol></nav>', 1, true), nav)
  for i = 1, 4 do t.truthy(out:find(('id="s%d"'):format(i), 1, true), "target s" .. i) end
end)

t.test("no table of contents for a single heading", function()
  t.falsy(render(doc_of { { kind = "heading", text = "Eneste", level = 2 } }):find("<nav", 1, true))
end)

t.test("major sections and marked themes start a printed page; others do not", function()
  local out = render(doc_of {
    { kind = "heading", text = "A", level = 2 },
    { kind = "heading", text = "A.1", level = 3 },
    { kind = "heading", text = "Tema", level = 3, break_before = true },
    { kind = "heading", text = "Kun h3", level = 3 } })
  t.truthy(out:find('<section class="level2 break" aria%-labelledby="s1">'), "h2 breaks")
  t.truthy(out:find('<section class="level3" aria-labelledby="s2">', 1, true), "plain h3 does not")
  t.truthy(out:find('<section class="level3 break" aria-labelledby="s3">', 1, true), "marked h3 breaks")
  t.eq(select(2, out:gsub("<section", "")), select(2, out:gsub("</section>", "")), "sections closed")
end)

t.test("the print stylesheet is for A4 with repeated table headers and unsplit charts", function()
  local out = render(doc_of {})
  t.truthy(out:find("@page{size:A4", 1, true), "A4")
  t.truthy(out:find("thead{display:table-header-group}", 1, true), "repeated headers")
  t.truthy(out:find("figure.chart,tr,dl.kv,nav.toc{break-inside:avoid}", 1, true), "no split charts")
  t.truthy(out:find("section.break{break-before:page}", 1, true), "page breaks")
  t.falsy(out:find("<script", 1, true), "no script")
  t.falsy(out:find("http", 1, true) and not out:find("http://www.w3.org/2000/svg", 1, true), "nothing fetched")
end)

t.test("a chart is a figure with the SVG and its data table beside it, ids in document order", function()
  local spec = { type = "lights", title = "Status", labels = { item = "Indikator", status = "Status" },
    items = { { label = "Ventetid", status = "achieved", word = "opfyldt" } } }
  local out = render(doc_of { { kind = "chart", spec = spec }, { kind = "chart", spec = spec } })
  t.truthy(out:find('<figure class="chart" id="chart-1-figure">\n<figcaption>Status</figcaption>', 1, true), out)
  t.truthy(out:find('aria-labelledby="chart-1-title chart-1-desc"', 1, true), "first chart's ids")
  t.truthy(out:find('aria-labelledby="chart-2-title chart-2-desc"', 1, true), "second chart's ids")
  t.truthy(out:find('<caption>Tal bag figuren</caption>', 1, true), "data table")
  t.truthy(out:find("<td>Ventetid</td><td>opfyldt</td>", 1, true), "data row")
end)

t.test("tables: numbers right-aligned, empty text columns not, an empty table says so", function()
  local out = render(doc_of { { kind = "table", columns = { { key = "q", title = "Spørgsmål" }, { key = "c", title = "Kommentar" },
    { key = "n", title = "Point" } }, rows = { { q = "1.1", n = 75 }, { q = "1.2", n = 60 } } },
    { kind = "table", columns = { { key = "a" } }, rows = {} } })
  t.truthy(out:find('<th scope="col">Kommentar</th><th scope="col" class="n">Point</th>', 1, true), out)
  t.truthy(out:find('<tr><td>1.1</td><td></td><td class="n">75</td></tr>', 1, true), "row")
  t.truthy(out:find('<td class="empty" colspan="1">–</td>', 1, true), "empty table")
end)

t.test("text is escaped everywhere", function()
  local out = render(doc_of { { kind = "paragraph", text = "<img src=x onerror=alert(1)>" },
    { kind = "keyvalues", pairs = { { "<k>", "\"v\"" } } },
    { kind = "list", items = { "a & b" } } })
  t.falsy(out:find("<img", 1, true), "no raw tag")
  t.truthy(out:find("&lt;img src=x onerror=alert(1)&gt;", 1, true))
  t.truthy(out:find("<dt>&lt;k&gt;</dt><dd>&quot;v&quot;</dd>", 1, true))
  t.truthy(out:find("<li>a &amp; b</li>", 1, true))
end)

-- ---------------------------------------------------------------- xlsx

t.test("sheet names follow Excel's rules: 31 characters, no []:*?/\\, unique ignoring case", function()
  local name = xlsx.sheet_namer()
  t.eq(name("1 Ledelse — 65"), "1 Ledelse — 65")
  t.eq(name("1 LEDELSE — 65"), "1 LEDELSE — 65 (2)", "unique ignoring case")
  t.eq(name("a/b:c*d?e[f]g\\h"), "a b c d e f g h")
  local long = name("Medarbejderresultater og faglige resultater i enheden")
  t.eq(long, "Medarbejderresultater og faglig")
  t.eq(utf8.len(long), 31)
  t.eq(name("Medarbejderresultater og faglige resultater i enheden"), "Medarbejderresultater og fa (2)", "suffix within 31")
  t.eq(name("'quoted'"), "quoted")
  t.eq(name(""), "7", "blank becomes its number")
  t.eq(name("History"), "History (2)", "reserved by Excel")
  t.eq(name("Ærø"), "Ærø")
  t.eq(name("ærø"), "ærø (2)", "Danish letters fold too")
end)

t.test("YYYY-MM-DD values are dates; ids and other text are not", function()
  t.eq({ xlsx.as_date("2025-10-01") }, { 2025, 10, 1 })
  t.eq(xlsx.as_date("2025-13-01"), nil)
  t.eq(xlsx.as_date("1.1"), nil)
  t.eq(xlsx.as_date("2025-10-01 12:00"), nil)
  t.eq(xlsx.as_date(20251001), nil)
end)

-- ---------------------------------------------------------------- a chart in every format

local document = require "qm.reports.document"

local function chart_doc()
  local doc = document.document { title = "Rapport" }
  doc:heading("Temaer", 2)
  doc:chart { type = "bars", title = "Før og efter", series = { "Før", "Nu" }, min = 0, max = 100, change = true,
    format = require("qm.reports.charts").number { decimal = "," }, labels = { category = "Tema", change = "Ændring" },
    categories = { { label = "Ledelse", values = { 50, 62.5 } } } }
  doc:table { name = "main", columns = { { key = "a", title = "A" } }, rows = { { a = "x" } } }
  return doc
end

t.test("text and markdown show a chart as its title and data table, with the chart's number format", function()
  local txt = document.render(chart_doc(), "text")
  t.truthy(txt:find("Før og efter:\nTema     Før    Nu  Ændring\n-------  ---  ----  -------\nLedelse   50  62,5    +12,5", 1, true), txt)
  local md = document.render(chart_doc(), "markdown")
  t.truthy(md:find("**Før og efter**\n\n| Tema | Før | Nu | Ændring |\n| --- | ---: | ---: | ---: |\n| Ledelse | 50 | 62,5 | +12,5 |", 1, true), md)
  t.falsy(md:find("<svg", 1, true), "no SVG in Markdown")
end)

t.test("csv leaves a chart out; json has its rows as data, never its drawing", function()
  t.eq(document.render(chart_doc(), "csv"), "a\r\nx\r\n")
  local js = document.render(chart_doc(), "json")
  t.truthy(js:find('"kind": "chart"', 1, true) and js:find('"type": "bars"', 1, true), js)
  t.truthy(js:find('"s2": 62.5', 1, true), "numbers stay numbers")
  t.falsy(js:find("svg", 1, true), "no drawing")
end)

t.test("html draws the chart inline beside its table", function()
  local out = document.render(chart_doc(), "html")
  t.truthy(out:find('<figure class="chart" id="chart-1-figure">', 1, true))
  t.truthy(out:find('<svg xmlns="http://www.w3.org/2000/svg" class="qm-chart qm-chart-bars"', 1, true))
end)

t.test("a bad chart is an error where the producer adds it", function()
  local doc = document.document {}
  local err = t.raises(function() doc:chart { type = "radar", axes = {} } end, "at least three axes")
  t.truthy(err:find("test_report_formats.lua", 1, true), err)
end)

t.test("a column with no values is text: left-aligned in Markdown and HTML", function()
  local doc = document.document {}
  doc:table { columns = { { key = "q" }, { key = "comment" }, { key = "n" } }, rows = { { q = "1.1", n = 1 }, { q = "1.2", n = 2 } } }
  local md = document.render(doc, "markdown")
  t.truthy(md:find("| q | comment | n |\n| --- | --- | ---: |", 1, true), md)
end)

t.test("xlsx: render gives the file's bytes; an error while writing frees the workbook", function()
  local doc = document.document { title = "x" }
  doc:table { columns = { { key = "a" } }, rows = { { a = 1 }, { a = 2 } } }
  local bytes = document.render(doc, "xlsx")
  t.eq(bytes:sub(1, 2), "PK", "a zip file")
  local bad = document.document { title = "x" }
  bad:table { columns = { { key = "a" } }, rows = function()
    local i = 0
    return function()
      i = i + 1
      if i > 3 then error("row source failed") end
      return { a = i }
    end
  end }
  t.raises(function() document.render(bad, "xlsx") end, "row source failed")
  collectgarbage()
end)

t.done()
