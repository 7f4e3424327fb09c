-- html.lua — a report document as one standalone HTML page worth printing: CSS inline, no
-- script, nothing fetched; <html lang> from the document's language; the title as the one
-- h1 and the headings below it in order (a heading never jumps a level: an h3 with no h2
-- above it is written as an h2); a table of contents when there are two headings or more;
-- each h2 a <section>; charts as inline SVG in a <figure> with their numbers in a table
-- beside them. The print stylesheet is for A4: page numbers, a page break before every major
-- section (a heading of level 2, or one the producer marked with break_before), no break
-- inside a chart, a table row or a heading's first lines, and table headers repeated on
-- every page. Table rows are written as they come (streamed tables stay streamed).
local charts = require "qm.reports.charts"
local i18n = require "qm.reports.i18n"

local M = {}

M.CSS = [[
:root{--ink:#1d1d1f;--muted:#5b5b60;--rule:#d0d0d6;--head:#eef0f4;--zebra:#f7f8fa;--accent:#0b5cad}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{font-family:"DejaVu Sans",Verdana,"Segoe UI",Arial,sans-serif;color:var(--ink);line-height:1.45;margin:0 auto;max-width:64rem;padding:1.5rem 1.25rem 3rem;font-size:15px}
header.doc{border-bottom:3px solid var(--accent);margin-bottom:1.2rem;padding-bottom:.6rem}
h1{font-size:1.8rem;margin:0 0 .3rem;line-height:1.2}
.subtitle{color:var(--muted);margin:0}
h2{font-size:1.35rem;margin:2rem 0 .6rem;padding-bottom:.2rem;border-bottom:1px solid var(--rule)}
h3{font-size:1.12rem;margin:1.5rem 0 .5rem}
h4,h5,h6{font-size:1rem;margin:1.2rem 0 .4rem}
nav.toc{background:var(--zebra);border:1px solid var(--rule);border-radius:4px;padding:.6rem 1.2rem;margin:1rem 0 1.5rem}
nav.toc h2{font-size:1rem;border:0;margin:.2rem 0 .4rem;padding:0}
nav.toc ol{margin:0;padding-left:1.4rem}
nav.toc ol ol{padding-left:1.2rem;font-size:.95em}
nav.toc a{color:var(--accent);text-decoration:none}
nav.toc a:hover{text-decoration:underline}
p{margin:.5rem 0}
.table-wrap{overflow-x:auto;margin:.6rem 0 1rem}
table{border-collapse:collapse;font-size:.92em;min-width:12rem}
caption{text-align:left;font-weight:bold;padding:.2rem 0}
th,td{border:1px solid var(--rule);padding:.25rem .55rem;vertical-align:top;text-align:left}
thead th{background:var(--head);font-weight:600}
tbody tr:nth-child(even) td{background:var(--zebra)}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
td.n{white-space:nowrap}
td.empty{color:var(--muted)}
dl.kv{display:grid;grid-template-columns:max-content auto;gap:.15rem 1rem;margin:.6rem 0 1rem}
dl.kv dt{font-weight:600}
dl.kv dd{margin:0}
figure.chart{margin:1rem 0 1.5rem;padding:.6rem .8rem;border:1px solid var(--rule);border-radius:4px}
figure.chart figcaption{font-weight:600;margin-bottom:.4rem}
.chart-body{display:flex;flex-wrap:wrap;gap:1rem 1.5rem;align-items:flex-start}
.chart-body .chart-svg{flex:1 1 26rem;min-width:0}
.chart-body .chart-data{flex:0 1 auto;margin:0}
svg.qm-chart{max-width:100%;height:auto;display:block}
.chart-data table{font-size:.85em}
@media print{
  @page{size:A4;margin:16mm 15mm 18mm 15mm;@bottom-right{content:"%PAGE% " counter(page) " / " counter(pages);font-size:8pt;color:#666}}
  body{max-width:none;padding:0;font-size:10pt}
  header.doc{margin-bottom:.6rem}
  h1{font-size:18pt}
  h2{font-size:14pt;margin-top:0}
  h3{font-size:12pt}
  section.break{break-before:page}
  h2,h3,h4,figcaption,caption{break-after:avoid}
  figure.chart,tr,dl.kv,nav.toc{break-inside:avoid}
  .table-wrap{overflow:visible}
  table{break-inside:auto;font-size:8.5pt;max-width:100%}
  th,td{padding:.12rem .3rem;overflow-wrap:break-word}
  td.n{white-space:normal}
  table.wide{font-size:7pt}
  table.short{break-inside:avoid}
  thead{display:table-header-group}
  a{color:inherit;text-decoration:none}
  nav.toc{background:none}
  figure.chart{border:0;padding:0}
  .chart-body{display:block}
  .chart-body .chart-svg svg.qm-chart{margin:0 auto .4rem}
  tbody tr:nth-child(even) td{background:none}
}
]]

local function esc(s)
  return (tostring(s):gsub("[&<>\"']", { ["&"] = "&amp;", ["<"] = "&lt;", [">"] = "&gt;", ['"'] = "&quot;", ["'"] = "&#39;" }))
end
M.escape = esc

-- the levels the headings are written with: the title is h1, nothing jumps a level
-- (a heading is one level below the nearest heading above it with a smaller given level)
function M.levels(blocks)
  local out, stack = {}, {}
  for i, b in ipairs(blocks) do
    if b.kind == "heading" then
      local given = b.level or 2
      while #stack > 0 and stack[#stack].given >= given do table.remove(stack) end
      local l = math.min(6, (#stack > 0 and stack[#stack].level or 1) + 1)
      stack[#stack + 1] = { given = given, level = l }
      out[i] = l
    end
  end
  return out
end

-- a table: streamed rows written as they arrive; numeric columns right-aligned (decided on
-- the first rows, as text does): the table renderer's html format (qm.reports.tables), through
-- h.write_table (the document's cells)
local function write_table(t, out, h, caption)
  h.write_table("html", t, out, { caption = caption })
end

-- render(doc, out, h): out.line(s) writes a line; h = { cell, write_table }
function M.render(doc, out, h)
  local lang = doc.lang or i18n.default
  local L = i18n.new(lang)   -- the page's few words of its own (contents, page, ...)
  local words = { contents = L("html.contents"), figures = L("html.figures"), page = L("html.page") }
  local levels = M.levels(doc.blocks)
  -- ids and the table of contents, from the headings (known before any row is written)
  local ids, toc, nheadings = {}, {}, 0
  for i, b in ipairs(doc.blocks) do
    if b.kind == "heading" then
      nheadings = nheadings + 1
      ids[i] = "s" .. nheadings
      if levels[i] <= 3 then toc[#toc + 1] = { level = levels[i], id = ids[i], text = b.text } end
    end
  end
  out.line("<!DOCTYPE html>")
  out.line(('<html lang="%s">'):format(esc(lang)))
  out.line('<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">')
  out.line('<meta name="generator" content="qm">')
  out.line("<title>" .. esc(doc.title or "qm") .. "</title>")
  out.line("<style>" .. M.CSS:gsub("%%PAGE%%", esc(words.page)) .. "</style>")
  out.line("</head>")
  out.line("<body>")
  out.line('<header class="doc">')
  out.line("<h1>" .. esc(doc.title or "qm") .. "</h1>")
  if doc.subtitle then out.line('<p class="subtitle">' .. esc(doc.subtitle) .. "</p>") end
  out.line("</header>")
  if #toc >= 2 then
    out.line(('<nav class="toc" aria-labelledby="toc-title"><h2 id="toc-title">%s</h2>'):format(esc(words.contents)))
    local depth = 0
    local base = toc[1].level
    for _, e in ipairs(toc) do
      local l = e.level - base + 1
      if l > depth then
        while depth < l do out.line("<ol>"); depth = depth + 1 end
      else
        out.line("</li>")
        while depth > l do out.line("</ol></li>"); depth = depth - 1 end
      end
      out.line(('<li><a href="#%s">%s</a>'):format(e.id, esc(e.text)))
    end
    out.line("</li>")
    while depth > 1 do out.line("</ol></li>"); depth = depth - 1 end
    out.line("</ol></nav>")
  end
  out.line("<main>")
  local open = {}   -- levels of the open <section>s
  local chart_n = 0
  for i, b in ipairs(doc.blocks) do
    if b.kind == "heading" then
      local l = levels[i]
      while #open > 0 and open[#open] >= l do out.line("</section>"); table.remove(open) end
      local brk = l == 2 and (b.level or 2) <= 2 or b.break_before
      out.line(('<section class="level%d%s" aria-labelledby="%s">'):format(l, brk and " break" or "", ids[i]))
      open[#open + 1] = l
      out.line(('<h%d id="%s">%s</h%d>'):format(l, ids[i], esc(b.text), l))
    elseif b.kind == "paragraph" then
      out.line("<p>" .. esc(b.text) .. "</p>")
    elseif b.kind == "keyvalues" then
      out.line('<dl class="kv">')
      for _, p in ipairs(b.pairs) do
        out.line("<dt>" .. esc(tostring(p[1])) .. "</dt><dd>" .. esc(h.cell({ key = 2 }, p)) .. "</dd>")
      end
      out.line("</dl>")
    elseif b.kind == "list" then
      out.line("<ul>")
      for _, item in ipairs(b.items) do out.line("<li>" .. esc(tostring(item)) .. "</li>") end
      out.line("</ul>")
    elseif b.kind == "table" then
      write_table(b, out, h, b.caption)
    elseif b.kind == "chart" then
      chart_n = chart_n + 1
      local id = "chart-" .. chart_n
      out.line(('<figure class="chart" id="%s-figure">'):format(id))
      if b.spec.title then out.line("<figcaption>" .. esc(b.spec.title) .. "</figcaption>") end
      out.line('<div class="chart-body"><div class="chart-svg">')
      out.line(charts.svg(b.spec, id))
      out.line('</div><div class="chart-data">')
      write_table(charts.table(b.spec), out, h, words.figures)
      out.line("</div></div></figure>")
    end
  end
  while #open > 0 do out.line("</section>"); table.remove(open) end
  out.line("</main>")
  out.line("</body></html>")
end

return M
