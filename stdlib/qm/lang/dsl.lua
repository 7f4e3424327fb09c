-- dsl.lua — the model language as a model file sees it: the constructors `model`, `theme`,
-- `question`, `indicator`, `use`, and the rule libraries `scale`, `scoring`, `time`,
-- `consensus`, `prioritise`. globals(run) makes them for one run; a finished model is
-- extended, indexed and checked, and recorded on the run (run.models, run.problems).
local construct = require "qm.lang.construct"
local model = require "qm.lang.model"
local check = require "qm.lang.check"
local extends = require "qm.lang.extends"

local M = {}

local problem, where_of, file_of = construct.problem, construct.where_of, construct.file_of

local function finish_model(ctx, m, file, scope)
  m._file = file or m.where:match("^(.*):%d+$")
  if m.extends ~= nil then
    if not model.is_model(m.extends) then
      problem(ctx, "error", m.where, ("model \"%s\": extends must be a model (from use \"file.lua\")"):format(m.id))
    else
      extends.apply(ctx, m)
    end
  end
  if m.structure then require("qm.lang.structure").add(ctx, m, scope) end
  construct.index(ctx, m)
  check.model(ctx, m)
  ctx.models = ctx.models or {}
  table.insert(ctx.models, m)
  return m
end

-- The bundled models' folders: the installed ones, else the source tree's (a build not
-- installed); `use "kik"` finds models/kik/kik.lua there.
function M.bundled_dirs()
  local host = require "qm.host"
  local out = {}
  for _, d in ipairs({ host.models_dir, host.source_models_dir }) do
    if d and d ~= "" then out[#out + 1] = d end
  end
  return out
end

-- The file `use path` loads, from a model whose scope is `scope`: a file in the model's own
-- folder (or below), else a bundled model ("kik", "kik/kik.lua"). Never anything else, so
-- `use` cannot widen what a model reads. Returns the path to load, or nil and why.
function M.find_used(scope, path)
  local sandbox = require "qm.sandbox"
  if type(path) ~= "string" or path == "" then return nil, "use needs a file name, like use \"kik.lua\"" end
  local bare = not path:find("/", 1, true) and not path:match("%.lua$")
  local function local_file(p)
    if sandbox.inside(p, scope.dir) then
      return p:sub(1, 1) == "/" and p or (scope.named .. "/" .. p)
    end
  end
  local found = local_file(path) or (bare and local_file(path .. ".lua"))
  if found then return found end
  for _, d in ipairs(M.bundled_dirs()) do
    found = sandbox.inside(path, d) or (bare and sandbox.inside(path .. "/" .. path .. ".lua", d))
    if found then return found end
  end
  return nil, ("use \"%s\": no such file in the model's folder (%s) and no bundled model of that name"):format(path, scope.named)
end

-- The constructors and rule libraries a model file in `scope` sees (sandbox.scope, with
-- `named`: the folder as the user named it).
function M.globals(ctx, scope)
  local g = {}
  g.theme = construct.constructor(ctx, "theme")
  g.question = construct.constructor(ctx, "question")
  g.indicator = construct.constructor(ctx, "indicator")
  g.model = function(id)
    local where, file = where_of(2), file_of(2)
    if type(id) ~= "string" or id == "" then
      problem(ctx, "error", where, 'model needs an id in quotes, like model "kik" { ... }')
      id = "?"
    end
    return function(spec)
      local m = construct.build(ctx, "model", id, spec, where)
      return finish_model(ctx, m, file, scope)
    end
  end
  -- use "other.lua": load another model file and return its model (see find_used)
  g.use = function(path)
    local full, why = M.find_used(scope, path)
    if not full then error(why, 2) end
    local before = #(ctx.models or {})
    local ok, err = pcall(ctx.dofile, ctx, full)
    if not ok then error(err, 0) end
    local m = ctx.models and ctx.models[#ctx.models]
    if not m or #ctx.models == before then error(("use \"%s\": the file declares no model"):format(path), 2) end
    m._used = true
    return m
  end
  g.scale = require "qm.rules.scale"
  g.scoring = require "qm.rules.scoring"
  g.consensus = require "qm.rules.consensus"
  g.prioritise = require "qm.rules.prioritise"
  g.time = require "qm.eval.time"
  return g
end

-- the models a run declared (not those only loaded with use), in order
function M.models(run)
  local out = {}
  for _, m in ipairs(run.models or {}) do if not m._used then out[#out + 1] = m end end
  return out
end

return M
