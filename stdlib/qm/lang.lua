-- lang.lua — the model language: `model "id" { ... }`, `theme`, `question`, `indicator`.
-- Each construct's fields are declared once, as data (lang/schema.lua); validation,
-- misspelled-key errors, `qm check`, REPL completion and docs/language.md come from that.
--
-- The model object (what other modules and reports use):
--   m.kind == "model", m.id, m.title, m.scale, m.max_participants, m.consensus, m.prioritise,
--   m.scoring, m.where ("file:line"), m.source, m.quote, m.meta, m.children (top themes)
--   m:themes(), m:questions(), m:indicators(), m:walk() (all, author's order), m:find(id);
--   m.themes.ledelse, kik.questions["1.1"] (collections indexed by id)
--   element e: e.kind, e.id, e.title, e.text, e.parent, e.children, e.where, e.aliases,
--   e.weight, e.side, e.meta, e:scale_of() (own scale or inherited up the tree)
local schema = require "qm.lang.schema"
local scale = require "qm.scale"
local scoring = require "qm.scoring"

local M = {}
M.schema = schema

-- ---------------------------------------------------------------- problems

-- Problems are collected, not raised, so `qm check` can report every one of them.
local function problem(ctx, level, where, msg)
  ctx.problems = ctx.problems or {}
  table.insert(ctx.problems, { level = level, where = where or "?", msg = msg })
end
M.problem = problem

-- "file:line" of the model code that called the construct (level counts from the caller),
-- with the file as the user named it (Lua's short_src cuts long paths to "...")
local function where_of(level)
  local info = debug.getinfo(level + 1, "Sl")
  if not info or info.currentline <= 0 then return "?" end
  local file = info.source:sub(1, 1) == "@" and info.source:sub(2) or info.short_src
  return file .. ":" .. info.currentline
end
M.where_of = where_of

-- the full path of the model file that called the construct: short_src above is cut to
-- 60 characters for messages, so paths are resolved from the chunk's source instead
local function file_of(level)
  local info = debug.getinfo(level + 1, "S")
  if not info or info.source:sub(1, 1) ~= "@" then return nil end
  return info.source:sub(2)
end
M.file_of = file_of

-- ---------------------------------------------------------------- elements

local Element = {}
Element.__metatable = "model element"
local Model = setmetatable({}, { __index = Element })
Model.__metatable = "model"

local function count(children, kind)
  local n = 0
  for _, c in ipairs(children or {}) do if c.kind == kind then n = n + 1 end end
  return n
end

function Element.__tostring(e)
  local parts = {}
  local q, th, ind = count(e.children, "question"), count(e.children, "theme"), count(e.children, "indicator")
  if th > 0 then parts[#parts + 1] = th .. (th == 1 and " theme" or " themes") end
  if q > 0 then parts[#parts + 1] = q .. (q == 1 and " question" or " questions") end
  if ind > 0 then parts[#parts + 1] = ind .. (ind == 1 and " indicator" or " indicators") end
  return ("<%s %s%s>"):format(e.kind, e.id, #parts > 0 and (": " .. table.concat(parts, ", ")) or "")
end
Model.__tostring = function(m)
  return ("<model %s: %d themes, %d questions, %d indicators>"):format(m.id, #m:themes(), #m:questions(), #m:indicators())
end

-- the scale that applies: the element's own, else its parent's, up to the model's
function Element:scale_of()
  local e = self
  while e do
    if e.scale then return e.scale end
    e = e.parent
  end
  return nil
end

-- the rule that rolls this element's children up (own, else inherited, else mean)
function Element:scoring_of()
  local e = self
  while e do
    if e.scoring then return e.scoring end
    e = e.parent
  end
  return scoring.mean()
end

local function walk(e, out, kind)
  for _, c in ipairs(e.children or {}) do
    if kind == nil or c.kind == kind then out[#out + 1] = c end
    walk(c, out, kind)
  end
  return out
end

function Element:walk() return walk(self, {}) end

-- m.themes, m.questions, m.indicators (and a theme's): collections. Called as methods they
-- give the elements in the author's order, as a plain array (m:themes()); indexed by id they
-- give one element under the owner (kik.themes.ledelse, kik.questions["1.1"]); pairs and #
-- work, so the REPL completes kik.themes.le<TAB>.
local Collection = { __metatable = "model collection" }
local coll_info = setmetatable({}, { __mode = "k" })   -- collection -> { owner, kind }
local coll_cache = setmetatable({}, { __mode = "k" })  -- element -> { kind -> collection }

local function members(c)
  local info = coll_info[c]
  return walk(info.owner, {}, info.kind), info
end

Collection.__call = function(c) return (members(c)) end
Collection.__len = function(c) return #(members(c)) end
Collection.__index = function(c, id)
  local list = members(c)
  id = tostring(id)
  for _, e in ipairs(list) do if e.id == id then return e end end
  return nil
end
Collection.__pairs = function(c)
  local list, i = members(c), 0
  return function()
    i = i + 1
    local e = list[i]
    if e then return e.id, e end
  end, c, nil
end
Collection.__tostring = function(c)
  local list, info = members(c)
  return ("<%ss of %s: %d>"):format(info.kind, info.owner.id, #list)
end
Collection.__newindex = function(c)
  error(("%s is read-only"):format(tostring(c)), 2)
end

local collection_kinds = { themes = "theme", questions = "question", indicators = "indicator" }

local function collection(e, kind)
  local per = coll_cache[e]
  if not per then per = {}; coll_cache[e] = per end
  if not per[kind] then
    local c = setmetatable({}, Collection)
    coll_info[c] = { owner = e, kind = kind }
    per[kind] = c
  end
  return per[kind]
end

Element.__index = function(e, k)
  local kind = collection_kinds[k]
  if kind then return collection(e, kind) end
  return Element[k]
end
Model.__index = function(m, k)
  local kind = collection_kinds[k]
  if kind then return collection(m, kind) end
  return Model[k]
end

function Model:find(id)
  id = tostring(id)
  return self._index and self._index[id]
end

-- the path of ids from the top, e.g. "ledelse/1.1"
function Element:path()
  local ids, e = {}, self
  while e and e.kind ~= "model" do table.insert(ids, 1, e.id); e = e.parent end
  return table.concat(ids, "/")
end

-- ---------------------------------------------------------------- constructs

local function did_you_mean(name, known)
  local best, bestd
  for _, k in ipairs(known) do
    local d = schema.distance(name, k)
    if d <= math.max(2, #k // 3) and (bestd == nil or d < bestd) then best, bestd = k, d end
  end
  return best
end

local function label(kind, id) return ("%s \"%s\""):format(kind, id) end

-- check spec's fields against the construct's declaration; returns the node
local function build(ctx, kind, id, spec, where)
  local decl = schema.constructs[kind]
  local node = setmetatable({ kind = kind, id = id, where = where, children = {} }, kind == "model" and Model or Element)
  if type(spec) ~= "table" then
    problem(ctx, "error", where, ("%s: expected { ... } after %s \"%s\", got %s"):format(label(kind, id), kind, id, type(spec)))
    return node
  end
  for k, v in pairs(spec) do
    if math.type(k) == "integer" then
      if type(v) == "table" and getmetatable(v) == "model element" then
        if not decl.children or not decl.children[v.kind] then
          problem(ctx, "error", v.where, ("%s cannot contain %s"):format(label(kind, id), label(v.kind, v.id)))
        end
      else
        problem(ctx, "error", where, ("%s: item %d is not a theme, question or indicator (did you forget a field name?)"):format(label(kind, id), k))
      end
    elseif type(k) ~= "string" then
      problem(ctx, "error", where, ("%s: field names must be words, got %s"):format(label(kind, id), tostring(k)))
    else
      local f = decl.by_name[k]
      if not f then
        local hint = did_you_mean(k, decl.names)
        problem(ctx, "error", where, ("%s: unknown field \"%s\"%s"):format(label(kind, id), k,
          hint and (" (did you mean \"" .. hint .. "\"?)") or (" (fields: " .. table.concat(decl.names, ", ") .. ")")))
      else
        local ok, msg = schema.check_type(f, v)
        if not ok then
          problem(ctx, "error", where, ("%s: %s %s"):format(label(kind, id), k, msg))
        else
          node[k] = v
        end
      end
    end
  end
  for i = 1, #spec do
    local c = spec[i]
    if type(c) == "table" and getmetatable(c) == "model element" then
      c.parent = node
      node.children[#node.children + 1] = c
    end
  end
  for _, f in ipairs(decl.fields) do
    if f.required and node[f.name] == nil then
      problem(ctx, "error", where, ("%s: %s is required (%s)"):format(label(kind, id), f.name, f.doc))
    end
    if node[f.name] == nil and f.default ~= nil then node[f.name] = f.default end
  end
  if type(node.aliases) == "string" then node.aliases = { node.aliases } end
  return node
end
M.build = build

-- `kind "id" { ... }` as a Lua call: the id call captures where, the table call builds
local function constructor(ctx, kind)
  return function(id)
    local where = where_of(2)
    if type(id) == "number" then id = tostring(id) end
    if type(id) ~= "string" or id == "" then
      problem(ctx, "error", where, ("%s needs an id in quotes, like %s \"%s\" { ... }"):format(kind, kind, kind == "question" and "1.1" or "ledelse"))
      id = "?"
    end
    return function(spec)
      return build(ctx, kind, id, spec, where)
    end
  end
end

-- ---------------------------------------------------------------- finishing a model

local function index_model(ctx, m)
  local index = {}
  m._index = index
  local function add(key, e, what)
    local prev = index[key]
    if prev and prev ~= e then
      problem(ctx, "error", e.where, ("duplicate id \"%s\": %s at %s has it too%s"):format(key, label(prev.kind, prev.id), prev.where, what))
    else
      index[key] = e
    end
  end
  for _, e in ipairs(m:walk()) do add(e.id, e, "") end
  for _, e in ipairs(m:walk()) do
    for _, a in ipairs(e.aliases or {}) do add(a, e, " (as an alias)") end
  end
end

-- a target must be a score the question's scale can give
local function check_target(ctx, e, sc, where_label)
  if e.target == nil or not sc or type(e.target) ~= "number" then return end
  local v, msg = sc:check(e.target)
  if v == nil or type(v) ~= "number" then
    msg = msg or "is not a score on the scale"
    local t = tostring(e.target)
    if msg:sub(1, #t + 1) == t .. " " then msg = msg:sub(#t + 2) end  -- "120 is outside ..." -> "is outside ..."
    problem(ctx, "error", e.where, ("%s: target %s %s"):format(where_label, t, msg))
  end
end

local function check_model(ctx, m)
  for _, q in ipairs(m:questions()) do
    if not q:scale_of() then
      problem(ctx, "error", q.where, ("question \"%s\" has no scale: give the model, its theme or the question a scale"):format(q.id))
    end
    local where_label = ("question \"%s\""):format(q.id)
    if q.parent and q.parent.kind == "theme" then where_label = ("theme \"%s\": %s"):format(q.parent.id, where_label) end
    check_target(ctx, q, q:scale_of(), where_label)
  end
  check_target(ctx, m, m.scale, ("model \"%s\""):format(m.id))
  for _, e in ipairs(m:walk()) do
    if e.kind == "theme" and #e.children == 0 and e.scored ~= false then
      problem(ctx, "warning", e.where, ("theme \"%s\" has no questions, indicators or sub-themes"):format(e.id))
    end
    if e.weight ~= nil and e.parent then
      local r = e.parent:scoring_of()
      if scoring.is_rule(r) and not r.uses_weights then
        problem(ctx, "warning", e.where, ("%s: weight %s given but %s scores by %s, which ignores weights (use scoring = scoring.weighted_mean())")
          :format(label(e.kind, e.id), tostring(e.weight), label(e.parent.kind, e.parent.id), r.name))
      end
    end
  end
  -- named scales declared on the model but used by nothing
  if type(m.scales) == "table" then
    local used = {}
    for _, e in ipairs(m:walk()) do if e.scale then used[e.scale] = true end end
    if m.scale then used[m.scale] = true end
    for name, s in pairs(m.scales) do
      if not used[s] then problem(ctx, "warning", m.where, ("scale \"%s\" is defined but no element uses it"):format(name)) end
    end
  end
  if m.max_participants ~= nil and m.max_participants < 1 then
    problem(ctx, "error", m.where, ("model \"%s\": max_participants must be at least 1"):format(m.id))
  end
  for _, hook in ipairs(M.check_hooks) do hook(ctx, m) end
end

-- other modules (indicators, ...) add checks: function(ctx, model)
M.check_hooks = {}

-- ---------------------------------------------------------------- reuse

local function copy_tree(e, parent)
  local c = setmetatable({}, getmetatable(e) == "model" and Model or Element)
  for k, v in pairs(e) do
    if k ~= "children" and k ~= "parent" and k ~= "_index" then c[k] = v end
  end
  c.parent = parent
  c.children = {}
  for i, child in ipairs(e.children or {}) do c.children[i] = copy_tree(child, c) end
  return c
end

local function find_in(tree, id)
  for _, e in ipairs(tree:walk()) do if e.id == id then return e end end
end

-- model "x" { extends = base, remove = {...}, replace = { question ... }, change = {...} }
local function apply_extends(ctx, m)
  local base = m.extends
  local copy = copy_tree(base, nil)
  for k, v in pairs(copy) do
    if m[k] == nil and k ~= "kind" and k ~= "id" and k ~= "where" and k ~= "extends" and k:sub(1, 1) ~= "_" then m[k] = v end
  end
  local own = m.children
  m.children = copy.children
  for _, c in ipairs(m.children) do c.parent = m end
  for _, id in ipairs(m.remove or {}) do
    local e = find_in(m, id)
    if not e then problem(ctx, "error", m.where, ("remove: %s has no element \"%s\""):format(label("model", base.id), id))
    else
      local sib = e.parent.children
      for i, x in ipairs(sib) do if x == e then table.remove(sib, i) break end end
    end
  end
  for _, r in ipairs(m.replace or {}) do
    local e = find_in(m, r.id)
    if not e then problem(ctx, "error", r.where, ("replace: %s has no element \"%s\""):format(label("model", base.id), r.id))
    else
      local sib = e.parent.children
      for i, x in ipairs(sib) do if x == e then sib[i] = r; r.parent = e.parent break end end
    end
  end
  for id, fields in pairs(m.change or {}) do
    local e = find_in(m, id)
    if not e then problem(ctx, "error", m.where, ("change: %s has no element \"%s\""):format(label("model", base.id), id))
    else
      local decl = schema.constructs[e.kind]
      for k, v in pairs(fields) do
        local f = decl.by_name[k]
        if not f then problem(ctx, "error", m.where, ("change \"%s\": unknown field \"%s\""):format(id, k))
        else
          local ok, msg = schema.check_type(f, v)
          if ok then e[k] = v else problem(ctx, "error", m.where, ("change \"%s\": %s %s"):format(id, k, msg)) end
        end
      end
    end
  end
  -- the extending model's own themes: a theme with a base theme's id adds to it
  for _, c in ipairs(own) do
    local target = c.kind ~= "theme" and nil or find_in(m, c.id)
    if target and target.kind == "theme" then
      for _, q in ipairs(c.children) do q.parent = target; target.children[#target.children + 1] = q end
    else
      c.parent = m
      m.children[#m.children + 1] = c
    end
  end
end

-- ---------------------------------------------------------------- the globals models see

local function finish_model(ctx, m, file)
  m._file = file or m.where:match("^(.*):%d+$")
  if m.extends ~= nil then
    if getmetatable(m.extends) ~= "model" then
      problem(ctx, "error", m.where, ("model \"%s\": extends must be a model (from use \"file.lua\")"):format(m.id))
    else
      apply_extends(ctx, m)
    end
  end
  if m.structure then M.add_yaml_structure(ctx, m) end
  index_model(ctx, m)
  check_model(ctx, m)
  ctx.models = ctx.models or {}
  table.insert(ctx.models, m)
  return m
end

function M.globals(ctx)
  local g = {}
  g.theme = constructor(ctx, "theme")
  g.question = constructor(ctx, "question")
  g.indicator = constructor(ctx, "indicator")
  g.model = function(id)
    local where, file = where_of(2), file_of(2)
    if type(id) ~= "string" or id == "" then
      problem(ctx, "error", where, 'model needs an id in quotes, like model "kik" { ... }')
      id = "?"
    end
    return function(spec)
      local m = build(ctx, "model", id, spec, where)
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
    if not ok then
      -- a file that cannot be opened is a mistake on the line that names it: say which line
      if type(err) == "string" and err:find("^cannot open ") then error(("use \"%s\": %s"):format(path, err), 2) end
      error(err, 0)
    end
    local m = ctx.models and ctx.models[#ctx.models]
    if not m or #ctx.models == before then error(("use \"%s\": the file declares no model"):format(path), 2) end
    m._used = true
    return m
  end
  g.scale = scale
  g.scoring = scoring
  for _, name in ipairs({ "time", "consensus", "prioritise" }) do
    g[name] = require("qm." .. name)
  end
  for _, extra in ipairs(M.global_hooks) do
    for k, v in pairs(extra(ctx)) do g[k] = v end
  end
  return g
end

-- other modules add globals: function(ctx) -> { name = value }
M.global_hooks = {}

-- the models this run declared (not those only loaded with use), in order
function M.models(ctx)
  local out = {}
  for _, m in ipairs(ctx.models or {}) do if not m._used then out[#out + 1] = m end end
  return out
end

-- load a model file and return its (last) model
function M.load(path, ctx)
  ctx:dofile(path)
  local ms = M.models(ctx)
  return ms[#ms]
end

-- ---------------------------------------------------------------- YAML structure

local yaml_fields = { theme = "themes", question = "questions", indicator = "indicators" }

-- convert a YAML string (string mode) to the field's declared type
local function coerce(f, v)
  if type(v) ~= "string" then return v end
  if f.type == "number" or f.type == "integer" then
    local n = tonumber(v)
    if n == nil then return nil, ("must be a number, got \"%s\""):format(v) end
    if f.type == "integer" then n = math.tointeger(n); if not n then return nil, "must be a whole number" end end
    return n
  elseif f.type == "boolean" then
    if v == "true" or v == "ja" or v == "yes" then return true end
    if v == "false" or v == "nej" or v == "no" then return false end
    return nil, ("must be true or false, got \"%s\""):format(v)
  end
  return v
end

local function scale_from_yaml(v)
  if type(v) ~= "table" then return nil, "must be a mapping like {kind: points, min: 0, max: 100, step: 5}" end
  local kind = v.kind
  local ctor = scale[kind or ""]
  if type(ctor) ~= "function" or kind == "is_scale" then return nil, ("kind \"%s\" is not a scale"):format(tostring(kind)) end
  local args = {}
  for k, x in pairs(v) do if k ~= "kind" then args[k] = tonumber(x) or x end end
  args[1], args[2] = args.min, args.max
  if type(v.labels) == "table" then
    args.labels = {}
    for k, x in pairs(v.labels) do args.labels[tonumber(k) or k] = x end
  end
  if args.na == "true" then args.na = true end
  local ok, s = pcall(ctor, args)
  if not ok then return nil, tostring(s):gsub("^.-:%d+: ", "") end
  return s
end

local function node_from_yaml(ctx, yaml, kind, t, parent_where)
  local where = (yaml.where(t) or parent_where):match("^(.*:%d+):%d+$") or parent_where
  local id = t.id
  if id == nil or id == yaml.null then
    problem(ctx, "error", where, kind .. " without an id")
    id = "?"
  end
  local spec = {}
  local decl = schema.constructs[kind]
  for _, k in ipairs(yaml.keys(t)) do
    local v = t[k]
    local fwhere = (yaml.where(t, k) or where):match("^(.*:%d+):%d+$") or where
    if k == "id" then
      -- the id
    elseif yaml_fields[k:gsub("s$", "")] and k == yaml_fields[k:gsub("s$", "")] then
      if type(v) ~= "table" then problem(ctx, "error", fwhere, k .. " must be a list")
      else
        for _, child in ipairs(v) do
          spec[#spec + 1] = node_from_yaml(ctx, yaml, k:gsub("s$", ""), child, fwhere)
        end
      end
    else
      local f = decl.by_name[k]
      if f and f.type == "scale" then
        local s, err = scale_from_yaml(v)
        if s then spec[k] = s else problem(ctx, "error", fwhere, ("%s: scale %s"):format(label(kind, id), err)) end
      elseif f and v ~= yaml.null then
        local cv, err = coerce(f, v)
        if err then problem(ctx, "error", fwhere, ("%s: %s %s"):format(label(kind, id), k, err)) else spec[k] = cv end
      elseif not f then
        spec[k] = v  -- build() reports the unknown field, with a suggestion
        local hint = did_you_mean(k, decl.names)
        problem(ctx, "error", fwhere, ("%s: unknown field \"%s\"%s"):format(label(kind, id), k,
          hint and (" (did you mean \"" .. hint .. "\"?)") or ""))
        spec[k] = nil
      end
    end
  end
  return build(ctx, kind, tostring(id), spec, where)
end

-- model { structure = "kik.yaml" }: themes, questions and indicators from a YAML file
function M.add_yaml_structure(ctx, m)
  local yaml = require "qm.yaml"
  local dir = (m._file or m.where:match("^(.*):%d+$") or "."):match("^(.*)/[^/]*$") or "."
  local path = m.structure:sub(1, 1) == "/" and m.structure or (dir .. "/" .. m.structure)
  local ok, doc = pcall(yaml.load_file, path, { scalars = "string", name = path })
  if not ok then problem(ctx, "error", m.where, tostring(doc):gsub("^.-:%d+: cannot", "cannot")) return end
  if type(doc) ~= "table" then problem(ctx, "error", path .. ":1", "expected a mapping with themes") return end
  for _, k in ipairs(yaml.keys(doc)) do
    if k ~= "themes" and k ~= "questions" and k ~= "indicators" then
      local f = schema.constructs.model.by_name[k]
      if f and m[k] == nil and doc[k] ~= yaml.null then
        local v, err = coerce(f, doc[k])
        if err then problem(ctx, "error", yaml.where(doc, k), k .. " " .. err) else m[k] = v end
      elseif not f then
        problem(ctx, "error", (yaml.where(doc, k) or path):match("^(.*:%d+):%d+$"), ("model file: unknown field \"%s\""):format(k))
      end
    end
  end
  for _, key in ipairs({ "themes", "questions", "indicators" }) do
    if type(doc[key]) == "table" then
      for _, t in ipairs(doc[key]) do
        local c = node_from_yaml(ctx, yaml, key:gsub("s$", ""), t, path .. ":1")
        c.parent = m
        m.children[#m.children + 1] = c
      end
    end
  end
end

-- ---------------------------------------------------------------- run and check

local reports = {}

-- register_report(name, fn(ctx, model, out) -> exit code or nil, doc)
function M.register_report(name, fn, doc)
  reports[name] = { fn = fn, doc = doc or "" }
end

-- Report modules that need not be loaded on every run: a report's module is required the
-- first time the report is asked for (start-up stays a few milliseconds).
local lazy_reports = {
  svarrapport = "qm.selfassess", konsensus = "qm.selfassess", konsensusrapport = "qm.selfassess",
  prioritering = "qm.selfassess", handleplan = "qm.selfassess", opfoelgning = "qm.selfassess",
  rollup = "qm.selfassess", skema = "qm.selfassess", statistik = "qm.selfassess", demo = "qm.selfassess",
  progression = "qm.progression", stagnation = "qm.progression", completeness = "qm.progression",
  fokus = "qm.progression", indsatser = "qm.progression", coverage = "qm.progression", borger = "qm.progression",
  audit = "qm.audit", audit_prioritering = "qm.audit",
}

local function report_of(name)
  if not reports[name] and lazy_reports[name] then require(lazy_reports[name]) end
  return reports[name]
end

function M.reports()
  for _, mod in pairs(lazy_reports) do require(mod) end
  return reports
end

function M.print_problems(ctx, stream, show_warnings)
  local errors = 0
  for _, p in ipairs(ctx.problems or {}) do
    if p.level == "error" then errors = errors + 1 end
    if p.level == "error" or show_warnings then
      stream:write(("%s: %s: %s\n"):format(p.where, p.level, p.msg))
    end
  end
  return errors
end

-- after `qm run FILE`: report problems, then produce the requested report of the model
function M.after_run(ctx)
  local host = require "qm.host"
  local errors = M.print_problems(ctx, io.stderr, not ctx.opts.quiet)
  if errors > 0 then
    io.stderr:write(("%d error%s in the model: nothing was run (see qm check)\n"):format(errors, errors == 1 and "" or "s"))
    return host.exit.model
  end
  local models = M.models(ctx)
  if #models == 0 then return nil end
  local m = models[#models]
  local name = ctx.opts.report or (ctx.opts.db and (m.default_report or (#m:indicators() > 0 and "status"))) or "summary"
  if name == "list" then
    -- --report list: every report with its one line, for choosing one
    local all = M.reports()
    local out = ctx:output()
    for _, n in ipairs(M.report_names()) do out:write(("%-20s %s\n"):format(n, all[n].doc)) end
    return host.exit.ok
  end
  local r = report_of(name)
  if not r then
    require("qm.internal.cli").usage_error(("no report \"%s\" (reports: %s)"):format(name, table.concat(M.report_names(), ", ")))
  end
  return r.fn(ctx, m, ctx:output())
end

function M.report_names()
  local names = {}
  for k in pairs(M.reports()) do names[#names + 1] = k end
  table.sort(names)
  return names
end

-- `qm check FILE`: every problem, errors and warnings; returns the number of errors
function M.check(ctx)
  local errors = M.print_problems(ctx, io.stdout, true)
  if #M.models(ctx) == 0 and errors == 0 and ctx.opts.verbose then io.stdout:write("note: no model declared\n") end
  return errors
end

require("qm.lang.summary")(M)
package.loaded["qm.lang"] = M   -- so modules that extend the language can require it now
require "qm.indicator"
require "qm.plan"
return M
