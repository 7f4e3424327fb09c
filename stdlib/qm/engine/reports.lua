-- reports.lua — the report registry. Each module under qm.reports.* registers its own reports
-- here when it is loaded: register(name, fn(ctx, model, out) -> exit code or nil, doc). The
-- registry names no report itself: a report asked for by name is looked up in the module the
-- build's index names for it (host.report_index(), made by cmake/embed_stdlib.c from the
-- register calls in the stdlib's sources), then in the module of that name (qm.reports.status
-- has the report called status), and only then in every qm.reports.* module. So `qm check`
-- and plain scripts load none of them, and one report loads only its own module.
-- Engine-internal: a model cannot reach the registry, so it cannot replace a report the
-- engine then calls with its run context.
local host = require "qm.host"

local M = {}

local reports = {}
local loaded_all = false

-- the module whose main chunk calls register: "@stdlib/qm/reports/x.lua" -> "qm.reports.x"
local function registering_module()
  local path = debug.getinfo(3, "S").source:match("^@stdlib/(.*)%.lua$")
  return path and (path:gsub("/", "."))
end

function M.register(name, fn, doc)
  assert(type(name) == "string" and type(fn) == "function", "register(name, fn, doc)")
  reports[name] = { fn = fn, doc = doc or "", module = registering_module() }
end

-- the names of the stdlib's report modules: every embedded module under qm.reports.
function M.modules()
  local out = {}
  for _, name in ipairs(host.modules()) do
    if name:match("^qm%.reports%.[%w_]+$") then out[#out + 1] = name end
  end
  table.sort(out)
  return out
end

local function load_all()
  if loaded_all then return end
  for _, mod in ipairs(M.modules()) do require(mod) end
  loaded_all = true
end

-- the report of that name ({ fn, doc, module }), or nil: first from the module the build's
-- index names, then from the module of the report's name, else from every report module
-- (with QM_STDLIB_PATH the index may be stale: that only costs loading a module)
function M.get(name)
  if reports[name] then return reports[name] end
  local have = {}
  for _, mod in ipairs(M.modules()) do have[mod] = true end
  local indexed, own = host.report_index()[name], "qm.reports." .. tostring(name)
  if have[indexed] then require(indexed) end
  if not reports[name] and have[own] then require(own) end
  if not reports[name] then load_all() end
  return reports[name]
end

-- every report: name -> { fn, doc }
function M.all()
  load_all()
  return reports
end

function M.names()
  local names = {}
  for k in pairs(M.all()) do names[#names + 1] = k end
  table.sort(names)
  return names
end

return M
