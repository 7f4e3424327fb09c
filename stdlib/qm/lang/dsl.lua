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

local function finish_model(ctx, m, file)
  m._file = file or m.where:match("^(.*):%d+$")
  if m.extends ~= nil then
    if not model.is_model(m.extends) then
      problem(ctx, "error", m.where, ("model \"%s\": extends must be a model (from use \"file.lua\")"):format(m.id))
    else
      extends.apply(ctx, m)
    end
  end
  if m.structure then require("qm.lang.structure").add(ctx, m) end
  construct.index(ctx, m)
  check.model(ctx, m)
  ctx.models = ctx.models or {}
  table.insert(ctx.models, m)
  return m
end

function M.globals(ctx)
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
      return finish_model(ctx, m, file)
    end
  end
  -- use "other.lua": load another model file (relative to this file) and return its model
  g.use = function(path)
    local file = file_of(2) or (where_of(2):match("^(.*):%d+$")) or "."
    local dir = file:match("^(.*)/[^/]*$") or "."
    local full = path:sub(1, 1) == "/" and path or (dir .. "/" .. path)
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
