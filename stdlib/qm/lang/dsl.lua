-- dsl.lua — the model language as a model file sees it: the constructors `model`, `theme`,
-- `question`, `indicator`, `dataset`, `column`, `report`, `section`, `use`, and the rule libraries `scale`, `scoring`, `time`,
-- `consensus`, `prioritise`. globals(run) makes them for one run; a finished model is
-- extended, indexed and checked, and recorded on the run (run.models, run.problems).
local construct = require "qm.lang.construct"
local model = require "qm.lang.model"
local check = require "qm.lang.check"

local M = {}

local problem, where_of, file_of = construct.problem, construct.where_of, construct.file_of
local lazy_time
local schema = require "qm.lang.schema"

-- A rule library as a model sees it (`consensus`, `prioritise`, `scoring`, `scale`): the
-- library's own values and functions, but each constructor call is checked against its
-- declaration (schema.rules) first: an unknown option (with "did you mean"), a value of the
-- wrong type or a missing required one is an error at the model's line, and so is an
-- unknown rule name. The call to the library's constructor is a tail call, so the
-- constructor's own errors still point at the model's line.
-- A rule error stops the file; ctx.rule_error says what it is about (the misspelt word and
-- the one meant), so `qm check --format json` and editors can point at the word and offer the
-- fix as they do for a misspelt field (cmd_check hands it to findings:add_error).
local function rule_library(ctx, libname, lib)
  local decl = schema.rules[libname]
  local wrapped = {}
  local function fail(msg, token, suggestion)
    if ctx then ctx.rule_error = { msg = msg, about = { token = token, suggestion = suggestion } } end
    error(msg, 0)
  end
  local function check(c, opts)
    local why, token, hint
    if opts ~= nil and type(opts) ~= "table" then
      why = ("takes a table of options, like %s, not a %s"):format(c.example, type(opts))
      token = c.name
    end
    for key, v in pairs(type(opts) == "table" and opts or {}) do
      if type(key) == "string" then
        local o = c.by_name[key]
        if not o then
          hint = construct.did_you_mean(key, c.names)
          why = ("unknown option %s%s"):format(key, hint and (" (did you mean " .. hint .. "?)")
            or (#c.names > 0 and (" (options: " .. table.concat(c.names, ", ") .. ")") or " (it takes none)"))
          token = key
        else
          local ok, msg = schema.check_type(o, v)
          if not ok then why = ("%s %s"):format(key, msg); token = key end
        end
      elseif math.type(key) == "integer" and key > (c.items and c.items.max or 0) then
        -- a value without a name: { 5 } meant max_range = 5, { 0, 100, 5 } meant step = 5
        local shown = (type(v) == "number" or type(v) == "boolean") and tostring(v)
          or type(v) == "string" and ('"' .. v .. '"') or ("a " .. type(v))
        why = c.items and ("takes %s, then options by name (%s): %s is item %d")
          :format(c.items.doc, table.concat(c.names, ", "), shown, key)
          or ("options are named (%s): %s has no name"):format(#c.names > 0 and table.concat(c.names, ", ") or "it takes none", shown)
        token = c.name
      end
      if why then break end
    end
    if not why then
      for _, o in ipairs(c.options) do
        if o.required and (opts == nil or opts[o.name] == nil) then
          why = ("needs %s = ... (%s)"):format(o.name, o.doc)
          token = c.name
          break
        end
      end
    end
    if why then fail(("%s: %s.%s: %s"):format(where_of(3), libname, c.name, why), token, hint) end
  end
  local known = {}
  for _, n in ipairs(decl.names) do known[#known + 1] = n end
  for _, n in ipairs(decl.helpers or {}) do known[#known + 1] = n end
  return setmetatable({}, {
    __index = function(_, name)
      if name == "__qm_name" then return libname end   -- the sandbox's read-only message
      local v = lib[name]
      local c = decl.by_name[name]
      if c and type(v) == "function" then
        if not wrapped[name] then
          wrapped[name] = function(opts, ...)
            check(c, opts)
            return v(opts, ...)
          end
        end
        return wrapped[name]
      end
      if v ~= nil then return v end
      local hint = type(name) == "string" and construct.did_you_mean(name, known) or nil
      local where = construct.model_where(2)
      fail(("%s%s.%s: no such %s rule%s (%s rules: %s)"):format(where and (where .. ": ") or "", libname, tostring(name),
        libname, hint and (" (did you mean " .. libname .. "." .. hint .. "?)") or "", libname, table.concat(decl.names, ", ")),
        type(name) == "string" and name or nil, hint)
    end,
    __newindex = function() error(("%s is read-only"):format(libname), 2) end,
    __pairs = function(t)
      local names = {}
      for k in pairs(lib) do if type(k) == "string" then names[#names + 1] = k end end
      table.sort(names)
      local i = 0
      return function()
        i = i + 1
        if names[i] then return names[i], t[names[i]] end
      end, t, nil
    end,
    __metatable = libname .. " rules",
  })
end

local function finish_model(ctx, m, file, scope)
  m._file = file or m.where:match("^(.*):%d+$")
  if m.extends ~= nil then
    if not model.is_model(m.extends) then
      problem(ctx, "error", m.where, ("model \"%s\": extends must be a model (from use \"file.lua\")"):format(m.id))
    else
      require("qm.lang.extends").apply(ctx, m)   -- loaded only for a model that extends one
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

-- The file a model named on the command line is in: the file itself, else a bundled model by
-- name (`qm run kik`, `--model kik`, `.load kik`); neither raises an I/O error (exit 3) that
-- lists the bundled models, with the one meant.
function M.model_file(p)
  local host = require "qm.host"
  local f = io.open(p, "rb")
  if f then
    local _, err = f:read(0)   -- a folder opens, and cannot be read
    f:close()
    if err and err:match("[Ii]s a directory") then
      -- a model's folder (models/kik, or kik where the folder is) means its NAME/NAME.lua
      local inner = p:gsub("/+$", "") .. "/" .. (p:gsub("/+$", ""):match("[^/]+$") or "") .. ".lua"
      local g = io.open(inner, "rb")
      if g then g:close() return inner end
      host.raise(host.exit.io, ("cannot open %s: is a folder (give a model file, like kik.lua, or a bundled model's name)"):format(p), 0)
    elseif err then
      host.raise(host.exit.io, ("cannot open %s: %s"):format(p, err), 0)
    end
    return p
  end
  local found = M.find_used({ dir = ".", named = "." }, p)
  if found then return found end
  if p:find("/", 1, true) or p:match("%.lua$") then   -- a file name, not a model's name
    host.raise(host.exit.io, ("cannot open %s: no such file"):format(p), 0)
  end
  local names, seen = {}, {}
  for _, d in ipairs(M.bundled_dirs()) do
    for _, n in ipairs(host.listdir(d) or {}) do
      if not seen[n] and host.stat(d .. "/" .. n .. "/" .. n .. ".lua") then seen[n] = true; names[#names + 1] = n end
    end
  end
  table.sort(names)
  local meant = require("qm.lang.construct").did_you_mean(p, names)
  host.raise(host.exit.io, ("cannot open %s: no such file, and no bundled model of that name%s%s"):format(p,
    meant and (" (did you mean " .. meant .. "?)") or "",
    #names > 0 and (" (bundled: " .. table.concat(names, ", ") .. ")") or ""), 0)
end

-- The `time` a model sees (and require "qm.time" gives): qm.eval.time, loaded when a model
-- first reads a field of it. The sandbox freezes this table as it froze the module (it reads
-- fields, pairs and # through it), so a model cannot tell the two apart; one table for every
-- environment, so `time` is the same in all of them.
local function time_module()
  local mod = require "qm.eval.time"
  -- loaded: read its fields straight from the module from now on
  getmetatable(lazy_time).__index = mod
  return mod
end
lazy_time = setmetatable({}, {
  __qm_freeze = true,   -- a plain table to the sandbox: frozen on the way to a model
  __index = function(_, k) return time_module()[k] end,
  __pairs = function() return next, time_module(), nil end,
  __len = function() return #time_module() end,
})

-- The constructors and rule libraries a model file in `scope` sees (sandbox.scope, with
-- `named`: the folder as the user named it).
function M.globals(ctx, scope)
  local g = {}
  g.theme = construct.constructor(ctx, "theme")
  g.question = construct.constructor(ctx, "question")
  g.indicator = construct.constructor(ctx, "indicator")
  g.dataset = construct.constructor(ctx, "dataset")
  g.column = construct.constructor(ctx, "column")
  g.report = construct.constructor(ctx, "report")
  g.section = construct.constructor(ctx, "section")
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
  g.scale = rule_library(ctx, "scale", require "qm.rules.scale")
  g.scoring = rule_library(ctx, "scoring", require "qm.rules.scoring")
  g.consensus = rule_library(ctx, "consensus", require "qm.rules.consensus")
  g.prioritise = rule_library(ctx, "prioritise", require "qm.rules.prioritise")
  -- require "qm.scale" (and the others) gives the same checked library as the global
  if scope and scope.modules then
    for _, name in ipairs({ "scale", "scoring", "consensus", "prioritise" }) do
      scope.modules["qm." .. name] = g[name]
    end
  end
  -- time (qm.eval.time, the largest module of the language) is loaded at its first use
  g.time = lazy_time
  if scope and scope.modules then scope.modules["qm.time"] = lazy_time end
  return g
end

-- the models a run declared (not those only loaded with use), in order
function M.models(run)
  local out = {}
  for _, m in ipairs(run.models or {}) do if not m._used then out[#out + 1] = m end end
  return out
end

return M
