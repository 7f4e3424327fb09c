-- construct.build reads a node's own fields raw (rawget) when it applies `required` and
-- `default`: that reads the same as node[name] only while no declared field is named like
-- something an element or a model answers through its metatable (a method, a collection).
-- This test keeps it so, and checks defaults and required fields as a model sees them.
-- Runs in the engine's own state (qm_engine_test).
local t = require "testing"
local schema = require "qm.lang.schema"
local model = require "qm.lang.model"
local construct = require "qm.lang.construct"

t.test("no declared field is named like an element's or a model's method or collection", function()
  local e = model.new("theme", { kind = "theme", id = "e", children = {} })
  local m = model.new("model", { kind = "model", id = "m", children = {} })
  for kind, decl in pairs(schema.constructs) do
    for _, f in ipairs(decl.fields) do
      t.eq(e[f.name], nil, kind .. "." .. f.name .. " is not answered by an element")
      t.eq(m[f.name], nil, kind .. "." .. f.name .. " is not answered by a model")
    end
  end
end)

t.test("defaults are set and required fields are reported, in the declared order", function()
  local run = {}
  local ind = construct.build(run, "indicator", "i", { title = "x" }, "m.lua:3")
  t.eq(ind.type, "value")
  t.eq(ind.inclusive, true)
  t.eq(ind.hard, true)
  t.eq(run.problems, nil)
  local given = construct.build(run, "indicator", "j", { type = "share", hard = false }, "m.lua:4")
  t.eq(given.type, "share")
  t.eq(given.hard, false)
  local q = construct.build(run, "question", "1.1", {}, "m.lua:5")
  t.eq(#run.problems, 1)
  t.eq(run.problems[1].msg, 'question "1.1": text is required (the question as participants read it)')
  t.eq(run.problems[1].where, "m.lua:5")
  t.eq(q.text, nil)
  local c = construct.build(run, "column", "c", {}, "m.lua:6")
  t.eq(c.required, false)
  t.eq(run.problems[2].msg, 'column "c": type is required (the type of the column\'s values (the types are listed in docs/import.md))')
end)
t.done()
