-- test_authoring.lua — the engine modules behind qm check's positions, qm lsp and qm test:
-- the tokenizer never raises on any text and finds fields, SQL offsets and what encloses a
-- position; findings sort stably and keep what a problem concerns; the LSP's framing takes
-- a message apart, refuses what is malformed and maps UTF-16 positions; the importer reads
-- Lua rows like a file; test matchers compare as documented.
local t = require "testing"
local source = require "qm.engine.source"
local findings = require "qm.engine.findings"
local lsp = require "qm.engine.lsp"
local modeltest = require "qm.engine.modeltest"

local model_text = table.concat({
  'model "m" {',                                                       -- 1
  '  title = "Æøå",',                                                  -- 2
  '  theme "t" { titel = "T",',                                        -- 3
  '    indicator "i" { type = "value", max = 2,',                      -- 4
  '      sql = [[SELECT unit_id, x AS value',                          -- 5
  '              FORM tabel]] },',                                     -- 6
  '    question "1" { text = "?" }, question "2" { text = "?", weight = "to" },',   -- 7
  '  },',                                                              -- 8
  '}',                                                                 -- 9
}, "\n")

t.test("the tokenizer never raises, whatever the text", function()
  math.randomseed(12345)
  local alphabet = { "{", "}", "[", "[[", "]]", "--", "--[[", '"', "'", "\\", "\n", "=", "x", " ", "é", "\0", "1e", "0x", ".", "[=[" }
  for _ = 1, 300 do
    local parts = {}
    for i = 1, math.random(0, 60) do parts[i] = alphabet[math.random(#alphabet)] end
    local text = table.concat(parts)
    local src = source.new(text)
    local toks = src:tokens()
    t.eq(toks[#toks].t, "eof")
    src:tables()
    for off = 1, #text + 1, 7 do src:context(off) end
    src:locate(1, { kind = "x", field = "y", offset = 3 })
  end
end)

t.test("a field is located on its own line, an SQL offset in the long string", function()
  local src = source.new(model_text)
  local l, c, e = src:locate(3, { kind = "theme", id = "t", field = "titel" })
  t.eq({ l, c, e }, { 3, 15, 20 }, "titel")
  -- offset of FORM inside the SQL text
  local sql = "SELECT unit_id, x AS value\n              FORM tabel"
  l, c, e = src:locate(4, { kind = "indicator", id = "i", field = "sql", offset = sql:find("FORM") - 1 })
  t.eq({ l, c, e }, { 6, 15, 19 }, "FORM")
  -- two constructs on one line: the one with the id
  l, c = src:locate(7, { kind = "question", id = "2", field = "weight", value = true })
  t.eq({ l, c }, { 7, 70 }, "the value of question 2's weight")
  -- nothing more precise: the line's first word
  l, c = src:locate(8, {})
  t.eq({ l, c }, { 8, 3 })
end)

t.test("columns count characters, not bytes", function()
  local src = source.new(model_text)
  t.eq(source.chars(src:line_text(2), 18), 15, "after Æøå's two-byte letters")
end)

t.test("context: the innermost table and what owns it", function()
  local src = source.new(model_text)
  local off = src:offset(4, 20)
  local ctx = src:context(off)
  t.eq(ctx.tables[1].owner.construct, "indicator")
  t.eq(ctx.tables[2].owner.construct, "theme")
  local s2 = source.new('scale = scale.points { 0, 100, ')
  local c2 = s2:context(#s2.text + 1)
  t.eq(c2.tables[1].owner.rule, "scale")
  t.eq(c2.tables[1].owner.name, "points")
  local s3 = source.new('depends_on = { "a')
  t.truthy(s3:context(#s3.text + 1).inside_string, "inside an unfinished string")
end)

t.test("findings sort by file, line, column, severity and keep the suggestion", function()
  local f = findings.new({ ["m.lua"] = model_text })
  f:add_problems({
    { level = "warning", where = "m.lua:7", msg = "b", about = { kind = "question", id = "2", field = "weight" } },
    { level = "error", where = "m.lua:3", msg = "a", about = { kind = "theme", id = "t", field = "titel", suggestion = "title" } },
    { level = "error", where = "m.lua:7", msg = "c", about = { kind = "question", id = "1" } },
  })
  local list = f:sorted()
  t.eq(list[1].message, "a")
  t.eq(list[1].suggestion, "title")
  t.eq(list[2].message, "c", "column 5 before column 59")
  t.eq(list[3].message, "b")
  t.eq(f:count("error"), 2)
  local json = require("qm.reports.json").decode(f:json({ "m.lua" }))
  t.eq(json.findings[1].column, 15)
  t.eq(json.findings[1].end_column, 20)
end)

t.test("an error that stops a file becomes a finding at its word", function()
  local f = findings.new({ ["x.lua"] = 'model "x" {\n  title = "a"\n  scale = 1,\n}\n' })
  f:add_error("x.lua:3: '}' expected (to close '{' at line 1) near 'scale'", "x.lua")
  local r = f:sorted()[1]
  t.eq({ r.line, r.column, r.end_column }, { 3, 3, 8 })
  t.eq(f:text(true), "x.lua:3: '}' expected (to close '{' at line 1) near 'scale'\n")
end)

-- a reader over a string, as io's files read
local function reader(s)
  local pos = 1
  return { read = function(_, n)
    if pos > #s then return nil end
    local out = s:sub(pos, pos + n - 1)
    pos = pos + #out
    return out
  end }
end

t.test("LSP framing: headers in any case, a body of exactly its length, bad ones refused", function()
  local r = reader("content-length: 7\r\nContent-Type: x\r\n\r\n{\"a\":1}Content-Length: 2\r\n\r\n{}")
  local n = lsp.read_headers(r)
  t.eq(n, 7)
  t.eq(lsp.read_body(r, n), '{"a":1}')
  n = lsp.read_headers(r)
  t.eq(lsp.read_body(r, n), "{}")
  t.eq(lsp.read_headers(r), nil, "end of input")
  local bad = reader("X: 1\r\n\r\n")
  local ok, why = lsp.read_headers(bad)
  t.eq(ok, false)
  t.truthy(why:find("Content%-Length"))
  t.eq(lsp.read_body(reader("abc"), 10), nil, "a body cut short is the end")
  local big = lsp.MAX_MESSAGE + 1
  local okb, whyb = lsp.read_body(reader(("x"):rep(100)), big)
  t.eq(okb, nil, "the input ended while skipping")
  local huge = reader(("x"):rep(70000))
  lsp.MAX_MESSAGE = 1000
  local okh, whyh = lsp.read_body(huge, 70000)
  lsp.MAX_MESSAGE = 16 * 1024 * 1024
  t.eq(okh, false)
  t.truthy(whyh:find("more than"))
  local _ = whyb
end)

t.test("LSP positions are UTF-16 and URIs are decoded", function()
  local src = source.new("a = \"😀é\" x\n")
  -- 😀 is two UTF-16 units, é one: character 10 is the x
  local off = lsp.offset_of(src, { line = 0, character = 10 })
  t.eq(src.text:sub(off, off), "x")
  t.eq(lsp.uri_to_path("file:///tmp/Kvalitet%202026/m.lua"), "/tmp/Kvalitet 2026/m.lua")
  t.eq(lsp.path_to_uri("/tmp/Kvalitet 2026/m.lua"), "file:///tmp/Kvalitet%202026/m.lua")
  t.eq(lsp.uri_to_path("untitled:1"), nil)
end)

t.test("test matchers: numbers within 1e-9, subsets of objects, lists element by element", function()
  t.truthy(modeltest.matches(0.3, 0.1 + 0.2))
  t.falsy(modeltest.matches(0.3, 0.31))
  t.truthy(modeltest.matches({ a = 1 }, { a = 1, b = 2 }))
  t.falsy(modeltest.matches({ 1, 2 }, { 1, 2, 3 }))
  t.truthy(modeltest.matches({ { id = "x" } }, { { id = "x", n = 1 } }))
  t.truthy(modeltest.matches(require("qm.host").null, nil))
  t.falsy(modeltest.matches("1", 1), "no conversion between text and number")
end)

t.test("the importer reads Lua rows like a file: columns by name or header, values parsed", function()
  local importer = require "qm.engine.importer"
  local imp = importer.new {}
  local decl = { name = "syg", columns = { { name = "unit_id", type = "text", required = true },
                                         { name = "procent", type = "number" }, { name = "ok", type = "boolean" } } }
  local got = {}
  imp:each(importer.rows("t.test.lua", 4, { { unit_id = "a", procent = 4.5, ok = "ja" },
    { unit_id = "b", procent = 101.25, ok = true } }, "data syg"), decl, function(row)
    got[#got + 1] = { row.unit_id, row.procent, row.ok }
  end)
  t.eq(got, { { "a", 4.5, 1 }, { "b", 101.25, 1 } })
  imp:each(importer.rows("t.test.lua", 4, { columns = { "unit_id", "procent" }, { "c", "fem" }, { nil, 3 } }, "data syg"), decl, function() end)
  t.eq(imp.nerrors, 2)
  t.truthy(imp.errors[1]:find("t.test.lua:4: data syg, row 1: procent", 1, true), imp.errors[1])
  t.truthy(imp.errors[2]:find("row 2: unit_id: missing", 1, true), imp.errors[2])
end)

t.done()
