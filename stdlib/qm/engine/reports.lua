-- reports.lua — the report registry. Each module under qm.reports.* registers its own reports
-- here when it is loaded: register(name, fn(ctx, model, out) -> exit code or nil, doc). The
-- registry names no report itself: a report asked for by name is looked up in the module of
-- that name first (qm.reports.status has the report called status), and otherwise every
-- qm.reports.* module is loaded, so `qm check` and plain scripts load none of them.
-- Engine-internal: a model cannot reach the registry, so it cannot replace a report the
-- engine then calls with its run context.
local host = require "qm.host"

local M = {}

local reports = {}
local loaded_all = false

function M.register(name, fn, doc)
  assert(type(name) == "string" and type(fn) == "function", "register(name, fn, doc)")
  reports[name] = { fn = fn, doc = doc or "" }
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

-- the report of that name ({ fn, doc }), or nil
function M.get(name)
  if reports[name] then return reports[name] end
  local own = "qm.reports." .. tostring(name)
  for _, mod in ipairs(M.modules()) do
    if mod == own then require(mod) break end
  end
  if reports[name] then return reports[name] end
  load_all()
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
