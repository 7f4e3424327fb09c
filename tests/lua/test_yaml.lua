-- Tests of the qm.yaml module (engine/yaml_lua.c).
local t = require "testing"

t.test("plain scalars follow the core schema", function()
  local d = yaml.load("i: 12\nneg: -3\nhex: 0x1F\noct: 0o17\nf: 1.5\ne: 1e3\ndot: .5\nb: true\nB: False\ns: hello\n")
  t.eq(d.i, 12); t.eq(math.type(d.i), "integer"); t.eq(d.neg, -3)
  t.eq(d.hex, 31); t.eq(d.oct, 15)
  t.eq(d.f, 1.5); t.eq(d.e, 1000.0); t.eq(math.type(d.e), "float"); t.eq(d.dot, 0.5)
  t.eq(d.b, true); t.eq(d.B, false); t.eq(d.s, "hello")
end)

t.test("leading zeros keep codes as strings", function()
  local d = yaml.load("postal: 0047\nunit: 012\nzero: 0\n")
  t.eq(d.postal, "0047"); t.eq(d.unit, "012"); t.eq(d.zero, 0)
end)

t.test("YAML 1.1 booleans stay strings (the Norway problem)", function()
  local d = yaml.load("country: no\na: yes\nb: on\nc: off\n")
  t.eq(d.country, "no"); t.eq(d.a, "yes"); t.eq(d.b, "on"); t.eq(d.c, "off")
end)

t.test("special floats", function()
  local d = yaml.load("a: .inf\nb: -.inf\nc: .nan\n")
  t.eq(d.a, math.huge); t.eq(d.b, -math.huge); t.truthy(d.c ~= d.c)
end)

t.test("quoted scalars are strings", function()
  local d = yaml.load("a: \"12\"\nb: 'true'\n")
  t.eq(d.a, "12"); t.eq(d.b, "true")
end)

t.test("null is the null sentinel and keeps its key", function()
  local d = yaml.load("a:\nb: ~\nc: null\nlist: [1, null]\n")
  t.eq(d.a, yaml.null); t.eq(d.b, yaml.null); t.eq(d.c, yaml.null)
  t.eq(#d.list, 2); t.eq(d.list[2], yaml.null)
  t.eq(tostring(yaml.null), "null")
end)

t.test("string mode keeps every scalar's text", function()
  local d = yaml.load("id: 1.10\nn: 12\nb: true\nz:\n", { scalars = "string" })
  t.eq(d.id, "1.10"); t.eq(d.n, "12"); t.eq(d.b, "true"); t.eq(d.z, yaml.null)
end)

t.test("tags force types", function()
  local d = yaml.load("a: !!str 123\nb: !!int '42'\nc: !!float '2'\nd: !!bool 'true'\ne: !!null ''\n")
  t.eq(d.a, "123"); t.eq(d.b, 42); t.eq(d.c, 2.0); t.eq(d.d, true); t.eq(d.e, yaml.null)
  t.raises(function() yaml.load("a: !!foo 1", { name = "x.yaml" }) end, "x.yaml:1:4: unknown tag")
  t.raises(function() yaml.load("a: !!int abc") end, '"abc" is not an integer')
end)

t.test("mapping order is the author's", function()
  local d = yaml.load("zeta: 1\nalpha: 2\nmid: 3\n")
  t.eq(yaml.keys(d), { "zeta", "alpha", "mid" })
  local seen = {}
  for k, v in yaml.pairs(d) do seen[#seen + 1] = k .. "=" .. v end
  t.eq(seen, { "zeta=1", "alpha=2", "mid=3" })
end)

t.test("keys of a table not from YAML come sorted", function()
  t.eq(yaml.keys({ b = 1, a = 2 }), { "a", "b" })
end)

t.test("positions of tables and values", function()
  local d = yaml.load_file("fixtures/scalars.yaml")
  t.eq(yaml.where(d), "fixtures/scalars.yaml:1:1")
  t.eq(yaml.where(d, "themes"), "fixtures/scalars.yaml:11:3")
  t.eq(yaml.where(d.themes[1]), "fixtures/scalars.yaml:11:5")
  t.eq(yaml.where(d.themes[1], "title"), "fixtures/scalars.yaml:12:12")
  t.eq(yaml.where(d, "nope"), nil)
end)

t.test("aliases are copies, not shared tables", function()
  local d = yaml.load("a: &x {k: 1}\nb: *x\n")
  t.eq(d.b.k, 1)
  t.truthy(d.a ~= d.b, "distinct tables")
  t.eq(yaml.keys(d.b), { "k" })
end)

t.test("duplicate keys are an error naming both lines", function()
  t.raises(function() yaml.load("a: 1\nb: 2\na: 3\n", { name = "d.yaml" }) end,
    'd.yaml:3:1: duplicate key "a" (first at line 1)')
end)

t.test("syntax errors carry line and column", function()
  t.raises(function() yaml.load("a: [1, 2\nb: 3", { name = "bad.yaml" }) end, "bad.yaml:2:")
end)

t.test("complex keys are refused", function()
  t.raises(function() yaml.load("? [a, b]\n: 1\n") end, "mapping keys must be plain values")
end)

t.test("load_all returns every document", function()
  local docs = yaml.load_all("a: 1\n---\nb: 2\n")
  t.eq(#docs, 2); t.eq(docs[2].b, 2)
end)

t.test("alias bomb fails fast naming the limit", function()
  local t0 = os.clock()
  t.raises(function() yaml.load_file("fixtures/bomb.yaml") end, "document too large after alias expansion (limit 100000 nodes)")
  t.truthy(os.clock() - t0 < 1, "fails in well under a second")
end)

t.test("nesting past the depth limit is refused", function()
  t.raises(function() yaml.load(string.rep("[", 100) .. string.rep("]", 100)) end, "nesting deeper than the limit of 64 levels")
end)

t.test("files outside the model's folder are refused", function()
  t.raises(function() yaml.load_file("/etc/passwd") end, "a model may only read files in its own folder")
end)

t.test("bad scalars option is an error", function()
  t.raises(function() yaml.load("a: 1", { scalars = "magic" }) end, 'scalars must be "core" or "string"')
end)

t.done()
