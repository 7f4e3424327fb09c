-- The build's report index (host.report_index(), written by cmake/embed_stdlib.c from the
-- register("NAME" calls in the stdlib's sources) agrees with what the report modules register,
-- and asking for one report loads only the module that has it (engine state).
local t = require "testing"
local host = require "qm.host"
local reports = require "qm.engine.reports"

-- the modules that register reports (by the index), those loaded now
local function report_modules_loaded()
  local seen, out = {}, {}
  for _, mod in pairs(host.report_index()) do
    if not seen[mod] and package.loaded[mod] ~= nil then out[#out + 1] = mod end
    seen[mod] = true
  end
  table.sort(out)
  return out
end

t.test("one report loads only its own module", function()
  t.eq(report_modules_loaded(), {}, "before")
  local r = reports.get("konsensusrapport")
  t.truthy(r and type(r.fn) == "function", "konsensusrapport found")
  t.eq(r.module, "qm.reports.selfassess")
  t.eq(report_modules_loaded(), { "qm.reports.selfassess" }, "after")
  t.truthy(package.loaded["qm.reports.progression"] == nil, "progression not loaded")
  t.truthy(package.loaded["qm.reports.status"] == nil, "status not loaded")
end)

t.test("the index names the module of every registered report, and nothing else", function()
  local index = host.report_index()
  local registered = {}
  for name, r in pairs(reports.all()) do
    registered[name] = r.module
    t.eq(index[name], r.module, "index entry of report " .. name)
  end
  for name, mod in pairs(index) do
    t.eq(registered[name], mod, "indexed report " .. name)
  end
  t.truthy(next(index) ~= nil, "the index is not empty")
end)

t.test("a report the index does not know is still found by loading every module", function()
  -- what a module added under QM_STDLIB_PATH after the build is: not in the index
  t.eq(reports.get("no_such_report"), nil)
  for _, mod in ipairs(reports.modules()) do t.truthy(package.loaded[mod] ~= nil, mod .. " loaded") end
end)

t.done()
