-- reports.lua — the report registry. Each module under qm.reports.* registers its own reports
-- here when it is loaded: register(name, fn(ctx, model, out) -> exit code or nil, doc, needs).
-- `needs` says what the report needs of a model (and of its database) to apply, in the
-- vocabulary of qm.lang.schema.needs: `--report list` shows only the reports that apply to
-- the model, its own reports (`report "id" { ... }`, qm.reports.declared) among them, and an
-- unknown name is a usage error with "did you mean". The registry names no report itself: a
-- report asked for by name is looked up in the module the build's index names for it
-- (host.report_index(), made by cmake/embed_stdlib.c from the register calls in the stdlib's
-- sources), then in the module of that name (qm.reports.status has the report called
-- status), and only then in every qm.reports.* module. So `qm check` and plain scripts load
-- none of them, and one report loads only its own module.
-- Engine-internal: a model cannot reach the registry, so it cannot replace a report the
-- engine then calls with its run context.
local host = require "qm.host"
local schema = require "qm.lang.schema"

local M = {}

local reports = {}
local loaded_all = false

local known_need = {}
for _, n in ipairs(schema.need_names) do known_need[n] = true end

-- the module whose main chunk calls register: "@stdlib/qm/reports/x.lua" -> "qm.reports.x"
local function registering_module()
  local path = debug.getinfo(3, "S").source:match("^@stdlib/(.*)%.lua$")
  return path and (path:gsub("/", "."))
end

function M.register(name, fn, doc, needs)
  assert(type(name) == "string" and type(fn) == "function", "register(name, fn, doc, needs)")
  for _, n in ipairs(needs or {}) do assert(known_need[n], "register: unknown need " .. tostring(n)) end
  reports[name] = { name = name, fn = fn, doc = doc or "", needs = needs or {}, module = registering_module() }
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

-- the report of that name ({ name, fn, doc, needs, module }), or nil: first from the module
-- the build's index names, then from the module of the report's name, else from every report
-- module (with QM_STDLIB_PATH the index may be stale: that only costs loading a module)
function M.get(name)
  if reports[name] then return reports[name] end
  local indexed, own = host.report_index()[name], "qm.reports." .. tostring(name)
  -- which of the two is an embedded report module (what M.modules() lists)
  local have = {}
  for _, mod in ipairs(host.modules()) do
    if (mod == indexed or mod == own) and mod:match("^qm%.reports%.[%w_]+$") then have[mod] = true end
  end
  if have[indexed] then require(indexed) end
  if not reports[name] and have[own] then require(own) end
  if not reports[name] then load_all() end
  return reports[name]
end

-- every bundled report: name -> { name, fn, doc, needs }
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

-- ---------------------------------------------------------------- what applies

-- Each need's test: true when the model (and database) has it; false and why not; or nil
-- and why when only a database could tell and the run has none.
local function has_rounds(ctx, m)
  local db = ctx.opts.db and ctx:database()
  if not db then return nil, "needs --db" end
  local ok, n = pcall(db.scalar, db, "SELECT count(*) FROM qm_rounds WHERE model_id = ?", { m.id })
  if ok and n and n > 0 then return true end
  return false, ("the database has no assessment rounds of model \"%s\""):format(m.id)
end

M.tests = {
  questions = function(_, m) return #m:questions() > 0, "the model has no questions" end,
  indicators = function(_, m) return #m:indicators() > 0, "the model has no indicators" end,
  rounds = has_rounds,
  audit = function(_, m) return m.audit ~= nil, "the model has no audit = { ... }" end,
  progression = function(_, m) return m.progression ~= nil, "the model has no progression = { ... }" end,
  plan = function(_, m) return m.plan ~= nil, "the model has no plan = { ... }" end,
  priorities = function(_, m)
    return m.priorities ~= nil or m.survey_sql ~= nil, "the model has neither priorities = { ... } nor survey_sql"
  end,
  db = function(ctx) if ctx.opts.db then return true end return nil, "needs --db" end,
}

-- does report r apply to model m? true; or false and why not; or nil and why (needs --db)
function M.applies(ctx, m, r)
  local pending
  for _, need in ipairs(r.needs or {}) do
    local ok, why = M.tests[need](ctx, m)
    if ok == false then return false, why end
    if ok == nil then pending = why end
  end
  if pending then return nil, pending end
  return true
end

-- the model's own reports, as registry entries (qm.reports.declared runs them)
local function own_reports(m)
  local out = {}
  for _, rep in ipairs(m.reports or {}) do
    local needs = rep.needs
    if type(needs) == "string" then needs = { needs } end
    local entry = { name = rep.id, own = rep, doc = rep.description or rep.title or "", needs = needs or {} }
    entry.fn = function(ctx, model, out_) return require("qm.reports.declared").run(ctx, model, rep, out_) end
    out[rep.id] = entry
  end
  return out
end

-- every report for model m, the model's own ones in place of bundled ones of the same name:
-- name -> entry
function M.for_model(m)
  local all = {}
  for k, v in pairs(M.all()) do all[k] = v end
  for k, v in pairs(own_reports(m)) do v.replaces = all[k] ~= nil; all[k] = v end
  return all
end

-- the reports that apply to m, sorted by name: { { name, doc, own, pending = why or nil } }
function M.applicable(ctx, m)
  local out = {}
  for name, r in pairs(M.for_model(m)) do
    local ok, why = M.applies(ctx, m, r)
    if ok ~= false then out[#out + 1] = { name = name, doc = r.doc, own = r.own ~= nil, replaces = r.replaces, pending = ok == nil and why or nil } end
  end
  table.sort(out, function(a, b) return a.name < b.name end)
  return out
end

-- The report called `name` for model m. An unknown name, or one that does not apply to the
-- model, is a usage error that says so, suggests a near name and lists the applicable ones.
function M.find(ctx, m, name)
  -- the model's own report of that name, else the bundled one, loading only its module: every
  -- report module is loaded only when the name is unknown or does not apply (to list them)
  local r = own_reports(m)[name] or M.get(name)
  local ok, why
  if r then
    ok, why = M.applies(ctx, m, r)
    if ok ~= false then return r end
  end
  local names = {}
  for _, e in ipairs(M.applicable(ctx, m)) do names[#names + 1] = e.name end
  local cli = require "qm.engine.cli"
  if r then
    cli.usage_error(("the report \"%s\" does not apply to model \"%s\": %s (reports for it: %s)")
      :format(name, m.id, why, table.concat(names, ", ")))
  end
  local hint = require("qm.lang.construct").did_you_mean(tostring(name), names)
  cli.usage_error(("no report \"%s\"%s (reports for model \"%s\": %s; --report list says what each does)")
    :format(tostring(name), hint and (" — did you mean \"" .. hint .. "\"?") or "", m.id, table.concat(names, ", ")))
end

return M
