-- prints docs/language.md's rule reference from the declarations (schema.rules), so the
-- reference cannot drift from what qm check accepts (tests/e2e/test_docs.sh compares them)
local schema = require "qm.lang.schema"
local out = {}
local function add(s) out[#out + 1] = s end
add("<!-- generated from stdlib/qm/lang/schema.lua (schema.rules) by tests/engine/rule_reference.lua; tests/e2e/test_docs.sh checks it -->")
add("## Rule reference")
add("Every rule a model can name, with its options, as `qm check` and `qm run` check them: an")
add("unknown rule or option, or an option of the wrong type, is an error at the model's line with")
add("the name meant (`kik.lua:12: prioritise.impact_effort: unknown option treshold (did you mean")
add("threshold?)`; `qm check --format json` gives the word meant as `suggestion`). Options are")
add("given by name in a table: a value without a name is an error (`consensus.median { 5 }`;")
add("`scale.points { 0, 100, 5 }`, where `step = 5` was meant), except the minimum and maximum")
add("of `scale.points` and `scale.ordinal` and the bands of `scoring.bands`. Any rule may also be")
add("your own Lua function.")
for _, libname in ipairs({ "scale", "scoring", "consensus", "prioritise" }) do
  local lib = schema.rules[libname]
  add("")
  add(("### `%s` — %s"):format(libname, lib.doc))
  for _, c in ipairs(lib.constructors) do
    local opts = {}
    for _, o in ipairs(c.options) do
      local kind = o.type == "enum" and table.concat(o.values, "|") or o.type
      local extra = {}
      if o.required then extra[#extra + 1] = "required" end
      if o.default ~= nil then extra[#extra + 1] = "default " .. tostring(o.default) end
      opts[#opts + 1] = ("`%s` (%s%s): %s"):format(o.name, kind, #extra > 0 and (", " .. table.concat(extra, ", ")) or "", o.doc)
    end
    add(("- `%s`: %s.%s"):format(c.example, c.doc, #opts > 0 and (" Options: " .. table.concat(opts, "; ") .. ".") or " No options."))
  end
end
add("<!-- end of the rule reference -->")
print(table.concat(out, "\n"))
