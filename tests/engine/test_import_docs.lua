-- docs/import.md names every import kind and every column each kind declares, and the job
-- centre's tables, with the same other names: the page is checked against the declarations
-- (qm.engine.import_kinds, qm.reports.progression), so it cannot drift from them.
local t = require "testing"
local kinds = require "qm.engine.import_kinds"
local progression = require "qm.reports.progression"

local f = assert(io.open("docs/import.md"))
local doc = f:read("a")
f:close()

-- the text of the section "### name" up to the next heading
local function section(name)
  local s = doc:find("\n### " .. name .. "\n", 1, true)
  if not s then return nil end
  local e = doc:find("\n##", s + 5, true) or #doc
  return doc:sub(s, e)
end

local function check(name, columns)
  local sec = section(name)
  t.truthy(sec, "docs/import.md has no section ### " .. name)
  for _, c in ipairs(columns) do
    local row = sec:match("\n(| `" .. c.name:gsub("%p", "%%%0") .. "`[^\n]*)")
    t.truthy(row, ("### %s does not list column %s"):format(name, c.name))
    t.eq(row:find(" * |", 1, true) ~= nil, c.required == true, name .. "." .. c.name .. " required")
    for _, a in ipairs(c.aliases or {}) do
      t.truthy(row:find(a, 1, true), ("### %s: column %s does not name %s"):format(name, c.name, a))
    end
  end
end

t.test("every import kind and its columns are on the page", function()
  for _, k in ipairs(kinds.order) do check(k, kinds[k].columns) end
end)

t.test("every job-centre table and its columns are on the page", function()
  for _, r in ipairs(progression.roles) do check(r, progression.tables[r].columns) end
end)

t.done()
