-- prints "construct field" for every field of the model language (tests/e2e/test_docs.sh)
local schema = require "qm.lang.schema"
local out = {}
for name, c in pairs(schema.constructs) do
  for _, f in ipairs(c.fields or {}) do out[#out + 1] = name .. " " .. f.name end
end
table.sort(out)
print(table.concat(out, "\n"))
