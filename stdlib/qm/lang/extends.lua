-- extends.lua — reuse: `model "x" { extends = base, remove = {...}, replace = { question ... },
-- change = { id = { field = value } } }` copies the base model's tree into the new model and
-- applies the changes; the extending model's own themes add to the base's. A table of
-- settings (string keys: progression, audit, parties, meta, ...) given by the extending model
-- or by change merges into the base's key by key, at every depth, so
-- `progression = { window = 4 }` keeps the base's focus_max; a list, a scale or a rule is
-- replaced whole. `replace = { progression = {...} }` replaces a whole table.
local schema = require "qm.lang.schema"
local model = require "qm.lang.model"
local construct = require "qm.lang.construct"

local problem, label = construct.problem, construct.label

local M = {}

-- a table of settings: string keys only, no metatable (not a list, a scale, a rule)
local function is_record(t)
  if type(t) ~= "table" or getmetatable(t) ~= nil or next(t) == nil then return false end
  for k in pairs(t) do if type(k) ~= "string" then return false end end
  return true
end

-- base's settings with own's on top, key by key at every depth
local function merged(base, own)
  if not (is_record(base) and is_record(own)) then return own end
  local out = {}
  for k, v in pairs(base) do out[k] = v end
  for k, v in pairs(own) do out[k] = merged(base[k], v) end
  return out
end
M.merged = merged

-- set field k of element e (declared as f) to v, merged with what the base had; problems at where
local function set_field(ctx, where, what, e, f, k, v)
  local nv = merged(e[k], v)
  local ok, msg = schema.check_type(f, nv)
  if not ok then problem(ctx, "error", where, ("%s: %s %s"):format(what, k, msg)) return end
  local bad = schema.check_nested(f, nv)
  for _, m in ipairs(bad) do problem(ctx, "error", where, ("%s: %s"):format(what, m)) end
  if #bad == 0 then e[k] = nv end
end

local not_inherited = { kind = true, id = true, where = true, extends = true, children = true,
                        remove = true, replace = true, change = true }

local function find_in(tree, id)
  for _, e in ipairs(tree:walk()) do if e.id == id then return e end end
end

-- model "x" { extends = base, remove = {...}, replace = { question ... }, change = {...} }
function M.apply(ctx, m)
  local base = m.extends
  local copy = model.copy_tree(base, nil)
  local mdecl = schema.constructs.model
  for k, v in pairs(copy) do
    if not not_inherited[k] and k:sub(1, 1) ~= "_" then
      if m[k] == nil then m[k] = v
      elseif is_record(v) and is_record(m[k]) and mdecl.by_name[k] then
        set_field(ctx, m.where, label("model", m.id), m, mdecl.by_name[k], k, merged(v, m[k]))
      end
    end
  end
  -- datasets: the base's, with the extending model's own added (or replacing one of the same name)
  if base.datasets and m.datasets ~= base.datasets then
    local mine = {}
    for _, d in ipairs(m.datasets or {}) do mine[d.id:lower()] = true end
    local merged = {}
    for _, d in ipairs(base.datasets) do if not mine[d.id:lower()] then merged[#merged + 1] = d end end
    for _, d in ipairs(m.datasets or {}) do merged[#merged + 1] = d end
    m.datasets = merged
  end
  -- reports: the base's, with the extending model's own added (or replacing one of the same id)
  if base.reports and m.reports ~= base.reports then
    local mine = {}
    for _, r in ipairs(m.reports or {}) do mine[r.id] = true end
    local merged = {}
    for _, r in ipairs(base.reports) do if not mine[r.id] then merged[#merged + 1] = r end end
    for _, r in ipairs(m.reports or {}) do merged[#merged + 1] = r end
    m.reports = merged
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
  -- replace = { field = value }: the model's own setting replaced whole, not merged
  for k, v in pairs(m.replace or {}) do
    if type(k) == "string" then
      local f = mdecl.by_name[k]
      if not f then
        local hint = construct.did_you_mean(k, mdecl.names)
        problem(ctx, "error", m.where, ("replace: unknown model field \"%s\"%s"):format(k, hint and (" (did you mean \"" .. hint .. "\"?)") or ""))
      else
        local ok, msg = schema.check_type(f, v)
        if ok then
          local bad = schema.check_nested(f, v)
          for _, x in ipairs(bad) do problem(ctx, "error", m.where, ("replace: %s"):format(x)) end
          m[k] = v
        else problem(ctx, "error", m.where, ("replace: %s %s"):format(k, msg)) end
      end
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
  -- change = { id = { field = value } } for an element; change = { field = value } for a
  -- setting of the model itself (a field name that is no element's id): merged key by key
  local ids = {}
  for id in pairs(m.change or {}) do ids[#ids + 1] = id end
  table.sort(ids, function(a, b) return tostring(a) < tostring(b) end)
  for _, id in ipairs(ids) do
    local fields = m.change[id]
    local e = find_in(m, id)
    if not e and mdecl.by_name[id] then
      set_field(ctx, m.where, "change", m, mdecl.by_name[id], id, fields)
    elseif not e then
      problem(ctx, "error", m.where, ("change: %s has no element or setting \"%s\""):format(label("model", base.id), tostring(id)))
    elseif type(fields) ~= "table" then
      problem(ctx, "error", m.where, ("change \"%s\": give the fields to change, { field = value }"):format(id))
    else
      local decl = schema.constructs[e.kind]
      for k, v in pairs(fields) do
        local f = decl.by_name[k]
        if not f then
          local hint = construct.did_you_mean(k, decl.names)
          problem(ctx, "error", m.where, ("change \"%s\": unknown field \"%s\"%s"):format(id, k, hint and (" (did you mean \"" .. hint .. "\"?)") or ""))
        else
          set_field(ctx, m.where, ("change \"%s\""):format(id), e, f, k, v)
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

return M
