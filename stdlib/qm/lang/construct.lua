-- construct.lua — building model elements from `kind "id" { ... }`: each field is checked
-- against the construct's declaration (lang/schema.lua), and problems are collected on the
-- run (not raised), so `qm check` can report every one of them at the model's own line.
local schema = require "qm.lang.schema"
local model = require "qm.lang.model"

local M = {}

-- record a problem ("error" or "warning") at "file:line" on the run. `about` (optional) says
-- what it concerns, so tools can point at it: { kind =, id = (the element), field = (its
-- field), offset = (bytes into the field's text), suggestion = (the "did you mean" word) }
function M.problem(run, level, where, msg, about)
  run.problems = run.problems or {}
  -- (about must be a table: a caller passing msg:gsub(...) hands on gsub's count too)
  table.insert(run.problems, { level = level, where = where or "?", msg = msg, about = type(about) == "table" and about or nil })
end
local problem = M.problem

-- the frame `level` counts to (from the caller of the function asking), looking through C
-- frames: a model calls a library's function through the sandbox's guard (a C function)
local function frame(level, what)
  local l = level + 2
  local info = debug.getinfo(l, what .. "S")
  while info and info.what == "C" do
    l = l + 1
    info = debug.getinfo(l, what .. "S")
  end
  return info
end
M.frame = frame

-- "file:line" of the model code that called the construct (level counts from the caller),
-- with the file as the user named it (Lua's short_src cuts long paths to "..."), C frames
-- skipped as frame() skips them; taken in C (sandbox.where), without a table of debug
-- information per construct. (Not a tail call: where_of's own frame is level 1 there.)
local position_of = require("qm.sandbox").where
function M.where_of(level)
  return (position_of(level + 1))
end

-- "file:line" of the nearest model code up the stack, from `level` (counted as where_of
-- counts): C frames (a frozen library's proxy) and the stdlib's own frames are skipped
function M.model_where(level)
  for l = level + 1, level + 12 do
    local info = debug.getinfo(l, "Sl")
    if not info then break end
    if info.what ~= "C" and info.currentline > 0 and not info.source:match("^@stdlib/") then
      local file = info.source:sub(1, 1) == "@" and info.source:sub(2) or info.short_src
      return file .. ":" .. info.currentline
    end
  end
  return nil
end

-- the full path of the model file that called the construct: short_src above is cut to
-- 60 characters for messages, so paths are resolved from the chunk's source instead
function M.file_of(level)
  local info = frame(level, "")
  if not info or info.source:sub(1, 1) ~= "@" then return nil end
  return info.source:sub(2)
end

function M.did_you_mean(name, known)
  local best, bestd
  for _, k in ipairs(known) do
    if k:lower() == name:lower() then return k end   -- TITLE meant title
  end
  for _, k in ipairs(known) do
    local d = schema.distance(name, k)
    if d <= math.max(2, #k // 3) and (bestd == nil or d < bestd) then best, bestd = k, d end
  end
  return best
end
local did_you_mean = M.did_you_mean

-- the constructs kept in a list of their own on their owner, not in its tree of children
M.lists = { dataset = "datasets", column = "columns", report = "reports", section = "sections" }

function M.label(kind, id) return ("%s \"%s\""):format(kind, id) end
local label = M.label

-- a declaration's fields that are required or have a default (the rest need no look after
-- the spec's own fields are checked), made once per declaration
local finishing_of = setmetatable({}, { __mode = "k" })
local function finishing(decl)
  local list = finishing_of[decl]
  if not list then
    list = {}
    for _, f in ipairs(decl.fields) do
      if f.required or f.default ~= nil then list[#list + 1] = f end
    end
    finishing_of[decl] = list
  end
  return list
end

-- check spec's fields against the construct's declaration; returns the node
function M.build(run, kind, id, spec, where)
  local decl = schema.constructs[kind]
  local node = model.new(kind, { kind = kind, id = id, where = where, children = {} })
  if type(spec) ~= "table" then
    problem(run, "error", where, ("%s: expected { ... } after %s \"%s\", got %s"):format(label(kind, id), kind, id, type(spec)), { kind = kind, id = id })
    return node
  end
  for k, v in pairs(spec) do
    if type(k) ~= "string" then
      if math.type(k) == "integer" then
        if model.is_element(v) then
          if not decl.children or not decl.children[v.kind] then
            problem(run, "error", v.where, ("%s cannot contain %s"):format(label(kind, id), label(v.kind, v.id)), { kind = v.kind, id = v.id })
          end
        else
          problem(run, "error", where, ("%s: item %d is not a theme, question, indicator, dataset or column (did you forget a field name?)"):format(label(kind, id), k), { kind = kind, id = id })
        end
      else
        problem(run, "error", where, ("%s: field names must be words, got %s"):format(label(kind, id), tostring(k)), { kind = kind, id = id })
      end
    else
      local f = decl.by_name[k]
      if not f then
        local hint = (schema.field_aliases[kind] or {})[k] or did_you_mean(k, decl.names)
        problem(run, "error", where, ("%s: unknown field \"%s\"%s"):format(label(kind, id), k,
          hint and (" (did you mean \"" .. hint .. "\"?)") or (" (fields: " .. table.concat(decl.names, ", ") .. ")")),
          { kind = kind, id = id, field = k, suggestion = hint })
      else
        local ok, msg = schema.check_type(f, v)
        if not ok then
          problem(run, "error", where, ("%s: %s %s"):format(label(kind, id), k, msg), { kind = kind, id = id, field = k, value = true })
        else
          if f.fields then   -- a table field with declared sub-fields (check_nested has nothing to say otherwise)
            for _, m in ipairs(schema.check_nested(f, v)) do problem(run, "error", where, ("%s: %s"):format(label(kind, id), m)) end
          end
          node[k] = v
        end
      end
    end
  end
  for i = 1, #spec do
    local c = spec[i]
    if model.is_element(c) then
      -- datasets and their columns are the model's data, reports and their sections what it
      -- shows: not elements of its tree
      local list = M.lists[c.kind] or "children"
      if list ~= "children" then c.owner = node else c.parent = node end
      node[list] = node[list] or {}
      node[list][#node[list] + 1] = c
    end
  end
  -- only the fields that are required or have a default, in their declared order; a node's
  -- own fields are read raw (no field is named like an element's method or collection:
  -- tests/engine/test_construct_fast.lua)
  for _, f in ipairs(finishing(decl)) do
    if f.required and rawget(node, f.name) == nil then
      problem(run, "error", where, ("%s: %s is required (%s)"):format(label(kind, id), f.name, f.doc), { kind = kind, id = id })
    end
    if f.default ~= nil and rawget(node, f.name) == nil then node[f.name] = f.default end
  end
  if type(node.aliases) == "string" then node.aliases = { node.aliases } end
  return node
end

-- `kind "id" { ... }` as a Lua call: the id call captures where, the table call builds
function M.constructor(run, kind)
  return function(id)
    local where = M.where_of(2)
    if type(id) == "number" then id = tostring(id) end
    if type(id) ~= "string" or id == "" then
      problem(run, "error", where, ("%s needs an id in quotes, like %s \"%s\" { ... }"):format(kind, kind, kind == "question" and "1.1" or "ledelse"))
      id = "?"
    end
    return function(spec)
      return M.build(run, kind, id, spec, where)
    end
  end
end

-- every element by id and alias (m:find); a duplicate is an error
function M.index(run, m)
  local index = {}
  m._index = index
  local function add(key, e, what)
    local prev = index[key]
    if prev and prev ~= e then
      problem(run, "error", e.where, ("duplicate id \"%s\": %s at %s has it too%s"):format(key, label(prev.kind, prev.id), prev.where, what),
        { kind = e.kind, id = e.id })
    else
      index[key] = e
    end
  end
  for _, e in ipairs(m:walk()) do add(e.id, e, "") end
  for _, e in ipairs(m:walk()) do
    for _, a in ipairs(e.aliases or {}) do add(a, e, " (as an alias)") end
  end
end

return M
