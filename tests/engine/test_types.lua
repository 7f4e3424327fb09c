-- Tests of qm.lang.types, the value vocabulary imports and declared tables share: one value
-- read from a file (decimal commas, Danish dates, the boolean set) and one checked from the
-- database; and of the docs' table of types (docs/import.md names every type).
local t = require "testing"
local types = require "qm.lang.types"
local scale = require "qm.rules.scale"

local function parse(spec, text, env) return types.parse(spec, text, env or {}) end

t.test("a decimal comma is a number in a semicolon file, not in a comma file", function()
  t.eq(parse({ type = "number" }, "65,0", { decimal = "," }), 65.0)
  t.eq(math.type(parse({ type = "number" }, "65,0", { decimal = "," })), "float")
  t.eq(parse({ type = "number" }, "65.5", { decimal = "," }), 65.5)
  local v, err = parse({ type = "number" }, "65,0", { decimal = "." })
  t.eq(v, nil)
  t.truthy(err:find("a decimal comma is read in ; and tab files only", 1, true), err)
  v, err = parse({ type = "number" }, "1.234", { decimal = "," })
  t.eq(v, nil)
  t.truthy(err:find("ambiguous", 1, true), err)
  t.eq(parse({ type = "number" }, " -1e3 ", {}), -1000.0)
  for _, bad in ipairs({ "0x10", "inf", "nan", "1 000", "12a", "--1" }) do
    t.eq(parse({ type = "number" }, bad, {}), nil, bad)
  end
end)

t.test("integers accept whole decimals and keep to min and max", function()
  t.eq(parse({ type = "integer" }, "3,0", { decimal = "," }), 3)
  t.eq(math.type(parse({ type = "integer" }, "3", {})), "integer")
  local v, err = parse({ type = "integer" }, "3.5", {})
  t.eq(v, nil)
  t.truthy(err:find("not a whole number", 1, true))
  v, err = parse({ type = "integer", min = 1, max = 5 }, "6", {})
  t.truthy(err:find("above the maximum 5", 1, true))
  v, err = parse({ type = "integer", min = 1, max = 5 }, "0", {})
  t.truthy(err:find("below the minimum 1", 1, true))
end)

t.test("booleans are exactly 1/0, ja/nej, yes/no, true/false in any case", function()
  for text, want in pairs({ ["1"] = 1, ["0"] = 0, ja = 1, NEJ = 0, Yes = 1, no = 0, ["TRUE"] = 1, ["false"] = 0, [" ja "] = 1 }) do
    t.eq(parse({ type = "boolean" }, text), want, text)
  end
  for _, bad in ipairs({ "j", "n", "y", "2", "sand", "x", "on", "off", "-1" }) do
    local v, err = parse({ type = "boolean" }, bad)
    t.eq(v, nil, bad)
    t.truthy(err:find("1/0, ja/nej, yes/no, true/false", 1, true), err)
  end
  -- from the database: the same set, as SQLite gives it
  t.eq({ types.check({ type = "boolean" }, "nej") }, { true, 0 })
  t.eq({ types.check({ type = "boolean" }, 1) }, { true, 1 })
  t.eq(types.check({ type = "boolean" }, "0.5"), false)
  t.eq(types.check({ type = "boolean" }, 2), false)
end)

t.test("dates are ISO or day-first Danish, and real calendar days", function()
  t.eq(parse({ type = "date" }, "2016-10-01"), "2016-10-01")
  t.eq(parse({ type = "date" }, "01-10-2016"), "2016-10-01")
  t.eq(parse({ type = "date" }, "1.10.2016"), "2016-10-01")
  t.eq(parse({ type = "date" }, "1/10/2016"), "2016-10-01")
  t.eq(parse({ type = "date" }, "29-02-2024"), "2024-02-29")
  local v, err = parse({ type = "date" }, "29-02-2023")
  t.eq(v, nil)
  t.truthy(err:find("not a date in the calendar", 1, true))
  t.eq(parse({ type = "date" }, "10/01/16"), nil)
  t.eq(types.check({ type = "date" }, "01-10-2016"), false)   -- stored dates are ISO
end)

t.test("done is a date or a yes/no, never other text", function()
  t.eq(parse({ type = "done" }, "28-09-2016"), "2016-09-28")
  t.eq(parse({ type = "done" }, "0"), 0)
  t.eq(parse({ type = "done" }, "Ja"), 1)
  local v, err = parse({ type = "done" }, "snart")
  t.eq(v, nil)
  t.truthy(err:find("neither a date nor a yes/no value", 1, true))
  t.eq(types.check({ type = "done" }, "x"), false)
  t.eq({ types.check({ type = "done" }, "2016-09-28") }, { true, "2016-09-28" })
end)

t.test("periods are normalised; enums read any case as the declared spelling", function()
  t.eq(parse({ type = "period" }, "2016-k3"), "2016-Q3")
  t.eq(parse({ type = "period" }, "2016-h1"), "2016-H1")
  t.eq(parse({ type = "period" }, "2016-13"), nil)
  t.eq(parse({ type = "enum", values = { "før", "efter" } }, "FØR"), "før")
  local v, err = parse({ type = "enum", values = { "før", "efter" } }, "under")
  t.eq(v, nil)
  t.truthy(err:find("not one of før, efter", 1, true))
end)

t.test("a scale column refuses 0 and 6 on a 1-5 scale and reads decimal commas", function()
  local m = { scale = scale.ordinal { 1, 5 } }
  t.eq(parse({ type = "scale" }, "3", { model = m }), 3)
  for _, bad in ipairs({ "0", "6", "2,5" }) do
    local v, err = parse({ type = "scale" }, bad, { model = m, decimal = "," })
    t.eq(v, nil, bad)
    t.truthy(err, bad)
  end
  local p = { scale = scale.points { 0, 100, step = 5 } }
  t.eq(parse({ type = "scale", scale = "kik" }, "65,0", { model = { scales = { kik = p.scale } }, decimal = "," }), 65)
end)

t.test("blanks are NULL unless the column is required", function()
  t.eq({ parse({ type = "integer" }, "  ") }, {})
  local v, err = parse({ type = "text", required = true }, "")
  t.eq(v, nil)
  t.truthy(err:find("missing", 1, true))
  t.eq({ types.check({ type = "integer", required = true }, nil) }, { false, "missing (the column is required)" })
end)

t.test("every type has a SQL type, a description and examples that parse", function()
  for _, ty in ipairs(types.list) do
    t.truthy(type(ty.sql) == "string", ty.name)
    t.truthy(#ty.doc > 10, ty.name)
    if ty.name ~= "enum" and ty.name ~= "scale" and ty.name ~= "element" then
      for _, ex in ipairs(ty.examples) do
        local v, err = types.parse({ type = ty.name }, ex, { decimal = ex:find(",") and "," or "." })
        t.truthy(v ~= nil, ty.name .. " example " .. ex .. ": " .. tostring(err))
      end
    end
  end
end)

t.test("docs/import.md lists every type of the vocabulary", function()
  local f = assert(io.open("docs/import.md"))
  local doc = f:read("a")
  f:close()
  for _, name in ipairs(types.names) do
    t.truthy(doc:find("| `" .. name .. "` |", 1, true), "docs/import.md has no row for type " .. name)
  end
end)

t.test("Danish capitals lower-case", function()
  t.eq(types.lower("År ÆBLE Ø"), "år æble ø")
end)

t.done()
