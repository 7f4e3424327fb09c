-- Tests of qm.report (document rendering) and qm.json.
local t = require "testing"
local report = require "qm.report"
local json = require "qm.json"

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

t.done()
