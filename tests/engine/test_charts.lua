-- Tests of qm.reports.charts: SVG structure, coordinates of known inputs, escaping of labels,
-- the text alternative, number formatting and the data tables.
local t = require "testing"
local charts = require "qm.reports.charts"

local function count(s, pat)
  local n = 0
  for _ in s:gmatch(pat) do n = n + 1 end
  return n
end

local function radar4(values)
  return { type = "radar", title = "Temaer", min = 0, max = 100, target = 75,
    labels = { axis = "Tema", value = "Aftalt", target = "Mål" },
    axes = { { label = "A", value = values[1] }, { label = "B", value = values[2] },
             { label = "C", value = values[3] }, { label = "D", value = values[4] } } }
end

t.test("every chart is an svg image labelled by its own title and desc", function()
  local svg = charts.svg(radar4({ 100, 50, 0, 100 }), "k1")
  t.truthy(svg:find('^<svg xmlns="http://www.w3.org/2000/svg"'), svg:sub(1, 80))
  t.truthy(svg:find('role="img"', 1, true), "role")
  t.truthy(svg:find('aria-labelledby="k1-title k1-desc"', 1, true), "aria")
  t.truthy(svg:find('<title id="k1-title">Temaer</title>', 1, true), "title")
  t.truthy(svg:find('<desc id="k1-desc">A: 100; B: 50; C: 0; D: 100; Mål: 75</desc>', 1, true), "desc")
  t.truthy(svg:find("</svg>$"), "closed")
  t.eq(count(svg, "<script"), 0, "no script")
  t.eq(count(svg, "https?://[^w]"), 0, "no network reference")
end)

t.test("radar puts known values at known coordinates (axis 1 up, then clockwise)", function()
  local svg = charts.svg(radar4({ 100, 50, 0, 100 }), "k1")
  -- 540 x 410 canvas, centre (270, 188), radius 130
  t.truthy(svg:find('width="540" height="410"', 1, true), "size")
  local pts = svg:match('<polygon class="values" points="([^"]+)"')
  t.eq(pts, "270,58 335,188 270,188 140,188")
  local target = svg:match('<polygon class="target" points="([^"]+)"')
  t.eq(target, "270,90.5 367.5,188 270,285.5 172.5,188", "target ring at 75")
end)

t.test("radar with a missing value draws no polygon through it and says – for it", function()
  local spec = radar4({ 60, nil, 70, 80 })
  local svg = charts.svg(spec, "k2")
  t.falsy(svg:find('class="values"', 1, true), "no filled polygon")
  t.eq(count(svg, '<circle[^>]-fill="#0072B2"/>'), 3, "a point per present value")
  t.truthy(svg:find("B: –", 1, true), "desc says missing")
  local tab = charts.table(spec)
  t.eq(tab.rows[2].value, nil, "table keeps the gap")
end)

t.test("radar needs three axes", function()
  t.raises(function()
    charts.svg({ type = "radar", max = 1, axes = { { label = "a", value = 1 }, { label = "b", value = 1 } } })
  end, "at least three axes")
end)

t.test("labels are escaped in text, title and desc", function()
  local spec = radar4({ 1, 2, 3, 4 })
  spec.title = "<script>&\"'"
  spec.axes[1].label = "<b>x & y</b>"
  local svg = charts.svg(spec, "k3")
  t.falsy(svg:find("<b>", 1, true), "no raw markup")
  t.falsy(svg:find("<script>", 1, true), "title escaped")
  t.truthy(svg:find("&lt;b&gt;x &amp; y&lt;/b&gt;", 1, true), "label escaped")
  t.truthy(svg:find("&lt;script&gt;&amp;&quot;&#39;", 1, true), "title escaped")
end)

t.test("output is deterministic and ids come only from the caller", function()
  local a = charts.svg(radar4({ 10, 20, 30, 40 }), "same")
  local b = charts.svg(radar4({ 10, 20, 30, 40 }), "same")
  t.eq(a, b)
  for id in a:gmatch('id="([^"]+)"') do t.truthy(id:find("^same%-"), "id " .. id) end
  t.raises(function() charts.svg(radar4({ 1, 2, 3, 4 }), "bad id\"") end, "id must be")
end)

t.test("numbers: fixed decimals, a decimal comma when asked, percent", function()
  t.eq(charts.number { decimals = 1, decimal = "," }(64.94), "64,9")
  t.eq(charts.number { decimals = 1 }(64.0), "64")
  t.eq(charts.number { decimals = 2 }(-0.001), "0")
  t.eq(charts.number { decimals = 0, percent = true }(0.456), "46%")
  t.eq(charts.number {}(nil), "–")
  local spec = radar4({ 64.94, 50, 50, 50 })
  spec.format = charts.number { decimal = "," }
  local svg = charts.svg(spec, "k4")
  t.truthy(svg:find(">64,9</tspan>", 1, true), "value label uses the format")
  t.falsy(svg:find("64.9", 1, true), "no dot decimal in text")
  t.truthy(svg:find('points="270,', 1, true), "coordinates keep the dot")
end)

t.test("ticks are round numbers across the scale", function()
  t.eq(charts.ticks(0, 100, 4), { 0, 25, 50, 75, 100 })
  t.eq(charts.ticks(1, 5, 4), { 1, 2, 3, 4, 5 })
  t.eq(charts.ticks(0, 1, 4), { 0, 0.25, 0.5, 0.75, 1 })
end)

t.test("dots: individual scores as dots, equal ones stacked, the agreed score a diamond", function()
  local spec = { type = "dots", title = "Spredning", min = 0, max = 100,
    labels = { item = "Spørgsmål", scores = "Individuelle", agreed = "Aftalt" },
    rows = { { label = "1.1", scores = { 60, 60, 60, 20 }, agreed = 50 } } }
  local svg = charts.svg(spec, "d")
  -- plot from x = 228 to 548: 50 -> 388, 60 -> 420, 20 -> 292
  local d = svg:match('<path class="agreed" d="([^"]+)"')
  t.eq(d, "M388 52L395 59L388 66L381 59Z", "diamond centred on (388, 59)")
  local ys = {}
  for cx, cy in svg:gmatch('<circle cx="([%d.]+)" cy="([%d.]+)" r="4" fill="#56B4E9" fill%-opacity') do
    if cx == "420" then ys[#ys + 1] = cy end
  end
  t.eq(#ys, 3, "three dots at 60")
  t.truthy(ys[1] ~= ys[2] and ys[2] ~= ys[3], "stacked, not on top of each other")
  local tab = charts.table(spec)
  t.eq(tab.rows[1].scores, "20 60 60 60", "scores in value order")
  t.eq(tab.rows[1].agreed, 50)
  t.eq(tab.columns[2].title, "Individuelle")
end)

t.test("bars: widths proportional to the value, series told apart by a hatch as well as colour", function()
  local spec = { type = "bars", title = "Før/efter", min = 0, max = 1, series = { "Før", "Nu" }, change = true,
    labels = { category = "Tema", change = "Ændring" },
    format = charts.number { decimals = 0, percent = true },
    categories = { { label = "Journal", values = { 0.5, 0.75 } }, { label = "Frister", values = { 0.25, nil } } } }
  local svg = charts.svg(spec, "b")
  t.truthy(svg:find('<rect class="bar s1" x="228" y="30" width="150" height="14" fill="url%(#b%-hatch%-1%)"'), "before: half of 300")
  t.truthy(svg:find('<rect class="bar s2" x="228" y="47" width="225" height="14" fill="#D55E00"', 1, true), "after: 3/4")
  t.truthy(svg:find('<pattern id="b-hatch-1"', 1, true), "hatch pattern")
  t.eq(count(svg, 'class="bar '), 3, "no bar for the missing value")
  t.truthy(svg:find(">–</text>", 1, true), "missing value written –")
  local tab = charts.table(spec)
  t.eq(tab.columns[4].title, "Ændring")
  t.eq(tab.rows[1].change, 0.25)
  t.eq(tab.rows[2].change, nil, "no change without both")
  t.eq(tab.columns[4].format(0.25), "+25%")
end)

t.test("lights: every light has a symbol and the status word, not colour alone", function()
  local spec = { type = "lights", title = "Status", labels = { item = "Indikator", status = "Status" },
    items = { { label = "Ventetid", status = "achieved", word = "opfyldt" },
              { label = "Fravær", status = "not achieved", word = "ikke opfyldt" },
              { label = "Klager", status = "not evaluable", word = "kan ikke vurderes" },
              { label = "Nyt", status = "something else", word = "andet" } } }
  local svg = charts.svg(spec, "l")
  for _, w in ipairs({ "opfyldt", "ikke opfyldt", "kan ikke vurderes", "andet" }) do
    t.truthy(svg:find(">" .. w .. "</text>", 1, true), "word " .. w)
  end
  t.truthy(svg:find('<g class="light good">', 1, true) and svg:find('<g class="light bad">', 1, true), "tones")
  t.eq(count(svg, '<g class="light none">'), 2, "unknown status is neutral, not good")
  t.eq(count(svg, ">%?</text>"), 2, "neutral lights carry a question mark")
  local tab = charts.table(spec)
  t.eq(tab.rows[2].word, "ikke opfyldt")
end)

t.test("lines: a missing value breaks the line instead of inventing one", function()
  local spec = { type = "lines", title = "Progression", min = 1, max = 5, x = { "jan", "feb", "mar", "apr" },
    labels = { x = "Måned" },
    series = { { label = "Helbred", values = { 1, 2, nil, 5 } }, { label = "Netværk", values = { jan = 3, apr = 4 } } } }
  local svg = charts.svg(spec, "p")
  -- plot 460 wide from x = 48, 220 high from y = 12: jan 48, feb 201.3, apr 508; 1 -> 232, 2 -> 177, 5 -> 12
  t.eq(svg:match('<path class="series s1" d="([^"]+)"'), "M48 232L201.3 177M508 12")
  t.eq(svg:match('<path class="series s2" d="([^"]+)"'), "M48 122M508 67", "keyed values, gap between")
  local tab = charts.table(spec)
  t.eq(tab.rows[3].s1, nil)
  t.eq(tab.rows[4].s2, 4)
  t.eq(tab.columns[1].title, "Måned")
end)

t.test("an unknown chart type names the kinds", function()
  t.raises(function() charts.svg({ type = "pie" }) end, "radar, dots, bars, lights, lines")
end)

t.test("long labels wrap into lines and are cut with an ellipsis", function()
  t.eq(charts.wrap("Metoder og processer i hverdagen", 12, 2), { "Metoder og", "processer i…" })
  t.eq(charts.wrap("kort", 12, 2), { "kort" })
end)

t.test("check refuses what svg refuses, with the same message, and draws nothing", function()
  local bad = {
    { type = "radar", max = 1, axes = { { label = "a", value = 1 }, { label = "b", value = 1 } } },
    { type = "dots" },
    { type = "bars", categories = {}, series = {} },
    { type = "lights" },
    { type = "lines", x = {}, series = {} },
    { type = "pie" },
    { type = "radar", min = 5, max = 5, axes = { { label = "a" }, { label = "b" }, { label = "c" } } },
    { type = "dots", rows = {}, format = "%d" },
  }
  for i, spec in ipairs(bad) do
    local ok1, e1 = pcall(charts.svg, spec)
    local ok2, e2 = pcall(charts.check, spec)
    t.falsy(ok1, "svg refuses bad spec " .. i)
    t.eq(ok2, false, "check refuses bad spec " .. i)
    t.eq(e2, e1, "the same message for bad spec " .. i)
  end
  t.eq(charts.check(radar4({ 1, 2, 3, 4 })), nil, "a good spec: nothing to say")
end)

t.test("a document checks its charts without drawing them; HTML draws each once", function()
  local document = require "qm.reports.document"
  local drawn, real = 0, charts.svg
  charts.svg = function(spec, id, check_only)
    if not check_only then drawn = drawn + 1 end
    return real(spec, id, check_only)
  end
  local ok, err = pcall(function()
    local doc = document.document { title = "T" }
    doc:chart(radar4({ 10, 20, 30, 40 }))
    doc:chart({ type = "dots", rows = { { label = "q", scores = { 1, 2 }, agreed = 2 } }, max = 5 })
    t.eq(drawn, 0, "checked, not drawn")
    t.truthy(document.render(doc, "text"):find("Aftalt", 1, true), "text has the chart's table")
    t.eq(drawn, 0, "text never draws")
    t.truthy(document.render(doc, "html"):find("<svg", 1, true), "html has the svg")
    t.eq(drawn, 2, "html draws each chart once")
    t.raises(function() doc:chart({ type = "dots" }) end, "a dot chart needs rows")
  end)
  charts.svg = real
  if not ok then error(err, 0) end
end)

t.done()
