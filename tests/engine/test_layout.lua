-- The stdlib's layout (issue 9): the report registry names no report, each report module
-- registers its own, `qm check` loads no report module, and dependencies point inwards
-- (lang/, rules/ and eval/ never require the engine's or the reports' modules). Runs in the
-- engine's own state (qm_engine_test), from the source tree's root.
local t = require "testing"

local function read(path)
  local f = assert(io.open(path))
  local s = f:read("a")
  f:close()
  return s
end

local function report_modules_loaded()
  local out = {}
  for name in pairs(package.loaded) do
    if name:match("^qm%.reports%.") then out[#out + 1] = name end
  end
  table.sort(out)
  return out
end

t.test("qm check loads no report module", function()
  local check = require "qm.engine.cmd_check"
  local saved = io.stdout
  io.stdout = { write = function() end }   -- cmd_check prints "ok: ..."
  local ok, code = pcall(check.main, { quiet = true }, { "models/kik/kik.lua", "models/caf2020/caf2020.lua" })
  io.stdout = saved
  t.truthy(ok, tostring(code))
  t.eq(code, 0)
  t.eq(report_modules_loaded(), {})
end)

local registry = require "qm.engine.reports"

t.test("a report asked for by its module's name loads only that module", function()
  t.truthy(registry.get("status"), "status")
  local loaded = report_modules_loaded()
  for _, other in ipairs({ "qm.reports.selfassess", "qm.reports.progression", "qm.reports.audit",
                           "qm.reports.plan", "qm.reports.summary" }) do
    t.falsy(package.loaded[other], other .. " was loaded too: " .. table.concat(loaded, ", "))
  end
end)

t.test("the registry names no report; every report is registered by a qm.reports module", function()
  local src = read("stdlib/qm/engine/reports.lua")
  local names = registry.names()
  t.truthy(#names >= 20, "the reports were found: " .. #names)
  for _, name in ipairs(names) do
    t.falsy(src:find('"' .. name .. '"', 1, true), "engine/reports.lua names the report " .. name)
    local info = debug.getinfo(registry.all()[name].fn, "S")
    t.truthy(info.source:match("^@stdlib/qm/reports/[%w_]+%.lua$"), name .. " is registered from " .. info.source)
  end
end)

t.test("lang, rules and eval do not depend on the engine or the reports", function()
  local host = require "qm.host"
  for _, mod in ipairs(host.modules()) do
    local folder = mod:match("^qm%.(%a+)%.")
    if folder == "lang" or folder == "rules" or folder == "eval" then
      local src = read("stdlib/" .. mod:gsub("%.", "/") .. ".lua")
      for dep in src:gmatch('require%s*%(?%s*"(qm%.[%w_.]+)"') do
        t.falsy(dep:match("^qm%.engine%.") or dep:match("^qm%.reports%."), mod .. " requires " .. dep)
      end
    end
  end
end)

t.test("the old flat modules are gone", function()
  for _, old in ipairs({ "qm.lang", "qm.runner", "qm.report", "qm.indicator", "qm.store", "qm.selfassess" }) do
    t.falsy((pcall(require, old)), old .. " still loads")
  end
end)

t.done()
