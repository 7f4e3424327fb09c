-- structure.lua — `model { structure = "kik.yaml" }`: themes, questions and indicators read
-- from a YAML file in the model's folder, each field converted to its declared type, with
-- problems at the YAML file's own line.
local schema = require "qm.lang.schema"
local scale = require "qm.rules.scale"
local construct = require "qm.lang.construct"

local problem, label, did_you_mean = construct.problem, construct.label, construct.did_you_mean

local M = {}

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

-- "file:line" of the value under key k of a loaded table (the item itself when k is nil)
local function line_of(yaml, t, k, default)
  return (yaml.where(t, k) or default):match("^(.*:%d+):%d+$") or default
end

-- the list under `key` (themes, questions, indicators), or nil after a problem at `where`
local function list_of(ctx, yaml, v, key, where)
  if type(v) ~= "table" or (#v == 0 and next(v) ~= nil) then
    problem(ctx, "error", where, ("%s must be a list, one \"- id: ...\" item a line"):format(key))
    return nil
  end
  return v
end

local function node_from_yaml(ctx, yaml, kind, t, where)
  if type(t) ~= "table" or #t > 0 then
    -- an item that is not a mapping: "- " alone, "- text", "- [a, b]"
    problem(ctx, "error", where, ("%s: expected a mapping like \"- id: ...\", got %s"):format(kind,
      t == yaml.null and "nothing" or type(t) == "table" and "a list" or ("\"%s\""):format(tostring(t))))
    return nil
  end
  where = line_of(yaml, t, nil, where)
  local id = t.id
  if id == nil or id == yaml.null then
    problem(ctx, "error", where, kind .. " without an id")
    id = "?"
  elseif type(id) ~= "string" then
    problem(ctx, "error", where, ("%s: the id must be text, like id: ledelse"):format(kind))
    id = "?"
  end
  local spec = {}
  local decl = schema.constructs[kind]
  for _, k in ipairs(yaml.keys(t)) do
    local v = t[k]
    local fwhere = line_of(yaml, t, k, where)
    if type(k) ~= "string" then
      problem(ctx, "error", fwhere, ("%s: field names must be words, got %s"):format(label(kind, id), tostring(k)))
    elseif k == "id" then
      -- the id
    elseif yaml_fields[k:gsub("s$", "")] and k == yaml_fields[k:gsub("s$", "")] then
      if list_of(ctx, yaml, v, k, fwhere) then
        for i, child in ipairs(v) do
          spec[#spec + 1] = node_from_yaml(ctx, yaml, (k:gsub("s$", "")), child, line_of(yaml, v, i, fwhere))
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
  return construct.build(ctx, kind, tostring(id), spec, where)
end

-- model { structure = "kik.yaml" }: themes, questions and indicators from a YAML file
-- The file is read with the model's own yaml (bound to its scope): a structure file outside
-- the model's folder is refused like any other read.
function M.add(ctx, m, scope)
  local yaml = scope.modules["qm.yaml"]
  local path = m.structure:sub(1, 1) == "/" and m.structure or (scope.named .. "/" .. m.structure)
  local ok, doc = pcall(yaml.load_file, path, { scalars = "string", name = path })
  if not ok then problem(ctx, "error", m.where, tostring(doc):gsub("^.-:%d+: cannot", "cannot")) return end
  if type(doc) ~= "table" or #doc > 0 then problem(ctx, "error", path .. ":1", "expected a mapping with themes") return end
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
    local list = doc[key] ~= nil and doc[key] ~= yaml.null
      and list_of(ctx, yaml, doc[key], key, line_of(yaml, doc, key, path .. ":1"))
    for i, t in ipairs(list or {}) do
      local c = node_from_yaml(ctx, yaml, (key:gsub("s$", "")), t, line_of(yaml, list, i, path .. ":1"))
      if c then
        c.parent = m
        m.children[#m.children + 1] = c
      end
    end
  end
end

return M
